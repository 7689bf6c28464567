import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation
import Synchronization

/// The options every command takes, before or after the subcommand name.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store: a SQLite file path or a postgres:// URL.", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Act as this user.", valueName: "name"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp("A configuration file (TOML), read before /etc/backoffice/config.toml.", valueName: "file"))
    var config: String?

    /// Moves `--db` and `--user` given before the subcommand to after it, where the subcommand parses them:
    /// `backoffice --db F --user U stock SKU` works like `backoffice stock SKU --db F --user U`.
    static func hoisted(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if first == "--db" || first == "--user" || first == "--config", rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--db=") || first.hasPrefix("--user=") || first.hasPrefix("--config=") {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        return negativeNumbersAsPositionals(leading.isEmpty ? arguments : reordered(leading, rest))
    }

    private static func reordered(_ leading: [String], _ rest: ArraySlice<String>) -> [String] {
        var result = Array(rest)
        if let separator = result.firstIndex(of: "--") {
            result.insert(contentsOf: leading, at: separator)
        } else {
            result += leading
        }
        return result
    }

    /// `move adjust SKU -3 …`: a negative number standing as an argument would read as an option, so it is moved
    /// behind `--`, where it can only be a positional argument (order among positionals is kept).
    static func negativeNumbersAsPositionals(_ arguments: [String]) -> [String] {
        guard !arguments.contains("--") else { return arguments }
        var kept: [String] = [], negatives: [String] = []
        for (index, argument) in arguments.enumerated() {
            let isNegative = argument.count > 1 && argument.first == "-" && argument.dropFirst().allSatisfy(\.isNumber)
            let follows = index > 0 ? arguments[index - 1] : ""
            if isNegative && !follows.hasPrefix("-") { negatives.append(argument) } else { kept.append(argument) }
        }
        return negatives.isEmpty ? arguments : kept + ["--"] + negatives
    }

    /// The user's home folder: `$HOME`, else the account's.
    static var homeDirectory: String {
        ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    /// The default data directory: `$XDG_DATA_HOME/backoffice`, else `~/.local/share/backoffice`.
    static var dataDirectory: String {
        if let xdg = ProcessInfo.processInfo.environment["XDG_DATA_HOME"], xdg.hasPrefix("/") { return xdg + "/backoffice" }
        return homeDirectory + "/.local/share/backoffice"
    }

    /// The store named by --db, $BACKOFFICE_DB or a configuration file, if any.
    var namedStorePath: String? {
        if let path = namedOnCommandLine { return path }
        if let path = HostConfiguration.fileValue("db"), !path.isEmpty { return path }
        return nil
    }

    /// The store named by --db or $BACKOFFICE_DB only: `demo` and `bench` make stores of their own and never take the
    /// host's configured one (on an office host, the business's store).
    var namedOnCommandLine: String? {
        if let db, !db.isEmpty { return db }
        if let path = ProcessInfo.processInfo.environment[RemoteAccess.Handoff.store], !path.isEmpty { return path }
        return nil
    }

    var storePath: String { namedStorePath ?? GlobalOptions.dataDirectory + "/backoffice.sqlite" }

    /// The store as it may be shown: a file's path, or the URL without its password.
    var storeName: String { (try? StoreAddress.parse(storePath).description) ?? storePath }

    var userName: String {
        if let user, !user.isEmpty { return user }
        if let name = ProcessInfo.processInfo.environment[RemoteAccess.Handoff.user], !name.isEmpty { return name }
        if let name = ProcessInfo.processInfo.environment["USER"], !name.isEmpty { return name }
        return NSUserName()
    }

    /// Opens the store and signs the acting user in.
    func session(source: Source = .cli) async throws -> Session {
        if let kept = Session.takeKept() { return kept }
        let store = try await Store.open(path: storePath)
        if let notice = await store.upgradeNotice { Output.notice(notice) }
        do {
            let user = try await store.signIn(userName)
            // Set by the SSH server (or ssh-gate) for the sessions it starts: everything they do is audited as ssh.
            if let key = ProcessInfo.processInfo.environment[RemoteAccess.Handoff.key], !key.isEmpty {
                return Session(store: store, actor: Actor(user: user, source: .ssh, keyFingerprint: key))
            }
            return Session(store: store, actor: Actor(user: user, source: source))
        } catch {
            await store.close()
            throw error
        }
    }
}

/// An open store and the user acting on it.
struct Session {
    let store: Store
    let actor: Actor

    func close() async { await store.close() }

    /// The session an SSH session's process opened to check its command's role (`RemotePolicy.checkInSession`), kept
    /// for the command's own `session()`: the server fixes the store and the user there, so it is the same session.
    private static let kept = Mutex<Session?>(nil)

    static func keepForCommand(_ session: Session) { kept.withLock { $0 = session } }

    static func takeKept() -> Session? { kept.withLock { kept in defer { kept = nil }; return kept } }
}

extension GlobalOptions {
    /// Runs `body` with a session and closes the store afterwards, whatever happens.
    func withSession<T>(source: Source = .cli, _ body: (Session) async throws -> T) async throws -> T {
        let session = try await session(source: source)
        do {
            let result = try await body(session)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }
}

/// `--json`, `--format table|csv`, `-o FILE|-` and `--force` for commands whose answer is a table that may go to a
/// spreadsheet (`reorder`, `request stats`).
struct TableOutputOptions: ParsableArguments {
    @Flag(help: "Print the answer as JSON.") var json = false
    @Option(help: "table (the default) or csv.") var format = "table"
    @Option(name: [.customShort("o"), .long], help: "Write the CSV to this new file (written whole or not at all; - for standard output).")
    var output: String?
    @Flag(help: "Replace the file -o names if it exists (only a regular file).") var force = false

    var isCSV: Bool { format.lowercased() == "csv" }

    func validate() throws {
        guard ["table", "csv"].contains(format.lowercased()) else { throw ValidationError("--format must be table or csv") }
        if json && isCSV { throw ValidationError("--json and --format csv: choose one") }
        if output != nil && !isCSV { throw ValidationError("-o writes CSV: add --format csv") }
        if output?.isEmpty == true { throw ValidationError("-o needs a file name (or - for standard output)") }
    }

    /// Where the CSV goes: the -o file (never the store) or standard output.
    func sink(store: String) throws -> OutputSink { try OutputSink(path: output, force: force, store: store) }
}

/// `--json` for commands that answer a question.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the answer as JSON.")
    var json = false
}

// MARK: - Parsing values

func parseMoney(_ text: String, currency: String, field: String) throws -> Money {
    try Money.parse(text, currency: currency, field: field)
}

func parseDay(_ text: String?, field: String) throws -> Day? {
    guard let text else { return nil }
    return try Day.parse(text, field: field)
}

/// Parses `2026-12-01`, `2026-12-01T17:00:00Z`, or a duration from now such as `3d`, `12h`, `90m`.
func parseMoment(_ text: String, field: String, now: Date = Date()) throws -> Date {
    if let last = text.last, let amount = Int(text.dropLast()), amount > 0, "dhm".contains(last) {
        let unit: TimeInterval = last == "d" ? 86_400 : (last == "h" ? 3_600 : 60)
        return now.addingTimeInterval(TimeInterval(amount) * unit)
    }
    if text.count == 10 { return try Day.parse(text, field: field).start.addingTimeInterval(86_399) }
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: text) else {
        throw Failure.invalid(field, text, "not a time; write 2026-12-01, 2026-12-01T17:00:00Z or a duration like 3d")
    }
    return date
}
