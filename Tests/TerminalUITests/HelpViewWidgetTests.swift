import Testing
import TerminalUI

private let sections = [
    HelpSection("Everywhere", entries: [
        HelpEntry(keys: [.character("q")], description: "Quit"),
        HelpEntry(keys: [.character("?")], description: "Help"),
        HelpEntry(keys: [.character("1"), .function(2)], description: "Inventory"),
    ]),
    HelpSection("Inventory", entries: [
        HelpEntry(keys: [.character("j"), .down], description: "Move down"),
        HelpEntry(keys: [.character("k"), .up], description: "Move up"),
        HelpEntry(keys: [.character("/")], description: "Search"),
    ]),
]

/// Screen lines without the blanks at their ends, so expected screens need no invisible trailing spaces.
private func withoutTrailingSpaces(_ lines: [String]) -> [String] {
    lines.map { line in
        var trimmed = Substring(line)
        while trimmed.last == " " { trimmed.removeLast() }
        return String(trimmed)
    }
}

@Suite("Help view")
struct HelpViewWidgetTests {
    @Test("Given two sections and room for two columns, when drawn, then each section gets a column, keys aligned")
    func helpInColumns() {
        let help = HelpView(sections: sections, width: 40, height: 5)
        var grid = Grid(width: 40, height: 5)
        help.draw(into: &grid, in: grid.bounds)
        #expect(withoutTrailingSpaces(grid.lines) == [
            "Everywhere        Inventory",
            "q     Quit        j ↓   Move down",
            "?     Help        k ↑   Move up",
            "1 F2  Inventory   /     Search",
            "",
        ])
        #expect(grid.role(x: 0, y: 0) == .title)
        #expect(grid.role(x: 0, y: 3) == .keyHint)
        #expect(grid.role(x: 2, y: 3) == .keyHint)
        #expect(grid.role(x: 6, y: 3) == .normal)
        #expect(grid.role(x: 18, y: 1) == .keyHint)
    }

    @Test("Given room for one column only, when scrolled to the end, then the second section comes into view")
    func helpScrollsInOneColumn() {
        var help = HelpView(sections: sections, width: 20, height: 5)
        var grid = Grid(width: 20, height: 5)
        help.draw(into: &grid, in: grid.bounds)
        #expect(grid.lines[0].hasPrefix("Everywhere"))
        #expect(help.handle(.up) == .unchanged)
        #expect(help.handle(.end) == .scrolled)
        #expect(help.scrollOffset == 4)
        #expect(help.handle(.down) == .unchanged)
        help.draw(into: &grid, in: grid.bounds)
        #expect(withoutTrailingSpaces(grid.lines) == [
            "", "Inventory", "j ↓   Move down", "k ↑   Move up", "/     Search",
        ])
    }

    @Test("Given help on screen, when Esc, ? or q is pressed, then it asks to close")
    func closeKeys() {
        var help = HelpView(sections: sections)
        #expect(help.handle(.escape) == .close)
        #expect(help.handle(.character("?")) == .close)
        #expect(help.handle(.character("q")) == .close)
        #expect(help.handle(.character("x")) == .ignored)
    }

    @Test("Given a section that does not fit below another, when flowed, then its title moves to the next column")
    func titleIsNeverOrphaned() {
        let twoThenFour = [
            HelpSection("A", entries: (1...2).map { HelpEntry(keys: [.function($0)], description: "a\($0)") }),
            HelpSection("B", entries: (3...6).map { HelpEntry(keys: [.function($0)], description: "b\($0)") }),
        ]
        // Columns of five: under A and its entries there is room for a blank and B's title, but not its first entry.
        var grid = Grid(width: 20, height: 5)
        HelpView(sections: twoThenFour, width: 20, height: 5).draw(into: &grid, in: grid.bounds)
        #expect(withoutTrailingSpaces(grid.lines) == [
            "A        B", "F1  a1   F3  b3", "F2  a2   F4  b4", "         F5  b5", "         F6  b6",
        ])
    }

    @Test("Given help taller than its view, when an app scrolls it by action, then it stops at either end")
    func scrollsByAction() {
        var help = HelpView(sections: sections, width: 20, height: 5)
        #expect(help.scroll(.lineUp) == .unchanged)
        #expect(help.scroll(.bottom) == .scrolled)
        #expect(help.scrollOffset == 4)
        #expect(help.scroll(.pageDown) == .unchanged)
        #expect(help.scroll(.lineUp) == .scrolled)
        #expect(help.scroll(.top) == .scrolled)
        #expect(help.scrollOffset == 0)
    }

    @Test("Given balanced columns would carry a section over, when the view has room, then the section stays in one column")
    func sectionsStayWhole() {
        let oneThenFour = [
            HelpSection("A", entries: [HelpEntry(keys: [.function(1)], description: "a1")]),
            HelpSection("B", entries: (2...5).map { HelpEntry(keys: [.function($0)], description: "b\($0)") }),
        ]
        var grid = Grid(width: 20, height: 6)
        HelpView(sections: oneThenFour, width: 20, height: 6).draw(into: &grid, in: grid.bounds)
        #expect(withoutTrailingSpaces(grid.lines) == [
            "A        B", "F1  a1   F2  b2", "         F3  b3", "         F4  b4", "         F5  b5", "",
        ])
    }
}
