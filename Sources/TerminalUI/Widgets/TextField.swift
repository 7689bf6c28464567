import BackOfficeCore

/// A one-line text input: the search box, a quantity, a note.
///
/// The cursor moves by grapheme cluster, so "é" written as e + U+0301 or a flag is one step, and positions on screen
/// are counted in display columns, so a name in 漢字 scrolls and places the cursor correctly. Text longer than the
/// field scrolls sideways to keep the cursor in view. Editing keys follow readline: Ctrl-A/E to the ends, Ctrl-U/K
/// to delete before/after the cursor, Ctrl-W to delete the word before it.
///
/// Control characters never enter the text (a paste with a newline loses it), and the text is sanitised again when
/// drawn, like all text on the grid.
public struct TextField: Sendable {
    /// What a key did to the field.
    public enum Outcome: Hashable, Sendable {
        /// The text changed: a search pane re-runs its query.
        case edited
        /// Only the cursor moved.
        case moved
        /// An editing key with nothing to do (backspace at the start, → at the end).
        case unchanged
        /// Input the field refused: over `maxLength`, or rejected by `filter`. The app may beep.
        case refused
        /// Not an editing key (Enter, Tab, Esc, ↑ ↓, function keys); the owner handles it.
        case ignored
    }

    /// Which texts a field accepts, checked on the whole text after each insertion.
    ///
    /// Checking the whole text rather than each character lets a filter depend on position ("a minus only first").
    /// Deleting is never refused: a clerk must always be able to erase what is there.
    public struct Filter: Sendable {
        /// Whether the field may hold `text`.
        public let accepts: @Sendable (String) -> Bool

        public init(_ accepts: @escaping @Sendable (String) -> Bool) {
            self.accepts = accepts
        }

        /// ASCII digits only: counts, quantities that cannot be negative.
        public static let digits = Filter { text in text.allSatisfy(isDigit) }

        /// An optional leading minus, then ASCII digits: an adjustment quantity. A lone "-" is accepted while typing;
        /// the form's validation decides whether it is a number.
        public static let signedInteger = Filter { text in
            let body = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
            return body.allSatisfy(isDigit)
        }

        private static func isDigit(_ character: Character) -> Bool {
            ("0"..."9").contains(character)
        }
    }

    /// The text being edited.
    public private(set) var text: String
    /// The cursor, as the number of grapheme clusters before it: 0 is the start, `text.count` the end.
    public private(set) var cursor: Int
    /// The first display column shown; more than zero when the text has scrolled left.
    public private(set) var scrollColumn: Int
    /// Columns the field shows; the owner sets it from its layout so scrolling follows the field's real width.
    public var width: Int {
        didSet {
            width = max(0, width)
            scrollColumn = scroll(forWidth: width)
        }
    }
    /// Shown in `.placeholder` when the text is empty ("SKU or name…").
    public var placeholder: String
    /// The most grapheme clusters the text may hold, or nil for no limit.
    public var maxLength: Int?
    /// Which texts the field accepts, or nil for any.
    public var filter: Filter?

    public init(text: String = "", placeholder: String = "", width: Int = 20, maxLength: Int? = nil,
                filter: Filter? = nil) {
        self.text = Self.withoutControls(text)
        self.placeholder = placeholder
        self.width = max(0, width)
        self.maxLength = maxLength
        self.filter = filter
        cursor = self.text.count
        scrollColumn = 0
        scrollColumn = scroll(forWidth: self.width)
    }

    // MARK: - Editing

    /// Replaces the whole text and puts the cursor at its end, as when a form is filled from a record.
    ///
    /// The filter and the length limit are not applied: the caller is not a typist.
    public mutating func setText(_ newText: String) {
        text = Self.withoutControls(newText)
        cursor = text.count
        scrollColumn = scroll(forWidth: width)
    }

    /// Inserts `string` at the cursor, as typing or pasting it would, and moves the cursor after it.
    @discardableResult
    public mutating func insert(_ string: String) -> Outcome {
        let clean = Self.withoutControls(string)
        guard !clean.isEmpty else { return string.isEmpty ? .unchanged : .refused }
        return replace(cursor..<cursor, with: clean)
    }

    /// Edits the text or moves the cursor for an editing key.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .character(let character):
            return insert(String(character))
        case .backspace, .control("h"):
            return cursor > 0 ? replace((cursor - 1)..<cursor, with: "") : .unchanged
        case .delete, .control("d"):
            return cursor < text.count ? replace(cursor..<(cursor + 1), with: "") : .unchanged
        case .left, .control("b"):
            return move(to: cursor - 1)
        case .right, .control("f"):
            return move(to: cursor + 1)
        case .home, .control("a"):
            return move(to: 0)
        case .end, .control("e"):
            return move(to: text.count)
        case .control("u"):
            return cursor > 0 ? replace(0..<cursor, with: "") : .unchanged
        case .control("k"):
            return cursor < text.count ? replace(cursor..<text.count, with: "") : .unchanged
        case .control("w"):
            let start = startOfWordBeforeCursor()
            return start < cursor ? replace(start..<cursor, with: "") : .unchanged
        default:
            return .ignored
        }
    }

    private mutating func move(to position: Int) -> Outcome {
        let clamped = min(max(0, position), text.count)
        guard clamped != cursor else { return .unchanged }
        cursor = clamped
        scrollColumn = scroll(forWidth: width)
        return .moved
    }

    /// Replaces the clusters in `range` (cluster offsets) with `insertion` and puts the cursor after the insertion.
    private mutating func replace(_ range: Range<Int>, with insertion: String) -> Outcome {
        let lower = text.index(text.startIndex, offsetBy: range.lowerBound)
        let upper = text.index(lower, offsetBy: range.count)
        let head = String(text[..<lower]) + insertion
        let candidate = head + text[upper...]
        guard candidate != text else { return .unchanged }
        if !insertion.isEmpty {
            if let maxLength, candidate.count > maxLength { return .refused }
            if let filter, !filter.accepts(candidate) { return .refused }
        }
        text = candidate
        // A combining mark typed after a letter joins its cluster, so count what is before the cursor afresh.
        cursor = min(head.count, text.count)
        scrollColumn = scroll(forWidth: width)
        return .edited
    }

    private func startOfWordBeforeCursor() -> Int {
        let characters = Array(text.prefix(cursor))
        var start = characters.count
        while start > 0, characters[start - 1].isWhitespace { start -= 1 }
        while start > 0, !characters[start - 1].isWhitespace { start -= 1 }
        return start
    }

    private static func withoutControls(_ string: String) -> String {
        string.filter { character in
            !character.unicodeScalars.contains { $0.properties.generalCategory == .control }
        }
    }

    // MARK: - Where things are on screen

    /// The cursor's column inside the field (0 is the field's left edge), for the backend to place the terminal cursor.
    public var cursorColumn: Int {
        displayColumn(ofCluster: cursor) - scrollColumn
    }

    /// Where the terminal cursor goes when the field is drawn in `rect`.
    public func cursorPosition(in rect: Rect) -> (x: Int, y: Int) {
        (rect.x + displayColumn(ofCluster: cursor) - scroll(forWidth: rect.width), rect.y)
    }

    private func displayColumn(ofCluster index: Int) -> Int {
        TextWidth.of(text.prefix(index))
    }

    /// The first column to show in a field `width` columns wide: the stored scroll, moved just enough to show the
    /// cursor (and the whole of a wide character under it) and to leave no empty space at the end when text fits.
    private func scroll(forWidth width: Int) -> Int {
        guard width > 0 else { return 0 }
        let widths = WidgetText.columnWidths(text)
        let start = widths.prefix(cursor).reduce(0, +)
        let under = cursor < widths.count ? widths[cursor] : 1
        // The cell after the text counts, so the view does not jump when the cursor leaves the end.
        let total = widths.reduce(0, +) + 1
        var scroll = min(scrollColumn, max(0, total - width))
        if start < scroll {
            scroll = start
        } else if start + under > scroll + width {
            scroll = under > width ? start : start + under - width
        }
        return max(0, scroll)
    }

    // MARK: - Drawing

    /// Draws the field into the first row of `rect`: the visible part of the text in `.inputFocused` (or `.input`), or
    /// the placeholder in `.placeholder` when empty.
    ///
    /// A wide character cut by either edge of the field is drawn as a blank, never as half a glyph.
    public func draw(into grid: inout Grid, in rect: Rect, focused: Bool) {
        guard let line = rect.row(0) else { return }
        let role: StyleRole = focused ? .inputFocused : .input
        grid.fill(line, role: role)
        if text.isEmpty {
            grid.put(Text.truncated(placeholder, toWidth: line.width), x: line.x, y: line.y, role: .placeholder)
            return
        }
        let first = scroll(forWidth: line.width)
        let end = first + line.width
        var shown = ""
        var column = 0
        for character in text {
            let start = column
            column += TextWidth.of(character: character)
            if column <= first {
                continue
            } else if start < first {
                shown += String(repeating: " ", count: min(column, end) - first)  // cut by the left edge
            } else if column > end {
                shown += String(repeating: " ", count: max(0, end - start))  // cut by the right edge
                break
            } else {
                // In its drawn form, so a mark with nothing to sit on cannot join the blank before it.
                shown += TextWidth.drawableText(Sanitize.forTerminal(String(character)))
            }
        }
        grid.put(shown, x: line.x, y: line.y, role: role, maxWidth: line.width)
    }
}
