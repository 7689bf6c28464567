import Foundation

/// The engine a contract test runs on: a SQLite file in the test's folder, or a new database of its own on the
/// PostgreSQL cluster the `PG*` variables name (as `pg_virtualenv` sets them; README's test command runs under it).
public enum TestEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    public var description: String { rawValue }

    /// SQLite always; PostgreSQL when a cluster answers.
    public static let all: [TestEngine] = postgresAvailable ? [.sqlite, .postgres] : [.sqlite]

    /// Set by `.ci/run`: PostgreSQL must be there, and a test fails when it is not (CI never skips it).
    public static let postgresRequired = ProcessInfo.processInfo.environment["BACKOFFICE_TEST_POSTGRES"] == "required"

    /// Why the PostgreSQL half of the contract suite does not run here; nil when it does.
    public static let postgresMissing: String? = {
        let env = ProcessInfo.processInfo.environment
        guard env["PGHOST"] != nil || env["PGPORT"] != nil else {
            return "no PostgreSQL cluster: PGHOST/PGPORT are not set; run the tests under pg_virtualenv (see README)"
        }
        guard let result = try? psql(["-XAtc", "SELECT 1"]), result.status == 0 else {
            return "the PostgreSQL cluster at PGHOST/PGPORT does not answer psql"
        }
        return nil
    }()

    public static var postgresAvailable: Bool { postgresMissing == nil }

    /// A place for a new store: a file path in `folder`, or the URL of a new, empty database (its password comes from
    /// PGPASSWORD, never from the URL).
    public func newStore(in folder: TemporaryFolder, name: String = "store") throws -> String {
        switch self {
        case .sqlite:
            return folder.path("\(name).sqlite")
        case .postgres:
            let env = ProcessInfo.processInfo.environment
            let database = "bo_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
            let result = try TestEngine.psql(["-XAtc", "CREATE DATABASE \(database)"])
            guard result.status == 0 else { throw TestEngineFailure(message: "CREATE DATABASE failed: \(result.stderr)") }
            return "postgres://\(env["PGUSER"] ?? "postgres")@\(env["PGHOST"] ?? "localhost"):\(env["PGPORT"] ?? "5432")/\(database)?sslmode=disable"
        }
    }

    /// Runs `psql` on the cluster's maintenance database.
    public static func psql(_ arguments: [String], database: String? = nil) throws -> CommandResult {
        let folder = TemporaryFolder()
        return try runProgram("/usr/bin/psql", arguments + (database.map { ["-d", $0] } ?? []), in: folder)
    }

    /// The database name of a store URL made by `newStore`.
    public static func databaseName(_ url: String) -> String {
        String(url.split(separator: "/").last?.split(separator: "?").first ?? "")
    }
}

public struct TestEngineFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
