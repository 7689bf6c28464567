import Testing
import TerminalUI

@Suite("Virtual list")
struct VirtualListWidgetTests {
    @Test("Given the first row selected, when moving up or Home, then the selection stays and nothing moved")
    func upAtTheTopEdge() {
        var list = VirtualList(rowCount: 50, visibleHeight: 10)
        #expect(list.handle(.up) == .unchanged)
        #expect(list.handle(.character("k")) == .unchanged)
        #expect(list.handle(.home) == .unchanged)
        #expect(list.selection == 0)
        #expect(list.scrollOffset == 0)
    }

    @Test("Given the last row selected, when moving down or End, then the selection stays on the last row")
    func downAtTheBottomEdge() {
        var list = VirtualList(rowCount: 50, visibleHeight: 10)
        #expect(list.handle(.end) == .moved)
        #expect(list.selection == 49)
        #expect(list.scrollOffset == 40)
        #expect(list.handle(.down) == .unchanged)
        #expect(list.handle(.character("j")) == .unchanged)
        #expect(list.handle(.character("G")) == .unchanged)
        #expect(list.selection == 49)
    }

    @Test("Given an empty list, when any navigation key is pressed, then there is no selection and nothing moves")
    func emptyListHasNoSelection() {
        var list = VirtualList(rowCount: 0, visibleHeight: 10)
        #expect(list.selection == nil)
        #expect(list.handle(.down) == .unchanged)
        #expect(list.handle(.pageDown) == .unchanged)
        #expect(list.selection == nil)
        #expect(list.visibleRange.isEmpty)
    }

    @Test("Given a list, when a key that is not for navigation arrives, then it is ignored for the pane")
    func otherKeysAreIgnored() {
        var list = VirtualList(rowCount: 50, visibleHeight: 10)
        #expect(list.handle(.character("x")) == .ignored)
        #expect(list.handle(.enter) == .ignored)
        #expect(list.selection == 0)
    }

    @Test("Given a selection at the bottom of the screen, when moving down, then the view scrolls one row with it")
    func selectionIsKeptVisibleWhenStepping() {
        var list = VirtualList(rowCount: 100, visibleHeight: 10)
        for _ in 0..<12 { _ = list.handle(.down) }
        #expect(list.selection == 12)
        #expect(list.scrollOffset == 3)
        #expect(list.visibleRange == 3..<13)
        for _ in 0..<5 { _ = list.handle(.up) }
        #expect(list.selection == 7)
        #expect(list.scrollOffset == 3)
        for _ in 0..<5 { _ = list.handle(.up) }
        #expect(list.selection == 2)
        #expect(list.scrollOffset == 2)
    }

    @Test("Given a page of ten rows, when paging down and up, then selection and view move a page together")
    func pagingMovesAScreenful() {
        var list = VirtualList(rowCount: 25, visibleHeight: 10)
        _ = list.handle(.down)
        #expect(list.handle(.pageDown) == .moved)
        #expect(list.selection == 11)
        #expect(list.scrollOffset == 10)
        _ = list.handle(.pageDown)
        #expect(list.selection == 21)
        #expect(list.scrollOffset == 15)
        _ = list.handle(.pageDown)
        #expect(list.selection == 24)
        #expect(list.handle(.pageDown) == .unchanged)
        _ = list.handle(.pageUp)
        #expect(list.selection == 14)
        #expect(list.scrollOffset == 5)
        _ = list.handle(.pageUp)
        _ = list.handle(.pageUp)
        #expect(list.selection == 0)
        #expect(list.scrollOffset == 0)
    }

    @Test("Given a million rows, when the selection is deep inside, then the rows wanted are few and around it")
    func millionRowsWantASmallWindow() {
        var list = VirtualList(rowCount: 1_000_000, visibleHeight: 20)
        list.select(500_000)
        let wanted = list.wantedWindow
        #expect(wanted.count <= 60)
        #expect(wanted.contains(500_000))
        #expect(wanted.contains(list.visibleRange.lowerBound))
        #expect(wanted.contains(list.visibleRange.upperBound - 1))

        _ = list.handle(.end)
        #expect(list.selection == 999_999)
        #expect(list.wantedWindow.upperBound == 1_000_000)
        #expect(list.wantedWindow.count <= 40)
    }

    @Test("Given rows loaded around the screen, when moving a step, then no fetch is needed; when paging far, it is")
    func fetchOnlyWhenTheScreenLeavesTheLoadedRows() {
        var list = VirtualList(rowCount: 1_000_000, visibleHeight: 20)
        list.select(1_000)
        let loaded = list.wantedWindow
        #expect(!list.needsRows(loaded: loaded))
        _ = list.handle(.down)
        #expect(!list.needsRows(loaded: loaded))
        for _ in 0..<3 { _ = list.handle(.pageDown) }
        #expect(list.needsRows(loaded: loaded))
    }

    @Test("Given a count that is still growing, when asked for rows, then the window reaches past the rows known")
    func growingCountAsksForMore() {
        var list = VirtualList(rowCount: 0, isRowCountExact: false, visibleHeight: 10)
        #expect(list.wantedWindow == 0..<20)
        list.setRowCount(15, exact: false)
        #expect(list.selection == 0)
        _ = list.handle(.end)
        #expect(list.selection == 14)
        #expect(list.wantedWindow.upperBound > 15)
        list.setRowCount(15, exact: true)
        #expect(list.wantedWindow.upperBound == 15)
    }

    @Test("Given a selection near the end, when the count shrinks, then the selection moves onto the last row")
    func shrinkingCountClampsTheSelection() {
        var list = VirtualList(rowCount: 100, visibleHeight: 10)
        list.select(90)
        list.setRowCount(40)
        #expect(list.selection == 39)
        #expect(list.visibleRange.contains(39))
        list.setRowCount(0)
        #expect(list.selection == nil)
    }

    @Test("Given a selection at the bottom, when the list gets shorter on screen, then the selection stays visible")
    func resizingKeepsTheSelectionVisible() {
        var list = VirtualList(rowCount: 100, visibleHeight: 20)
        list.select(19)
        list.visibleHeight = 5
        #expect(list.visibleRange.contains(19))
        #expect(list.scrollOffset == 15)
    }

    @Test("Given a window missing some rows, when drawn, then those rows are placeholders and the selection is barred")
    func drawsPlaceholdersAndSelection() {
        var list = VirtualList(rowCount: 6, visibleHeight: 4)
        list.select(1)
        var grid = Grid(width: 12, height: 4)
        let window = RowWindow(start: 0, rows: ["Hex bolt M8 zinc", "Washer"])
        list.draw(into: &grid, in: grid.bounds, focused: true, window: window)
        #expect(grid.lines == ["Hex bolt M8…", "Washer      ", "…           ", "…           "])
        #expect((0..<12).allSatisfy { grid.role(x: $0, y: 1) == .selection })
        #expect(grid.role(x: 0, y: 0) == .normal)
        #expect(grid.role(x: 0, y: 2) == .muted)

        list.draw(into: &grid, in: grid.bounds, focused: false, window: window)
        #expect(grid.role(x: 0, y: 1) == .selectionUnfocused)
    }

    @Test("Given an empty list, when drawn, then its message is centred in the muted role")
    func drawsTheEmptyMessage() {
        let list = VirtualList(rowCount: 0, visibleHeight: 3, emptyMessage: "No items")
        var grid = Grid(width: 12, height: 3)
        list.draw(into: &grid, in: grid.bounds, focused: true, window: RowWindow<String>.empty)
        #expect(grid.lines == ["            ", "  No items  ", "            "])
        #expect(grid.role(x: 2, y: 1) == .muted)
    }
}
