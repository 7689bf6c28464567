/// A modal yes/no question centred over the screen: "Post receipt of 40 × FAS-0001 to MAIN?".
///
/// `y` confirms and `n` or Esc declines whichever button is selected; Enter takes the selected button, which starts
/// on `defaultButton`; ←/→, Tab and Shift-Tab move between the two. Keys it does not know come back `.ignored`, and
/// being modal, the app should drop them rather than pass them to the pane below.
public struct ConfirmDialog: Hashable, Sendable {
    /// One of the two buttons.
    public enum Button: Hashable, Sendable {
        case confirm
        case cancel
    }

    /// What a key did to the dialog.
    public enum Outcome: Hashable, Sendable {
        /// The user said yes.
        case confirmed
        /// The user said no, or pressed Esc.
        case declined
        /// The selected button changed.
        case handled
        /// Not a key the dialog uses.
        case ignored
    }

    public var title: String
    /// The question, a line each; long lines wrap at spaces to the dialog's width.
    public var message: [String]
    public var confirmLabel: String
    public var cancelLabel: String
    /// The button Enter takes before any arrow key is pressed; `.cancel` for an action that is hard to undo.
    public let defaultButton: Button
    /// The button Enter takes now.
    public private(set) var selected: Button

    public init(title: String, message: [String], confirmLabel: String = "Yes", cancelLabel: String = "No",
                defaultButton: Button = .confirm) {
        self.title = title
        self.message = message
        self.confirmLabel = confirmLabel
        self.cancelLabel = cancelLabel
        self.defaultButton = defaultButton
        selected = defaultButton
    }

    /// What an app's key table can ask of the dialog, so the app decides which keys do what and its help says so.
    public enum Action: Hashable, Sendable {
        /// Yes, whichever button is selected.
        case confirm
        /// No, whichever button is selected.
        case decline
        /// The selected button.
        case choose
        /// Select the other button.
        case switchButton
    }

    /// Does what `action` asks, as a key bound to it would.
    public mutating func perform(_ action: Action) -> Outcome {
        switch action {
        case .confirm: return .confirmed
        case .decline: return .declined
        case .choose: return selected == .confirm ? .confirmed : .declined
        case .switchButton:
            selected = selected == .confirm ? .cancel : .confirm
            return .handled
        }
    }

    /// The dialog's own keys, for an app without a key table.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .character("y"), .character("Y"): return perform(.confirm)
        case .character("n"), .character("N"), .escape: return perform(.decline)
        case .enter: return perform(.choose)
        case .left, .right, .tab, .backTab, .character("h"), .character("l"): return perform(.switchButton)
        default: return .ignored
        }
    }

    // MARK: - Drawing

    /// The widest the dialog grows before wrapping its message, so a long message reads as a paragraph.
    public static let preferredMaxWidth = 60

    private var buttonTexts: (confirm: String, cancel: String) {
        ("[ \(confirmLabel) ]", "[ \(cancelLabel) ]")
    }

    /// Where the dialog's box goes when centred in `area`: sized to its title, message and buttons, no larger than
    /// the area.
    public func frame(in area: Rect) -> Rect {
        let buttons = buttonTexts
        let buttonsWidth = TextWidth.of(buttons.confirm) + 2 + TextWidth.of(buttons.cancel)
        let messageWidth = message.map { TextWidth.of($0) }.max() ?? 0
        let natural = max(buttonsWidth, TextWidth.of(title) + 4, min(messageWidth, Self.preferredMaxWidth - 4))
        let width = min(area.width, natural + 4)
        let lines = wrappedMessage(toWidth: width - 4)
        let height = min(area.height, lines.count + 5)
        return Rect(x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2,
                    width: width, height: height)
    }

    private func wrappedMessage(toWidth width: Int) -> [String] {
        message.flatMap { WidgetText.wrapped($0, toWidth: width) }
    }

    /// Draws the dialog centred in `area` over whatever is already drawn there: a box in `.dialog`, its outline in
    /// `.borderFocused` (`.border` when not `focused`), the message, and the buttons with the selected one in
    /// `.selection`. The outline is in ASCII when `unicode` is false, as for `Box`.
    public func draw(into grid: inout Grid, in area: Rect, focused: Bool = true, unicode: Bool = true) {
        let frame = frame(in: area)
        guard !frame.isEmpty else { return }
        grid.fill(frame, role: .dialog)
        Box(frame, title: title, unicode: unicode, role: focused ? .borderFocused : .border).draw(in: &grid)
        let inside = frame.inset(top: 2, left: 2, bottom: 1, right: 2)
        guard !inside.isEmpty else { return }
        let (buttonRow, textArea) = inside.dividedBottom(1)
        // A blank row between the message and the buttons when there is room for one.
        let messageArea = textArea.height > 1 ? textArea.dividedBottom(1).rest : textArea
        for (index, line) in wrappedMessage(toWidth: inside.width).enumerated() {
            guard let row = messageArea.row(index) else { break }
            grid.put(Text.truncated(line, toWidth: row.width), x: row.x, y: row.y, role: .dialog)
        }

        let buttons = buttonTexts
        let confirmWidth = TextWidth.of(buttons.confirm)
        let total = confirmWidth + 2 + TextWidth.of(buttons.cancel)
        let start = buttonRow.x + max(0, (buttonRow.width - total) / 2)
        let selectedRole: StyleRole = focused ? .selection : .selectionUnfocused
        grid.put(buttons.confirm, x: start, y: buttonRow.y, role: selected == .confirm ? selectedRole : .dialog,
                 maxWidth: buttonRow.maxX - start)
        let cancelX = start + confirmWidth + 2
        if cancelX < buttonRow.maxX {
            grid.put(buttons.cancel, x: cancelX, y: buttonRow.y, role: selected == .cancel ? selectedRole : .dialog,
                     maxWidth: buttonRow.maxX - cancelX)
        }
    }
}
