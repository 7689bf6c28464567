/// Makes text that came from data safe to show on a terminal.
///
/// C0 and C1 control characters (ESC among them), DEL, bidi overrides and isolates, zero-width and other invisible
/// format characters, and tag characters become visible placeholders, so a name such as `"\u{1b}]52;c;…\u{7}"` can
/// never reach a terminal as an escape sequence, reorder what follows it, or hide text inside a name. A zero-width
/// joiner is kept only where it joins two emoji (👩‍💻), its one legitimate use in names.
public enum Sanitize {
    public static func forTerminal(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var changed = false
        for (index, scalar) in scalars.enumerated() {
            if scalar.value == 0x200D, index > 0, index + 1 < scalars.count,
               isEmoji(scalars[index - 1]), isEmoji(scalars[index + 1]) {
                result.append(scalar)
            } else if let placeholder = placeholder(for: scalar) {
                result.append(contentsOf: placeholder.unicodeScalars)
                changed = true
            } else {
                result.append(scalar)
            }
        }
        return changed ? String(result) : text
    }

    /// The visible stand-in for a character that must not reach the terminal; nil for a harmless one.
    public static func placeholder(for scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x00...0x1F: return String(Unicode.Scalar(0x2400 + scalar.value)!)  // ␀ … ␟ control pictures
        case 0x7F: return "\u{2421}"  // ␡
        case 0x80...0x9F: return "\u{FFFD}"
        case 0x00AD, 0x061C, 0x180E, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0xFEFF, 0xFFF9...0xFFFB,
             0xE0000...0xE007F:
            return "\u{FFFD}"
        default: return nil
        }
    }

    /// Whether a scalar reorders the text around it: a bidi embedding, override or isolate (U+202A–202E,
    /// U+2066–2069). Text shown to someone else (a request, a name) must not hold one: `U+202E` makes "txt.exe" read
    /// as "exe.txt".
    public static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// A scalar as a message names it: `U+001B`.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    private static func isEmoji(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value > 0x7F && (scalar.properties.isEmojiPresentation || scalar.properties.isEmoji)
    }
}
