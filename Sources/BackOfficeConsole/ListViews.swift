import BackOfficeCore
import Foundation
import TerminalUI

/// Sorting the Inventory and Queue lists by their columns (`<` `>` move the sort column, `s` reverses it), and the
/// user's saved views of them (`v`): the sort and filters under a name, and the view each pane was left in.
enum ListViews {
    // MARK: - Sorting

    /// `<`, `>` or `s` in the pane's list. The store sorts (the list is paged); the item or request selected stays
    /// selected where the new order puts it.
    static func sort(_ command: ConsoleCommand, _ state: inout ConsoleState) -> [ConsoleEffect] {
        switch state.pane {
        case .inventory:
            var query = state.inventory.query
            let columns = InventoryState.columnSorts.compactMap { $0 }
            change(&query.sort, &query.descending, command, columns)
            state.inventory.query = query
            let title = columnTitle(state.inventory.list.table, InventoryState.columnSorts, query.sort)
            if query.isSearch {
                // Search results come in catalogue order whatever the sort: nothing to fetch again.
                state.message = .info("sorted by \(title), \(direction(query.descending)) once the search is cleared; search results stay in catalogue order")
                return []
            }
            state.message = .info("sorted by \(title), \(direction(query.descending))")
            return Inventory.resort(&state)
        case .queue:
            var query = state.queue.query
            let columns = QueueState.columnSorts.compactMap { $0 }
            change(&query.sort, &query.descending, command, columns)
            state.queue.query = query
            let title = columnTitle(state.queue.list.table, QueueState.columnSorts, query.sort)
            state.message = .info("sorted by \(title), \(direction(query.descending))")
            return QueuePane.resort(&state)
        case .pricing:
            return []
        }
    }

    /// A new column starts ascending; `s` turns the direction round.
    private static func change<Column: Equatable>(_ sort: inout Column, _ descending: inout Bool, _ command: ConsoleCommand,
                                                  _ columns: [Column]) {
        switch command {
        case .sortNext:
            sort = SortColumns.move(sort, by: 1, among: columns)
            descending = false
        case .sortPrevious:
            sort = SortColumns.move(sort, by: -1, among: columns)
            descending = false
        default:
            descending.toggle()
        }
    }

    static func direction(_ descending: Bool) -> String { descending ? "descending" : "ascending" }

    /// The heading of the column a sort orders by.
    static func columnTitle<Column: Equatable>(_ table: TableView, _ sorts: [Column?], _ sort: Column) -> String {
        guard let index = sorts.firstIndex(of: sort), table.columns.indices.contains(index) else { return "\(sort)" }
        return table.columns[index].title
    }

    /// The list's columns with the sort column's heading marked by its direction: ▲ ascending, ▼ descending (^ and v
    /// where the terminal draws no Unicode lines; the curses backend also falls back so in an ASCII locale).
    static func marked<Column: Equatable>(_ table: TableView, _ sorts: [Column?], _ sort: Column?, descending: Bool,
                                          unicode: Bool) -> TableView {
        var table = table
        guard let sort, let index = sorts.firstIndex(of: sort), table.columns.indices.contains(index) else { return table }
        let marker = unicode ? (descending ? "▼" : "▲") : (descending ? "v" : "^")
        table.columns[index].title += marker
        return table
    }

    // MARK: - The view each pane was left in

    /// What the user has each pane in now, written to the store when it changed since the last time, so the console
    /// opens the same way next time. Run after every key that leaves the pane with the keyboard (typing in the search
    /// box writes nothing until the search is kept or cleared).
    static func remember(_ state: inout ConsoleState) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        if state.inventory.remembered != state.inventory.query {
            state.inventory.remembered = state.inventory.query
            effects.append(.rememberView(.inventory(state.inventory.query)))
        }
        if state.queue.remembered != state.queue.query {
            state.queue.remembered = state.queue.query
            effects.append(.rememberView(.queue(state.queue.query)))
        }
        return effects
    }

    /// The views the user left the panes in, when the console opens: the list is fetched again only when it differs.
    static func lastLoaded(_ views: [SavedView.Settings], _ state: inout ConsoleState) -> [ConsoleEffect] {
        let before = state.inventory.query
        for settings in views {
            switch settings {
            case .inventory(let query): state.inventory.query = usable(query, state)
            case .queue(let query): state.queue.query = usable(query, state)
            }
        }
        state.inventory.searchField.setText(state.inventory.query.search)
        state.inventory.remembered = state.inventory.query
        state.queue.remembered = state.queue.query
        return state.inventory.query == before ? [] : Inventory.reload(&state)
    }

    /// A kept inventory view as this user can use it now: a location that is gone or out of sight is dropped.
    static func usable(_ query: ItemListQuery, _ state: ConsoleState) -> ItemListQuery {
        var query = query
        if let code = query.location, !state.locations.isEmpty,
           !state.locations.contains(where: { $0.code.caseInsensitiveCompare(code) == .orderedSame }) {
            query.location = nil
        }
        return query
    }

    /// A kept queue view as this user can use it: a scope the role does not have becomes the role's first.
    static func usable(_ query: RequestListQuery, _ state: ConsoleState) -> RequestListQuery {
        var query = query
        let scopes = QueuePane.scopes(for: state.user)
        if !scopes.contains(query.view) { query.view = scopes[0] }
        return query
    }

    /// Shows a view: its filters and sort, the list fetched again.
    static func apply(_ view: SavedView, _ state: inout ConsoleState) -> [ConsoleEffect] {
        switch view.settings {
        case .inventory(let query):
            state.inventory.query = usable(query, state)
            state.inventory.searchField.setText(state.inventory.query.search)
            state.inventory.searching = false
            state.message = .info("view \(view.name): \(describe(view.settings, state))")
            return Inventory.reload(&state)
        case .queue(let query):
            state.queue.query = usable(query, state)
            state.message = .info("view \(view.name): \(describe(view.settings, state))")
            return QueuePane.reload(&state)
        }
    }

    /// A view in a few words, for the picker and the message line: "below reorder · at MAIN · by NAME ▼".
    static func describe(_ settings: SavedView.Settings, _ state: ConsoleState) -> String {
        var parts: [String] = []
        let arrow = { (descending: Bool) in state.unicode ? (descending ? "▼" : "▲") : (descending ? "v" : "^") }
        switch settings {
        case .inventory(let query):
            if !query.search.isEmpty { parts.append("search \(query.search)") }
            if query.belowReorderOnly { parts.append("below reorder") }
            if let location = query.location { parts.append("at \(location)") }
            if let category = query.category, !category.isEmpty { parts.append("in \(category)") }
            parts.append("by \(columnTitle(state.inventory.list.table, InventoryState.columnSorts, query.sort)) \(arrow(query.descending))")
        case .queue(let query):
            parts.append(QueuePane.describe(query.view))
            parts.append(QueuePane.describe(query.state))
            parts.append("by \(columnTitle(state.queue.list.table, QueueState.columnSorts, query.sort)) \(arrow(query.descending))")
        }
        return parts.joined(separator: " · ")
    }

    // MARK: - The saved views' picker

    static func viewPane(_ pane: Pane) -> SavedView.Pane? {
        switch pane {
        case .inventory: .inventory
        case .queue: .queue
        case .pricing: nil
        }
    }

    /// What the pane shows now, as a view's settings.
    static func current(_ pane: SavedView.Pane, _ state: ConsoleState) -> SavedView.Settings {
        switch pane {
        case .inventory: .inventory(state.inventory.query)
        case .queue: .queue(state.queue.query)
        }
    }

    /// `v`: the user's saved views of the pane, to apply one, save this one under a name, or delete one.
    static func open(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let pane = viewPane(state.pane) else { return [] }
        var picker = Picker(kind: .view(pane))
        picker.token = 1
        state.modal = .picker(picker)
        return [.listViews(pane, token: picker.token)]
    }

    static func listed(token: Int, _ views: [SavedView], _ state: inout ConsoleState) {
        guard case .picker(var picker) = state.modal, case .view = picker.kind, picker.token == token else { return }
        picker.views = views
        filter(&picker, state)
        state.modal = .picker(picker)
    }

    /// The views whose names hold the typed text (any case), each with what it shows.
    static func filter(_ picker: inout Picker, _ state: ConsoleState) {
        let text = picker.field.text.trimmingCharacters(in: .whitespaces)
        picker.choices = picker.views
            .filter { text.isEmpty || $0.name.range(of: text, options: .caseInsensitive) != nil }
            .map { Picker.Choice(code: $0.name, label: describe($0.settings, state)) }
        picker.selection = min(picker.selection, max(0, picker.choices.count - 1))
    }

    static func type(_ key: Key, _ picker: Picker, _ state: inout ConsoleState) -> [ConsoleEffect] {
        var picker = picker
        if picker.field.handle(key) == .edited {
            picker.selection = 0
            filter(&picker, state)
        }
        state.modal = .picker(picker)
        return []
    }

    static func run(_ command: ConsoleCommand, _ picker: Picker, _ state: inout ConsoleState) -> [ConsoleEffect] {
        guard case .view(let pane) = picker.kind else { return [] }
        var picker = picker
        if picker.step(command) {
            state.modal = .picker(picker)
            return []
        }
        let chosen = picker.choices.indices.contains(picker.selection) ? picker.choices[picker.selection].code : nil
        switch command {
        case .cancel:
            state.modal = nil
            return []
        case .take:
            // A match is applied; a name that matches no view saves this one under it.
            guard let chosen, let view = picker.views.first(where: { $0.name == chosen }) else {
                return save(pane, picker, &state)
            }
            state.modal = nil
            return apply(view, &state)
        case .saveView:
            return save(pane, picker, &state)
        case .deleteView:
            guard let chosen else {
                state.message = .error("no view to delete: choose one with ↑ ↓")
                return []
            }
            state.modal = .confirm(ConfirmDialog(title: "Delete view", message: ["Delete the saved view \(chosen)?"], confirmLabel: "Delete",
                                                 cancelLabel: "Keep", defaultButton: .cancel),
                                   then: .deleteView(pane, name: chosen))
            return []
        default:
            return []
        }
    }

    /// Saves what the pane shows under the typed name, asking first when a view has that name already.
    static func save(_ pane: SavedView.Pane, _ picker: Picker, _ state: inout ConsoleState) -> [ConsoleEffect] {
        let name: String
        do {
            name = try SavedView.checkName(picker.field.text)
        } catch {
            state.message = .error(picker.field.text.trimmingCharacters(in: .whitespaces).isEmpty
                                   ? "type a name to save this view under" : error.message)
            return []
        }
        let view = SavedView(name: name, settings: current(pane, state))
        if let existing = picker.views.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) {
            state.modal = .confirm(ConfirmDialog(title: "Replace view", message: ["Replace the saved view \(existing.name) with this one?"],
                                                 confirmLabel: "Replace", cancelLabel: "Keep", defaultButton: .cancel),
                                   then: .saveView(view, replace: true))
            return []
        }
        state.modal = nil
        return [.saveView(view, replace: false)]
    }
}
