import BackOfficeCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The SQLite engine: a store in one file in WAL mode. Opening, the pragmas, what only SQLite has (its change
/// counter, `VACUUM INTO`, the integrity check) live here.
extension Store {
    /// The oldest SQLite that may open a store: older releases can corrupt a WAL database shared by processes.
    public static let minimumSQLiteVersion = 3_051_003

    /// The path of a store kept in a file; a PostgreSQL URL is refused for what works on files alone (naming it without
    /// its password).
    static func requireFile(_ location: String, for purpose: String) throws(Failure) -> String {
        switch try StoreAddress.parse(location) {
        case .file(let path): return path
        case .postgres(let address):
            throw Failure(.usage, "\(address.redacted): \(purpose) works on a SQLite file; for a PostgreSQL store use copy-store")
        }
    }

    static func openSQLite(path: String, mode: OpenMode, clock: @escaping @Sendable () -> Date) async throws -> Store {
        // One stat says whether it is there, whether it is a folder, and whether a folder on the way is closed to this
        // user (then the store may well be there: a service's, in /var/lib).
        var status = stat()
        let exists = stat(path, &status) == 0
        if !exists && errno == EACCES {
            throw Failure(.permissionDenied, "cannot reach the store at \(path): a folder on the way is closed to you; "
                          + "run as its owner (sudo -u backoffice …) or pass --db")
        }
        let isFolder = exists && (status.st_mode & S_IFMT) == S_IFDIR
        if exists, !isFolder, access(path, R_OK | W_OK) != 0, errno == EACCES {
            throw Failure(.permissionDenied, "the store at \(path) is not open to you for reading and writing; "
                          + "run as its owner (sudo -u backoffice …) or pass --db")
        }
        if isFolder {
            throw Failure(.usage, "\(path) is a folder; name the store file, such as \(path)/backoffice.sqlite")
        }
        switch mode {
        case .existing where !exists:
            throw Failure(.notFound, "no store at \(path); create one with `backoffice init` or pass --db")
        case .create where exists:
            throw Failure(.alreadyExists, "a store already exists at \(path)")
        default:
            break
        }
        if !exists {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                } catch {
                    throw Failure(.storeFailure, "cannot create the folder \(directory) for the store")
                }
            }
            // Created here for the owner alone, never through a link: SQLite would create it 0644, and it gives the
            // -wal and -shm files it makes beside it the mode of the store file.
            let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw Failure(.storeFailure, "cannot create the store at \(path): \(String(cString: strerror(errno)))")
            }
            Glibc.close(descriptor)
        }
        let connection = try await openSQLiteConnection(path)
        let store = Store(path: path, backend: .sqlite(connection), clock: clock)
        do {
            if exists { try await store.checkIsStore() }
            try await store.configure()
            try await store.migrate()
        } catch {
            try? await connection.close()
            throw mapped(error, path: path)
        }
        return store
    }

    /// The event loop SQLite connections answer on, and the executor of their stores' actors: one thread of its own
    /// for the process, so a store's work never runs on the loops that carry SSH sessions.
    static let sqliteLoop: any EventLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1).next()

    /// A connection to the SQLite file at `path`, refusing a library too old to share a WAL file safely.
    static func openSQLiteConnection(_ path: String) async throws -> SQLiteConnection {
        guard SQLiteConnection.libraryVersion() >= minimumSQLiteVersion else {
            throw Failure(.storeFailure, "SQLite \(SQLiteConnection.libraryVersionString()) is too old; 3.51.3 or newer is needed")
        }
        var logger = Logger(label: "backoffice.store")
        logger.logLevel = .critical
        do {
            return try await SQLiteConnection.open(storage: .file(path: path), threadPool: NIOThreadPool.singleton,
                                                   logger: logger, on: sqliteLoop)
        } catch {
            throw Failure(.storeFailure, "cannot open the store at \(path): \(describe(error))")
        }
    }

    /// Refuses to touch an existing SQLite file that is not a BackOffice store (before any pragma changes it).
    private func checkIsStore() async throws {
        let marker = try await rows("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        guard !marker.isEmpty else {
            throw Failure(.storeFailure, "\(path) is not a BackOffice store; create one with `backoffice init`")
        }
    }

    private func configure() async throws {
        // busy_timeout replaces sqlite-nio's spin-forever busy handler with a bounded wait.
        try await execute("PRAGMA busy_timeout = 15000")
        let mode = try await row("PRAGMA journal_mode = WAL").flatMap { try? $0.string("journal_mode") }
        guard mode?.lowercased() == "wal" else {
            throw Failure(.storeFailure, "\(path) is not a BackOffice store (journal mode \(mode ?? "?"))")
        }
        try await execute("PRAGMA synchronous = FULL")
        try await execute("PRAGMA foreign_keys = ON")
    }

    /// Before an import or the demo seeding: a larger page cache on SQLite (nothing on PostgreSQL). A transaction of
    /// many rows touches far more pages than SQLite's default cache holds; spilling them to the log over and over made
    /// a million-item import take minutes. 64 MiB imports a million items as fast as 256 MiB did (54 s against 56 s)
    /// with a peak of 226 MiB instead of 612.
    func enterBulkLoad() async throws {
        try await bulkLoadPragmas(cacheKiB: 65_536, checkpointPages: 16_384)
    }

    /// After it: back to SQLite's default page cache and checkpoints.
    func leaveBulkLoad() async throws {
        try await bulkLoadPragmas(cacheKiB: 2_000, checkpointPages: 1_000)
    }

    /// The page cache, and how many pages the log holds before it is checkpointed (fewer, larger checkpoints during a
    /// bulk load); temporary tables in memory.
    private func bulkLoadPragmas(cacheKiB: Int, checkpointPages: Int) async throws {
        guard !isPostgres else { return }
        try await exclusive {
            try await execute("PRAGMA cache_size = -\(cacheKiB)")
            try await execute("PRAGMA temp_store = MEMORY")
            try await execute("PRAGMA wal_autocheckpoint = \(checkpointPages)")
        }
    }

    /// Many rows into `table` on SQLite, with each value handed over as SQLite's own: the same statement text and
    /// values SQLKit would make, without its serialiser and Codable encoder (40% of building the 1M demo store).
    static func insert(into table: String, columns: [String], rows: [[Value]], on connection: SQLiteConnection) async throws {
        let perStatement = max(1, 30_000 / columns.count)
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
        let head = "INSERT INTO \(table) (\(columns.joined(separator: ","))) VALUES "
        let full = head + Array(repeating: row, count: min(perStatement, rows.count)).joined(separator: ",")
        let encoder = SQLiteDataEncoder()
        for start in stride(from: 0, to: rows.count, by: perStatement) {
            let slice = rows[start..<min(rows.count, start + perStatement)]
            let text = slice.count == perStatement || slice.count == rows.count
                ? full : head + Array(repeating: row, count: slice.count).joined(separator: ",")
            var binds: [SQLiteData] = []
            binds.reserveCapacity(slice.count * columns.count)
            for values in slice {
                guard values.count == columns.count else {
                    throw Failure(.storeFailure, "\(values.count) values for the \(columns.count) columns of \(table)")
                }
                for value in values { binds.append(try sqliteData(value, encoder)) }
            }
            let done: EventLoopFuture<[SQLiteRow]> = connection.query(text, binds)
            _ = try await done.value()
        }
    }

    /// A value as SQLite's: integers and text directly (SQLiteNIO converts them the same way), anything else, nil
    /// among it, through SQLiteKit's encoder as SQLKit binds it.
    private static func sqliteData(_ value: Value, _ encoder: SQLiteDataEncoder) throws -> SQLiteData {
        switch value {
        case let integer as Int64: .integer(Int(integer))
        case let integer as Int: .integer(integer)
        case let text as String: .text(text)
        default: try encoder.encode(value)
        }
    }

    /// The SQLite connection of a store kept in a file; nil on PostgreSQL.
    var sqliteConnection: SQLiteConnection? {
        if case .sqlite(let connection) = backend { return connection }
        return nil
    }
}
