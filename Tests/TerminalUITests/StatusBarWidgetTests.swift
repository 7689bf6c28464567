import Testing
import TerminalUI

private let bar = StatusBar(user: "alice", role: "clerk", store: "/var/lib/backoffice/main.sqlite", clock: "14:05",
                            isLive: true)

private func drawn(_ bar: StatusBar, width: Int) -> Grid {
    var grid = Grid(width: width, height: 1)
    bar.draw(into: &grid, in: grid.bounds)
    return grid
}

@Suite("Status bar and message line")
struct StatusBarWidgetTests {
    @Test("Given 80 columns, when the status bar is drawn, then who and where sit left and the clock right")
    func statusBarAt80() {
        let grid = drawn(bar, width: 80)
        #expect(grid.lines == [
            " alice · clerk · /var/lib/backoffice/main.sqlite                 ● live · 14:05 ",
        ])
        #expect((0..<80).allSatisfy { [.statusBar, .success].contains(grid.role(x: $0, y: 0)) })
        #expect(grid.role(x: 65, y: 0) == .success)
        #expect(grid.role(x: 1, y: 0) == .statusBar)
    }

    @Test("Given 40 columns, when the status bar is drawn, then the store in the middle is cut first")
    func statusBarAt40() {
        let grid = drawn(bar, width: 40)
        #expect(grid.lines == [" alice · clerk · /var/l… ● live · 14:05 "])
    }

    @Test("Given 20 columns, when drawn, then store and role are dropped and the live indicator is cut before the clock")
    func statusBarAt20() {
        let grid = drawn(bar, width: 20)
        #expect(grid.lines == [" alice ● l… · 14:05 "])
    }

    @Test("Given a store that is not followed live, when drawn, then the indicator says stale as a warning")
    func staleIndicator() {
        let stale = StatusBar(user: "bob", role: "sales", store: "main", clock: "09:00", isLive: false)
        let grid = drawn(stale, width: 40)
        #expect(grid.lines[0].hasSuffix("○ stale · 09:00 "))
        #expect(grid.role(x: 24, y: 0) == .warning)
    }

    @Test("Given a bar too narrow for anything, when drawn, then it is only the bar's background")
    func tinyBar() {
        let grid = drawn(bar, width: 3)
        #expect(grid.lines == ["   "])
        #expect(grid.role(x: 1, y: 0) == .statusBar)
    }

    @Test("Given an error and an info message, when drawn, then they are in the error and message-line roles")
    func messageLineRoles() {
        var grid = Grid(width: 30, height: 2)
        MessageLine.error("Refused: only 12 available at MAIN").draw(into: &grid, in: grid.bounds.row(0)!)
        MessageLine.info("Receipt posted").draw(into: &grid, in: grid.bounds.row(1)!)
        #expect(grid.lines == [" Refused: only 12 available a…", " Receipt posted               "])
        #expect(grid.role(x: 1, y: 0) == .error)
        #expect(grid.role(x: 1, y: 1) == .messageLine)
        #expect(grid.role(x: 0, y: 0) == .messageLine)
    }
}
