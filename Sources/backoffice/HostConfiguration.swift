import BackOfficeCore
import Foundation
import TerminalUI
import TOMLKit

/// The configuration files of this process: the one `--config` names and the system's, read once when the command is
/// parsed, and the settings in force from them (`Settings` in Core holds the schema and the precedence).
enum HostConfiguration {
    /// The system's file; `BACKOFFICE_SYSTEM_CONFIG` names another (a test's, or a host that keeps it elsewhere).
    static var systemPath: String {
        let named = ProcessInfo.processInfo.environment["BACKOFFICE_SYSTEM_CONFIG"] ?? ""
        return named.isEmpty ? "/etc/backoffice/config.toml" : named
    }

    struct Files {
        var file: (path: String, values: [String: Settings.Value])?
        var system: (path: String, values: [String: Settings.Value])?
    }

    nonisolated(unsafe) private(set) static var files = Files()

    /// Reads `--config FILE` (which must exist) and the system file (when there is one); a problem in either is an
    /// error naming the file, the line and the key.
    static func load(config: String?) throws(Failure) {
        var files = Files()
        if let config {
            guard FileManager.default.fileExists(atPath: config) else {
                throw Failure(.notFound, "--config \(config): no such file")
            }
            files.file = (config, try read(config))
        }
        let system = systemPath
        if FileManager.default.fileExists(atPath: system) {
            files.system = (system, try read(system))
        }
        self.files = files
    }

    /// Every setting in force, with the flags a command was given.
    static func resolved(flags: [String: Settings.Value] = [:], only: Set<String>? = nil) throws(Failure) -> [String: Settings.Resolved] {
        try Settings.resolve(flags: flags, environment: ProcessInfo.processInfo.environment, file: files.file,
                             system: files.system, defaults: [
                                "db": .text(GlobalOptions.dataDirectory + "/backoffice.sqlite"),
                                "ssh.host_key": .text(GlobalOptions.dataDirectory + "/ssh_host_ed25519_key"),
                             ], only: only)
    }

    /// The value a file gives `name`, if one does (the flag and environment are the caller's to look at first).
    static func fileValue(_ name: String) -> String? {
        guard case .text(let text)? = files.file?.values[name] ?? files.system?.values[name] else { return nil }
        return text
    }

    /// One file's settings, flattened to `table.key` names and checked against the schema.
    static func read(_ path: String) throws(Failure) -> [String: Settings.Value] {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw Failure(.invalidInput, "\(path): is a folder, not a configuration file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(.invalidInput, "\(path): cannot be read")
        }
        guard data.count <= 1 << 20 else { throw Failure(.invalidInput, "\(path): \(data.count) bytes is too large for a configuration file") }
        guard let source = String(data: data, encoding: .utf8), !source.contains("\0") else {
            throw Failure(.invalidInput, "\(path): is not UTF-8 text")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            throw Failure(.invalidInput, "\(path) line \(error.source.begin.line): \(error.description)")
        } catch {
            throw Failure(.invalidInput, "\(path): \(error)")
        }
        let locator = TOMLKeyLocator(source: source)
        var values: [String: Settings.Value] = [:]
        var problem: Failure?
        func take(_ table: TOMLTable, prefix: [String]) {
            for (key, value) in table {
                let keyPath = prefix + [key]
                if let inner = value.table, prefix.isEmpty {
                    take(inner, prefix: keyPath)
                } else if let text = value.string {
                    values[keyPath.joined(separator: ".")] = .text(text)
                } else if let number = value.int {
                    values[keyPath.joined(separator: ".")] = .integer(number)
                } else if problem == nil {
                    let line = locator.line(of: keyPath).map { " line \($0)" } ?? ""
                    let name = Sanitize.forTerminal(keyPath.joined(separator: "."))
                    problem = Failure(.invalidInput, "\(path)\(line): \(name): expected text in quotes or a whole number")
                }
            }
        }
        take(table, prefix: [])
        if let problem { throw problem }
        return try Settings.checked(values, file: path) { name in locator.line(of: name.split(separator: ".").map(String.init)) }
    }
}
