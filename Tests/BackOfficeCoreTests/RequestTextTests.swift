import Testing
@testable import BackOfficeCore

/// Request text is shown on other people's terminals, so it may hold line breaks and tabs but no other control.
@Suite("Request text")
struct RequestTextTests {
    @Test func givenLineBreaksAndTabsWhenCheckedThenTheyAreKept() throws {
        #expect(try Queue.checkText("Two lines:\n\tfirst\r\nsecond") == "Two lines:\n\tfirst\nsecond")
    }

    @Test(arguments: [
        ("hi \u{1b}]0;pwned\u{7}", "U+001B", 4),
        ("clear \u{1b}[2J", "U+001B", 7),
        ("csi \u{9b}31m", "U+009B", 5),
        ("del\u{7f}", "U+007F", 4),
        ("nul\u{0}x", "U+0000", 4),
        ("bare cr\rx", "U+000D", 8),
        ("order \u{202e}exe.txt", "U+202E", 7),
        ("isolate \u{2066}x\u{2069}", "U+2066", 9),
    ])
    func givenAControlOrBidiCharacterWhenCheckedThenItIsRefusedByNameAndPosition(text: String, named: String, at position: Int) {
        #expect {
            try Queue.checkText(text)
        } throws: { error in
            let failure = error as? Failure
            return failure?.kind == .invalidInput && failure!.message.contains("(\(named)) at character \(position);")
        }
    }

    @Test func givenAnEmojiWithAJoinerWhenCheckedThenItIsKept() throws {
        #expect(try Queue.checkText("Thanks 👩‍💻") == "Thanks 👩‍💻")
    }
}

@Suite("Request notes")
struct RequestNoteTests {
    @Test func givenNoNoteWhenCheckedThenItIsEmptyAndAnEscapeInANoteIsRefused() throws {
        #expect(try Queue.checkNote("  \n") == "")
        #expect(try Queue.checkNote(" done\n") == "done")
        #expect(throws: Failure.self) { try Queue.checkNote("done \u{1b}[2J") }
    }
}

@Suite("Names refuse what would make them read differently on a terminal")
struct NameTextTests {
    @Test(arguments: ["\u{202E}gnp.exe", "Bolt \u{2066}x\u{2069}", "Nut\u{200F}\u{202D}"])
    func givenANameWithABidiControlWhenCheckedThenItIsRefusedNamingTheCharacter(_ name: String) {
        #expect(throws: Failure.self) { try Validate.name(name, field: "name") }
        do {
            _ = try Validate.name(name, field: "name")
        } catch {
            #expect(error.message.contains("bidi control (U+"))
        }
    }

    @Test func givenAnAccentedNameWhenCheckedThenItIsKept() throws {
        #expect(try Validate.name("Écrou à œil", field: "name") == "Écrou à œil")
    }
}
