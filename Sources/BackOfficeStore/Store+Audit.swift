import BackOfficeCore
import Crypto
import Foundation
import NIOCore
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

    /// Appends audit entries in order, each chained to the one before (length-prefixed, `AuditEntry.Format`), a
    /// statement per few thousand (an import posting a million movements audits each of them). Call inside a write
    /// transaction.
    func audit(_ actor: Actor?, _ notes: [AuditNote], after head: ChainHeads? = nil) async throws {
        guard !notes.isEmpty else { return }
        let head = if let head { head } else { try await chainHeads() }
        var sequence = head.auditSequence
        var previous = head.auditHash
        let at = UTC.seconds(now)
        let who = actor?.auditName ?? "system"
        let source = actor?.auditSource ?? "cli"
        let format = AuditEntry.Format.lengthPrefixed
        var values: [[Value]] = []
        values.reserveCapacity(notes.count)
        for note in notes {
            sequence += 1
            let hash = Store.chainHash(format: format, sequence: sequence, at: at, actor: who, source: source, action: note.action,
                                       entity: note.entity, before: note.before, after: note.after, previousHash: previous)
            values.append([sequence, at, who, source, note.action, note.entity, note.before, note.after, previous, hash, format.rawValue])
            previous = hash
        }
        try await bulkInsert("audit", ["seq", "at", "actor", "source", "action", "entity", "before", "after", "prev_hash", "hash", "format"],
                             values)
    }

    static func chainHash(format: AuditEntry.Format, sequence: Int64, at: Int64, actor: String, source: String, action: String,
                          entity: String, before: String?, after: String?, previousHash: String) -> String {
        let input = AuditEntry.chainInput(format: format, sequence: sequence, at: at, actor: actor, source: source, action: action,
                                          entity: entity, before: before, after: after, previousHash: previousHash)
        return ChainDigest.hex(SHA256.hash(data: input))
    }

    // MARK: - Movement chain

    /// Appends journal rows, each chained to the one before: the last row's id and hash are read once, each new row
    /// gets the next id and the SHA-256 of its values and that hash (`ChainedMovement`), computed here from values so
    /// any engine computes the same. Returns the ids given, in order. Call inside a write transaction.
    @discardableResult
    func appendToJournal(_ rows: [ChainedMovement], after head: ChainHeads? = nil) async throws -> [Int64] {
        guard !rows.isEmpty else { return [] }
        let head = if let head { head } else { try await chainHeads() }
        var id = head.movementID
        var previous = head.movementHash
        var values: [[Value]] = []
        values.reserveCapacity(rows.count)
        var ids: [Int64] = []
        ids.reserveCapacity(rows.count)
        for var row in rows {
            id += 1
            row.id = id
            let hash = Store.movementHash(row, previous: previous)
            values.append(Store.journalValues(row) + [Data(hash)])
            ids.append(id)
            previous = hash
        }
        try await bulkInsert("movements", Store.journalColumnNames + ["hash"], values)
        return ids
    }

    /// The last journal row and the last audit entry, the two links a posted movement chains to.
    struct ChainHeads {
        var movementID: Int64
        var movementHash: [UInt8]
        var auditSequence: Int64
        var auditHash: String
    }

    /// Both chains' heads in one statement: what an append chains to, and for a post one round trip fewer while the
    /// write lock is held. Call inside a write transaction; heads read once serve one append to each chain.
    func chainHeads() async throws -> ChainHeads {
        let found = try await row("""
            SELECT m.id AS movement_id, m.hash AS movement_hash, a.seq AS audit_seq, a.hash AS audit_hash
            FROM (SELECT 1 AS one) AS here
            LEFT JOIN (SELECT id, hash FROM movements ORDER BY id DESC LIMIT 1) AS m ON 1 = 1
            LEFT JOIN (SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1) AS a ON 1 = 1
            """)
        return ChainHeads(movementID: try found?.optionalInt("movement_id") ?? 0,
                          movementHash: found.flatMap { Store.storedBytes($0, "movement_hash") ?? nil } ?? ChainedMovement.genesis,
                          auditSequence: try found?.optionalInt("audit_seq") ?? 0,
                          auditHash: try found?.optionalString("audit_hash") ?? AuditEntry.genesisHash)
    }

    /// A journal row's chain hash: SHA-256 of its values after the previous row's hash.
    static func movementHash(_ row: ChainedMovement, previous: [UInt8]) -> [UInt8] {
        SHA256.hash(data: row.chainInput(previous: previous)).withUnsafeBytes { Array($0) }
    }

    /// The columns of a journal row, in the order `journalValues` gives them.
    static let journalColumnNames = ["id", "kind", "item_id", "location_id", "to_location_id", "quantity", "counted", "reason", "ref",
                                     "actor", "source", "at"]

    static func journalValues(_ row: ChainedMovement) -> [Value] {
        [row.id, row.kind, row.itemID, row.locationID, row.toLocationID, row.quantity, row.counted, row.reason, row.reference,
         row.actor, row.source, row.at]
    }

    /// A journal row read back exactly as stored; nil when a column holds a type the journal never writes there
    /// (which only an edit outside the store can do).
    static func chainedMovement(_ row: any SQLRow) -> ChainedMovement? {
        func int(_ name: String) -> Int64?? { storedInt(row, name) }
        func text(_ name: String) -> String?? { storedText(row, name) }
        guard let id = int("id") ?? nil, let kind = text("kind") ?? nil, let item = int("item_id") ?? nil,
              let location = int("location_id") ?? nil, let to = int("to_location_id"), let quantity = int("quantity") ?? nil,
              let counted = int("counted"), let reason = text("reason"), let reference = text("ref"), let actor = text("actor") ?? nil,
              let source = text("source") ?? nil, let at = int("at") ?? nil else { return nil }
        // The codes come from `journalPage`'s joins; an item or location gone from the file reads as no code, which no
        // chained row was hashed with.
        return ChainedMovement(id: id, kind: kind, itemID: item, locationID: location, toLocationID: to,
                               sku: (text("chain_sku") ?? nil) ?? "", location: (text("chain_location") ?? nil) ?? "",
                               toLocation: text("chain_to_location") ?? nil, quantity: quantity, counted: counted, reason: reason,
                               reference: reference, actor: actor, source: source, at: at)
    }

    /// The next 10,000 journal rows after `after`, each with the SKU and location codes its ids stand for, as the
    /// chain hashes them.
    func journalPage(after: Int64) async throws -> [any SQLRow] {
        try await rows("""
            SELECT m.*, i.sku AS chain_sku, l.code AS chain_location, t.code AS chain_to_location
            FROM movements m
            LEFT JOIN items i ON i.id = m.item_id
            LEFT JOIN locations l ON l.id = m.location_id
            LEFT JOIN locations t ON t.id = m.to_location_id
            WHERE m.id > \(bind: after) ORDER BY m.id LIMIT 10000
            """)
    }

    /// A column's value exactly as stored: nil when it holds another type (which only an edit outside the store can
    /// put there: SQLite keeps any value in any column; PostgreSQL's columns are typed), `.some(nil)` for NULL.
    static func stored<T: Decodable>(_ row: any SQLRow, _ name: String, as type: T.Type,
                                     sqlite: (SQLiteData) -> T?) -> T?? {
        if let row = row as? SQLiteRow {
            guard let data = row.column(name) else { return nil }
            if case .null = data { return .some(nil) }
            return sqlite(data).map { .some($0) } ?? nil
        }
        if (try? row.decodeNil(column: name)) ?? true { return .some(nil) }
        return (try? row.decode(column: name, as: T.self)).map { .some($0) } ?? nil
    }

    static func storedInt(_ row: any SQLRow, _ name: String) -> Int64?? {
        stored(row, name, as: Int64.self) { if case let .integer(value) = $0 { Int64(value) } else { nil } }
    }

    static func storedText(_ row: any SQLRow, _ name: String) -> String?? {
        stored(row, name, as: String.self) { if case let .text(value) = $0 { value } else { nil } }
    }

    static func storedBytes(_ row: any SQLRow, _ name: String) -> [UInt8]?? {
        stored(row, name, as: Data.self) { data -> Data? in
            if case let .blob(buffer) = data { Data(buffer.readableBytesView) } else { nil }
        }.map { $0.map { Array($0) } }
    }

    /// Brings the journal rows written before the chain existed under it, in id order, in the migration's transaction.
    /// The append-only trigger is set aside only for this and put back before the migration commits.
    func chainExistingMovements() async throws {
        var previous = ChainedMovement.genesis
        var after: Int64 = 0
        while true {
            let page = try await journalPage(after: after)
            guard let lastRow = page.last else { break }
            var values: [[Value]] = []
            values.reserveCapacity(page.count)
            for row in page {
                guard let movement = Store.chainedMovement(row) else {
                    throw Failure(.storeFailure, "movement \((Store.storedInt(row, "id") ?? nil) ?? 0) holds a value the journal never writes; "
                                  + "this store was edited outside backoffice and cannot be brought under the journal chain")
                }
                let hash = Store.movementHash(movement, previous: previous)
                values.append([movement.id, Data(hash)])
                previous = hash
            }
            for slice in values.chunks(of: 400) {
                try await run("""
                    UPDATE movements SET hash = change.column2 FROM (VALUES \(Store.valuesList(slice))) AS change
                    WHERE movements.id = change.column1
                    """)
            }
            after = try lastRow.int("id")
        }
    }

    /// The last movement and the last audit entry, each with its hash, of the store on `database`.
    static func chainHead(_ database: any SQLDatabase) async throws -> ChainDigest {
        let movement = try await database.raw("SELECT id, hash FROM movements ORDER BY id DESC LIMIT 1").first()
        let audit = try await database.raw("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").first()
        return ChainDigest(
            movements: .init(sequence: try movement?.int("id") ?? 0,
                             hash: ChainDigest.hex(movement.flatMap { storedBytes($0, "hash") ?? nil } ?? ChainedMovement.genesis)),
            audit: .init(sequence: try audit?.int("seq") ?? 0, hash: try audit?.string("hash") ?? AuditEntry.genesisHash))
    }

    /// The heads of both chains of this store, as they stand.
    public func chainHead() async throws -> ChainDigest {
        try await snapshot { try await Store.chainHead(sql) }
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
        public var movementsChecked: Int
        public var movementProblems: [String]
        public var auditEntriesChecked: Int
        public var auditProblems: [String]
        public var otherProblems: [String]
        /// Where the digest `verify --expect` was given is not extended by this store.
        public var digestProblems: [String]
        /// The heads of both chains as stored (meaningful as evidence only when `ok`).
        public var digest: ChainDigest
        public var ok: Bool {
            integrity == "ok" && balanceDifferences.isEmpty && movementProblems.isEmpty && auditProblems.isEmpty && otherProblems.isEmpty
                && digestProblems.isEmpty
        }
        /// Every problem, one line each.
        public var problems: [String] {
            (integrity == "ok" ? [] : ["integrity: \(integrity)"]) + balanceDifferences + movementProblems + auditProblems + otherProblems
                + digestProblems
        }
    }

    /// Recomputes every balance from the journal, walks the movement and audit chains, runs SQLite's integrity check
    /// and, given a digest kept from before, checks that this store still extends it.
    public func verify(expecting digest: ChainDigest? = nil, by actor: Actor) async throws -> VerifyReport {
        try actor.require(.administer)
        return try await verifyReport(expecting: digest)
    }

    /// The most problems of one kind a report lists.
    static let reportedProblems = 20

    func verifyReport(expecting digest: ChainDigest? = nil) async throws -> VerifyReport {
        try await snapshot {
            // PostgreSQL checks its pages itself (and its checksums, when the cluster has them on).
            let integrity = isPostgres ? "ok"
                : try await rows("PRAGMA integrity_check").compactMap { try? $0.string("integrity_check") }.joined(separator: "; ")

            // Balances against the journal, both ways round: a balance row exists exactly where the journal moved
            // stock, and holds what the journal sums to.
            let differences = try await rows("""
                WITH journal AS (
                    SELECT item_id, location_id, CAST(SUM(delta) AS BIGINT) AS on_hand FROM (
                        SELECT item_id, location_id,
                               CASE kind WHEN 'issue' THEN -quantity WHEN 'transfer' THEN -quantity ELSE quantity END AS delta
                        FROM movements
                        UNION ALL
                        SELECT item_id, to_location_id, quantity FROM movements WHERE kind = 'transfer'
                    ) AS deltas GROUP BY item_id, location_id
                )
                SELECT COALESCE(i.sku, '#' || COALESCE(j.item_id, b.item_id)) AS sku,
                       COALESCE(l.code, '#' || COALESCE(j.location_id, b.location_id)) AS location,
                       COALESCE(j.on_hand, 0) AS journal, COALESCE(b.on_hand, 0) AS balance,
                       CASE WHEN j.item_id IS NULL THEN 1 ELSE 0 END AS no_journal,
                       CASE WHEN b.item_id IS NULL THEN 1 ELSE 0 END AS no_balance
                FROM journal j
                FULL OUTER JOIN balances b ON b.item_id = j.item_id AND b.location_id = j.location_id
                LEFT JOIN items i ON i.id = COALESCE(j.item_id, b.item_id)
                LEFT JOIN locations l ON l.id = COALESCE(j.location_id, b.location_id)
                WHERE j.item_id IS NULL OR b.item_id IS NULL OR j.on_hand IS DISTINCT FROM b.on_hand
                LIMIT 100
                """)
            let balanceDifferences = differences.map { row in
                let sku = (try? row.string("sku")) ?? "?", location = (try? row.string("location")) ?? "?"
                let journal = (try? row.int("journal")) ?? 0, balance = (try? row.int("balance")) ?? 0
                if (try? row.int("no_journal")) == 1 {
                    return "\(sku) at \(location): a balance (\(balance)) exists where the journal never moved stock"
                }
                if (try? row.int("no_balance")) == 1 {
                    return "\(sku) at \(location): journal says \(journal), the balance is missing"
                }
                return "\(sku) at \(location): journal says \(journal), balance says \(balance)"
            }
            let balanceCount = try await row("SELECT COUNT(*) AS n FROM balances")?.integer("n") ?? 0

            var other: [String] = []
            let negative = try await row("SELECT COUNT(*) AS n FROM balances WHERE on_hand < 0")?.integer("n") ?? 0
            if negative > 0 { other.append("\(negative) balances are negative") }
            // The journal and the audit log refuse changes; new items reach the search index (an import sets that
            // trigger aside for its transaction and must put it back).
            if isPostgres { other += try await postgresTriggerProblems() }
            for (table, trigger, purpose) in isPostgres ? [] : [
                ("movements", "movements_no_update", "append-only"), ("movements", "movements_no_delete", "append-only"),
                ("movements", "movements_chained", "journal-chain"),
                ("audit", "audit_no_update", "append-only"), ("audit", "audit_no_delete", "append-only"),
                ("items", "items_fts_insert", "search-index")] {
                let found = try await row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = \(bind: trigger) AND tbl_name = \(bind: table)")
                guard let sql = try found?.string("sql") else {
                    other.append("the \(purpose) trigger \(trigger) on \(table) is missing")
                    continue
                }
                // A trigger of the right name that no longer refuses (`WHEN 0`, another body) is as good as missing.
                if let expected = Migrations.triggerDefinition(trigger), Migrations.words(sql) != Migrations.words(expected) {
                    other.append("the \(purpose) trigger \(trigger) on \(table) was changed from what the migrations created")
                }
            }

            let movements = try await verifyMovementChain()
            let audit = try await verifyAuditChain()
            let head = try await Store.chainHead(self.sql)
            var digestProblems: [String] = []
            if let digest { digestProblems = try await extends(digest) }
            return VerifyReport(integrity: integrity, balancesChecked: balanceCount, balanceDifferences: balanceDifferences,
                                movementsChecked: movements.checked, movementProblems: movements.problems,
                                auditEntriesChecked: audit.checked, auditProblems: audit.problems, otherProblems: other,
                                digestProblems: digestProblems, digest: head)
        }
    }

    /// Walks the journal in id order, a page at a time, recomputing each row's hash from its values and the stored
    /// hash of the row before. An altered row fails its own hash (later rows still chain to what is stored, so only
    /// it is named); a deleted row leaves a gap in the ids and the next row not following; an inserted row has no
    /// hash or a wrong one.
    private func verifyMovementChain() async throws -> (checked: Int, problems: [String]) {
        var problems: [String] = []
        var previous = ChainedMovement.genesis
        var expected: Int64 = 1
        var checked = 0
        var after = Int64.min
        while problems.count < Store.reportedProblems {
            let page = try await journalPage(after: after)
            guard let lastRow = page.last else { break }
            for row in page {
                let id = (Store.storedInt(row, "id") ?? nil) ?? 0
                let gap = id != expected
                if id < expected {
                    problems.append("movement #\(id) was inserted (journal ids start at 1)")
                } else if gap {
                    let missing = id - expected
                    problems.append(missing == 1 ? "movement #\(expected) is missing"
                                    : "movements #\(expected)–#\(id - 1) are missing (\(missing) rows)")
                }
                let stored = Store.storedBytes(row, "hash") ?? nil
                if let movement = Store.chainedMovement(row), let stored {
                    if Store.movementHash(movement, previous: previous) != stored {
                        problems.append(gap ? "movement #\(id) does not follow movement #\(expected - 1)" : "movement #\(id) was altered")
                    }
                } else if stored == nil {
                    problems.append("movement #\(id) was inserted outside the ledger (it has no chain hash)")
                } else {
                    problems.append("movement #\(id) was altered (a column holds a value the journal never writes)")
                }
                previous = stored ?? previous
                expected = max(expected, id + 1)
                checked += 1
            }
            after = (Store.storedInt(lastRow, "id") ?? nil) ?? 0
        }
        return (checked, Array(problems.prefix(Store.reportedProblems)))
    }

    /// Walks the audit chain a page at a time. Entries keep the hash rule they were written under; the rule may only
    /// move forward along the chain (an entry cannot be downgraded to the ambiguous first rule).
    private func verifyAuditChain() async throws -> (checked: Int, problems: [String]) {
        var problems: [String] = []
        var previous = AuditEntry.genesisHash
        var expected: Int64 = 1
        var checked = 0
        var newestFormat = AuditEntry.Format.joined
        var after = Int64.min
        while problems.count < Store.reportedProblems {
            let page = try await rows("SELECT * FROM audit WHERE seq > \(bind: after) ORDER BY seq LIMIT 5000")
            guard let lastRow = page.last else { break }
            for row in page {
                func text(_ name: String) -> String? { Store.storedText(row, name) ?? nil }
                let seq = (Store.storedInt(row, "seq") ?? nil) ?? 0
                if seq < expected {
                    problems.append("audit entry \(seq) was inserted (the log starts at 1)")
                } else if seq != expected {
                    problems.append(seq - expected == 1 ? "audit entry \(expected) is missing"
                                    : "audit entries \(expected)–\(seq - 1) are missing (\(seq - expected) entries)")
                }
                let prev = text("prev_hash") ?? ""
                if prev != previous { problems.append("audit entry \(seq) does not follow entry \(seq - 1)") }
                let stored = text("hash") ?? ""
                let number = Store.storedInt(row, "format") ?? nil
                if let number, let format = AuditEntry.Format(rawValue: Int(number)) {
                    if format < newestFormat { problems.append("audit entry \(seq) was altered (its hash rule went back to format \(number))") }
                    newestFormat = max(newestFormat, format)
                    let recomputed = Store.chainHash(
                        format: format, sequence: seq, at: (Store.storedInt(row, "at") ?? nil) ?? 0, actor: text("actor") ?? "",
                        source: text("source") ?? "", action: text("action") ?? "",
                        entity: text("entity") ?? "", before: text("before"),
                        after: text("after"), previousHash: prev)
                    if recomputed != stored { problems.append("audit entry \(seq) was altered (hash mismatch)") }
                } else {
                    problems.append("audit entry \(seq) was altered (unknown hash rule \(number.map(String.init) ?? "?"))")
                }
                previous = stored
                expected = max(expected, seq + 1)
                checked += 1
            }
            after = (Store.storedInt(lastRow, "seq") ?? nil) ?? 0
        }
        return (checked, Array(problems.prefix(Store.reportedProblems)))
    }

    /// Whether this store extends the history `digest` was taken of: the movement and the audit entry it names are
    /// still there with the same hashes (the chain walk proves everything before and after them).
    private func extends(_ digest: ChainDigest) async throws -> [String] {
        var problems: [String] = []
        let movement = digest.movements
        if movement.sequence > 0 {
            let found = try await row("SELECT hash FROM movements WHERE id = \(bind: movement.sequence)")
            if found == nil {
                problems.append("movement #\(movement.sequence) named by the digest is missing: the journal was truncated")
            } else if found.flatMap({ Store.storedBytes($0, "hash") ?? nil }).map(ChainDigest.hex) != movement.hash {
                problems.append("movement #\(movement.sequence) differs from the digest: the journal was rewritten")
            }
        } else if movement.hash != ChainDigest.hex(ChainedMovement.genesis) {
            problems.append("the digest's movement head is not a chain head (movements=0 needs the zero hash)")
        }
        let entry = digest.audit
        if entry.sequence > 0 {
            let found = try await row("SELECT hash FROM audit WHERE seq = \(bind: entry.sequence)")
            if found == nil {
                problems.append("audit entry \(entry.sequence) named by the digest is missing: the audit log was truncated")
            } else if found.flatMap({ Store.storedText($0, "hash") ?? nil }) != entry.hash {
                problems.append("audit entry \(entry.sequence) differs from the digest: the audit log was rewritten")
            }
        } else if entry.hash != AuditEntry.genesisHash {
            problems.append("the digest's audit head is not a chain head (audit=0 needs the zero hash)")
        }
        return problems
    }

    // MARK: - Backup

    /// Writes a consistent copy of the store to a new file at `destination` with `VACUUM INTO`, while others keep
    /// working, and returns the digest of what it wrote. The copy is made in a file this process creates (mode 0600,
    /// never through a link) next to the destination, then linked into place: `link` never replaces anything, so an
    /// existing file, a link (dangling or not) or the live store at `destination` is refused, never written through.
    @discardableResult
    public func backup(to destination: String, by actor: Actor) async throws -> ChainDigest {
        try actor.require(.administer)
        var info = stat()
        if lstat(destination, &info) == 0 {
            let link = (info.st_mode & S_IFMT) == S_IFLNK
            throw Failure(.alreadyExists, "backup: \(destination) already exists\(link ? " (a symbolic link; backups never follow links)" : ""); choose a new file name")
        }
        let folder = (destination as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard folder.isEmpty || (FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) && isFolder.boolValue) else {
            throw Failure(.notFound, "backup: the folder \(folder) does not exist")
        }
        let partial = (folder.isEmpty ? "" : folder + "/") + ".\((destination as NSString).lastPathComponent).partial-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        let descriptor = Glibc.open(partial, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(.storeFailure, "backup: cannot create a file in \(folder.isEmpty ? "." : folder): \(String(cString: strerror(errno)))")
        }
        Glibc.close(descriptor)
        defer { unlink(partial) }
        let digest: ChainDigest
        if isPostgres {
            // A PostgreSQL store is backed up as a SQLite file, through copy-store: portable, and `restore` takes it.
            unlink(partial)
            let copy = try await Store.open(path: partial, mode: .create, clock: clock)
            do {
                digest = try await self.copy(to: copy).destination
                await copy.close()
            } catch {
                await copy.close()
                for suffix in ["-wal", "-shm"] { unlink(partial + suffix) }
                throw error
            }
            for suffix in ["-wal", "-shm"] { unlink(partial + suffix) }
        } else {
            try await read { try await run("VACUUM INTO \(bind: partial)") }
            digest = try await Store.chainHead(ofFileAt: partial)
        }
        guard link(partial, destination) == 0 else {
            let problem = errno
            if problem == EEXIST { throw Failure(.alreadyExists, "backup: \(destination) already exists; choose a new file name") }
            throw Failure(.storeFailure, "backup: cannot create \(destination): \(String(cString: strerror(problem)))")
        }
        try await write { try await audit(actor, "store.backup", "store", after: "\(destination) \(digest)") }
        return digest
    }

    /// The chain heads of a store file no one else is writing (a backup just written), read without changing it.
    static func chainHead(ofFileAt path: String) async throws -> ChainDigest {
        let connection = try await openSQLiteConnection(path)
        do {
            let digest = try await Store.chainHead(connection.sql())
            try await connection.close()
            return digest
        } catch {
            try? await connection.close()
            throw error
        }
    }

    // MARK: - Restore

    /// Readies the current store to be replaced: its write-ahead log is written into the file and emptied. Refused
    /// while another process has the store open, since replacing the file under it would lose its work.
    public func prepareForReplacement(by actor: Actor) async throws {
        try actor.require(.administer)
        guard !isPostgres else {
            throw Failure(.usage, "restore works on a SQLite file; to fill a PostgreSQL store from a backup use copy-store")
        }
        try await exclusive {
            if try await row("PRAGMA wal_checkpoint(TRUNCATE)")?.integer("busy") ?? 0 != 0 {
                throw Failure(.busy, "restore: another session has \(path) open; close the consoles and servers using it first")
            }
        }
    }

    /// Who may restore into `target`: an administrator of the store there, once its log is checkpointed (refused while
    /// another session holds it); or, where there is no store yet (a new machine), whoever restores, as an
    /// administrator, recorded in the restored store's audit log.
    public static func restoringActor(for target: String, user name: String) async throws -> Actor {
        let target = try requireFile(target, for: "restore")
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
        let target = try requireFile(target, for: "restore")
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
                            + report.movementProblems.prefix(3).map(Optional.some) + report.auditProblems.prefix(3).map(Optional.some)
                            + report.otherProblems.prefix(3).map(Optional.some)).compactMap { $0 }
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
        /// "SQLite" or "PostgreSQL".
        public var engine: String
        public var sqliteVersion: String
        /// The PostgreSQL server's version; nil on SQLite.
        public var serverVersion: String?
        public var schemaVersion: Int
        public var pragmas: [String: String]
        public var counts: [String: Int]
        public var fileBytes: Int64
        public var walBytes: Int64
    }

    /// The SQLite version, the pragmas in force and counts of everything, for an admin: it shows the store's path and
    /// versions, which are no one else's business.
    public func diagnose(by actor: Actor) async throws -> Diagnosis {
        try actor.require(.administer)
        return try await diagnose()
    }

    /// The diagnosis without a permission check, for the benchmarks and tests of this package.
    package func diagnose() async throws -> Diagnosis {
        try await read {
            var pragmas: [String: String] = [:]
            var serverVersion: String?
            if isPostgres {
                // The settings that decide durability and what a session sees, as SQLite's pragmas do.
                for name in ["server_version", "synchronous_commit", "fsync", "default_transaction_isolation", "data_checksums",
                             "wal_level", "max_connections", "server_encoding", "lc_collate"] {
                    pragmas[name] = try await row("SELECT current_setting(\(bind: name)) AS v")?.string("v") ?? "?"
                }
                serverVersion = pragmas["server_version"]
            } else {
                for name in ["journal_mode", "synchronous", "foreign_keys", "busy_timeout", "page_size", "page_count",
                             "freelist_count", "wal_autocheckpoint", "cache_size", "auto_vacuum"] {
                    let row = try await sqliteConnection?.query("PRAGMA \(name)").first
                    pragmas[name] = row.flatMap { r in r.columns.first.map { $0.data.description } } ?? "?"
                }
            }
            var counts: [String: Int] = [:]
            for table in ["items", "locations", "balances", "movements", "holds", "incoming", "price_lists", "list_prices",
                          "price_rules", "contract_prices", "accounts", "users", "requests", "request_events", "audit"] {
                counts[table] = try await row("SELECT COUNT(*) AS n FROM \(unsafeRaw: table)")?.integer("n") ?? 0
            }
            counts["holds_active"] = try await row(
                "SELECT COUNT(*) AS n FROM holds WHERE released_at IS NULL AND expires_at > \(bind: UTC.seconds(now))")?.integer("n") ?? 0
            let version = try await row("SELECT MAX(version) AS v FROM schema_migrations")?.integer("v") ?? 0
            func size(_ file: String) -> Int64 {
                ((try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber)?.int64Value ?? 0
            }
            return Diagnosis(path: path, engine: engineName, sqliteVersion: SQLiteConnection.libraryVersionString(),
                             serverVersion: serverVersion, schemaVersion: version,
                             pragmas: pragmas, counts: counts, fileBytes: size(path), walBytes: size(path + "-wal"))
        }
    }

    /// The engine the store is on and its version, for anyone (`backoffice --version`): the SQLite library's, or the
    /// PostgreSQL server's as it reports it.
    public func engineVersion() async throws -> String {
        guard isPostgres else { return "SQLite \(Store.sqliteVersion.text)" }
        let version = try await read { try await row("SHOW server_version")?.string("server_version") ?? "?" }
        return "PostgreSQL \(version)"
    }

    /// The version of the SQLite library the store runs on.
    public static var sqliteVersion: (number: Int, text: String) {
        (Int(SQLiteConnection.libraryVersion()), SQLiteConnection.libraryVersionString())
    }
}
