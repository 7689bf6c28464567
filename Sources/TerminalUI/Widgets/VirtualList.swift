/// The state of a scrolling list whose rows live in the store: how many there are, which one is selected, and which
/// are on screen — never the rows themselves.
///
/// Every operation is arithmetic on a few integers, so a list of a million items costs what a list of a hundred does.
/// The pane reads `wantedWindow` after each key or resize, fetches those rows if `needsRows(loaded:)` says so, and
/// passes them to `draw` as a `RowWindow`. Rows not yet fetched are drawn as "…" placeholders.
///
/// The row count may be unknown while a query is still paging (`isRowCountExact == false`): the list then treats the
/// count as "at least this many", asks for rows past the end, and shows a placeholder row after the last one known.
public struct VirtualList: Hashable, Sendable {
    /// What a key did to the list.
    public enum Outcome: Hashable, Sendable {
        /// The selection or the scroll position changed.
        case moved
        /// A list key that could not move further (up on the first row, down on the last, any key on an empty list).
        case unchanged
        /// Not a list key; the pane should handle it.
        case ignored
    }

    /// The text drawn in an empty list's first row when there are no rows at all.
    public static let placeholder = String(Text.ellipsis)

    /// Rows in the list, or the rows known so far when `isRowCountExact` is false.
    public private(set) var rowCount: Int
    /// Whether `rowCount` is final; false while a query is still finding rows.
    public private(set) var isRowCountExact: Bool
    /// The selected row, or nil when the list is empty. Always on screen.
    public private(set) var selection: Int?
    /// The row drawn at the top.
    public private(set) var scrollOffset: Int
    /// Rows the list shows at once; the pane sets it from its layout.
    public var visibleHeight: Int {
        didSet {
            visibleHeight = max(0, visibleHeight)
            keepSelectionVisible()
        }
    }
    /// Rows fetched beyond the screen on each side, so a page move or a few steps never show placeholders; nil for one
    /// screen's worth.
    public var prefetch: Int?
    /// What an empty list says instead of rows ("No items match “bolt”").
    public var emptyMessage: String

    /// A list of `rowCount` rows showing `visibleHeight` at once, with the first row selected.
    public init(rowCount: Int = 0, isRowCountExact: Bool = true, visibleHeight: Int = 10, prefetch: Int? = nil,
                emptyMessage: String = "Nothing to show") {
        self.rowCount = max(0, rowCount)
        self.isRowCountExact = isRowCountExact
        self.visibleHeight = max(0, visibleHeight)
        self.prefetch = prefetch
        self.emptyMessage = emptyMessage
        selection = rowCount > 0 ? 0 : nil
        scrollOffset = 0
    }

    // MARK: - Rows wanted

    /// The rows on screen now (those that exist).
    public var visibleRange: Range<Int> {
        let start = min(scrollOffset, rowCount)
        return start..<min(rowCount, scrollOffset + visibleHeight)
    }

    /// The rows the pane should fetch now: the screen plus `prefetch` rows either side, clamped to the list.
    ///
    /// When the count is not exact the window reaches past the last row known, so fetching it finds more rows (or
    /// learns that there are none and makes the count exact).
    public var wantedWindow: Range<Int> {
        widened(by: margin)
    }

    /// The rows the screen shows, with no margin; past the last row known while the count is not exact.
    public var screenWindow: Range<Int> {
        widened(by: 0)
    }

    /// Whether a pane holding rows `loaded` should fetch `wantedWindow`: true once the screen, plus half the prefetch
    /// margin, is no longer inside what is loaded.
    ///
    /// Fetching only then, rather than after every step, keeps a held-down arrow key from running a query per row.
    public func needsRows(loaded: Range<Int>) -> Bool {
        let needed = widened(by: margin / 2)
        return !(needed.isEmpty || (needed.lowerBound >= loaded.lowerBound && needed.upperBound <= loaded.upperBound))
    }

    private var margin: Int { max(0, prefetch ?? visibleHeight) }

    private func widened(by extra: Int) -> Range<Int> {
        let lower = max(0, scrollOffset - extra)
        var upper = scrollOffset + visibleHeight + extra
        if isRowCountExact { upper = min(upper, rowCount) }
        return min(lower, upper)..<upper
    }

    // MARK: - Changing

    /// Sets how many rows there are, after a count query or a page that came back short, keeping the selection on
    /// the same index where it still exists.
    public mutating func setRowCount(_ count: Int, exact: Bool = true) {
        rowCount = max(0, count)
        isRowCountExact = exact
        if rowCount == 0 {
            selection = nil
        } else {
            selection = min(selection ?? 0, rowCount - 1)
        }
        keepSelectionVisible()
    }

    /// Selects row `index` (clamped to the list) and scrolls it into view, as when a search jumps to a match.
    public mutating func select(_ index: Int) {
        guard rowCount > 0 else { return }
        selection = min(max(0, index), rowCount - 1)
        keepSelectionVisible()
    }

    /// Moves the selection for a navigation key: ↑ ↓ j k, PgUp PgDn, Home End g G.
    ///
    /// A page key moves the selection and the view by a screenful together, so the selected row stays on the same
    /// screen line until the view meets an end of the list.
    public mutating func handle(_ key: Key) -> Outcome {
        let before = (selection, scrollOffset)
        let page = max(1, visibleHeight)
        switch key {
        case .up, .character("k"): step(to: { $0 - 1 })
        case .down, .character("j"): step(to: { $0 + 1 })
        case .home, .character("g"): step(to: { _ in 0 })
        case .end, .character("G"): step(to: { _ in Int.max })
        case .pageUp:
            scrollOffset = max(0, scrollOffset - page)
            step(to: { $0 - page })
        case .pageDown:
            scrollOffset = min(maxScrollOffset(forHeight: visibleHeight), scrollOffset + page)
            step(to: { $0 + page })
        default:
            return .ignored
        }
        return before == (selection, scrollOffset) ? .unchanged : .moved
    }

    private mutating func step(to target: (Int) -> Int) {
        guard let current = selection, rowCount > 0 else { return }
        let wanted = target(current)
        selection = min(max(0, wanted), rowCount - 1)
        keepSelectionVisible()
    }

    private mutating func keepSelectionVisible() {
        scrollOffset = offset(forHeight: visibleHeight)
    }

    private func maxScrollOffset(forHeight height: Int) -> Int {
        max(0, rowCount - height)
    }

    /// The top row for a view `height` rows tall: the stored offset, moved just enough to show the selection and to
    /// leave no blank rows at the bottom while there are rows above.
    public func offset(forHeight height: Int) -> Int {
        var offset = min(max(0, scrollOffset), maxScrollOffset(forHeight: height))
        guard let selection, height > 0 else { return offset }
        if selection < offset {
            offset = selection
        } else if selection >= offset + height {
            offset = selection - height + 1
        }
        return offset
    }

    // MARK: - Drawing

    /// Draws the rows of `window` that are on screen into `rect`, each by `drawRow` in its one-row rect, with "…" for
    /// rows not in the window, the selection bar over the selected row, and `emptyMessage` when there are no rows.
    ///
    /// The rect's height is used as is; when it differs from `visibleHeight` the view still shows the selection.
    public func draw<Row>(into grid: inout Grid, in rect: Rect, focused: Bool, window: RowWindow<Row>,
                          drawRow: (Row, Rect, inout Grid) -> Void) {
        grid.fill(rect, role: .normal)
        guard !rect.isEmpty else { return }
        if rowCount == 0 {
            if isRowCountExact {
                let middle = rect.y + (rect.height - 1) / 2
                grid.put(Text.padded(emptyMessage, toWidth: rect.width, alignment: .center), x: rect.x, y: middle,
                         role: .muted)
            } else {
                grid.put(Self.placeholder, x: rect.x, y: rect.y, role: .muted, maxWidth: rect.width)
            }
            return
        }
        let top = offset(forHeight: rect.height)
        for line in 0..<rect.height {
            let index = top + line
            guard let lineRect = rect.row(line) else { break }
            if index >= rowCount {
                // A count still growing: one placeholder says more rows are on their way.
                if !isRowCountExact, index == rowCount {
                    grid.put(Self.placeholder, x: lineRect.x, y: lineRect.y, role: .muted, maxWidth: lineRect.width)
                }
                break
            }
            if let row = window[index] {
                drawRow(row, lineRect, &grid)
            } else {
                grid.put(Self.placeholder, x: lineRect.x, y: lineRect.y, role: .muted, maxWidth: lineRect.width)
            }
            if index == selection {
                grid.paint(lineRect, role: focused ? .selection : .selectionUnfocused)
            }
        }
    }

    /// Draws a list of plain text rows, each cut with "…" to the width of the list.
    public func draw(into grid: inout Grid, in rect: Rect, focused: Bool, window: RowWindow<String>) {
        draw(into: &grid, in: rect, focused: focused, window: window) { text, line, grid in
            grid.put(Text.truncated(text, toWidth: line.width), x: line.x, y: line.y, maxWidth: line.width)
        }
    }
}
