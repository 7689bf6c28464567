import BackOfficeCore
import Foundation
import SQLKit

/// What `backoffice export` writes: one table of the store as rows of text, a page at a time.
public enum ExportKind: String, Sendable, CaseIterable {
    case items
    case accounts
    case stock
    case prices
    case movements
    case requests
    case holidays
    case calendar

    /// The column names, which are also what `import` reads back.
    public var header: [String] {
        switch self {
        case .items: ["sku", "name", "unit", "category", "active", "cost", "reorder_point", "reorder_to", "order_multiple"]
        case .accounts: ["code", "name", "manager", "backup_manager", "price_list"]
        case .stock: ["sku", "location", "on_hand", "reserved", "available"]
        case .prices: ["price_list", "sku", "price", "currency"]
        case .movements: ["id", "at", "kind", "sku", "location", "to_location", "quantity", "counted", "reason", "reference", "actor", "source"]
        case .requests: ["id", "created_at", "kind", "state", "priority", "account", "sku", "quantity", "requester", "assignee", "due_at", "text"]
        case .holidays: ["day", "name"]
        case .calendar: ["weekday", "opens", "closes", "time_zone"]
        }
    }

    /// Columns holding numbers the export wrote itself (kept as numbers, never defanged).
    public var numericColumns: Set<String> {
        ["cost", "reorder_point", "reorder_to", "order_multiple", "on_hand", "reserved", "available", "price", "id", "quantity", "counted"]
    }

    /// Whether `--from` and `--to` apply.
    public var isDated: Bool { self == .movements || self == .requests }
}

/// One page of an export and where the next one starts.
public struct ExportPage: Sendable {
    public var rows: [[String]]
    /// Pass back to read the next page; nil after the last one.
    public var next: String?
}

extension Store {
    /// A page of an export, in key order, after `cursor` (nil for the first page). Dates limit movements and requests
    /// to those from `from` through `to`, inclusive, in UTC days.
    public func export(_ kind: ExportKind, after cursor: String?, limit: Int = 5_000, from: Day? = nil, to: Day? = nil,
                       by actor: Actor) async throws -> ExportPage {
        switch kind {
        case .items, .stock: try actor.require(.viewStock)
        case .accounts, .prices: try actor.require(.viewPrices)
        case .movements: try actor.require(.postMovements)
        case .requests: try actor.require(.viewAllRequests)
        // Everyone may read the calendar, as `calendar show` shows it to everyone.
        case .holidays, .calendar: break
        }
        let limit = max(1, min(limit, 50_000))
        let start = from.map { Int64($0.ordinal) * 86_400 } ?? Int64.min
        let end = to.map { Int64($0.ordinal + 1) * 86_400 } ?? Int64.max
        return try await read {
            switch kind {
            case .items:
                let seesCost = actor.user.may(.seeCost)
                let rows = try await rows("""
                    SELECT \(unsafeRaw: Store.itemColumns) FROM items i WHERE i.sku > \(bind: cursor ?? "") ORDER BY i.sku LIMIT \(bind: limit)
                    """).map(Store.item)
                return ExportPage(rows: rows.map { item in
                    [item.sku, item.name, item.unit, item.category, item.active ? "yes" : "no",
                     seesCost ? item.cost?.decimalString ?? "" : "", String(item.reorderPoint), String(item.reorderTo), String(item.orderMultiple)]
                }, next: rows.count == limit ? rows.last?.sku : nil)
            case .accounts:
                let rows = try await rows("""
                    \(unsafeRaw: Store.accountSelect) WHERE a.code > \(bind: cursor ?? "") ORDER BY a.code LIMIT \(bind: limit)
                    """).map(Store.account)
                return ExportPage(rows: rows.map { [$0.code, $0.name, $0.manager ?? "", $0.backupManager ?? "", $0.priceList] },
                                  next: rows.count == limit ? rows.last?.code : nil)
            case .stock:
                let seesAll = actor.user.may(.viewUnsellableStock)
                let (afterItem, afterLocation) = Store.pair(cursor)
                let rows = try await rows("""
                    SELECT i.id AS item_id, l.id AS location_id, i.sku, l.code, b.on_hand,
                           (SELECT CAST(COALESCE(SUM(h.quantity), 0) AS BIGINT) FROM holds h WHERE h.item_id = b.item_id AND h.location_id = b.location_id
                             AND h.released_at IS NULL AND h.expires_at > \(bind: UTC.seconds(now))) AS reserved
                    FROM balances b JOIN items i ON i.id = b.item_id JOIN locations l ON l.id = b.location_id
                    WHERE (b.item_id, b.location_id) > (\(bind: afterItem), \(bind: afterLocation))
                      AND (l.sellable = 1 OR \(bind: seesAll ? 1 : 0) = 1)
                    ORDER BY b.item_id, b.location_id LIMIT \(bind: limit)
                    """)
                let page = try rows.map { row -> [String] in
                    let onHand = try row.integer("on_hand"), reserved = try row.integer("reserved")
                    return [try row.string("sku"), try row.string("code"), String(onHand), String(reserved), String(onHand - reserved)]
                }
                let next = try rows.count == limit ? rows.last.map { "\(try $0.int("item_id")):\(try $0.int("location_id"))" } : nil
                return ExportPage(rows: page, next: next)
            case .prices:
                let (afterList, afterItem) = Store.pair(cursor)
                let rows = try await rows("""
                    SELECT p.price_list_id, p.item_id, pl.code, pl.currency, i.sku, p.price
                    FROM list_prices p JOIN price_lists pl ON pl.id = p.price_list_id JOIN items i ON i.id = p.item_id
                    WHERE (p.price_list_id, p.item_id) > (\(bind: afterList), \(bind: afterItem))
                    ORDER BY p.price_list_id, p.item_id LIMIT \(bind: limit)
                    """)
                let page = try rows.map { row -> [String] in
                    let currency = try row.string("currency")
                    return [try row.string("code"), try row.string("sku"),
                            Money(minorUnits: try row.int("price"), currency: currency).decimalString, currency]
                }
                let next = try rows.count == limit ? rows.last.map { "\(try $0.int("price_list_id")):\(try $0.int("item_id"))" } : nil
                return ExportPage(rows: page, next: next)
            case .movements:
                let entries = try await rows("""
                    \(unsafeRaw: Store.journalSelect) WHERE m.id > \(bind: Int64(cursor ?? "") ?? 0) AND m.at >= \(bind: start) AND m.at < \(bind: end)
                    ORDER BY m.id LIMIT \(bind: limit)
                    """).map(Store.journalEntry)
                return ExportPage(rows: entries.map { e in
                    [String(e.id), UTC.iso(e.at), e.kind.rawValue, e.sku, e.location, e.toLocation ?? "", String(e.quantity),
                     e.counted.map(String.init) ?? "", e.reason ?? "", e.reference ?? "", e.actor, e.source]
                }, next: entries.count == limit ? entries.last.map { String($0.id) } : nil)
            case .requests:
                let requests = try await rows("""
                    \(unsafeRaw: Store.requestSelect) WHERE r.id > \(bind: Int64(cursor ?? "") ?? 0)
                    AND r.created_at >= \(bind: start) AND r.created_at < \(bind: end) ORDER BY r.id LIMIT \(bind: limit)
                    """).map(Store.request)
                return ExportPage(rows: requests.map { r in
                    [String(r.id), UTC.iso(r.createdAt), r.kind.rawValue, r.state.rawValue, r.priority.rawValue, r.account, r.sku ?? "",
                     r.quantity.map(String.init) ?? "", r.requester, r.assignee ?? "", UTC.iso(r.dueAt), r.text]
                }, next: requests.count == limit ? requests.last.map { String($0.id) } : nil)
            case .holidays:
                let rows = try await rows("""
                    SELECT day, name FROM holidays WHERE day > \(bind: cursor ?? "") ORDER BY day LIMIT \(bind: limit)
                    """)
                let page = try rows.map { [try $0.string("day"), try $0.string("name")] }
                return ExportPage(rows: page, next: page.count == limit ? page.last?[0] : nil)
            case .calendar:
                // The whole week, a row per weekday, each with the zone: what `import calendar` reads back.
                guard cursor == nil else { return ExportPage(rows: [], next: nil) }
                let calendar = try await loadCalendar()
                return ExportPage(rows: Weekday.allCases.map { day in
                    let hours = calendar.hours[day]
                    return [day.name, hours.map { WorkingHours.clock($0.opens) } ?? "closed", hours.map { WorkingHours.clock($0.closes) } ?? "",
                            calendar.timeZone]
                }, next: nil)
            }
        }
    }

    /// A cursor of two ids, `A:B`; (0, 0) before the first row.
    static func pair(_ cursor: String?) -> (Int64, Int64) {
        let parts = (cursor ?? "").split(separator: ":").compactMap { Int64($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : (0, 0)
    }
}
