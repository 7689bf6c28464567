import Foundation

/// A cycle count: the books' quantity for each item at a location when counting began, and what was counted.
public struct CountSession: Sendable, Codable, Hashable {
    public enum State: String, Sendable, Codable {
        case open
        case posted
        case cancelled
    }

    public var id: Int64
    public var location: String
    /// Only items in this category (or below it); empty for every item at the location.
    public var category: String
    public var state: State
    public var createdBy: String
    public var createdAt: Date
    public var lines: [CountLine]

    public init(id: Int64, location: String, category: String, state: State, createdBy: String, createdAt: Date, lines: [CountLine]) {
        self.id = id
        self.location = location
        self.category = category
        self.state = state
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lines = lines
    }

    /// Refuses work on a count that is no longer open: nothing more is counted into it, and it is not posted twice.
    public func checkOpen() throws(Failure) {
        guard state == .open else { throw Failure(.conflict, "count \(id) is already \(state.rawValue)") }
    }

    public var counted: Int { lines.filter { $0.counted != nil }.count }
    /// Lines whose count differs from the books.
    public var differences: [CountLine] { lines.filter { ($0.variance ?? 0) != 0 } }
}

/// One item of a count.
public struct CountLine: Sendable, Codable, Hashable {
    public var sku: String
    public var name: String
    /// On hand in the books when the session started (0 for an item found that the books did not have there).
    public var expected: Int
    public var counted: Int?

    public init(sku: String, name: String, expected: Int, counted: Int?) {
        self.sku = sku
        self.name = name
        self.expected = expected
        self.counted = counted
    }

    /// Counted minus expected; nil until counted.
    public var variance: Int? { counted.map { $0 - expected } }

    /// What the line counts after entering `quantity`: the quantity itself, or (a scanner's `add`) the count so far
    /// plus it. Refused when the result is beyond what `count post` would accept, so a count never holds a quantity
    /// that can only fail when posted.
    public static func counted(entering quantity: Int, add: Bool, to previous: Int?) throws(Failure) -> Int {
        let entered = try Validate.quantity(quantity, allowZero: true)
        guard add, let previous else { return entered }
        // Both are within the maximum already, so the sum cannot overflow.
        let total = previous + entered
        guard total <= Ledger.maximumQuantity else {
            throw Failure.invalid("quantity", String(quantity), "adding it makes the count \(total), more than \(Ledger.maximumQuantity)")
        }
        return total
    }
}
