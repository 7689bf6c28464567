@testable import BackOfficeConsole
import BackOfficeCore
import Foundation
import TerminalUI
import Testing

/// Every pane and every window over one, for each role that sees it differently, at 80x24 and 120x40, rendered
/// headlessly from the fixture store (its clock is fixed, so times and SLAs are too) and compared with the saved
/// screens under `Screens/`. `BACKOFFICE_RECORD_SCREENS=1` writes them instead; the files' diffs are the review.
@Suite("Golden screens")
struct GoldenScreenTests {
    struct Size: Sendable, CustomTestStringConvertible {
        var width: Int
        var height: Int
        var testDescription: String { "\(width)x\(height)" }
    }

    static let sizes = [Size(width: 80, height: 24), Size(width: 120, height: 40)]

    /// Compares the console's last frame with `Screens/<name>-<width>x<height>.screen`.
    func expectScreen(_ console: ConsoleFixture, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        ScreenFile(name: "\(name)-\(console.grid.width)x\(console.grid.height)", grid: console.grid).expect(sourceLocation: sourceLocation)
    }

    func open(_ user: String, _ size: Size) async throws -> ConsoleFixture {
        let console = try await ConsoleFixture.make(user: user, width: size.width, height: size.height)
        await console.start()
        return console
    }

    // MARK: - Inventory

    @Test(arguments: sizes)
    func inventoryForEachRole(size: Size) async throws {
        for user in ["clerk", "morgan", "sam"] {
            let console = try await open(user, size)
            expectScreen(console, "inventory-\(user)")
        }
    }

    @Test(arguments: sizes)
    func inventorySearchAndRefusal(size: Size) async throws {
        let console = try await open("clerk", size)
        await console.type("/bolt")
        expectScreen(console, "inventory-searching-clerk")
        await console.press(.enter)
        await console.press(.down)
        expectScreen(console, "inventory-search-kept-clerk")

        let sales = try await open("sam", size)
        await sales.type("r")
        expectScreen(sales, "inventory-refused-sam")
    }

    @Test(arguments: sizes)
    func movementForms(size: Size) async throws {
        let console = try await open("clerk", size)
        for (key, name) in [("r", "receipt"), ("i", "issue"), ("t", "transfer"), ("a", "adjust"), ("c", "count")] {
            await console.type(key)
            expectScreen(console, "form-\(name)-clerk")
            await console.press(.escape)
        }
        #expect(console.state.modal == nil)
    }

    @Test(arguments: sizes)
    func receiptFormErrorConfirmAndDiscard(size: Size) async throws {
        let console = try await open("clerk", size)
        await console.type("r")
        await console.press(.tab)
        await console.type("0")
        await console.press(.control("s"))
        expectScreen(console, "form-receipt-error-clerk")

        await console.press(.backspace)
        await console.type("12")
        await console.press(.tab)
        await console.type("PO-77")
        await console.press(.control("s"))
        expectScreen(console, "confirm-receipt-clerk")
        await console.type("n")

        await console.type("r")
        await console.press(.tab)
        await console.type("3")
        await console.press(.escape)
        expectScreen(console, "question-discard-clerk")
        await console.type("n")
        await console.press(.control("q"))
        expectScreen(console, "question-quit-clerk")
    }

    @Test(arguments: sizes)
    func holdAndFilterAndRequestForms(size: Size) async throws {
        for user in ["clerk", "sam"] {
            let console = try await open(user, size)
            await console.type("h")
            expectScreen(console, "form-hold-\(user)")
            await console.press(.escape)
            await console.type("n")
            expectScreen(console, "form-new-request-\(user)")
            await console.press(.escape)
            await console.type("f")
            expectScreen(console, "form-filter-\(user)")
        }
    }

    @Test(arguments: sizes)
    func countSession(size: Size) async throws {
        let console = try await open("clerk", size)
        await console.type("C")
        expectScreen(console, "form-count-session-clerk")
        await console.press(.control("s"))
        expectScreen(console, "count-mode-clerk")
        await console.type("BOLT-1")
        await console.press(.enter)
        await console.type("98")
        await console.press(.enter)
        await console.press(.down)
        expectScreen(console, "count-mode-counted-clerk")
        await console.press(.control("p"))
        expectScreen(console, "confirm-post-count-clerk")
    }

    // MARK: - Everywhere

    @Test func aTerminalTooSmall() async throws {
        let console = try await open("clerk", Size(width: 80, height: 24))
        await console.resize(width: 60, height: 20)
        expectScreen(console, "too-small")
    }

    @Test(arguments: sizes)
    func helpAndCommandLine(size: Size) async throws {
        let console = try await open("clerk", size)
        await console.type("?")
        expectScreen(console, "help-inventory-clerk")
        await console.press(.escape)
        await console.type(":")
        expectScreen(console, "command-line-empty-clerk")
        await console.type("price BOLT-1 ACME 10")
        expectScreen(console, "command-line-clerk")
        await console.press(.escape)
        await console.type(":nonsense")
        await console.press(.enter)
        expectScreen(console, "command-line-error-clerk")

        let manager = try await open("morgan", size)
        await manager.type("3")
        await manager.type("?")
        expectScreen(manager, "help-queue-morgan")
        let sales = try await open("sam", size)
        await sales.type("3")
        await sales.type("?")
        expectScreen(sales, "help-queue-sam")
    }

    // MARK: - Pricing

    @Test(arguments: sizes)
    func pricingForClerkAndSales(size: Size) async throws {
        for user in ["clerk", "sam"] {
            let console = try await open(user, size)
            await console.type("2")
            expectScreen(console, "pricing-empty-\(user)")
            await console.type(":price BOLT-1 ACME 10")
            await console.press(.enter)
            expectScreen(console, "pricing-quote-\(user)")
        }
    }

    @Test(arguments: sizes)
    func pricingPickersAndForms(size: Size) async throws {
        let console = try await open("clerk", size)
        await console.type("2")
        await console.type("a")
        await console.type("ac")
        expectScreen(console, "picker-account-clerk")
        await console.press(.enter)
        await console.type("i")
        await console.type("hex")
        expectScreen(console, "picker-item-clerk")
        await console.press(.enter)
        await console.type("n")
        expectScreen(console, "form-quantity-clerk")
        await console.press(.escape)
        await console.type("d")
        expectScreen(console, "form-date-clerk")
        await console.press(.escape)
        await console.type("R")
        expectScreen(console, "form-new-request-from-pricing-clerk")
    }

    // MARK: - Queue

    @Test(arguments: sizes)
    func queueForEachRole(size: Size) async throws {
        for user in ["clerk", "morgan", "sam"] {
            let console = try await open(user, size)
            await console.type("3")
            expectScreen(console, "queue-\(user)")
        }
    }

    @Test(arguments: sizes)
    func managerActions(size: Size) async throws {
        let console = try await open("morgan", size)
        await console.type("3")
        await console.type("w")
        expectScreen(console, "form-ask-back-morgan")
        await console.press(.escape)
        await console.type("r")
        expectScreen(console, "form-reassign-morgan")
        await console.press(.escape)
        await console.type("x")
        expectScreen(console, "confirm-close-morgan")
        await console.type("n")

        await console.type("a")
        expectScreen(console, "form-answer-morgan")
        await console.press(.control("l"))
        expectScreen(console, "form-answer-facts-morgan")
        await console.press(.control("s"))
        expectScreen(console, "queue-answered-morgan")
        // An answered request takes no question back: the message line says why.
        await console.type("w")
        expectScreen(console, "queue-refused-morgan")
    }

    @Test(arguments: sizes)
    func aLateRequestAndAReplyFromSales(size: Size) async throws {
        let manager = try await open("morgan", size)
        await manager.type("3")
        // A day on, past the response target: the SLA reads late, in the overdue role.
        manager.clock.advance(86_400)
        await manager.runtime.checkForChanges(force: true)
        await manager.frame()
        expectScreen(manager, "queue-late-morgan")
        await manager.type("w")
        await manager.type("Which site, and by which Friday?")
        await manager.press(.control("s"))
        expectScreen(manager, "queue-waiting-morgan")

        let sales = try await ConsoleFixture.attach(to: manager, user: "sam")
        await sales.start()
        await sales.type("3")
        expectScreen(sales, "queue-asked-back-sam")
        await sales.type("y")
        expectScreen(sales, "form-reply-sam")
    }
}
