@testable import BackOfficeConsole
import BackOfficeCore
import Testing
import TerminalUI

let clerk = User(name: "clerk", displayName: "Chris Clerk", role: .clerk)
let sales = User(name: "sam", displayName: "Sam Sales", role: .sales)
let manager = User(name: "morgan", displayName: "Morgan", role: .manager)
let admin = User(name: "admin", displayName: "Admin", role: .admin)

@Suite("The key table")
struct KeyTableTests {
    @Test(arguments: Pane.allCases)
    func givenAnyPaneAndRoleWhenKeysAreLookedUpThenNoKeyMeansTwoThings(pane: Pane) {
        for user in [clerk, sales, manager, admin] {
            for context in KeyContext.allCases {
                var seen: [Key: ConsoleCommand] = [:]
                for binding in KeyTable.bindings(in: pane, for: user) where binding.contexts.contains(context) {
                    for key in binding.keys {
                        if context.takesTyping, case .character = key { continue }
                        if let earlier = seen[key], earlier != binding.command {
                            Issue.record("\(key) means both \(earlier) and \(binding.command) in \(pane) (\(context)) for \(user.role)")
                        }
                        seen[key] = binding.command
                    }
                }
            }
        }
    }

    @Test func givenASalespersonWhenLookingUpPostingKeysThenTheyAreNotThere() {
        #expect(KeyTable.command(for: .character("r"), in: .inventory, for: sales) == nil)
        #expect(KeyTable.command(for: .character("r"), in: .inventory, for: clerk) == .receipt)
        #expect(!KeyTable.hints(in: .inventory, for: sales).contains("receipt"))
        #expect(KeyTable.hints(in: .inventory, for: clerk).contains("r receipt"))
    }

    @Test func givenTheSameLetterInTwoPanesWhenLookedUpThenEachPaneHasItsOwnMeaning() {
        #expect(KeyTable.command(for: .character("a"), in: .inventory, for: admin) == .adjust)
        #expect(KeyTable.command(for: .character("a"), in: .pricing, for: admin) == .pickAccount)
        #expect(KeyTable.command(for: .character("a"), in: .queue, for: admin) == .answer)
    }

    @Test func givenFunctionKeysWhenLookedUpThenTheySwitchPanes() {
        #expect(KeyTable.command(for: .function(2), in: .queue, for: sales) == .showPane(.inventory))
        #expect(KeyTable.command(for: .function(3), in: .inventory, for: sales) == .showPane(.pricing))
        #expect(KeyTable.command(for: .function(4), in: .pricing, for: sales) == .showPane(.queue))
        #expect(Pane.queue.next == .inventory && Pane.inventory.previous == .queue)
    }

    @Test func givenTheHelpForAPaneWhenGeneratedThenEveryBindingTheUserHasIsListedOnce() {
        let help = KeyTable.help(in: .queue, for: manager)
        let listed = help.flatMap(\.entries).map(\.description)
        #expect(listed.count == KeyTable.bindings(in: .queue, for: manager).count)
        #expect(listed.contains("claim"))
        #expect(help.first?.title == "Everywhere")
        #expect(!KeyTable.help(in: .queue, for: sales).flatMap(\.entries).map(\.description).contains("claim"))
    }
}

@Suite("The : command line")
struct FastPathTests {
    @Test(arguments: [
        ("stock FAS-000006", FastPath.stock("FAS-000006")),
        ("s hex bolt", .stock("hex bolt")),
        ("price FAS-000006 ACME 50", .price(sku: "FAS-000006", account: "ACME", quantity: 50)),
        ("p FAS-000006 ACME", .price(sku: "FAS-000006", account: "ACME", quantity: 1)),
        ("req 42", .request(42)),
        ("req #7", .request(7)),
        ("q", .quit),
    ])
    func givenAValidLineWhenParsedThenItNamesTheAnswer(line: String, expected: FastPath) throws {
        #expect(try FastPath.parse(line).get() == expected)
    }

    @Test(arguments: [
        ("", "type a command"),
        ("stock", ":stock needs a SKU"),
        ("price FAS-1", ":price needs SKU ACCOUNT [QTY]"),
        ("price FAS-1 ACME zero", "quantity"),
        ("price FAS-1 ACME -5", "quantity"),
        ("req x", ":req needs a request number"),
        ("frob", "unknown command :frob"),
    ])
    func givenABadLineWhenParsedThenTheErrorSaysWhatIsWrong(line: String, message: String) {
        guard case .failure(let failure) = FastPath.parse(line) else { Issue.record("accepted \(line)"); return }
        #expect(failure.message.contains(message))
    }
}

@Suite("The frame around the panes")
struct FrameTests {
    let status = Frame.Status(user: "clerk", role: .clerk, store: "demo.sqlite", clock: "14:03", live: true)

    @Test func givenAn80x24TerminalWhenTheFrameIsDrawnThenTheTabsStatusAndHintsShow() {
        var grid = Grid(width: 80, height: 24)
        let body = Frame.draw(into: &grid, pane: .pricing, status: status, hints: KeyTable.hints(in: .pricing, for: clerk))
        #expect(body == Rect(x: 0, y: 1, width: 80, height: 21))
        #expect(grid.text(row: 0).contains("1 Inventory"))
        #expect(grid.text(row: 0).contains("2 Pricing"))
        #expect(grid.text(row: 0).contains("3 Queue"))
        let pricingColumn = grid.text(row: 0).range(of: "2 Pricing").map { grid.text(row: 0).distance(from: grid.text(row: 0).startIndex, to: $0.lowerBound) }!
        #expect(grid.role(x: pricingColumn, y: 0) == .tabActive)
        #expect(grid.role(x: 2, y: 0) == .title)
        #expect(grid.text(row: 23).hasPrefix(" clerk (clerk) · demo.sqlite"))
        #expect(grid.text(row: 23).hasSuffix("14:03 ● live "))
        #expect(grid.text(row: 22).contains("a account"))
    }

    @Test func givenAnErrorMessageWhenTheFrameIsDrawnThenItReplacesTheHintsInTheErrorRole() {
        var grid = Grid(width: 80, height: 24)
        var failing = status
        failing.message = .error("insufficient stock: short by 5")
        _ = Frame.draw(into: &grid, pane: .inventory, status: failing, hints: "r receipt")
        #expect(grid.text(row: 22).hasPrefix(" insufficient stock: short by 5"))
        #expect(grid.role(x: 1, y: 22) == .error)
    }

    @Test(arguments: [(60, 20), (79, 24), (80, 23), (20, 3), (1, 1), (0, 0)])
    func givenATooSmallTerminalWhenDrawnThenItAsksForMoreRoomWithoutCrashing(width: Int, height: Int) {
        #expect(!Frame.fits(width: width, height: height))
        let grid = Frame.tooSmall(width: width, height: height)
        #expect(grid.width == width && grid.height == height)
        if width >= 40 && height >= 2 {
            #expect(grid.lines.joined().contains("make the terminal at least 80x24"))
            #expect(grid.lines.joined().contains("(it is \(width)x\(height) now)"))
        }
    }

    @Test func givenExactly80x24WhenCheckedThenTheConsoleFits() {
        #expect(Frame.fits(width: 80, height: 24))
        #expect(Frame.fits(width: 160, height: 48))
    }
}
