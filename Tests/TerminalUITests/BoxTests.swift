import Testing
import TerminalUI

@Suite("Boxes")
struct BoxTests {
    @Test("Given Unicode lines, when a titled box is drawn, then the screen shows it in box-drawing characters")
    func unicodeBox() {
        var grid = Grid(width: 13, height: 4)
        Box(Rect(x: 1, y: 0, width: 12, height: 4), title: "Stock", unicode: true).draw(in: &grid)
        #expect(grid.description == """
             ┌─ Stock ──┐
             │          │
             │          │
             └──────────┘
            """)
        #expect(grid.role(x: 1, y: 0) == .border)
        #expect(grid.role(x: 4, y: 0) == .title)
        #expect(grid.role(x: 3, y: 0) == .border)
    }

    @Test("Given no line drawing, when the same box is drawn, then it falls back to ASCII + - |")
    func asciiBox() {
        var grid = Grid(width: 13, height: 4)
        Box(Rect(x: 1, y: 0, width: 12, height: 4), title: "Stock", unicode: false).draw(in: &grid)
        #expect(grid.description == """
             +- Stock --+
             |          |
             |          |
             +----------+
            """)
        #expect(grid.lines.joined().unicodeScalars.allSatisfy { $0.isASCII })
    }

    @Test("Given a title too long for the box, when drawn, then it is cut with an ellipsis inside the edge")
    func longTitleIsTruncated() {
        var grid = Grid(width: 10, height: 3)
        Box(grid.bounds, title: "Inventory", unicode: true).draw(in: &grid)
        #expect(grid.lines == ["┌─ Inv… ─┐", "│        │", "└────────┘"])
    }

    @Test("Given a wide-character title, when drawn in a narrow box, then no ideograph is split")
    func wideTitleStaysWhole() {
        var grid = Grid(width: 11, height: 2)
        Box(grid.bounds, title: "価格表", unicode: true).draw(in: &grid)
        #expect(grid.lines == ["┌─ 価格… ─┐", "└─────────┘"])
    }

    @Test("Given a box divider, when drawn, then it joins both sides with tees")
    func dividerJoinsTheSides() {
        var grid = Grid(width: 6, height: 5)
        let box = Box(grid.bounds, unicode: true)
        box.draw(in: &grid)
        box.drawDivider(atRow: 2, in: &grid)
        box.drawDivider(atRow: 4, in: &grid)  // the bottom edge: ignored
        #expect(grid.lines == ["┌────┐", "│    │", "├────┤", "│    │", "└────┘"])
    }

    @Test("Given a box running off the grid, when drawn, then it is clipped at the right and bottom edges")
    func boxIsClipped() {
        var grid = Grid(width: 5, height: 3)
        Box(Rect(x: 2, y: 1, width: 6, height: 4), unicode: false).draw(in: &grid)
        #expect(grid.lines == ["     ", "  +--", "  |  "])
    }

    @Test("Given rects too small for an outline, when boxes are drawn, then they degrade to lines or nothing")
    func degenerateBoxes() {
        var grid = Grid(width: 4, height: 3)
        Box(Rect(x: 0, y: 0, width: 3, height: 1), unicode: true).draw(in: &grid)
        Box(Rect(x: 3, y: 0, width: 1, height: 3), unicode: true).draw(in: &grid)
        Box(Rect(x: 0, y: 2, width: 0, height: 0), unicode: true).draw(in: &grid)
        #expect(grid.lines == ["───│", "   │", "   │"])
    }

    @Test("Given a box, when asked for its interior, then it is the rect inside the outline")
    func interiorIsInsideTheOutline() {
        #expect(Box(Rect(x: 2, y: 1, width: 10, height: 5)).interior == Rect(x: 3, y: 2, width: 8, height: 3))
        #expect(Box(Rect(x: 0, y: 0, width: 1, height: 1)).interior.isEmpty)
    }
}
