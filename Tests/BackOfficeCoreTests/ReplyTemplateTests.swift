@testable import BackOfficeCore
import Foundation
import Testing

/// Reply templates: names and bodies checked when added, placeholders filled from a request's live facts, a missing
/// fact said, never cost or margin.
@Suite("Reply templates")
struct ReplyTemplateTests {
    static let today = Day(year: 2026, month: 12, day: 7)

    static func request(sku: String? = "BOLT-1", quantity: Int? = 30) -> Request {
        let at = Date(timeIntervalSince1970: 1_796_000_000)
        return Request(id: 7, kind: .stock, account: "ACME", sku: sku, quantity: quantity, text: "Can we ship 30?", priority: .high,
                       state: .claimed, requester: "sam", assignee: "morgan", createdAt: at, dueAt: at, updatedAt: at)
    }

    /// BOLT-1 with 20 at MAIN, 4 at EAST (sellable, a receipt due there) and 9 in QUAR (not sellable); the quote still
    /// carries cost and margin (as a manager would see it); 30 can be promised once the receipt arrives.
    static func basis() throws -> AnswerSnapshot {
        let item = Item(sku: "BOLT-1", name: "Hex Bolt M8", unit: "EA", category: "Fasteners", cost: Money(minorUnits: 600, currency: "EUR"))
        let receipt = today.adding(days: 3)
        let stock = StockAnswer(item: item, lines: [
            .init(location: "MAIN", locationName: "Main", sellable: true, position: StockPosition(onHand: 25, reserved: 5), nextReceipt: nil),
            .init(location: "EAST", locationName: "East", sellable: true, position: StockPosition(onHand: 4, incoming: 10), nextReceipt: receipt),
            .init(location: "QUAR", locationName: "Quarantine", sellable: false, position: StockPosition(onHand: 9), nextReceipt: nil),
        ])
        // A floor raises 7.90 to 8.60 EUR (cost 6.00, margin 30.23 %).
        let eur = { (cents: Int64) in Money(minorUnits: cents, currency: "EUR") }
        let rule = PriceRule(id: 1, priceList: "TRADE", scope: .all, minQuantity: 1, validFrom: nil, validTo: nil, action: .fixedPrice(790),
                             roundingStep: 5, marginFloor: Percent(30))
        let context = PricingContext(item: PricingItem(sku: "BOLT-1", category: "Fasteners", cost: eur(600)), account: "ACME",
                                     accountList: PriceList(code: "TRADE", name: "Trade", currency: "EUR"),
                                     defaultList: PriceList(code: "LIST", name: "List", currency: "EUR", isDefault: true),
                                     listPrices: ["TRADE": 1000, "LIST": 1200], contracts: [], rules: [rule])
        let quote = try PricingEngine.quote(context, quantity: 30, on: today)
        let promise = AvailableToPromise.answer(sku: "BOLT-1", quantity: 30, input: .init(
            available: ["MAIN": 20, "EAST": 4], holds: [],
            receipts: [.init(location: "EAST", quantity: 10, due: receipt, reference: "PO-9")]), today: today)
        return AnswerSnapshot(takenAt: Date(timeIntervalSince1970: 1_796_000_000), stock: stock, quote: quote, promise: promise)
    }

    static func template(_ body: String) -> ReplyTemplate {
        ReplyTemplate(name: "t", body: body, updatedBy: "morgan", updatedAt: Date(timeIntervalSince1970: 0))
    }

    /// The failure a check throws, or nil when it passes.
    static func failure(_ check: () throws(Failure) -> Void) -> Failure? {
        do {
            try check()
            return nil
        } catch {
            return error
        }
    }

    // MARK: - Filling in

    @Test func givenEveryPlaceholderWhenFilledThenEachFactOfTheRequestIsThere() throws {
        let body = "{sku} {item} for {account}, {quantity} asked by {requester}: {available} now ({stock}), next {receipt}; "
            + "{price} each, {total} in all; ready {atp}: {promise}."
        let text = Self.template(body).filled(for: Self.request(), basis: try Self.basis())

        #expect(text == "BOLT-1 Hex Bolt M8 for ACME, 30 asked by sam: 24 now (MAIN 20, EAST 4), next 2026-12-10; "
                + "8.60 EUR each, 258.00 EUR in all; ready 2026-12-10: 30 by 2026-12-10, after PO-9 due.", "\(text)")
    }

    @Test func givenFactsWhenTheFactsPlaceholderIsFilledThenItIsTheSentenceCtrlLInserts() throws {
        let basis = try Self.basis()
        let text = Self.template("{facts}").filled(for: Self.request(), basis: basis)
        #expect(text == AnswerSnapshot.facts(stock: basis.stock!, quote: basis.quote, quantity: 30, promise: basis.promise))
        #expect(text.hasPrefix("Available now: MAIN 20, EAST 4; next receipt 2026-12-10. Price for 30: 8.60 EUR each"), "\(text)")
    }

    @Test func givenARequestWithoutAnItemWhenFilledThenEveryMissingFactIsSaidNeverBlank() {
        let body = "[{sku}] [{item}] [{quantity}] [{stock}] [{available}] [{price}] [{total}] [{valid}] [{atp}] [{promise}] [{facts}] [{account}]"
        let text = Self.template(body).filled(for: Self.request(sku: nil, quantity: nil), basis: nil)

        #expect(text == "[(no item)] [(no item)] [(no quantity)] [(no stock)] [(no stock)] [(no price)] [(no price)] [(no end date)] "
                + "[(no date)] [(no promise)] [(no stock)] [ACME]", "\(text)")
        #expect(!text.contains("[]"))
    }

    @Test func givenAnItemWithNoPriceAndAQuantityNeverReachedWhenFilledThenThePriceIsMissingAndTheDateSaysSo() throws {
        var basis = try Self.basis()
        basis.quote = nil
        basis.promise = AvailableToPromise.answer(sku: "BOLT-1", quantity: 500, input: .init(available: ["MAIN": 20], holds: [], receipts: []),
                                                  today: Self.today)
        let text = Self.template("{price}|{atp}|{promise}").filled(for: Self.request(quantity: 500), basis: basis)
        #expect(text == "(no price)|(no date)|500 not reached on what is known: at most 20 by 2026-12-07", "\(text)")
    }

    @Test func givenAQuoteCarryingCostAndMarginWhenEveryPlaceholderIsFilledThenNeitherAppears() throws {
        let basis = try Self.basis()
        let quote = try #require(basis.quote)
        #expect(quote.cost?.decimalString == "6.00" && quote.margin != nil)
        let body = ReplyTemplate.Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: " ")
        let text = Self.template(body).filled(for: Self.request(), basis: basis)

        #expect(!text.contains("6.00"), "\(text)")
        #expect(!text.contains("30.23") && !text.contains("%"), "\(text)")
        #expect(!text.lowercased().contains("cost") && !text.lowercased().contains("margin"), "\(text)")
        #expect(!text.contains("QUAR"), "the unsellable location is not a fact for sales: \(text)")
    }

    @Test func givenBracesWhenFilledThenDoubledOnesAreLiteralAndAClosingOneIsText() {
        let text = Self.template("{{sku}} is {sku}; a } alone").filled(for: Self.request(), basis: nil)
        #expect(text == "{sku}} is BOLT-1; a } alone")
    }

    // MARK: - Checking what is added

    @Test func givenAnUnknownPlaceholderWhenCheckedThenItIsNamedWithTheOnesThatExist() {
        let failure = Self.failure { () throws(Failure) in _ = try ReplyTemplate.checkBody("We have {stok} of {sku}") }
        #expect(failure?.kind == .invalidInput)
        #expect(failure?.message.hasPrefix("body: unknown placeholder {stok}; use one of {sku} {item}") == true, "\(String(describing: failure))")
        #expect(failure?.message.contains("\n") == false)
    }

    @Test(arguments: ["{cost}", "{Margin}", "{ markup }"])
    func givenACostPlaceholderWhenCheckedThenItIsRefusedAsNeverShownToSales(body: String) {
        let failure = Self.failure { () throws(Failure) in _ = try ReplyTemplate.checkBody("Our \(body) is low") }
        #expect(failure?.message.contains("cost and margin are never in an answer to sales") == true, "\(String(describing: failure))")
    }

    @Test func givenAnUnclosedBraceWhenCheckedThenItsPlaceIsNamed() {
        let failure = Self.failure { () throws(Failure) in _ = try ReplyTemplate.checkBody("Price {price each") }
        #expect(failure?.message.contains("a { at character 7 is not closed; write {{ for a brace") == true, "\(String(describing: failure))")
    }

    @Test(arguments: [
        ("Ring \u{1b}]52;c;cm0=\u{7} now", "a control character (U+001B)"),
        ("Safe \u{202e}gnp.exe", "a bidi control (U+202E)"),
        ("nul\u{0}byte", "a control character (U+0000)"),
        ("   \n\t ", "must not be empty"),
        (String(repeating: "x", count: 2_001), "longer than 2000 characters"),
    ])
    func givenAHostileBodyWhenCheckedThenItIsRefusedSayingWhy(body: String, problem: String) {
        let failure = Self.failure { () throws(Failure) in _ = try ReplyTemplate.checkBody(body) }
        #expect(failure?.kind == .invalidInput)
        #expect(failure?.message.contains(problem) == true, "\(String(describing: failure))")
    }

    @Test func givenABodyWithLineBreaksAndTabsWhenCheckedThenItIsKeptTrimmed() throws {
        #expect(try ReplyTemplate.checkBody("  Hello {requester},\r\n\tWe have {available}.\n") == "Hello {requester},\n\tWe have {available}.")
    }

    @Test(arguments: [
        ("", "must not be empty"),
        ("-replace", "starting with a letter or digit"),
        ("in stock", "use letters, digits"),
        ("naïve", "use letters, digits"),
        ("a\u{1b}b", "use letters, digits"),
        (String(repeating: "n", count: 33), "longer than 32 characters"),
    ])
    func givenABadNameWhenCheckedThenItIsRefusedSayingWhy(name: String, problem: String) {
        let failure = Self.failure { () throws(Failure) in _ = try ReplyTemplate.checkName(name) }
        #expect(failure?.message.hasPrefix("name: ") == true)
        #expect(failure?.message.contains(problem) == true, "\(String(describing: failure))")
    }

    @Test func givenGoodNamesWhenCheckedThenTheyAreKeptTrimmed() throws {
        #expect(try ReplyTemplate.checkName(" in-stock ") == "in-stock")
        #expect(try ReplyTemplate.checkName("ATP_2.short") == "ATP_2.short")
    }

    @Test func givenEveryPlaceholderWhenListedThenNoneNamesCostOrMargin() {
        for placeholder in ReplyTemplate.Placeholder.allCases {
            #expect(!ReplyTemplate.hidden.contains(placeholder.rawValue))
            #expect(!placeholder.meaning.lowercased().contains("cost") && !placeholder.meaning.lowercased().contains("margin"))
            #expect(placeholder.missing.hasPrefix("(no "))
        }
    }

    @Test func givenTheDemoTemplatesWhenCheckedThenEachIsValid() throws {
        for template in DemoCompany.replyTemplates {
            #expect(try ReplyTemplate.checkName(template.name) == template.name)
            #expect(try ReplyTemplate.checkBody(template.body) == template.body)
        }
    }
}
