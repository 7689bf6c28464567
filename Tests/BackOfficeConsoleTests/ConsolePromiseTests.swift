@testable import BackOfficeConsole
import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// "When can the customer have N?" in the console: the command line, the item's detail, Pricing, and the answer a
/// manager writes.
@Suite("Available to promise in the console")
struct ConsolePromiseTests {
    /// BOLT-1: 100 at MAIN, 40 of them held for sam's account for three days, 300 due at MAIN in ten days.
    static func fixture(user: String, width: Int = 120, height: Int = 40) async throws -> (ConsoleFixture, today: Day) {
        let f = try await ConsoleFixture.make(user: user, width: width, height: height)
        let today = Day(f.clock.now)
        _ = try await f.store.expectReceipt(sku: "BOLT-1", quantity: 300, location: "MAIN", due: today.adding(days: 10), reference: "PO-9",
                                            by: f.admin)
        let sam = Actor(user: try await f.store.signIn("sam"), source: .cli)
        _ = try await f.store.placeHold(sku: "BOLT-1", quantity: 40, location: "MAIN", account: "ACME",
                                        expiresAt: f.clock.now.addingTimeInterval(3 * 86_400), by: sam)
        await f.start()
        return (f, today)
    }

    @Test func givenTheCommandLineWhenAtpIsTypedThenTheMessageSaysWhenAndTheDetailShowsTheTimeline() async throws {
        let (f, today) = try await Self.fixture(user: "clerk")
        await f.type(":atp BOLT-1 350")
        await f.press(.enter)
        let when = today.adding(days: 10)
        #expect(f.messageLine.contains("BOLT-1: 350 by \(when) at MAIN, after PO-9 due"), "\(f.text)")
        #expect(f.state.inventory.list.selected?.item.sku == "BOLT-1")
        #expect(f.text.contains("When: 350 by \(when) at MAIN, after PO-9 due"), "\(f.text)")
        let hold = try #require(f.find("hold #1 expires"), "\(f.text)")
        let receipt = try #require(f.find("MAIN PO-9 due"))
        #expect(hold.y < receipt.y)
        #expect(f.row(hold.y).contains("\(today.adding(days: 3))     +40     100"))
        #expect(f.row(receipt.y).contains("\(when)    +300     400"))

        await f.type(":atp BOLT-1 lots")
        await f.press(.enter)
        #expect(f.messageLine.contains("quantity"), "\(f.messageLine)")
    }

    @Test func givenPricingWhenAQuoteIsShownThenTheStockBoxSaysWhenTheQuantityIsAvailable() async throws {
        let (f, today) = try await Self.fixture(user: "sam")
        await f.type(":price BOLT-1 ACME 350")
        await f.press(.enter)
        // Wrapped to the stock box, beside the quote.
        let first = try #require(f.find("When: 350 by \(today.adding(days: 10)) at MAIN, after PO-9"), "\(f.text)")
        #expect(f.row(first.y + 1).hasSuffix("│due                                        │"), "\(f.text)")
        #expect(first.x > 70)
        await f.type(":price BOLT-1 ACME 20")
        await f.press(.enter)
        #expect(f.text.contains("When: 20 now (60 available)"), "\(f.text)")
    }

    @Test func givenAManagerAnsweringWhenTheFactsGoInThenTheyCarryTheDateAndTheSnapshotKeepsIt() async throws {
        let (f, today) = try await Self.fixture(user: "morgan")
        let stock = try await f.store.stock(sku: "BOLT-1", by: f.admin)
        let promise = try await f.store.promise(sku: "BOLT-1", quantity: 350, at: nil, includeOverdue: false, by: f.admin)
        let facts = Console.answerFacts(stock: stock, quote: nil, quantity: 350, promise: promise)
        #expect(facts.hasSuffix(" When: 350 by \(today.adding(days: 10)) at MAIN, after PO-9 due."), "\(facts)")

        let morgan = Actor(user: try await f.store.signIn("morgan"), source: .cli)
        let sam = Actor(user: try await f.store.signIn("sam"), source: .cli)
        let request = try await f.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 350, text: "350 soon?",
                                                    priority: .normal, by: sam)
        _ = try await f.store.act(on: request.id, .claim, by: morgan)
        _ = try await f.store.act(on: request.id, .answer, text: "See below", by: morgan)
        let answered = try await f.store.request(request.id, by: sam)
        let snapshot = try #require(answered.events.last?.snapshot.flatMap(AnswerSnapshot.init(json:)))
        #expect(snapshot.promise?.date == today.adding(days: 10))
        #expect(snapshot.promise?.locations.map(\.location) == ["MAIN"])
        #expect(QueueDrawing.snapshotLines(snapshot).last == "when then: 350 by \(today.adding(days: 10)) at MAIN, after PO-9 due")
    }

    @Test func givenItemsBelowTheirReorderPointWhenBIsPressedThenTheListSaysHowManyToOrder() async throws {
        let f = try await ConsoleFixture.make(user: "clerk", width: 120, height: 30)
        // NUT-1: point 50, up to 120 in 25s, nothing on hand, 30 on order: 90 to reach 120, in 25s 100.
        _ = try await f.store.editItem(sku: "NUT-1", Store.ItemChanges(reorderTo: 120, orderMultiple: 25), by: f.admin)
        _ = try await f.store.expectReceipt(sku: "NUT-1", quantity: 30, location: "MAIN", due: Day(f.clock.now).adding(days: 5),
                                            reference: "PO-5", by: f.admin)
        await f.start()
        #expect(f.find("ORDER") == nil)
        await f.press(.character("b"))
        let header = try #require(f.find("ORDER"), "\(f.text)")
        let y = try #require((0..<f.grid.height).first { f.row($0).hasPrefix("NUT-1 ") || f.row($0).hasPrefix(" NUT-1 ") }, "\(f.text)")
        let cells = f.row(y)
        #expect(cells.contains("Hex Nut M8"))
        let order = String(cells.dropFirst(header.x).prefix(5)).trimmingCharacters(in: .whitespaces)
        #expect(order == "100", "\(f.text)")
        #expect(f.state.inventory.list.window.rows.first { $0.item.sku == "NUT-1" }?.incoming == 30)
    }
}
