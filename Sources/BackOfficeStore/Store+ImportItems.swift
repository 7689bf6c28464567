import BackOfficeCore
import Foundation
import SQLKit

extension Store {
    /// A batch of item rows: keys checked for repeats, existing items read and new ones inserted a statement per
    /// batch rather than a few statements a row. An existing item changes only in the fields its row states; the
    /// changed ones come back with what changed.
    func applyItems(_ records: [(line: Int, record: ImportRecord)], file: String, currency: String) async throws
        -> (problems: [ImportProblem], added: Int, changed: [(ImportRecord, [FieldChange])], unchanged: Int) {
        let claim = try await claimKeys(records, file: file)
        var problems = claim.problems
        // A list price is on the default list, in its currency.
        let list = claim.fresh.contains { if case .item(_, _, .some, _) = $0.record { true } else { false } }
            ? try await defaultPriceList() : nil
        var rows: [(record: ImportRecord, item: Item, cost: Money?, listPrice: Money?, stated: Set<String>, line: Int)] = []
        for (line, record) in claim.fresh {
            guard case .item(let item, let costText, let priceText, let stated) = record else { continue }
            // Each amount in its currency; a row with a bad one is reported for every one and left out.
            var bad = false
            func amount(_ text: String?, _ currency: String, column: String) -> Money? {
                guard let text else { return nil }
                do {
                    let money = try Money.parse(text, currency: currency, field: column)
                    _ = try Validate.amount(money, field: column)
                    return money
                } catch {
                    problems.append(ImportProblem(file: file, line: line, column: column,
                                                  problem: Importing.problemText(error.message, field: column), value: text))
                    bad = true
                    return nil
                }
            }
            let cost = amount(costText, currency, column: "cost"), price = amount(priceText, list?.currency ?? currency, column: "list_price")
            if !bad { rows.append((record, item, cost, price, stated, line)) }
        }
        guard !rows.isEmpty else { return (problems, 0, [], 0) }

        let existing = try await items(skus: rows.map(\.item.sku))
        let oldPrices = try await listPrices(of: rows.compactMap { $0.listPrice == nil ? nil : existing[$0.item.sku.uppercased()]?.id },
                                             on: list)
        var added: [[Value]] = [], addedPrices: [(sku: String, price: Money)] = [], changedPrices: [(item: Int64, minorUnits: Int64)] = []
        var changed: [(ImportRecord, [FieldChange])] = [], unchanged = 0
        for row in rows {
            let item = row.item
            // The reorder levels as the row leaves the item (an existing one keeps what the row does not state).
            let levels = existing[item.sku.uppercased()].map { ImportMerge.item($0, with: item, cost: row.cost, stated: row.stated).item } ?? item
            do {
                try Reorder.check(levels)
            } catch {
                let column = error.message.hasPrefix("order-multiple") ? "order_multiple" : "reorder_to"
                problems.append(ImportProblem(file: file, line: row.line, column: column,
                                              problem: Importing.problemText(error.message, field: column.replacingOccurrences(of: "_", with: "-")),
                                              value: String(column == "reorder_to" ? levels.reorderTo : levels.orderMultiple)))
                continue
            }
            guard let old = existing[item.sku.uppercased()] else {
                added.append([item.sku, item.name, item.unit, item.category, item.active ? 1 : 0, row.cost?.minorUnits,
                              row.cost?.currency, item.reorderPoint, item.reorderTo, item.orderMultiple])
                if let price = row.listPrice { addedPrices.append((item.sku, price)) }
                continue
            }
            let (merged, detailChanges) = ImportMerge.item(old, with: item, cost: row.cost, stated: row.stated)
            var changes = detailChanges
            if let price = row.listPrice, let list {
                let priceChanges = ImportMerge.listPrice(oldPrices[old.id].map { Money(minorUnits: $0, currency: list.currency) }, with: price)
                if !priceChanges.isEmpty { changedPrices.append((old.id, price.minorUnits)) }
                changes += priceChanges
            }
            if changes.isEmpty {
                unchanged += 1
                continue
            }
            if changes.contains(where: { $0.field != "list_price" }) {
                try await run("""
                    UPDATE items SET name = \(bind: merged.name), uom = \(bind: merged.unit), category = \(bind: merged.category),
                        active = \(bind: merged.active ? 1 : 0), reorder_point = \(bind: merged.reorderPoint),
                        reorder_to = \(bind: merged.reorderTo), order_multiple = \(bind: merged.orderMultiple),
                        cost = \(bind: merged.cost?.minorUnits), cost_currency = \(bind: merged.cost?.currency)
                    WHERE id = \(bind: old.id)
                    """)
            }
            changed.append((row.record, changes))
        }
        try await bulkInsert("items", ["sku", "name", "uom", "category", "active", "cost", "cost_currency", "reorder_point",
                                       "reorder_to", "order_multiple"], added)
        if let list, !addedPrices.isEmpty {
            let ids = try await items(skus: addedPrices.map(\.sku))
            try await bulkInsert("list_prices", ["price_list_id", "item_id", "price"], addedPrices.compactMap { entry -> [Value]? in
                ids[entry.sku.uppercased()].map { [list.id, $0.id, entry.price.minorUnits] }
            })
        }
        if let list {
            for price in changedPrices { try await upsertListPrice(list: list.id, item: price.item, minorUnits: price.minorUnits) }
        }
        return (problems, added.count, changed, unchanged)
    }

    /// The prices of these items on `list`, by item id, a statement per 900 (nothing without a list).
    private func listPrices(of itemIDs: [Int64], on list: PriceList?) async throws -> [Int64: Int64] {
        guard let list, !itemIDs.isEmpty else { return [:] }
        var found: [Int64: Int64] = [:]
        for chunk in itemIDs.chunks(of: 900) {
            for row in try await rows("""
                SELECT item_id, price FROM list_prices WHERE price_list_id = \(bind: list.id)
                AND item_id IN (\(binds: Array(chunk)))
                """) {
                found[try row.int("item_id")] = try row.int("price")
            }
        }
        return found
    }

    /// The search index's upkeep while items are imported, set aside for the import's transaction.
    struct ItemIndexing {
        var trigger: String
        var lastID: Int64
    }

    /// Sets aside the trigger that indexes each new item for search as it is inserted, inside the import's
    /// transaction (a rollback puts it back): indexing a million new items a row at a time took about 105 s, in one
    /// statement at the end about 25 s. Nil when the store has no such trigger, and on PostgreSQL, whose trigger only
    /// fills the row's own search column.
    func suspendItemIndexing() async throws -> ItemIndexing? {
        guard !isPostgres, let trigger = try await row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'items_fts_insert'")?
            .optionalString("sql") else { return nil }
        let lastID = try await row("SELECT COALESCE(MAX(id), 0) AS id FROM items")?.int("id") ?? 0
        try await execute("DROP TRIGGER items_fts_insert")
        return ItemIndexing(trigger: trigger, lastID: lastID)
    }

    /// Indexes the items added since `suspendItemIndexing` in one statement and puts the trigger back.
    func resumeItemIndexing(_ indexing: ItemIndexing) async throws {
        try await run("""
            INSERT INTO items_fts (rowid, sku, name, category)
            SELECT id, sku, name, category FROM items WHERE id > \(bind: indexing.lastID) ORDER BY id
            """)
        try await execute(indexing.trigger)
    }

    /// The items with these SKUs, by upper-cased SKU, a statement per 900.
    func items(skus: [String]) async throws -> [String: Item] {
        var found: [String: Item] = [:]
        for slice in skus.chunks(of: 900) {
            for row in try await rows("SELECT \(unsafeRaw: Store.itemColumns) FROM items i WHERE i.sku IN (\(binds: Array(slice)))") {
                let item = try Store.item(row)
                found[item.sku.uppercased()] = item
            }
        }
        return found
    }

    /// Claims each row's key for this import in the temporary table `import_keys`, a statement per 900 keys: gives
    /// back the rows whose key no earlier row of the file had, and a problem for every repeat naming the line that had
    /// it first.
    func claimKeys(_ records: [(line: Int, record: ImportRecord)], file: String) async throws
        -> (fresh: [(line: Int, record: ImportRecord)], problems: [ImportProblem]) {
        var problems: [ImportProblem] = []
        var firstLine: [String: Int] = [:]
        var pending: [(line: Int, record: ImportRecord)] = []
        for (line, record) in records {
            if let first = firstLine[record.key] {
                problems.append(ImportProblem(file: file, line: line, column: record.keyColumn,
                                              problem: "duplicate key, also on line \(first)", value: record.keyValue))
                continue
            }
            firstLine[record.key] = line
            pending.append((line, record))
        }
        var claimed = Set<String>()
        for slice in pending.chunks(of: 900) {
            let inserted = try await rows("""
                INSERT INTO import_keys (key, line) VALUES \(Store.valuesList(slice.map { [$0.record.key, $0.line] as [Value] }))
                ON CONFLICT (key) DO NOTHING RETURNING key
                """)
            claimed.formUnion(inserted.compactMap { try? $0.string("key") })
        }
        let repeated = pending.filter { !claimed.contains($0.record.key) }
        var earlier: [String: Int] = [:]
        for slice in repeated.chunks(of: 900) {
            for row in try await rows("SELECT key, line FROM import_keys WHERE key IN (\(binds: slice.map(\.record.key)))") {
                earlier[try row.string("key")] = try row.integer("line")
            }
        }
        for (line, record) in repeated {
            problems.append(ImportProblem(file: file, line: line, column: record.keyColumn,
                                          problem: "duplicate key, also on line \(earlier[record.key] ?? 0)", value: record.keyValue))
        }
        return (pending.filter { claimed.contains($0.record.key) }, problems)
    }
}
