import TerminalUI
import Testing
@testable import CursesTerminal

@Suite("Deciding whether the console can run, and how it draws lines")
struct TerminalSupportTests {
    @Test("Given TERM=dumb, when checked before starting, then it is unsupported with a one-line reason")
    func dumbTerminal() {
        let reason = CursesTerminal.unsupportedTerminal(term: "dumb", inputIsTerminal: true, outputIsTerminal: true)
        #expect(reason == .cannotAddressCursor(term: "dumb"))
        #expect(reason?.description == "TERM=dumb cannot show the full-screen console")
        #expect(reason.map { !String(describing: $0).contains("\n") } == true)
    }

    @Test("Given no TERM or an empty one, when checked, then it is unsupported")
    func noTerm() {
        #expect(CursesTerminal.unsupportedTerminal(term: nil, inputIsTerminal: true, outputIsTerminal: true)
            == .noTerminalType)
        #expect(CursesTerminal.unsupportedTerminal(term: "", inputIsTerminal: true, outputIsTerminal: true)
            == .noTerminalType)
    }

    @Test("Given standard input or output that is not a terminal, when checked, then it is unsupported")
    func notATerminal() {
        #expect(CursesTerminal.unsupportedTerminal(term: "xterm", inputIsTerminal: false, outputIsTerminal: true)
            == .notATerminal)
        #expect(CursesTerminal.unsupportedTerminal(term: "xterm", inputIsTerminal: true, outputIsTerminal: false)
            == .notATerminal)
    }

    @Test("Given the terminals the console supports, when checked, then each may start",
          arguments: ["xterm", "xterm-256color", "screen", "tmux-256color", "linux", "vt100"])
    func supportedTerminals(term: String) {
        #expect(CursesTerminal.unsupportedTerminal(term: term, inputIsTerminal: true, outputIsTerminal: true) == nil)
    }

    @Test("Given a UTF-8 locale, when lines are checked, then Unicode lines everywhere but on VT terminals")
    func lineDrawing() {
        #expect(TerminalCapabilities.canDrawLines(term: "xterm-256color", isUTF8: true))
        #expect(TerminalCapabilities.canDrawLines(term: "tmux-256color", isUTF8: true))
        #expect(TerminalCapabilities.canDrawLines(term: "linux", isUTF8: true))
        #expect(!TerminalCapabilities.canDrawLines(term: "vt100", isUTF8: true))
        #expect(!TerminalCapabilities.canDrawLines(term: "vt220", isUTF8: true))
        #expect(!TerminalCapabilities.canDrawLines(term: "linux", isUTF8: false))
        #expect(!TerminalCapabilities.canDrawLines(term: "xterm", isUTF8: false))
    }
}

@Suite("Drawing cells when only ASCII reaches the terminal")
struct AsciiFallbackTests {
    @Test("Given a box drawn in Unicode lines, when shown in ASCII, then it keeps its shape in + - |")
    func boxLines() {
        var grid = Grid(width: 8, height: 3)
        Box(grid.bounds, unicode: true).draw(in: &grid)
        let shown = (0..<3).map { y in (0..<8).map { x in AsciiFallback.text(for: grid[x, y]!) }.joined() }
        #expect(shown == ["+------+", "|      |", "+------+"])
    }

    @Test("Given a wide CJK character, when shown in ASCII, then it fills its two columns with question marks")
    func wideCharacter() {
        var grid = Grid(width: 4, height: 1)
        grid.put("在", x: 0, y: 0)
        #expect(AsciiFallback.text(for: grid[0, 0]!) == "??")
    }

    @Test("Given ASCII text, the sparkline and the ellipsis, when shown in ASCII, then each stays one column")
    func symbols() {
        #expect(AsciiFallback.text(for: Cell("q")) == "q")
        #expect(AsciiFallback.text(for: Cell("…")) == "~")
        #expect(AsciiFallback.text(for: Cell("▁")) == "_")
        #expect(AsciiFallback.text(for: Cell("█")) == "#")
        #expect(AsciiFallback.text(for: Cell("é")) == "?")
    }
}
