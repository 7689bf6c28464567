import Foundation

/// JSON text that is safe on a terminal: besides what JSON requires, DEL, the C1 controls (U+009B is a one-byte CSI),
/// bidi overrides and isolates and the other invisible characters `Sanitize` shows as placeholders are written as
/// `\u` escapes. A parser reads the same value; a terminal sees only ASCII where they stood.
public enum JSONText {
    /// A JSON string literal.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if let escaped = escaped(scalar) { out += escaped } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }

    /// An encoder's JSON with those characters escaped too. The encoder escapes C0 controls itself (a raw line break
    /// there is layout); outside its strings JSON is ASCII, so each character from DEL up is inside a string, where
    /// the escape means the same character.
    public static func escapingInvisibles(_ json: String) -> String {
        func escapedInString(_ scalar: Unicode.Scalar) -> String? { scalar.value >= 0x7F ? escaped(scalar) : nil }
        guard json.unicodeScalars.contains(where: { escapedInString($0) != nil }) else { return json }
        var out = String.UnicodeScalarView()
        for scalar in json.unicodeScalars {
            if let escaped = escapedInString(scalar) { out.append(contentsOf: escaped.unicodeScalars) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// `\u009b` for a character that must not reach a terminal raw (a surrogate pair above U+FFFF); nil for others.
    private static func escaped(_ scalar: Unicode.Scalar) -> String? {
        guard Sanitize.placeholder(for: scalar) != nil else { return nil }
        func unit(_ value: UInt32) -> String {
            let hex = String(value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        }
        guard scalar.value > 0xFFFF else { return unit(scalar.value) }
        let value = scalar.value - 0x10000
        return unit(0xD800 + (value >> 10)) + unit(0xDC00 + (value & 0x3FF))
    }
}
