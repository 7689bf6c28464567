import Foundation

/// Which requests the console's queue lists, and in what order.
public struct RequestListQuery: Sendable, Hashable {
    /// The columns of the queue the store can order by. The question's text is left out: ordering free text helps no
    /// one find a request.
    public enum Sort: String, Sendable, Hashable, CaseIterable {
        case id
        /// The workflow's order: new, claimed, answered, waiting, closed.
        case state
        /// Most urgent first when ascending.
        case priority
        case account
        case item
        case requester
        /// When the SLA is due (the business-time due time the store keeps); the queue's default.
        case due
    }

    public var view: QueueView
    public var state: RequestStateFilter
    public var sort: Sort
    public var descending: Bool

    public init(view: QueueView, state: RequestStateFilter = .open, sort: Sort = .due, descending: Bool = false) {
        self.view = view
        self.state = state
        self.sort = sort
        self.descending = descending
    }
}

/// Moving a list's sort column among the columns shown, as htop's and k9s's `<` `>` do.
public enum SortColumns {
    /// The column `step` places after `current` among `columns` (before it when negative), wrapping at either end;
    /// the first column when `current` is not among them.
    public static func move<Column: Equatable>(_ current: Column, by step: Int, among columns: [Column]) -> Column {
        guard !columns.isEmpty else { return current }
        guard let index = columns.firstIndex(of: current) else { return columns[0] }
        let count = columns.count
        return columns[((index + step) % count + count) % count]
    }
}

extension RequestStateFilter {
    /// The filter's name where it is kept: "open", "any", or a state's name.
    public var name: String {
        switch self {
        case .open: "open"
        case .any: "any"
        case .only(let state): state.rawValue
        }
    }

    /// The filter a name stands for; nil for any other text.
    public init?(name: String) {
        switch name {
        case "open": self = .open
        case "any": self = .any
        default:
            guard let state = RequestState(rawValue: name) else { return nil }
            self = .only(state)
        }
    }
}

/// A user's way of looking at a list: the sort and the filters of the Inventory or the Queue, under a name.
///
/// Views are personal: the store keeps them per user, and one user never sees another's. The view a user left each
/// pane in is kept too (without a name), so the console opens the way it was left.
public struct SavedView: Sendable, Hashable {
    /// The panes with views.
    public enum Pane: String, Sendable, Hashable, CaseIterable {
        case inventory
        case queue
    }

    /// What a view holds, by pane.
    public enum Settings: Sendable, Hashable {
        /// The search text, filters and sort of the item list.
        case inventory(ItemListQuery)
        /// The scope, state filter and sort of the queue.
        case queue(RequestListQuery)

        public var pane: Pane {
            switch self {
            case .inventory: .inventory
            case .queue: .queue
            }
        }
    }

    /// The longest name a view may have, in characters.
    public static let maxNameLength = 40
    /// The most views one user keeps for one pane.
    public static let maxPerPane = 100

    public var name: String
    public var settings: Settings
    public var pane: Pane { settings.pane }

    public init(name: String, settings: Settings) {
        self.name = name
        self.settings = settings
    }

    /// A view's name as typed, checked: surrounding spaces dropped, not empty, at most `maxNameLength` characters,
    /// no control characters or bidi controls. The error quotes at most the first 20 characters of what was typed.
    public static func checkName(_ name: String) throws(Failure) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        let shown = trimmed.count > 20 ? String(trimmed.prefix(20)) + "…" : trimmed
        guard !trimmed.isEmpty else { throw Failure.invalid("view name", name, "must not be empty") }
        guard trimmed.count <= maxNameLength else {
            throw Failure.invalid("view name", shown, "longer than \(maxNameLength) characters")
        }
        if let scalar = trimmed.unicodeScalars.first(where: { $0.isControl || Sanitize.isBidiControl($0) }) {
            let what = Sanitize.isBidiControl(scalar) ? "a bidi control" : "a control character"
            throw Failure.invalid("view name", shown, "holds \(what) (\(Sanitize.codePoint(scalar)))")
        }
        return trimmed
    }

    /// Checks what a view holds before it is kept: the text fields within the lengths the console's boxes allow, with
    /// no control characters.
    public static func checkSettings(_ settings: Settings) throws(Failure) {
        guard case .inventory(let query) = settings else { return }
        for (field, value, limit) in [("search", query.search, 80), ("location", query.location ?? "", 64),
                                      ("category", query.category ?? "", 200)] {
            guard value.count <= limit else { throw Failure.invalid(field, String(value.prefix(20)) + "…", "longer than \(limit) characters") }
            if let scalar = value.unicodeScalars.first(where: { $0.isControl || Sanitize.isBidiControl($0) }) {
                throw Failure.invalid(field, String(value.prefix(20)), "holds a control character (\(Sanitize.codePoint(scalar)))")
            }
        }
    }
}
