import Foundation

/// The kinds of stock movement the journal records.
public enum MovementKind: String, Sendable, Codable, CaseIterable {
    case receipt
    case issue
    case transfer
    case adjustment
    case count
}

/// A stock movement as asked for, before the ledger has checked it.
public enum Movement: Sendable, Hashable {
    /// Goods arrive at a location.
    case receipt(quantity: Int, to: String)
    /// Goods leave a location (shipped, consumed).
    case issue(quantity: Int, from: String)
    /// Goods move between two locations.
    case transfer(quantity: Int, from: String, to: String)
    /// A signed correction with a reason code.
    case adjustment(delta: Int, at: String, reason: String)
    /// A physical count: sets on hand to the counted quantity and posts the difference.
    case count(counted: Int, at: String)

    public var kind: MovementKind {
        switch self {
        case .receipt: .receipt
        case .issue: .issue
        case .transfer: .transfer
        case .adjustment: .adjustment
        case .count: .count
        }
    }

    /// Every location the movement touches.
    public var locations: [String] {
        switch self {
        case .receipt(_, let to): [to]
        case .issue(_, let from): [from]
        case .transfer(_, let from, let to): [from, to]
        case .adjustment(_, let at, _): [at]
        case .count(_, let at): [at]
        }
    }
}

/// One item's stock at one location.
public struct StockPosition: Hashable, Sendable, Codable {
    public var onHand: Int
    /// Held for customers by active holds.
    public var reserved: Int
    /// Expected receipts not yet received.
    public var incoming: Int

    public init(onHand: Int = 0, reserved: Int = 0, incoming: Int = 0) {
        self.onHand = onHand
        self.reserved = reserved
        self.incoming = incoming
    }

    /// What can still be promised: on hand less reserved.
    public var available: Int { onHand - reserved }
    /// What will be available once the expected receipts arrive.
    public var projected: Int { available + incoming }

    public static func + (lhs: StockPosition, rhs: StockPosition) -> StockPosition {
        StockPosition(onHand: lhs.onHand + rhs.onHand, reserved: lhs.reserved + rhs.reserved, incoming: lhs.incoming + rhs.incoming)
    }
}

/// A change to one location's on-hand quantity, as the journal records it.
public struct LedgerEffect: Hashable, Sendable {
    public var location: String
    public var delta: Int
}

/// The ledger refused a movement or a hold.
public enum LedgerError: BackOfficeFailure, Equatable {
    /// Taking `requested` would leave less than nothing available; `short` says by how much.
    case insufficientAvailable(sku: String, location: String, requested: Int, available: Int)
    case sameLocation(String)
    case unknownReason(String)
    case invalidQuantity(field: String, value: Int, problem: String)

    public var kind: FailureKind {
        switch self {
        case .insufficientAvailable: .conflict
        default: .invalidInput
        }
    }

    public var message: String {
        switch self {
        case let .insufficientAvailable(sku, location, requested, available):
            "insufficient stock: \(sku) at \(location) has \(max(available, 0)) available, \(requested) requested (short by \(requested - max(available, 0)))"
        case let .sameLocation(code):
            "transfer: from and to are both \(code)"
        case let .unknownReason(code):
            "reason: unknown reason code \(code.debugDescription); use one of \(Ledger.reasonCodes.joined(separator: ", "))"
        case let .invalidQuantity(field, value, problem):
            "\(field): \(problem) (\(value))"
        }
    }

    /// How many units short the movement was, when it was refused for stock.
    public var shortBy: Int? {
        if case let .insufficientAvailable(_, _, requested, available) = self { return requested - max(available, 0) }
        return nil
    }
}

/// The rules of the stock ledger.
///
/// On hand never goes negative. Stock that is reserved by a hold cannot be issued, transferred or adjusted away:
/// such a movement is refused and says by how much it is short. A count records what is physically there, so it is
/// accepted even when it falls below what is reserved; available then shows the shortfall.
public enum Ledger {
    public static let maximumQuantity = 1_000_000_000

    /// Adjustment reason codes.
    public static let reasonCodes = ["DAMAGE", "LOSS", "FOUND", "EXPIRY", "THEFT", "SAMPLE", "RETURN", "CORRECTION"]

    /// Checks a movement against the current positions and returns what it does to on hand at each location.
    public static func effects(of movement: Movement, sku: String,
                               position: (String) -> StockPosition) throws(LedgerError) -> [LedgerEffect] {
        switch movement {
        case let .receipt(quantity, to):
            try positive(quantity)
            return [LedgerEffect(location: to, delta: quantity)]
        case let .issue(quantity, from):
            try positive(quantity)
            try take(quantity, sku: sku, at: from, position(from))
            return [LedgerEffect(location: from, delta: -quantity)]
        case let .transfer(quantity, from, to):
            try positive(quantity)
            guard from.lowercased() != to.lowercased() else { throw .sameLocation(from) }
            try take(quantity, sku: sku, at: from, position(from))
            return [LedgerEffect(location: from, delta: -quantity), LedgerEffect(location: to, delta: quantity)]
        case let .adjustment(delta, at, reason):
            guard delta != 0 else { throw .invalidQuantity(field: "quantity", value: 0, problem: "an adjustment must not be zero") }
            guard delta.magnitude <= maximumQuantity else {
                throw .invalidQuantity(field: "quantity", value: delta, problem: "more than \(maximumQuantity)")
            }
            guard reasonCodes.contains(reason.uppercased()) else { throw .unknownReason(reason) }
            if delta < 0 { try take(-delta, sku: sku, at: at, position(at)) }
            return [LedgerEffect(location: at, delta: delta)]
        case let .count(counted, at):
            guard counted >= 0 else { throw .invalidQuantity(field: "counted", value: counted, problem: "a count must not be negative") }
            guard counted <= maximumQuantity else {
                throw .invalidQuantity(field: "counted", value: counted, problem: "more than \(maximumQuantity)")
            }
            return [LedgerEffect(location: at, delta: counted - position(at).onHand)]
        }
    }

    /// An inactive item takes no new receipts, issues or transfers; counts and adjustments still correct its books.
    public static func checkItemAccepts(_ kind: MovementKind, item: Item) throws(Failure) {
        guard item.active || kind == .count || kind == .adjustment else {
            throw Failure(.conflict, "item \(item.sku) is inactive; only counts and adjustments may be posted to it")
        }
    }

    /// Checks a new hold against the position it reserves from.
    public static func checkHold(quantity: Int, sku: String, location: String, position: StockPosition) throws(LedgerError) {
        try positive(quantity)
        try take(quantity, sku: sku, at: location, position)
    }

    private static func positive(_ quantity: Int) throws(LedgerError) {
        guard quantity > 0 else { throw .invalidQuantity(field: "quantity", value: quantity, problem: "must be greater than zero") }
        guard quantity <= maximumQuantity else {
            throw .invalidQuantity(field: "quantity", value: quantity, problem: "more than \(maximumQuantity)")
        }
    }

    private static func take(_ quantity: Int, sku: String, at location: String, _ position: StockPosition) throws(LedgerError) {
        guard quantity <= position.available else {
            throw .insufficientAvailable(sku: sku, location: location, requested: quantity, available: position.available)
        }
    }
}

/// Stock reserved for a customer until it expires or is released.
public struct Hold: Hashable, Sendable, Codable {
    public var id: Int64
    public var sku: String
    public var location: String
    public var account: String
    public var quantity: Int
    public var owner: String
    public var createdAt: Date
    public var expiresAt: Date
    public var releasedAt: Date?
    public var releasedBy: String?

    public init(id: Int64, sku: String, location: String, account: String, quantity: Int, owner: String,
                createdAt: Date, expiresAt: Date, releasedAt: Date? = nil, releasedBy: String? = nil) {
        self.id = id
        self.sku = sku
        self.location = location
        self.account = account
        self.quantity = quantity
        self.owner = owner
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.releasedAt = releasedAt
        self.releasedBy = releasedBy
    }

    /// A hold counts as reserved until it is released or its expiry passes.
    public func isActive(at now: Date) -> Bool { releasedAt == nil && expiresAt > now }

    public static let defaultDuration: TimeInterval = 7 * 86_400
    public static let maximumDuration: TimeInterval = 90 * 86_400

    /// Checks an expiry asked for a new hold.
    public static func checkExpiry(_ expiresAt: Date, now: Date) throws(Failure) {
        guard expiresAt > now else { throw Failure.invalid("expires", UTC.iso(expiresAt), "must be in the future") }
        guard expiresAt.timeIntervalSince(now) <= maximumDuration else {
            throw Failure.invalid("expires", UTC.iso(expiresAt), "a hold lasts at most 90 days")
        }
    }

    /// Who may release a hold: its owner, or a role that may release anyone's.
    public static func mayRelease(_ hold: Hold, by user: User) -> Bool {
        hold.owner.lowercased() == user.name.lowercased() || user.may(.releaseAnyHold)
    }
}

/// A receipt expected on a date (a purchase order line); counts as incoming until it is received.
public struct ExpectedReceipt: Hashable, Sendable, Codable {
    public var id: Int64
    public var sku: String
    public var location: String
    public var quantity: Int
    public var due: Day
    public var reference: String

    public init(id: Int64, sku: String, location: String, quantity: Int, due: Day, reference: String) {
        self.id = id
        self.sku = sku
        self.location = location
        self.quantity = quantity
        self.due = due
        self.reference = reference
    }
}

extension ExpectedReceipt {
    /// An expected receipt is due today or later.
    public static func checkDue(_ due: Day, today: Day) throws(Failure) {
        guard due >= today else { throw Failure.invalid("due", due.description, "is in the past") }
    }

    /// What a receipt does to the expected receipts of its item and location: when its reference names one (a
    /// purchase order), the received quantity is taken off what is still expected, earliest due first.
    /// Returns the new remaining quantity of each expected receipt it touched.
    public static func receiving(_ quantity: Int, reference: String, against open: [ExpectedReceipt]) -> [(id: Int64, remaining: Int)] {
        let ref = reference.trimmingSpaces.lowercased()
        guard !ref.isEmpty else { return [] }
        var left = quantity
        var result: [(Int64, Int)] = []
        for expected in open.sorted(by: { ($0.due, $0.id) < ($1.due, $1.id) })
        where expected.reference.lowercased() == ref && expected.quantity > 0 && left > 0 {
            let taken = min(left, expected.quantity)
            left -= taken
            result.append((expected.id, expected.quantity - taken))
        }
        return result
    }
}
