import BackOfficeCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A session's child process: the console in a pseudo-terminal, or a command on plain pipes.
///
/// The child leads a new session (so a hang-up reaches all it started) with every signal at its default and none
/// blocked, and it inherits only its own terminal or pipes: every other descriptor (the listening socket, other
/// clients' sockets, which NIO does not mark close-on-exec) is closed in it before it runs. The session hands the
/// descriptors to NIO, which reads and writes them without blocking and closes them.
final class ChildProcess: @unchecked Sendable {
    /// The descriptors NIO takes over, each exactly once.
    enum Descriptors {
        /// The terminal's master side: the client's keystrokes go in and the screen comes out.
        case terminal(master: Int32)
        /// The write end of the child's standard input and the read ends of its standard output and error.
        case pipes(input: Int32, output: Int32, errors: Int32)
    }

    let pid: pid_t
    let descriptors: Descriptors
    private let lock = NSLock()
    /// A duplicate of the terminal's master side, kept for window changes (NIO owns and closes the other); nil on
    /// pipes and once closed. Guarded by `lock`.
    private var terminal: Int32?
    /// Set, under `lock`, in the same step as the child is reaped: its pid may belong to another process after that.
    private var reaped = false

    private init(pid: pid_t, descriptors: Descriptors, terminal: Int32?) {
        self.pid = pid
        self.descriptors = descriptors
        self.terminal = terminal
    }

    deinit {
        closeTerminal()
    }

    /// Starts `arguments` in a new pseudo-terminal of `width` × `height`.
    static func inTerminal(_ arguments: [String], environment: [String: String], width: Int, height: Int) throws(Failure) -> ChildProcess {
        try check(arguments, environment)
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: UInt16(clamping: max(1, height)), ws_col: UInt16(clamping: max(1, width)), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw Failure(.storeFailure, "openpty failed (errno \(errno))") }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        defer { close(slave) }
        guard let name = ttyname(slave).map({ String(cString: $0) }) else {
            close(master)
            throw Failure(.storeFailure, "no name for the new terminal")
        }
        let resizing = fcntl(master, F_DUPFD_CLOEXEC, 0)
        // Opened by path after setsid, the terminal becomes the child's controlling terminal.
        let pid: pid_t
        do {
            pid = try spawn(arguments, environment: environment) { actions in
                posix_spawn_file_actions_addopen(&actions, 0, name, O_RDWR, 0)
                posix_spawn_file_actions_adddup2(&actions, 0, 1)
                posix_spawn_file_actions_adddup2(&actions, 0, 2)
            }
        } catch {
            close(master)
            if resizing >= 0 { close(resizing) }
            throw error
        }
        return ChildProcess(pid: pid, descriptors: .terminal(master: master), terminal: resizing >= 0 ? resizing : nil)
    }

    /// Starts `arguments` with pipes for standard input, output and error.
    static func onPipes(_ arguments: [String], environment: [String: String]) throws(Failure) -> ChildProcess {
        try check(arguments, environment)
        var stdin: [Int32] = [-1, -1], stdout: [Int32] = [-1, -1], stderr: [Int32] = [-1, -1]
        guard pipe(&stdin) == 0, pipe(&stdout) == 0, pipe(&stderr) == 0 else {
            let failure = Failure(.storeFailure, "pipe failed (errno \(errno))")
            for descriptor in stdin + stdout + stderr where descriptor >= 0 { close(descriptor) }
            throw failure
        }
        for descriptor in stdin + stdout + stderr { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        defer { close(stdin[0]); close(stdout[1]); close(stderr[1]) }
        do {
            let pid = try spawn(arguments, environment: environment) { actions in
                posix_spawn_file_actions_adddup2(&actions, stdin[0], 0)
                posix_spawn_file_actions_adddup2(&actions, stdout[1], 1)
                posix_spawn_file_actions_adddup2(&actions, stderr[1], 2)
            }
            return ChildProcess(pid: pid, descriptors: .pipes(input: stdin[1], output: stdout[0], errors: stderr[0]), terminal: nil)
        } catch {
            close(stdin[1]); close(stdout[0]); close(stderr[0])
            throw error
        }
    }

    /// Refuses an argument or environment entry holding NUL or another C0 or C1 control character: they are passed as
    /// C strings, cut at a NUL, so `--user\0` would reach the child as `--user`. The exec words are checked before
    /// this; here it is checked again where the C strings are made.
    static func check(_ arguments: [String], _ environment: [String: String]) throws(Failure) {
        // The words after the executable, numbered as the splitter numbers them.
        try RemoteAccess.checkCharacters(Array(arguments.dropFirst()))
        for (name, value) in environment.sorted(by: { $0.key < $1.key })
        where name.contains("=") || (name + value).unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw Failure(.usage, "the environment variable \(Sanitize.forTerminal(name)) holds a control character or `=`; nothing was started")
        }
    }

    private static func spawn(_ arguments: [String], environment: [String: String],
                              files: (inout posix_spawn_file_actions_t) -> Void) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        files(&actions)
        // After the three standard descriptors are in place, nothing else crosses into the child.
        guard addCloseFrom(&actions, 3) == 0 else { throw Failure(.storeFailure, "cannot close descriptors for \(arguments[0])") }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // POSIX_SPAWN_SETSID (0x80) does not import from Glibc.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | 0x80))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else { throw Failure(.storeFailure, "cannot start \(arguments[0]) (error \(result))") }
        return pid
    }

    /// Sets the terminal's window size (nothing on pipes, or once the terminal is closed).
    func resize(width: Int, height: Int) {
        lock.withLock {
            guard let terminal else { return }
            var size = winsize(ws_row: UInt16(clamping: max(1, height)), ws_col: UInt16(clamping: max(1, width)), ws_xpixel: 0, ws_ypixel: 0)
            _ = ioctl(terminal, UInt(TIOCSWINSZ), &size)
        }
    }

    /// Closes the duplicate of the terminal's master side: once NIO has closed its own, the terminal is gone.
    func closeTerminal() {
        lock.withLock {
            if let terminal { close(terminal) }
            terminal = nil
        }
    }

    /// The client is gone: hang up the child's whole session, as a terminal closing would; nothing once it is reaped.
    func hangUp() {
        lock.withLock {
            guard !reaped else { return }
            kill(-pid, SIGHUP)
            kill(pid, SIGHUP)
        }
        closeTerminal()
    }

    /// Waits for the child to end and reaps it; its exit status as a shell reports it (128 + the signal when killed).
    /// Blocks: call it on a thread of its own, never on an event loop.
    func waitForExit() -> Int {
        // Wait without reaping, so that the pid stays the child's until `reaped` is set under the lock.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        var status: Int32 = 0
        lock.withLock {
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            reaped = true
        }
        // The WIFEXITED family does not import: the low seven bits are the signal, the next eight the exit code.
        let signal = status & 0x7f
        return signal == 0 ? Int((status >> 8) & 0xff) : 128 + Int(signal)
    }
}

/// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Glibc does not import.
@_silgen_name("posix_spawn_file_actions_addclosefrom_np")
private func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
