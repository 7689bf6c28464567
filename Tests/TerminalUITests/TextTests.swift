import Testing
import TerminalUI

@Suite("Truncating and padding")
struct TextTests {
    @Test("Given ASCII longer than the column, when truncated, then it ends in an ellipsis in the last column")
    func asciiTruncatesWithEllipsis() {
        #expect(Text.truncated("Hex bolt M8", toWidth: 6) == "Hex b…")
    }

    @Test("Given text that fits, when truncated, then it is unchanged")
    func fittingTextIsUnchanged() {
        #expect(Text.truncated("Hex bolt", toWidth: 8) == "Hex bolt")
        #expect(Text.truncated("価格表", toWidth: 6) == "価格表")
    }

    @Test("Given wide text at an even width, when truncated, then whole ideographs are kept before the ellipsis")
    func wideTextAtOddRoomKeepsWholeGlyphs() {
        #expect(Text.truncated("価格表", toWidth: 5) == "価格…")
    }

    @Test("Given a wide character that would straddle the ellipsis, when truncated, then a space takes its place")
    func straddlingWideCharacterBecomesSpace() {
        #expect(Text.truncated("価格表", toWidth: 4) == "価 …")
        #expect(Text.truncated("A価格B", toWidth: 5) == "A価 …")
        #expect(Text.truncated("A価格B", toWidth: 4) == "A価…")
    }

    @Test("Given any text, when truncated to one or zero columns, then only the ellipsis or nothing remains")
    func tinyWidths() {
        #expect(Text.truncated("価格表", toWidth: 1) == "…")
        #expect(Text.truncated("Hex", toWidth: 0) == "")
        #expect(Text.truncated("Hex", toWidth: -3) == "")
    }

    @Test("Given a decomposed accent, when truncated, then the accent stays with its letter")
    func combiningMarkIsNeverSplitFromItsLetter() {
        let result = Text.truncated("cafe\u{301} noir", toWidth: 5)
        #expect(result == "cafe\u{301}…")
        #expect(TextWidth.of(result) == 5)
    }

    static let mixed = ["Hex bolt M8 zinc", "価格表と在庫", "A価格Bč\u{30C}d", "📦 Box 10x", "한국어 제품", "e\u{301}\u{301}x価"]

    @Test("Given mixed text, when truncated to each width, then it fills exactly that width or is left whole",
          arguments: mixed)
    func truncationFillsTheWidthExactly(_ text: String) {
        let full = TextWidth.of(text)
        for width in 0...(full + 2) {
            let result = Text.truncated(text, toWidth: width)
            #expect(TextWidth.of(result) == min(width, full), "width \(width): \(result)")
            #expect(result.hasSuffix("…") == (width > 0 && width < full), "width \(width): \(result)")
        }
    }

    @Test("Given text narrower than the column, when padded, then spaces go where the alignment says")
    func paddingAligns() {
        #expect(Text.padded("価", toWidth: 5, alignment: .left) == "価   ")
        #expect(Text.padded("価", toWidth: 5, alignment: .right) == "   価")
        #expect(Text.padded("価", toWidth: 5, alignment: .center) == " 価  ")
        #expect(Text.padded("12", toWidth: 6, alignment: .right) == "    12")
    }

    @Test("Given text wider than the column, when padded, then it is truncated to exactly the column")
    func paddingTruncatesWideText() {
        #expect(Text.padded("価格表", toWidth: 4, alignment: .right) == "価 …")
        #expect(Text.padded("Hex bolt", toWidth: 0) == "")
    }

    @Test("Given a leading combining mark, when padded right and joined to another column, then the width holds")
    func leadingMarkKeepsItsColumnWhenJoined() {
        let cell = Text.padded("\u{301}x", toWidth: 4, alignment: .right)
        #expect(TextWidth.of(cell) == 4)
        #expect(TextWidth.of("ab" + cell) == 6)
    }

    @Test("Given a hostile name, when padded, then the result holds placeholders and no escape")
    func paddingSanitises() {
        let result = Text.padded("\u{1B}[2J", toWidth: 6)
        #expect(result == "␛[2J  ")
        #expect(!result.unicodeScalars.contains("\u{1B}"))
    }
}
