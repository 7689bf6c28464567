import Testing
import TerminalUI

@Suite("Rects and layout")
struct RectTests {
    @Test("Given an 80x24 screen, when split into tab bar, body, message line and status bar, then each gets its rows")
    func consoleFrameLayout() {
        let screen = Rect(width: 80, height: 24)
        let parts = screen.splitRows([.fixed(1), .fill, .fixed(1), .fixed(1)])
        #expect(parts == [
            Rect(x: 0, y: 0, width: 80, height: 1),
            Rect(x: 0, y: 1, width: 80, height: 21),
            Rect(x: 0, y: 22, width: 80, height: 1),
            Rect(x: 0, y: 23, width: 80, height: 1),
        ])
    }

    @Test("Given a percentage and a fill with spacing, when split into columns, then the gap sits between them")
    func percentAndFillColumns() {
        let body = Rect(x: 0, y: 1, width: 80, height: 21)
        let parts = body.splitColumns([.percent(40), .fill], spacing: 1)
        #expect(parts == [Rect(x: 0, y: 1, width: 31, height: 21), Rect(x: 32, y: 1, width: 48, height: 21)])
    }

    @Test("Given equal weights that do not divide the room, when split, then the earliest parts get the extra cells")
    func unevenWeights() {
        let parts = Rect(width: 10, height: 1).splitColumns([.fill, .fill, .fill])
        #expect(parts.map(\.width) == [4, 3, 3])
        #expect(parts.map(\.x) == [0, 4, 7])
        let weighted = Rect(width: 12, height: 1).splitColumns([.weight(2), .weight(1)])
        #expect(weighted.map(\.width) == [8, 4])
    }

    @Test("Given too little room, when split, then fixed parts are served first and the rest are empty")
    func tooLittleRoom() {
        let parts = Rect(width: 5, height: 1).splitRows([.fixed(1), .fill, .fixed(1)])
        #expect(parts.map(\.height) == [1, 0, 0])
        let none = Rect(width: 2, height: 0).splitRows([.fixed(1), .fill])
        #expect(none.allSatisfy { $0.isEmpty })
    }

    @Test("Given any size, when split with a fill, then the parts and gaps cover it exactly and stay inside",
          arguments: 0...30)
    func splitsCoverTheRect(total: Int) {
        let rect = Rect(x: 3, y: 2, width: total, height: 4)
        let lengths: [Rect.Length] = [.fixed(2), .percent(25), .fill, .weight(2), .fixed(1)]
        let parts = rect.splitColumns(lengths, spacing: 1)
        #expect(parts.count == lengths.count)
        #expect(parts.allSatisfy { $0.x >= rect.x && $0.maxX <= rect.maxX })
        if total >= lengths.count - 1 {
            #expect(parts.map(\.width).reduce(0, +) + (lengths.count - 1) == total)
        }
        for (left, right) in zip(parts, parts.dropFirst()) {
            #expect(left.maxX <= right.x)
        }
    }

    @Test("Given a rect, when inset, intersected and divided, then the results are the cells expected")
    func insetIntersectionAndDivision() {
        let rect = Rect(x: 2, y: 1, width: 10, height: 6)
        #expect(rect.inset(by: 1) == Rect(x: 3, y: 2, width: 8, height: 4))
        #expect(rect.inset(by: 9).isEmpty)
        #expect(rect.intersection(Rect(x: 10, y: 5, width: 5, height: 5)) == Rect(x: 10, y: 5, width: 2, height: 2))
        #expect(rect.intersection(Rect(x: 40, y: 40, width: 1, height: 1)).isEmpty)
        #expect(rect.dividedTop(2).top == Rect(x: 2, y: 1, width: 10, height: 2))
        #expect(rect.dividedTop(2).rest == Rect(x: 2, y: 3, width: 10, height: 4))
        #expect(rect.dividedBottom(9).bottom == rect)
        #expect(rect.dividedRight(3).right == Rect(x: 9, y: 1, width: 3, height: 6))
        #expect(rect.dividedLeft(3).rest == Rect(x: 5, y: 1, width: 7, height: 6))
        #expect(rect.row(5) == Rect(x: 2, y: 6, width: 10, height: 1))
        #expect(rect.row(6) == nil)
    }

    @Test("Given a negative size, when a rect is made or resized, then it is empty, not inside out")
    func negativeSizesAreEmpty() {
        var rect = Rect(x: 0, y: 0, width: -4, height: 3)
        #expect(rect.width == 0)
        rect.height = -1
        #expect(rect.height == 0)
        #expect(rect.isEmpty)
    }
}
