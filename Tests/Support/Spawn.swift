import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program started with `posix_spawn` and waited for by process id, outside Foundation's `Process`.
///
/// Foundation's `Process` learns that a child ended through descriptors the child inherits, so a child that hands them
/// on (tmux's server) or a long-running child started beside others (an `ssh` that waits for an answer) can hold up
/// the `waitUntilExit` of an unrelated, short process until it ends itself.
public struct SpawnedProgram: Sendable {
    public let pid: pid_t
    public let outputPath: String
    public let errorPath: String

    /// Starts `path` with `arguments`: input from /dev/null, output and errors to new files in `directory`, and no
    /// signal blocked (the test runner's threads block some, and a blocked mask survives exec).
    public init(_ path: String, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
                in directory: String = FileManager.default.temporaryDirectory.path) throws {
        outputPath = "\(directory)/spawn-out-\(UUID().uuidString)"
        errorPath = "\(directory)/spawn-err-\(UUID().uuidString)"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

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
        guard spawned == 0 else { throw SpawnFailure(description: "cannot run \(path): error \(spawned)") }
        self.pid = pid
    }

    /// Waits for the program to end and gives its exit status (128 + the signal when a signal ended it), output and
    /// errors; the two files are removed.
    public func wait() -> CommandResult {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        defer {
            unlink(outputPath)
            unlink(errorPath)
        }
        let signal = status & 0x7f
        return CommandResult(status: signal == 0 ? (status >> 8) & 0xff : 128 + signal,
                             stdout: (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "")
    }
}

public struct SpawnFailure: Error, CustomStringConvertible {
    public var description: String
}
