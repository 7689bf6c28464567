@testable import BackOfficeConsole
import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// The facts a manager inserts into an answer with Ctrl-L are what the salesperson who asked may see.
@Suite("Answer facts", .serialized)
struct AnswerFactsTests {
    @Test func givenAReceiptDueOnlyIntoQuarantineWhenAManagerInsertsFactsForSalesThenNoReceiptDateIsGiven() async throws {
        let console = try await ConsoleFixture.make(user: "morgan")
        let due = Day(console.clock.now).adding(days: 2)
        _ = try await console.store.expectReceipt(sku: "BOLT-1", quantity: 50, location: "QUAR", due: due, reference: "RMA-5",
                                                  by: console.admin)
        await console.start()
        await console.type("3")
        await console.type("c")
        await console.type("a")

        await console.press(.control("l"))

        let form = try #require({ if case .form(let form) = console.state.modal { return form } else { return nil } }())
        #expect(form.form.values[0].contains("Available now: MAIN 100"))
        #expect(!form.form.values[0].contains("next receipt"))
        #expect(!form.form.values[0].contains("QUAR"))
    }

    @Test func givenAReceiptDueIntoASellableLocationWhenAManagerInsertsFactsThenItsDateIsGiven() async throws {
        let console = try await ConsoleFixture.make(user: "morgan")
        let due = Day(console.clock.now).adding(days: 4)
        _ = try await console.store.expectReceipt(sku: "BOLT-1", quantity: 50, location: "EAST", due: due, reference: "PO-9",
                                                  by: console.admin)
        await console.start()
        await console.type("3")
        await console.type("c")
        await console.type("a")

        await console.press(.control("l"))

        let form = try #require({ if case .form(let form) = console.state.modal { return form } else { return nil } }())
        #expect(form.form.values[0].contains("next receipt \(due)"))
    }
}
