import BackOfficeCore
import Foundation
import SQLKit

extension Store {
    /// A page of the item list, as the acting user may see it.
    public func itemRows(_ query: ItemListQuery, from anchor: PageAnchor<ItemListRow>, limit: Int,
                         by actor: Actor) async throws -> [ItemListRow] {
        try actor.require(.viewStock)
        return try await read {
            let seesAll = actor.user.may(.viewUnsellableStock)
            let location = try await listLocation(query.location, for: actor)
            let limit = max(1, min(limit, 1_000))
            let nowSeconds = UTC.seconds(now)
            // The locations a row's sums cover: the filter's one, else every one the user may see.
            func scope(_ alias: String) -> SQLQueryString {
                location.map { "\(unsafeRaw: alias).location_id = \(bind: $0)" }
                    ?? (seesAll ? "1 = 1" : "\(unsafeRaw: alias).location_id IN (SELECT id FROM locations WHERE sellable = 1)")
            }
            var sql: SQLQueryString = """
                SELECT \(unsafeRaw: Store.itemColumns),
                       (SELECT CAST(COALESCE(SUM(b.on_hand), 0) AS BIGINT) FROM balances b WHERE b.item_id = i.id AND \(scope("b"))) AS list_on_hand,
                       (SELECT CAST(COALESCE(SUM(h.quantity), 0) AS BIGINT) FROM holds h
                         WHERE h.item_id = i.id AND h.released_at IS NULL AND h.expires_at > \(bind: nowSeconds) AND \(scope("h"))) AS list_reserved
                """
            // Below the reorder point the list suggests what to order, which needs what is on order already.
            if query.belowReorderOnly {
                sql += """
                    , (SELECT CAST(COALESCE(SUM(x.quantity), 0) AS BIGINT) FROM incoming x
                        WHERE x.item_id = i.id AND x.quantity > 0 AND \(scope("x"))) AS list_incoming
                    """
            }
            let keys = Store.listKeys(query)
            if let search = Dialect.Search(query.search) {
                sql += " FROM \(search.from)"
            } else {
                sql += " FROM items i WHERE 1 = 1"
            }
            sql += Store.listFilters(query, location: location)
            var reversed = false
            switch anchor {
            case .after(let row): sql += " AND \(keys.compare(.after, row))"
            case .before(let row): sql += " AND \(keys.compare(.before, row))"; reversed = true
            case .tail: reversed = true
            case .offset: break
            }
            sql += " ORDER BY \(keys.order(reversed: reversed)) LIMIT \(bind: limit)"
            if case .offset(let skip) = anchor, skip > 0 { sql += " OFFSET \(bind: skip)" }
            let result = try await rows(sql).map { row in
                ItemListRow(item: try Store.item(row).visible(to: actor.user), onHand: try row.integer("list_on_hand"),
                            reserved: try row.integer("list_reserved"), incoming: query.belowReorderOnly ? try row.integer("list_incoming") : 0)
            }
            return reversed ? result.reversed() : result
        }
    }

    /// How many items the list holds, counting no further than `cap`: exact for the whole catalogue or a category,
    /// otherwise exact up to `cap` and `exact == false` beyond it (a search for "a" in a million items says "1,000+").
    public func itemCount(_ query: ItemListQuery, cap: Int = 1_000, by actor: Actor) async throws -> (count: Int, exact: Bool) {
        try actor.require(.viewStock)
        return try await read {
            let location = try await listLocation(query.location, for: actor)
            if !query.isSearch && !query.belowReorderOnly && location == nil {
                let count = try await row("SELECT COUNT(*) AS n FROM items i WHERE 1 = 1 \(Store.listFilters(query, location: nil))")?
                    .integer("n") ?? 0
                return (count, true)
            }
            var inner: SQLQueryString
            let filtered = query.belowReorderOnly || location != nil || !(query.category ?? "").isEmpty
            if let search = Dialect.Search(query.search), !filtered {
                // Matches alone: the index answers without touching the items table.
                inner = "\(search.matches)"
            } else if let search = Dialect.Search(query.search) {
                inner = "SELECT 1 FROM \(search.from)"
            } else {
                inner = "SELECT 1 FROM items i WHERE 1 = 1"
            }
            if filtered { inner += Store.listFilters(query, location: location) }
            inner += " LIMIT \(bind: cap + 1)"
            let count = try await row("SELECT COUNT(*) AS n FROM (\(inner)) AS matches")?.integer("n") ?? 0
            return (min(count, cap), count <= cap)
        }
    }

    /// Where `row` is in the list now (how many rows come before it), or nil when the list no longer holds it: after
    /// the list is sorted another way, the console keeps the same item selected. Counts along the sort's index, so it
    /// costs what reading that many index entries does (once per change of sort, never per key).
    public func itemPosition(_ query: ItemListQuery, of row: ItemListRow, by actor: Actor) async throws -> Int? {
        try actor.require(.viewStock)
        return try await read {
            let location = try await listLocation(query.location, for: actor)
            let keys = Store.listKeys(query)
            var held: SQLQueryString
            var before: SQLQueryString
            if let search = Dialect.Search(query.search) {
                held = "SELECT 1 FROM \(search.from)"
                before = "SELECT COUNT(*) AS n FROM \(search.from)"
            } else {
                held = "SELECT 1 FROM items i WHERE 1 = 1"
                before = "SELECT COUNT(*) AS n FROM items i WHERE 1 = 1"
            }
            let filters = Store.listFilters(query, location: location)
            held += filters
            held += " AND i.id = \(bind: row.item.id)"
            guard try await self.row(held) != nil else { return nil }
            before += filters
            before += " AND \(keys.compare(.before, row))"
            return try await self.row(before)?.integer("n") ?? 0
        }
    }

    /// The store's change counter as this connection sees it: it moves when another connection (another console,
    /// the command line) commits, so a console can refresh what it shows without polling every table.
    public func dataVersion() async throws -> Int64 {
        switch backend {
        case .sqlite:
            return try await read { try await row("PRAGMA data_version")?.int("data_version") ?? 0 }
        case .postgres(let engine):
            listenForChanges(engine)
            // Notifications say when another session commits; while none are heard (the listening connection is being
            // re-made), the newest audit entry says it instead, since every change writes one.
            if engine.changes.isListening { return engine.changes.value }
            let newest = try await read { try await row("SELECT COALESCE(MAX(seq), 0) AS v FROM audit")?.int("v") ?? 0 }
            return newest + engine.changes.value << 40
        }
    }

    /// The id of the list's location filter, refusing a location the user may not see.
    private func listLocation(_ code: String?, for actor: Actor) async throws -> Int64? {
        guard let code, !code.isEmpty else { return nil }
        let location = try await requireLocation(code)
        if !location.sellable { try actor.require(.viewUnsellableStock) }
        return location.id
    }

    /// Items of a category and of the categories below it (`Fasteners` holds `Fasteners/Bolts`), on `items i`.
    static func inCategory(_ category: String) -> SQLQueryString {
        "(i.category = \(bind: category) OR i.category \(Dialect.like) \(bind: likeLiteral(category) + "/%") ESCAPE '\\')"
    }

    /// `text` as a LIKE pattern that matches only itself: `%`, `_` and the escape character `\` are escaped, for a
    /// LIKE with `ESCAPE '\'`. A category `a_b` must not take in `axb`, nor `50%` everything that starts `50`.
    static func likeLiteral(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    private static func listFilters(_ query: ItemListQuery, location: Int64?) -> SQLQueryString {
        var sql: SQLQueryString = ""
        if let category = query.category, !category.isEmpty {
            sql += " AND \(Store.inCategory(category))"
        }
        if let location {
            sql += " AND EXISTS (SELECT 1 FROM balances b WHERE b.item_id = i.id AND b.location_id = \(bind: location) AND b.on_hand > 0)"
        }
        if query.belowReorderOnly {
            // The same rule as StockAnswer.belowReorderPoint: all stock on hand against the item's reorder point.
            sql += " AND (SELECT CAST(COALESCE(SUM(b.on_hand), 0) AS BIGINT) FROM balances b WHERE b.item_id = i.id) < i.reorder_point"
        }
        return sql
    }

    /// The columns a list is ordered by, and how a row compares with them, for keyset paging. The last column is the
    /// SKU (unique), so rows that tie on the sort column keep one order from page to page.
    private struct ListKeys {
        enum Side { case after, before }
        var columns: [SQLQueryString]
        var values: (ItemListRow) -> [String]
        /// Set for a search: the list pages by the matches' id.
        var rowID: Dialect? = nil
        /// The list runs from the last row to the first (every column descending, so one index serves both ways).
        var descending = false

        /// The order of the list, or of the list read backwards (a page before a row, the tail).
        func order(reversed: Bool) -> SQLQueryString {
            columns.map { "\($0)\(unsafeRaw: descending != reversed ? " DESC" : "")" }.joined(separator: ", ")
        }

        /// The rows on one side of `row` in list order.
        func compare(_ side: Side, _ row: ItemListRow) -> SQLQueryString {
            let op = (side == .after) != descending ? ">" : "<"
            if let rowID { return "\(rowID) \(unsafeRaw: op) \(bind: row.item.id)" }
            let values = values(row)
            guard columns.count == 2, values.count == 2 else { return "\(columns[0]) \(unsafeRaw: op) \(bind: values[0])" }
            // (a, b) > (x, y), spelled a >= x AND (a > x OR b > y): SQLite reads a row value whose first term carries a
            // collation (the name's NOCASE) by scanning the whole index, but takes `a >= x` as a range of it.
            let (a, b) = (columns[0], columns[1])
            return "(\(a) \(unsafeRaw: op)= \(bind: values[0]) AND (\(a) \(unsafeRaw: op) \(bind: values[0]) OR \(b) \(unsafeRaw: op) \(bind: values[1])))"
        }
    }

    /// Each order has its index: the SKU's unique one, and migration 2's (name, SKU).
    private static func listKeys(_ query: ItemListQuery) -> ListKeys {
        if query.isSearch, let search = Dialect.Search(query.search) {
            return ListKeys(columns: ["\(search.rowID)"], values: { _ in [] }, rowID: search.rowID)
        }
        var keys = switch query.sort {
        case .sku: ListKeys(columns: ["i.sku"], values: { [$0.item.sku] })
        case .name: ListKeys(columns: ["\(Dialect.nameKey)", "i.sku"], values: { [$0.item.name, $0.item.sku] })
        }
        keys.descending = query.descending
        return keys
    }
}
