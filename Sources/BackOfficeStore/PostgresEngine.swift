import BackOfficeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit

/// The PostgreSQL engine: a store in one database, reached through one connection of its own for the store's calls
/// (they are serialised, so one is all they use) and, once a console or server asks what changed, a second one that
/// listens. Its connection settings, schema checks, locks, errors and change notifications live here; the schema is
/// in `PostgresSchema.swift`.
final class PostgresEngine: Sendable {
    let address: PostgresAddress
    private let configuration: PostgresConnection.Configuration
    /// The connection the store's calls run on; made again by the next call after it was lost.
    private let current = NIOLockedValueBox<PostgresConnection?>(nil)
    /// The statements prepared on the store's connection.
    let statements = Statements()
    /// Bumped by every `NOTIFY backoffice` the listening connection hears (another session committed a change).
    let changes = Changes()

    /// The notification channel every write transaction signals on commit.
    static let channel = "backoffice"

    /// The key of the transaction-scoped advisory lock every write transaction takes first: writes to one store are
    /// serialised exactly as SQLite's `BEGIN IMMEDIATE` serialises them (the journal's hash chain is serial anyway).
    static let writeLockKey: Int64 = 0x4261_636B_4F66_6669  // "BackOffi"

    static let beginWrite = ["BEGIN ISOLATION LEVEL READ COMMITTED", "SELECT pg_advisory_xact_lock(\(writeLockKey))"]
    static let beginSnapshot = ["BEGIN ISOLATION LEVEL REPEATABLE READ"]

    init(address: PostgresAddress, password: String?) throws {
        var configuration = PostgresConnection.Configuration(host: address.host, port: address.port, username: address.user,
                                                             password: password, database: address.database,
                                                             tls: try PostgresEngine.connectionTLS(address.sslMode))
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", "backoffice"), ("TimeZone", "UTC")]
        self.configuration = configuration
        self.address = address
        // The connections and the store's actor share one event loop of their own: a query's answer resumes the
        // store's call on the thread that read it, instead of hopping between NIO's threads and Swift's.
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
    }

    let group: MultiThreadedEventLoopGroup
    /// The loop the connections run on, and the executor of the store's actor.
    let loop: any EventLoop

    static var logger: Logger {
        var logger = Logger(label: "backoffice.postgres")
        logger.logLevel = .critical
        return logger
    }

    /// Makes a connection. An unreachable server, a refused login or a missing database is one clear error at once.
    func connect() async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(on: loop, configuration: configuration, id: 0, logger: Self.logger)
        } catch let error as PSQLError where error.serverInfo == nil {
            throw Failure(.storeFailure, "cannot reach the store at \(address.redacted): \(Self.reason(error))")
        } catch {
            throw Self.mapped(error, store: address.redacted)
        }
    }

    static func tlsConfiguration(_ mode: PostgresAddress.SSLMode) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = switch mode {
        case .verifyFull: .fullVerification
        case .verifyCA: .noHostnameVerification
        default: .none
        }
        return configuration
    }

    func shutdown() async {
        changes.stop()
        if let connection = current.withLockedValue({ connection in defer { connection = nil }; return connection }) {
            try? await connection.close()
        }
        changes.closeListener()
    }

    func shutdownWithoutWaiting() {
        changes.stop()
        current.withLockedValue { connection in
            connection.map(PostgresEngine.close)
            connection = nil
        }
        changes.closeListener()
    }

    /// Closes `connection` without waiting, keeping it until it is closed (a connection may not end open).
    static func close(_ connection: PostgresConnection) {
        let closing: EventLoopFuture<Void> = connection.close()
        closing.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// The loop's thread ends with the engine: the store's actor runs on it until the store itself is gone.
    deinit {
        group.shutdownGracefully(queue: .global()) { _ in }
    }

    var isShutDown: Bool { changes.isStopped }

    /// Runs `body` on the store's connection, given as a SQLKit database; a lost connection is made again first. While
    /// the listening connection is lost (a console or server whose database went away), it fails at once, so the
    /// console can say it is reconnecting rather than wait on a server that is not there.
    func withConnection<T>(isolation: isolated (any _Concurrency.Actor)? = #isolation,
                           _ body: (any SQLDatabase) async throws -> T) async throws -> T {
        if changes.isLost {
            throw Failure(.storeFailure, "the store does not answer; reconnecting (\(address.host):\(address.port))")
        }
        let connection: PostgresConnection
        if let open = current.withLockedValue({ $0 }), !open.isClosed {
            connection = open
        } else {
            connection = try await connect()
            current.withLockedValue { $0 = connection }
            statements.forget()
        }
        return try await body(Database(connection: connection, statements: statements))
    }

    /// What the listening connection has heard, and whether it is there.
    final class Changes: @unchecked Sendable {
        private let lock = NSLock()
        private var count: Int64 = 0
        private var started = false
        private var listening = false
        private var lost = false
        private var stopped = false
        private var listener: PostgresConnection?

        /// Moves with every notification heard and every time the listener comes or goes (what is shown is re-read).
        var value: Int64 { lock.withLock { count } }
        var isListening: Bool { lock.withLock { listening } }
        /// The listening connection was there and is gone (the server restarted or went away): until it is back, the
        /// store does not answer, and a call says so at once instead of waiting on a connection that cannot be made.
        var isLost: Bool { lock.withLock { lost } }
        var isStopped: Bool { lock.withLock { stopped } }

        /// True the first time only.
        func startListening() -> Bool { lock.withLock { defer { started = true }; return !started } }
        func bump() { lock.withLock { count += 1 } }
        func stop() { lock.withLock { stopped = true } }

        /// Keeps the listening connection so closing the store closes it; false when the store is closing already.
        func hold(_ connection: PostgresConnection) -> Bool {
            lock.withLock {
                guard !stopped else { return false }
                listener = connection
                return true
            }
        }

        func closeListener() {
            let connection = lock.withLock { defer { listener = nil }; return listener }
            connection.map(PostgresEngine.close)
        }

        func setListening(_ on: Bool) {
            lock.withLock {
                lost = !on && (listening || lost)
                listening = on
                count += 1
            }
        }
    }

    // MARK: - Connection

    /// Why a connection could not be made, in a few words: the system's reason for the socket's errno where there is
    /// one (`Connection refused`), else what failed.
    static func reason(_ error: PSQLError) -> String {
        let text = error.underlying.map { String(describing: $0) } ?? ""
        if let range = text.range(of: #"errno: (\d+)"#, options: .regularExpression),
           let number = Int32(text[range].dropFirst("errno: ".count)) {
            return String(cString: strerror(number)).lowercased()
        }
        if text.contains("dns") || text.contains("DNS") || text.contains("resolve") { return "the host name does not resolve" }
        if error.code == .sslUnsupported { return "the server does not offer TLS; use sslmode=disable or prefer" }
        return "\(error.code)"
    }

    /// `sslmode` as libpq reads it: `disable` never, `allow`/`prefer` when offered, `require` always without checking the
    /// certificate, `verify-ca` checking the chain, `verify-full` the chain and the host name.
    static func connectionTLS(_ mode: PostgresAddress.SSLMode) throws -> PostgresConnection.Configuration.TLS {
        guard mode != .disable else { return .disable }
        let context = try NIOSSLContext(configuration: tlsConfiguration(mode))
        return mode == .allow || mode == .prefer ? .prefer(context) : .require(context)
    }

    /// The password for `address`: the URL's own, else `PGPASSWORD`, else the first matching line of `~/.pgpass` (or
    /// `PGPASSFILE`), read as libpq reads it; nil when none applies (peer or trust authentication).
    static func password(for address: PostgresAddress, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let password = address.password { return password }
        if let password = environment["PGPASSWORD"], !password.isEmpty { return password }
        let file = environment["PGPASSFILE"] ?? (environment["HOME"].map { $0 + "/.pgpass" } ?? "")
        var info = stat()
        // libpq ignores a password file others may read; so does this.
        guard !file.isEmpty, stat(file, &info) == 0, info.st_mode & 0o077 == 0,
              let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        return PostgresAddress.password(inPassFile: text, for: address)
    }

    // MARK: - SQLKit on one connection

    /// The store's connection as a SQLKit database. Text is bound without a type, so the server gives it the type of
    /// what it meets (the case-insensitive code columns among them) as a literal would get; everything else is bound
    /// with its own type.
    struct Database: SQLDatabase {
        let connection: PostgresConnection
        let statements: Statements
        var logger: Logger { connection.logger }
        var eventLoop: any EventLoop { connection.eventLoop }
        var dialect: any SQLDialect { PostgresDialect() }
        var queryLogLevel: Logger.Level? { nil }

        /// Runs one statement. A statement the store has run before on this connection is run as a named prepared
        /// statement (planned once, then bound and executed), the first time as an unnamed one: a one-shot command
        /// prepares nothing, a console or server stops paying the planner for the queries it repeats.
        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
            let (serialized, bound) = serialize(query)
            // Optionals unwrapped once (reflection), for the statement's text and for its binds.
            let values = bound.map(Database.unwrapped)
            let text = Database.typingPlaceholders(serialized, values)
            let rowHandler: @Sendable (PostgresRow) throws -> Void = { row in onRow(PostgresBinaryRow(row)) }
            switch statements.use(text) {
            case .prepared(let statement):
                guard let binds = Database.preparedBinds(values) else { break }
                return statements.watch(statement.execute(binds, rowHandler))
            case .prepare:
                guard let binds = Database.preparedBinds(values) else { break }
                return statements.watch(connection.prepare(query: text).flatMap { [statements] statement in
                    statements.keep(statement, for: text)
                    return statement.execute(binds, rowHandler)
                })
            case .unnamed:
                break
            }
            var bindings = PostgresBindings(capacity: values.count)
            do {
                for value in values { try Database.bind(unwrapped: value, into: &bindings) }
            } catch {
                return eventLoop.makeFailedFuture(error)
            }
            let done: EventLoopFuture<PostgresQueryMetadata> = connection.query(
                PostgresQuery(unsafeSQL: text, binds: bindings), logger: connection.logger, rowHandler)
            return done.map { _ in }
        }

        /// The statement with each integer placeholder cast to `int8` and each bytes placeholder to `bytea`, so the
        /// server gives a prepared statement's parameters the types the values have; text stays untyped and takes
        /// the type of what it meets, as a literal would.
        static func typingPlaceholders(_ text: String, _ values: [Any?]) -> String {
            guard !values.isEmpty, text.contains("$") else { return text }
            var result = ""
            result.reserveCapacity(text.utf8.count + 8 * values.count)
            var quoted = false
            var index = text.startIndex
            while index < text.endIndex {
                let character = text[index]
                result.append(character)
                index = text.index(after: index)
                if character == "'" { quoted.toggle() }
                guard character == "$", !quoted else { continue }
                var number = 0
                while index < text.endIndex, let digit = text[index].wholeNumberValue, text[index].isASCII {
                    number = number * 10 + digit
                    result.append(text[index])
                    index = text.index(after: index)
                }
                guard number > 0, number <= values.count else { continue }
                switch values[number - 1] {
                case is Int, is Int64, is Int32: result += "::int8"
                case is Data: result += "::bytea"
                default: break
                }
            }
            return result
        }

        /// The values as a prepared statement's binds (binary: text as its UTF-8 bytes); nil when one has a type
        /// the store never binds, so the statement runs unnamed and the usual error names it.
        static func preparedBinds(_ values: [Any?]) -> [PostgresData]? {
            var binds: [PostgresData] = []
            binds.reserveCapacity(values.count)
            for value in values {
                switch value {
                case nil: binds.append(PostgresData(type: .null, value: nil))
                case let text as String: binds.append(PostgresData(string: text))
                case let number as Int: binds.append(PostgresData(int64: Int64(number)))
                case let number as Int64: binds.append(PostgresData(int64: number))
                case let number as Int32: binds.append(PostgresData(int64: Int64(number)))
                case let data as Data: binds.append(PostgresData(bytes: data))
                default: return nil
                }
            }
            return binds
        }

        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
            let done: EventLoopFuture<Void> = execute(sql: query, onRow)
            try await done.get()
        }

        /// Writes `rows` into `table` with `COPY … FROM STDIN` (text format), a megabyte at a time: many times faster
        /// than INSERT statements for the copies, seeds and imports that write thousands of rows. The table's triggers
        /// run for each row as for an INSERT.
        func copy(into table: String, columns: [String], rows: some Collection<[any Encodable & Sendable]>) async throws {
            try await connection.copyFrom(table: table, columns: columns, logger: connection.logger) { writer in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(1 << 20)
                for row in rows {
                    for (index, value) in row.enumerated() {
                        if index > 0 { buffer.writeStaticString("\t") }
                        try Database.writeCopyText(value, into: &buffer)
                    }
                    buffer.writeStaticString("\n")
                    if buffer.readableBytes >= 1 << 20 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        }

        /// One value in COPY's text format: `\N` for NULL, text with backslash, tab, newline and return escaped, bytes
        /// as `\\x` and hex.
        static func writeCopyText(_ value: Any, into buffer: inout ByteBuffer) throws {
            switch unwrapped(value) {
            case nil:
                buffer.writeString("\\N")
            case let text as String:
                let special: (UInt8) -> Bool = { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") }
                guard text.utf8.contains(where: special) else {
                    buffer.writeString(text)
                    return
                }
                var escaped: [UInt8] = []
                escaped.reserveCapacity(text.utf8.count + 8)
                for byte in text.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
                    case UInt8(ascii: "\t"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
                    case UInt8(ascii: "\n"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
                    case UInt8(ascii: "\r"): escaped += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
                    default: escaped.append(byte)
                    }
                }
                buffer.writeBytes(escaped)
            case let number as Int: buffer.writeString(String(number))
            case let number as Int64: buffer.writeString(String(number))
            case let data as Data:
                let digits = Array("0123456789abcdef".utf8)
                var hex: [UInt8] = Array("\\\\x".utf8)
                hex.reserveCapacity(3 + 2 * data.count)
                for byte in data {
                    hex.append(digits[Int(byte >> 4)])
                    hex.append(digits[Int(byte & 0x0F)])
                }
                buffer.writeBytes(hex)
            case let other?:
                throw Failure(.storeFailure, "cannot copy a \(type(of: other)) into PostgreSQL")
            }
        }

        /// The value inside an optional (nil for none); any other value as it is.
        static func unwrapped(_ value: Any) -> Any? {
            let mirror = Mirror(reflecting: value)
            guard mirror.displayStyle == .optional else { return value }
            return mirror.children.first.map { unwrapped($0.value) } ?? nil
        }

        /// Binds a value already unwrapped from its optionals.
        static func bind(unwrapped value: Any?, into bindings: inout PostgresBindings) throws {
            switch value {
            case nil: bindings.appendNull()
            case let text as String: bindings.append(UntypedText(text: text))
            case let value as any PostgresThrowingDynamicTypeEncodable: try bindings.append(value)
            case let other?: throw Failure(.storeFailure, "cannot bind a \(type(of: other)) for PostgreSQL")
            }
        }
    }

    /// The statements prepared on the store's connection, by their text, and how often each other statement ran.
    /// Touched only on the connection's event loop (the store's executor).
    final class Statements: @unchecked Sendable {
        private var prepared: [String: PreparedQuery] = [:]
        private var seen: [String: Int] = [:]
        /// How many statements one connection keeps prepared; statements past it run unnamed.
        static let limit = 500
        /// Runs of a statement before it is prepared: a one-shot command, which runs each statement once, prepares nothing.
        static let prepareAfter = 2

        enum Use {
            case prepared(PreparedQuery)
            case prepare
            case unnamed
        }

        func use(_ text: String) -> Use {
            if let statement = prepared[text] { return .prepared(statement) }
            guard prepared.count < Statements.limit, !text.contains(Dialect.Search.plannedEachTime) else { return .unnamed }
            let runs = (seen[text] ?? 0) + 1
            if runs >= Statements.prepareAfter {
                seen[text] = nil
                return .prepare
            }
            if seen.count >= 4 * Statements.limit { seen.removeAll() }
            seen[text] = runs
            return .unnamed
        }

        func keep(_ statement: PreparedQuery, for text: String) {
            prepared[text] = statement
        }

        /// After the connection was made again: nothing is prepared on the new one.
        func forget() {
            prepared.removeAll()
            seen.removeAll()
        }

        /// Forgets what was prepared when the server no longer knows a statement or a table under one changed shape
        /// (another host migrated the store): the next run prepares it again.
        func watch(_ done: EventLoopFuture<Void>) -> EventLoopFuture<Void> {
            done.flatMapErrorThrowing { [self] error in
                if let state = PostgresEngine.server(error)?.state, state == "26000" || state == "0A000" {
                    prepared.removeAll()
                }
                throw error
            }
        }
    }

    /// Text whose type the server infers from where it is used (sent as text, with no type).
    struct UntypedText: PostgresNonThrowingEncodable {
        var text: String
        static var psqlType: PostgresDataType { .null }
        static var psqlFormat: PostgresFormat { .text }
        func encode<E: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<E>) {
            buffer.writeString(text)
        }
    }

    /// What `Store.sql` is between calls: no connection is leased, so nothing may run.
    struct NoConnection: SQLDatabase {
        var logger: Logger { Logger(label: "backoffice.postgres") }
        var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
        var dialect: any SQLDialect { PostgresDialect() }
        func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
            eventLoop.makeFailedFuture(Failure(.storeFailure, "internal: a query ran outside a store call"))
        }
    }

    // MARK: - Errors

    /// The server's own message of a PostgreSQL error; nil for any other error.
    static func message(_ error: any Error) -> String? {
        if let server = server(error) { return server.message }
        if let error = error as? PSQLError { return "\(error.code)" }
        return nil
    }

    /// The SQLSTATE and message of an error the server sent, as either of PostgresNIO's error types carries it (its
    /// prepared statements report errors in the older one).
    static func server(_ error: any Error) -> (state: String, message: String)? {
        if let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] {
            return (state, error.serverInfo?[.message] ?? "")
        }
        if case .server(let info)? = error as? PostgresError, let state = info.fields[.sqlState] {
            return (state, info.fields[.message] ?? "")
        }
        return nil
    }

    /// Turns PostgreSQL's errors into ones a user can act on; a password never reaches them (the URL is shown redacted).
    static func mapped(_ error: any Error, store: String) -> any Error {
        if error is any BackOfficeFailure { return error }
        if error is DecodingError { return Failure(.storeFailure, "unexpected data in the store: \(error)") }
        if case .connectionClosed? = error as? PostgresError {
            return Failure(.storeFailure, "lost the connection to the store at \(store); the change in progress was not written")
        }
        guard let (state, message) = server(error) else {
            guard let error = error as? PSQLError else { return error }
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed:
                return Failure(.storeFailure, "lost the connection to the store at \(store); the change in progress was not written")
            case .sslUnsupported, .failedToAddSSLHandler:
                return Failure(.storeFailure, "the store at \(store) does not offer TLS; use sslmode=disable or prefer")
            case .authMechanismRequiresPassword:
                return Failure(.storeFailure, "the store at \(store) asks for a password: give it in PGPASSWORD or ~/.pgpass")
            default:
                return Failure(.storeFailure, "store error at \(store): \(error.code)")
            }
        }
        switch state {
        case "40001", "40P01":
            return Failure(.busy, "the store at \(store) is busy (\(message)); try again")
        case "23505", "23503", "23514", "23502", "P0001":
            return Failure(.conflict, "refused by the store: \(message)")
        case "28P01", "28000":
            return Failure(.storeFailure, "the store at \(store) refused the login: \(message)")
        case "3D000":
            return Failure(.notFound, "no database at \(store): \(message)")
        case "42501":
            return Failure(.storeFailure, "cannot write the store at \(store): \(message)")
        case "53100":
            return Failure(.storeFailure, "the disk holding the store at \(store) is full")
        default:
            if state.hasPrefix("08") || state.hasPrefix("57P") {
                return Failure(.storeFailure, "lost the connection to the store at \(store) (\(message)); the change in progress was not written")
            }
            return Failure(.storeFailure, "store error at \(store): \(message) (SQLSTATE \(state))")
        }
    }
}

extension Store {
    static func openPostgres(_ address: PostgresAddress, mode: OpenMode, clock: @escaping @Sendable () -> Date) async throws -> Store {
        let password = PostgresEngine.password(for: address)
        let engine = try PostgresEngine(address: address, password: password)
        let store = Store(path: address.redacted, backend: .postgres(engine), clock: clock)
        do {
            try await store.preparePostgres(mode: mode)
            try await store.migrate()
        } catch {
            await engine.shutdown()
            throw store.mapped(error)
        }
        return store
    }

    /// Checks what the database holds against `mode`: a store must be one (its migrations table), a new one must be an
    /// empty database (a database holding other tables is refused), and the extensions the schema needs are there.
    private func preparePostgres(mode: OpenMode) async throws {
        let (isStore, tables) = try await read {
            let found = try await row("""
                SELECT to_regclass('schema_migrations') IS NOT NULL AS store,
                       (SELECT COUNT(*) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'p', 'f')) AS tables
                """)
            return (try found?.decode(column: "store", as: Bool.self) ?? false, try found?.integer("tables") ?? 0)
        }
        switch mode {
        case .existing where !isStore:
            if tables > 0 { throw Failure(.storeFailure, "\(path) is not a BackOffice store (its database holds \(tables) other tables)") }
            throw Failure(.notFound, "no store at \(path); create one with `backoffice init` or pass --db")
        case .create where isStore:
            throw Failure(.alreadyExists, "a store already exists at \(path)")
        default:
            if !isStore && tables > 0 {
                throw Failure(.storeFailure, "\(path) holds \(tables) tables that are not a BackOffice store; give BackOffice a database of its own")
            }
        }
    }

    /// Listens on a connection of its own for other sessions' commits; `dataVersion` moves with each. When the
    /// connection is lost, it listens again after a second, and the change counter moves so what is shown is re-read.
    /// Started by the first `dataVersion` (a console or a server): a one-shot command never listens.
    nonisolated func listenForChanges(_ engine: PostgresEngine) {
        guard engine.changes.startListening() else { return }
        let changes = engine.changes
        Task.detached {
            while !Task.isCancelled, !engine.isShutDown {
                if let connection = try? await engine.connect() {
                    if changes.hold(connection), let notifications = try? await connection.listen(PostgresEngine.channel) {
                        changes.setListening(true)
                        do { for try await _ in notifications { changes.bump() } } catch {}
                    }
                    try? await connection.close()
                }
                changes.setListening(false)
                if engine.isShutDown { return }
                if (try? await Task.sleep(for: .seconds(1))) == nil { return }
            }
        }
    }
}
