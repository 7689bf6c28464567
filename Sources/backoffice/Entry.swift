import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

/// Exit codes, kept apart so scripts can tell problems from each other (see README); failures map through
/// `FailureKind.exitCode`.
enum ExitCodes {
    static let differencesFound: Int32 = 1
}

@main
enum Entry {
    static func main() async {
        let arguments = GlobalOptions.hoisted(Array(CommandLine.arguments.dropFirst()))
        if ProcessInfo.processInfo.environment["BACKOFFICE_REPORT_MEMORY"] == "1" {
            // For `bench`: this process's peak resident memory, from the kernel's high-water mark of its own address
            // space (getrusage would also count the parent's pages from before exec).
            atexit {
                FileHandle.standardError.write(Data("peak-resident-kib \(Bench.memoryKiB("VmHWM"))\n".utf8))
            }
        }
        do {
            var command = try BackOffice.parseAsRoot(arguments)
            // A process an SSH session started checks again what it was asked to run, as it parsed it, before it reads
            // any file the command names.
            try await RemotePolicy.checkInSession(command, words: arguments)
            try HostConfiguration.load(config: RemotePolicy.globalOptions(in: command).lazy.compactMap(\.config).first)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
            // A command that never asked for the session kept by the check (help, version) closes it here.
            if let unused = Session.takeKept() { await unused.close() }
        } catch let failure as any BackOfficeFailure {
            // A failure may list several problems, a line each (an import's bad rows); each line is sanitised alone.
            let lines = failure.message.split(separator: "\n", omittingEmptySubsequences: false).map { Sanitize.forTerminal(String($0)) }
            FileHandle.standardError.write(Data("backoffice: \(lines.joined(separator: "\n"))\n".utf8))
            exit(failure.kind.exitCode)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            // Argument errors (usage 64, help 0) are the parser's to print; anything else is unexpected.
            guard BackOffice.exitCode(for: error) != .failure else {
                FileHandle.standardError.write(Data("backoffice: unexpected error: \(Sanitize.forTerminal(String(describing: error)))\n".utf8))
                exit(FailureKind.storeFailure.exitCode)
            }
            BackOffice.exit(withError: error)
        }
    }
}

struct BackOffice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backoffice",
        abstract: "Stock, prices and the account-manager queue for a back office.",
        discussion: """
            The store is --db PATH, else $BACKOFFICE_DB, else `db` in the --config file or /etc/backoffice/config.toml, \
            else $XDG_DATA_HOME/backoffice/backoffice.sqlite (`backoffice doctor` shows every setting and its source).
            The acting user is --user NAME, else $BACKOFFICE_USER, else your login name.
            Exit codes: 1 verify found differences, 64 usage, 65 invalid input, 66 not found, 67 unknown user,
            73 already exists, 74 store failure, 75 store busy, 77 permission denied, 79 conflict (such as insufficient stock).
            """,
        subcommands: [
            OpenConsole.self, Demo.self, Init.self, Stock.self, Promise.self, ReorderCommand.self, Search.self, Price.self, Move.self, Items.self, Locations.self,
            Accounts.self, Users.self, HoldCommand.self, RequestCommand.self, CalendarCommand.self, Incoming.self, Prices.self,
            Import.self, Export.self, CountCommand.self, Verify.self, Backup.self, CopyStore.self, Restore.self, Doctor.self, AuditLog.self, ServeSSH.self, SSHGate.self, Bench.self,
        ]
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var console: ConsoleOptions
    @Flag(help: "Print the release, the commit it was built from and its date, and SQLite's version; with --db naming a PostgreSQL store, the server's too.")
    var version = false

    /// Without a subcommand: the console.
    func run() async throws {
        if version { return try await printVersion() }
        try await ConsoleLauncher.run(global, console)
    }

    /// The build, and the PostgreSQL server's version when the store named is on one (a server out of reach is said,
    /// not an error: the build's own facts are still the answer).
    private func printVersion() async throws {
        Output.line(Release.summary)
        guard let named = global.namedStorePath, case .postgres(let address)? = try? StoreAddress.parse(named) else { return }
        do {
            let store = try await Store.open(path: named)
            let version: Result<String, any Error>
            do { version = .success(try await store.engineVersion()) } catch { version = .failure(error) }
            await store.close()
            Output.line("store \(address.redacted): \(try version.get())")
        } catch {
            let reason = (error as? any BackOfficeFailure)?.message ?? String(describing: error)
            Output.line("store \(address.redacted): not reached (\(Output.safe(reason)))")
        }
    }
}
