import CNcursesw
import TerminalUI
import Testing
@testable import CursesTerminal

@Suite("Decoding wget_wch results into keys")
struct KeyDecoderTests {
    /// A character as `wget_wch` reports it.
    private func typed(_ value: UInt32) -> Key? { KeyDecoder.key(status: OK, value: value) }
    /// A curses key code as `wget_wch` reports it.
    private func code(_ value: Int32) -> Key? { KeyDecoder.key(status: KEY_CODE_YES, value: UInt32(value)) }

    @Test("Given curses key codes, when decoded, then arrows, paging and editing keys get their names",
          arguments: [
              (KEY_UP, Key.up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right),
              (KEY_HOME, .home), (KEY_END, .end), (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown),
              (KEY_DC, .delete), (KEY_IC, .insert), (KEY_BTAB, .backTab), (KEY_BACKSPACE, .backspace),
              (KEY_ENTER, .enter), (KEY_RESIZE, .resize),
          ])
    func keyCodes(code value: Int32, key: Key) {
        #expect(code(value) == key)
    }

    @Test("Given the keypad's corners and VT220 Find/Select, when decoded, then they act as Home, End, PgUp, PgDn")
    func keypadCorners() {
        #expect(code(KEY_A1) == .home)
        #expect(code(KEY_FIND) == .home)
        #expect(code(KEY_C1) == .end)
        #expect(code(KEY_SELECT) == .end)
        #expect(code(KEY_A3) == .pageUp)
        #expect(code(KEY_C3) == .pageDown)
    }

    @Test("Given F1 to F12, when decoded, then each is its function key, and F13 and beyond have no name")
    func functionKeys() {
        for n in 1...12 {
            #expect(code(KEY_F0 + Int32(n)) == .function(n))
        }
        #expect(code(KEY_F0) == nil)
        #expect(code(KEY_F0 + 13) == nil)
        #expect(code(KEY_MOUSE) == nil)
    }

    @Test("Given the control characters with a key of their own, when decoded, then Esc, Tab, Enter and Backspace")
    func namedControlCharacters() {
        #expect(typed(27) == .escape)
        #expect(typed(9) == .tab)
        #expect(typed(13) == .enter)
        #expect(typed(10) == .enter)
        #expect(typed(127) == .backspace)
        #expect(typed(8) == .backspace)
    }

    @Test("Given other control characters 1 to 26, when decoded, then they are Ctrl plus a lower-case letter")
    func controlLetters() {
        #expect(typed(1) == .control("a"))
        #expect(typed(3) == .control("c"))
        #expect(typed(12) == .control("l"))
        #expect(typed(19) == .control("s"))
        #expect(typed(26) == .control("z"))
    }

    @Test("Given NUL, the C1 controls and the separators 28 to 31, when decoded, then there is no key")
    func unnamedControls() {
        for value: UInt32 in [0, 28, 29, 30, 31, 0x80, 0x9B] {
            #expect(typed(value) == nil, "value \(value)")
        }
    }

    @Test("Given printable characters, when decoded, then ASCII, accented, CJK and emoji arrive as characters")
    func printableCharacters() {
        #expect(typed(0x20) == .character(" "))
        #expect(typed(0x71) == .character("q"))
        #expect(typed(0xE9) == .character("é"))
        #expect(typed(0x5728) == .character("在"))
        #expect(typed(0x1F4E6) == .character("📦"))
    }

    @Test("Given no key (ERR) or a value that is not a Unicode scalar, when decoded, then there is no key")
    func nothing() {
        #expect(KeyDecoder.key(status: ERR, value: 0) == nil)
        #expect(KeyDecoder.key(status: ERR, value: 0x71) == nil)
        #expect(typed(0xD800) == nil)
        #expect(typed(0x110000) == nil)
    }
}
