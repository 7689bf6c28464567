import BackOfficeCore
import Foundation
import TerminalUI

extension Console {
    /// One frame: the grid to present and where the terminal cursor goes (nil hides it).
    public struct Screen: Sendable {
        public var grid: Grid
        public var cursor: (x: Int, y: Int)?
    }

    /// Draws the whole screen for the state. Pure: the same state always draws the same grid.
    public static func view(_ state: ConsoleState) -> Screen {
        guard Frame.fits(width: state.width, height: state.height) else {
            return Screen(grid: Frame.tooSmall(width: state.width, height: state.height), cursor: nil)
        }
        var grid = Grid(width: state.width, height: state.height)
        let side = QueueAttention.Side(state.user)
        let status = Frame.Status(user: state.user.name, role: state.user.role, store: state.storeName, clock: clock(state.now),
                                  live: state.live, message: state.message, badge: state.attention?.badge(side: side),
                                  badgeLate: (state.attention?.late ?? 0) > 0)
        _ = Frame.draw(into: &grid, pane: state.pane, status: status, hints: hints(state))
        var cursor: (x: Int, y: Int)?
        switch state.pane {
        case .inventory:
            if let work = state.inventory.count {
                cursor = CountDrawing.draw(work, state, into: &grid)
            } else {
                cursor = InventoryDrawing.draw(state, into: &grid)
            }
        case .pricing: PricingDrawing.draw(state, into: &grid)
        case .queue: QueueDrawing.draw(state, into: &grid)
        }
        if let modal = state.modal {
            cursor = drawModal(modal, state, into: &grid)
        }
        return Screen(grid: grid, cursor: cursor)
    }

    /// The hints on the message line, from the key table: what can be done now where the keyboard is, for this user,
    /// as many whole hints as fit the line (the most used first), with a window's note before them when there is room.
    static func hints(_ state: ConsoleState) -> String {
        let context = state.keyContext
        let width = max(0, state.width - 2)
        let keys = KeyTable.hinted(in: context, pane: state.pane, for: state.user)
            .filter { disabledReason($0, in: context, state) == nil }
            .compactMap { hintText($0, in: context, state) }
        if context == .pane { return KeyTable.fit(keys, separator: KeyTable.paneHintSeparator, width: width) }
        let note: String = switch state.modal {
        case .form(let form) where form.discarding == nil: form.note
        case .picker(let picker):
            if case .view = picker.kind { "type a name" } else { "type to search" }
        default: state.keyContext == .search ? "type to search" : ""
        }
        let all = KeyTable.fit([note] + keys, separator: KeyTable.modeHintSeparator, width: .max)
        if TextWidth.of(all) <= width { return all }
        return KeyTable.fit(keys, separator: KeyTable.modeHintSeparator, width: width)
    }

    /// A binding's hint as it reads now: in a form, Enter says what it does on this field, and Ctrl-S is left out
    /// where Enter already submits.
    static func hintText(_ binding: KeyBinding, in context: KeyContext, _ state: ConsoleState) -> String? {
        guard context == .form, case .form(let form) = state.modal else { return binding.hintText(in: context) }
        let key = binding.keys[0].description
        switch binding.command {
        case .advance: return "\(key) " + (form.form.isOnLastField ? form.submitVerb : binding.hint ?? "")
        case .submit: return form.form.isOnLastField ? nil : "\(key) \(form.submitVerb)"
        default: return binding.hintText(in: context)
        }
    }

    static func clock(_ now: Date) -> String {
        String(UTC.iso(now).dropFirst(11).prefix(5)) + " UTC"
    }

    static func drawModal(_ modal: Modal, _ state: ConsoleState, into grid: inout Grid) -> (x: Int, y: Int)? {
        let area = state.paneRect
        switch modal {
        case .help(let help):
            let (frame, content) = Console.helpRects(state)
            grid.fill(frame, role: .dialog)
            Box(frame, title: "Help · \(state.pane.title)", unicode: state.unicode, role: .borderFocused).draw(in: &grid)
            help.draw(into: &grid, in: content)
            return nil
        case .commandLine(let field):
            let row = Rect(x: 0, y: state.height - 2, width: state.width, height: 1)
            grid.fill(row, role: .messageLine)
            grid.put(":", x: 0, y: row.y, role: .keyHint)
            let input = Rect(x: 1, y: row.y, width: state.width - 2, height: 1)
            field.draw(into: &grid, in: input, focused: true)
            return field.cursorPosition(in: input)
        case .confirm(let dialog, _):
            dialog.draw(into: &grid, in: area, unicode: state.unicode)
            return nil
        case .picker(let picker):
            return PricingDrawing.drawPicker(picker, state: state, into: &grid)
        case .form(let form):
            let (frame, fields) = formRects(form, state)
            grid.fill(frame, role: .dialog)
            Box(frame, title: form.title, unicode: state.unicode, role: .borderFocused).draw(in: &grid)
            form.form.draw(into: &grid, in: fields, focused: form.discarding == nil)
            if let dialog = form.discarding {
                dialog.draw(into: &grid, in: area, unicode: state.unicode)
                return nil
            }
            return form.form.cursorPosition(in: fields)
        }
    }
}
