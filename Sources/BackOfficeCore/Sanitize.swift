/// Makes text that came from data safe to show on a terminal.
///
/// C0 and C1 control characters (ESC among them), DEL, bidi overrides and isolates, and zero-width characters become
/// visible placeholders, so a name such as `"\u{1b}]52;c;…\u{7}"` can never reach a terminal as an escape sequence or
/// reorder what follows it.
public enum Sanitize {
    public static func forTerminal(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        var changed = false
        for scalar in text.unicodeScalars {
            if let placeholder = placeholder(for: scalar) {
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
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF, 0x061C:
            return "\u{FFFD}"
        default: return nil
        }
    }
}
