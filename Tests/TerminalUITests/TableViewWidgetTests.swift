import Testing
import TerminalUI

/// A stock line as a pane would hold it in its window.
private struct StockLine {
    var sku: String
    var name: String
    var onHand: Int
}

private let columns = [
    TableColumn("SKU", width: .fixed(8)),
    TableColumn("Name"),
    TableColumn("Qty", width: .fixed(5), alignment: .right),
]

private func stockRow(_ line: StockLine) -> TableRow {
    TableRow([
        TableCell(line.sku),
        TableCell(line.name),
        TableCell(String(line.onHand), role: line.onHand == 0 ? .warning : nil),
    ])
}

@Suite("Table view")
struct TableViewWidgetTests {
    private func drawnTable(selecting selection: Int, focused: Bool) -> Grid {
        var table = TableView(columns: columns, rowCount: 1_000, height: 5)
        table.list.select(selection)
        let window = RowWindow(start: 0, rows: [
            StockLine(sku: "FAS-0001", name: "Hex bolt M8 zinc plated", onHand: 120),
            StockLine(sku: "FAS-0002", name: "六角ボルト M8", onHand: 45),
            StockLine(sku: "FAS-0003", name: "Washer", onHand: 0),
        ])
        var grid = Grid(width: 30, height: 5)
        table.draw(into: &grid, in: grid.bounds, focused: focused, window: window, cells: stockRow)
        return grid
    }

    @Test("Given a table of a thousand rows with three loaded, when drawn at 30x5, then the screen reads as expected")
    func tableAtFixedSize() {
        let grid = drawnTable(selecting: 1, focused: true)
        #expect(grid.description == """
            SKU      Name              Qty
            FAS-0001 Hex bolt M8 zi…   120
            FAS-0002 六角ボルト M8      45
            FAS-0003 Washer              0
            …                             
            """)
    }

    @Test("Given the second row selected, when drawn focused, then that whole row is in the selection role")
    func selectionRowRole() {
        let grid = drawnTable(selecting: 1, focused: true)
        #expect((0..<30).allSatisfy { grid.role(x: $0, y: 2) == .selection })
        #expect((0..<30).allSatisfy { grid.role(x: $0, y: 0) == .header })
        #expect(grid.role(x: 0, y: 1) == .normal)
        #expect(grid.role(x: 29, y: 3) == .warning)
        #expect(grid.role(x: 0, y: 4) == .muted)
    }

    @Test("Given the table without the keyboard, when drawn, then the selection is in the unfocused role")
    func unfocusedSelectionRole() {
        let grid = drawnTable(selecting: 2, focused: false)
        #expect((0..<30).allSatisfy { grid.role(x: $0, y: 3) == .selectionUnfocused })
    }

    @Test("Given a table of 5 rows tall, when moving down past the screen, then the header stays and rows scroll")
    func headerStaysWhileRowsScroll() {
        var table = TableView(columns: columns, rowCount: 10, height: 5)
        for _ in 0..<5 { _ = table.handle(.down) }
        #expect(table.selection == 5)
        #expect(table.visibleRange == 2..<6)
        let window = RowWindow(start: 0, rows: (0..<10).map { TableRow([TableCell("R\($0)"), "x", "1"]) })
        var grid = Grid(width: 30, height: 5)
        table.draw(into: &grid, in: grid.bounds, focused: true, window: window)
        #expect(grid.lines.map { String($0.prefix(3)) } == ["SKU", "R2 ", "R3 ", "R4 ", "R5 "])
        #expect(grid.role(x: 0, y: 4) == .selection)
    }

    @Test("Given a table with no rows, when drawn, then the header shows over the empty message")
    func emptyTable() {
        let table = TableView(columns: columns, rowCount: 0, height: 4, emptyMessage: "No items match")
        var grid = Grid(width: 30, height: 4)
        table.draw(into: &grid, in: grid.bounds, focused: true, window: RowWindow<TableRow>.empty)
        #expect(grid.lines[0] == "SKU      Name              Qty")
        #expect(grid.lines[2] == "        No items match        ")
    }
}
