import BackOfficeCore
import Foundation
import TerminalUI

/// The inventory pane's keys: search as you type, filters, and the movement and hold forms.
enum Inventory {
    /// Puts `text` in the search box and searches for it (empty: the whole list again).
    static func search(for text: String, _ state: inout ConsoleState) -> [ConsoleEffect] {
        state.inventory.searchField.setText(text)
        state.inventory.query.search = text
        return reload(&state)
    }

    /// Starts the list over for the current query: count it and fetch its first page.
    static func reload(_ state: inout ConsoleState) -> [ConsoleEffect] {
        let query = state.inventory.query
        state.inventory.list.reset(emptyMessage: query.isSearch ? "No items match \(query.search)" : "No items")
        state.inventory.detail = nil
        var effects: [ConsoleEffect] = [.countItems(query, generation: state.inventory.list.generation)]
        if let page = state.inventory.list.plan() { effects.append(.loadItems(query, page)) }
        return effects
    }

    /// Starts the list over in a new order, keeping the selected item selected where the order puts it.
    static func resort(_ state: inout ConsoleState) -> [ConsoleEffect] {
        let kept = state.inventory.list.selected
        let effects = reload(&state)
        guard let kept else { return effects }
        // The first page would show the top of the list; the item's place in the new order is asked for instead.
        return effects.filter { if case .loadItems = $0 { false } else { true } }
            + [.locateItem(state.inventory.query, kept, generation: state.inventory.list.generation)]
    }

    /// Loads the selected item's detail when the selection has moved to another item.
    static func followSelection(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let selected = state.inventory.list.selected else { return [] }
        if state.inventory.detail?.stock.item.sku == selected.item.sku { return [] }
        state.inventory.detail = nil
        return [.loadItemDetail(sku: selected.item.sku)]
    }

    static let nothingSelected = "select an item first: / searches, j and k move"

    static func selectedItem(_ state: inout ConsoleState) -> Item? {
        guard let item = state.inventory.list.selected?.item else {
            state.message = .error(nothingSelected)
            return nil
        }
        return item
    }

    /// Why a movement of this kind cannot be posted to the selected item now (Core's rule), or nil.
    static func refusal(_ kind: MovementKind, _ state: ConsoleState) -> String? {
        guard let item = state.inventory.list.selected?.item else { return nothingSelected }
        do {
            try Ledger.checkItemAccepts(kind, item: item)
            return nil
        } catch {
            return error.message
        }
    }

    static func openMovement(_ kind: MovementKind, _ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let item = selectedItem(&state) else { return [] }
        if let refusal = refusal(kind, state) {
            state.message = .error(refusal)
            return []
        }
        state.modal = .form(ActionForms.movement(kind, item: item, locations: state.locations, preferred: fullestLocation(state, item)))
        return []
    }

    static func openHold(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let item = selectedItem(&state) else { return [] }
        state.modal = .form(ActionForms.hold(item: item, locations: state.locations,
                                             sellableOnly: !state.user.may(.viewUnsellableStock),
                                             preferred: fullestLocation(state, item, sellableOnly: true)))
        return []
    }

    /// Where the item has most stock, so a form starts on the location the clerk most likely means.
    static func fullestLocation(_ state: ConsoleState, _ item: Item, sellableOnly: Bool = false) -> String? {
        guard let stock = state.inventory.detail?.stock, stock.item.sku == item.sku else { return nil }
        return stock.lines.filter { !sellableOnly || $0.sellable }.max { $0.position.onHand < $1.position.onHand }?.location
    }

    /// Enter: the selected item into the pricing pane.
    static func priceSelected(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard state.user.may(.viewPrices), let item = selectedItem(&state) else { return [] }
        state.pricing.item = item
        state.pane = .pricing
        return Pricing.requote(&state)
    }
}

/// Draws the inventory pane: search line, item list, and the selected item's detail (beside the list when the screen
/// is wide, under it when not).
enum InventoryDrawing {
    static func areas(_ state: ConsoleState) -> (search: Rect, list: Rect, detail: Rect) {
        let pane = state.paneRect
        let (search, rest) = pane.dividedTop(1)
        if state.isWide {
            let (list, detail) = rest.dividedLeft(rest.width / 2)
            return (search, list, detail.inset(left: 1))
        }
        let listHeight = max(4, rest.height * 9 / 20)
        let (list, detail) = rest.dividedTop(listHeight)
        return (search, list, detail)
    }

    static func listRect(_ state: ConsoleState) -> Rect { areas(state).list }

    static func draw(_ state: ConsoleState, into grid: inout Grid) -> (x: Int, y: Int)? {
        let inventory = state.inventory
        let (searchRect, listRect, detailRect) = areas(state)
        var cursor: (x: Int, y: Int)?

        // Search line: the box, the filters in force, how many items.
        var x = grid.put(" / ", x: searchRect.x, y: searchRect.y, role: .keyHint)
        let fieldRect = Rect(x: x, y: searchRect.y, width: min(30, max(0, searchRect.maxX - x)), height: 1)
        inventory.searchField.draw(into: &grid, in: fieldRect, focused: inventory.searching)
        if inventory.searching { cursor = inventory.searchField.cursorPosition(in: fieldRect) }
        x = fieldRect.maxX + 2
        let list = inventory.list.table.list
        let count = list.isRowCountExact ? "\(list.rowCount.grouped) item\(list.rowCount == 1 ? "" : "s")" : list.rowCount == 0 ? "counting…" : "\(list.rowCount.grouped)+ items"
        var filters: [String] = []
        let q = inventory.query
        if q.belowReorderOnly { filters.append("below reorder") }
        if let location = q.location { filters.append("at \(location)") }
        if let category = q.category, !category.isEmpty { filters.append("in \(category)") }
        let countX = searchRect.maxX - TextWidth.of(count) - 1
        grid.put(filters.joined(separator: " · "), x: x, y: searchRect.y, role: .muted, maxWidth: max(0, countX - x - 1))
        grid.put(count, x: countX, y: searchRect.y, role: .muted)

        // Below the reorder point, a column says how many to order (– when what is on order covers it).
        // The header marks the sort column; search results come in catalogue order, so none is marked then.
        var table = ListViews.marked(inventory.list.table, InventoryState.columnSorts, q.isSearch ? nil : q.sort, descending: q.descending,
                                     unicode: state.unicode)
        if q.belowReorderOnly { table.columns.append(TableColumn("ORDER", width: .fixed(7), alignment: .right)) }
        table.draw(into: &grid, in: listRect, focused: state.modal == nil, window: inventory.list.window) { row in
            var cells = [
                TableCell(row.item.sku),
                TableCell(row.item.name, role: row.item.active ? nil : .muted),
                TableCell(String(row.onHand), role: row.belowReorderPoint ? .warning : nil),
                TableCell(String(row.available), role: row.available < 0 ? .error : nil),
            ]
            if q.belowReorderOnly { cells.append(TableCell(row.suggested.map(String.init) ?? "–", role: row.suggested == nil ? .muted : .title)) }
            return TableRow(cells)
        }
        drawDetail(state, in: detailRect, into: &grid)
        return cursor
    }

    static func drawDetail(_ state: ConsoleState, in rect: Rect, into grid: inout Grid) {
        guard rect.height > 1 else { return }
        let title = state.inventory.detail.map { "\($0.stock.item.sku) \($0.stock.item.name)" } ?? "Item"
        Box(rect, title: title, unicode: state.unicode).draw(in: &grid)
        let inside = rect.inset(top: 1, left: 1, bottom: 1, right: 1)
        guard let detail = state.inventory.detail else {
            let text = state.inventory.list.selected == nil ? "" : "loading…"
            grid.put(text, x: inside.x, y: inside.y, role: .muted, maxWidth: inside.width)
            return
        }
        let item = detail.stock.item
        var y = inside.y
        func line(_ text: String, role: StyleRole = .normal, x: Int? = nil) {
            guard y < inside.maxY else { return }
            grid.put(text, x: x ?? inside.x, y: y, role: role, maxWidth: inside.maxX - (x ?? inside.x))
            y += 1
        }
        var facts = [item.category.isEmpty ? "no category" : item.category, "unit \(item.unit)", "reorder at \(item.reorderPoint)"]
        if !item.active { facts.append("INACTIVE") }
        if let cost = item.cost { facts.append("cost \(cost.formatted)") }
        line(facts.joined(separator: " · "), role: .muted)

        // Stock per location.
        let columns = [TableColumn("LOCATION", width: .fill), TableColumn("ON HAND", width: .fixed(8), alignment: .right),
                       TableColumn("RESVD", width: .fixed(6), alignment: .right), TableColumn("AVAIL", width: .fixed(8), alignment: .right),
                       TableColumn("INCOM", width: .fixed(6), alignment: .right), TableColumn("PROJ", width: .fixed(8), alignment: .right)]
        var rows: [TableRow] = detail.stock.lines.map { line in
            let p = line.position
            return TableRow([TableCell(line.location + (line.sellable ? "" : " (no sale)"), role: line.sellable ? nil : .muted), TableCell(String(p.onHand)),
                             TableCell(String(p.reserved)), TableCell(String(p.available), role: p.available < 0 ? .error : nil),
                             TableCell(String(p.incoming)), TableCell(String(p.projected))])
        }
        let t = detail.stock.totals
        rows.append(TableRow([TableCell("TOTAL"), TableCell(String(t.onHand), role: detail.stock.belowReorderPoint ? .warning : nil),
                              TableCell(String(t.reserved)), TableCell(String(t.available)), TableCell(String(t.incoming)),
                              TableCell(String(t.projected))], role: .header))
        y += StaticTable.draw(columns: columns, rows: rows, in: Rect(x: inside.x, y: y, width: inside.width, height: max(0, inside.maxY - y)),
                              into: &grid)
        var notes: [String] = []
        if let next = detail.stock.nextReceipt { notes.append("next receipt \(next)") }
        if detail.stock.belowReorderPoint { notes.append("below reorder point") }
        if !notes.isEmpty { line(notes.joined(separator: " · "), role: detail.stock.belowReorderPoint ? .warning : .muted) }

        // 90-day history.
        if y < inside.maxY, !detail.history.isEmpty {
            let label = "90 days "
            let low = detail.history.min() ?? 0, high = detail.history.max() ?? 0
            let range = " \(low)–\(high)"
            let x = grid.put(label, x: inside.x, y: y, role: .muted)
            let width = max(0, inside.maxX - x - TextWidth.of(range))
            let spark = Sparkline.render(detail.history, width: width, unicode: state.unicode)
            let after = grid.put(spark, x: x, y: y, role: .title)
            grid.put(range, x: after, y: y, role: .muted, maxWidth: inside.maxX - after)
            y += 1
        }
        // The last `:atp` answer for this item: the day, and the timeline that leads there.
        if y < inside.maxY, let promise = state.inventory.promise, promise.sku == item.sku {
            line("When: " + promise.sentence, role: promise.date == nil ? .warning : .header)
            for receipt in promise.overdue where y < inside.maxY {
                line("  \(receipt.due) \(receipt.reference) overdue: \(receipt.quantity) at \(receipt.location), left out", role: .warning)
            }
            for step in promise.timeline where y < inside.maxY {
                line("  \(step.date) \(Text.padded("+\(step.change)", toWidth: 7, alignment: .right)) \(Text.padded(String(step.available), toWidth: 7, alignment: .right))"
                     + "  \(step.location) \(step.event)")
            }
        }
        // Recent movements.
        if y < inside.maxY, !detail.movements.isEmpty {
            line("Recent movements", role: .header)
            for entry in detail.movements where y < inside.maxY {
                let delta: String = switch entry.kind {
                case .receipt: "+\(entry.quantity)"
                case .issue: "-\(entry.quantity)"
                case .transfer: "\(entry.quantity)"
                case .adjustment: entry.quantity.signed
                case .count: entry.quantity >= 0 ? "+\(entry.quantity)" : "\(entry.quantity)"
                }
                let place = entry.toLocation.map { "\(entry.location)→\($0)" } ?? entry.location
                var text = "\(shortTime(entry.at)) \(Text.padded(entry.kind.rawValue, toWidth: 10))\(Text.padded(delta, toWidth: 7, alignment: .right)) \(place)"
                if let counted = entry.counted { text += " counted \(counted)" }
                if let reason = entry.reason { text += " \(reason)" }
                if let reference = entry.reference { text += " \(reference)" }
                text += " · \(entry.actor)"
                line(text)
            }
        }
    }

    /// "11-29 14:03": the year is left out to leave room for what happened.
    static func shortTime(_ date: Date) -> String {
        String(UTC.iso(date).dropFirst(5).prefix(11)).replacingOccurrences(of: "T", with: " ")
    }
}
