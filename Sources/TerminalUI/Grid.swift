import BackOfficeCore

/// A screen's worth of cells that the console draws into and a backend presents.
///
/// Nothing here talks to a terminal. The console renders a whole frame into a grid; the curses backend copies it to
/// the screen; tests assert on `lines` and `role(x:y:)`. Two rules always hold, whatever is written where:
/// - every string is sanitised on the way in, so no control character, escape or bidi override is ever in a cell;
/// - a continuation cell always follows a wide cell and a wide cell is always followed by its continuation, so the
///   backend never has to draw half a character.
public struct Grid: Hashable, Sendable, CustomStringConvertible {
    /// Columns across.
    public let width: Int
    /// Rows down.
    public let height: Int
    /// Row after row, `width` cells each.
    private var cells: [Cell]

    /// A grid of blank cells in `role`; a negative size is taken as zero.
    public init(width: Int, height: Int, role: StyleRole = .normal) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank(role), count: self.width * self.height)
    }

    /// The whole grid as a rect at (0, 0), the starting point for layout.
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at column `x` of row `y`, or nil outside the grid.
    public subscript(x: Int, y: Int) -> Cell? {
        guard bounds.contains(x: x, y: y) else { return nil }
        return cells[y * width + x]
    }

    /// The role of the cell at column `x` of row `y`, or nil outside the grid.
    public func role(x: Int, y: Int) -> StyleRole? {
        self[x, y]?.role
    }

    // MARK: - Drawing

    /// Writes `text` from column `x` of row `y`, clipped to the grid and to `maxWidth` columns, and returns the column
    /// after the last one it filled.
    ///
    /// The text is sanitised first, so hostile data shows as visible placeholders. Writing stops at the edge (or at
    /// `maxWidth`): a wide character that would straddle it is not split but replaced by a blank in `role`, and one
    /// straddling the left edge (a negative `x`) the same way, so scrolled text never shows half a glyph. A wide
    /// character written over, on either half, is blanked whole. Nothing wraps; widgets truncate or wrap before
    /// calling this.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, role: StyleRole = .normal, maxWidth: Int? = nil) -> Int {
        let limit: Int
        if let maxWidth {
            limit = maxWidth >= width - x ? width : x + max(0, maxWidth)
        } else {
            limit = width
        }
        let rowIsVisible = y >= 0 && y < height
        var column = x
        if let narrowWidth = TextWidth.narrowWidth(text) {
            // Safe and one column a scalar: skip the sanitiser and the cluster walk.
            let end = min(limit, x + narrowWidth)
            guard rowIsVisible, column < end else { return max(column, end) }
            var offset = 0
            for scalar in text.unicodeScalars {
                let target = x + offset
                offset += 1
                if target < 0 { continue }
                if target >= end { break }
                place(Cell(text: String(scalar), width: 1, role: role), x: target, y: y)
            }
            return end
        }
        for character in Sanitize.forTerminal(text) {
            guard column < limit else { break }
            let (glyph, glyphWidth) = TextWidth.drawable(character)
            if column + glyphWidth > limit {
                // A wide character straddling the right edge: blank the column it would have half-filled.
                if rowIsVisible, column >= 0 { place(.blank(role), x: column, y: y) }
                column = limit
                break
            }
            if column < 0 {
                // Straddling the left edge: the visible half becomes a blank, like at the right edge.
                if rowIsVisible, column + glyphWidth > 0 { place(.blank(role), x: 0, y: y) }
            } else if rowIsVisible {
                place(Cell(text: glyph, width: glyphWidth, role: role), x: column, y: y)
            }
            column += glyphWidth
        }
        return column
    }

    /// Blanks every cell of `rect` that is on the grid, in `role`.
    public mutating func fill(_ rect: Rect, role: StyleRole) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for row in area.y..<area.maxY {
            detachWideHalves(from: area.x, to: area.maxX, y: row)
            for column in area.x..<area.maxX {
                cells[row * width + column] = .blank(role)
            }
        }
    }

    /// Gives every cell of `rect` that is on the grid the role `role`, keeping what is written there.
    ///
    /// This is how a selection bar is laid over a row already drawn. A wide character cut by the rect's edge takes the
    /// new role on both halves, so it is never drawn in two styles.
    public mutating func paint(_ rect: Rect, role: StyleRole) {
        let area = rect.intersection(bounds)
        guard !area.isEmpty else { return }
        for row in area.y..<area.maxY {
            var first = area.x
            var last = area.maxX - 1
            if cells[row * width + first].isContinuation { first -= 1 }
            if cells[row * width + last].isWide { last += 1 }
            for column in first...last {
                cells[row * width + column].role = role
            }
        }
    }

    // MARK: - Reading back

    /// Row `y` as text, one character per cell and nothing for continuations, so it is exactly `width` columns wide;
    /// empty outside the grid.
    public func text(row y: Int) -> String {
        guard y >= 0, y < height else { return "" }
        var line = ""
        for cell in cells[(y * width)..<((y + 1) * width)] {
            line += cell.text
        }
        return line
    }

    /// Every row as text, top to bottom: what a test compares against a screen written out by hand.
    public var lines: [String] {
        (0..<height).map { text(row: $0) }
    }

    /// The rows joined by newlines, so a failing test prints the screen.
    public var description: String {
        lines.joined(separator: "\n")
    }

    // MARK: - Keeping wide characters whole

    /// Writes one cell (and its continuation when wide) at (`x`, `y`), which must fit on the grid.
    private mutating func place(_ cell: Cell, x: Int, y: Int) {
        detachWideHalves(from: x, to: x + cell.width, y: y)
        cells[y * width + x] = cell
        if cell.isWide { cells[y * width + x + 1] = .continuation(cell.role) }
    }

    /// Blanks the outside half of any wide character cut by the edges of columns `from..<to` on row `y`, which are
    /// about to be overwritten.
    ///
    /// Only the two edges matter: a wide character wholly inside the range is overwritten whole. The blank keeps the
    /// old role, so a selection bar does not gain a hole.
    private mutating func detachWideHalves(from start: Int, to end: Int, y: Int) {
        let rowStart = y * width
        if start > 0, cells[rowStart + start].isContinuation {
            cells[rowStart + start - 1] = .blank(cells[rowStart + start - 1].role)
        }
        if end < width, cells[rowStart + end - 1].isWide {
            cells[rowStart + end] = .blank(cells[rowStart + end].role)
        }
    }
}
