/// The characters a box is drawn with.
///
/// Two sets: Unicode box drawing for terminals that can show it, and plain ASCII for those that cannot (TERM=vt100 or
/// linux without a Unicode font, a serial console, a locale that is not UTF-8). Every glyph in both sets is one
/// column wide, so a box's size never depends on which set drew it.
public struct BoxGlyphs: Hashable, Sendable {
    public var horizontal: Character
    public var vertical: Character
    public var topLeft: Character
    public var topRight: Character
    public var bottomLeft: Character
    public var bottomRight: Character
    /// Where a divider meets the left side: ├.
    public var teeRight: Character
    /// Where a divider meets the right side: ┤.
    public var teeLeft: Character

    /// Light Unicode box-drawing lines: ┌─┐ │ └─┘ ├ ┤.
    public static let unicode = BoxGlyphs(
        horizontal: "─", vertical: "│", topLeft: "┌", topRight: "┐", bottomLeft: "└", bottomRight: "┘",
        teeRight: "├", teeLeft: "┤")

    /// The ASCII fallback: +-+ | +-+.
    public static let ascii = BoxGlyphs(
        horizontal: "-", vertical: "|", topLeft: "+", topRight: "+", bottomLeft: "+", bottomRight: "+",
        teeRight: "+", teeLeft: "+")

    /// The Unicode set when the terminal can draw lines, the ASCII set when it cannot.
    public static func forTerminal(canDrawLines: Bool) -> BoxGlyphs {
        canDrawLines ? .unicode : .ascii
    }
}

/// A rectangle outline with an optional title in its top edge, as drawn around panes and dialogs.
///
/// A box draws only its outline; what goes inside is drawn into `interior`. Boxes too small for an outline still
/// draw something sensible: one row is a horizontal line, one column a vertical line, and an empty rect nothing.
public struct Box: Hashable, Sendable {
    /// Where the outline goes, its corners included.
    public var rect: Rect
    /// Text set into the top edge ("┌─ Inventory ───┐"), cut with "…" when the box is narrow; nil for none.
    public var title: String?
    /// Which characters draw the lines.
    public var glyphs: BoxGlyphs
    /// The role of the lines.
    public var role: StyleRole
    /// The role of the title.
    public var titleRole: StyleRole

    /// A box around `rect`, drawn in Unicode lines when `unicode` is true and in ASCII otherwise.
    public init(_ rect: Rect, title: String? = nil, unicode: Bool = true, role: StyleRole = .border,
                titleRole: StyleRole = .title) {
        self.rect = rect
        self.title = title
        glyphs = .forTerminal(canDrawLines: unicode)
        self.role = role
        self.titleRole = titleRole
    }

    /// The cells inside the outline, where the box's content is drawn.
    public var interior: Rect { rect.inset(by: 1) }

    /// Draws the outline (and title) into `grid`, clipped to it.
    public func draw(in grid: inout Grid) {
        guard !rect.isEmpty else { return }
        let horizontal = String(glyphs.horizontal)
        let vertical = String(glyphs.vertical)
        if rect.height == 1 {
            grid.put(String(repeating: horizontal, count: rect.width), x: rect.x, y: rect.y, role: role)
            return
        }
        if rect.width == 1 {
            for row in rect.y..<rect.maxY { grid.put(vertical, x: rect.x, y: row, role: role) }
            return
        }

        let inner = String(repeating: horizontal, count: rect.width - 2)
        grid.put(String(glyphs.topLeft) + inner + String(glyphs.topRight), x: rect.x, y: rect.y, role: role)
        for row in (rect.y + 1)..<(rect.maxY - 1) {
            grid.put(vertical, x: rect.x, y: row, role: role)
            grid.put(vertical, x: rect.maxX - 1, y: row, role: role)
        }
        let bottom = String(glyphs.bottomLeft) + inner + String(glyphs.bottomRight)
        grid.put(bottom, x: rect.x, y: rect.maxY - 1, role: role)
        drawTitle(in: &grid)
    }

    /// Draws a divider across the box at `row` (relative to the box's top), joined to its sides: ├──────┤.
    ///
    /// Used to split a box into a list and a detail area without a second outline. Rows on the outline itself or
    /// outside the box draw nothing.
    public func drawDivider(atRow row: Int, in grid: inout Grid) {
        guard rect.width >= 2, row > 0, row < rect.height - 1 else { return }
        let line = String(glyphs.teeRight) + String(repeating: String(glyphs.horizontal), count: rect.width - 2)
            + String(glyphs.teeLeft)
        grid.put(line, x: rect.x, y: rect.y + row, role: role)
    }

    /// Sets the title into the top edge after one line character, with a space either side: "┌─ Title ───┐".
    private func drawTitle(in grid: inout Grid) {
        // The room between "┌─ " and " ─┐"; a title squeezed into less than a column would be only an ellipsis.
        let room = rect.width - 6
        guard let title, !title.isEmpty, room >= 1 else { return }
        let shown = Text.truncated(title, toWidth: room)
        let end = grid.put(" ", x: rect.x + 2, y: rect.y, role: role)
        let afterTitle = grid.put(shown, x: end, y: rect.y, role: titleRole)
        grid.put(" ", x: afterTitle, y: rect.y, role: role)
    }
}
