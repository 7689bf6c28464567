@testable import BackOfficeCore
import Testing

@Suite("Sanitising text for a terminal")
struct SanitizeTests {
    @Test(arguments: [
        ("\u{1b}]52;c;aGk=\u{7}", "␛]52;c;aGk=␇"),
        ("A\u{202e}B", "A\u{FFFD}B"),
        ("x\u{200b}y", "x\u{FFFD}y"),
        ("del\u{7f}", "del␡"),
        ("c1\u{9b}31m", "c1\u{FFFD}31m"),
        ("tag\u{E0041}", "tag\u{FFFD}"),
        ("soft\u{AD}hyphen", "soft\u{FFFD}hyphen"),
        ("a\u{200D}b", "a\u{FFFD}b"),
    ])
    func givenHostileTextWhenSanitisedThenEveryDangerousCharacterIsAVisiblePlaceholder(input: String, expected: String) {
        #expect(Sanitize.forTerminal(input) == expected)
    }

    @Test func givenOrdinaryTextWithAccentsAndCJKWhenSanitisedThenItIsUnchanged() {
        let text = "Café Crème 価格 ✓ e\u{301}"
        #expect(Sanitize.forTerminal(text) == text)
    }

    @Test func givenAJoinerBetweenTwoEmojiWhenSanitisedThenTheSequenceStaysWhole() {
        #expect(Sanitize.forTerminal("👩\u{200D}💻") == "👩\u{200D}💻")
        #expect(Sanitize.forTerminal("👩\u{200D}") == "👩\u{FFFD}")
    }
}
