import Testing
import TerminalUI

private func dottedScreen(width: Int, height: Int) -> Grid {
    var grid = Grid(width: width, height: height)
    for row in 0..<height { grid.put(String(repeating: ".", count: width), x: 0, y: row) }
    return grid
}

private let postReceipt = ConfirmDialog(title: "Post receipt", message: ["Receive 40 × FAS-0001", "into MAIN?"])

@Suite("Confirm dialog")
struct ConfirmDialogWidgetTests {
    @Test("Given a screen of content, when the dialog is drawn, then it is centred over it and the rest shows through")
    func drawnCentredOverContent() {
        var grid = dottedScreen(width: 30, height: 9)
        postReceipt.draw(into: &grid, in: grid.bounds)
        #expect(grid.description == """
            ..............................
            ..┌─ Post receipt ────────┐...
            ..│                       │...
            ..│ Receive 40 × FAS-0001 │...
            ..│ into MAIN?            │...
            ..│                       │...
            ..│    [ Yes ]  [ No ]    │...
            ..└───────────────────────┘...
            ..............................
            """)
        #expect(grid.role(x: 7, y: 6) == .selection)
        #expect(grid.role(x: 16, y: 6) == .dialog)
        #expect(grid.role(x: 3, y: 3) == .dialog)
        #expect(grid.role(x: 2, y: 1) == .borderFocused)
        #expect(grid.role(x: 0, y: 3) == .normal)
    }

    @Test("Given a message longer than the dialog may grow, when drawn, then it wraps at spaces inside the box")
    func longMessageWraps() {
        let dialog = ConfirmDialog(title: "Close request", message: [
            "Close request 42 for Northwind Traders? The salesperson is told it is answered and it leaves the queue.",
        ], defaultButton: .cancel)
        var grid = dottedScreen(width: 80, height: 12)
        dialog.draw(into: &grid, in: grid.bounds)
        let frame = dialog.frame(in: grid.bounds)
        #expect(frame.width == ConfirmDialog.preferredMaxWidth)
        #expect(grid.lines.allSatisfy { TextWidth.of($0) == 80 })
        #expect(grid.text(row: frame.y + 2).contains("Close request 42 for Northwind Traders? The salesperson"))
        #expect(grid.text(row: frame.y + 3).contains("is told it is answered and it leaves the queue."))
        #expect(grid.text(row: frame.maxY - 2).contains("[ Yes ]  [ No ]"))
        #expect(grid.role(x: frame.x + 22, y: frame.maxY - 2) == .dialog)  // "[ Yes ]": not the default here
        #expect(grid.role(x: frame.x + 31, y: frame.maxY - 2) == .selection)  // "[ No ]"
    }

    @Test("Given a dialog, when y, n, Esc or Enter are pressed, then they confirm or decline as labelled")
    func answerKeys() {
        var dialog = postReceipt
        #expect(dialog.handle(.character("y")) == .confirmed)
        #expect(dialog.handle(.character("n")) == .declined)
        #expect(dialog.handle(.escape) == .declined)
        #expect(dialog.handle(.enter) == .confirmed)
        #expect(dialog.handle(.right) == .handled)
        #expect(dialog.selected == .cancel)
        #expect(dialog.handle(.enter) == .declined)
        #expect(dialog.handle(.character("x")) == .ignored)
    }

    @Test("Given a destructive action, when the dialog opens, then Enter alone declines")
    func cancelAsDefault() {
        var dialog = ConfirmDialog(title: "Reverse", message: ["Reverse movement 17?"], defaultButton: .cancel)
        #expect(dialog.handle(.enter) == .declined)
    }

    @Test("Given a screen too small for the dialog, when drawn, then it shrinks to the screen without crashing")
    func tinyScreen() {
        for (width, height) in [(1, 1), (5, 3), (12, 4)] {
            var grid = dottedScreen(width: width, height: height)
            postReceipt.draw(into: &grid, in: grid.bounds)
            #expect(postReceipt.frame(in: grid.bounds).width <= width)
            #expect(grid.lines.allSatisfy { TextWidth.of($0) == width })
        }
    }

    @Test("Given a dialog that starts on No, when an app switches the button and chooses, then it confirms")
    func actionsForAKeyTable() {
        var dialog = ConfirmDialog(title: "Post", message: ["Post?"], defaultButton: .cancel)
        #expect(dialog.perform(.choose) == .declined)
        #expect(dialog.perform(.switchButton) == .handled)
        #expect(dialog.selected == .confirm)
        #expect(dialog.perform(.choose) == .confirmed)
        #expect(dialog.perform(.decline) == .declined)
        #expect(dialog.perform(.confirm) == .confirmed)
    }
}
