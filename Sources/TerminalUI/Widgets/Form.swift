/// One labelled input of a form, with the rule its text must meet.
public struct FormField: Sendable {
    /// The label left of the input ("Quantity").
    public var label: String
    /// The input itself.
    public var input: TextField
    /// The error message for a text that is not acceptable, or nil when it is.
    public var validate: @Sendable (String) -> String?
    /// Columns for the input, or nil to use all the width the form has.
    public var inputWidth: Int?
    /// The text the field started with; the form is dirty when any field's text differs from it.
    public let initialValue: String
    /// The error shown under the field: set when validation fails on submit or on leaving the field, updated as the
    /// field is edited, cleared when the text becomes valid.
    public private(set) var error: String?

    public init(_ label: String, input: TextField = TextField(), inputWidth: Int? = nil,
                validate: @escaping @Sendable (String) -> String? = { _ in nil }) {
        self.label = label
        self.input = input
        self.inputWidth = inputWidth
        self.validate = validate
        initialValue = input.text
    }

    /// The field's text.
    public var value: String { input.text }
    /// Whether the text differs from the one the field started with.
    public var isDirty: Bool { input.text != initialValue }

    /// Runs the rule on the current text, records the error and says whether it passed.
    @discardableResult
    mutating func revalidate() -> Bool {
        error = validate(input.text)
        return error == nil
    }
}

/// A column of labelled fields that submits only when every field validates: the receipt, issue, transfer,
/// adjustment and count forms.
///
/// Tab and ↓ go to the next field, Shift-Tab and ↑ to the previous (Tab wraps around, the arrows stop at the ends).
/// Enter on a field moves on, and on the last field submits; a submit key (Ctrl-S by default) submits from anywhere.
/// A refused submit moves focus to the first invalid field and shows each error under its field in `.error`. Esc
/// cancels. `isDirty` lets the app ask before throwing typed input away.
///
/// Errors appear only after a submit, or on leaving a field that was changed, so a fresh form does not open covered
/// in complaints; once shown, an error follows the text as it is edited.
public struct Form: Sendable {
    /// What a key did to the form.
    public enum Outcome: Hashable, Sendable {
        /// Focus moved or a field was edited.
        case handled
        /// Every field validates: the app reads `values` and posts.
        case submit
        /// Submit was asked for but a field does not validate; focus is on the first one. The app may say so on the
        /// message line.
        case invalid
        /// Esc: the app closes the form (after asking, if `isDirty`).
        case cancel
        /// A key the form has no use for.
        case ignored
    }

    public private(set) var fields: [FormField]
    /// The field with the keyboard.
    public private(set) var focus: Int
    /// Keys that submit from any field.
    public var submitKeys: Set<Key>

    public init(fields: [FormField], submitKeys: Set<Key> = [.control("s")]) {
        self.fields = fields
        self.submitKeys = submitKeys
        focus = 0
    }

    /// Every field's text, in order.
    public var values: [String] { fields.map(\.value) }

    /// The text of the field labelled `label`, or nil when there is none.
    public func value(of label: String) -> String? {
        fields.first { $0.label == label }?.value
    }

    /// Whether any field differs from its initial text.
    public var isDirty: Bool { fields.contains { $0.isDirty } }

    /// Whether every field validates now, without showing any error.
    public var isValid: Bool { fields.allSatisfy { $0.validate($0.value) == nil } }

    /// Replaces the text of field `index`, as when a pane carries an item or a quantity into the form; does not change
    /// what the field counts as initial, so the form becomes dirty.
    public mutating func setValue(_ text: String, at index: Int) {
        guard fields.indices.contains(index) else { return }
        fields[index].input.setText(text)
        if fields[index].error != nil { fields[index].revalidate() }
    }

    /// Moves the keyboard to field `index` (clamped).
    public mutating func focus(on index: Int) {
        guard !fields.isEmpty else { return }
        focus = min(max(0, index), fields.count - 1)
    }

    /// Validates every field and says `.submit` when all pass; otherwise shows the errors and focuses the first
    /// invalid field.
    public mutating func submit() -> Outcome {
        var firstInvalid: Int?
        for index in fields.indices where !fields[index].revalidate() {
            firstInvalid = firstInvalid ?? index
        }
        guard let firstInvalid else { return .submit }
        focus = firstInvalid
        return .invalid
    }

    /// What an app's key table can ask of a form, so the app decides which keys do what and its help says so.
    public enum Action: Hashable, Sendable {
        /// To the next field, wrapping around to the first.
        case nextField
        /// To the previous field, wrapping around to the last.
        case previousField
        /// To the next field; on the last, submit.
        case advance
        /// Submit from any field.
        case submit
        /// Close the form (the app asks first when it `isDirty`).
        case cancel
    }

    /// Does what `action` asks, as a key bound to it would.
    public mutating func perform(_ action: Action) -> Outcome {
        guard !fields.isEmpty else { return action == .cancel ? .cancel : .ignored }
        switch action {
        case .nextField: return moveFocus(to: (focus + 1) % fields.count)
        case .previousField: return moveFocus(to: (focus + fields.count - 1) % fields.count)
        case .advance: return focus == fields.count - 1 ? submit() : moveFocus(to: focus + 1)
        case .submit: return submit()
        case .cancel: return .cancel
        }
    }

    /// Gives an editing key (a character, ← →, Backspace, Ctrl-U…) to the field with the keyboard.
    public mutating func edit(_ key: Key) -> Outcome {
        guard !fields.isEmpty else { return .ignored }
        switch fields[focus].input.handle(key) {
        case .ignored:
            return .ignored
        case .edited:
            if fields[focus].error != nil { fields[focus].revalidate() }
            return .handled
        case .moved, .unchanged, .refused:
            return .handled
        }
    }

    /// Inserts text at the cursor of the field with the keyboard, as a paste would: the field's length limit and filter
    /// apply, and control characters are left out. Gives what the field did with it.
    @discardableResult
    public mutating func insert(_ text: String) -> TextField.Outcome {
        guard !fields.isEmpty else { return .ignored }
        let outcome = fields[focus].input.insert(text)
        if outcome == .edited, fields[focus].error != nil { fields[focus].revalidate() }
        return outcome
    }

    /// Whether the field with the keyboard is the last, where Enter submits.
    public var isOnLastField: Bool { focus == fields.count - 1 }

    /// The form's own keys, for an app without a key table: Tab/Shift-Tab, ↑/↓ (stopping at the ends), Enter, the
    /// submit keys and Esc; any other key edits the focused field.
    public mutating func handle(_ key: Key) -> Outcome {
        guard !fields.isEmpty else { return key == .escape ? .cancel : .ignored }
        if submitKeys.contains(key) { return submit() }
        switch key {
        case .escape: return perform(.cancel)
        case .enter: return perform(.advance)
        case .tab: return perform(.nextField)
        case .backTab: return perform(.previousField)
        case .down: return moveFocus(to: min(focus + 1, fields.count - 1))
        case .up: return moveFocus(to: max(focus - 1, 0))
        default: return edit(key)
        }
    }

    private mutating func moveFocus(to index: Int) -> Outcome {
        if index != focus, fields[focus].isDirty { fields[focus].revalidate() }
        focus = index
        return .handled
    }

    // MARK: - Layout and drawing

    /// Where each field's label, input and (when it has one) error go in `rect`: one row per field, plus a row under
    /// the input for an error. Fields that do not fit get empty rects.
    public func layout(in rect: Rect) -> [(label: Rect, input: Rect, error: Rect?)] {
        let widest = fields.map { TextWidth.of($0.label) }.max() ?? 0
        let labelWidth = min(widest, rect.width / 3)
        var y = rect.y
        return fields.map { field in
            guard y < rect.maxY else {
                let nowhere = Rect(x: rect.x, y: rect.maxY, width: 0, height: 0)
                return (nowhere, nowhere, nil)
            }
            let row = Rect(x: rect.x, y: y, width: rect.width, height: 1)
            let (label, rest) = row.dividedLeft(labelWidth)
            let room = rest.inset(left: labelWidth > 0 ? 1 : 0)
            let input = room.dividedLeft(field.inputWidth ?? room.width).left
            y += 1
            var error: Rect?
            if field.error != nil, y < rect.maxY {
                error = Rect(x: input.x, y: y, width: room.width, height: 1)
                y += 1
            }
            return (label, input, error)
        }
    }

    /// Sets each field's input width from `rect`, so their scrolling follows the layout; call when the layout changes.
    public mutating func resize(to rect: Rect) {
        for (index, slots) in layout(in: rect).enumerated() where slots.input.width > 0 {
            fields[index].input.width = slots.input.width
        }
    }

    /// Where the terminal cursor goes when the form is drawn in `rect`: in the focused field, or nil when the form is
    /// empty or that field is off the rect.
    public func cursorPosition(in rect: Rect) -> (x: Int, y: Int)? {
        guard fields.indices.contains(focus) else { return nil }
        let input = layout(in: rect)[focus].input
        guard !input.isEmpty else { return nil }
        return fields[focus].input.cursorPosition(in: input)
    }

    /// Draws the labels, inputs and errors into `rect`; the focused field's label in `.title` when `focused`.
    public func draw(into grid: inout Grid, in rect: Rect, focused: Bool) {
        grid.fill(rect, role: .normal)
        for (index, slots) in layout(in: rect).enumerated() {
            let field = fields[index]
            let isFocused = focused && index == focus
            if !slots.label.isEmpty {
                grid.put(Text.padded(field.label, toWidth: slots.label.width), x: slots.label.x, y: slots.label.y,
                         role: isFocused ? .title : .normal)
            }
            if !slots.input.isEmpty {
                field.input.draw(into: &grid, in: slots.input, focused: isFocused)
            }
            if let errorRect = slots.error, let error = field.error {
                grid.put(Text.truncated(error, toWidth: errorRect.width), x: errorRect.x, y: errorRect.y, role: .error)
            }
        }
    }
}
