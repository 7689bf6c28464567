import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// tmux, when installed: a real terminal emulator for tests of what the console draws.
public let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"].first {
    FileManager.default.isExecutableFile(atPath: $0)
}

/// A tmux server on its own socket, so tests never touch the user's sessions.
public struct Tmux {
    public let path: String
    public let socket = "backoffice-curses-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    public init(path: String) {
        self.path = path
    }

    /// Runs a tmux command and returns what it printed; throws with tmux's message when it fails.
    ///
    /// Spawned directly and waited for by process id: the server that `new-session` forks inherits the client's
    /// descriptors, and Foundation's `Process` waits for those to close, that is for the server to exit.
    @discardableResult
    public func run(_ arguments: [String]) throws -> String {
        let directory = FileManager.default.temporaryDirectory.path
        let outputPath = "\(directory)/tmux-out-\(UUID().uuidString)"
        let errorPath = "\(directory)/tmux-err-\(UUID().uuidString)"
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        // tmux measures wide characters with its own locale; make sure it has a UTF-8 one.
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment.removeValue(forKey: "TMUX")
        let argv = ([path, "-u", "-L", socket, "-f", "/dev/null"] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        // The test runner's threads block some signals, and a blocked mask survives exec: the server and its panes
        // would then never see the SIGHUP of kill-server and outlive the test. Start them with none blocked.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var everySignal = sigset_t()
        sigfillset(&everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var pid = pid_t()
        let spawned = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard spawned == 0 else { throw Failure(description: "cannot run tmux: error \(spawned)") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exited normally with status 0: the low seven bits (the signal) and the exit code both zero.
        guard status == 0 else {
            let message = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
            throw Failure(description: "tmux \(arguments.first ?? "") failed (status \(status)): \(message)")
        }
        return (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
    }

    /// The pane's lines without trailing spaces, once `isComplete` accepts them or after `seconds`.
    public func waitForScreen(target: String? = nil, seconds: Double = 5, until isComplete: ([String]) -> Bool) throws -> [String] {
        var lines: [String] = []
        for _ in 0..<max(1, Int(seconds * 20)) {
            let screen = try run(["capture-pane", "-p"] + (target.map { ["-t", $0] } ?? []))
            lines = screen.components(separatedBy: "\n").map(Self.trimmingTrailingSpaces)
            while lines.last == "" { lines.removeLast() }
            if isComplete(lines) { break }
            usleep(50_000)
        }
        return lines
    }

    /// Ends the server and removes its socket, which tmux leaves behind.
    public func killServer() {
        let socketPath = (try? run(["display-message", "-p", "#{socket_path}"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try? run(["kill-server"])
        if let socketPath, !socketPath.isEmpty { unlink(socketPath) }
    }

    public static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = Substring(line)
        while line.last == " " { line = line.dropLast() }
        return String(line)
    }
}
