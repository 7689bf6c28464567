import Foundation

/// An item's stock at every location that has any.
public struct StockAnswer: Sendable, Codable, Hashable {
    public struct Line: Sendable, Codable, Hashable {
        public var location: String
        public var locationName: String
        public var sellable: Bool
        public var position: StockPosition
        /// The earliest expected receipt here, if any.
        public var nextReceipt: Day?

        public init(location: String, locationName: String, sellable: Bool, position: StockPosition, nextReceipt: Day?) {
            self.location = location
            self.locationName = locationName
            self.sellable = sellable
            self.position = position
            self.nextReceipt = nextReceipt
        }
    }

    public var item: Item
    public var lines: [Line]

    public init(item: Item, lines: [Line]) {
        self.item = item
        self.lines = lines
    }

    public var totals: StockPosition { lines.reduce(StockPosition()) { $0 + $1.position } }
    public var nextReceipt: Day? { lines.compactMap(\.nextReceipt).min() }
    public var belowReorderPoint: Bool { totals.onHand < item.reorderPoint }

    /// The answer as a role may see it: sales sees sellable locations only and no cost.
    public func visible(to user: User) -> StockAnswer {
        var copy = self
        copy.item = item.visible(to: user)
        if !user.may(.viewUnsellableStock) { copy.lines = lines.filter(\.sellable) }
        return copy
    }
}

/// A movement as the journal holds it.
public struct JournalEntry: Sendable, Codable, Hashable {
    public var id: Int64
    public var kind: MovementKind
    public var sku: String
    public var location: String
    public var toLocation: String?
    /// Receipt, issue, transfer: the quantity moved. Adjustment and count: the signed change posted.
    public var quantity: Int
    public var counted: Int?
    public var reason: String?
    public var reference: String?
    public var actor: String
    public var source: String
    public var at: Date

    public init(id: Int64, kind: MovementKind, sku: String, location: String, toLocation: String?, quantity: Int,
                counted: Int?, reason: String?, reference: String?, actor: String, source: String, at: Date) {
        self.id = id
        self.kind = kind
        self.sku = sku
        self.location = location
        self.toLocation = toLocation
        self.quantity = quantity
        self.counted = counted
        self.reason = reason
        self.reference = reference
        self.actor = actor
        self.source = source
        self.at = at
    }
}

/// What the inventory pane shows about the selected item.
public struct ItemDetail: Sendable, Equatable {
    public var stock: StockAnswer
    public var movements: [JournalEntry]
    /// End-of-day stock on hand for the last 90 days, oldest first.
    public var history: [Int]

    public init(stock: StockAnswer, movements: [JournalEntry], history: [Int]) {
        self.stock = stock
        self.movements = movements
        self.history = history
    }
}

/// The outcome of posting a movement: the journal entry and the new stock at each touched location.
public struct PostedMovement: Sendable, Codable {
    public var entry: JournalEntry
    public var stock: StockAnswer

    public init(entry: JournalEntry, stock: StockAnswer) {
        self.entry = entry
        self.stock = stock
    }
}
