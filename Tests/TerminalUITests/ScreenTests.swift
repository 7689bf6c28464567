import Testing
import TerminalUI

/// A small stock list drawn the way a pane will draw one: a titled box, a header, padded columns, a selection bar.
private func stockList(unicode: Bool) -> Grid {
    let items: [(sku: String, name: String, onHand: Int)] = [
        ("FAS-0001", "Hex bolt M8 zinc plated", 120),
        ("FAS-0002", "六角ボルト M8", 45),
        ("FAS-0003", "\u{1B}[31mRed\u{1B}[0m", 7),
    ]
    var grid = Grid(width: 32, height: 6)
    let box = Box(grid.bounds, title: "Inventory", unicode: unicode)
    box.draw(in: &grid)
    let rows = box.interior.splitRows([.fixed(1), .fill])
    let header = rows[0].splitColumns([.fixed(8), .fill, .fixed(5)], spacing: 1)
    for (column, (title, alignment)) in zip(header, [("SKU", Text.Alignment.left), ("Name", .left), ("Qty", .right)]) {
        let heading = Text.padded(title, toWidth: column.width, alignment: alignment)
        grid.put(heading, x: column.x, y: column.y, role: .header)
    }
    for (index, item) in items.enumerated() {
        guard let line = rows[1].row(index) else { break }
        let cells = line.splitColumns([.fixed(8), .fill, .fixed(5)], spacing: 1)
        grid.put(Text.padded(item.sku, toWidth: cells[0].width), x: cells[0].x, y: line.y)
        grid.put(Text.padded(item.name, toWidth: cells[1].width), x: cells[1].x, y: line.y)
        grid.put(Text.padded(String(item.onHand), toWidth: cells[2].width, alignment: .right), x: cells[2].x, y: line.y)
    }
    if let selected = rows[1].row(1) { grid.paint(selected, role: .selection) }
    return grid
}

@Suite("Screens")
struct ScreenTests {
    @Test("Given a stock list with wide and hostile names, when drawn with Unicode lines, then every column lines up")
    func stockListInUnicode() {
        let grid = stockList(unicode: true)
        #expect(grid.description == """
            ┌─ Inventory ──────────────────┐
            │SKU      Name              Qty│
            │FAS-0001 Hex bolt M8 zi…   120│
            │FAS-0002 六角ボルト M8      45│
            │FAS-0003 ␛[31mRed␛[0m        7│
            └──────────────────────────────┘
            """)
        #expect(grid.lines.allSatisfy { TextWidth.of($0) == 32 })
    }

    @Test("Given the same list on a terminal without line drawing, when drawn, then only the frame changes")
    func stockListInASCII() {
        let unicode = stockList(unicode: true).lines
        let ascii = stockList(unicode: false).lines
        #expect(ascii.first == "+- Inventory ------------------+")
        #expect(ascii.last == "+------------------------------+")
        #expect(ascii.dropFirst().dropLast().map { String($0.dropFirst().dropLast()) }
            == unicode.dropFirst().dropLast().map { String($0.dropFirst().dropLast()) })
    }

    @Test("Given the selected row, when roles are read, then the bar spans the interior and the frame keeps its role")
    func selectionBarRoles() {
        let grid = stockList(unicode: true)
        #expect((1...30).allSatisfy { grid.role(x: $0, y: 3) == .selection })
        #expect(grid.role(x: 0, y: 3) == .border)
        #expect(grid.role(x: 31, y: 3) == .border)
        #expect(grid.role(x: 1, y: 2) == .normal)
        #expect(grid.role(x: 10, y: 1) == .header)
        #expect(grid.role(x: 2, y: 0) == .border)
        #expect(grid.role(x: 3, y: 0) == .title)
    }
}
