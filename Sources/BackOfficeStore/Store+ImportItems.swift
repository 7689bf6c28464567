import BackOfficeCore
import Foundation
import SQLKit
import SQLiteKit
import SQLiteNIO

extension Store {
    /// A batch of item rows: keys checked for repeats, existing items read and new ones inserted a statement per
    /// batch rather than a few statements a row.
    func applyItems(_ records: [(line: Int, record: ImportRecord)], file: String, currency: String) async throws
        -> (problems: [ImportProblem], added: Int, changed: Int, unchanged: Int) {
        var problems: [ImportProblem] = []
        var rows: [(line: Int, item: Item, cost: Money?, costGiven: Bool)] = []
        var seen: [String: Int] = [:]
        for (line, record) in records {
            guard case .item(let item, let costText) = record else { continue }
            if let first = seen[record.key] {
                problems.append(ImportProblem(file: file, line: line, column: "sku", problem: "duplicate key, also on line \(first)", value: item.sku))
                continue
            }
            seen[record.key] = line
            do {
                rows.append((line, item, try costText.map { try Money.parse($0, currency: currency, field: "cost") }, costText != nil))
            } catch let failure as any BackOfficeFailure {
                problems.append(ImportProblem(file: file, line: line, column: "cost", problem: failure.message, value: costText))
            }
        }
        guard !rows.isEmpty else { return (problems, 0, 0, 0) }
        // Keys an earlier batch of this file already had come back as repeats.
        var fresh = Set<String>()
        var earlier: [String: Int] = [:]
        for start in stride(from: 0, to: rows.count, by: 900) {
            let slice = rows[start..<min(rows.count, start + 900)]
            let inserted = try await connection.query(
                "INSERT INTO import_keys (key, line) VALUES \(Array(repeating: "(?, ?)", count: slice.count).joined(separator: ",")) "
                    + "ON CONFLICT (key) DO NOTHING RETURNING key",
                slice.flatMap { [SQLiteData.text($0.item.sku.uppercased()), .integer($0.line)] })
            fresh.formUnion(inserted.compactMap { $0.column("key")?.string })
        }
        let repeated = rows.filter { !fresh.contains($0.item.sku.uppercased()) }
        for start in stride(from: 0, to: repeated.count, by: 900) {
            let slice = repeated[start..<min(repeated.count, start + 900)]
            for row in try await connection.query(
                "SELECT key, line FROM import_keys WHERE key IN (\(Array(repeating: "?", count: slice.count).joined(separator: ",")))",
                slice.map { .text($0.item.sku.uppercased()) }) {
                earlier[row.column("key")?.string ?? ""] = row.column("line")?.integer
            }
        }
        for row in repeated {
            problems.append(ImportProblem(file: file, line: row.line, column: "sku",
                                          problem: "duplicate key, also on line \(earlier[row.item.sku.uppercased()] ?? 0)", value: row.item.sku))
        }
        rows.removeAll { !fresh.contains($0.item.sku.uppercased()) }

        var existing: [String: Item] = [:]
        for start in stride(from: 0, to: rows.count, by: 900) {
            let slice = rows[start..<min(rows.count, start + 900)]
            let found = try await connection.query(
                "SELECT \(Store.itemColumns) FROM items i WHERE i.sku IN (\(Array(repeating: "?", count: slice.count).joined(separator: ",")))",
                slice.map { .text($0.item.sku) })
            for row in found {
                let item = try Store.item(row)
                existing[item.sku.uppercased()] = item
            }
        }
        var added: [[SQLiteData]] = []
        var changed = 0, unchanged = 0
        for row in rows {
            let item = row.item
            guard let old = existing[item.sku.uppercased()] else {
                added.append([.text(item.sku), .text(item.name), .text(item.unit), .text(item.category), .integer(item.active ? 1 : 0),
                              row.cost.map { .integer(Int($0.minorUnits)) } ?? .null, row.cost.map { .text($0.currency) } ?? .null,
                              .integer(item.reorderPoint)])
                continue
            }
            let cost = row.costGiven ? row.cost : old.cost
            if old.name == item.name && old.unit == item.unit && old.category == item.category && old.active == item.active
                && old.reorderPoint == item.reorderPoint && old.cost == cost {
                unchanged += 1
                continue
            }
            try await run("""
                UPDATE items SET name = \(bind: item.name), uom = \(bind: item.unit), category = \(bind: item.category),
                    active = \(bind: item.active ? 1 : 0), reorder_point = \(bind: item.reorderPoint),
                    cost = \(bind: cost?.minorUnits), cost_currency = \(bind: cost?.currency)
                WHERE id = \(bind: old.id)
                """)
            changed += 1
        }
        try await bulkInsert("items", ["sku", "name", "uom", "category", "active", "cost", "cost_currency", "reorder_point"], added)
        return (problems, added.count, changed, unchanged)
    }
}
