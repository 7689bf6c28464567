import TerminalUI

/// What to draw for a cell when the locale is not UTF-8 and only ASCII can reach the terminal.
///
/// Handing ncurses a character the locale cannot encode gives garbage or nothing, and a missing column shifts nothing
/// here (every cell is placed explicitly) but leaves a hole. So the few symbols the console uses get an ASCII
/// look-alike (lines, the sparkline, arrows, the ellipsis) and anything else shows as "?" in each column it fills.
enum AsciiFallback {
    /// The text to draw for `cell`: the cell's own text when it is ASCII, else a same-width ASCII stand-in.
    static func text(for cell: Cell) -> String {
        if cell.text.utf8.allSatisfy({ $0 < 0x80 }) { return cell.text }
        if cell.width == 1, let scalar = cell.text.unicodeScalars.first, let stand = standIn(for: scalar) {
            return String(stand)
        }
        return String(repeating: "?", count: max(1, cell.width))
    }

    /// An ASCII look-alike for one of the symbols the console draws, or nil.
    static func standIn(for scalar: Unicode.Scalar) -> Character? {
        let value = scalar.value
        switch value {
        case 0x2500...0x257F:  // box drawing
            if horizontalLines.contains(value) { return "-" }
            if verticalLines.contains(value) { return "|" }
            return "+"
        case 0x2581...0x2588:  // the sparkline's eighth blocks, lowest to full
            return Array("__--==##")[Int(value - 0x2581)]
        default:
            return symbols[scalar]
        }
    }

    private static let horizontalLines: Set<UInt32> = [
        0x2500, 0x2501, 0x2504, 0x2505, 0x2508, 0x2509, 0x254C, 0x254D, 0x2550, 0x2574, 0x2576, 0x2578, 0x257A,
        0x257C, 0x257E,
    ]
    private static let verticalLines: Set<UInt32> = [
        0x2502, 0x2503, 0x2506, 0x2507, 0x250A, 0x250B, 0x254E, 0x254F, 0x2551, 0x2575, 0x2577, 0x2579, 0x257B,
        0x257D, 0x257F,
    ]
    private static let symbols: [Unicode.Scalar: Character] = [
        "…": "~", "↑": "^", "↓": "v", "←": "<", "→": ">", "·": ".", "•": "*", "●": "*", "○": "o", "✓": "v", "✔": "v",
        "✗": "x", "▲": "^", "▼": "v", "–": "-", "—": "-", "‘": "'", "’": "'", "“": "\"", "”": "\"",
    ]
}
