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
            try await run("""
                INSERT INTO count_sessions (location_id, category, state, created_by, created_at)
                VALUES (\(bind: location.id), \(bind: category), 'open', \(bind: actor.user.name), \(bind: UTC.seconds(now)))
                """)
            let id = try await lastInsertID()
            var scope: SQLQueryString = ""
            if !category.isEmpty { scope = " AND (i.category = \(bind: category) OR i.category LIKE \(bind: category + "/%"))" }
            try await run("""
                INSERT INTO count_lines (session_id, item_id, expected)
                SELECT \(bind: id), b.item_id, b.on_hand FROM balances b JOIN items i ON i.id = b.item_id
                WHERE b.location_id = \(bind: location.id) AND b.on_hand > 0\(scope)
                """)
            try await audit(actor, "count.start", "count \(id)", after: "\(location.code) \(category)")
            return try await countSession(id)
        }
    }

    /// Records a counted quantity (a scanner typing SKU and Enter counts one each time: `add` adds to what is there).
    /// An item the session did not expect is added with an expected quantity of zero.
    public func enterCount(_ id: Int64, sku: String, quantity: Int, add: Bool = false, by actor: Actor) async throws -> CountLine {
        try actor.require(.postMovements)
        _ = try Validate.quantity(quantity, allowZero: true)
        return try await write {
            let session = try await requireCount(id)
            guard session.state == .open else { throw Failure(.conflict, "count \(id) is \(session.state.rawValue); start a new one") }
            let item = try await requireItem(sku: sku)
            try await run("""
                INSERT INTO count_lines (session_id, item_id, expected, counted, counted_at)
                VALUES (\(bind: id), \(bind: item.id), 0, \(bind: quantity), \(bind: UTC.seconds(now)))
                ON CONFLICT (session_id, item_id) DO UPDATE SET
                    counted = \(unsafeRaw: add ? "COALESCE(counted, 0) + excluded.counted" : "excluded.counted"), counted_at = excluded.counted_at
                """)
            return try await countSession(id).lines.first { $0.sku.lowercased() == item.sku.lowercased() }!
        }
    }

    /// Posts every counted line whose quantity differs from the books as a count movement, all in one transaction, and
    /// closes the session. Lines not counted are left as they are in the books.
    public func postCount(_ id: Int64, by actor: Actor) async throws -> (session: CountSession, movements: Int) {
        try actor.require(.postMovements)
        return try await write {
            let session = try await requireCount(id)
            guard session.state == .open else { throw Failure(.conflict, "count \(id) is already \(session.state.rawValue)") }
            var posted = 0
            for line in session.lines {
                guard let counted = line.counted else { continue }
                let current = try await position(itemID: try await requireItem(sku: line.sku).id,
                                                 locationID: try await requireLocation(session.location).id)
                if current.onHand == counted { continue }
                try await postWithinTransaction(.count(counted: counted, at: session.location), sku: line.sku,
                                                reference: "COUNT-\(id)", by: actor, answer: false)
                posted += 1
            }
            try await run("UPDATE count_sessions SET state = 'posted', posted_at = \(bind: UTC.seconds(now)) WHERE id = \(bind: id)")
            try await audit(actor, "count.post", "count \(id)", after: "\(session.counted) counted, \(posted) movements")
            return (try await countSession(id), posted)
        }
    }

    public func count(_ id: Int64, by actor: Actor) async throws -> CountSession {
        try actor.require(.viewStock)
        return try await read { try await requireCount(id) }
    }

    func requireCount(_ id: Int64) async throws -> CountSession {
        guard try await row("SELECT 1 FROM count_sessions WHERE id = \(bind: id)") != nil else { throw Failure.notFound("count", String(id)) }
        return try await countSession(id)
    }

    private func countSession(_ id: Int64) async throws -> CountSession {
        guard let head = try await row("""
            SELECT s.id, l.code, s.category, s.state, s.created_by, s.created_at FROM count_sessions s
            JOIN locations l ON l.id = s.location_id WHERE s.id = \(bind: id)
            """) else { throw Failure.notFound("count", String(id)) }
        let lines = try await rows("""
            SELECT i.sku, i.name, c.expected, c.counted FROM count_lines c JOIN items i ON i.id = c.item_id
            WHERE c.session_id = \(bind: id) ORDER BY i.sku
            """).map { row in
            CountLine(sku: try row.string("sku"), name: try row.string("name"), expected: try row.integer("expected"),
                      counted: try row.optionalInt("counted").map(Int.init))
        }
        return CountSession(id: try head.int("id"), location: try head.string("code"), category: try head.string("category"),
                            state: CountSession.State(rawValue: try head.string("state")) ?? .open,
                            createdBy: try head.string("created_by"), createdAt: try head.date("created_at"), lines: lines)
    }
}
