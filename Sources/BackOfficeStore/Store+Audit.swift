import BackOfficeCore
import Crypto
import Foundation
import SQLKit
import SQLiteNIO

extension Store {
    /// Appends an audit entry chained to the previous one. Call inside a write transaction.
    func audit(_ actor: Actor?, _ action: String, _ entity: String, before: String? = nil, after: String? = nil) async throws {
        try await audit(actor, [AuditNote(action: action, entity: entity, before: before, after: after)])
    }

    /// What one audit entry says; `audit(_:_:)` chains and writes many at once.
    struct AuditNote {
        var action: String
        var entity: String
        var before: String?
        var after: String?
    }

    /// Appends audit entries in order, each chained to the one before, a statement per few thousand (an import
    /// posting a million movements audits each of them). Call inside a write transaction.
    func audit(_ actor: Actor?, _ notes: [AuditNote]) async throws {
        guard !notes.isEmpty else { return }
        let last = try await connection.query("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").first
        var sequence = Int64(last?.column("seq")?.integer ?? 0)
        var previous = last?.column("hash")?.string ?? AuditEntry.genesisHash
        let at = UTC.seconds(now)
        let who = actor?.auditName ?? "system"
        let source = actor?.auditSource ?? "cli"
        var values: [[SQLiteData]] = []
        values.reserveCapacity(notes.count)
        for note in notes {
            sequence += 1
            let hash = Store.chainHash(sequence: sequence, at: at, actor: who, source: source, action: note.action, entity: note.entity,
                                       before: note.before, after: note.after, previousHash: previous)
            values.append([.integer(Int(sequence)), .integer(Int(at)), .text(who), .text(source), .text(note.action), .text(note.entity),
                           note.before.map { .text($0) } ?? .null, note.after.map { .text($0) } ?? .null, .text(previous), .text(hash)])
            previous = hash
        }
        try await bulkInsert("audit", ["seq", "at", "actor", "source", "action", "entity", "before", "after", "prev_hash", "hash"], values)
    }

    static func chainHash(sequence: Int64, at: Int64, actor: String, source: String, action: String, entity: String,
                          before: String?, after: String?, previousHash: String) -> String {
        let input = AuditEntry.chainInput(sequence: sequence, at: at, actor: actor, source: source, action: action,
                                          entity: entity, before: before, after: after, previousHash: previousHash)
        let hex = Array("0123456789abcdef")
        var text = ""
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: input) {
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        return text
    }

    /// The most recent audit entries, newest first.
    public func auditLog(limit: Int = 50, before sequence: Int64? = nil, by actor: Actor) async throws -> [AuditEntry] {
        try actor.require(.administer)
        return try await read {
            try await rows("""
                SELECT * FROM audit WHERE seq < \(bind: sequence ?? Int64.max) ORDER BY seq DESC LIMIT \(bind: limit)
                """).map(Store.auditEntry)
        }
    }

    static func auditEntry(_ row: any SQLRow) throws -> AuditEntry {
        AuditEntry(sequence: try row.int("seq"), at: try row.date("at"), actor: try row.string("actor"),
                   source: try row.string("source"), action: try row.string("action"), entity: try row.string("entity"),
                   before: try row.optionalString("before"), after: try row.optionalString("after"),
                   previousHash: try row.string("prev_hash"), hash: try row.string("hash"))
    }

    // MARK: - Verify

    /// What `verify` found.
    public struct VerifyReport: Sendable, Codable {
        public var integrity: String
        public var balancesChecked: Int
        public var balanceDifferences: [String]
        public var auditEntriesChecked: Int
        public var auditProblems: [String]
        public var otherProblems: [String]
        public var ok: Bool { integrity == "ok" && balanceDifferences.isEmpty && auditProblems.isEmpty && otherProblems.isEmpty }
    }

    /// Recomputes every balance from the journal, walks the audit chain and runs SQLite's integrity check.
    public func verify(by actor: Actor) async throws -> VerifyReport {
        try actor.require(.administer)
        return try await verifyReport()
    }

    func verifyReport() async throws -> VerifyReport {
        try await read {
            let integrityRows = try await connection.query("PRAGMA integrity_check")
            let integrity = integrityRows.compactMap { $0.column("integrity_check")?.string }.joined(separator: "; ")

            // Balances against the journal, both ways round.
            let differences = try await connection.query("""
                WITH journal AS (
                    SELECT item_id, location_id, SUM(delta) AS on_hand FROM (
                        SELECT item_id, location_id,
                               CASE kind WHEN 'issue' THEN -quantity WHEN 'transfer' THEN -quantity ELSE quantity END AS delta
                        FROM movements
                        UNION ALL
                        SELECT item_id, to_location_id, quantity FROM movements WHERE kind = 'transfer'
                    ) GROUP BY item_id, location_id
                )
                SELECT COALESCE(i.sku, '#' || COALESCE(j.item_id, b.item_id)) AS sku,
                       COALESCE(l.code, '#' || COALESCE(j.location_id, b.location_id)) AS location,
                       COALESCE(j.on_hand, 0) AS journal, COALESCE(b.on_hand, 0) AS balance
                FROM journal j
                FULL OUTER JOIN balances b ON b.item_id = j.item_id AND b.location_id = j.location_id
                LEFT JOIN items i ON i.id = COALESCE(j.item_id, b.item_id)
                LEFT JOIN locations l ON l.id = COALESCE(j.location_id, b.location_id)
                WHERE COALESCE(j.on_hand, 0) <> COALESCE(b.on_hand, 0)
                LIMIT 100
                """)
            let balanceDifferences = differences.map { row in
                let sku = row.column("sku")?.string ?? "?", location = row.column("location")?.string ?? "?"
                let journal = row.column("journal")?.integer ?? 0, balance = row.column("balance")?.integer ?? 0
                return "\(sku) at \(location): journal says \(journal), balance says \(balance)"
            }
            let balanceCount = try await connection.query("SELECT COUNT(*) AS n FROM balances").first?.column("n")?.integer ?? 0

            var other: [String] = []
            let negative = try await connection.query("SELECT COUNT(*) AS n FROM balances WHERE on_hand < 0").first?.column("n")?.integer ?? 0
            if negative > 0 { other.append("\(negative) balances are negative") }
            // The journal and the audit log refuse changes; new items reach the search index (an import sets that
            // trigger aside for its transaction and must put it back).
            for (table, trigger, purpose) in [("movements", "movements_no_update", "append-only"), ("movements", "movements_no_delete", "append-only"),
                                              ("audit", "audit_no_update", "append-only"), ("audit", "audit_no_delete", "append-only"),
                                              ("items", "items_fts_insert", "search-index")] {
                let found = try await connection.query("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ? AND tbl_name = ?",
                                                        [.text(trigger), .text(table)])
                if found.isEmpty { other.append("the \(purpose) trigger \(trigger) on \(table) is missing") }
            }

            // The audit chain, a page at a time.
            var problems: [String] = []
            var previous = AuditEntry.genesisHash
            var expected: Int64 = 1
            var checked = 0
            while problems.count < 20 {
                let page = try await connection.query("SELECT * FROM audit WHERE seq >= ? ORDER BY seq LIMIT 5000", [.integer(Int(expected))])
                if page.isEmpty { break }
                for row in page {
                    let seq = Int64(row.column("seq")?.integer ?? 0)
                    if seq != expected { problems.append("audit entry \(expected) is missing") }
                    let prev = row.column("prev_hash")?.string ?? ""
                    if prev != previous { problems.append("audit entry \(seq) does not follow entry \(seq - 1)") }
                    let recomputed = Store.chainHash(
                        sequence: seq, at: Int64(row.column("at")?.integer ?? 0), actor: row.column("actor")?.string ?? "",
                        source: row.column("source")?.string ?? "", action: row.column("action")?.string ?? "",
                        entity: row.column("entity")?.string ?? "", before: row.column("before")?.string,
                        after: row.column("after")?.string, previousHash: prev)
                    let stored = row.column("hash")?.string ?? ""
                    if recomputed != stored { problems.append("audit entry \(seq) was altered (hash mismatch)") }
                    previous = stored
                    expected = seq + 1
                    checked += 1
                }
            }
            return VerifyReport(integrity: integrity, balancesChecked: balanceCount, balanceDifferences: balanceDifferences,
                                auditEntriesChecked: checked, auditProblems: problems, otherProblems: other)
        }
    }

    // MARK: - Backup

    /// Writes a consistent copy of the store to `destination` with `VACUUM INTO`, while others keep working.
    public func backup(to destination: String, by actor: Actor) async throws {
        try actor.require(.administer)
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw Failure(.alreadyExists, "backup: \(destination) already exists; choose a new file name")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard folder.isEmpty || (FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) else {
            throw Failure(.notFound, "backup: the folder \(folder) does not exist")
        }
        try await read {
            _ = try await connection.query("VACUUM INTO ?", [.text(destination)])
        }
        try await write { try await audit(actor, "store.backup", "store", after: destination) }
    }

    // MARK: - Restore

    /// Readies the current store to be replaced: its write-ahead log is written into the file and emptied. Refused
    /// while another process has the store open, since replacing the file under it would lose its work.
    public func prepareForReplacement(by actor: Actor) async throws {
        try actor.require(.administer)
        try await exclusive {
            let row = try await connection.query("PRAGMA wal_checkpoint(TRUNCATE)").first
            if (row?.column("busy")?.integer ?? 0) != 0 {
                throw Failure(.busy, "restore: another session has \(path) open; close the consoles and servers using it first")
            }
        }
    }

    /// Who may restore into `target`: an administrator of the store there, once its log is checkpointed (refused while
    /// another session holds it); or, where there is no store yet (a new machine), whoever restores, as an
    /// administrator, recorded in the restored store's audit log.
    public static func restoringActor(for target: String, user name: String) async throws -> Actor {
        guard FileManager.default.fileExists(atPath: target) else {
            return Actor(user: User(name: name, displayName: name, role: .admin), source: .cli)
        }
        let store = try await Store.open(path: target)
        do {
            let actor = Actor(user: try await store.signIn(name), source: .cli)
            try await store.prepareForReplacement(by: actor)
            await store.close()
            return actor
        } catch {
            await store.close()
            throw error
        }
    }

    /// Replaces the store at `target` with the backup at `source`, only once a copy of the backup has passed SQLite's
    /// integrity check and `verify`. The copy is checked next to the target and moved over it in one rename, so the
    /// current store stays in place, whole, until the new one is; the old file is kept as `TARGET.before-restore-TIME`.
    /// The backup file itself is never changed.
    public static func restore(from source: String, to target: String, by actor: Actor,
                               clock: @escaping @Sendable () -> Date = { Date() }) async throws -> (report: VerifyReport, previous: String?) {
        try actor.require(.administer)
        let files = FileManager.default
        var isFolder: ObjCBool = false
        guard files.fileExists(atPath: source, isDirectory: &isFolder), !isFolder.boolValue else {
            throw Failure(.notFound, "restore: no backup file at \(source)")
        }
        let staging = target + ".restoring"
        func removeStaging() {
            for suffix in ["", "-wal", "-shm"] { try? files.removeItem(atPath: staging + suffix) }
        }
        removeStaging()
        do {
            try files.copyItem(atPath: source, toPath: staging)
        } catch {
            throw Failure(.storeFailure, "restore: cannot copy \(source) next to \(target): \(error.localizedDescription)")
        }
        let report: VerifyReport
        do {
            let candidate = try await Store.open(path: staging, clock: clock)
            do {
                report = try await candidate.verifyReport()
                if report.ok {
                    try await candidate.write { try await candidate.audit(actor, "store.restore", "store", after: source) }
                }
            } catch {
                await candidate.close()
                throw error
            }
            await candidate.close()
        } catch let failure as any BackOfficeFailure {
            removeStaging()
            throw Failure(.invalidInput, "restore: \(source) is not a usable store: \(failure.message)")
        } catch {
            removeStaging()
            throw Failure(.invalidInput, "restore: \(source) is not a usable store: \(error)")
        }
        guard report.ok else {
            removeStaging()
            let problems = ([report.integrity == "ok" ? nil : "integrity: \(report.integrity)"] + report.balanceDifferences.prefix(3).map(Optional.some)
                            + report.auditProblems.prefix(3).map(Optional.some) + report.otherProblems.prefix(3).map(Optional.some)).compactMap { $0 }
            throw Failure(.invalidInput, "restore: \(source) fails verify (\(problems.joined(separator: "; "))); the current store is unchanged")
        }
        var previous: String?
        if files.fileExists(atPath: target) {
            let keep = target + ".before-restore-" + UTC.iso(clock()).replacingOccurrences(of: ":", with: "")
            guard link(target, keep) == 0 else {
                removeStaging()
                throw Failure(.storeFailure, "restore: cannot keep the current store as \(keep) (errno \(errno)); nothing was changed")
            }
            previous = keep
            for suffix in ["-wal", "-shm"] { try? files.removeItem(atPath: target + suffix) }
        }
        guard rename(staging, target) == 0 else {
            removeStaging()
            throw Failure(.storeFailure, "restore: cannot move the restored store into place (errno \(errno)); the current store is unchanged")
        }
        return (report, previous)
    }

    // MARK: - Doctor

    public struct Diagnosis: Sendable, Codable {
        public var path: String
        public var sqliteVersion: String
        public var schemaVersion: Int
        public var pragmas: [String: String]
        public var counts: [String: Int]
        public var fileBytes: Int64
        public var walBytes: Int64
    }

    /// The SQLite version, the pragmas in force and counts of everything.
    public func diagnose() async throws -> Diagnosis {
        try await read {
            var pragmas: [String: String] = [:]
            for name in ["journal_mode", "synchronous", "foreign_keys", "busy_timeout", "page_size", "page_count",
                         "freelist_count", "wal_autocheckpoint", "cache_size", "auto_vacuum"] {
                let row = try await connection.query("PRAGMA \(name)").first
                pragmas[name] = row.flatMap { r in r.columns.first.map { $0.data.description } } ?? "?"
            }
            var counts: [String: Int] = [:]
            for table in ["items", "locations", "balances", "movements", "holds", "incoming", "price_lists", "list_prices",
                          "price_rules", "contract_prices", "accounts", "users", "requests", "request_events", "audit"] {
                counts[table] = try await connection.query("SELECT COUNT(*) AS n FROM \(table)").first?.column("n")?.integer ?? 0
            }
            counts["holds_active"] = try await connection.query(
                "SELECT COUNT(*) AS n FROM holds WHERE released_at IS NULL AND expires_at > ?", [.integer(Int(UTC.seconds(now)))]
            ).first?.column("n")?.integer ?? 0
            let version = try await connection.query("SELECT MAX(version) AS v FROM schema_migrations").first?.column("v")?.integer ?? 0
            func size(_ file: String) -> Int64 {
                ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
            }
            return Diagnosis(path: path, sqliteVersion: SQLiteConnection.libraryVersionString(), schemaVersion: version,
                             pragmas: pragmas, counts: counts, fileBytes: size(path), walBytes: size(path + "-wal"))
        }
    }

    /// The version of the SQLite library the store runs on.
    public static var sqliteVersion: (number: Int, text: String) {
        (Int(SQLiteConnection.libraryVersion()), SQLiteConnection.libraryVersionString())
    }
}
