import BackOfficeCore
import Foundation
import SQLKit
import SQLiteNIO

extension Store {
    /// An item at a location.
    private struct Place: Hashable {
        var item: Int64
        var location: Int64
    }

    /// A batch of opening-stock or count rows, posted as ledger movements a few statements per batch instead of the
    /// single-movement path's dozen a row. Core's ledger rules decide each movement from the same position a single
    /// post would read; each gets its journal row, its balance change and its own chained audit entry. A row this file
    /// already posted is left alone. With `write: false` (a dry run, or a file already refused) rows are only checked:
    /// every row has its own item and location (the file's key), so no row's outcome depends on another's.
    func applyMovements(_ records: [(line: Int, record: ImportRecord)], file: String, reference: String, by actor: Actor,
                        write: Bool) async throws -> (problems: [ImportProblem], added: Int, unchanged: Int) {
        let claim = try await claimKeys(records, file: file)
        var problems = claim.problems
        let entries: [(line: Int, sku: String, location: String, movement: Movement)] = claim.fresh.compactMap { line, record in
            switch record {
            case let .stock(sku, location, quantity): (line, sku, location, .receipt(quantity: quantity, to: location))
            case let .count(sku, location, counted): (line, sku, location, .count(counted: counted, at: location))
            default: nil
            }
        }
        guard let kind = entries.first?.movement.kind else { return (problems, 0, 0) }
        let items = try await items(skus: entries.map(\.sku))
        var locations: [String: Location] = [:]
        for location in try await rows("SELECT * FROM locations").map(Store.location) { locations[location.code.uppercased()] = location }
        let (positions, posted) = try await importPositions(itemIDs: Array(Set(items.values.map(\.id))), kind: kind, reference: reference)

        var planned: [(item: Item, location: Location, movement: Movement, effect: LedgerEffect, before: StockPosition)] = []
        var unchanged = 0
        for entry in entries {
            guard let item = items[entry.sku.uppercased()] else {
                problems.append(ImportProblem(file: file, line: entry.line, column: "sku", problem: "no such item", value: entry.sku))
                continue
            }
            guard let location = locations[entry.location.uppercased()] else {
                problems.append(ImportProblem(file: file, line: entry.line, column: "location", problem: "no such location", value: entry.location))
                continue
            }
            let place = Place(item: item.id, location: location.id)
            if posted.contains(place) {
                unchanged += 1
                continue
            }
            let before = positions[place] ?? StockPosition()
            do {
                try Ledger.checkItemAccepts(kind, item: item)
                let effects = try Ledger.effects(of: entry.movement, sku: item.sku) { _ in before }
                guard let effect = effects.first, effects.count == 1 else { preconditionFailure("receipts and counts touch one location") }
                planned.append((item, location, entry.movement, effect, before))
            } catch let failure as any BackOfficeFailure {
                problems.append(ImportProblem(file: file, line: entry.line, column: nil, problem: failure.message, value: nil))
            }
        }
        guard write, problems.isEmpty, !planned.isEmpty else { return (problems, planned.count, unchanged) }

        let at = UTC.seconds(now)
        let journal: [[SQLiteData]] = planned.map { item, location, movement, effect, _ in
            let (_, _, quantity, counted, _) = Store.journalColumns(movement, effects: [effect])
            return [.text(kind.rawValue), .integer(Int(item.id)), .integer(Int(location.id)), .integer(quantity),
                    counted.map { .integer($0) } ?? .null, .text(reference), .text(actor.auditName), .text(actor.auditSource), .integer(Int(at))]
        }
        var ids: [Place: Int64] = [:]
        for row in try await bulkInsert("movements", ["kind", "item_id", "location_id", "quantity", "counted", "ref", "actor", "source", "at"],
                                         journal, returning: "id, item_id, location_id") {
            ids[Place(item: Int64(row.column("item_id")?.integer ?? 0), location: Int64(row.column("location_id")?.integer ?? 0))] =
                Int64(row.column("id")?.integer ?? 0)
        }
        // A decrease is an UPDATE (SQLite checks the row an upsert proposes, negative on hand included, before it
        // resolves the conflict); an increase may be the first stock there.
        let increases = planned.filter { $0.effect.delta >= 0 }.map { [SQLiteData.integer(Int($0.item.id)), .integer(Int($0.location.id)), .integer($0.effect.delta)] }
        let decreases = planned.filter { $0.effect.delta < 0 }.map { [SQLiteData.integer(Int($0.item.id)), .integer(Int($0.location.id)), .integer($0.effect.delta)] }
        for slice in increases.chunks(of: 300) {
            _ = try await connection.query("""
                INSERT INTO balances (item_id, location_id, on_hand) VALUES \(Store.marks(slice.count, "(?, ?, ?)"))
                ON CONFLICT (item_id, location_id) DO UPDATE SET on_hand = on_hand + excluded.on_hand
                """, slice.flatMap { $0 })
        }
        for slice in decreases.chunks(of: 300) {
            _ = try await connection.query("""
                UPDATE balances SET on_hand = on_hand + change.column3
                FROM (VALUES \(Store.marks(slice.count, "(?, ?, ?)"))) AS change
                WHERE balances.item_id = change.column1 AND balances.location_id = change.column2
                """, slice.flatMap { $0 })
        }
        var notes: [AuditNote] = []
        notes.reserveCapacity(planned.count)
        for (item, location, movement, effect, before) in planned {
            if case let .receipt(quantity, _) = movement, before.incoming > 0 {
                try await receiveAgainstExpected(quantity, reference: reference, item: item, location: location)
            }
            notes.append(Store.movementNote(kind, sku: item.sku, id: ids[Place(item: item.id, location: location.id)] ?? 0,
                                            effects: [effect], reference: reference) { _ in before.onHand })
        }
        try await audit(actor, notes)
        return (problems, planned.count, unchanged)
    }

    /// The stock position of every item of a batch at every location it has any (on hand, active holds, open expected
    /// receipts, as `position(itemID:locationID:)` reads one), and where this file already posted a movement of the kind.
    private func importPositions(itemIDs: [Int64], kind: MovementKind, reference: String) async throws
        -> (positions: [Place: StockPosition], posted: Set<Place>) {
        var positions: [Place: StockPosition] = [:]
        var posted = Set<Place>()
        func place(_ row: SQLiteRow) -> Place {
            Place(item: Int64(row.column("item_id")?.integer ?? 0), location: Int64(row.column("location_id")?.integer ?? 0))
        }
        for slice in itemIDs.chunks(of: 900) {
            let ids = (1...slice.count).map { "?\($0)" }.joined(separator: ",")
            let binds = slice.map { SQLiteData.integer(Int($0)) }
            for row in try await connection.query("""
                SELECT item_id, location_id, SUM(on_hand) AS on_hand, SUM(reserved) AS reserved, SUM(incoming) AS incoming FROM (
                    SELECT item_id, location_id, on_hand, 0 AS reserved, 0 AS incoming FROM balances WHERE item_id IN (\(ids))
                    UNION ALL
                    SELECT item_id, location_id, 0, quantity, 0 FROM holds
                    WHERE item_id IN (\(ids)) AND released_at IS NULL AND expires_at > ?\(slice.count + 1)
                    UNION ALL
                    SELECT item_id, location_id, 0, 0, quantity FROM incoming WHERE item_id IN (\(ids)) AND quantity > 0
                ) GROUP BY item_id, location_id
                """, binds + [.integer(Int(UTC.seconds(now)))]) {
                positions[place(row)] = StockPosition(onHand: row.column("on_hand")?.integer ?? 0, reserved: row.column("reserved")?.integer ?? 0,
                                                      incoming: row.column("incoming")?.integer ?? 0)
            }
            for row in try await connection.query("""
                SELECT DISTINCT item_id, location_id FROM movements WHERE item_id IN (\(ids)) AND kind = ?\(slice.count + 1) AND ref = ?\(slice.count + 2)
                """, binds + [.text(kind.rawValue), .text(reference)]) {
                posted.insert(place(row))
            }
        }
        return (positions, posted)
    }
}
