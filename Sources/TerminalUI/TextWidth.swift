import BackOfficeCore

/// How many terminal columns text occupies when the console draws it.
///
/// This is the console's `wcwidth`: East Asian Wide and Fullwidth characters (CJK ideographs, kana, Hangul, fullwidth
/// forms) and emoji shown as emoji take two columns; combining marks, joiners and variation selectors take none,
/// because they attach to the character before them; everything else takes one. It works on grapheme clusters, so
/// "e" followed by U+0301 is one column and a flag is two.
///
/// Strings and characters are measured *as drawn*: first through `Sanitize.forTerminal`, so a control character counts
/// as the one-column placeholder that replaces it. Measuring the raw text instead would let a name with an escape in it
/// push every column after it out of line. The sanitiser also shows the zero-width joiner U+200D, so an emoji ZWJ
/// sequence from data ("👩‍💻") is drawn and measured as its parts with a placeholder between them (five columns);
/// only scalar-level and raw-cluster measures treat the joiner as zero-width.
///
/// Known limits, written down because terminals disagree:
/// - East Asian Ambiguous characters ("…", "°", "±", Greek, Cyrillic) count as one column, as `wcwidth` does outside
///   CJK locales. A terminal set to draw them wide will misalign them.
/// - A cluster never takes more than two columns. Terminals that add up scalar widths (`wcswidth`) give an emoji with a
///   skin-tone modifier four columns and an Indic conjunct three or four; the curses backend has to position each cell
///   explicitly rather than trust the terminal's cursor after such a cluster.
/// - When unsure (a text-style emoji with U+FE0F, a lone regional indicator) it answers two, not one: a glyph drawn in
///   too many columns leaves a gap, one drawn in too few overwrites its neighbour.
public enum TextWidth {
    /// Columns a string occupies once sanitised: the sum of its grapheme clusters' widths.
    public static func of(_ text: some StringProtocol) -> Int {
        if let width = narrowWidth(text) { return width }
        return Sanitize.forTerminal(String(text)).reduce(0) { $0 + clusterWidth($1) }
    }

    /// Columns one grapheme cluster occupies once sanitised: 1 or 2, or more when sanitising splits it into several
    /// placeholders (a CR LF pair becomes "␍␊", two columns).
    public static func of(character: Character) -> Int {
        let safe = Sanitize.forTerminal(String(character))
        return safe.reduce(0) { $0 + clusterWidth($1) }
    }

    /// Columns one scalar takes on its own, before sanitising: 0, 1 or 2.
    ///
    /// Control characters answer 0 here because they never reach the terminal as themselves; `of(_:)` counts the
    /// placeholder they are drawn as.
    public static func of(scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        // The hot path: Latin text never needs a property lookup.
        if value < 0x7F { return value >= 0x20 ? 1 : 0 }
        if value < 0xA0 { return 0 }  // DEL and the C1 controls
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .control, .lineSeparator, .paragraphSeparator:
            return 0
        case .format:
            // The soft hyphen is the one format character terminals draw, as a one-column hyphen.
            return value == 0xAD ? 1 : 0
        default:
            break
        }
        // Hangul medial vowels and final consonants are letters, but they join the initial consonant before them to
        // make one two-column syllable.
        if (0x1160...0x11FF).contains(value) || (0xD7B0...0xD7FF).contains(value) { return 0 }
        if scalar.properties.isEmojiPresentation || isEastAsianWide(value) { return 2 }
        return 1
    }

    // MARK: - Clusters as drawn

    /// The most scalars the console keeps in one cell.
    ///
    /// "Zalgo" text stacks hundreds of combining marks on one letter; drawn in full it spills over the rows above and
    /// below. Sixteen is far more than any real script needs in a cluster (a Devanagari conjunct with its vowel sign
    /// is six), so only abuse is cut.
    static let maxScalarsPerCell = 16

    /// The dotted circle, Unicode's conventional base for showing a combining mark that has nothing to attach to.
    static let orphanBase: Unicode.Scalar = "\u{25CC}"

    /// Columns of one already-sanitised cluster, exactly as `drawable(_:)` will draw it: 1 or 2.
    static func clusterWidth(_ character: Character) -> Int {
        var total = 0
        var first: Unicode.Scalar?
        var asksForEmoji = false
        for (index, scalar) in character.unicodeScalars.prefix(maxScalarsPerCell).enumerated() {
            if index == 0 { first = scalar }
            // U+FE0F asks for emoji presentation; terminals that honour it draw the emoji two columns wide.
            if scalar.value == 0xFE0F, index > 0, first?.properties.isEmoji == true { asksForEmoji = true }
            total += of(scalar: scalar)
        }
        if asksForEmoji { return 2 }
        // A cluster with no width of its own is drawn on a dotted circle (see `drawable`), so it takes one column.
        return min(2, max(1, total))
    }

    /// The text to put in a cell for one already-sanitised cluster, and its width.
    ///
    /// Usually the cluster itself. A cluster that would be invisible (a combining mark at the start of a string, a
    /// lone format character) gets a dotted circle to sit on and loses any format characters, so it is seen rather than
    /// silently attaching to whatever the terminal drew before it.
    static func drawable(_ character: Character) -> (text: String, width: Int) {
        let width = clusterWidth(character)
        let scalars = character.unicodeScalars
        let hasOwnWidth = scalars.prefix(maxScalarsPerCell).contains { of(scalar: $0) > 0 }
        if hasOwnWidth {
            if scalars.count <= maxScalarsPerCell { return (String(character), width) }
            var kept = String.UnicodeScalarView()
            kept.append(contentsOf: scalars.prefix(maxScalarsPerCell))
            return (String(kept), width)
        }
        var shown = String.UnicodeScalarView([orphanBase])
        for scalar in scalars.prefix(maxScalarsPerCell - 1) {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark: shown.append(scalar)
            default: continue
            }
        }
        return (String(shown), 1)
    }

    /// Already-sanitised text with every cluster in its `drawable(_:)` form.
    ///
    /// Unlike the bare sanitised text, this keeps its width when joined to other text: no cluster in it starts with a
    /// mark that could attach to the text before it.
    static func drawableText(_ safe: String) -> String {
        let needsChange = safe.contains { character in
            let scalars = character.unicodeScalars
            return scalars.count > maxScalarsPerCell || !scalars.contains { of(scalar: $0) > 0 }
        }
        guard needsChange else { return safe }
        return safe.map { drawable($0).text }.joined()
    }

    /// The width of text made only of narrow scalars (`isNarrow`), or nil when it holds anything else.
    ///
    /// Such text is already safe, one scalar is one cluster and one column, so the grid and truncation skip the
    /// sanitiser and the cluster walk. Printable ASCII is most of it; the rest is what the console draws itself (box
    /// lines, sparkline blocks, "–", "…", "·", arrows) and accented Latin from data.
    static func narrowWidth(_ text: some StringProtocol) -> Int? {
        var count = 0
        for scalar in text.unicodeScalars {
            guard isNarrow(scalar.value) else { return nil }
            count += 1
        }
        return count
    }

    /// Scalars that draw as themselves in one column and never join their neighbours into a cluster: printable
    /// ASCII, Latin-1 and Latin Extended letters and signs, general punctuation, currency signs, arrows, mathematical
    /// operators, control pictures, box drawing, block elements and geometric shapes (up to the two that are emoji).
    /// `TextWidthTests` checks every one against the sanitiser and `drawable`, and that none joins another.
    static func isNarrow(_ value: UInt32) -> Bool {
        if value < 0x7F { return value >= 0x20 }
        switch value {
        case 0xA1...0xAC, 0xAE...0x2FF, 0x2010...0x2027, 0x2030...0x205E, 0x20A0...0x20C0, 0x2190...0x22FF,
             0x2400...0x2426, 0x2500...0x25FC:
            return true
        default:
            return false
        }
    }

    // MARK: - East Asian Wide

    /// Whether a scalar is East Asian Wide or Fullwidth in Unicode's EastAsianWidth.txt.
    ///
    /// The standard library has no East Asian Width property, so the W and F ranges are listed here (Unicode 15.1).
    /// Emoji are left out: `isEmojiPresentation` covers them and follows the library's Unicode version.
    static func isEastAsianWide(_ value: UInt32) -> Bool {
        guard value >= 0x1100 else { return false }
        var low = 0
        var high = eastAsianWide.count - 1
        while low <= high {
            let middle = (low + high) / 2
            let range = eastAsianWide[middle]
            if value < range.lowerBound {
                high = middle - 1
            } else if value > range.upperBound {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }

    /// Sorted, non-overlapping W and F ranges, for binary search.
    private static let eastAsianWide: [ClosedRange<UInt32>] = [
        0x1100...0x115F,  // Hangul Jamo initial consonants
        0x2329...0x232A,  // angle brackets
        0x2E80...0x2E99, 0x2E9B...0x2EF3,  // CJK radicals supplement
        0x2F00...0x2FD5,  // Kangxi radicals
        0x2FF0...0x2FFF,  // ideographic description characters
        0x3000...0x303E,  // ideographic space, CJK symbols and punctuation
        0x3041...0x3096, 0x3099...0x30FF,  // Hiragana, Katakana
        0x3105...0x312F,  // Bopomofo
        0x3131...0x318E,  // Hangul compatibility Jamo
        0x3190...0x31E3,  // Kanbun, Bopomofo extended, CJK strokes
        0x31EF...0x321E, 0x3220...0x3247,  // Katakana extension, enclosed CJK
        0x3250...0x4DBF,  // enclosed CJK, CJK compatibility, CJK extension A
        0x4E00...0xA48C,  // CJK unified ideographs, Yi syllables
        0xA490...0xA4C6,  // Yi radicals
        0xA960...0xA97C,  // Hangul Jamo extended A
        0xAC00...0xD7A3,  // Hangul syllables
        0xF900...0xFAFF,  // CJK compatibility ideographs
        0xFE10...0xFE19,  // vertical forms
        0xFE30...0xFE52, 0xFE54...0xFE66, 0xFE68...0xFE6B,  // CJK compatibility forms, small form variants
        0xFF01...0xFF60,  // fullwidth ASCII and brackets
        0xFFE0...0xFFE6,  // fullwidth signs (¢ £ ¥ ₩)
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1,  // ideographic symbols
        0x17000...0x187F7, 0x18800...0x18CD5, 0x18D00...0x18D08,  // Tangut, Khitan
        0x1AFF0...0x1AFF3, 0x1AFF5...0x1AFFB, 0x1AFFD...0x1AFFE,  // Kana extended B
        0x1B000...0x1B122, 0x1B132...0x1B132, 0x1B150...0x1B152, 0x1B155...0x1B155, 0x1B164...0x1B167,  // Kana
        0x1B170...0x1B2FB,  // Nushu
        // Enclosed ideographic supplement
        0x1F200...0x1F202, 0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265,
        0x20000...0x2FFFD,  // CJK extensions B to F, compatibility supplement
        0x30000...0x3FFFD,  // CJK extensions G and H
    ]
}
