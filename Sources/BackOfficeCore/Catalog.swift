import Foundation

/// A stocked item. Its SKU is unique regardless of case.
public struct Item: Hashable, Sendable, Codable {
    public var id: Int64
    public var sku: String
    public var name: String
    public var unit: String
    /// Slash-separated path from the top of the category tree: `Fasteners/Bolts/Hex`.
    public var category: String
    public var active: Bool
    /// Standard cost per unit; nil when nobody has entered one.
    public var cost: Money?
    public var reorderPoint: Int
    /// What a reorder brings stock up to (order up to); 0: up to the reorder point.
    public var reorderTo: Int
    /// Orders are in multiples of this (a case, a pallet); 1: any quantity.
    public var orderMultiple: Int

    public init(id: Int64 = 0, sku: String, name: String, unit: String = "EA", category: String = "",
                active: Bool = true, cost: Money? = nil, reorderPoint: Int = 0, reorderTo: Int = 0, orderMultiple: Int = 1) {
        self.id = id
        self.sku = sku
        self.name = name
        self.unit = unit
        self.category = category
        self.active = active
        self.cost = cost
        self.reorderPoint = reorderPoint
        self.reorderTo = reorderTo
        self.orderMultiple = orderMultiple
    }

    private enum CodingKeys: String, CodingKey {
        case id, sku, name, unit, category, active, cost, reorderPoint, reorderTo, orderMultiple
    }

    /// Answer snapshots kept before items had an order-up-to level and a multiple read back with the defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(id: try c.decode(Int64.self, forKey: .id), sku: try c.decode(String.self, forKey: .sku),
                  name: try c.decode(String.self, forKey: .name), unit: try c.decode(String.self, forKey: .unit),
                  category: try c.decode(String.self, forKey: .category), active: try c.decode(Bool.self, forKey: .active),
                  cost: try c.decodeIfPresent(Money.self, forKey: .cost), reorderPoint: try c.decode(Int.self, forKey: .reorderPoint),
                  reorderTo: try c.decodeIfPresent(Int.self, forKey: .reorderTo) ?? 0,
                  orderMultiple: try c.decodeIfPresent(Int.self, forKey: .orderMultiple) ?? 1)
    }

    /// The item as a user may see it: no standard cost for roles that may not see cost.
    public func visible(to user: User) -> Item {
        guard !user.may(.seeCost) else { return self }
        var copy = self
        copy.cost = nil
        return copy
    }
}

/// A place stock lives: a warehouse, a shop floor, a quarantine cage. Only sellable locations count for sales.
public struct Location: Hashable, Sendable, Codable {
    public var id: Int64
    public var code: String
    public var name: String
    public var sellable: Bool

    public init(id: Int64 = 0, code: String, name: String, sellable: Bool = true) {
        self.id = id
        self.code = code
        self.name = name
        self.sellable = sellable
    }
}

/// A customer account, looked after by an account manager (and a backup when the manager is away).
public struct Account: Hashable, Sendable, Codable {
    public var id: Int64
    public var code: String
    public var name: String
    public var manager: String?
    public var backupManager: String?
    public var priceList: String

    public init(id: Int64 = 0, code: String, name: String, manager: String?, backupManager: String?, priceList: String) {
        self.id = id
        self.code = code
        self.name = name
        self.manager = manager
        self.backupManager = backupManager
        self.priceList = priceList
    }
}

/// A price list: a currency and a list price per item, plus the rules that apply to it.
public struct PriceList: Hashable, Sendable, Codable {
    public var id: Int64
    public var code: String
    public var name: String
    public var currency: String
    /// The store-wide fallback list that every quote falls through to.
    public var isDefault: Bool

    public init(id: Int64 = 0, code: String, name: String, currency: String, isDefault: Bool = false) {
        self.id = id
        self.code = code
        self.name = name
        self.currency = currency
        self.isDefault = isDefault
    }
}

/// Checks on codes and names that every kind of record shares.
public enum Validate {
    /// A code (SKU, location, account, price list): 1–40 characters of letters, digits, `-`, `_`, `.`, `/`.
    public static func code(_ value: String, field: String) throws(Failure) -> String {
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty else { throw Failure.invalid(field, value, "must not be empty") }
        guard trimmed.count <= 40 else { throw Failure.invalid(field, value, "longer than 40 characters") }
        guard trimmed.utf8.allSatisfy({ byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"): true
            default: false
            }
        }) else {
            throw Failure.invalid(field, value, "use letters, digits, - _ . / only")
        }
        return trimmed
    }

    /// A human-readable name: not empty, no control characters or bidi overrides, at most 200 characters.
    ///
    /// A bidi override (U+202E) would make a name read backwards wherever it is shown outside the console, as it is
    /// refused in request text for the same reason.
    public static func name(_ value: String, field: String) throws(Failure) -> String {
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty else { throw Failure.invalid(field, value, "must not be empty") }
        guard trimmed.count <= 200 else { throw Failure.invalid(field, value, "longer than 200 characters") }
        guard !trimmed.unicodeScalars.contains(where: \.isControl) else {
            throw Failure.invalid(field, value, "contains control characters")
        }
        if let bidi = trimmed.unicodeScalars.first(where: Sanitize.isBidiControl) {
            throw Failure.invalid(field, value, "contains a bidi control (\(Sanitize.codePoint(bidi)))")
        }
        return trimmed
    }

    /// A category path: names separated by `/`, no empty segments. Surrounding spaces of segments are dropped.
    public static func category(_ value: String) throws(Failure) -> String {
        if value.trimmingSpaces.isEmpty { return "" }
        let segments = value.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingSpaces }
        guard !segments.contains(where: \.isEmpty) else { throw Failure.invalid("category", value, "has an empty segment") }
        for segment in segments { _ = try name(segment, field: "category") }
        return segments.joined(separator: "/")
    }

    /// A quantity: a whole number within the range a ledger can hold.
    public static func quantity(_ value: Int, field: String = "quantity", allowZero: Bool = false, allowNegative: Bool = false) throws(Failure) -> Int {
        guard value.magnitude <= Ledger.maximumQuantity else {
            throw Failure.invalid(field, String(value), "more than \(Ledger.maximumQuantity)")
        }
        if value == 0 && !allowZero { throw Failure.invalid(field, "0", "must not be zero") }
        if value < 0 && !allowNegative { throw Failure.invalid(field, String(value), "must not be negative") }
        return value
    }

    /// A standard cost or a price: never negative.
    public static func amount(_ money: Money?, field: String) throws(Failure) -> Money? {
        if let money, money.minorUnits < 0 { throw Failure.invalid(field, money.decimalString, "must not be negative") }
        return money
    }

    /// A movement's reference (purchase order, sales order, ticket): at most 100 characters, no control characters.
    public static func reference(_ value: String?) throws(Failure) -> String? {
        guard let trimmed = value?.trimmingSpaces, !trimmed.isEmpty else { return nil }
        guard trimmed.count <= 100 else { throw Failure.invalid("ref", String(trimmed.prefix(20)) + "…", "longer than 100 characters") }
        return try name(trimmed, field: "ref")
    }

    /// An account's manager or backup must be an active user who answers requests.
    public static func accountManager(_ user: User, field: String) throws(Failure) {
        guard user.may(.answerRequests), user.active else {
            throw Failure.invalid(field, user.name, "is \(user.active ? "a \(user.role.rawValue)" : "deactivated"), not someone who answers requests")
        }
    }

    /// Whether `category` is `ancestor` or lies below it in the tree.
    public static func category(_ category: String, isWithin ancestor: String) -> Bool {
        let c = category.lowercased(), a = ancestor.lowercased()
        return c == a || c.hasPrefix(a + "/")
    }
}

/// Reorder suggestions: an item whose projected stock (available plus what is on order) is below its reorder point is
/// ordered up to its order-up-to level (the reorder point when none is set), in whole multiples of its order multiple.
public enum Reorder {
    /// The quantity to order, or nil when none is needed (no reorder point, or projected stock at or above it).
    public static func suggestion(for item: Item, projected: Int) -> Int? {
        guard item.reorderPoint > 0, projected < item.reorderPoint else { return nil }
        let target = max(item.reorderTo, item.reorderPoint)
        let needed = target - projected
        let multiple = max(1, item.orderMultiple)
        return (needed + multiple - 1) / multiple * multiple
    }

    /// The levels an item may hold: an order-up-to level below the reorder point would order too little to clear it.
    public static func check(_ item: Item) throws(Failure) {
        guard item.reorderTo >= 0 else { throw Failure.invalid("reorder-to", String(item.reorderTo), "must not be negative") }
        guard item.orderMultiple >= 1 else {
            throw Failure.invalid("order-multiple", String(item.orderMultiple), "must be at least 1")
        }
        guard item.reorderTo == 0 || item.reorderTo >= item.reorderPoint else {
            throw Failure.invalid("reorder-to", String(item.reorderTo), "is below the reorder point \(item.reorderPoint)")
        }
    }
}

/// One line of `backoffice reorder`: an item below its reorder point on projected stock, and what to order.
public struct ReorderLine: Sendable, Codable, Equatable {
    public var item: Item
    public var onHand: Int
    public var available: Int
    public var incoming: Int
    public var projected: Int { available + incoming }
    public var suggested: Int
    /// The earliest expected receipt already on order, and its reference.
    public var nextReceipt: Day?
    public var nextReference: String?

    public init(item: Item, onHand: Int, available: Int, incoming: Int, suggested: Int, nextReceipt: Day?, nextReference: String?) {
        self.item = item
        self.onHand = onHand
        self.available = available
        self.incoming = incoming
        self.suggested = suggested
        self.nextReceipt = nextReceipt
        self.nextReference = nextReference
    }
}
