import BackOfficeCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A session's child process: the console in a pseudo-terminal, or a command on plain pipes.
///
/// The child leads a new session (so a hang-up reaches all it started) with every signal at its default and none
/// blocked. Its descriptors are closed on exec everywhere else, so one session's child never holds another's terminal.
final class ChildProcess: @unchecked Sendable {
    let pid: pid_t
    /// Where the client's keystrokes or standard input go.
    private(set) var input: Int32
    /// Where the child's output comes from: the terminal, or standard output and standard error.
    let outputs: [(descriptor: Int32, isError: Bool)]
    /// The terminal's master side, for window changes; nil on pipes.
    private let terminal: Int32?
    private let lock = NSLock()

    /// Held from creating a child's descriptors to starting it: descriptors become close-on-exec only after they are
    /// made (`pipe2` and `O_CLOEXEC` openpty do not import), and a child started by another session in between would
    /// inherit them and keep this session's pipes open.
    private static let spawning = NSLock()

    private init(pid: pid_t, input: Int32, outputs: [(Int32, Bool)], terminal: Int32?) {
        self.pid = pid
        self.input = input
        self.outputs = outputs.map { (descriptor: $0.0, isError: $0.1) }
        self.terminal = terminal
    }

    /// Starts `arguments` in a new pseudo-terminal of `width` × `height`.
    static func inTerminal(_ arguments: [String], environment: [String: String], width: Int, height: Int) throws(Failure) -> ChildProcess {
        spawning.lock()
        defer { spawning.unlock() }
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: UInt16(clamping: max(1, height)), ws_col: UInt16(clamping: max(1, width)), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw Failure(.storeFailure, "openpty failed (errno \(errno))") }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        guard let name = ttyname(slave).map({ String(cString: $0) }) else {
            close(master); close(slave)
            throw Failure(.storeFailure, "no name for the new terminal")
        }
        defer { close(slave) }
        // Opened by path after setsid, the terminal becomes the child's controlling terminal.
        let pid = try spawn(arguments, environment: environment) { actions in
            posix_spawn_file_actions_addopen(&actions, 0, name, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
        }
        let input = dup(master)
        _ = fcntl(input, F_SETFD, FD_CLOEXEC)
        return ChildProcess(pid: pid, input: input, outputs: [(master, false)], terminal: master)
    }

    /// Starts `arguments` with pipes for standard input, output and error.
    static func onPipes(_ arguments: [String], environment: [String: String]) throws(Failure) -> ChildProcess {
        spawning.lock()
        defer { spawning.unlock() }
        var stdin: [Int32] = [-1, -1], stdout: [Int32] = [-1, -1], stderr: [Int32] = [-1, -1]
        guard pipe(&stdin) == 0, pipe(&stdout) == 0, pipe(&stderr) == 0 else {
            throw Failure(.storeFailure, "pipe failed (errno \(errno))")
        }
        for descriptor in stdin + stdout + stderr { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        defer { close(stdin[0]); close(stdout[1]); close(stderr[1]) }
        let pid = try spawn(arguments, environment: environment) { actions in
            posix_spawn_file_actions_adddup2(&actions, stdin[0], 0)
            posix_spawn_file_actions_adddup2(&actions, stdout[1], 1)
            posix_spawn_file_actions_adddup2(&actions, stderr[1], 2)
        }
        return ChildProcess(pid: pid, input: stdin[1], outputs: [(stdout[0], false), (stderr[0], true)], terminal: nil)
    }

    private static func spawn(_ arguments: [String], environment: [String: String],
                              files: (inout posix_spawn_file_actions_t) -> Void) throws(Failure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        files(&actions)
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

    /// Passes bytes the client sent on to the child.
    func write(_ bytes: [UInt8]) {
        lock.lock()
        let descriptor = input
        lock.unlock()
        guard descriptor >= 0 else { return }
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            offset += count
        }
    }

    /// The client will send no more: the child's standard input ends (on a terminal the console reads on).
    func closeInput() {
        guard terminal == nil else { return }
        closeInputDescriptor()
    }

    func resize(width: Int, height: Int) {
        guard let terminal else { return }
        var size = winsize(ws_row: UInt16(clamping: max(1, height)), ws_col: UInt16(clamping: max(1, width)), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(terminal, UInt(TIOCSWINSZ), &size)
    }

    /// The client is gone: hang up the child's whole session, as a terminal closing would.
    func hangUp() {
        kill(-pid, SIGHUP)
        kill(pid, SIGHUP)
        closeInputDescriptor()
    }

    /// Waits for the child to end; its exit status as a shell reports it (128 + the signal when killed).
    func waitForExit() -> Int {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // The WIFEXITED family does not import: the low seven bits are the signal, the next eight the exit code.
        let signal = status & 0x7f
        return signal == 0 ? Int((status >> 8) & 0xff) : 128 + Int(signal)
    }

    /// Closes the descriptor the child's input is written to (its pipe, or the terminal's master side), once.
    func closeInputDescriptor() {
        lock.lock()
        if input >= 0 { close(input); input = -1 }
        lock.unlock()
    }
}
