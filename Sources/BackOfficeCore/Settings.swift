import Foundation

/// The settings a host keeps in a configuration file: one schema, the key table below, read the same by every
/// command. Each setting is taken from the first of these that gives it: a flag, the environment, the file `--config`
/// names, the system file (`/etc/backoffice/config.toml`), the default.
public enum Settings {
    /// Where the value in force came from.
    public enum Source: Equatable, Sendable, CustomStringConvertible {
        case flag(String)
        case environment(String)
        case file(String)
        case systemFile(String)
        case defaultValue

        public var description: String {
            switch self {
            case .flag(let name): "flag \(name)"
            case .environment(let name): "environment \(name)"
            case .file(let path): "--config \(path)"
            case .systemFile(let path): path
            case .defaultValue: "default"
            }
        }
    }

    /// A value as a file or the environment gives it, before it is checked against its key.
    public enum Value: Equatable, Sendable {
        case text(String)
        case integer(Int)
    }

    public enum Kind: Sendable, Equatable {
        /// Any text of one line, such as a path or an address.
        case text
        /// A whole number in a range.
        case integer(ClosedRange<Int>)
        /// One of a few words.
        case choice([String])
    }

    public struct Key: Sendable {
        /// The name in the file: a table and a key, as in `ssh.listen`.
        public let name: String
        public let kind: Kind
        /// The command-line flag that sets it, where one does.
        public let flag: String?
        public let help: String

        /// `BACKOFFICE_` and the name in capitals, dots as underscores: `BACKOFFICE_SSH_LISTEN`.
        public var environmentName: String {
            "BACKOFFICE_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
        }
    }

    /// Every key of the schema. The defaults of `db` and `ssh.host_key` depend on the user's home folder, so the
    /// executable gives them; the rest are here.
    public static let keys: [Key] = [
        Key(name: "db", kind: .text, flag: "--db", help: "The store: a SQLite file's path or a postgres:// URL."),
        Key(name: "theme", kind: .text, flag: "--theme", help: "The console's colour theme, by name."),
        Key(name: "console.bell", kind: .choice(["off", "on"]), flag: "--bell",
            help: "Ring the terminal's bell when a request newly needs the user: off or on."),
        Key(name: "ssh.listen", kind: .text, flag: "--listen", help: "Address and port serve-ssh listens on (HOST:PORT)."),
        Key(name: "ssh.host_key", kind: .text, flag: "--host-key", help: "serve-ssh's ed25519 host key; created (0600) when missing."),
        Key(name: "ssh.max_sessions", kind: .integer(1...10_000), flag: "--max-sessions", help: "Sessions running at once, at most."),
        Key(name: "ssh.max_sessions_per_user", kind: .integer(1...10_000), flag: "--max-sessions-per-user",
            help: "Sessions one user may run at once."),
        Key(name: "ssh.max_channels_per_connection", kind: .integer(1...10_000), flag: "--max-channels-per-connection",
            help: "Session channels one connection may open at once."),
        Key(name: "ssh.max_startups", kind: .integer(1...10_000), flag: "--max-startups", help: "Connections not signed in yet, at most."),
        Key(name: "ssh.max_connection_rate", kind: .integer(1...10_000), flag: "--max-connection-rate",
            help: "Connections a second one address may end without signing in, after a burst of 10."),
        Key(name: "ssh.login_grace_time", kind: .integer(1...10_000), flag: "--login-grace-time",
            help: "Seconds a connection has to sign in."),
        Key(name: "ssh.idle_timeout", kind: .integer(0...1_000_000), flag: "--idle-timeout",
            help: "Seconds without traffic before a connection is closed (0: never)."),
        Key(name: "ssh.stop_grace", kind: .integer(0...3_600), flag: "--stop-grace",
            help: "Seconds serve-ssh waits on SIGTERM for open sessions to end before it closes them."),
        Key(name: "log.format", kind: .choice(["logfmt", "json"]), flag: "--log-format", help: "serve-ssh's log lines: logfmt or json."),
        Key(name: "log.file", kind: .text, flag: "--log-file",
            help: "serve-ssh's log file, reopened on SIGHUP; empty: standard error (the journal under systemd)."),
    ]

    public static let defaults: [String: Value] = [
        "theme": .text("default"),
        "console.bell": .text("off"),
        "ssh.listen": .text("127.0.0.1:2222"),
        "ssh.max_sessions": .integer(64),
        "ssh.max_sessions_per_user": .integer(16),
        "ssh.max_channels_per_connection": .integer(10),
        "ssh.max_startups": .integer(32),
        "ssh.max_connection_rate": .integer(2),
        "ssh.login_grace_time": .integer(30),
        "ssh.idle_timeout": .integer(3_600),
        "ssh.stop_grace": .integer(30),
        "log.format": .text("logfmt"),
        "log.file": .text(""),
    ]

    public static func key(_ name: String) -> Key? { keys.first { $0.name == name } }

    /// The value of one key in force and where it came from.
    public struct Resolved: Sendable, Equatable {
        public let key: String
        public let value: Value
        public let source: Source

        public var text: String {
            switch value {
            case .text(let text): text
            case .integer(let number): String(number)
            }
        }

        public var integer: Int {
            switch value {
            case .integer(let number): number
            case .text(let text): Int(text) ?? 0
            }
        }
    }

    /// A file's settings, checked: a key the schema lacks, a value of the wrong kind or out of range is refused naming
    /// the file, the line (where `line` finds the key), the key and the value.
    public static func checked(_ values: [String: Value], file: String, line: (String) -> Int? = { _ in nil }) throws(Failure) -> [String: Value] {
        var result: [String: Value] = [:]
        // In the file's order where lines are known, so the first problem reported is the first in the file.
        for name in values.keys.sorted(by: { (line($0) ?? .max, $0) < (line($1) ?? .max, $1) }) {
            let place = line(name).map { "\(file) line \($0): \(Sanitize.forTerminal(name))" } ?? "\(file): \(Sanitize.forTerminal(name))"
            guard let key = key(name) else {
                throw Failure(.invalidInput, "\(place): no such setting; the settings are \(keys.map(\.name).joined(separator: ", "))")
            }
            result[name] = try check(values[name]!, for: key, where: place)
        }
        return result
    }

    /// One value checked against its key; `place` starts the error ("FILE: ssh.listen", "BACKOFFICE_SSH_LISTEN").
    public static func check(_ value: Value, for key: Key, where place: String) throws(Failure) -> Value {
        switch (key.kind, value) {
        case (.text, .text(let text)):
            guard !text.contains(where: { $0.isNewline || $0.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } }) else {
                throw Failure(.invalidInput, "\(place): control characters are not allowed in \(Sanitize.forTerminal(text))")
            }
            return value
        case (.integer(let range), .integer(let number)):
            guard range.contains(number) else {
                throw Failure(.invalidInput, "\(place): \(number) is out of range; it must be between \(range.lowerBound) and \(range.upperBound)")
            }
            return value
        case (.integer, .text(let text)):
            // The environment gives every value as text.
            guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw Failure(.invalidInput, "\(place): expected a whole number, got \"\(Sanitize.forTerminal(text))\"")
            }
            return try check(.integer(number), for: key, where: place)
        case (.choice(let words), .text(let text)):
            guard words.contains(text) else {
                throw Failure(.invalidInput, "\(place): \"\(Sanitize.forTerminal(text))\" is not one of \(words.joined(separator: ", "))")
            }
            return value
        case (.text, .integer(let number)), (.choice, .integer(let number)):
            throw Failure(.invalidInput, "\(place): expected text in quotes, got the number \(number)")
        }
    }

    /// Every key's value in force (or those `only` names), by the precedence above. `flags` holds the flags given on the
    /// command line, by key name; `defaults` adds the defaults only the executable knows (`db`, `ssh.host_key`).
    public static func resolve(flags: [String: Value], environment: [String: String],
                               file: (path: String, values: [String: Value])?,
                               system: (path: String, values: [String: Value])?,
                               defaults extra: [String: Value], only: Set<String>? = nil) throws(Failure) -> [String: Resolved] {
        var resolved: [String: Resolved] = [:]
        for key in keys where only?.contains(key.name) ?? true {
            if let value = flags[key.name] {
                resolved[key.name] = Resolved(key: key.name, value: try check(value, for: key, where: key.flag ?? key.name),
                                              source: .flag(key.flag ?? key.name))
            } else if let text = environment[key.environmentName], !text.isEmpty {
                resolved[key.name] = Resolved(key: key.name, value: try check(.text(text), for: key, where: key.environmentName),
                                              source: .environment(key.environmentName))
            } else if let file, let value = file.values[key.name] {
                resolved[key.name] = Resolved(key: key.name, value: value, source: .file(file.path))
            } else if let system, let value = system.values[key.name] {
                resolved[key.name] = Resolved(key: key.name, value: value, source: .systemFile(system.path))
            } else if let value = extra[key.name] ?? defaults[key.name] {
                resolved[key.name] = Resolved(key: key.name, value: value, source: .defaultValue)
            }
        }
        return resolved
    }
}
