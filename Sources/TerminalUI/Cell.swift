import BackOfficeCore

/// One column of one row on screen: a grapheme cluster, how wide it is, and the role it is drawn in.
///
/// A wide character (CJK, most emoji) fills two columns, so it is stored as a cell of width 2 followed by a
/// continuation cell that holds nothing. The continuation keeps every row exactly `width` cells long, so column `x` is
/// always cell `x`, and it lets the grid tell when someone writes over half of a wide character.
public struct Cell: Hashable, Sendable {
    /// The grapheme cluster to draw, already safe for the terminal; empty for a continuation.
    public let text: String
    /// Columns the cluster fills: 1 or 2, or 0 for a continuation.
    public let width: Int
    /// What the cell means; a theme turns it into colours.
    public var role: StyleRole

    /// Whether this is the right half of the wide character in the cell to its left.
    public var isContinuation: Bool { width == 0 }
    /// Whether this cell starts a two-column character; the next cell is its continuation.
    public var isWide: Bool { width == 2 }

    /// A cell holding one character, made safe and measured.
    ///
    /// A character that must not reach the terminal (a control character, a bidi override) is stored as its visible
    /// placeholder from `Sanitize.forTerminal`, or the first one when sanitising yields several (CR LF gives "␍").
    public init(_ character: Character, role: StyleRole = .normal) {
        let safe = Sanitize.forTerminal(String(character))
        let (text, width) = TextWidth.drawable(safe.first ?? " ")
        self.init(text: text, width: width, role: role)
    }

    /// A cell from text already sanitised and measured; the grid's own way in.
    init(text: String, width: Int, role: StyleRole) {
        self.text = text
        self.width = width
        self.role = role
    }

    /// An empty cell: a space in the given role.
    public static func blank(_ role: StyleRole = .normal) -> Cell {
        Cell(text: " ", width: 1, role: role)
    }

    /// The right half of a wide character, in the same role as its left half.
    public static func continuation(_ role: StyleRole) -> Cell {
        Cell(text: "", width: 0, role: role)
    }
}
