import Foundation

/// Which items the console's item list shows, and in what order.
public struct ItemListQuery: Sendable, Hashable {
    /// The orders the list offers: its columns the store has an index for, so a page of a million-item list costs what
    /// a page of a hundred does. The stock columns (on hand, available) are sums over balances and holds worked out
    /// per row, which no index orders: sorting a million items by them would read every balance, so they are left out.
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        case sku
        case name
    }

    /// Words to search for (each as a prefix, in SKU, name and category); empty lists the whole catalogue. Search
    /// results come in catalogue order, whatever `sort` and `descending` say.
    public var search: String
    /// Only items whose stock on hand is below their reorder point.
    public var belowReorderOnly: Bool
    /// Only items with stock at this location; the quantities shown are then that location's.
    public var location: String?
    /// Only items in this category or below it.
    public var category: String?
    public var sort: Sort
    /// Whether the list runs from the last row of `sort` to the first (SKU ties broken the same way).
    public var descending: Bool

    public init(search: String = "", belowReorderOnly: Bool = false, location: String? = nil, category: String? = nil,
                sort: Sort = .sku, descending: Bool = false) {
        self.search = search
        self.belowReorderOnly = belowReorderOnly
        self.location = location
        self.category = category
        self.sort = sort
        self.descending = descending
    }

    /// Whether the words of `search` give the index anything to look for.
    public var isSearch: Bool { !Self.searchWords(search).isEmpty }

    /// The words a search looks for, each as a prefix: runs of letters and digits, lowercased, at most 8 words of at
    /// most 8 characters (longer words still match by their first 8). Every engine searches for exactly these.
    public static func searchWords(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.prefix(8).map { String($0.prefix(8)) }
    }
}

/// One row of the item list: the item and its stock, summed over the locations the user may see (or the filter's one).
public struct ItemListRow: Sendable, Hashable {
    public var item: Item
    public var onHand: Int
    public var reserved: Int
    /// What is on order (read only for the list of items below their reorder point, where it decides the suggestion).
    public var incoming: Int
    public var available: Int { onHand - reserved }
    public var belowReorderPoint: Bool { onHand < item.reorderPoint }
    /// The quantity to order on projected stock, if any (`Reorder.suggestion`).
    public var suggested: Int? { Reorder.suggestion(for: item, projected: available + incoming) }

    public init(item: Item, onHand: Int, reserved: Int, incoming: Int = 0) {
        self.item = item
        self.onHand = onHand
        self.reserved = reserved
        self.incoming = incoming
    }
}

/// Where a page of a list starts: a position, or next to a row already on screen (a keyset, which costs the same
/// anywhere in the list), or the end.
public enum PageAnchor<Row: Sendable>: Sendable {
    /// Skip this many rows from the start.
    case offset(Int)
    /// The rows right after this one.
    case after(Row)
    /// The rows right before this one (returned in list order).
    case before(Row)
    /// The last rows of the list.
    case tail
}

extension PageAnchor: Equatable where Row: Equatable {}
