import BackOfficeCore
import Foundation
import TerminalUI

/// A cycle count inside the inventory pane: the items to count with the books' quantity, what was counted and the
/// variance; a box that takes a scanned SKU (each scan counts one) or a quantity for the selected line.
enum CountKeys {
    static func open(_ state: inout ConsoleState) -> [ConsoleEffect] {
        let preferred = state.inventory.query.location ?? state.inventory.list.selected.flatMap { Inventory.fullestLocation(state, $0.item) }
        state.modal = .form(ActionForms.startCount(locations: state.locations, preferred: preferred))
        return []
    }

    static func loaded(_ session: CountSession, select sku: String?, _ state: inout ConsoleState) -> [ConsoleEffect] {
        var work = state.inventory.count.flatMap { $0.session.id == session.id ? $0 : nil } ?? CountWork(session: session)
        work.session = session
        if let sku, let index = session.lines.firstIndex(where: { $0.sku.caseInsensitiveCompare(sku) == .orderedSame }) {
            work.selection = index
        }
        work.selection = min(work.selection, max(0, session.lines.count - 1))
        state.inventory.count = work
        state.pane = .inventory
        if session.state == .posted { state.message = .success("count \(session.id) posted") }
        return []
    }

    /// Why the count on screen cannot take a count or be posted now, or nil.
    static func refusal(_ command: ConsoleCommand, _ state: ConsoleState) -> String? {
        guard let work = state.inventory.count else { return nil }
        do { try work.session.checkOpen() } catch { return error.message }
        if command == .enterCount && work.field.text.trimmingCharacters(in: .whitespaces).isEmpty {
            return "scan or type a SKU first, or a quantity for the selected line"
        }
        return nil
    }

    /// Esc: back to the item list; an open count stays open to be resumed.
    static func leave(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let work = state.inventory.count else { return [] }
        state.inventory.count = nil
        state.message = work.session.state == .open ? .info("count \(work.session.id) stays open: C and its number resumes it") : .empty
        return []
    }

    /// Moves the selected line.
    static func move(_ command: ConsoleCommand, _ state: inout ConsoleState) -> [ConsoleEffect] {
        guard var work = state.inventory.count else { return [] }
        let last = max(0, work.session.lines.count - 1)
        switch command {
        case .moveUp: work.selection = max(0, work.selection - 1)
        case .moveDown: work.selection = min(last, work.selection + 1)
        case .pageUp: work.selection = max(0, work.selection - 10)
        case .pageDown: work.selection = min(last, work.selection + 10)
        default: break
        }
        state.inventory.count = work
        return []
    }

    /// Asks before posting the differences as count movements.
    static func post(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let work = state.inventory.count else { return [] }
        let id = work.session.id
        let differences = work.session.differences.count
        state.modal = .confirm(ConfirmDialog(title: "Post count \(id)", message: [
            "\(work.session.counted) of \(work.session.lines.count) items counted; \(differences) differ from the books.",
            "Post the differences as count movements at \(work.session.location)?",
        ], confirmLabel: "Post", cancelLabel: "Not yet", defaultButton: .cancel), then: .postCount(id))
        return []
    }

    /// Enter: a number sets the selected line; anything else is a SKU, which a scanner types with Enter once per unit.
    static func enter(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard var work = state.inventory.count else { return [] }
        let id = work.session.id
        let text = work.field.text.trimmingCharacters(in: .whitespaces)
        work.field.setText("")
        state.inventory.count = work
        if let quantity = Int(text) {
            guard work.session.lines.indices.contains(work.selection) else {
                state.message = .error("scan or type an item first, then its quantity")
                return []
            }
            return [.enterCount(id, sku: work.session.lines[work.selection].sku, quantity: quantity, add: false)]
        }
        return [.enterCount(id, sku: text, quantity: 1, add: true)]
    }
}

enum CountDrawing {
    static func draw(_ work: CountWork, _ state: ConsoleState, into grid: inout Grid) -> (x: Int, y: Int)? {
        let pane = state.paneRect
        let session = work.session
        let (top, rest) = pane.dividedTop(2)
        let title = "Count \(session.id) at \(session.location)" + (session.category.isEmpty ? "" : " · \(session.category)")
            + " · \(session.state.rawValue) · \(session.counted)/\(session.lines.count) counted · \(session.differences.count) differ"
        grid.put(" " + title, x: top.x, y: top.y, role: .title, maxWidth: top.width)
        // The keys are on the message line; the field's placeholder says what to type.
        let x = grid.put(" > ", x: top.x, y: top.y + 1, role: .keyHint)
        let field = Rect(x: x, y: top.y + 1, width: min(76, top.maxX - x - 1), height: 1)
        work.field.draw(into: &grid, in: field, focused: session.state == .open)

        let height = max(0, rest.height - 1)
        let first = max(0, min(work.selection - height / 2, session.lines.count - height))
        let shown = session.lines.dropFirst(first).prefix(height)
        let rows = shown.enumerated().map { offset, line -> TableRow in
            let variance = line.variance
            let role: StyleRole = first + offset == work.selection ? .selection : line.counted == nil ? .muted : .normal
            return TableRow([TableCell(line.sku), TableCell(line.name), TableCell(String(line.expected)),
                             TableCell(line.counted.map(String.init) ?? "·"),
                             TableCell(variance.map(\.signed) ?? "", role: (variance ?? 0) == 0 ? nil : .warning)],
                            role: role)
        }
        StaticTable.draw(columns: [TableColumn("SKU", width: .fixed(12)), TableColumn("NAME", width: .fill),
                                   TableColumn("BOOKS", width: .fixed(8), alignment: .right),
                                   TableColumn("COUNTED", width: .fixed(8), alignment: .right),
                                   TableColumn("VARIANCE", width: .fixed(9), alignment: .right)],
                         rows: rows, in: rest, into: &grid)
        return session.state == .open && state.modal == nil ? work.field.cursorPosition(in: field) : nil
    }
}
