import Foundation
import PropertyBased
import Testing
@testable import BackOfficeCore

@Suite("Text")
struct TextTests {
    /// Pieces that text in a spreadsheet cell is made of: letters, ASCII and Unicode spaces, tabs, line breaks,
    /// combining marks, control characters, emoji.
    static let pieces = [" ", "\t", "\u{A0}", "\u{2003}", "\u{3000}", "\n", "\r\n", "\u{85}", "\u{2028}", "a", "Z", "é", "e\u{301}",
                         "螺", "7", "-", "\u{0}", "\u{1B}", "\u{7F}", "\u{9F}", "👩‍💻", "\u{200B}", "\u{FEFF}"]
    static let text = Gen.int(in: 0...(pieces.count - 1)).array(of: 0...12).map { $0.map { pieces[$0] }.joined() }

    @Test func givenAnyTextWhenTrimmedThenTheSpacesGoneAreExactlyThoseFoundationTrims() async {
        await propertyCheck(count: 2_000, input: Self.text) { text in
            #expect(text.trimmingSpaces == text.trimmingCharacters(in: .whitespaces), "\(Array(text.unicodeScalars))")
            #expect(Substring(text).trimmingSpaces == text.trimmingCharacters(in: .whitespaces))
        }
    }

    @Test func givenAnyTextWhenCheckedForControlCharactersThenTheAnswerIsTheGeneralCategorys() async {
        await propertyCheck(count: 2_000, input: Self.text) { text in
            #expect(text.unicodeScalars.map(\.isControl) == text.unicodeScalars.map { $0.properties.generalCategory == .control })
        }
    }

    @Test(arguments: [("  BOLT-1 ", "BOLT-1"), ("\u{3000}Écrou\t", "Écrou"), ("\n x \n", "\n x \n"), ("   ", ""), ("", "")])
    func givenPaddedTextWhenTrimmedThenOnlyTheSpacesAroundItGo(text: String, expected: String) {
        #expect(text.trimmingSpaces == expected)
    }
}
