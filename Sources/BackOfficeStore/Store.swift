import BackOfficeCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
import SQLiteNIO

/// The store: one SQLite file in WAL mode, or one PostgreSQL database, written one transaction per change.
///
/// Every write runs in one transaction that holds the store's write lock from its start (`BEGIN IMMEDIATE` on
/// SQLite, a transaction-scoped advisory lock on PostgreSQL): read, apply the Core rule, append the journal row,
/// update the balances, append the audit row — all or nothing, never interleaved with another writer, so no update is
/// lost and nothing is oversold on either engine. Calls on one `Store` are serialised, so a transaction is never
/// interleaved with another call on the same connection.
///
/// The queries are SQLKit's, shared by both engines; what differs between them (opening, the schema, search, locks,
/// errors) lives in `SQLiteEngine.swift` and `PostgresEngine.swift`, one place per engine.
public actor Store {
    /// The store's name for messages: the file's path, or the URL without its password.
    public nonisolated let path: String
    let backend: Backend
    /// The connection queries run on: SQLite's one, or the PostgreSQL connection leased for the call in progress.
    var sql: any SQLDatabase
    let clock: @Sendable () -> Date
    private var busy = false
    /// Set when opening it migrated a store made by an older release: one line for whoever opened it to show.
    public internal(set) var upgradeNotice: String?
    private var waiters: [CheckedContinuation<Void, Never>] = []

    enum Backend: Sendable {
        case sqlite(SQLiteConnection)
        case postgres(PostgresEngine)
    }

    init(path: String, backend: Backend, clock: @escaping @Sendable () -> Date) {
        self.path = path
        self.backend = backend
        switch backend {
        case .sqlite(let connection):
            self.sql = connection.sql()
            executor = connection.eventLoop.executor
        case .postgres(let engine):
            self.sql = PostgresEngine.NoConnection()
            executor = engine.loop.executor
        }
        self.clock = clock
    }

    /// The store's calls run on the event loop its connection answers on, so an answer resumes the call where it
    /// arrived instead of hopping threads (SQLite's work itself runs on its thread pool).
    private nonisolated let executor: any SerialExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    public enum OpenMode: Sendable {
        /// The store must already exist.
        case existing
        /// The store must not exist yet; it is created.
        case create
        /// Open it, creating it when it is not there.
        case openOrCreate
    }

    /// Whether the store is a PostgreSQL database.
    public nonisolated var isPostgres: Bool {
        if case .postgres = backend { return true }
        return false
    }

    /// Whether another session's commits are heard as they happen (PostgreSQL's LISTEN); SQLite's change counter
    /// needs no listener.
    public nonisolated var isListening: Bool {
        if case .postgres(let engine) = backend { return engine.changes.isListening }
        return true
    }

    /// The engine's name, for `doctor` and bench.
    public nonisolated var engineName: String { isPostgres ? "PostgreSQL" : "SQLite" }

    /// Opens (or creates) the store `location` names — a SQLite file's path or a `postgres://` URL — and applies any
    /// pending migrations.
    public static func open(path location: String, mode: OpenMode = .existing,
                            clock: @escaping @Sendable () -> Date = { Date() }) async throws -> Store {
        switch try StoreAddress.parse(location) {
        case .file(let file): try await openSQLite(path: file, mode: mode, clock: clock)
        case .postgres(let address): try await openPostgres(address, mode: mode, clock: clock)
        }
    }

    public func close() async {
        switch backend {
        case .sqlite(let connection): try? await connection.close()
        case .postgres(let engine): await engine.shutdown()
        }
    }

    /// A store dropped without `close()` still closes its connection (on SQLite's thread, without waiting).
    deinit {
        switch backend {
        case .sqlite(let connection):
            if !connection.isClosed {
                let _: EventLoopFuture<Void> = connection.close()
            }
        case .postgres(let engine):
            engine.shutdownWithoutWaiting()
        }
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
            switch backend {
            case .sqlite:
                return try await body()
            case .postgres(let engine):
                return try await engine.withConnection { database in
                    sql = database
                    defer { sql = PostgresEngine.NoConnection() }
                    return try await body()
                }
            }
        } catch {
            throw mapped(error)
        }
    }

    /// A write transaction: the store's write lock is taken up front (`BEGIN IMMEDIATE`; on PostgreSQL an advisory
    /// lock right after `BEGIN`), so a read-then-write never fails to upgrade under contention and sees every write
    /// committed before it. Rolls back on any error.
    func write<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        switch backend {
        case .sqlite: try await transaction(["BEGIN IMMEDIATE"], body)
        case .postgres: try await transaction(PostgresEngine.beginWrite, body)
        }
    }

    /// A read: serialised like a write, without a transaction of its own.
    func read<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await exclusive(body)
    }

    /// A read that spans several queries and must see one snapshot: a deferred transaction takes no write lock.
    func snapshot<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        switch backend {
        case .sqlite: try await transaction(["BEGIN"], body)
        case .postgres: try await transaction(PostgresEngine.beginSnapshot, body)
        }
    }

    private func transaction<T: Sendable>(_ begin: [String], _ body: () async throws -> T) async throws -> T {
        try await exclusive {
            for statement in begin { try await execute(statement) }
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

    /// The rows of one statement. The statement is sent with the engine's future-based call and its answer awaited
    /// here, on the store's own executor (the connection's event loop), so a query costs no hop to Swift's shared
    /// threads and back (SQLKit's and PostgresNIO's async calls each make one).
    func rows(_ query: SQLQueryString) async throws -> [any SQLRow] {
        let collected = CollectedRows()
        let done: EventLoopFuture<Void> = sql.execute(sql: query) { collected.rows.append($0) }
        try await done.value()
        return collected.rows
    }

    func row(_ query: SQLQueryString) async throws -> (any SQLRow)? {
        try await rows(query).first
    }

    func run(_ query: SQLQueryString) async throws {
        let done: EventLoopFuture<Void> = sql.execute(sql: query) { _ in }
        try await done.value()
    }

    /// After rows were inserted with ids of their own: PostgreSQL's identity of `table` goes on from the highest id
    /// (SQLite's rowids do by themselves).
    func syncIdentity(_ table: String) async throws {
        guard isPostgres else { return }
        try await run("""
            SELECT setval(pg_get_serial_sequence(\(bind: table), 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(unsafeRaw: table)
            """)
    }

    /// Runs an INSERT and gives the id the new row got.
    func insertReturningID(_ query: SQLQueryString) async throws -> Int64 {
        guard let row = try await row(query + " RETURNING id") else { throw Failure(.storeFailure, "the store did not return the new row's id") }
        return try row.int("id")
    }

    /// One statement on its own (for tests and tools that reach under the store's methods).
    func executeAlone(_ text: String) async throws {
        try await exclusive { try await execute(text) }
    }

    func execute(_ text: String) async throws {
        try await run(SQLQueryString(text))
    }

    /// A value bound into a statement: an integer, text, bytes or nil.
    typealias Value = any Encodable & Sendable

    /// A NULL for a bound list of values.
    static let null: Value = Int?.none

    /// `VALUES (…), (…)` of `rows`, each bound value by value.
    static func valuesList(_ rows: some Collection<[Value]>) -> SQLQueryString {
        var list: SQLQueryString = ""
        for (index, row) in rows.enumerated() {
            list += index == 0 ? "(\(binds: row))" : ", (\(binds: row))"
        }
        return list
    }

    /// Inserts many rows in one statement per chunk; for seeding and imports. With `returning`, the rows the
    /// statements' RETURNING clause gave back (the new ids, say). `orIgnore` skips rows whose key is there already.
    @discardableResult
    func bulkInsert(_ table: String, _ columns: [String], _ values: [[Value]], orIgnore: Bool = false,
                    returning: String? = nil) async throws -> [any SQLRow] {
        if !orIgnore, returning == nil, values.count >= 100 {
            if let database = sql as? PostgresEngine.Database {
                try await database.copy(into: table, columns: columns, rows: values)
                return []
            }
            if let connection = sqliteConnection {
                try await Store.insert(into: table, columns: columns, rows: values, on: connection)
                return []
            }
        }
        var returned: [any SQLRow] = []
        for slice in values.chunks(of: max(1, 30_000 / columns.count)) {
            var text: SQLQueryString = "INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.joined(separator: ","))) VALUES "
            text += Store.valuesList(slice)
            if orIgnore { text += " ON CONFLICT DO NOTHING" }
            if let returning {
                text += " RETURNING \(unsafeRaw: returning)"
                returned += try await rows(text)
            } else {
                try await run(text)
            }
        }
        return returned
    }

    /// Set while replaying history with its own timestamps (the demo company's past requests).
    var clockOverride: Date?
    var now: Date { clockOverride ?? clock() }

    // MARK: - Errors

    static func describe(_ error: any Error) -> String {
        if let error = error as? SQLiteError { return error.message }
        if let message = PostgresEngine.message(error) { return message }
        if let error = error as? any BackOfficeFailure { return error.message }
        return String(describing: error)
    }

    /// Turns an engine's errors into ones a user can act on.
    nonisolated func mapped(_ error: any Error) -> any Error {
        switch backend {
        case .sqlite: Store.mapped(error, path: path)
        case .postgres: PostgresEngine.mapped(error, store: path)
        }
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

/// The rows a statement gave, gathered on the connection's event loop (the one thread that both fills and reads it).
final class CollectedRows: @unchecked Sendable {
    var rows: [any SQLRow] = []
}

extension EventLoopFuture where Value: Sendable {
    /// The future's value, awaited without leaving the caller's executor: the store's actor runs on the loop that
    /// completes it, so its call resumes where the answer arrived.
    func value(isolation: isolated (any _Concurrency.Actor)? = #isolation) async throws -> Value {
        try await withUnsafeThrowingContinuation(isolation: isolation) { continuation in
            whenComplete { continuation.resume(with: $0) }
        }
    }
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
