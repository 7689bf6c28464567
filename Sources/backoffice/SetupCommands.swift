import ArgumentParser
import CursesTerminal
import BackOfficeCore
import BackOfficeStore
import Foundation

/// Builds the demo company into a new store, showing progress on a terminal.
func buildDemoStore(path: String, admin: String, items: Int, seed: UInt64) async throws -> Store {
    let store = try await Store.create(path: path, admin: admin)
    do {
        guard let adminUser = try await store.user(named: admin) else { throw Failure.notFound("user", admin) }
        let progress = ProgressLine()
        defer { progress.end() }
        try await store.seedDemo(DemoCompany(seed: seed, itemCount: items, now: Date()), by: Actor(user: adminUser, source: .cli)) { done in
            progress.show("building the demo store", rows: done, unit: "items", done: done, total: items)
        }
        return store
    } catch {
        await store.close()
        try? FileManager.default.removeItem(atPath: path)
        try? FileManager.default.removeItem(atPath: path + "-wal")
        try? FileManager.default.removeItem(atPath: path + "-shm")
        throw error
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create the demo store if it is not there yet, then open the console on it as the clerk.",
        discussion: "The demo store lives at $XDG_DATA_HOME/backoffice/demo.sqlite unless --db or $BACKOFFICE_DB names another file.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var console: ConsoleOptions
    @Option(help: "Items in a new demo store.") var items = 5_000

    func validate() throws {
        guard (1...5_000_000).contains(items) else { throw ValidationError("--items must be between 1 and 5000000") }
    }

    func run() async throws {
        let path = global.namedOnCommandLine ?? GlobalOptions.dataDirectory + "/demo.sqlite"
        if !FileManager.default.fileExists(atPath: path) {
            // Built under another name and moved into place when complete, so an interrupted build is never
            // mistaken for the demo store.
            FileHandle.standardError.write(Data("creating the demo store at \(path)\n".utf8))
            let partial = path + ".partial"
            for leftover in [partial, partial + "-wal", partial + "-shm"] { try? FileManager.default.removeItem(atPath: leftover) }
            try await buildDemoStore(path: partial, admin: "admin", items: items, seed: 42).close()
            do {
                try FileManager.default.moveItem(atPath: partial, toPath: path)
            } catch {
                throw Failure(.storeFailure, "cannot move the new demo store into place at \(path)")
            }
        }
        var options = global
        options.db = path
        options.user = global.user ?? "clerk"
        if CursesTerminal.unsupportedTerminal() == nil {
            try await ConsoleLauncher.run(options, console)
            return
        }
        // Not on a terminal (a pipe, a script, TERM=dumb): show what the demo store answers instead.
        try await options.withSession { session in
            let store = session.store
            let sample = try await store.items(limit: 1, by: session.actor).first
            guard let sku = sample?.sku else { Output.line("the demo store has no items"); return }
            Output.line("BackOffice demo store: \(path), acting as \(session.actor.user.name) (\(session.actor.user.role.rawValue))\n")
            Output.line("$ backoffice stock \(sku)")
            Render.stock(try await store.stock(sku: sku, by: session.actor))
            Output.line("\n$ backoffice price \(sku) --account ACME --qty 25")
            Render.quote(try await store.quote(sku: sku, account: "ACME", quantity: 25, by: session.actor))
            Output.line("\nTry: backoffice --db \(path) search bolt   ·   backoffice --db \(path) request list --user manager")
            Output.line("On a terminal, `backoffice demo` opens the full-screen console on this store.")
        }
    }
}

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a store with its first admin user.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Name of the first admin user.") var admin = "admin"
    @Flag(help: "Fill the store with the demo company.") var demo = false
    @Option(help: "Items in the demo company.") var items = 5_000
    @Option(help: "Seed of the demo company.") var seed: UInt64 = 42
    @Option(help: "Currency of the default price list.") var currency = "USD"

    func validate() throws {
        guard (1...5_000_000).contains(items) else { throw ValidationError("--items must be between 1 and 5000000") }
        if !demo && (items != 5_000 || seed != 42) { throw ValidationError("--items and --seed need --demo") }
        if demo && currency.uppercased() != "USD" { throw ValidationError("the demo company trades in USD; --currency goes without --demo") }
    }

    func run() async throws {
        let path = global.storePath
        let store = demo ? try await buildDemoStore(path: path, admin: admin, items: items, seed: seed)
            : try await Store.create(path: path, admin: admin, currency: currency)
        await store.close()
        Output.line("created store \(Output.safe(global.storeName)) with admin user \(admin)" + (demo ? " and the demo company (\(items) items)" : ""))
    }
}

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute every balance from the journal, check the movement and audit chains and SQLite's integrity.",
        discussion: """
            `--digest` prints the heads of both chains as one line to keep somewhere else (another machine, a ticket, \
            a printout); later, `--expect LINE` proves the store still extends that history: a journal or audit log \
            truncated or rewritten since then fails with exit code 1.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Flag(name: .long, help: "Print only the chains' digest (when the store verifies), to keep elsewhere.") var digest = false
    @Option(name: .long, help: ArgumentHelp("A digest printed earlier by verify --digest or backup; fail unless this store extends it.",
                                            valueName: "digest"))
    var expect: String?

    func run() async throws {
        let expected = try expect.map(ChainDigest.parse)
        let report = try await global.withSession { try await $0.store.verify(expecting: expected, by: $0.actor) }
        if output.json {
            try Output.json(report)
        } else if digest && report.ok {
            Output.line(report.digest.description)
        } else {
            Output.line("integrity check: \(report.integrity)")
            Output.line("balances checked: \(report.balancesChecked), differences: \(report.balanceDifferences.count)")
            for difference in report.balanceDifferences { Output.line("  \(Output.safe(difference))") }
            Output.line("movements checked: \(report.movementsChecked), problems: \(report.movementProblems.count)")
            for problem in report.movementProblems { Output.line("  \(problem)") }
            Output.line("audit entries checked: \(report.auditEntriesChecked), problems: \(report.auditProblems.count)")
            for problem in report.auditProblems + report.otherProblems { Output.line("  \(problem)") }
            if expected != nil {
                Output.line("digest: " + (report.digestProblems.isEmpty ? "this store extends it" : "NOT extended"))
                for problem in report.digestProblems { Output.line("  \(problem)") }
            }
            Output.line(report.ok ? "OK" : "NOT OK")
        }
        if !report.ok { throw ExitCode(ExitCodes.differencesFound) }
    }
}

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the store while others keep working, and print its digest.",
        discussion: "The backup is a new file, readable by its owner only; an existing file or link there is refused.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The new backup file, or - for standard output (a pipe or a file, never a terminal).") var path: String

    func run() async throws {
        if path == "-" { return try await toStandardOutput() }
        let digest = try await global.withSession { try await $0.store.backup(to: path, by: $0.actor) }
        Output.line("backed up \(Output.safe(global.storeName)) to \(Output.safe(path))")
        Output.line(digest.description)
    }

    /// `backup -`: the backup is made in a private folder of its own, then copied to standard output and removed; what
    /// is said about it goes to standard error.
    private func toStandardOutput() async throws {
        let output = try OutputSink(path: "-", force: false, store: global.storePath)
        guard !output.isTerminal else {
            throw Failure(.usage, "backup -: standard output is a terminal; send it to a file or a pipe (backoffice backup - > store.sqlite)")
        }
        var template = Array((FileManager.default.temporaryDirectory.path + "/backoffice-backup-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(.storeFailure, "backup -: cannot make a private folder in \(FileManager.default.temporaryDirectory.path): \(String(cString: strerror(errno)))")
        }
        let folder = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/backup.sqlite"
        let digest = try await global.withSession { try await $0.store.backup(to: file, by: $0.actor) }
        // A reader that goes away is an error to report, not a signal that ends the process before the folder goes.
        signal(SIGPIPE, SIG_IGN)
        guard let input = FileHandle(forReadingAtPath: file) else { throw Failure(.storeFailure, "backup -: cannot read the backup back") }
        defer { try? input.close() }
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            try output.write(bytes: chunk)
        }
        FileHandle.standardError.write(Data("backed up \(Output.safe(global.storeName)) to standard output\n\(digest.description)\n".utf8))
    }
}

struct CopyStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-store",
        abstract: "Copy the whole store into a new, empty store on either engine, then verify the copy.",
        discussion: """
            The destination is a new SQLite file or an empty PostgreSQL database (postgres://USER@HOST[:PORT]/DATABASE); \
            anything already there is refused. The copy is one snapshot of the source and one transaction on the \
            destination, so a copy that fails leaves nothing half-written. It ends with verify on the destination and \
            prints the chain heads of both, which must be equal.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(name: .long, help: ArgumentHelp("The new store: a file path or a postgres:// URL.", valueName: "store")) var to: String

    func run() async throws {
        let destinationAddress = try StoreAddress.parse(to)
        let sourceName = global.storeName
        let report = try await global.withSession { session in
            try session.actor.require(.administer)
            let destination = try await Store.open(path: to, mode: .create)
            let progress = ProgressLine()
            let started = ContinuousClock.now
            do {
                let report = try await session.store.copy(to: destination, by: session.actor) { table, copied, total in
                    progress.show("copying \(table)", rows: copied, done: copied, total: total)
                }
                progress.end()
                await destination.close()
                return (report, (ContinuousClock.now - started).seconds)
            } catch {
                progress.end()
                await destination.close()
                if case .file(let path) = destinationAddress {
                    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                }
                throw error
            }
        }
        let rows = report.0.rows.reduce(0) { $0 + $1.count }
        for (table, count) in report.0.rows where count > 0 { Output.line("  \(table): \(count.grouped) rows") }
        Output.line("copied \(rows.grouped) rows from \(Output.safe(sourceName)) to \(Output.safe(destinationAddress.description)) "
                    + "in \(String(format: "%.1f", report.1)) s (\(Int(Double(rows) / max(report.1, 0.001)).grouped) rows/s)")
        Output.line("source       \(report.0.source)")
        Output.line("destination  \(report.0.destination)")
        let same = report.0.source == report.0.destination
        Output.line("verify: \(report.0.verify.ok ? "OK" : "NOT OK")" + (same ? ", chain heads equal" : ", CHAIN HEADS DIFFER"))
        for problem in report.0.verify.problems.prefix(10) { Output.line("  \(problem)") }
        if !report.0.verify.ok || !same { throw ExitCode(ExitCodes.differencesFound) }
    }
}

struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the store with a backup, once the backup passes SQLite's integrity check and verify.",
        discussion: "The current store stays in place until the checked copy replaces it, and is kept as STORE.before-restore-TIME.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The backup file (from `backoffice backup`).") var path: String

    func run() async throws {
        let target = global.storePath
        let holders = Self.processesHolding(target)
        guard holders.isEmpty else {
            throw Failure(.busy, "restore: \(target) is open in process \(holders.map(String.init).joined(separator: ", ")); "
                          + "quit the consoles and stop serve-ssh using it first")
        }
        let actor = try await Store.restoringActor(for: target, user: global.userName)
        let (report, previous) = try await Store.restore(from: path, to: target, by: actor)
        Output.line("restored \(Output.safe(target)) from \(Output.safe(path)): integrity ok, \(report.balancesChecked) balances, "
                    + "\(report.movementsChecked) movements and \(report.auditEntriesChecked) audit entries verified")
        Output.line(report.digest.description)
        if let previous { Output.line("the store it replaced is kept as \(previous)") }
    }

    /// Other processes with the store (or its write-ahead log) open, from /proc: replacing the file under them would
    /// send their later writes to a file that is no longer the store.
    static func processesHolding(_ path: String) -> [Int32] {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let names: Set<String> = [resolved, resolved + "-wal", resolved + "-shm"]
        let me = getpid()
        let pids = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init).filter { $0 != me }
        return pids.filter { pid in
            let fds = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")) ?? []
            return fds.contains { fd in
                (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\(fd)")).map(names.contains) ?? false
            }
        }
    }
}

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor", abstract: "Show the engine and its version, the settings in force and counts of everything.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let diagnosis = try await global.withSession { try await $0.store.diagnose(by: $0.actor) }
        if output.json { try Output.json(diagnosis); return }
        // Resolved before anything is printed: a bad setting stops the command with nothing half-written.
        let settings = try HostConfiguration.resolved(flags: global.db.map { ["db": .text($0)] } ?? [:])
        Output.line("backoffice      \(Release.build)")
        Output.line("store           \(Output.safe(diagnosis.path))")
        if let server = diagnosis.serverVersion {
            Output.line("engine          PostgreSQL \(server)")
        } else {
            Output.line("engine          SQLite \(diagnosis.sqliteVersion)")
        }
        Output.line("schema version  \(diagnosis.schemaVersion)")
        if diagnosis.serverVersion == nil {
            Output.line("file size       \(diagnosis.fileBytes) bytes (+ \(diagnosis.walBytes) in the WAL)")
        }
        settingsInForce(settings)
        Output.line(diagnosis.serverVersion == nil ? "\npragmas:" : "\nsettings:")
        for (key, value) in diagnosis.pragmas.sorted(by: { $0.key < $1.key }) { Output.line("  \(key) = \(value)") }
        Output.line("\ncounts:")
        for (key, value) in diagnosis.counts.sorted(by: { $0.key < $1.key }) { Output.line("  \(key): \(value)") }
    }

    /// Every setting of the configuration schema, its value in force and where that came from.
    private func settingsInForce(_ settings: [String: Settings.Resolved]) {
        Output.line("\nconfiguration (flag, environment, --config, \(HostConfiguration.systemPath), default):")
        let width = Settings.keys.map(\.name.count).max() ?? 0
        for key in Settings.keys {
            guard let setting = settings[key.name] else { continue }
            // A PostgreSQL URL's password is never shown.
            let value = key.name == "db" ? ((try? StoreAddress.parse(setting.text).description) ?? setting.text) : setting.text
            let shown: String
            if case .integer = setting.value { shown = value } else { shown = JSONText.quoted(value) }
            let pad = String(repeating: " ", count: max(1, 24 - shown.count))
            Output.line("  \(key.name.padding(toLength: width, withPad: " ", startingAt: 0)) = \(Output.safe(shown))\(pad)\(Output.safe(setting.source.description))")
        }
    }
}

struct AuditLog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Show the most recent audit entries.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "How many entries.") var limit = 30

    func run() async throws {
        let entries = try await global.withSession { try await $0.store.auditLog(limit: limit, by: $0.actor) }
        if output.json { try Output.json(entries); return }
        Output.table(["SEQ", "AT", "WHO", "FROM", "ACTION", "ENTITY", "BEFORE", "AFTER"], entries.map {
            [String($0.sequence), Output.time($0.at), $0.actor, $0.source, $0.action, $0.entity, $0.before ?? "", $0.after ?? ""]
        }, right: [0])
    }
}
