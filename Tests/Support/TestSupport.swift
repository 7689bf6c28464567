import BackOfficeCore
import Foundation

/// A folder of its own under the system's temporary directory, removed when the value is released.
public final class TemporaryFolder: @unchecked Sendable {
    public let url: URL

    public init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("backoffice-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// A clock a test moves by hand.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    public init(_ start: Date = Date(timeIntervalSince1970: 1_796_000_000)) { current = start }

    public var now: Date { lock.withLock { current } }

    public func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }

    public var function: @Sendable () -> Date { { [self] in self.now } }
}

/// What a run of the built `backoffice` binary printed and how it exited.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8)) }

    public init(status: Int32, stdout: String, stderr: String) {
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
    }
}

/// The built `backoffice` executable, next to the test bundle in the build folder.
public var backofficeBinary: URL {
    if let path = ProcessInfo.processInfo.environment["BACKOFFICE_BIN"] { return URL(fileURLWithPath: path) }
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("backoffice")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        folder = folder.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath + "/.build/debug/backoffice")
}

/// Starts the binary without waiting for it; output goes to files in `folder`.
public func startBackoffice(_ arguments: [String], environment: [String: String] = [:], in folder: TemporaryFolder,
                            workingDirectory: String? = nil) throws -> (Process, URL, URL) {
    var env = ProcessInfo.processInfo.environment
    env["BACKOFFICE_DB"] = nil
    env["BACKOFFICE_USER"] = nil
    // A host's /etc/backoffice/config.toml never reaches a test; a test that wants a system file names its own.
    env["BACKOFFICE_SYSTEM_CONFIG"] = folder.path("no-system-config.toml")
    env["XDG_DATA_HOME"] = folder.path("xdg")
    for (key, value) in environment { env[key] = value }
    return try startProgram(backofficeBinary, arguments, environment: env, in: folder, workingDirectory: workingDirectory)
}

/// Runs any program to completion (the sqlite3 shell, script(1)), output to files in `folder`, input from /dev/null.
public func runProgram(_ executable: String, _ arguments: [String], in folder: TemporaryFolder,
                       workingDirectory: String? = nil) throws -> CommandResult {
    let (process, out, err) = try startProgram(URL(fileURLWithPath: executable), arguments,
                                               environment: ProcessInfo.processInfo.environment, in: folder,
                                               workingDirectory: workingDirectory)
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

private func startProgram(_ executable: URL, _ arguments: [String], environment: [String: String], in folder: TemporaryFolder,
                          workingDirectory: String?) throws -> (Process, URL, URL) {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
    process.environment = environment
    let id = UUID().uuidString
    let out = folder.url.appendingPathComponent("out-\(id)"), err = folder.url.appendingPathComponent("err-\(id)")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return (process, out, err)
}

/// Runs the binary to completion.
public func runBackoffice(_ arguments: [String], environment: [String: String] = [:], in folder: TemporaryFolder,
                          workingDirectory: String? = nil) throws -> CommandResult {
    let (process, out, err) = try startBackoffice(arguments, environment: environment, in: folder, workingDirectory: workingDirectory)
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

/// Polls `condition` every 50 ms for at most `seconds`; true as soon as it holds (for what another process does in its
/// own time: a log line, a file appearing).
public func eventually(_ seconds: Double = 20, _ condition: () -> Bool) -> Bool {
    for _ in 0..<Int(seconds * 20) {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}
