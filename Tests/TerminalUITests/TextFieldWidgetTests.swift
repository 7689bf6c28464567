import Testing
import TerminalUI

private func typed(_ text: String, into field: inout TextField) {
    for character in text { _ = field.handle(.character(character)) }
}

private func drawn(_ field: TextField, width: Int, focused: Bool = true) -> Grid {
    var grid = Grid(width: width, height: 1)
    field.draw(into: &grid, in: grid.bounds, focused: focused)
    return grid
}

@Suite("Text field")
struct TextFieldWidgetTests {
    @Test("Given typed text, when moving left and typing, then the character goes in at the cursor")
    func insertAtTheCursor() {
        var field = TextField()
        typed("abc", into: &field)
        #expect(field.handle(.left) == .moved)
        #expect(field.handle(.character("X")) == .edited)
        #expect(field.text == "abXc")
        #expect(field.cursor == 3)
    }

    @Test("Given the cursor at either end, when deleting outward, then nothing changes")
    func deletingAtTheEnds() {
        var field = TextField(text: "ab")
        #expect(field.handle(.delete) == .unchanged)
        #expect(field.handle(.right) == .unchanged)
        _ = field.handle(.home)
        #expect(field.handle(.backspace) == .unchanged)
        #expect(field.handle(.delete) == .edited)
        #expect(field.text == "b")
        #expect(field.cursor == 0)
    }

    @Test("Given CJK text, when typed and moved through, then the cursor steps by character and two columns each")
    func wideCharactersAndCursorColumn() {
        var field = TextField(width: 20)
        typed("価格表", into: &field)
        #expect(field.cursor == 3)
        #expect(field.cursorColumn == 6)
        _ = field.handle(.left)
        #expect(field.cursor == 2)
        #expect(field.cursorColumn == 4)
        _ = field.handle(.backspace)
        #expect(field.text == "価表")
        #expect(field.cursorColumn == 2)
        #expect(field.cursorPosition(in: Rect(x: 10, y: 3, width: 20, height: 1)) == (12, 3))
    }

    @Test("Given a letter, when a combining accent is typed after it, then they are one character and one column")
    func combiningMarkJoinsTheLetter() {
        var field = TextField()
        typed("e\u{301}", into: &field)
        #expect(field.text.count == 1)
        #expect(field.cursor == 1)
        #expect(field.cursorColumn == 1)
        _ = field.handle(.backspace)
        #expect(field.text.isEmpty)
    }

    @Test("Given text, when the readline keys are used, then Ctrl-A/E move and Ctrl-U/K/W delete")
    func readlineKeys() {
        var field = TextField(text: "hex bolt m8")
        #expect(field.handle(.control("w")) == .edited)
        #expect(field.text == "hex bolt ")
        _ = field.handle(.control("a"))
        #expect(field.cursor == 0)
        _ = field.handle(.right)
        _ = field.handle(.right)
        #expect(field.handle(.control("k")) == .edited)
        #expect(field.text == "he")
        _ = field.handle(.control("e"))
        #expect(field.cursor == 2)
        _ = field.handle(.left)
        #expect(field.handle(.control("u")) == .edited)
        #expect(field.text == "e")
        #expect(field.cursor == 0)
    }

    @Test("Given keys a field does not edit with, when pressed, then they are ignored for the owner")
    func nonEditingKeysAreIgnored() {
        var field = TextField(text: "abc")
        #expect(field.handle(.enter) == .ignored)
        #expect(field.handle(.up) == .ignored)
        #expect(field.handle(.escape) == .ignored)
        #expect(field.text == "abc")
    }

    @Test("Given text longer than the field, when at the end and at the start, then the view scrolls to the cursor")
    func horizontalScrolling() {
        var field = TextField(text: "abcdefgh", width: 5)
        #expect(drawn(field, width: 5).lines == ["efgh "])
        #expect(field.cursorColumn == 4)
        _ = field.handle(.home)
        #expect(drawn(field, width: 5).lines == ["abcde"])
        #expect(field.cursorColumn == 0)
        _ = field.handle(.end)
        _ = field.handle(.left)
        #expect(drawn(field, width: 5).lines == ["efgh "])
        #expect(field.cursorColumn == 3)
    }

    @Test("Given wide text scrolled, when a wide character is cut by the field's edge, then a blank takes its place")
    func wideCharactersAtTheScrollEdges() {
        var field = TextField(text: "価格表です", width: 5)
        #expect(drawn(field, width: 5).lines == ["です "])
        _ = field.handle(.left)
        #expect(field.cursorColumn == 2)
        _ = field.handle(.left)
        _ = field.handle(.left)
        #expect(drawn(field, width: 5).lines == ["表で "])
        #expect(field.cursorColumn == 0)
        #expect(TextWidth.of(drawn(field, width: 5).lines[0]) == 5)
    }

    @Test("Given an empty field, when drawn, then the placeholder shows in its role over the input background")
    func placeholder() {
        let field = TextField(placeholder: "SKU or name…", width: 15)
        let grid = drawn(field, width: 15)
        #expect(grid.lines == ["SKU or name…   "])
        #expect(grid.role(x: 0, y: 0) == .placeholder)
        #expect(grid.role(x: 14, y: 0) == .inputFocused)
        #expect(drawn(field, width: 15, focused: false).role(x: 14, y: 0) == .input)
    }

    @Test("Given a maximum length, when typing past it, then the extra character is refused")
    func maxLength() {
        var field = TextField(maxLength: 3)
        typed("abc", into: &field)
        #expect(field.handle(.character("d")) == .refused)
        #expect(field.text == "abc")
    }

    @Test("Given a signed integer filter, when typing, then digits and a leading minus go in and the rest is refused")
    func signedIntegerFilter() {
        var field = TextField(filter: .signedInteger)
        #expect(field.handle(.character("-")) == .edited)
        #expect(field.handle(.character("1")) == .edited)
        #expect(field.handle(.character("-")) == .refused)
        #expect(field.handle(.character("x")) == .refused)
        #expect(field.handle(.character("2")) == .edited)
        #expect(field.text == "-12")
        _ = field.handle(.home)
        #expect(field.handle(.character("5")) == .refused)

        var digits = TextField(filter: .digits)
        #expect(digits.handle(.character("-")) == .refused)
        #expect(digits.handle(.character("7")) == .edited)
    }

    @Test("Given a paste holding a newline and an escape, when inserted, then the control characters are dropped")
    func controlCharactersNeverEnter() {
        var field = TextField()
        field.insert("bolt\n\u{1B}[31m")
        #expect(field.text == "bolt[31m")
    }
}
