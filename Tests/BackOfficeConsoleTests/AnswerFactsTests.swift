@testable import BackOfficeConsole
import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// The facts a manager inserts into an answer with Ctrl-L are what the salesperson who asked may see.
@Suite("Answer facts", .serialized)
struct AnswerFactsTests {
    /// A receipt of BOLT-1 expected at `location` in `days`; the manager claims the salesperson's request, opens the
    /// answer and presses Ctrl-L. Gives the due day and the answer's text.
    func factsWithReceipt(at location: String, inDays days: Int, reference: String) async throws -> (due: Day, text: String) {
        let console = try await ConsoleFixture.make(user: "morgan")
        let due = Day(console.clock.now).adding(days: days)
        _ = try await console.store.expectReceipt(sku: "BOLT-1", quantity: 50, location: location, due: due, reference: reference,
                                                  by: console.admin)
        await console.start()
        await console.type("3")
        await console.type("c")
        await console.type("a")

        await console.press(.control("l"))

        let form = try #require({ if case .form(let form) = console.state.modal { return form } else { return nil } }())
        return (due, form.form.values[0])
    }

    @Test func givenAReceiptDueOnlyIntoQuarantineWhenAManagerInsertsFactsForSalesThenNoReceiptDateIsGiven() async throws {
        let facts = try await factsWithReceipt(at: "QUAR", inDays: 2, reference: "RMA-5")
        #expect(facts.text.contains("Available now: MAIN 100"))
        #expect(!facts.text.contains("next receipt"))
        #expect(!facts.text.contains("QUAR"))
    }

    @Test func givenAReceiptDueIntoASellableLocationWhenAManagerInsertsFactsThenItsDateIsGiven() async throws {
        let facts = try await factsWithReceipt(at: "EAST", inDays: 4, reference: "PO-9")
        #expect(facts.text.contains("next receipt \(facts.due)"))
    }
}
