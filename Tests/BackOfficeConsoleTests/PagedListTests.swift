@testable import BackOfficeConsole
import BackOfficeCore
import BackOfficeStore
import TerminalUI
import Testing

/// How a list turns "the screen moved" into the cheapest fetch, with plain integers as rows.
@Suite("Paged lists")
struct PagedListTests {
    func list(rows: Int, height: Int = 11) -> PagedList<Int> {
        var list = PagedList<Int>(table: TableView(columns: [TableColumn("N")], height: height))
        list.reset()
        list.setCount(rows, exact: true)
        return list
    }

    /// Fetches what the list asks for from the integers 0..<total, as the store would.
    func serve(_ list: inout PagedList<Int>, total: Int) -> PageAnchor<Int>? {
        guard let request = list.plan() else { return nil }
        let rows: [Int]
        switch request.anchor {
        case .offset(let skip): rows = Array(skip..<min(total, skip + request.count))
        case .after(let row): rows = Array((row + 1)..<min(total, row + 1 + request.count))
        case .before(let row): rows = Array(max(0, row - request.count)..<row)
        case .tail: rows = Array(max(0, total - request.count)..<total)
        }
        list.receive(rows, for: request)
        return request.anchor
    }

    @Test func givenAMillionRowsWhenSteppingAndPagingThenEachFetchStartsFromANeighbouringRow() {
        var list = list(rows: 1_000_000)
        guard case .offset(0) = serve(&list, total: 1_000_000) else { Issue.record("first page not from the start"); return }
        var anchors: [String] = []
        for _ in 0..<100 {
            _ = list.table.handle(.pageDown)
            if let anchor = serve(&list, total: 1_000_000) { anchors.append("\(anchor)") }
        }
        #expect(!anchors.isEmpty)
        #expect(anchors.allSatisfy { $0.hasPrefix("after") || $0 == "offset(0)" }, "\(anchors)")
        #expect(anchors.filter { $0.hasPrefix("after") }.count > 90)
        #expect(list.selected == list.table.selection)
    }

    @Test func givenEndWhenPressedThenTheTailIsReadAndTheLastRowIsSelected() {
        var list = list(rows: 1_000_000)
        _ = serve(&list, total: 1_000_000)
        _ = list.table.handle(.end)
        guard case .tail = serve(&list, total: 1_000_000) else { Issue.record("End did not read the tail"); return }
        #expect(list.selected == 999_999)
        _ = list.table.handle(.pageUp)
        _ = serve(&list, total: 1_000_000)
        #expect(list.selected == 999_999 - 10)
    }

    @Test func givenANewQueryThenItsFirstScreenIsFetchedAloneAndTheRowsBeyondItComeWithTheNextMove() {
        var list = PagedList<Int>(table: TableView(columns: [TableColumn("N")], height: 11))
        list.table.list.prefetch = 20
        list.reset()
        let first = list.plan()!
        #expect(first.start == 0 && first.count == list.table.list.visibleHeight, "\(first)")
        list.receive(Array(0..<first.count), for: first)
        #expect(list.plan(screenOnly: true) == nil, "the screen is loaded; nothing more before the frame")
        _ = list.table.handle(.down)
        let next = list.plan()
        #expect(next.map { $0.count > first.count } == true, "the next move fetches the margin: \(String(describing: next))")
    }

    @Test func givenAPageForAnOldQueryWhenItArrivesThenItIsDropped() {
        var list = list(rows: 50)
        let old = list.plan()!
        list.reset()
        let taken = list.receive(Array(0..<10), for: old)
        #expect(!taken)
        #expect(list.window.rows.isEmpty)
    }

    @Test func givenACountStillUnknownWhenAShortPageArrivesThenTheCountBecomesExact() {
        var list = PagedList<Int>(table: TableView(columns: [TableColumn("N")], height: 11))
        list.reset()
        _ = serve(&list, total: 7)
        #expect(list.table.list.isRowCountExact)
        #expect(list.table.list.rowCount == 7)
    }

    @Test func givenReadsAndWritesWhenCoalescedThenOnlyTheLastReadOfAKindRunsAndEveryWriteRuns() {
        let query = ItemListQuery()
        let page = PageRequest<ItemListRow>(generation: 1, start: 0, count: 10, anchor: .offset(0))
        let effects: [ConsoleEffect] = [
            .loadItems(query, page), .loadItemDetail(sku: "A"), .post(.receipt(quantity: 1, to: "MAIN"), sku: "A", reference: nil),
            .loadItemDetail(sku: "B"), .loadItems(ItemListQuery(search: "bolt"), page),
            .post(.receipt(quantity: 2, to: "MAIN"), sku: "A", reference: nil),
        ]
        let kept = ConsoleRuntime.withoutStale(effects)
        #expect(kept.count == 4)
        guard case .post(.receipt(1, _), _, _) = kept[0], case .loadItemDetail("B") = kept[1],
              case .loadItems(let last, _) = kept[2], case .post(.receipt(2, _), _, _) = kept[3] else {
            Issue.record("unexpected order: \(kept)")
            return
        }
        #expect(last.search == "bolt")
    }

    @Test func givenACountOfTheListAndACountSessionToLoadWhenCoalescedThenBothRun() {
        let kept = ConsoleRuntime.withoutStale([.countItems(ItemListQuery(), generation: 1), .loadCount(7)])
        #expect(kept.count == 2, "\(kept)")
    }

    @Test func givenASeriesWhenDrawnAsASparklineThenLowIsTheBottomBlockAndHighTheTop() {
        #expect(Sparkline.render([0, 5, 10], width: 10) == "▁▄█")
        #expect(Sparkline.render(Array(0..<90), width: 9).count == 9)
        #expect(Sparkline.render([3, 3, 3], width: 3) == "▄▄▄")
        #expect(Sparkline.render([0, 10], width: 2, unicode: false) == "_#")
    }
}
