import BackOfficeCore
import Foundation
import SQLKit

extension Store {
    /// Starts a count at a location (optionally of one category), snapshotting the books' on-hand for every item there.
    public func startCount(location code: String, category: String? = nil, by actor: Actor) async throws -> CountSession {
        try actor.require(.postMovements)
        let category = try category.map { try Validate.category($0) } ?? ""
        return try await write {
            let location = try await requireLocation(code)
            let id = try await insertReturningID("""
                INSERT INTO count_sessions (location_id, category, state, created_by, created_at)
                VALUES (\(bind: location.id), \(bind: category), 'open', \(bind: actor.user.name), \(bind: UTC.seconds(now)))
                """)
            let scope: SQLQueryString = category.isEmpty ? "" : " AND \(Store.inCategory(category))"
            try await run("""
                INSERT INTO count_lines (session_id, item_id, expected)
                SELECT \(bind: id), b.item_id, b.on_hand FROM balances b JOIN items i ON i.id = b.item_id
                WHERE b.location_id = \(bind: location.id) AND b.on_hand > 0\(scope)
                """)
            try await audit(actor, "count.start", "count \(id)", after: "\(location.code) \(category)")
            return try await requireCount(id)
        }
    }

    /// Records a counted quantity (a scanner typing SKU and Enter counts one each time: `add` adds to what is there).
    /// An item the session did not expect is added with an expected quantity of zero.
    public func enterCount(_ id: Int64, sku: String, quantity: Int, add: Bool = false, by actor: Actor) async throws -> CountLine {
        try actor.require(.postMovements)
        _ = try CountLine.counted(entering: quantity, add: false, to: nil)
        return try await write {
            guard let state = try await row("SELECT state FROM count_sessions WHERE id = \(bind: id)")?.string("state") else {
                throw Failure.notFound("count", String(id))
            }
            guard state == CountSession.State.open.rawValue else { throw Failure(.conflict, "count \(id) is \(state); start a new one") }
            let item = try await requireItem(sku: sku)
            let previous = add ? try await countLines(id, itemID: item.id).first?.counted : nil
            let counted = try CountLine.counted(entering: quantity, add: add, to: previous)
            try await run("""
                INSERT INTO count_lines (session_id, item_id, expected, counted, counted_at)
                VALUES (\(bind: id), \(bind: item.id), 0, \(bind: counted), \(bind: UTC.seconds(now)))
                ON CONFLICT (session_id, item_id) DO UPDATE SET counted = excluded.counted, counted_at = excluded.counted_at
                """)
            guard let line = try await countLines(id, itemID: item.id).first else { throw Failure.notFound("count line", item.sku) }
            return line
        }
    }

    /// Posts every counted line whose quantity differs from the books as a count movement, all in one transaction, and
    /// closes the session. Lines not counted are left as they are in the books.
    public func postCount(_ id: Int64, by actor: Actor) async throws -> (session: CountSession, movements: Int) {
        try actor.require(.postMovements)
        return try await write {
            let session = try await requireCount(id)
            guard session.state == .open else { throw Failure(.conflict, "count \(id) is already \(session.state.rawValue)") }
            // The differences against the books now (not the snapshot): one count movement each, posted together.
            let location = try await requireLocation(session.location)
            let counted = session.lines.compactMap { line in line.counted.map { (sku: line.sku, counted: $0) } }
            let items = try await items(skus: counted.map(\.sku))
            let positions = try await positions(itemIDs: items.values.map(\.id))
            var planned: [PlannedMovement] = []
            for line in counted {
                guard let item = items[line.sku.uppercased()] else { throw Failure.notFound("item", line.sku) }
                let before = positions[Place(item: item.id, location: location.id)] ?? StockPosition()
                guard before.onHand != line.counted else { continue }
                let movement = Movement.count(counted: line.counted, at: location.code)
                let effects = try Ledger.effects(of: movement, sku: item.sku) { _ in before }
                planned += effects.map { PlannedMovement(item: item, location: location, movement: movement, effect: $0, before: before) }
            }
            try await post(planned, reference: "COUNT-\(id)", by: actor)
            let posted = planned.count
            try await run("UPDATE count_sessions SET state = 'posted', posted_at = \(bind: UTC.seconds(now)) WHERE id = \(bind: id)")
            try await audit(actor, "count.post", "count \(id)", after: "\(session.counted) counted, \(posted) movements")
            return (try await requireCount(id), posted)
        }
    }

    /// A count and its lines; a count at a location that is not sellable only for roles that may see such stock.
    public func count(_ id: Int64, by actor: Actor) async throws -> CountSession {
        try actor.require(.viewStock)
        return try await read {
            let session = try await requireCount(id)
            if !(try await requireLocation(session.location).sellable) { try actor.require(.viewUnsellableStock) }
            return session
        }
    }

    /// The session with its lines, by SKU.
    func requireCount(_ id: Int64) async throws -> CountSession {
        guard let head = try await row("""
            SELECT s.id, l.code, s.category, s.state, s.created_by, s.created_at FROM count_sessions s
            JOIN locations l ON l.id = s.location_id WHERE s.id = \(bind: id)
            """) else { throw Failure.notFound("count", String(id)) }
        let lines = try await countLines(id)
        return CountSession(id: try head.int("id"), location: try head.string("code"), category: try head.string("category"),
                            state: CountSession.State(rawValue: try head.string("state")) ?? .open,
                            createdBy: try head.string("created_by"), createdAt: try head.date("created_at"), lines: lines)
    }

    /// A session's lines by SKU, or the one line of an item.
    private func countLines(_ id: Int64, itemID: Int64? = nil) async throws -> [CountLine] {
        let item: SQLQueryString = itemID.map { " AND c.item_id = \(bind: $0)" } ?? ""
        return try await rows("""
            SELECT i.sku, i.name, c.expected, c.counted FROM count_lines c JOIN items i ON i.id = c.item_id
            WHERE c.session_id = \(bind: id)\(item) ORDER BY i.sku
            """).map { row in
            CountLine(sku: try row.string("sku"), name: try row.string("name"), expected: try row.integer("expected"),
                      counted: try row.optionalInt("counted").map(Int.init))
        }
    }
}
