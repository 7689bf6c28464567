import Foundation
import TerminalUI
import Testing
@testable import CursesTerminal

/// The real ncurses, driven through a pseudo-terminal.
///
/// Serialized because ncurses is one global state per process; the pure suites run beside it untouched.
@Suite("Presenting grids and reading keys through a pseudo-terminal", .serialized)
struct CursesTerminalTests {
    /// An inventory screen with a box, a header, a selected row, CJK text and a hostile item name.
    static func inventoryScreen(onHand: String = "12") -> Grid {
        var grid = Grid(width: 80, height: 24)
        Box(grid.bounds, title: "Inventory").draw(in: &grid)
        grid.put("SKU     Name                     On hand", x: 2, y: 1, role: .header)
        grid.put("A-100   Widget, blue", x: 2, y: 2)
        grid.put(onHand, x: 35, y: 2)
        grid.put("B-200   在庫の部品", x: 2, y: 3)
        grid.put("7", x: 35, y: 3)
        grid.put("C-300   \u{1B}]52;c;aGVsbG8=\u{07}evil", x: 2, y: 4)
        grid.paint(Rect(x: 1, y: 2, width: 78, height: 1), role: .selection)
        grid.put("q quit  / search", x: 1, y: 22, role: .statusBar)
        return grid
    }

    static let theme: [StyleRole: ThemeStyle] = [
        .normal: .plain,
        .header: ThemeStyle(bold: true),
        .title: ThemeStyle(foreground: .brightWhite, bold: true),
        .border: ThemeStyle(foreground: .blue),
        .selection: ThemeStyle(foreground: .black, background: .cyan),
        .statusBar: ThemeStyle(reverse: true),
    ]

    @Test("Given ASCII, CJK, a box and a hostile name, when presented, then the text goes out and no escape from data")
    func presentsAScreen() throws {
        let pty = try PseudoTerminal(width: 80, height: 24)
        let terminal = try pty.startTerminal(term: "xterm-256color", locale: "C.UTF-8")
        defer { terminal.stop() }
        terminal.setStyles(Self.theme)
        #expect(terminal.size == (80, 24))
        #expect(terminal.capabilities.isUTF8)
        #expect(terminal.capabilities.canDrawLines)
        #expect(terminal.capabilities.colors == 256)

        terminal.present(Self.inventoryScreen())
        let output = String(decoding: pty.drain(), as: UTF8.self)

        #expect(output.contains("Inventory"))
        #expect(output.contains("Widget, blue"))
        #expect(output.contains("在庫の部品"))
        #expect(output.contains("┌─"))
        #expect(output.contains("␛]52;c;aGVsbG8=␇evil"))
        #expect(!output.contains("\u{1B}]52"))
        #expect(!output.contains("\u{07}evil"))
    }

    @Test("Given a screen on show, when one cell changes, then fewer than 100 bytes go out, and none for no change")
    func oneCellChangeIsCheap() throws {
        let pty = try PseudoTerminal(width: 80, height: 24)
        let terminal = try pty.startTerminal(term: "xterm-256color", locale: "C.UTF-8")
        defer { terminal.stop() }
        terminal.setStyles(Self.theme)
        terminal.present(Self.inventoryScreen(onHand: "12"))
        let firstFrame = pty.drain()

        terminal.present(Self.inventoryScreen(onHand: "13"))
        let update = pty.drain()
        terminal.present(Self.inventoryScreen(onHand: "13"))
        let nothing = pty.drain()

        #expect(firstFrame.count > 500)
        #expect(update.count > 0 && update.count < 100, "one-cell update wrote \(update.count) bytes")
        #expect(String(decoding: update, as: UTF8.self).contains("3"))
        #expect(nothing.isEmpty)
    }

    @Test("Given keys typed before they are read, when read, then every one arrives in order, Ctrl-S included")
    func typedAheadKeys() throws {
        let pty = try PseudoTerminal(width: 80, height: 24)
        let terminal = try pty.startTerminal(term: "xterm-256color", locale: "C.UTF-8")
        defer { terminal.stop() }
        terminal.present(Self.inventoryScreen())
        _ = pty.drain()

        // xterm's sequences for: ↑ (keypad mode), F5, Home, Delete, PgDn, Shift-Tab.
        pty.type("a在\u{1B}OA\u{1B}[15~\u{1B}OH\u{1B}[3~\u{1B}[6~\u{1B}[Z\t\r\u{7F}\u{13}\u{12}")
        terminal.present(Self.inventoryScreen(onHand: "99"))
        var keys: [Key] = []
        while let key = terminal.readKey(timeoutMilliseconds: 500) { keys.append(key) }

        #expect(keys == [
            .character("a"), .character("在"), .up, .function(5), .home, .delete, .pageDown, .backTab, .tab, .enter,
            .backspace, .control("s"), .control("r"),
        ])
    }

    @Test("Given Esc alone, when read, then it arrives as Esc once the short escape delay has passed")
    func escapeAlone() throws {
        let pty = try PseudoTerminal(width: 80, height: 24)
        let terminal = try pty.startTerminal(term: "xterm-256color", locale: "C.UTF-8")
        defer { terminal.stop() }

        #expect(terminal.readKey(timeoutMilliseconds: 0) == nil)
        pty.type("\u{1B}")
        #expect(terminal.readKey(timeoutMilliseconds: 1000) == .escape)
    }

    @Test("Given a resized window, when the size-change signal arrives, then readKey says resize and size is new")
    func resize() throws {
        let pty = try PseudoTerminal(width: 80, height: 24)
        let terminal = try pty.startTerminal(term: "xterm-256color", locale: "C.UTF-8")
        defer { terminal.stop() }
        terminal.present(Self.inventoryScreen())
        _ = pty.drain()

        pty.resize(width: 100, height: 30)
        // The pty is not this process's controlling terminal, so the kernel does not send the signal itself. Sent to
        // the process, not raised: the test's own thread blocks it.
        kill(getpid(), SIGWINCH)
        #expect(terminal.readKey(timeoutMilliseconds: 1000) == .resize)
        #expect(terminal.size == (100, 30))

        var larger = Grid(width: 100, height: 30)
        larger.put("wider now", x: 90, y: 29)
        terminal.present(larger)
        #expect(String(decoding: pty.drain(), as: UTF8.self).contains("wider now"))
    }

    @Test("Given a VT100 in the C locale, when a Unicode screen is presented, then only ASCII reaches the terminal")
    func asciiOnly() throws {
        let pty = try PseudoTerminal(width: 80, height: 24)
        let terminal = try pty.startTerminal(term: "vt100", locale: "C")
        defer { terminal.stop() }
        #expect(!terminal.capabilities.isUTF8)
        #expect(!terminal.capabilities.canDrawLines)
        #expect(!terminal.capabilities.hasColors)
        terminal.setStyles(Self.theme)

        terminal.present(Self.inventoryScreen())
        let output = pty.drain()

        #expect(output.allSatisfy { $0 < 0x80 })
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.contains("+- "))
        #expect(text.contains("Inventory"))
        #expect(text.contains("| B-200"))
        #expect(text.contains("B-200   ??????????"))
    }

    @Test("Given an unknown terminal type, when started, then it throws instead of ending the process")
    func unknownTerminal() throws {
        let pty = try PseudoTerminal(width: 80, height: 24)
        let terminal = CursesTerminal()
        #expect(throws: CursesTerminalError.cannotOpenTerminal(term: "no-such-terminal-type")) {
            try terminal.start(term: "no-such-terminal-type", input: pty.input, output: pty.output, locale: "C.UTF-8")
        }
        #expect(!terminal.isActive)
    }

    @Test("Given a started terminal, when stopped twice, then the screen is restored once and the second is a no-op")
    func stopTwice() throws {
        let pty = try PseudoTerminal(width: 80, height: 24)
        let terminal = try pty.startTerminal(term: "xterm-256color", locale: "C.UTF-8")
        terminal.present(Self.inventoryScreen())
        _ = pty.drain()

        terminal.stop()
        let restore = String(decoding: pty.drain(), as: UTF8.self)
        terminal.stop()

        #expect(restore.contains("\u{1B}[?1049l"))  // xterm's rmcup: back to the normal screen
        #expect(pty.drain().isEmpty)
        #expect(!terminal.isActive)
        #expect(terminal.readKey(timeoutMilliseconds: 0) == nil)
    }
}
