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
    /// Spawned directly (`SpawnedProgram`): the server that `new-session` forks inherits the client's descriptors, and
    /// Foundation's `Process` waits for those to close, that is for the server to exit. Its panes start with no signal
    /// blocked, so they see the SIGHUP of kill-server and never outlive the test.
    @discardableResult
    public func run(_ arguments: [String]) throws -> String {
        // tmux measures wide characters with its own locale; make sure it has a UTF-8 one.
        var environment = ProcessInfo.processInfo.environment
        environment["LC_ALL"] = "C.UTF-8"
        environment.removeValue(forKey: "TMUX")
        let program: SpawnedProgram
        do {
            program = try SpawnedProgram(path, ["-u", "-L", socket, "-f", "/dev/null"] + arguments, environment: environment)
        } catch {
            throw Failure(description: "cannot run tmux: \(error)")
        }
        let result = program.wait()
        guard result.status == 0 else {
            throw Failure(description: "tmux \(arguments.first ?? "") failed (status \(result.status)): \(result.stderr)")
        }
        return result.stdout
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
