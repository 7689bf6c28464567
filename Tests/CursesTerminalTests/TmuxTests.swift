import BackOfficeTestSupport
import Foundation
import TerminalUI
import Testing
@testable import CursesTerminal

extension CursesTerminalTests {
    @Test("Given a frame and an update as ncurses wrote them, when tmux shows them, then the screen reads as the grid",
          .enabled(if: tmuxPath != nil, "tmux is not installed"))
    func realTerminalShowsTheGrid() throws {
        // Given: the bytes of a first frame and of an update, as ncurses writes them for tmux.
        let pty = try PseudoTerminal(width: 80, height: 24)
        let terminal = try pty.startTerminal(term: "tmux-256color", locale: "C.UTF-8")
        terminal.setStyles(Self.theme)
        terminal.present(Self.inventoryScreen(onHand: "12"))
        var bytes = pty.drain()
        let updated = Self.inventoryScreen(onHand: "13")
        terminal.present(updated)
        bytes += pty.drain()
        terminal.stop()

        // When: tmux plays them back.
        let tmux = Tmux(path: tmuxPath!)
        defer { tmux.killServer() }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("curses-frame-\(UUID().uuidString)")
        try Data(bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try tmux.run(["new-session", "-d", "-x", "80", "-y", "24", "stty raw -echo; cat '\(file.path)'; exec sleep 60"])
        var expected = updated.lines.map(Tmux.trimmingTrailingSpaces)
        while expected.last == "" { expected.removeLast() }
        let screen = try tmux.waitForScreen { $0 == expected }

        // Then: the screen is the grid, cell for cell, and the selected row is in the selection's colours.
        #expect(screen == expected)
        let styled = try tmux.run(["capture-pane", "-p", "-e"]).components(separatedBy: "\n")
        #expect(styled.count > 2 && styled[2].contains("46m"), "row 2: \(styled.count > 2 ? styled[2] : "")")
    }
}

