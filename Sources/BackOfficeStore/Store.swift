import BackOfficeCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The file-backed store: one SQLite file in WAL mode, written one transaction per change.
///
/// Every write runs as `BEGIN IMMEDIATE` … `COMMIT`: read, apply the Core rule, append the journal row, update the
/// balances, append the audit row — all or nothing. Calls on one `Store` are serialised, so a transaction is never
/// interleaved with another call on the same connection.
public actor Store {
    public nonisolated let path: String
    let connection: SQLiteConnection
    let sql: any SQLDatabase
    let clock: @Sendable () -> Date
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// The oldest SQLite that may open a store: older releases can corrupt a WAL database shared by processes.
    public static let minimumSQLiteVersion = 3_051_003

    private init(path: String, connection: SQLiteConnection, clock: @escaping @Sendable () -> Date) {
        self.path = path
        self.connection = connection
        self.sql = connection.sql()
        self.clock = clock
    }

    public enum OpenMode: Sendable {
        /// The store must already exist.
        case existing
        /// The store must not exist yet; it is created.
        case create
        /// Open it, creating it when it is not there.
        case openOrCreate
    }

    /// Refuses a `--db` that is a URL rather than a file path: no folder named `postgresql:` appears, and the password
    /// is never repeated.
    static func requireFile(_ path: String) throws(Failure) {
        if case .postgres(let address) = try StoreAddress.parse(path) {
            throw Failure(.usage, "\(address.redacted): this backoffice keeps its store in a SQLite file only; the PostgreSQL engine is not built yet")
        }
    }

    /// Opens (or creates) the store at `path`, sets the pragmas and applies any pending migrations.
    public static func open(path: String, mode: OpenMode = .existing,
                            clock: @escaping @Sendable () -> Date = { Date() }) async throws -> Store {
        try requireFile(path)
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if exists && isFolder.boolValue {
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
        guard SQLiteConnection.libraryVersion() >= minimumSQLiteVersion else {
            throw Failure(.storeFailure, "SQLite \(SQLiteConnection.libraryVersionString()) is too old; 3.51.3 or newer is needed")
        }
        var logger = Logger(label: "backoffice.store")
        logger.logLevel = .critical
        let connection: SQLiteConnection
        do {
            connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: NIOThreadPool.singleton,
                                                         logger: logger, on: MultiThreadedEventLoopGroup.singleton.any())
        } catch {
            throw Failure(.storeFailure, "cannot open the store at \(path): \(describe(error))")
        }
        let store = Store(path: path, connection: connection, clock: clock)
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

    public func close() async {
        try? await connection.close()
    }

    /// A store dropped without `close()` still closes its connection (on SQLite's thread, without waiting).
    deinit {
        if !connection.isClosed {
            let _: EventLoopFuture<Void> = connection.close()
        }
    }

    /// Refuses to touch an existing SQLite file that is not a BackOffice store (before any pragma changes it).
    private func checkIsStore() async throws {
        let marker = try await connection.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
        guard !marker.isEmpty else {
            throw Failure(.storeFailure, "\(path) is not a BackOffice store; create one with `backoffice init`")
        }
    }

    private func configure() async throws {
        // busy_timeout replaces sqlite-nio's spin-forever busy handler with a bounded wait.
        _ = try await connection.query("PRAGMA busy_timeout = 15000")
        let mode = try await connection.query("PRAGMA journal_mode = WAL").first?.column("journal_mode")?.string
        guard mode?.lowercased() == "wal" else {
            throw Failure(.storeFailure, "\(path) is not a BackOffice store (journal mode \(mode ?? "?"))")
        }
        _ = try await connection.query("PRAGMA synchronous = FULL")
        _ = try await connection.query("PRAGMA foreign_keys = ON")
    }

    // MARK: - Serialising calls

    /// Runs `body` with the connection to itself: no other call on this store starts until it is done.
    func exclusive<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        while busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        defer {
            busy = false
            if !waiters.isEmpty { waiters.removeFirst().resume() }
        }
        do {
            return try await body()
        } catch {
            throw Store.mapped(error, path: path)
        }
    }

    /// A write transaction: `BEGIN IMMEDIATE` takes the write lock up front, so a read-then-write never fails to
    /// upgrade under contention. Rolls back on any error.
    func write<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await transaction("BEGIN IMMEDIATE", body)
    }

    /// A read: serialised like a write, without a transaction of its own.
    func read<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await exclusive(body)
    }

    /// A read that spans several queries and must see one snapshot: a deferred transaction takes no write lock.
    func snapshot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await transaction("BEGIN", body)
    }

    private func transaction<T: Sendable>(_ begin: String, _ body: () async throws -> T) async throws -> T {
        try await exclusive {
            try await execute(begin)
            do {
                let result = try await body()
                try await execute("COMMIT")
                return result
            } catch {
                try? await execute("ROLLBACK")
                throw error
            }
        }
    }

    // MARK: - SQL helpers

    func rows(_ query: SQLQueryString) async throws -> [any SQLRow] {
        try await sql.raw(query).all()
    }

    func row(_ query: SQLQueryString) async throws -> (any SQLRow)? {
        try await sql.raw(query).first()
    }

    func run(_ query: SQLQueryString) async throws {
        try await sql.raw(query).run()
    }

    func execute(_ text: String) async throws {
        _ = try await connection.query(text)
    }

    func lastInsertID() async throws -> Int64 {
        Int64(try await connection.lastAutoincrementID())
    }

    /// `count` placeholders for a statement, comma-separated: "?,?,?" or, for rows, "(?, ?),(?, ?)".
    static func marks(_ count: Int, _ each: String = "?") -> String {
        Array(repeating: each, count: count).joined(separator: ",")
    }

    /// Inserts many rows in one statement per chunk; for seeding and imports. With `returning`, the rows the
    /// statements' RETURNING clause gave back (the new ids, say).
    @discardableResult
    func bulkInsert(_ table: String, _ columns: [String], _ values: [[SQLiteData]], orIgnore: Bool = false,
                    returning: String? = nil) async throws -> [SQLiteRow] {
        let perRow = "(" + Store.marks(columns.count) + ")"
        var returned: [SQLiteRow] = []
        for slice in values.chunks(of: max(1, 30_000 / columns.count)) {
            let text = "INSERT \(orIgnore ? "OR IGNORE " : "")INTO \(table) (\(columns.joined(separator: ","))) VALUES "
                + Store.marks(slice.count, perRow)
                + (returning.map { " RETURNING \($0)" } ?? "")
            returned += try await connection.query(text, slice.flatMap { $0 })
        }
        return returned
    }

    /// Set while replaying history with its own timestamps (the demo company's past requests).
    var clockOverride: Date?
    var now: Date { clockOverride ?? clock() }

    // MARK: - Errors

    static func describe(_ error: any Error) -> String {
        if let error = error as? SQLiteError { return error.message }
        if let error = error as? any BackOfficeFailure { return error.message }
        return String(describing: error)
    }

    /// Turns SQLite's errors into ones a user can act on.
    static func mapped(_ error: any Error, path: String) -> any Error {
        if error is any BackOfficeFailure { return error }
        if let error = error as? SQLiteError {
            // Extended result codes are on, so match on the family of the reason.
            let reason = String(describing: error.reason)
            func family(_ names: String...) -> Bool { names.contains { reason.hasPrefix($0) } }
            if family("busy", "locked") {
                return Failure(.busy, "the store at \(path) is busy; another process held it too long, try again")
            }
            if family("constraint") { return Failure(.conflict, "refused by the store: \(error.message)") }
            if family("notADatabase", "corrupt") {
                return Failure(.storeFailure, "\(path) is not a readable BackOffice store: \(error.message)")
            }
            if family("readOnly", "readonly", "permission", "cantOpen") {
                return Failure(.storeFailure, "cannot write the store at \(path): \(error.message)")
            }
            if family("full") { return Failure(.storeFailure, "the disk holding \(path) is full") }
            return Failure(.storeFailure, "store error: \(error.message)")
        }
        if error is DecodingError { return Failure(.storeFailure, "unexpected data in the store: \(error)") }
        return error
    }
}

// MARK: - Reading rows

extension SQLRow {
    func int(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func integer(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func bool(_ column: String) throws -> Bool { try decode(column: column, as: Int.self) != 0 }
    func optionalString(_ column: String) throws -> String? { try decodeNil(column: column) ? nil : try string(column) }
    func optionalInt(_ column: String) throws -> Int64? { try decodeNil(column: column) ? nil : try int(column) }
    func date(_ column: String) throws -> Date { UTC.date(try int(column)) }
    func optionalDate(_ column: String) throws -> Date? { try optionalInt(column).map(UTC.date) }
    func optionalDay(_ column: String) throws -> Day? { try optionalString(column).map { try Day.parse($0) } }
}

extension Array {
    /// The array in consecutive slices of at most `size` elements (statements bind at most so many values).
    func chunks(of size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min(count, $0 + size)] }
    }
}

// MARK: - The contract

/// The SQLite store is one engine meeting the store contract: every write runs in one `BEGIN IMMEDIATE` transaction
/// and every method that takes an actor checks its permission first.
extension Store: StoreContract {}
