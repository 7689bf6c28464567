import BackOfficeCore
import Foundation
import SQLKit

/// `copy-store`: a whole store copied into a new one on either engine, and PostgreSQL's backups made through it.
extension Store {
    /// A table as it is copied: its columns with their kinds, in the order rows are read, and the key that orders it.
    struct CopyTable: Sendable {
        enum Kind: Sendable { case integer, text, bytes }
        var name: String
        var columns: [(name: String, kind: Kind)]
        var key: [String]
        /// A table every new store starts with rows in (the calendar's defaults): they are replaced, not refused.
        var seeded: Bool

        init(_ name: String, key: [String] = ["id"], seeded: Bool = false, _ spec: String) {
            self.name = name
            self.key = key
            self.seeded = seeded
            columns = spec.split(separator: " ").map { field in
                let parts = field.split(separator: ":")
                let kind: Kind = switch parts[1] { case "i": .integer; case "b": .bytes; default: .text }
                return (String(parts[0]), kind)
            }
        }
    }

    /// Every table of a store, parents before the rows that refer to them; the schema's version table is not copied
    /// (the destination is made at the newest version).
    static let copyTables: [CopyTable] = [
        CopyTable("users", "id:i name:t display_name:t role:t away:i active:i created_at:i"),
        CopyTable("locations", "id:i code:t name:t sellable:i"),
        CopyTable("price_lists", "id:i code:t name:t currency:t is_default:i"),
        CopyTable("items", "id:i sku:t name:t uom:t category:t active:i cost:i cost_currency:t reorder_point:i reorder_to:i order_multiple:i"),
        CopyTable("accounts", "id:i code:t name:t manager_id:i backup_id:i price_list_id:i"),
        CopyTable("user_keys", "id:i user_id:i algorithm:t key:t fingerprint:t comment:t added_at:i"),
        CopyTable("saved_views", "id:i user_id:i pane:t name:t sort:t descending:i search:t location:t category:t below_reorder:i scope:t state_filter:t updated_at:i"),
        CopyTable("balances", key: ["item_id", "location_id"], "item_id:i location_id:i on_hand:i"),
        CopyTable("movements", "id:i kind:t item_id:i location_id:i to_location_id:i quantity:i counted:i reason:t ref:t actor:t source:t at:i hash:b"),
        CopyTable("holds", "id:i item_id:i location_id:i account_id:i quantity:i owner:t created_at:i expires_at:i released_at:i released_by:t"),
        CopyTable("incoming", "id:i item_id:i location_id:i quantity:i due:t ref:t created_at:i"),
        CopyTable("list_prices", key: ["price_list_id", "item_id"], "price_list_id:i item_id:i price:i"),
        CopyTable("price_rules", "id:i price_list_id:i account_id:i scope:t scope_item_id:i scope_category:t min_qty:i valid_from:t valid_to:t action:t amount:t rounding_step:i margin_floor:t note:t"),
        CopyTable("contract_prices", "id:i account_id:i item_id:i price:i min_qty:i valid_from:t valid_to:t"),
        CopyTable("requests", "id:i kind:t account_id:i item_id:i quantity:i text:t priority:t state:t requester_id:i assignee_id:i created_at:i due_at:i updated_at:i first_response_at:i resolved_at:i"),
        CopyTable("request_events", "id:i request_id:i at:i actor:t action:t from_state:t to_state:t text:t snapshot:t"),
        CopyTable("request_pauses", "id:i request_id:i started_at:i ended_at:i reason:t"),
        CopyTable("business_calendar", seeded: true, "id:i time_zone:t"),
        CopyTable("business_hours", key: ["weekday"], seeded: true, "weekday:i opens:i closes:i"),
        CopyTable("holidays", key: ["day"], "day:t name:t"),
        CopyTable("request_templates", "id:i name:t body:t updated_by:t updated_at:i"),
        CopyTable("sla_targets", key: ["priority"], seeded: true, "priority:t response_seconds:i resolution_seconds:i"),
        CopyTable("count_sessions", "id:i location_id:i category:t state:t created_by:t created_at:i posted_at:i"),
        CopyTable("count_lines", key: ["session_id", "item_id"], "session_id:i item_id:i expected:i counted:i counted_at:i"),
        CopyTable("import_batches", key: ["sha256"], "sha256:t kind:t file:t rows:i at:i actor:t"),
        CopyTable("audit", key: ["seq"], "seq:i at:i actor:t source:t action:t entity:t before:t after:t prev_hash:t hash:t format:i"),
    ]

    /// What a copy did: rows per table and the chain heads of both stores, which must be equal.
    public struct CopyReport: Sendable {
        public var rows: [(table: String, count: Int)]
        public var source: ChainDigest
        public var destination: ChainDigest
        public var verify: VerifyReport
    }

    /// Copies this whole store into `destination`, a new, empty store (on either engine), as one snapshot of this one
    /// and one transaction on the destination: a copy that fails leaves the destination empty. `progress` hears each
    /// table's rows as they are written. Ends with `verify` of the destination.
    public func copy(to destination: Store, by actor: Actor,
                     progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in }) async throws -> CopyReport {
        try actor.require(.administer)
        return try await copy(to: destination, progress: progress)
    }

    func copy(to destination: Store, progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in }) async throws -> CopyReport {
        let (counts, head) = try await snapshot {
            var totals: [String: Int] = [:]
            for table in Store.copyTables {
                totals[table.name] = try await row("SELECT COUNT(*) AS n FROM \(unsafeRaw: table.name)")?.integer("n") ?? 0
            }
            // The destination's transaction reads its pages back from this actor while this snapshot stays open: the
            // actor is re-entered for `copyPage`, which runs on the snapshot's connection.
            let counts = try await destination.fill(from: self, totals: totals, progress: progress)
            return (counts, try await Store.chainHead(sql))
        }
        let report = try await destination.verifyReport()
        return CopyReport(rows: counts, source: head, destination: report.digest, verify: report)
    }

    /// One page of `table` after `key` in key order, each value as its column's kind; nil at the end. Runs on the
    /// connection of the snapshot `copy` holds open (never on its own).
    func copyPage(_ table: CopyTable, after key: [Value]?) async throws -> (rows: [[Value]], last: [Value])? {
        let columns = table.columns.map(\.name).joined(separator: ", ")
        let order = table.key.joined(separator: ", ")
        var query: SQLQueryString = "SELECT \(unsafeRaw: columns) FROM \(unsafeRaw: table.name)"
        if let key { query += " WHERE (\(unsafeRaw: order)) > (\(binds: key))" }
        query += " ORDER BY \(unsafeRaw: order) LIMIT 5000"
        let found = try await rows(query)
        guard !found.isEmpty else { return nil }
        var values: [[Value]] = []
        values.reserveCapacity(found.count)
        for row in found {
            var line: [Value] = []
            for (name, kind) in table.columns {
                switch kind {
                case .integer:
                    guard let value = Store.storedInt(row, name) else { throw Store.unexpected(table.name, name) }
                    line.append(value)
                case .text:
                    guard let value = Store.storedText(row, name) else { throw Store.unexpected(table.name, name) }
                    line.append(value)
                case .bytes:
                    guard let value = Store.storedBytes(row, name) else { throw Store.unexpected(table.name, name) }
                    line.append(value.map { Data($0) })
                }
            }
            values.append(line)
        }
        let keyIndexes = table.key.compactMap { key in table.columns.firstIndex { $0.name == key } }
        return (values, keyIndexes.map { values[values.count - 1][$0] })
    }

    static func unexpected(_ table: String, _ column: String) -> Failure {
        Failure(.storeFailure, "copy-store: \(table).\(column) holds a value of a type BackOffice never writes there; run verify on the source")
    }

    /// Fills this new, empty store from `source` in one write transaction.
    private func fill(from source: Store, totals: [String: Int],
                      progress: @escaping @Sendable (String, Int, Int) -> Void) async throws -> [(table: String, count: Int)] {
        try await write {
            for table in Store.copyTables where !table.seeded {
                if try await row("SELECT 1 AS one FROM \(unsafeRaw: table.name) LIMIT 1") != nil {
                    throw Failure(.alreadyExists, "copy-store: the destination \(path) is not empty (\(table.name) has rows); copy into a new store")
                }
            }
            for table in Store.copyTables where table.seeded {
                try await execute("DELETE FROM \(table.name)")
            }
            var counts: [(table: String, count: Int)] = []
            for table in Store.copyTables {
                var after: [Value]?
                var copied = 0
                let total = totals[table.name] ?? 0
                progress(table.name, 0, total)
                while let page = try await source.copyPage(table, after: after) {
                    try await bulkInsert(table.name, table.columns.map(\.name), page.rows)
                    copied += page.rows.count
                    after = page.last
                    progress(table.name, copied, total)
                }
                counts.append((table.name, copied))
            }
            if isPostgres {
                // The planner's statistics for what just arrived, rather than for the empty tables.
                try await execute("ANALYZE")
                // Rows came with their ids; the identity columns go on from the highest.
                for table in Store.copyTables where table.key == ["id"] {
                    try await run("""
                        SELECT setval(pg_get_serial_sequence(\(bind: table.name), 'id'), COALESCE(MAX(id), 0) + 1, false)
                        FROM \(unsafeRaw: table.name)
                        """)
                }
            }
            return counts
        }
    }

    // MARK: - PostgreSQL's triggers, for verify

    /// The append-only, chain and search triggers of a PostgreSQL store: each there, enabled, on its table and calling
    /// its function, and the refusing function's body as created.
    func postgresTriggerProblems() async throws -> [String] {
        var problems: [String] = []
        for expected in PostgresSchema.expectedTriggers {
            let found = try await row("""
                SELECT c.relname AS table_name, p.proname AS function, t.tgenabled::text AS enabled
                FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
                WHERE t.tgname = \(bind: expected.trigger) AND c.relname = \(bind: expected.table) AND NOT t.tgisinternal
                """)
            guard let found else {
                problems.append("the \(expected.purpose) trigger \(expected.trigger) on \(expected.table) is missing")
                continue
            }
            if try found.string("function") != expected.function || found.string("enabled") == "D" {
                problems.append("the \(expected.purpose) trigger \(expected.trigger) on \(expected.table) was changed from what the migrations created")
            }
        }
        let body = try await row("SELECT prosrc FROM pg_catalog.pg_proc WHERE proname = 'backoffice_refuse'")?.string("prosrc")
        if body.map(Migrations.words) != PostgresSchema.refuseBody {
            problems.append("the function backoffice_refuse behind the append-only triggers was changed from what the migrations created")
        }
        return problems
    }
}
