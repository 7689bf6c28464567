@testable import BackOfficeConsole
import BackOfficeCore
import BackOfficeStore
import Foundation
import TerminalUI
import Testing

/// Every action of the console, through its keys, against a real store.
@Suite("Console actions")
struct ConsoleActionTests {
    @Test func givenTheSearchKeyWhenTypingThenTheListNarrowsWithEveryKey() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("/h")
        #expect(console.row(1).contains("2 items"))
        await console.type("ex n")
        #expect(console.row(1).contains("1 item "))
        #expect(console.row(3).hasPrefix("NUT-1"))
        // Esc clears the search and the whole catalogue is back.
        await console.press(.escape)
        #expect(console.row(1).contains("44 items"))
        #expect(!console.state.inventory.searching)
    }

    /// The count waits for the frame: the first frame shows the rows at once, the count follows before the next key.
    @Test func givenANewListThenItsRowsAreDrawnBeforeItsCountAndTheCountFollowsTheFrame() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        var state = console.runtime.state
        let effects = Console.start(&state)
        console.runtime = ConsoleRuntime(store: console.store, actor: console.runtime.actor, state: state, clock: console.clock.function)
        await console.runtime.run(effects)
        console.runtime.render(on: console.screen)
        #expect(console.row(3).hasPrefix("BOLT-1"), "the first rows are on the first frame")
        #expect(!console.row(1).contains("44 items"), "no count yet: \(console.row(1))")
        #expect(await console.runtime.runAfterFrame())
        console.runtime.render(on: console.screen)
        #expect(console.row(1).contains("44 items"), "\(console.row(1))")
        #expect(await console.runtime.runAfterFrame() == false)
    }

    @Test func givenAReceiptFormWhenFilledAndConfirmedThenTheStockAndTheScreenShowTheNewQuantity() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("r")
        #expect(console.text.contains("Receipt · BOLT-1"))
        await console.press(.tab)
        await console.type("40")
        await console.press(.tab)
        await console.type("PO-77")
        await console.press(.control("s"))
        #expect(console.text.contains("Receive 40 × BOLT-1 into MAIN?"))
        await console.type("y")

        #expect(try await console.onHand("BOLT-1", at: "MAIN") == 140)
        #expect(console.messageLine.contains("received 40 × BOLT-1 into MAIN; on hand now MAIN 140"))
        #expect(console.grid.role(x: 1, y: 22) == .success)
        #expect(console.row(3).hasSuffix("145       145"))
        let movements = try await console.store.movements(sku: "BOLT-1", limit: 1, by: console.admin)
        #expect(movements.first?.reference == "PO-77" && movements.first?.source == "console")
    }

    @Test func givenAnIssueForMoreThanIsThereWhenConfirmedThenTheLedgersRefusalShowsAndNothingMoves() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("i")
        await console.press(.tab)
        await console.type("500")
        await console.press(.control("s"))
        await console.type("y")

        #expect(console.messageLine.contains("insufficient stock: BOLT-1 at MAIN has 100 available, 500 requested"))
        #expect(console.grid.role(x: 1, y: 22) == .error)
        #expect(try await console.onHand("BOLT-1", at: "MAIN") == 100)
    }

    @Test func givenEachMovementKindWhenPostedFromItsFormThenTheLedgerRecordsIt() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        // Transfer 10 MAIN → EAST.
        await console.type("t")
        await console.press(.control("u"))
        await console.type("MAIN")
        await console.press(.tab)
        await console.press(.control("u"))
        await console.type("EAST")
        await console.press(.tab)
        await console.type("10")
        await console.press(.control("s"))
        await console.type("y")
        #expect(try await console.onHand("BOLT-1", at: "EAST") == 10)
        // Adjust -3 at MAIN for damage.
        await console.type("a")
        await console.press(.tab)
        await console.type("-3")
        await console.press(.tab)
        await console.type("damage")
        await console.press(.control("s"))
        await console.type("y")
        #expect(try await console.onHand("BOLT-1", at: "MAIN") == 87)
        // Count 80 at MAIN.
        await console.type("c")
        await console.press(.tab)
        await console.type("80")
        await console.press(.control("s"))
        await console.type("y")
        #expect(try await console.onHand("BOLT-1", at: "MAIN") == 80)
        #expect(console.messageLine.contains("counted 80 × BOLT-1 at MAIN (-7)"))
    }

    @Test func givenAHoldFormWhenPlacedThenTheStockIsReservedForTheAccount() async throws {
        let console = try await ConsoleFixture.make(user: "sam")
        await console.start()
        await console.type("h")
        await console.press(.tab)
        await console.type("25")
        await console.press(.tab)
        await console.type("ACME")
        await console.press(.control("s"))
        await console.type("y")

        #expect(console.messageLine.contains("hold #1: 25 × BOLT-1 at MAIN for ACME"))
        let stock = try await console.store.stock(sku: "BOLT-1", by: console.admin)
        #expect(stock.lines.first { $0.location == "MAIN" }?.position.reserved == 25)
        #expect(console.row(3).hasSuffix("100        75"))
    }

    @Test func givenADirtyFormWhenEscIsPressedThenTheConsoleAsksBeforeThrowingItAway() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("r")
        await console.press(.tab)
        await console.type("12")
        await console.press(.escape)
        #expect(console.text.contains("Throw away what you typed"))
        await console.type("n")
        #expect(console.text.contains("Receipt · BOLT-1"))
        await console.press(.escape)
        await console.type("y")
        #expect(console.state.modal == nil)
        #expect(try await console.onHand("BOLT-1", at: "MAIN") == 100)
    }

    @Test func givenQuitWhenAFormHasInputThenItAsksAndOtherwiseQuitsAtOnce() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("r")
        await console.press(.tab)
        await console.type("5")
        await console.press(.control("q"))
        #expect(console.text.contains("Quit and lose what you typed"))
        #expect(!console.state.quitting)
        await console.type("n")
        await console.press(.escape)
        await console.type("y")
        await console.type("q")
        #expect(console.state.quitting)
    }

    @Test func givenTheSelectionMovesWhenKeysArePressedThenTheDetailFollowsIt() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("j")
        #expect(console.state.inventory.detail?.stock.item.sku == "EVIL-1")
        await console.press(.end)
        #expect(console.state.inventory.list.selected?.item.sku == "WIDE-1")
        #expect(console.state.inventory.detail?.stock.item.sku == "WIDE-1")
        await console.press(.home)
        #expect(console.state.inventory.detail?.stock.item.sku == "BOLT-1")
        await console.press(.pageDown)
        #expect(console.state.inventory.list.table.selection == 8)
    }

    @Test func givenSortAndFilterKeysWhenPressedThenTheListFollowsThem() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("b")
        // BOLT-1 has 105 (reorder 10); NUT-1 has none (reorder 50): only NUT-1 is below its reorder point.
        #expect(console.row(3).hasPrefix("NUT-1"))
        #expect(console.row(1).contains("below reorder"))
        await console.type("b")
        await console.type(">")
        #expect(console.row(2).contains("NAME▲"))
        #expect(console.row(3).contains("Evil"))
        await console.type("f")
        await console.type("EAST")
        await console.press(.control("s"))
        #expect(console.text.contains("No items"))
        #expect(console.row(1).contains("at EAST"))
    }

    @Test func givenAManagersConsoleWhenASalespersonFilesElsewhereThenTheTabBarCountsItAndTheBellRingsOnce() async throws {
        let console = try await ConsoleFixture.make(user: "morgan")
        await console.start(bell: true)
        // The fixture's one request from sam is new and assigned to morgan; the first reading never rings.
        #expect(console.row(0).hasSuffix("3 Queue  ● 1 to answer" + String(repeating: " ", count: 18)), "\(console.row(0))")
        #expect(console.grid.role(x: console.find("● 1")!.x, y: 0) == .dueSoon)
        #expect(console.screen.bells == 0)
        await console.runtime.checkForChanges(force: true)
        // Another process's connection: a second store on the same file, on the same clock.
        let other = try await Store.open(path: console.path, clock: console.clock.function)
        let sam = Actor(user: try await other.signIn("sam"), source: .cli)
        let filed = try await other.fileRequest(kind: .price, account: "ACME", sku: nil, quantity: nil, text: "Better price?",
                                                priority: .urgent, by: sam)
        await console.runtime.checkForChanges(force: true)
        await console.frame()
        #expect(console.row(0).contains("3 Queue  ● 2 to answer "), "\(console.row(0))")
        #expect(console.screen.bells == 1)
        // Claimed in another session: one fewer needs morgan, and no bell for a request taken away.
        _ = try await other.act(on: filed.id, .claim, text: "", assignTo: nil, by: Actor(user: try await other.signIn("morgan"), source: .cli))
        await console.runtime.checkForChanges(force: true)
        await console.frame()
        #expect(console.row(0).contains("3 Queue  ● 1 to answer "), "\(console.row(0))")
        #expect(console.screen.bells == 1)
        // Working time passes with nothing committed: past the urgent request's due time it counts as late.
        console.clock.advance(3 * 86_400)
        await console.runtime.checkForChanges(force: true)
        await console.frame()
        #expect(console.row(0).contains("● 1 to answer · 2 late"), "\(console.row(0))")
        #expect(console.grid.role(x: console.find("● 1")!.x, y: 0) == .overdue)
        await other.close()
    }

    @Test func givenASalespersonsConsoleWithoutTheBellWhenAnAnswerComesThenTheBadgeSaysSoAndNothingRings() async throws {
        let console = try await ConsoleFixture.make(user: "sam")
        await console.start()
        #expect(!console.row(0).contains("●"), "\(console.row(0))")
        await console.runtime.checkForChanges(force: true)
        let other = try await Store.open(path: console.path, clock: console.clock.function)
        let morgan = Actor(user: try await other.signIn("morgan"), source: .cli)
        let id = try #require(try await other.requests(view: .mine, state: .open, limit: 10, offset: 0, by: morgan).first?.id)
        _ = try await other.act(on: id, .answer, text: "Yes, 30 from MAIN", assignTo: nil, by: morgan)
        await other.close()
        await console.runtime.checkForChanges(force: true)
        await console.frame()
        #expect(console.row(0).contains("3 Queue  ● 1 back to you "), "\(console.row(0))")
        #expect(console.screen.bells == 0)
    }

    @Test func givenAnotherSessionPostsWhenTheConsoleLooksForChangesThenTheNewQuantityShowsWithoutAKey() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.runtime.checkForChanges(force: true)
        // Another process's connection: a second store on the same file.
        let other = try await Store.open(path: console.path)
        _ = try await other.post(.receipt(quantity: 7, to: "MAIN"), sku: "BOLT-1", by: console.admin)
        await other.close()
        await console.runtime.checkForChanges(force: true)
        console.runtime.render(on: console.screen)

        #expect(console.row(3).hasSuffix("112       112"))
        #expect(console.grid.lines.contains { $0.hasPrefix("│MAIN ") && $0.hasSuffix(" 107│") })
    }

    @Test func givenAManagerWhenClaimingAndAnsweringWithLiveFactsThenTheRequestIsAnsweredWithASnapshot() async throws {
        let console = try await ConsoleFixture.make(user: "morgan")
        await console.start()
        await console.type("3")
        await console.type("c")
        #expect(console.messageLine.contains("request #1 claimed"))
        await console.type("a")
        await console.press(.control("l"))
        let form = try #require({ if case .form(let form) = console.state.modal { return form } else { return nil } }())
        #expect(form.form.values[0].contains("Available now: MAIN 100"))
        #expect(form.form.values[0].contains("Price for 30: 1.00 USD each, 30.00 USD in all"))
        await console.press(.control("s"))

        let detail = try await console.store.request(1, by: console.admin)
        #expect(detail.request.state == .answered)
        #expect(detail.events.last?.snapshot != nil)
        #expect(console.text.contains("stock then: MAIN 100"))
    }

    @Test func givenTheQueueWhenWaitingReplyingClosingAndReopeningThenEachStateShows() async throws {
        let manager = try await ConsoleFixture.make(user: "morgan")
        await manager.start()
        await manager.type("3")
        await manager.type("w")
        await manager.type("Which warehouse?")
        await manager.press(.control("s"))
        #expect(try await manager.store.request(1, by: manager.admin).request.state == .waitingOnSales)

        let sam = try await ConsoleFixture.reopen(manager, as: "sam")
        await sam.type("3")
        #expect(sam.text.contains("filed by me"))
        await sam.type("R")
        await sam.type("MAIN please")
        await sam.press(.control("s"))
        #expect(try await sam.store.request(1, by: sam.admin).request.state == .claimed)
        await sam.type("x")
        await sam.type("y")
        #expect(try await sam.store.request(1, by: sam.admin).request.state == .closed)
        // Closed requests leave the open view; the state filter brings them back.
        for _ in 0..<5 { await sam.type("f") }
        #expect(sam.text.contains("state closed"))
        await sam.type("o")
        #expect(try await sam.store.request(1, by: sam.admin).request.state != .closed)
    }

    @Test func givenASalespersonOnThePricingPaneWhenFilingARequestThenItCarriesTheItemAccountAndQuantity() async throws {
        let console = try await ConsoleFixture.make(user: "sam")
        await console.start()
        await console.type(":price BOLT-1 ACME 40")
        await console.press(.enter)
        await console.type("R")
        #expect(console.text.contains("Ask the account manager"))
        let form = try #require({ if case .form(let form) = console.state.modal { return form } else { return nil } }())
        #expect(Array(form.form.values.prefix(5)) == ["ACME", "BOLT-1", "40", "price", "normal"])
        for _ in 0..<5 { await console.press(.tab) }
        await console.type("Better price for 40?")
        await console.press(.control("s"))

        #expect(console.messageLine.contains("request #2 sent to morgan"))
        let requests = try await console.store.requests(view: .all, by: console.admin)
        #expect(requests.contains { $0.id == 2 && $0.quantity == 40 && $0.sku == "BOLT-1" && $0.kind == .price })
    }

    @Test func givenThePickersWhenTypingThenAccountsAndItemsAreFoundAndChosen() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("2")
        await console.type("a")
        await console.type("acm")
        #expect(console.text.contains("ACME           Acme Building"))
        await console.press(.enter)
        await console.type("i")
        await console.type("nut")
        await console.press(.enter)
        await console.type("n")
        await console.press(.control("u"))
        await console.type("60")
        await console.press(.enter)

        #expect(console.state.pricing.account?.code == "ACME")
        #expect(console.state.pricing.item?.sku == "NUT-1")
        #expect(console.state.pricing.quote?.quantity == 60)
        #expect(console.text.contains("0.12 USD"))
    }

    @Test(arguments: ["stock", "price BOLT-1", "req x", "frobnicate"])
    func givenABadCommandLineWhenRunThenTheMessageLineSaysWhatIsExpected(line: String) async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type(":" + line)
        await console.press(.enter)
        #expect(console.grid.role(x: 1, y: 22) == .error)
        #expect(console.messageLine.contains(":") || console.messageLine.contains("unknown"))
    }

    @Test func givenTheStockCommandLineWhenRunThenTheInventoryPaneSearchesForIt() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("2")
        await console.type(":stock NUT-1")
        await console.press(.enter)
        #expect(console.state.pane == .inventory)
        #expect(console.row(3).hasPrefix("NUT-1"))
    }
}

extension ConsoleFixture {
    /// A second console on the same store for another user, as a second session would be.
    static func reopen(_ other: ConsoleFixture, as name: String) async throws -> ConsoleFixture {
        let console = try await ConsoleFixture.attach(to: other, user: name)
        await console.start()
        return console
    }
}

@Suite("Console count sessions")
struct ConsoleCountTests {
    @Test func givenACountSessionWhenItemsAreScannedAndTypedThenTheVarianceShowsAndPostingMovesTheBooks() async throws {
        let console = try await ConsoleFixture.make(user: "clerk", width: 100, height: 30)
        await console.start()
        await console.type("C")
        #expect(console.text.contains("Count session"))
        await console.press(.control("s"))
        #expect(console.text.contains("Count 1 at MAIN · open · 0/1 counted"))
        #expect(console.grid.lines.contains { $0.hasPrefix("BOLT-1") && $0.contains(" 100 ") })

        // A scanner: SKU and Enter, twice, counts two; then a typed quantity replaces it.
        for _ in 0..<2 {
            await console.type("BOLT-1")
            await console.press(.enter)
        }
        func cells(_ sku: String) -> [Substring] {
            (console.grid.lines.first { $0.hasPrefix(sku) } ?? "").split(separator: " ")
        }
        #expect(cells("BOLT-1").suffix(3) == ["100", "2", "-98"])
        await console.type("97")
        await console.press(.enter)
        #expect(cells("BOLT-1").suffix(3) == ["100", "97", "-3"])
        // An item the books did not have here is added when scanned.
        await console.type("NUT-1")
        await console.press(.enter)
        #expect(console.text.contains("2/2 counted"))

        await console.press(.control("p"))
        #expect(console.text.contains("Post count 1"))
        await console.type("y")
        #expect(try await console.onHand("BOLT-1", at: "MAIN") == 97)
        #expect(try await console.onHand("NUT-1", at: "MAIN") == 1)
        #expect(console.messageLine.contains("count 1 posted: 2 count movements"))
        let posted = try await console.store.count(1, by: console.admin)
        #expect(posted.state == .posted)
        await console.press(.escape)
        #expect(console.state.inventory.count == nil)
        #expect(console.text.contains("SKU▲         NAME"), "\(console.text)")
    }
}
