import BackOfficeCore
import Testing
@testable import TerminalUI

@Suite("Display width")
struct TextWidthTests {
    @Test("Given ASCII text, when measured, then each character takes one column")
    func asciiIsOneColumnPerCharacter() {
        #expect(TextWidth.of("Hex bolt M8") == 11)
        #expect(TextWidth.of("") == 0)
    }

    @Test("Given the CJK word 価格, when measured, then each ideograph takes two columns")
    func cjkIdeographsAreWide() {
        #expect(TextWidth.of("価格") == 4)
        #expect(TextWidth.of("Bolt 価格") == 9)
    }

    @Test("Given Hangul, precomposed or as conjoining jamo, when measured, then each syllable takes two columns")
    func hangulSyllablesAreWide() {
        #expect(TextWidth.of("한국어") == 6)
        // 각 spelled as initial + medial + final jamo: one cluster, drawn as one syllable.
        #expect(TextWidth.of("\u{1100}\u{1161}\u{11A8}") == 2)
    }

    @Test("Given fullwidth Latin letters, when measured, then each takes two columns")
    func fullwidthFormsAreWide() {
        #expect(TextWidth.of("ＡＢ") == 4)
    }

    @Test("Given emoji, when measured, then each takes two columns, modifiers and flags included")
    func emojiAreWide() {
        #expect(TextWidth.of("📦") == 2)
        #expect(TextWidth.of("👍🏽") == 2)
        #expect(TextWidth.of("🇯🇵") == 2)
        #expect(TextWidth.of("🇯🇵🇩🇪") == 4)
    }

    @Test("Given a text-style symbol, when U+FE0F asks for emoji presentation, then it widens to two columns")
    func variationSelectorSixteenWidens() {
        #expect(TextWidth.of("\u{2764}") == 1)
        #expect(TextWidth.of("\u{2764}\u{FE0F}") == 2)
        #expect(TextWidth.of(scalar: "\u{FE0F}") == 0)
    }

    @Test("Given é written as e and U+0301, when measured, then the combining accent adds no column")
    func combiningMarkAddsNothing() {
        #expect(TextWidth.of("e\u{301}") == 1)
        #expect(TextWidth.of("cafe\u{301}") == TextWidth.of("café"))
        #expect(TextWidth.of(scalar: "\u{301}") == 0)
    }

    @Test("Given a zero-width joiner, when measured on its own, then it takes no column")
    func joinerScalarIsZeroWidth() {
        #expect(TextWidth.of(scalar: "\u{200D}") == 0)
    }

    @Test("Given a ZWJ emoji sequence as one cluster, when measured before sanitising, then it is one wide glyph")
    func zwjSequenceClusterIsTwoColumns() {
        let technologist: Character = "👩\u{200D}💻"
        #expect(TextWidth.clusterWidth(technologist) == 2)
    }

    @Test("Given a ZWJ emoji sequence from data, when measured as drawn, then it is one wide glyph")
    func zwjSequenceAsDrawnIsOneGlyph() {
        // The sanitiser keeps a joiner between two emoji, so the sequence stays whole.
        #expect(TextWidth.of("👩\u{200D}💻") == 2)
    }

    @Test("Given a joiner that does not join two emoji, when measured as drawn, then it counts as its placeholder")
    func strayJoinerShowsAsPlaceholder() {
        #expect(TextWidth.of("a\u{200D}b") == 3)
        #expect(TextWidth.of("👩\u{200D}") == 3)
    }

    @Test("Given invisible format and tag characters after a letter, when measured as drawn, then each is visible")
    func invisibleCharactersAreShown() {
        #expect(TextWidth.of("A\u{E0041}\u{E0042}") == 3)
        #expect(TextWidth.of("soft\u{AD}hyphen") == 11)
        #expect(TextWidth.of("x\u{2066}y") == 3)
    }

    @Test("Given control characters, when measured, then each counts as the one-column placeholder drawn for it")
    func controlCharactersCountAsPlaceholders() {
        #expect(TextWidth.of("a\u{1B}b") == 3)
        #expect(TextWidth.of("\u{1B}]52;c;aGk=\u{7}") == 12)
        #expect(TextWidth.of(character: "\r\n") == 2)
        #expect(TextWidth.of(scalar: "\u{1B}") == 0)
    }

    @Test("Given a combining mark with nothing before it, when measured, then it takes the one column it is drawn in")
    func orphanMarkTakesOneColumn() {
        #expect(TextWidth.of("\u{301}") == 1)
        #expect(TextWidth.drawable("\u{301}").text == "\u{25CC}\u{301}")
    }

    @Test("Given Zalgo text, when drawn, then a cluster keeps at most sixteen scalars and one column")
    func zalgoIsCapped() {
        let zalgo = "e" + String(repeating: "\u{301}", count: 200)
        let drawn = TextWidth.drawable(Character(zalgo))
        #expect(drawn.text.unicodeScalars.count == TextWidth.maxScalarsPerCell)
        #expect(drawn.width == 1)
    }

    @Test("Given every scalar the narrow fast path takes, when drawn the slow way, then each is itself, safe, one column and its own cluster")
    func narrowScalarsDrawAsThemselvesInOneColumn() {
        let narrow = (UInt32(0)..<0x3000).filter { TextWidth.isNarrow($0) }.compactMap(Unicode.Scalar.init)
        #expect(narrow.count > 1_400)
        var wrong: [String] = []
        for scalar in narrow {
            let text = String(scalar)
            let drawn = TextWidth.drawable(Character(scalar))
            if Sanitize.forTerminal(text) != text || drawn.text != text || drawn.width != 1 {
                wrong.append(String(format: "U+%04X", scalar.value))
            }
        }
        #expect(wrong.isEmpty, "not narrow: \(wrong.prefix(20))")
        // No narrow scalar joins the one before or after it into a cluster, in either order.
        let forward = String(String.UnicodeScalarView(narrow))
        let backward = String(String.UnicodeScalarView(narrow.reversed()))
        #expect(forward.count == narrow.count && backward.count == narrow.count)
    }

    @Test("Given text of box lines, blocks and accented Latin, when put on the grid, then the fast path draws what the cluster walk would")
    func narrowTextIsDrawnAsTheClusterWalkWouldDrawIt() {
        let text = "┌─ Müller ▁▂▃▅▇ – … · ← ±½ ─┐"
        var fast = Grid(width: 40, height: 1)
        fast.put(text, x: 1, y: 0, role: .title)
        var slow = Grid(width: 40, height: 1)
        var column = 1
        for character in text {
            let (glyph, width) = TextWidth.drawable(character)
            slow.put(glyph + "\u{FE00}", x: column, y: 0, role: .title)  // a variation selector forces the cluster walk
            column += width
        }
        #expect(TextWidth.narrowWidth(text) == text.unicodeScalars.count)
        #expect(TextWidth.of(text) == column - 1)
        #expect((0..<40).map { fast[$0, 0]?.text } == (0..<40).map { slow[$0, 0]?.text.unicodeScalars.first.map { String($0) } ?? "" })
        #expect(Text.truncated(text, toWidth: 12) == "┌─ Müller ▁…")
    }
}
