import BackOfficeCore
import Foundation
import SQLKit

extension Store {
    // MARK: - Stock

    /// The item and its stock, in one statement.
    public func stock(sku: String, by actor: Actor) async throws -> StockAnswer {
        try actor.require(.viewStock)
        return try await read {
            guard let found = try await itemStock(sku: sku) else { throw Failure.notFound("item", sku) }
            return found.answer.visible(to: actor.user)
        }
    }

    /// The item a query names (SKU or best match) with its stock.
    public func stock(query: String, by actor: Actor) async throws -> StockAnswer {
        try actor.require(.viewStock)
        return try await read { try await stockAnswer(try await bestMatch(query)).visible(to: actor.user) }
    }

    func stockAnswer(_ item: Item) async throws -> StockAnswer {
        try await itemStock("i.id = \(bind: item.id)")?.answer ?? StockAnswer(item: item, lines: [])
    }

    /// For bench's scale only: the statement the sqlite3 shell runs to read an item's stock per location, the floor a
    /// process opening the file can reach (the SKU is a bench sample, quoted as a SQL literal).
    public static func shellStockQuery(sku: String) -> String {
        """
        SELECT l.code, COALESCE(b.on_hand, 0) FROM items i CROSS JOIN locations l
        LEFT JOIN balances b ON b.item_id = i.id AND b.location_id = l.id
        WHERE i.sku = '\(sku.replacingOccurrences(of: "'", with: "''"))' ORDER BY l.sellable DESC, l.code;
        """
    }

    /// An item with its position at each location, read in one statement so the item, its stock and the locations
    /// agree on either engine, and a post costs one round trip for all three while it holds the write lock.
    struct ItemStock {
        struct Line {
            var location: Location
            var position: StockPosition
            var hasBalance: Bool
            var nextReceipt: Day?
        }

        var item: Item
        /// Every location in the answer's order (sellable first, then by code), or only those asked for.
        var lines: [Line]

        /// The lines with stock, holds or receipts expected.
        var answer: StockAnswer {
            StockAnswer(item: item, lines: lines.compactMap { line in
                guard line.hasBalance || line.position.reserved != 0 || line.position.incoming != 0 else { return nil }
                return StockAnswer.Line(location: line.location.code, locationName: line.location.name,
                                        sellable: line.location.sellable, position: line.position, nextReceipt: line.nextReceipt)
            })
        }
    }

    /// The item with this SKU and its stock at every location, or at the locations `codes` name; nil when there is
    /// no such item.
    func itemStock(sku: String, at codes: [String]? = nil) async throws -> ItemStock? {
        if let found = try await itemStock("i.sku = \(bind: sku)", at: codes) { return found }
        // No rows: no such item, or no location to show it at.
        return try await findItem(sku: sku).map { ItemStock(item: $0, lines: []) }
    }

    private func itemStock(_ item: SQLQueryString, at codes: [String]? = nil) async throws -> ItemStock? {
        let nowSeconds = UTC.seconds(now)
        var query: SQLQueryString = """
            SELECT \(unsafeRaw: Store.itemColumns),
                   l.id AS location_id, l.code AS location_code, l.name AS location_name, l.sellable AS location_sellable,
                   COALESCE(b.on_hand, 0) AS on_hand, CASE WHEN b.on_hand IS NOT NULL THEN 1 ELSE 0 END AS has_balance,
                   (SELECT CAST(COALESCE(SUM(h.quantity), 0) AS BIGINT) FROM holds h
                     WHERE h.item_id = i.id AND h.location_id = l.id AND h.released_at IS NULL
                       AND h.expires_at > \(bind: nowSeconds)) AS reserved,
                   (SELECT CAST(COALESCE(SUM(x.quantity), 0) AS BIGINT) FROM incoming x
                     WHERE x.item_id = i.id AND x.location_id = l.id AND x.quantity > 0) AS incoming,
                   (SELECT MIN(x.due) FROM incoming x WHERE x.item_id = i.id AND x.location_id = l.id AND x.quantity > 0) AS next_due
            FROM items i CROSS JOIN locations l
            LEFT JOIN balances b ON b.item_id = i.id AND b.location_id = l.id
            WHERE \(item)
            """
        if let codes { query += " AND l.code IN (\(binds: Array(Set(codes.map { $0.lowercased() }))))" }
        query += " ORDER BY l.sellable DESC, l.code"
        let found = try await rows(query)
        guard let first = found.first else { return nil }
        return ItemStock(item: try Store.item(first), lines: try found.map { row in
            ItemStock.Line(location: Location(id: try row.int("location_id"), code: try row.string("location_code"),
                                              name: try row.string("location_name"), sellable: try row.bool("location_sellable")),
                           position: StockPosition(onHand: try row.integer("on_hand"), reserved: try row.integer("reserved"),
                                                   incoming: try row.integer("incoming")),
                           hasBalance: try row.integer("has_balance") != 0, nextReceipt: try row.optionalDay("next_due"))
        })
    }

    /// When `quantity` units of `sku` are available to promise at the sellable locations, or at `location`: stock
    /// available now, active holds by the day they expire, and expected receipts by due day, read in one transaction.
    /// A salesperson may not ask about a location that is not sellable (it is not found, as in `stock`).
    public func promise(sku: String, quantity: Int, at location: String? = nil, includeOverdue: Bool = false,
                        by actor: Actor) async throws -> AvailableToPromise.Answer {
        try actor.require(.viewStock)
        guard quantity > 0 else { throw Failure(.invalidInput, "quantity: \(quantity) must be at least 1") }
        return try await read {
            guard let found = try await itemStock(sku: sku, at: location.map { [$0] }) else { throw Failure.notFound("item", sku) }
            return try await promiseAnswer(found, quantity: quantity, at: location, includeOverdue: includeOverdue, for: actor.user)
        }
    }

    /// Every active item whose projected stock (available plus on order) at the sellable locations, or at `location`,
    /// is below its reorder point, with the quantity to order (`Reorder.suggestion`) and the next receipt already on
    /// order; in SKU order. Stock in a location that is not sellable (quarantine) cannot be sold, so it does not count.
    public func reorderSuggestions(at location: String? = nil, by actor: Actor) async throws -> [ReorderLine] {
        try actor.require(.viewStock)
        return try await read {
            let places: SQLQueryString
            if let location {
                let found = try await requireLocation(location)
                if !found.sellable { try actor.require(.viewUnsellableStock) }
                places = "l.id = \(bind: found.id)"
            } else {
                places = "l.sellable = 1"
            }
            let found = try await rows("""
                SELECT \(unsafeRaw: Store.itemColumns), COALESCE(b.on_hand, 0) AS on_hand, COALESCE(h.reserved, 0) AS reserved,
                       COALESCE(x.incoming, 0) AS incoming, x.next_due,
                       (SELECT MIN(r.ref) FROM incoming r JOIN locations l ON l.id = r.location_id
                         WHERE r.item_id = i.id AND r.quantity > 0 AND r.due = x.next_due AND \(places)) AS next_ref
                FROM items i
                LEFT JOIN (SELECT bb.item_id, CAST(SUM(bb.on_hand) AS BIGINT) AS on_hand FROM balances bb
                           JOIN locations l ON l.id = bb.location_id WHERE \(places) GROUP BY bb.item_id) b ON b.item_id = i.id
                LEFT JOIN (SELECT hh.item_id, CAST(SUM(hh.quantity) AS BIGINT) AS reserved FROM holds hh
                           JOIN locations l ON l.id = hh.location_id
                           WHERE hh.released_at IS NULL AND hh.expires_at > \(bind: UTC.seconds(now)) AND \(places)
                           GROUP BY hh.item_id) h ON h.item_id = i.id
                LEFT JOIN (SELECT xx.item_id, CAST(SUM(xx.quantity) AS BIGINT) AS incoming, MIN(xx.due) AS next_due FROM incoming xx
                           JOIN locations l ON l.id = xx.location_id WHERE xx.quantity > 0 AND \(places)
                           GROUP BY xx.item_id) x ON x.item_id = i.id
                WHERE i.active = 1 AND i.reorder_point > 0
                  AND COALESCE(b.on_hand, 0) - COALESCE(h.reserved, 0) + COALESCE(x.incoming, 0) < i.reorder_point
                ORDER BY i.sku
                """)
            return try found.compactMap { row -> ReorderLine? in
                let item = try Store.item(row).visible(to: actor.user)
                let onHand = try row.integer("on_hand"), available = onHand - (try row.integer("reserved"))
                let incoming = try row.integer("incoming")
                guard let suggested = Reorder.suggestion(for: item, projected: available + incoming) else { return nil }
                return ReorderLine(item: item, onHand: onHand, available: available, incoming: incoming, suggested: suggested,
                                   nextReceipt: try row.optionalDay("next_due"), nextReference: try row.optionalString("next_ref"))
            }
        }
    }

    /// The answer within the transaction in progress, as `user` may see it, from the item's stock already read (at
    /// every location, or at `location` alone): only the dated events, holds and receipts, are read here.
    func promiseAnswer(_ found: ItemStock, quantity: Int, at location: String?, includeOverdue: Bool,
                       for user: User) async throws -> AvailableToPromise.Answer {
        let today = Day(now)
        let lines = found.lines.filter { location != nil || $0.location.sellable }
        if let location {
            guard let line = lines.first, line.location.sellable || user.may(.viewUnsellableStock) else {
                throw Failure.notFound("location", location)
            }
        }
        let ids = lines.map(\.location.id)
        var available: [String: Int] = [:]
        for line in lines where line.position.available != 0 { available[line.location.code] = line.position.available }
        guard !ids.isEmpty else {
            return AvailableToPromise.answer(sku: found.item.sku, quantity: quantity, input: .init(available: [:], holds: [], receipts: []),
                                             today: today, includeOverdue: includeOverdue)
        }
        let holds = try await rows("""
            SELECT h.id, l.code, h.quantity, h.expires_at FROM holds h JOIN locations l ON l.id = h.location_id
            WHERE h.item_id = \(bind: found.item.id) AND h.location_id IN (\(binds: ids)) AND h.released_at IS NULL
              AND h.expires_at > \(bind: UTC.seconds(now))
            """).map { row in
            AvailableToPromise.Input.Hold(id: try row.int("id"), location: try row.string("code"), quantity: try row.integer("quantity"),
                                          expires: Day(try row.date("expires_at")))
        }
        let receipts = try await rows("""
            SELECT l.code, x.quantity, x.due, x.ref FROM incoming x JOIN locations l ON l.id = x.location_id
            WHERE x.item_id = \(bind: found.item.id) AND x.location_id IN (\(binds: ids)) AND x.quantity > 0
            """).map { row in
            AvailableToPromise.Input.Receipt(location: try row.string("code"), quantity: try row.integer("quantity"),
                                             due: try Day.parse(try row.string("due")), reference: try row.string("ref"))
        }
        return AvailableToPromise.answer(sku: found.item.sku, quantity: quantity,
                                         input: .init(available: available, holds: holds, receipts: receipts),
                                         today: today, includeOverdue: includeOverdue)
    }

    /// An item at a location.
    struct Place: Hashable {
        var item: Int64
        var location: Int64

        init(item: Int64, location: Int64) {
            self.item = item
            self.location = location
        }

        init(_ row: any SQLRow) throws {
            self.init(item: try row.int("item_id"), location: try row.int("location_id"))
        }
    }

    /// The positions of items at every location where they have stock, active holds or open expected receipts, a
    /// statement per 900 items.
    func positions(itemIDs: [Int64]) async throws -> [Place: StockPosition] {
        var positions: [Place: StockPosition] = [:]
        for slice in itemIDs.chunks(of: 900) {
            let ids = Array(slice)
            let found = try await rows("""
                SELECT item_id, location_id, CAST(SUM(on_hand) AS BIGINT) AS on_hand, CAST(SUM(reserved) AS BIGINT) AS reserved,
                       CAST(SUM(incoming) AS BIGINT) AS incoming FROM (
                    SELECT item_id, location_id, on_hand, 0 AS reserved, 0 AS incoming FROM balances WHERE item_id IN (\(binds: ids))
                    UNION ALL
                    SELECT item_id, location_id, 0, quantity, 0 FROM holds
                    WHERE item_id IN (\(binds: ids)) AND released_at IS NULL AND expires_at > \(bind: UTC.seconds(now))
                    UNION ALL
                    SELECT item_id, location_id, 0, 0, quantity FROM incoming WHERE item_id IN (\(binds: ids)) AND quantity > 0
                ) AS stock GROUP BY item_id, location_id
                """)
            for row in found {
                positions[try Place(row)] = StockPosition(onHand: try row.integer("on_hand"), reserved: try row.integer("reserved"),
                                                          incoming: try row.integer("incoming"))
            }
        }
        return positions
    }

    // MARK: - Posting

    /// Posts a movement: checks it against the ledger rules, appends it to the journal, updates the balances, takes
    /// a matching purchase order off what is expected, and writes the audit entry — in one transaction.
    public func post(_ movement: Movement, sku: String, reference: String? = nil, by actor: Actor) async throws -> PostedMovement {
        try actor.require(.postMovements)
        let reference = try Validate.reference(reference)
        let (entry, item) = try await write { try await postWithinTransaction(movement, sku: sku, reference: reference, by: actor) }
        // The stock is read once the write lock is let go: the lock is held for as little as the post needs.
        let stock = try await read { try await stockAnswer(item).visible(to: actor.user) }
        return PostedMovement(entry: entry, stock: stock)
    }

    /// The body of `post`, inside its write transaction: the journal entry written and the item it moved.
    func postWithinTransaction(_ movement: Movement, sku: String, reference: String?,
                               by actor: Actor) async throws -> (entry: JournalEntry, item: Item) {
        guard let found = try await itemStock(sku: sku, at: movement.locations) else { throw Failure.notFound("item", sku) }
        let item = found.item
        try Ledger.checkItemAccepts(movement.kind, item: item)
        var locations: [String: Location] = [:]
        var positions: [String: StockPosition] = [:]
        for line in found.lines {
            locations[line.location.code.lowercased()] = line.location
            positions[line.location.code.lowercased()] = line.position
        }
        if let missing = movement.locations.first(where: { locations[$0.lowercased()] == nil }) {
            throw Failure.notFound("location", missing)
        }
        let effects = try Ledger.effects(of: movement, sku: item.sku) { positions[$0.lowercased()] ?? StockPosition() }
        let at = UTC.seconds(now)
        let heads = try await chainHeads()
        let entry = try await append(movement, item: item, locations: locations, effects: effects, reference: reference,
                                     actor: actor.auditName, source: actor.auditSource, at: at, after: heads)
        // Nothing expected there (the position says so): no purchase order to take the receipt off.
        if case let .receipt(quantity, to) = movement, let reference, let location = locations[to.lowercased()],
           positions[to.lowercased()]?.incoming ?? 0 > 0 {
            try await receiveAgainstExpected(quantity, reference: reference, item: item, location: location)
        }
        try await audit(actor, [Store.movementNote(movement.kind, sku: item.sku, id: entry.id, effects: effects, reference: reference) {
            positions[$0.lowercased()]?.onHand ?? 0
        }], after: heads)
        return (entry, item)
    }

    /// The audit entry of a posted movement: on hand before and after at each location it touched.
    static func movementNote(_ kind: MovementKind, sku: String, id: Int64, effects: [LedgerEffect], reference: String?,
                             onHand: (String) -> Int) -> AuditNote {
        let before = effects.map { "\($0.location.uppercased()) \(onHand($0.location))" }
        let after = effects.map { "\($0.location.uppercased()) \(onHand($0.location) + $0.delta)" }
        return AuditNote(action: "movement.\(kind.rawValue)", entity: "item \(sku) movement \(id)",
                         before: "on hand " + before.joined(separator: ", "),
                         after: "on hand " + after.joined(separator: ", ") + (reference.map { " ref \($0)" } ?? ""))
    }

    /// Appends one journal row and applies its effects to the balances (inside a write transaction).
    func append(_ movement: Movement, item: Item, locations: [String: Location], effects: [LedgerEffect],
                reference: String?, actor: String, source: String, at: Int64, after heads: ChainHeads? = nil) async throws -> JournalEntry {
        let (from, to, quantity, counted, reason) = Store.journalColumns(movement, effects: effects)
        guard let fromLocation = locations[from.lowercased()] else { throw Failure.notFound("location", from) }
        let toLocation = to.flatMap { locations[$0.lowercased()] }
        let ids = try await appendToJournal([ChainedMovement(
            id: 0, kind: movement.kind.rawValue, itemID: item.id, locationID: fromLocation.id, toLocationID: toLocation?.id,
            sku: item.sku, location: fromLocation.code, toLocation: toLocation?.code, quantity: Int64(quantity), counted: counted.map(Int64.init), reason: reason,
            reference: reference.flatMap { $0.isEmpty ? nil : $0 }, actor: actor, source: source, at: at)], after: heads)
        guard let id = ids.first else { throw Failure(.storeFailure, "the journal did not take the movement") }
        try await applyBalanceChanges(effects.compactMap { effect in
            locations[effect.location.lowercased()].map { (Place(item: item.id, location: $0.id), effect.delta) }
        })
        return JournalEntry(id: id, kind: movement.kind, sku: item.sku, location: fromLocation.code, toLocation: toLocation?.code,
                            quantity: quantity, counted: counted, reason: reason, reference: reference, actor: actor,
                            source: source, at: UTC.date(at))
    }

    /// Applies changes to on-hand balances, a statement per 300 increases and per 300 decreases (the ledger has made
    /// sure there is stock to take). A decrease is an UPDATE: SQLite checks the row an upsert proposes, negative on
    /// hand included, before it resolves the conflict. An increase may be the first stock there.
    func applyBalanceChanges(_ changes: [(place: Place, delta: Int)]) async throws {
        func values(_ slice: ArraySlice<(place: Place, delta: Int)>) -> SQLQueryString {
            Store.valuesList(slice.map { [$0.place.item, $0.place.location, $0.delta] as [Value] })
        }
        for slice in changes.filter({ $0.delta >= 0 }).chunks(of: 300) {
            try await run("""
                INSERT INTO balances AS b (item_id, location_id, on_hand) VALUES \(values(slice))
                ON CONFLICT (item_id, location_id) DO UPDATE SET on_hand = b.on_hand + excluded.on_hand
                """)
        }
        for slice in changes.filter({ $0.delta < 0 }).chunks(of: 300) {
            try await run("""
                UPDATE balances SET on_hand = on_hand + change.column3
                FROM (VALUES \(values(slice))) AS change
                WHERE balances.item_id = change.column1 AND balances.location_id = change.column2
                """)
        }
    }

    /// How a movement is written in the journal: its first location, the destination of a transfer, the quantity
    /// (moved, or the signed change an adjustment or count posted), the counted quantity and the reason code.
    static func journalColumns(_ movement: Movement, effects: [LedgerEffect])
        -> (from: String, to: String?, quantity: Int, counted: Int?, reason: String?) {
        switch movement {
        case let .receipt(q, at), let .issue(q, at): (at, nil, q, nil, nil)
        case let .transfer(q, from, to): (from, to, q, nil, nil)
        case let .adjustment(delta, at, reason): (at, nil, delta, nil, reason.uppercased())
        case let .count(counted, at): (at, nil, effects.first?.delta ?? 0, counted, nil)
        }
    }

    /// Takes a receipt off the expected receipts of the item there, the matching reference first.
    func receiveAgainstExpected(_ quantity: Int, reference: String, item: Item, location: Location) async throws {
        let open = try await rows("""
            SELECT x.id, x.quantity, x.due, x.ref FROM incoming x
            WHERE x.item_id = \(bind: item.id) AND x.location_id = \(bind: location.id) AND x.quantity > 0
            """).map { row in
            ExpectedReceipt(id: try row.int("id"), sku: item.sku, location: location.code, quantity: try row.integer("quantity"),
                            due: try Day.parse(try row.string("due")), reference: try row.string("ref"))
        }
        for (id, remaining) in ExpectedReceipt.receiving(quantity, reference: reference, against: open) {
            try await run("UPDATE incoming SET quantity = \(bind: remaining) WHERE id = \(bind: id)")
        }
    }

    // MARK: - Journal

    static let journalSelect = """
        SELECT m.id, m.kind, i.sku, l.code AS location, t.code AS to_location, m.quantity, m.counted, m.reason, m.ref,
               m.actor, m.source, m.at
        FROM movements m JOIN items i ON i.id = m.item_id JOIN locations l ON l.id = m.location_id
        LEFT JOIN locations t ON t.id = m.to_location_id
        """

    static func journalEntry(_ row: any SQLRow) throws -> JournalEntry {
        JournalEntry(id: try row.int("id"), kind: MovementKind(rawValue: try row.string("kind")) ?? .adjustment,
                     sku: try row.string("sku"), location: try row.string("location"), toLocation: try row.optionalString("to_location"),
                     quantity: try row.integer("quantity"), counted: try row.optionalInt("counted").map(Int.init),
                     reason: try row.optionalString("reason"), reference: try row.optionalString("ref"),
                     actor: try row.string("actor"), source: try row.string("source"), at: try row.date("at"))
    }

    /// An item's movements, newest first, a page at a time.
    public func movements(sku: String, limit: Int = 20, before id: Int64 = .max, by actor: Actor) async throws -> [JournalEntry] {
        try actor.require(.viewStock)
        return try await read { try await journal(of: try await requireItem(sku: sku), limit: limit, before: id, for: actor.user) }
    }

    func journal(of item: Item, limit: Int, before id: Int64 = .max, for user: User) async throws -> [JournalEntry] {
        // Sales never learns of stock where it may not sell: not even that a movement happened there.
        let visible: SQLQueryString = user.may(.viewUnsellableStock) ? ""
            : " AND l.sellable = 1 AND (t.id IS NULL OR t.sellable = 1)"
        return try await rows("""
            \(unsafeRaw: Store.journalSelect) WHERE m.item_id = \(bind: item.id) AND m.id < \(bind: id)\(visible)
            ORDER BY m.at DESC, m.id DESC LIMIT \(bind: max(1, min(limit, 1_000)))
            """).map(Store.journalEntry)
    }

    /// What the console shows of an item: its stock, its latest movements and its stock over the last `days` days,
    /// read together so that the three agree.
    public func itemDetail(sku: String, movements limit: Int = 12, days: Int = 90, by actor: Actor) async throws -> ItemDetail {
        try actor.require(.viewStock)
        return try await snapshot {
            let item = try await requireItem(sku: sku)
            return ItemDetail(stock: try await stockAnswer(item).visible(to: actor.user),
                              movements: try await journal(of: item, limit: limit, for: actor.user),
                              history: try await history(of: item, days: days, for: actor.user))
        }
    }

    /// On hand at the end of each of the last `days` days, from the journal (for the stock-level sparkline).
    public func stockHistory(sku: String, days: Int = 90, by actor: Actor) async throws -> [Int] {
        try actor.require(.viewStock)
        return try await read { try await history(of: try await requireItem(sku: sku), days: days, for: actor.user) }
    }

    func history(of item: Item, days: Int, for user: User) async throws -> [Int] {
        let today = Day(now)
        let start = today.adding(days: -(days - 1))
        // Each location counts when the user may see it, so a salesperson's line is the sellable stock only
        // (a transfer out of quarantine shows as stock arriving).
        let all = user.may(.viewUnsellableStock) ? 1 : 0
        let found = try await rows("""
            SELECT m.at / 86400 AS day,
                   CAST(SUM(CASE m.kind WHEN 'issue' THEN -m.quantity * l.shown
                                        WHEN 'transfer' THEN m.quantity * (COALESCE(t.shown, 0) - l.shown)
                                        ELSE m.quantity * l.shown END) AS BIGINT) AS delta
            FROM movements m
            JOIN (SELECT id, CASE WHEN sellable = 1 OR \(bind: all) = 1 THEN 1 ELSE 0 END AS shown FROM locations) l ON l.id = m.location_id
            LEFT JOIN (SELECT id, CASE WHEN sellable = 1 OR \(bind: all) = 1 THEN 1 ELSE 0 END AS shown FROM locations) t
                ON t.id = m.to_location_id
            WHERE m.item_id = \(bind: item.id) GROUP BY m.at / 86400 ORDER BY day
            """)
        var level = 0
        var perDay = Array(repeating: 0, count: days)
        var index = 0
        for row in found {
            let day = try row.integer("day")
            while index < days && start.ordinal + index < day { perDay[index] = level; index += 1 }
            level += try row.integer("delta")
        }
        while index < days { perDay[index] = level; index += 1 }
        return perDay
    }

    // MARK: - Holds

    static let holdSelect = """
        SELECT h.id, i.sku, l.code AS location, a.code AS account, h.quantity, h.owner, h.created_at, h.expires_at,
               h.released_at, h.released_by
        FROM holds h JOIN items i ON i.id = h.item_id JOIN locations l ON l.id = h.location_id JOIN accounts a ON a.id = h.account_id
        """

    static func hold(_ row: any SQLRow) throws -> Hold {
        Hold(id: try row.int("id"), sku: try row.string("sku"), location: try row.string("location"), account: try row.string("account"),
             quantity: try row.integer("quantity"), owner: try row.string("owner"), createdAt: try row.date("created_at"),
             expiresAt: try row.date("expires_at"), releasedAt: try row.optionalDate("released_at"),
             releasedBy: try row.optionalString("released_by"))
    }

    /// Reserves stock for an account until `expiresAt`; refused when it would take more than is available.
    public func placeHold(sku: String, quantity: Int, location code: String, account accountCode: String,
                          expiresAt: Date?, by actor: Actor) async throws -> Hold {
        try actor.require(.placeHolds)
        return try await write {
            // The item, the location and the position there in one statement, as a post reads them.
            guard let found = try await itemStock(sku: sku, at: [code]) else { throw Failure.notFound("item", sku) }
            guard let line = found.lines.first else { throw Failure.notFound("location", code) }
            let (item, location, position) = (found.item, line.location, line.position)
            let account = try await requireAccount(accountCode)
            if !location.sellable { try actor.require(.viewUnsellableStock) }
            let expiry = expiresAt ?? now.addingTimeInterval(Hold.defaultDuration)
            try Hold.checkExpiry(expiry, now: now)
            try Ledger.checkHold(quantity: quantity, sku: item.sku, location: location.code, position: position)
            let id = try await insertReturningID("""
                INSERT INTO holds (item_id, location_id, account_id, quantity, owner, created_at, expires_at)
                VALUES (\(bind: item.id), \(bind: location.id), \(bind: account.id), \(bind: quantity), \(bind: actor.user.name),
                        \(bind: UTC.seconds(now)), \(bind: UTC.seconds(expiry)))
                """)
            try await audit(actor, "hold.add", "hold \(id) item \(item.sku)",
                            after: "\(quantity) at \(location.code) for \(account.code) until \(UTC.iso(expiry))")
            return try await requireHold(id)
        }
    }

    func requireHold(_ id: Int64) async throws -> Hold {
        guard let hold = try await row("\(unsafeRaw: Store.holdSelect) WHERE h.id = \(bind: id)").map(Store.hold) else {
            throw Failure.notFound("hold", String(id))
        }
        return hold
    }

    public func releaseHold(_ id: Int64, by actor: Actor) async throws -> Hold {
        try actor.require(.placeHolds)
        return try await write {
            let hold = try await requireHold(id)
            guard Hold.mayRelease(hold, by: actor.user) else {
                throw Failure(.permissionDenied, "permission denied: hold \(id) belongs to \(hold.owner)")
            }
            guard hold.releasedAt == nil else { throw Failure(.conflict, "hold \(id) was already released") }
            try await run("UPDATE holds SET released_at = \(bind: UTC.seconds(now)), released_by = \(bind: actor.user.name) WHERE id = \(bind: id)")
            try await audit(actor, "hold.release", "hold \(id) item \(hold.sku)", before: "\(hold.quantity) at \(hold.location)", after: "released")
            return try await requireHold(id)
        }
    }

    /// Holds, newest first. Sales sees its own; `activeOnly` leaves out released and expired ones.
    public func holds(sku: String? = nil, account: String? = nil, activeOnly: Bool = true, limit: Int = 100,
                      by actor: Actor) async throws -> [Hold] {
        try actor.require(.viewStock)
        return try await read {
            var query: SQLQueryString = "\(unsafeRaw: Store.holdSelect) WHERE 1 = 1"
            if let sku { query += " AND i.sku = \(bind: sku)" }
            if let account { query += " AND a.code = \(bind: account)" }
            if activeOnly { query += " AND h.released_at IS NULL AND h.expires_at > \(bind: UTC.seconds(now))" }
            if !actor.user.may(.releaseAnyHold) { query += " AND h.owner = \(bind: actor.user.name)" }
            query += " ORDER BY h.id DESC LIMIT \(bind: max(1, min(limit, 1_000)))"
            return try await rows(query).map(Store.hold)
        }
    }

    // MARK: - Expected receipts

    public func expectReceipt(sku: String, quantity: Int, location code: String, due: Day, reference: String,
                              by actor: Actor) async throws -> ExpectedReceipt {
        try actor.require(.postMovements)
        _ = try Validate.quantity(quantity)
        let reference = try Validate.code(reference, field: "ref")
        try ExpectedReceipt.checkDue(due, today: Day(now))
        return try await write {
            let item = try await requireItem(sku: sku)
            let location = try await requireLocation(code)
            let id = try await insertReturningID("""
                INSERT INTO incoming (item_id, location_id, quantity, due, ref, created_at)
                VALUES (\(bind: item.id), \(bind: location.id), \(bind: quantity), \(bind: due.description), \(bind: reference), \(bind: UTC.seconds(now)))
                """)
            try await audit(actor, "incoming.add", "item \(item.sku)", after: "\(quantity) to \(location.code) due \(due) ref \(reference)")
            return ExpectedReceipt(id: id, sku: item.sku, location: location.code, quantity: quantity, due: due, reference: reference)
        }
    }

    public func expectedReceipts(sku: String? = nil, limit: Int = 100, by actor: Actor) async throws -> [ExpectedReceipt] {
        try actor.require(.viewStock)
        return try await read {
            var query: SQLQueryString = """
                SELECT x.id, i.sku, l.code AS location, x.quantity, x.due, x.ref FROM incoming x
                JOIN items i ON i.id = x.item_id JOIN locations l ON l.id = x.location_id WHERE x.quantity > 0
                """
            if let sku { query += " AND i.sku = \(bind: sku)" }
            if !actor.user.may(.viewUnsellableStock) { query += " AND l.sellable = 1" }
            query += " ORDER BY x.due, x.id LIMIT \(bind: max(1, min(limit, 1_000)))"
            return try await rows(query).map { row in
                ExpectedReceipt(id: try row.int("id"), sku: try row.string("sku"), location: try row.string("location"),
                                quantity: try row.integer("quantity"), due: try Day.parse(try row.string("due")), reference: try row.string("ref"))
            }
        }
    }
}
