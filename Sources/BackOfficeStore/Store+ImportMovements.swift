import BackOfficeCore
import Foundation
import SQLKit

extension Store {
    /// A batch of opening-stock or count rows, posted as ledger movements a few statements per batch instead of the
    /// single-movement path's dozen a row. Core's ledger rules decide each movement from the same position a single
    /// post would read; each gets its journal row, its balance change and its own chained audit entry. Whether the file
    /// was posted before is decided on its content by `importRecords`, not here. With `write: false` (a dry run, or a
    /// file already refused) rows are only checked: every row has its own item and location (the file's key), so no
    /// row's outcome depends on another's.
    func applyMovements(_ records: [(line: Int, record: ImportRecord)], file: String, reference: String, by actor: Actor,
                        write: Bool) async throws -> (problems: [ImportProblem], added: Int) {
        let claim = try await claimKeys(records, file: file)
        var problems = claim.problems
        let entries: [(line: Int, sku: String, location: String, movement: Movement)] = claim.fresh.compactMap { line, record in
            switch record {
            case let .stock(sku, location, quantity): (line, sku, location, .receipt(quantity: quantity, to: location))
            case let .count(sku, location, counted): (line, sku, location, .count(counted: counted, at: location))
            default: nil
            }
        }
        guard let kind = entries.first?.movement.kind else { return (problems, 0) }
        let items = try await items(skus: entries.map(\.sku))
        var locations: [String: Location] = [:]
        for slice in Array(Set(entries.map { $0.location.uppercased() })).chunks(of: 900) {
            for row in try await rows("SELECT * FROM locations WHERE code IN (\(binds: Array(slice)))") {
                let location = try Store.location(row)
                locations[location.code.uppercased()] = location
            }
        }
        let itemIDs = Array(Set(items.values.map(\.id)))
        let positions = try await positions(itemIDs: itemIDs)

        var planned: [PlannedMovement] = []
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
            let before = positions[place] ?? StockPosition()
            do {
                try Ledger.checkItemAccepts(kind, item: item)
                let effects = try Ledger.effects(of: entry.movement, sku: item.sku) { _ in before }
                guard let effect = effects.first, effects.count == 1 else { preconditionFailure("receipts and counts touch one location") }
                planned.append(PlannedMovement(item: item, location: location, movement: entry.movement, effect: effect, before: before))
            } catch let failure as any BackOfficeFailure {
                problems.append(ImportProblem(file: file, line: entry.line, column: nil, problem: failure.message, value: nil))
            }
        }
        guard write, problems.isEmpty, !planned.isEmpty else { return (problems, planned.count) }

        try await post(planned, reference: reference, by: actor)
        return (problems, planned.count)
    }

    /// A one-location movement the ledger's rules have accepted, with the position they judged it against.
    struct PlannedMovement {
        var item: Item
        var location: Location
        var movement: Movement
        var effect: LedgerEffect
        var before: StockPosition
    }

    /// Posts accepted movements inside a write transaction, a few statements for all of them: their journal rows, their
    /// balance changes, expected receipts taken off, and one chained audit entry each, as single posts write them.
    /// At most one movement per item and location (a file's key, a count's line).
    func post(_ planned: [PlannedMovement], reference: String, by actor: Actor) async throws {
        guard !planned.isEmpty else { return }
        let at = UTC.seconds(now)
        let journal: [ChainedMovement] = planned.map { p in
            let (_, _, quantity, counted, _) = Store.journalColumns(p.movement, effects: [p.effect])
            return ChainedMovement(id: 0, kind: p.movement.kind.rawValue, itemID: p.item.id, locationID: p.location.id, toLocationID: nil,
                                   sku: p.item.sku, location: p.location.code, toLocation: nil, quantity: Int64(quantity), counted: counted.map(Int64.init), reason: nil, reference: reference,
                                   actor: actor.auditName, source: actor.auditSource, at: at)
        }
        var ids: [Place: Int64] = [:]
        for (row, id) in zip(journal, try await appendToJournal(journal)) {
            ids[Place(item: row.itemID, location: row.locationID)] = id
        }
        try await applyBalanceChanges(planned.map { (Place(item: $0.item.id, location: $0.location.id), $0.effect.delta) })
        var notes: [AuditNote] = []
        notes.reserveCapacity(planned.count)
        for p in planned {
            if case let .receipt(quantity, _) = p.movement, p.before.incoming > 0 {
                try await receiveAgainstExpected(quantity, reference: reference, item: p.item, location: p.location)
            }
            guard let id = ids[Place(item: p.item.id, location: p.location.id)] else {
                throw Failure(.storeFailure, "the journal did not return the movement it posted for \(p.item.sku) at \(p.location.code)")
            }
            notes.append(Store.movementNote(p.movement.kind, sku: p.item.sku, id: id, effects: [p.effect], reference: reference) { _ in
                p.before.onHand
            })
        }
        try await audit(actor, notes)
    }
}
