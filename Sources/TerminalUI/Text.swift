import BackOfficeCore

/// Fitting text into a number of terminal columns: truncating with an ellipsis, and padding to align.
///
/// Both work in display columns (see `TextWidth`), not characters, so a column of item names holding "価格表" and
/// "Hex bolt" lines up. Both sanitise first and return text in the form the grid draws it: safe to draw, and it
/// measures the same whether drawn alone or joined to other text.
public enum Text {
    /// `text` in lines of at most `width` columns, broken at spaces where it can (see `WidgetText.wrapped`).
    public static func wrapped(_ text: String, toWidth width: Int) -> [String] {
        WidgetText.wrapped(text, toWidth: width)
    }

    /// Where text sits in a column wider than itself.
    public enum Alignment: Hashable, Sendable {
        case left
        case right
        /// Centred; when the spare columns are odd, the extra one goes on the right.
        case center
    }

    /// The ellipsis that marks cut text. It is East Asian Ambiguous, counted as one column like everything ambiguous.
    public static let ellipsis: Character = "…"

    /// The text cut to at most `width` columns, ending in "…" when anything was cut.
    ///
    /// A wide character is never split: when one would straddle the last column before the ellipsis, a space takes its
    /// place, so the ellipsis still lands in the last column and cut cells in a table end in one straight line.
    /// A `width` of zero or less gives an empty string.
    public static func truncated(_ text: String, toWidth width: Int) -> String {
        guard width > 0 else { return "" }
        // Narrow text (printable ASCII and the like) is already safe and one column a scalar: the common case, kept cheap.
        if let narrowWidth = TextWidth.narrowWidth(text) {
            guard narrowWidth > width else { return text }
            return String(String.UnicodeScalarView(text.unicodeScalars.prefix(width - 1))) + String(ellipsis)
        }
        // The drawn form, not just the sanitised one: a combining mark at the start would otherwise attach to whatever
        // a caller puts before the result (padding, the previous column) and give up its column.
        let safe = TextWidth.drawableText(Sanitize.forTerminal(text))
        let roomBeforeEllipsis = width - 1
        var used = 0
        var keptEnd = safe.startIndex  // end of the longest prefix that fits before the ellipsis
        var keptWidth = 0
        var index = safe.startIndex
        while index < safe.endIndex {
            let next = safe.index(after: index)
            used += TextWidth.clusterWidth(safe[index])
            if used > width {
                let gap = String(repeating: " ", count: roomBeforeEllipsis - keptWidth)
                return String(safe[..<keptEnd]) + gap + String(ellipsis)
            }
            if used <= roomBeforeEllipsis {
                keptEnd = next
                keptWidth = used
            }
            index = next
        }
        return safe
    }

    /// The text in exactly `width` columns: padded with spaces to the alignment, or truncated with "…" when wider.
    ///
    /// Always exactly `width` columns (none when `width` is zero or less), so a table column never pushes the next
    /// one out of line, whatever the data holds.
    public static func padded(_ text: String, toWidth width: Int, alignment: Alignment = .left) -> String {
        guard width > 0 else { return "" }
        let fitted = truncated(text, toWidth: width)
        let spare = width - TextWidth.of(fitted)
        guard spare > 0 else { return fitted }
        switch alignment {
        case .left:
            return fitted + String(repeating: " ", count: spare)
        case .right:
            return String(repeating: " ", count: spare) + fitted
        case .center:
            let left = spare / 2
            return String(repeating: " ", count: left) + fitted + String(repeating: " ", count: spare - left)
        }
    }
}
