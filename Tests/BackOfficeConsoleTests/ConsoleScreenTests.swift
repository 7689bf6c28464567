@testable import BackOfficeConsole
import BackOfficeCore
@testable import BackOfficeStore
import Foundation
import TerminalUI
import Testing

/// Whole screens, rendered headlessly from a real store, asserted as text and by the roles of key cells.
@Suite("Console screens")
struct ConsoleScreenTests {
    @Test func givenAClerkAt80x24WhenTheConsoleOpensThenTheListDetailAndHintsShow() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()

        #expect(console.row(0).hasPrefix(" BackOffice   1 Inventory   2 Pricing   3 Queue"))
        #expect(console.row(1).contains("44 items"))
        #expect(console.row(2).hasPrefix("SKU▲         NAME"))
        #expect(console.row(3).hasPrefix("BOLT-1       Hex Bolt M8"))
        // The clerk sees every location: 100 at MAIN and 5 in quarantine.
        #expect(console.row(3).hasSuffix("105       105"))
        #expect(console.grid.role(x: 0, y: 3) == .selection)
        #expect(console.grid.lines.contains { $0.hasPrefix("│MAIN ") && $0.hasSuffix(" 100│") })
        #expect(console.text.contains("QUAR (no sale)"))
        #expect(console.messageLine.contains("r receipt"))
        #expect(console.row(23).hasPrefix(" clerk (clerk) · store.sqlite"))
        #expect(console.row(23).hasSuffix("● live "))
    }

    @Test func givenA120x40ScreenWhenTheConsoleOpensThenTheDetailSitsBesideTheList() async throws {
        let console = try await ConsoleFixture.make(user: "clerk", width: 120, height: 40)
        await console.start()

        let detail = try #require(console.find("┌─ BOLT-1 Hex Bolt M8"))
        #expect(detail.y == 2)
        #expect(detail.x > 60)
        #expect(console.row(3).hasPrefix("BOLT-1"))
        #expect(console.row(3).contains("│Fasteners/Bolts · unit EA · reorder at 10 · cost 0.50 USD"))
        #expect(console.text.contains("Recent movements"))
        #expect(console.text.contains("receipt      +100 MAIN PO-1 · admin"))
        #expect(console.text.contains("QUAR (no sale)"))
    }

    @Test func givenASalespersonWhenTheConsoleOpensThenOnlySellableStockAndNoPostingKeysShow() async throws {
        let console = try await ConsoleFixture.make(user: "sam")
        await console.start()

        #expect(console.row(3).hasSuffix("100       100"))
        // No quarantine line, no quarantine movement, and a history of the sellable stock alone.
        #expect(!console.text.contains("QUAR"))
        #expect(console.text.contains("0–100"))
        #expect(!console.messageLine.contains("receipt"))
        #expect(console.messageLine.contains("h hold"))
        await console.type("r")
        #expect(console.state.modal == nil)
    }

    @Test func givenHostileItemNamesWhenTheyAreListedThenNoControlCharacterReachesTheGrid() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("/evil")
        await console.press(.enter)

        let row = try #require(console.grid.lines.first { $0.hasPrefix("EVIL-1") })
        for scalar in row.unicodeScalars {
            #expect(scalar.value >= 0x20 && scalar.value != 0x7f && !(0x80...0x9f).contains(scalar.value), "U+\(String(scalar.value, radix: 16))")
            #expect(![0x202e, 0x202c, 0x200b].contains(scalar.value), "U+\(String(scalar.value, radix: 16)) reached the grid")
        }
        #expect(row.contains("Evil"))
        // The detail shows the name too, sanitised the same way.
        #expect(!console.text.unicodeScalars.contains { $0.value == 0x1b || $0.value == 0x07 })
    }

    @Test func givenAWideCharacterNameWhenListedThenTheQuantityColumnsStillLineUp() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("/bolt")

        let lines = console.grid.lines
        let bolt = try #require(lines.first { $0.hasPrefix("BOLT-1") })
        let wide = try #require(lines.first { $0.hasPrefix("WIDE-1") })
        #expect(wide.contains(ConsoleFixture.wideName))
        #expect(TextWidth.of(bolt) == TextWidth.of(wide))
    }

    @Test func givenAFormWithABadQuantityWhenSubmittedThenTheErrorShowsUnderTheFieldInTheErrorRole() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("r")
        await console.press(.tab)
        await console.type("0")
        await console.press(.control("s"))

        let error = try #require(console.find("must not be zero"))
        #expect(console.grid.role(x: error.x, y: error.y) == .error)
        #expect(console.messageLine.contains("Receipt · BOLT-1: quantity: 0 must not be zero")
                || console.messageLine.contains("must not be zero"))
        #expect(try await console.onHand("BOLT-1", at: "MAIN") == 100)
    }

    @Test func givenTheHelpKeyWhenPressedThenHelpListsTheKeysOfThePaneForThisUser() async throws {
        let console = try await ConsoleFixture.make(user: "clerk", width: 160, height: 48)
        await console.start()
        await console.type("?")

        #expect(console.text.contains("Help · Inventory"))
        #expect(console.text.contains("receipt"))
        #expect(console.text.contains("Ctrl-S"))
        await console.press(.escape)
        #expect(!console.text.contains("Help · Inventory"))
    }

    @Test func givenHelpAt80x24WhenScrolledToTheEndThenItsLastEntryShowsAndAfterAResizeToo() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("?")
        let last = try #require(Console.helpSections(for: console.state).last?.entries.last?.description)
        #expect(!console.text.contains(last), "help at 80x24 is longer than a screen")
        for _ in 0..<20 { await console.press(.pageDown) }
        #expect(console.text.contains(last))

        // Opened on a large terminal, then the terminal shrinks: help scrolls as far as the smaller one needs.
        let wide = try await ConsoleFixture.make(user: "clerk", width: 160, height: 48)
        await wide.start()
        await wide.type("?")
        await wide.resize(width: 80, height: 24)
        for _ in 0..<20 { await wide.press(.pageDown) }
        #expect(wide.text.contains(last))
    }

    @Test(arguments: [(60, 20), (79, 24), (1, 1), (20, 3)])
    func givenATerminalBelow80x24WhenResizedThenTheConsoleAsksForMoreRoom(width: Int, height: Int) async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.resize(width: width, height: height)

        #expect(console.grid.width == width && console.grid.height == height)
        if width >= 40 { #expect(console.text.contains("make the terminal at least 80x24")) }
        await console.resize(width: 80, height: 24)
        #expect(console.row(3).hasPrefix("BOLT-1"))
    }

    @Test func givenThePricingPaneWhenAQuoteIsAskedOnTheCommandLineThenPriceExplanationAndStockShow() async throws {
        let console = try await ConsoleFixture.make(user: "clerk", width: 120, height: 40)
        await console.start()
        await console.type(":price BOLT-1 ACME 10")
        await console.press(.enter)

        #expect(console.state.pane == .pricing)
        #expect(console.text.contains("ACME  Acme Building"))
        #expect(console.text.contains("Unit price     1.00 USD   × 10 = 10.00 USD"))
        #expect(console.text.contains("cost 0.50 USD · margin 50%"))
        #expect(console.text.contains("list price"))
        #expect(console.text.contains("Available to sell"))
        #expect(console.text.contains("MAIN"))
        #expect(!console.text.contains("QUAR"))
    }

    @Test func givenASalespersonWhenPricingThenNoCostOrMarginShows() async throws {
        let console = try await ConsoleFixture.make(user: "sam", width: 120, height: 40)
        await console.start()
        await console.type(":price BOLT-1 ACME 10")
        await console.press(.enter)

        #expect(console.text.contains("Unit price     1.00 USD"))
        #expect(!console.text.contains("cost"))
        #expect(!console.text.contains("margin"))
        #expect(!console.text.contains("0.50"))
    }

    @Test func givenAManagerWhenTheQueueOpensThenTheRequestShowsWithItsSLA() async throws {
        let console = try await ConsoleFixture.make(user: "morgan", width: 120, height: 40)
        await console.start()
        await console.type("3")

        #expect(console.text.contains("View mine · state open"))
        let row = try #require(console.grid.lines.first { $0.contains("Can we shi") && $0.contains("new") }, "\(console.text)")
        #expect(row.contains("high") && row.contains("ACME") && row.contains("in 4h"))
        #expect(console.text.contains("#1 stock · ACME · BOLT-1 × 30"))

        // Four working hours after the store's day opens (08:00 UTC on this Monday) and a minute, the request is late,
        // and says so in the overdue role; an hour before then it still has an hour left.
        let noon = Day(console.clock.now).start.addingTimeInterval(12 * 3_600)
        console.clock.advance(noon.timeIntervalSince(console.clock.now) - 3_600)
        await console.runtime.checkForChanges(force: true)
        console.runtime.render(on: console.screen)
        #expect(console.find("in 1h") != nil, "\(console.text)")
        console.clock.advance(3_600 + 60)
        await console.runtime.checkForChanges(force: true)
        console.runtime.render(on: console.screen)
        #expect(console.find("late 1m") != nil)
        let late = try #require(console.find("with morgan · late 1m"))
        #expect(console.grid.role(x: late.x, y: late.y) == .overdue)
    }
}

@Suite("Console sanitising")
struct ConsoleSanitisingTests {
    static let corpus = [
        "\u{1b}[2J\u{1b}[Hclear screen", "\u{9b}31mC1 CSI", "tab\there", "new\nline\rreturn", "\u{202e}RTL override",
        "\u{2066}isolate\u{2069}", "zero\u{200b}\u{200d}\u{feff}width", "\u{7f}DEL", "bell\u{7}",
        "\u{1b}]8;;http://x\u{1b}\\link\u{1b}]8;;\u{1b}\\", "\u{1b}]52;c;cm0gLXJmIH4=\u{7}clipboard", "e\u{301}\u{301}\u{301} stacked",
    ]

    static func forbidden(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7f...0x9f).contains(v) || (0x202a...0x202e).contains(v) || (0x2066...0x2069).contains(v)
            || [0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x061c, 0xfeff, 0x2060].contains(v)
    }

    @Test func givenACorpusOfHostileNamesInTheStoreWhenEveryPaneDrawsThemThenNoneReachesTheGridRaw() async throws {
        let console = try await ConsoleFixture.make(user: "clerk", width: 160, height: 48)
        for (index, name) in Self.corpus.enumerated() {
            let sku = String(format: "WID-%04d", index + 1)
            try await console.store.execute("UPDATE items SET name = '\(name.replacingOccurrences(of: "'", with: "''"))' WHERE sku = '\(sku)'")
        }
        await console.start()
        await console.press(.down, .down, .down, .down)  // a hostile item in the detail too
        var screens = [console.grid]
        await console.type(":price WID-0001 ACME 1")
        await console.press(.enter)
        screens.append(console.grid)

        for grid in screens {
            let bad = grid.lines.joined().unicodeScalars.filter(Self.forbidden)
            #expect(bad.isEmpty, "raw: \(bad.map { String($0.value, radix: 16) })")
        }
        #expect(screens[0].lines.contains { $0.hasPrefix("WID-0001") && $0.contains("clear screen") })
        #expect(screens[1].lines.contains { $0.contains("WID-0001") })
    }
}
