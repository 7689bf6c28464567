/// Small text operations that imports run on every field of a million rows, without Foundation's detour through
/// UTF-16 (which made `trimmingCharacters(in:)` a third of an item import's time).
extension StringProtocol {
    /// The text without the spaces and tabs around it: what `trimmingCharacters(in: .whitespaces)` removes (a tab,
    /// every Unicode space separator and the zero-width space), no line breaks.
    public var trimmingSpaces: String {
        let scalars = unicodeScalars
        var start = scalars.startIndex, end = scalars.endIndex
        while start < end, scalars[start].isSpace { scalars.formIndex(after: &start) }
        while start < end {
            let before = scalars.index(before: end)
            guard scalars[before].isSpace else { break }
            end = before
        }
        return String(self[start..<end])
    }
}

extension Unicode.Scalar {
    /// A tab, a space separator (general category Zs) or a zero-width space, as `CharacterSet.whitespaces` holds them.
    var isSpace: Bool {
        value < 0x80 ? (value == 0x20 || value == 0x09) : (value == 0x200B || properties.generalCategory == .spaceSeparator)
    }

    /// A control character (general category Cc).
    var isControl: Bool {
        value < 0x80 ? (value < 0x20 || value == 0x7F) : properties.generalCategory == .control
    }
}

extension Int {
    /// The number with thousands separated by commas: "1,000,000".
    public var grouped: String {
        let digits = String(magnitude)
        var out = self < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    /// The number with its sign, as a change is written: "+3", "-3", "0".
    public var signed: String { self > 0 ? "+\(self)" : "\(self)" }
}
