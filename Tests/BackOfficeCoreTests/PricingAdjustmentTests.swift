import Foundation
import Testing
@testable import BackOfficeCore

/// Price adjustments and precedence levels are types: hiding cost asks a case, never the wording of a message.
@Suite("Typed price adjustments")
struct TypedPriceAdjustmentTests {
    static let list = PriceList(code: "TRADE", name: "Trade", currency: "EUR", isDefault: true)

    /// A bolt costing 6.00 EUR with a list price of 10.00 and one rule on the list.
    static func quote(_ rule: PriceRule) throws -> Quote {
        let context = PricingContext(item: PricingItem(sku: "BOLT", category: "Fasteners", cost: Money(minorUnits: 600, currency: "EUR")),
                                     account: "ACME", accountList: list, defaultList: list, listPrices: ["TRADE": 1000],
                                     contracts: [], rules: [rule])
        return try PricingEngine.quote(context, quantity: 1, on: Day(year: 2026, month: 6, day: 15))
    }

    static let sales = User(name: "sam", displayName: "Sam", role: .sales)

    @Test func givenAMarginFloorRaiseWhenQuotedThenTheAdjustmentIsTypedAndRevealsCost() throws {
        let quote = try Self.quote(PriceRule(id: 1, priceList: "TRADE", scope: .all, action: .fixedPrice(790), roundingStep: 5,
                                             marginFloor: Percent(30)))
        #expect(quote.adjustments == [.raisedToMarginFloor(Percent(30))])
        #expect(quote.adjustments.map(\.revealsCost) == [true])
        #expect(quote.considered.first(where: \.won)?.revealsCost == true)
    }

    @Test func givenARoundingWhenQuotedThenTheAdjustmentIsTypedAndKeptForSales() throws {
        let quote = try Self.quote(PriceRule(id: 1, priceList: "TRADE", scope: .all, action: .fixedPrice(874), roundingStep: 5))
        #expect(quote.adjustments == [.roundedToStep("0.05")])
        #expect(!quote.adjustments[0].revealsCost)
        #expect(quote.visible(to: Self.sales).adjustments == [.roundedToStep("0.05")])
    }

    @Test func givenEachAdjustmentWhenToldToARoleWithoutCostThenOnlyTheOneRevealingCostIsReplaced() {
        #expect(PriceAdjustment.raisedToMarginFloor(Percent(25)).withoutCost == .raisedToMinimumPrice)
        #expect(PriceAdjustment.roundedToStep("1.00").withoutCost == .roundedToStep("1.00"))
        #expect(PriceAdjustment.raisedToMinimumPrice.withoutCost == .raisedToMinimumPrice)
    }

    @Test(arguments: [PriceAdjustment.roundedToStep("0.50"), .raisedToMarginFloor(Percent(Decimal(string: "41.5")!)), .raisedToMinimumPrice])
    func anAdjustmentReadsBackFromItsDescription(_ adjustment: PriceAdjustment) throws {
        #expect(PriceAdjustment(description: adjustment.description) == adjustment)
        let json = try JSONEncoder().encode([adjustment])
        #expect(String(decoding: json, as: UTF8.self) == "[\"\(adjustment.description)\"]")
        #expect(try JSONDecoder().decode([PriceAdjustment].self, from: json) == [adjustment])
    }

    @Test func givenTextThatIsNoAdjustmentWhenReadThenItIsRefused() {
        #expect(PriceAdjustment(description: "raised to the roof") == nil)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([PriceAdjustment].self, from: Data("[\"free\"]".utf8)) }
    }

    @Test func givenAQuoteWhenEncodedThenAdjustmentsAndLevelsAreTheirWordsAndItDecodesBackWhole() throws {
        let quote = try Self.quote(PriceRule(id: 1, priceList: "TRADE", scope: .all, action: .fixedPrice(790), roundingStep: 5,
                                             marginFloor: Percent(30)))
        let data = try JSONEncoder().encode(quote)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["adjustments"] as? [String] == ["raised to 30% margin floor"])
        let levels = (object["considered"] as? [[String: Any]])?.compactMap { $0["level"] as? String }
        #expect(levels == ["price list rule", "list price"])
        #expect(try JSONDecoder().decode(Quote.self, from: data) == quote)
    }

    @Test func precedenceLevelsAreOrderedContractFirstListPriceLast() {
        #expect(PriceLevel.allCases.sorted() == [.contract, .accountRule, .priceListRule, .defaultListRule, .listPrice])
        #expect(PriceLevel.allCases.map(\.description) == ["contract", "account rule", "price list rule", "default list rule", "list price"])
    }
}
