import Foundation
import Testing
@testable import BackOfficeCore

// MARK: - Fixtures

/// A bolt on the TRADE list (10.00 EUR) and the default LIST (12.00 EUR), costing 6.00 EUR, quoted to ACME.
private enum Pricing {
    static let today = Day(year: 2026, month: 6, day: 15)
    static let sku = "FAS-000001"
    static let account = "ACME"
    static let trade = PriceList(code: "TRADE", name: "Trade customers", currency: "EUR")
    static let standard = PriceList(code: "LIST", name: "Standard list", currency: "EUR", isDefault: true)
    static let bolt = PricingItem(sku: sku, category: "Fasteners/Bolts/Hex", cost: eur(600))
    static let listPrices: [String: Int64] = ["TRADE": 1000, "LIST": 1200]

    static func context(item: PricingItem = bolt, accountList: PriceList = trade, defaultList: PriceList = standard,
                        listPrices: [String: Int64] = listPrices, contracts: [ContractPrice] = [],
                        rules: [PriceRule] = []) -> PricingContext {
        PricingContext(item: item, account: account, accountList: accountList, defaultList: defaultList,
                       listPrices: listPrices, contracts: contracts, rules: rules)
    }

    static func quote(_ context: PricingContext, quantity: Int = 1, on date: Day = today) throws -> Quote {
        try PricingEngine.quote(context, quantity: quantity, on: date)
    }

    /// A rule on the account's own price list.
    static func listRule(_ id: Int64, _ scope: RuleScope = .all, _ action: RuleAction, minQuantity: Int = 1,
                         from: Day? = nil, to: Day? = nil, roundingStep: Int64 = 0, marginFloor: Percent? = nil) -> PriceRule {
        PriceRule(id: id, priceList: "TRADE", scope: scope, minQuantity: minQuantity, validFrom: from, validTo: to,
                  action: action, roundingStep: roundingStep, marginFloor: marginFloor)
    }
}

private func eur(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: "EUR") }
private func day(_ text: String) -> Day { try! Day.parse(text) }
private func percent(_ text: String) -> Percent { Percent(Decimal(string: text)!) }

private extension Quote {
    /// Why each source lost, by source; the winner maps to "won".
    var outcomes: [String: String] {
        Dictionary(uniqueKeysWithValues: considered.map { ($0.source, $0.reason ?? "won") })
    }
}

/// One row of a table test: a context, what is asked, and the source and unit price that must win.
struct PricingCase: Sendable, CustomTestStringConvertible {
    var name: String
    var context: PricingContext
    var quantity: Int = 1
    var date: Day = Day(year: 2026, month: 6, day: 15)
    var winner: String
    var unitPrice: Int64
    var testDescription: String { name }
}

// MARK: - Precedence between levels

@Suite("Pricing precedence")
struct PricingPrecedenceTests {
    // Each lower level is given a more specific scope or a lower price than the level above it, so only the
    // precedence of levels can explain the winner.
    static let contract = ContractPrice(id: 1, account: "ACME", sku: Pricing.sku, unitPrice: 950)
    static let accountRule = PriceRule(id: 2, account: "ACME", scope: .all, action: .fixedPrice(700))
    static let priceListRule = Pricing.listRule(3, .item(Pricing.sku), .fixedPrice(800))
    static let defaultListRule = PriceRule(id: 4, priceList: "LIST", scope: .item(Pricing.sku), action: .fixedPrice(650))
    static let allRules = [defaultListRule, priceListRule, accountRule]

    static let cases: [PricingCase] = [
        PricingCase(name: "a contract beats every rule and the list price",
                    context: Pricing.context(contracts: [contract], rules: allRules), winner: "contract #1", unitPrice: 950),
        PricingCase(name: "an account rule beats the price list's rules",
                    context: Pricing.context(rules: allRules), winner: "rule #2", unitPrice: 700),
        PricingCase(name: "a price list rule beats the default list's rules",
                    context: Pricing.context(rules: [defaultListRule, priceListRule]), winner: "rule #3", unitPrice: 800),
        PricingCase(name: "a default list rule beats the list price",
                    context: Pricing.context(rules: [defaultListRule]), winner: "rule #4", unitPrice: 650),
        PricingCase(name: "the account list's list price applies when no rule does",
                    context: Pricing.context(), winner: "list TRADE", unitPrice: 1000),
        PricingCase(name: "the default list's list price applies when the account list has none",
                    context: Pricing.context(listPrices: ["LIST": 1200]), winner: "list LIST", unitPrice: 1200),
    ]

    @Test("Given sources at several levels, when quoting, then the highest level wins", arguments: cases)
    func highestLevelWins(_ row: PricingCase) throws {
        let quote = try Pricing.quote(row.context, quantity: row.quantity, on: row.date)
        #expect(quote.rule == row.winner)
        #expect(quote.unitPrice == eur(row.unitPrice))
    }

    @Test func givenAContractWhenQuotingThenEachLowerLevelLosesToTheContractByPrecedence() throws {
        let quote = try Pricing.quote(Pricing.context(contracts: [Self.contract], rules: Self.allRules))
        #expect(quote.outcomes == [
            "contract #1": "won",
            "rule #2": "contract #1 (contract) takes precedence",
            "rule #3": "contract #1 (contract) takes precedence",
            "rule #4": "contract #1 (contract) takes precedence",
            "list TRADE": "contract #1 (contract) takes precedence",
        ])
    }

    @Test func givenARuleOfAnotherAccountWhenQuotingThenItIsIgnored() throws {
        let other = PriceRule(id: 9, account: "NORTHW01", scope: .all, action: .fixedPrice(100))
        let quote = try Pricing.quote(Pricing.context(rules: [other]))
        #expect(quote.rule == "list TRADE")
        #expect(!quote.considered.contains { $0.source == "rule #9" })
    }

    @Test func givenARuleOfAnUnrelatedPriceListWhenQuotingThenItIsIgnored() throws {
        let other = PriceRule(id: 9, priceList: "KEY", scope: .all, action: .fixedPrice(100))
        let quote = try Pricing.quote(Pricing.context(rules: [other]))
        #expect(quote.rule == "list TRADE")
        #expect(quote.considered.map(\.source) == ["list TRADE"])
    }

    @Test func givenAContractForAnotherItemWhenQuotingThenItIsIgnored() throws {
        let other = ContractPrice(id: 9, account: "ACME", sku: "FAS-000002", unitPrice: 100)
        let quote = try Pricing.quote(Pricing.context(contracts: [other]))
        #expect(quote.rule == "list TRADE")
    }

    @Test func givenAContractOfAnotherAccountWhenQuotingThenItIsIgnored() throws {
        // A contract belongs to one account: another customer's negotiated price must never be quoted.
        let other = ContractPrice(id: 9, account: "NORTHW01", sku: Pricing.sku, unitPrice: 100)
        let quote = try Pricing.quote(Pricing.context(contracts: [other]))
        #expect(quote.rule == "list TRADE")
        #expect(quote.unitPrice == eur(1000))
    }

    @Test func givenTheSameListAsAccountAndDefaultListWhenQuotingThenItsRulesRankAsPriceListRules() throws {
        let rule = PriceRule(id: 5, priceList: "LIST", scope: .all, action: .fixedPrice(900))
        let quote = try Pricing.quote(Pricing.context(accountList: Pricing.standard, rules: [rule]))
        #expect(quote.rule == "rule #5")
        #expect(quote.considered.first?.level == .priceListRule)
    }

    @Test func givenMixedCaseCodesWhenQuotingThenCodesMatchRegardlessOfCase() throws {
        let contract = ContractPrice(id: 1, account: "acme", sku: "fas-000001", unitPrice: 950)
        let quote = try Pricing.quote(Pricing.context(contracts: [contract]))
        #expect(quote.rule == "contract #1")
    }
}

// MARK: - Scope within a level

@Suite("Pricing scope")
struct PricingScopeTests {
    // Ids run against specificity so that the lower id cannot explain the winner.
    static let itemRule = Pricing.listRule(14, .item(Pricing.sku), .fixedPrice(500))
    static let leafRule = Pricing.listRule(13, .category("Fasteners/Bolts/Hex"), .fixedPrice(550))
    static let midRule = Pricing.listRule(12, .category("Fasteners/Bolts"), .fixedPrice(600))
    static let topRule = Pricing.listRule(11, .category("Fasteners"), .fixedPrice(700))
    static let allRule = Pricing.listRule(10, .all, .fixedPrice(900))

    static let cases: [PricingCase] = [
        PricingCase(name: "an item rule beats every category rule and the all-items rule",
                    context: Pricing.context(rules: [allRule, topRule, midRule, leafRule, itemRule]), winner: "rule #14", unitPrice: 500),
        PricingCase(name: "the leaf category beats its parents",
                    context: Pricing.context(rules: [allRule, topRule, midRule, leafRule]), winner: "rule #13", unitPrice: 550),
        PricingCase(name: "a deeper category beats a shallower one",
                    context: Pricing.context(rules: [allRule, topRule, midRule]), winner: "rule #12", unitPrice: 600),
        PricingCase(name: "a category beats all items",
                    context: Pricing.context(rules: [allRule, topRule]), winner: "rule #11", unitPrice: 700),
        PricingCase(name: "an all-items rule beats the list price",
                    context: Pricing.context(rules: [allRule]), winner: "rule #10", unitPrice: 900),
    ]

    @Test("Given rules of one level at several scopes, when quoting, then the most specific scope wins", arguments: cases)
    func mostSpecificScopeWins(_ row: PricingCase) throws {
        let quote = try Pricing.quote(row.context)
        #expect(quote.rule == row.winner)
        #expect(quote.unitPrice == eur(row.unitPrice))
    }

    @Test func givenAnItemRuleAndACategoryRuleWhenQuotingThenTheCategoryRuleLosesForScope() throws {
        let quote = try Pricing.quote(Pricing.context(rules: [Self.topRule, Self.itemRule]))
        #expect(quote.outcomes["rule #11"] == "rule #14 has a more specific scope")
    }

    static let nonMatching: [RuleScope] = [
        .item("FAS-000002"), .category("Fasteners/Screws"), .category("Fast"), .category("Fasteners/Bolts/Hex/M8"),
        .category("Electrical"),
    ]

    @Test("Given a rule whose scope does not cover the item, when quoting, then it is not considered", arguments: nonMatching)
    func nonMatchingScopeIsNotConsidered(_ scope: RuleScope) throws {
        let quote = try Pricing.quote(Pricing.context(rules: [Pricing.listRule(20, scope, .fixedPrice(100))]))
        #expect(quote.rule == "list TRADE")
        #expect(quote.considered.map(\.source) == ["list TRADE"])
    }

    static let matchingRegardlessOfCase: [RuleScope] = [.item("fas-000001"), .category("fasteners/BOLTS"), .category("Fasteners/Bolts/Hex")]

    @Test("Given a scope spelled in another case, when quoting, then it still covers the item", arguments: matchingRegardlessOfCase)
    func scopeMatchesRegardlessOfCase(_ scope: RuleScope) throws {
        let quote = try Pricing.quote(Pricing.context(rules: [Pricing.listRule(20, scope, .fixedPrice(100))]))
        #expect(quote.rule == "rule #20")
    }
}

// MARK: - Quantity breaks

@Suite("Pricing quantity breaks")
struct PricingQuantityBreakTests {
    static let tenBreak = Pricing.listRule(20, .all, .percentOff(Percent(10)), minQuantity: 10)
    static let fiftyBreak = Pricing.listRule(21, .all, .percentOff(Percent(20)), minQuantity: 50)
    static let breaks = Pricing.context(rules: [fiftyBreak, tenBreak])

    static let cases: [PricingCase] = [
        PricingCase(name: "1 is below every break and gets the list price", context: breaks, quantity: 1, winner: "list TRADE", unitPrice: 1000),
        PricingCase(name: "9 is just below the first break", context: breaks, quantity: 9, winner: "list TRADE", unitPrice: 1000),
        PricingCase(name: "10 reaches the first break", context: breaks, quantity: 10, winner: "rule #20", unitPrice: 900),
        PricingCase(name: "49 stays on the first break", context: breaks, quantity: 49, winner: "rule #20", unitPrice: 900),
        PricingCase(name: "50 reaches the larger break", context: breaks, quantity: 50, winner: "rule #21", unitPrice: 800),
        PricingCase(name: "5000 keeps the larger break", context: breaks, quantity: 5000, winner: "rule #21", unitPrice: 800),
    ]

    @Test("Given quantity breaks, when quoting a quantity, then the largest qualifying break wins", arguments: cases)
    func largestQualifyingBreakWins(_ row: PricingCase) throws {
        let quote = try Pricing.quote(row.context, quantity: row.quantity)
        #expect(quote.rule == row.winner)
        #expect(quote.unitPrice == eur(row.unitPrice))
        #expect(quote.extendedPrice == eur(row.unitPrice * Int64(row.quantity)))
    }

    @Test func givenTwoQualifyingBreaksWhenQuotingThenTheSmallerLosesAsASmallerBreak() throws {
        let quote = try Pricing.quote(Self.breaks, quantity: 60)
        #expect(quote.outcomes["rule #20"] == "rule #21 is a larger quantity break")
    }

    @Test func givenAQuantityBelowABreakWhenQuotingThenTheBreakSaysWhatQuantityItNeeds() throws {
        let quote = try Pricing.quote(Self.breaks, quantity: 9)
        #expect(quote.outcomes["rule #20"] == "needs quantity 10 or more")
        #expect(quote.outcomes["rule #21"] == "needs quantity 50 or more")
    }

    @Test func givenAQuantityBelowTheOnlyBreakWhenQuotingThenItFallsThroughToTheListPrice() throws {
        let quote = try Pricing.quote(Pricing.context(rules: [Self.tenBreak]), quantity: 9)
        #expect(quote.rule == "list TRADE")
        #expect(quote.unitPrice == eur(1000))
    }

    @Test func givenAQuantityBelowAContractBreakWhenQuotingThenItFallsThroughToTheRules() throws {
        let contract = ContractPrice(id: 1, account: "ACME", sku: Pricing.sku, unitPrice: 700, minQuantity: 25)
        let context = Pricing.context(contracts: [contract], rules: [Pricing.listRule(5, .all, .fixedPrice(950))])
        #expect(try Pricing.quote(context, quantity: 24).rule == "rule #5")
        #expect(try Pricing.quote(context, quantity: 25).rule == "contract #1")
    }

    @Test func givenAMoreSpecificRuleWithoutABreakWhenQuotingABreakQuantityThenScopeStillWins() throws {
        let itemRule = Pricing.listRule(30, .item(Pricing.sku), .fixedPrice(950))
        let quote = try Pricing.quote(Pricing.context(rules: [Self.tenBreak, itemRule]), quantity: 10)
        #expect(quote.rule == "rule #30")
        #expect(quote.outcomes["rule #20"] == "rule #30 has a more specific scope")
    }

    @Test func givenAZeroQuantityWhenQuotingThenItIsRefused() {
        #expect(throws: Failure.self) { try Pricing.quote(Self.breaks, quantity: 0) }
        #expect(throws: Failure.self) { try Pricing.quote(Self.breaks, quantity: -5) }
    }
}

// MARK: - Validity dates

@Suite("Pricing validity dates")
struct PricingValidityTests {
    static let promotion = Pricing.listRule(30, .all, .fixedPrice(800), from: day("2026-06-10"), to: day("2026-06-20"))
    static let contract = ContractPrice(id: 3, account: "ACME", sku: Pricing.sku, unitPrice: 700,
                                        validFrom: day("2026-06-10"), validTo: day("2026-06-20"))

    static let cases: [PricingCase] = [
        PricingCase(name: "a rule the day before it starts", context: Pricing.context(rules: [promotion]),
                    date: day("2026-06-09"), winner: "list TRADE", unitPrice: 1000),
        PricingCase(name: "a rule on its first day", context: Pricing.context(rules: [promotion]),
                    date: day("2026-06-10"), winner: "rule #30", unitPrice: 800),
        PricingCase(name: "a rule on its last day", context: Pricing.context(rules: [promotion]),
                    date: day("2026-06-20"), winner: "rule #30", unitPrice: 800),
        PricingCase(name: "a rule the day after it ends", context: Pricing.context(rules: [promotion]),
                    date: day("2026-06-21"), winner: "list TRADE", unitPrice: 1000),
        PricingCase(name: "a contract the day before it starts", context: Pricing.context(contracts: [contract]),
                    date: day("2026-06-09"), winner: "list TRADE", unitPrice: 1000),
        PricingCase(name: "a contract on its first day", context: Pricing.context(contracts: [contract]),
                    date: day("2026-06-10"), winner: "contract #3", unitPrice: 700),
        PricingCase(name: "a contract on its last day", context: Pricing.context(contracts: [contract]),
                    date: day("2026-06-20"), winner: "contract #3", unitPrice: 700),
        PricingCase(name: "a contract the day after it ends", context: Pricing.context(contracts: [contract]),
                    date: day("2026-06-21"), winner: "list TRADE", unitPrice: 1000),
    ]

    @Test("Given dated sources, when quoting on a date, then only sources valid that day (inclusive) apply", arguments: cases)
    func onlyValidSourcesApply(_ row: PricingCase) throws {
        let quote = try Pricing.quote(row.context, on: row.date)
        #expect(quote.rule == row.winner)
        #expect(quote.unitPrice == eur(row.unitPrice))
    }

    @Test func givenARuleNotYetValidWhenQuotingThenItLosesAsNotValidUntilItsStart() throws {
        let quote = try Pricing.quote(Pricing.context(rules: [Self.promotion]), on: day("2026-06-09"))
        #expect(quote.outcomes["rule #30"] == "not valid until 2026-06-10")
    }

    @Test func givenAnExpiredRuleWhenQuotingThenItLosesAsExpired() throws {
        let quote = try Pricing.quote(Pricing.context(rules: [Self.promotion]), on: day("2026-06-21"))
        #expect(quote.outcomes["rule #30"] == "expired 2026-06-20")
    }

    @Test func givenTwoRulesAlikeButForStartWhenQuotingThenTheOneThatStartedLaterWins() throws {
        let older = Pricing.listRule(1, .all, .fixedPrice(800), from: day("2026-06-01"))
        let newer = Pricing.listRule(2, .all, .fixedPrice(850), from: day("2026-06-10"))
        let quote = try Pricing.quote(Pricing.context(rules: [older, newer]))
        #expect(quote.rule == "rule #2")
        #expect(quote.outcomes["rule #1"] == "rule #2 started later")
    }

    @Test func givenARuleWithAStartAndOneWithoutWhenQuotingThenTheDatedOneWins() throws {
        let open = Pricing.listRule(1, .all, .fixedPrice(800))
        let dated = Pricing.listRule(2, .all, .fixedPrice(850), from: day("2026-06-10"))
        #expect(try Pricing.quote(Pricing.context(rules: [open, dated])).rule == "rule #2")
    }
}

// MARK: - Ties

@Suite("Pricing ties")
struct PricingTieTests {
    @Test func givenTwoRulesThatRankEquallyWhenQuotingThenTheLowerIdWins() throws {
        // The higher id is listed first and is cheaper, so neither order nor price can explain the winner.
        let seven = Pricing.listRule(7, .all, .fixedPrice(800))
        let three = Pricing.listRule(3, .all, .fixedPrice(810))
        let quote = try Pricing.quote(Pricing.context(rules: [seven, three]))
        #expect(quote.rule == "rule #3")
        #expect(quote.unitPrice == eur(810))
    }

    @Test func givenATieWhenQuotingThenTheLoserSaysTheTieWasBrokenByLowerId() throws {
        let seven = Pricing.listRule(7, .all, .fixedPrice(800))
        let three = Pricing.listRule(3, .all, .fixedPrice(810))
        let quote = try Pricing.quote(Pricing.context(rules: [seven, three]))
        #expect(quote.outcomes["rule #7"] == "tie with rule #3, broken by lower id")
    }

    @Test func givenTiedRulesInEitherOrderWhenQuotingThenTheResultIsTheSame() throws {
        let seven = Pricing.listRule(7, .all, .fixedPrice(800))
        let three = Pricing.listRule(3, .all, .fixedPrice(810))
        let forward = try Pricing.quote(Pricing.context(rules: [seven, three]))
        let backward = try Pricing.quote(Pricing.context(rules: [three, seven]))
        #expect(forward == backward)
    }
}

// MARK: - Actions, rounding, margin floor

struct ActionCase: Sendable, CustomTestStringConvertible {
    var name: String
    var action: RuleAction
    var listPrice: Int64
    var cost: Int64
    var expected: Int64
    var testDescription: String { name }
}

@Suite("Pricing actions")
struct PricingActionTests {
    static let cases: [ActionCase] = [
        ActionCase(name: "12.5% off 10.00 is 8.75", action: .percentOff(percent("12.5")), listPrice: 1000, cost: 600, expected: 875),
        ActionCase(name: "12.5% off 9.99 is 8.74125, rounded to 8.74", action: .percentOff(percent("12.5")), listPrice: 999, cost: 600, expected: 874),
        ActionCase(name: "50% off 10.01 is 5.005, rounded half away from zero to 5.01", action: .percentOff(Percent(50)), listPrice: 1001, cost: 600, expected: 501),
        ActionCase(name: "0% off leaves the list price", action: .percentOff(Percent(0)), listPrice: 1000, cost: 600, expected: 1000),
        ActionCase(name: "100% off is free", action: .percentOff(Percent(100)), listPrice: 1000, cost: 600, expected: 0),
        ActionCase(name: "cost 6.00 + 25% is 7.50", action: .markupOnCost(Percent(25)), listPrice: 1000, cost: 600, expected: 750),
        ActionCase(name: "cost 6.00 + 33.3% is 7.998, rounded to 8.00", action: .markupOnCost(percent("33.3")), listPrice: 1000, cost: 600, expected: 800),
        ActionCase(name: "cost 0.07 + 50% is 0.105, rounded half away from zero to 0.11", action: .markupOnCost(Percent(50)), listPrice: 1000, cost: 7, expected: 11),
        ActionCase(name: "a fixed price is taken as it is", action: .fixedPrice(999), listPrice: 1000, cost: 600, expected: 999),
    ]

    @Test("Given a rule action, when quoting, then the unit price is exact to the cent", arguments: cases)
    func actionGivesExactPrice(_ row: ActionCase) throws {
        let item = PricingItem(sku: Pricing.sku, category: "Fasteners/Bolts/Hex", cost: eur(row.cost))
        let context = Pricing.context(item: item, listPrices: ["TRADE": row.listPrice], rules: [Pricing.listRule(1, .all, row.action)])
        let quote = try Pricing.quote(context)
        #expect(quote.rule == "rule #1")
        #expect(quote.unitPrice == eur(row.expected))
    }

    @Test func givenAPercentOffRuleWhenQuotingThenItWorksFromTheAccountListPriceNotTheDefaultList() throws {
        let context = Pricing.context(rules: [Pricing.listRule(1, .all, .percentOff(Percent(10)))])
        #expect(try Pricing.quote(context).unitPrice == eur(900))
    }

    static let noCost: [PricingItem] = [
        PricingItem(sku: Pricing.sku, category: "Fasteners/Bolts/Hex", cost: nil),
        PricingItem(sku: Pricing.sku, category: "Fasteners/Bolts/Hex", cost: Money(minorUnits: 600, currency: "USD")),
        PricingItem(sku: Pricing.sku, category: "Fasteners/Bolts/Hex", cost: eur(0)),
    ]

    @Test("Given no usable cost, when quoting a markup rule, then it is excluded and the list price applies", arguments: noCost)
    func markupWithoutCostFallsThrough(_ item: PricingItem) throws {
        let context = Pricing.context(item: item, rules: [Pricing.listRule(1, .all, .markupOnCost(Percent(25)))])
        let quote = try Pricing.quote(context)
        #expect(quote.rule == "list TRADE")
        #expect(quote.outcomes["rule #1"] == "no standard cost in EUR to mark up")
    }

    @Test func givenNoListPriceWhenQuotingAPercentOffRuleThenItIsExcluded() throws {
        let context = Pricing.context(listPrices: [:], rules: [Pricing.listRule(1, .all, .percentOff(Percent(10))),
                                                               Pricing.listRule(2, .all, .fixedPrice(990), minQuantity: 1)])
        let quote = try Pricing.quote(context)
        #expect(quote.rule == "rule #2")
        #expect(quote.outcomes["rule #1"] == "no list price to take 10% off")
    }
}

struct AdjustmentCase: Sendable, CustomTestStringConvertible {
    var name: String
    var action: RuleAction
    var roundingStep: Int64 = 0
    var marginFloor: Percent?
    var expected: Int64
    var adjustments: [String]
    var testDescription: String { name }
}

@Suite("Pricing rounding and margin floor")
struct PricingAdjustmentTests {
    // The list price is 9.99 EUR, the cost 6.00 EUR; 12.5% off 9.99 is 8.74.
    static let cases: [AdjustmentCase] = [
        AdjustmentCase(name: "no step leaves 8.74", action: .percentOff(percent("12.5")), expected: 874, adjustments: []),
        AdjustmentCase(name: "a step of 1 leaves 8.74", action: .percentOff(percent("12.5")), roundingStep: 1, expected: 874, adjustments: []),
        AdjustmentCase(name: "a step of 0.05 rounds 8.74 up to 8.75", action: .percentOff(percent("12.5")), roundingStep: 5,
                       expected: 875, adjustments: ["rounded to a step of 0.05"]),
        AdjustmentCase(name: "a step of 0.10 rounds 8.74 down to 8.70", action: .percentOff(percent("12.5")), roundingStep: 10,
                       expected: 870, adjustments: ["rounded to a step of 0.10"]),
        AdjustmentCase(name: "a step of 1.00 rounds 8.74 up to 9.00", action: .percentOff(percent("12.5")), roundingStep: 100,
                       expected: 900, adjustments: ["rounded to a step of 1.00"]),
        AdjustmentCase(name: "a step of 0.50 rounds 8.75 (half) away from zero to 9.00", action: .fixedPrice(875), roundingStep: 50,
                       expected: 900, adjustments: ["rounded to a step of 0.50"]),
        AdjustmentCase(name: "a price already on the step is not adjusted", action: .fixedPrice(900), roundingStep: 100,
                       expected: 900, adjustments: []),
        AdjustmentCase(name: "a 40% floor raises 9.00 to 10.00", action: .fixedPrice(900), marginFloor: Percent(40),
                       expected: 1000, adjustments: ["raised to 40% margin floor"]),
        AdjustmentCase(name: "a 30% floor raises 8.00 to 8.58 (8.5714… rounded up)", action: .fixedPrice(800), marginFloor: Percent(30),
                       expected: 858, adjustments: ["raised to 30% margin floor"]),
        AdjustmentCase(name: "a 30% floor with a 0.05 step raises 8.00 to 8.60", action: .fixedPrice(800), roundingStep: 5,
                       marginFloor: Percent(30), expected: 860, adjustments: ["raised to 30% margin floor"]),
        AdjustmentCase(name: "a 12.5% floor with a 1.00 step raises 5.00 to 7.00 (6.857… rounded up to the step)",
                       action: .fixedPrice(500), roundingStep: 100, marginFloor: percent("12.5"), expected: 700,
                       adjustments: ["raised to 12.5% margin floor"]),
        AdjustmentCase(name: "a price above the floor stays", action: .fixedPrice(1100), marginFloor: Percent(40),
                       expected: 1100, adjustments: []),
        AdjustmentCase(name: "a price exactly on the floor stays", action: .fixedPrice(1000), marginFloor: Percent(40),
                       expected: 1000, adjustments: []),
        AdjustmentCase(name: "rounding comes first and the floor only raises what is still too low",
                       action: .fixedPrice(849), roundingStep: 100, marginFloor: Percent(20), expected: 800,
                       adjustments: ["rounded to a step of 1.00"]),
        AdjustmentCase(name: "rounding down onto the floor is not raised", action: .fixedPrice(1040), roundingStep: 100,
                       marginFloor: Percent(40), expected: 1000, adjustments: ["rounded to a step of 1.00"]),
        AdjustmentCase(name: "rounding below the floor is raised back to the floor on the step", action: .fixedPrice(1020), roundingStep: 50,
                       marginFloor: percent("41.5"), expected: 1050, adjustments: ["rounded to a step of 0.50", "raised to 41.5% margin floor"]),
    ]

    @Test("Given a rounding step or margin floor, when quoting, then the price is adjusted and the adjustment is said", arguments: cases)
    func adjustmentsApply(_ row: AdjustmentCase) throws {
        let rule = Pricing.listRule(1, .all, row.action, roundingStep: row.roundingStep, marginFloor: row.marginFloor)
        let quote = try Pricing.quote(Pricing.context(listPrices: ["TRADE": 999], rules: [rule]))
        #expect(quote.unitPrice == eur(row.expected))
        #expect(quote.adjustments.map(\.description) == row.adjustments)
    }

    @Test func givenAnItemWithoutCostWhenQuotingARuleWithAFloorThenTheFloorDoesNotApply() throws {
        let item = PricingItem(sku: Pricing.sku, category: "Fasteners/Bolts/Hex", cost: nil)
        let rule = Pricing.listRule(1, .all, .fixedPrice(500), marginFloor: Percent(40))
        let quote = try Pricing.quote(Pricing.context(item: item, rules: [rule]))
        #expect(quote.unitPrice == eur(500))
        #expect(quote.adjustments.isEmpty)
        #expect(quote.margin == nil)
    }

    @Test func givenACostWhenQuotingThenTheMarginIsAPercentOfThePriceToTwoPlaces() throws {
        let quote = try Pricing.quote(Pricing.context(rules: [Pricing.listRule(1, .all, .fixedPrice(1100))]))
        #expect(quote.cost == eur(600))
        #expect(quote.margin == percent("45.45"))
    }

    @Test func givenAFloorRaisedPriceWhenQuotingThenTheMarginMeetsTheFloor() throws {
        let rule = Pricing.listRule(1, .all, .fixedPrice(800), marginFloor: Percent(30))
        let quote = try Pricing.quote(Pricing.context(rules: [rule]))
        #expect(quote.margin == percent("30.07"))
        #expect(quote.margin!.value >= 30)
    }

    @Test func givenAFreePriceWhenQuotingThenThereIsNoMargin() throws {
        let quote = try Pricing.quote(Pricing.context(rules: [Pricing.listRule(1, .all, .fixedPrice(0))]))
        #expect(quote.unitPrice == eur(0))
        #expect(quote.margin == nil)
    }
}

// MARK: - Currency and missing prices

@Suite("Pricing currency and missing prices")
struct PricingCurrencyTests {
    static let dollarDefault = PriceList(code: "LIST", name: "Standard list", currency: "USD", isDefault: true)

    @Test func givenADefaultListInAnotherCurrencyWhenTheAccountListHasNoPriceThenItsListPriceIsNotUsed() {
        let context = Pricing.context(defaultList: Self.dollarDefault, listPrices: ["LIST": 1200])
        #expect(throws: Failure(.notFound, "no price: FAS-000001 has no list price on TRADE and no rule or contract applies")) {
            try Pricing.quote(context)
        }
    }

    @Test func givenADefaultListInAnotherCurrencyWhenQuotingThenItsRulesAreExcludedAndSaySo() throws {
        let dollarRule = PriceRule(id: 40, priceList: "LIST", scope: .all, action: .fixedPrice(500))
        let quote = try Pricing.quote(Pricing.context(defaultList: Self.dollarDefault, rules: [dollarRule]))
        #expect(quote.rule == "list TRADE")
        #expect(quote.currency == "EUR")
        #expect(quote.unitPrice == eur(1000))
        #expect(quote.outcomes["rule #40"] == "in USD, the account is quoted in EUR")
    }

    @Test func givenADefaultListInTheSameCurrencyWhenTheAccountListHasNoPriceThenTheDefaultListPriceIsUsed() throws {
        let quote = try Pricing.quote(Pricing.context(listPrices: ["LIST": 1200]))
        #expect(quote.rule == "list LIST")
        #expect(quote.unitPrice == eur(1200))
    }

    @Test func givenNoListPriceRuleOrContractWhenQuotingThenNoPriceIsThrown() {
        #expect(throws: Failure(.notFound, NoPrice(sku: Pricing.sku, priceList: "TRADE").message)) {
            try Pricing.quote(Pricing.context(listPrices: [:]))
        }
    }

    @Test func givenOnlySourcesThatCannotApplyWhenQuotingThenNoPriceIsThrown() {
        let expired = Pricing.listRule(1, .all, .fixedPrice(800), to: day("2026-06-01"))
        let breakRule = Pricing.listRule(2, .all, .fixedPrice(800), minQuantity: 10)
        let context = Pricing.context(listPrices: [:], rules: [expired, breakRule])
        #expect(throws: Failure.self) { try Pricing.quote(context, quantity: 5) }
    }

    @Test func givenAContractWhenQuotingThenItsPriceIsInTheAccountListCurrency() throws {
        let contract = ContractPrice(id: 1, account: "ACME", sku: Pricing.sku, unitPrice: 950)
        let quote = try Pricing.quote(Pricing.context(listPrices: [:], contracts: [contract]))
        #expect(quote.unitPrice == Money(minorUnits: 950, currency: "EUR"))
    }
}

// MARK: - The explanation

@Suite("Pricing explanation")
struct PricingExplanationTests {
    static let context = Pricing.context(
        contracts: [ContractPrice(id: 1, account: "ACME", sku: Pricing.sku, unitPrice: 650, validTo: day("2026-05-31"))],
        rules: [
            PriceRule(id: 2, account: "ACME", scope: .category("Fasteners"), action: .percentOff(Percent(15)), note: "ACME deal"),
            Pricing.listRule(3, .item(Pricing.sku), .fixedPrice(800), minQuantity: 100),
            Pricing.listRule(4, .all, .markupOnCost(Percent(25))),
            PriceRule(id: 5, priceList: "LIST", scope: .item(Pricing.sku), action: .fixedPrice(700)),
        ])

    @Test func givenSeveralSourcesWhenQuotingThenEveryLoserSaysWhyInRankOrder() throws {
        let item = PricingItem(sku: Pricing.sku, category: "Fasteners/Bolts/Hex", cost: nil)
        var context = Self.context
        context.item = item
        let quote = try Pricing.quote(context, quantity: 12)
        #expect(quote.rule == "rule #2")
        #expect(quote.unitPrice == eur(850))
        let explained = quote.considered.map { [$0.source, $0.level.description, $0.reason ?? "won"] }
        #expect(explained == [
            ["contract #1", "contract", "expired 2026-05-31"],
            ["rule #2", "account rule", "won"],
            ["rule #3", "price list rule", "needs quantity 100 or more"],
            ["rule #4", "price list rule", "no standard cost in EUR to mark up"],
            ["rule #5", "default list rule", "rule #2 (account rule) takes precedence"],
            ["list TRADE", "list price", "rule #2 (account rule) takes precedence"],
        ])
    }

    @Test func givenSeveralSourcesWhenQuotingThenEachIsDescribedWithTheUnitPriceItWouldGive() throws {
        let quote = try Pricing.quote(Self.context, quantity: 12)
        let described = quote.considered.map { "\($0.source): \($0.description) = \($0.unitPrice?.formatted ?? "-")" }
        #expect(described == [
            "contract #1: contract price 6.50 EUR = 6.50 EUR",
            "rule #2: 15% off list for category Fasteners (ACME deal) = 8.50 EUR",
            "rule #3: fixed 8.00 EUR for item FAS-000001 from 100 = 8.00 EUR",
            "rule #4: cost + 25% for all items = 7.50 EUR",
            "rule #5: fixed 7.00 EUR for item FAS-000001 = 7.00 EUR",
            "list TRADE: list price 10.00 EUR = 10.00 EUR",
        ])
    }

    @Test func givenAQuoteWhenQuotingThenItCarriesWhatWasAsked() throws {
        let quote = try Pricing.quote(Self.context, quantity: 12, on: day("2026-06-15"))
        #expect(quote.sku == Pricing.sku)
        #expect(quote.account == "ACME")
        #expect(quote.quantity == 12)
        #expect(quote.date == day("2026-06-15"))
        #expect(quote.currency == "EUR")
        #expect(quote.extendedPrice == eur(850 * 12))
    }
}

// MARK: - Tier ladder

@Suite("Pricing tier ladder")
struct PricingLadderTests {
    static let rules = [
        Pricing.listRule(20, .all, .percentOff(Percent(10)), minQuantity: 10),
        Pricing.listRule(21, .all, .percentOff(Percent(20)), minQuantity: 50),
        // Same price as the 10 break: no new step.
        Pricing.listRule(22, .all, .fixedPrice(900), minQuantity: 25),
        // Expired and not yet valid: no step on the quoted date.
        Pricing.listRule(23, .all, .fixedPrice(100), minQuantity: 100, to: day("2026-06-01")),
        Pricing.listRule(24, .all, .fixedPrice(100), minQuantity: 200, from: day("2026-07-01")),
    ]

    @Test func givenQuantityBreaksWhenQuotingThenTheLadderListsEachPriceChange() throws {
        let quote = try Pricing.quote(Pricing.context(rules: Self.rules), quantity: 3)
        #expect(quote.tiers == [
            PriceTier(minQuantity: 1, unitPrice: eur(1000), source: "list TRADE"),
            PriceTier(minQuantity: 10, unitPrice: eur(900), source: "rule #20"),
            PriceTier(minQuantity: 50, unitPrice: eur(800), source: "rule #21"),
        ])
    }

    @Test func givenDifferentQuantitiesWhenQuotingThenTheLadderIsTheSame() throws {
        let context = Pricing.context(rules: Self.rules)
        #expect(try Pricing.quote(context, quantity: 1).tiers == Pricing.quote(context, quantity: 500).tiers)
    }

    @Test func givenAContractBreakWhenQuotingThenTheLadderShowsIt() throws {
        let contract = ContractPrice(id: 8, account: "ACME", sku: Pricing.sku, unitPrice: 750, minQuantity: 100)
        let quote = try Pricing.quote(Pricing.context(contracts: [contract], rules: Self.rules))
        #expect(quote.tiers.last == PriceTier(minQuantity: 100, unitPrice: eur(750), source: "contract #8"))
        #expect(quote.tiers.count == 4)
    }

    @Test func givenNoBreaksWhenQuotingThenTheLadderHasOneStep() throws {
        let quote = try Pricing.quote(Pricing.context())
        #expect(quote.tiers == [PriceTier(minQuantity: 1, unitPrice: eur(1000), source: "list TRADE")])
    }

    @Test func givenOnlyABreakAndNoBasePriceWhenQuotingThenTheLadderStartsAtTheBreak() throws {
        let context = Pricing.context(listPrices: [:], rules: [Pricing.listRule(20, .all, .fixedPrice(900), minQuantity: 10)])
        let quote = try Pricing.quote(context, quantity: 10)
        #expect(quote.tiers == [PriceTier(minQuantity: 10, unitPrice: eur(900), source: "rule #20")])
    }
}

// MARK: - Valid through

struct ValidThroughCase: Sendable, CustomTestStringConvertible {
    var name: String
    var contracts: [ContractPrice] = []
    var rules: [PriceRule]
    var quantity: Int = 1
    var winner: String
    var validThrough: Day?
    var testDescription: String { name }
}

@Suite("Pricing valid through")
struct PricingValidThroughTests {
    static let itemRule = Pricing.listRule(1, .item(Pricing.sku), .fixedPrice(900))
    static let endingItemRule = Pricing.listRule(1, .item(Pricing.sku), .fixedPrice(900), to: day("2026-06-25"))
    static let lateEndingItemRule = Pricing.listRule(1, .item(Pricing.sku), .fixedPrice(900), to: day("2026-07-31"))
    static let futureItemRule = Pricing.listRule(2, .item(Pricing.sku), .fixedPrice(850), from: day("2026-07-01"))
    static let futureAllRule = Pricing.listRule(3, .all, .fixedPrice(850), from: day("2026-07-01"))
    static let futureBreak = Pricing.listRule(4, .item(Pricing.sku), .fixedPrice(850), minQuantity: 10, from: day("2026-07-01"))
    static let futureContract = ContractPrice(id: 5, account: "ACME", sku: Pricing.sku, unitPrice: 850, validFrom: day("2026-07-01"))

    static let cases: [ValidThroughCase] = [
        ValidThroughCase(name: "the list price with nothing ahead holds with no end", rules: [], winner: "list TRADE", validThrough: nil),
        ValidThroughCase(name: "an open-ended rule holds with no end", rules: [itemRule], winner: "rule #1", validThrough: nil),
        ValidThroughCase(name: "a rule holds through its last day", rules: [endingItemRule], winner: "rule #1", validThrough: day("2026-06-25")),
        ValidThroughCase(name: "a future rule that does not outrank the winner does not end it",
                         rules: [itemRule, futureAllRule], winner: "rule #1", validThrough: nil),
        ValidThroughCase(name: "a future rule that outranks the list price ends it the day before it starts",
                         rules: [futureAllRule], winner: "list TRADE", validThrough: day("2026-06-30")),
        ValidThroughCase(name: "a future rule of the same scope outranks by starting later",
                         rules: [itemRule, futureItemRule], winner: "rule #1", validThrough: day("2026-06-30")),
        ValidThroughCase(name: "the winner's own end comes first", rules: [endingItemRule, futureItemRule],
                         winner: "rule #1", validThrough: day("2026-06-25")),
        ValidThroughCase(name: "the outranking start comes first", rules: [lateEndingItemRule, futureItemRule],
                         winner: "rule #1", validThrough: day("2026-06-30")),
        ValidThroughCase(name: "a future break above the quantity does not end it", rules: [itemRule, futureBreak],
                         quantity: 5, winner: "rule #1", validThrough: nil),
        ValidThroughCase(name: "a future break the quantity reaches ends it", rules: [itemRule, futureBreak],
                         quantity: 10, winner: "rule #1", validThrough: day("2026-06-30")),
        ValidThroughCase(name: "a future contract ends it", contracts: [futureContract], rules: [itemRule],
                         winner: "rule #1", validThrough: day("2026-06-30")),
    ]

    @Test("Given dated sources, when quoting, then the quote says the last day it holds", arguments: cases)
    func validThrough(_ row: ValidThroughCase) throws {
        let quote = try Pricing.quote(Pricing.context(contracts: row.contracts, rules: row.rules), quantity: row.quantity)
        #expect(quote.rule == row.winner)
        #expect(quote.validThrough == row.validThrough)
    }

    @Test func givenAFutureRuleInAnotherCurrencyWhenQuotingThenItDoesNotEndTheQuote() throws {
        // A default-list rule in USD can never price for a EUR account, so its start must not end the quote.
        let dollars = PriceList(code: "LIST", name: "Standard list", currency: "USD", isDefault: true)
        let dollarRule = PriceRule(id: 6, priceList: "LIST", scope: .all, validFrom: day("2026-07-01"), action: .fixedPrice(500))
        let quote = try Pricing.quote(Pricing.context(defaultList: dollars, rules: [dollarRule]))
        #expect(quote.rule == "list TRADE")
        #expect(quote.validThrough == nil)
    }
}

// MARK: - What each role sees

@Suite("Quote visibility")
struct QuoteVisibilityTests {
    static func flooredQuote() throws -> Quote {
        let rule = Pricing.listRule(1, .all, .fixedPrice(790), roundingStep: 5, marginFloor: Percent(30))
        return try Pricing.quote(Pricing.context(rules: [rule]))
    }

    @Test func givenAFloorRaisedQuoteWhenQuotingThenItCarriesCostMarginAndTheFloor() throws {
        let quote = try Self.flooredQuote()
        #expect(quote.unitPrice == eur(860))
        #expect(quote.cost == eur(600))
        #expect(quote.margin == percent("30.23"))
        #expect(quote.adjustments.map(\.description) == ["raised to 30% margin floor"])
    }

    @Test func givenASalespersonWhenShowingAQuoteThenCostMarginAndTheFloorAreHidden() throws {
        let seen = try Self.flooredQuote().visible(to: User(name: "alice", displayName: "Alice", role: .sales))
        #expect(seen.cost == nil)
        #expect(seen.margin == nil)
        #expect(seen.adjustments.map(\.description) == ["raised to a minimum price"])
        #expect(seen.unitPrice == eur(860))
    }

    @Test func givenASalespersonWhenShowingARoundedQuoteThenTheRoundingIsStillShown() throws {
        let rule = Pricing.listRule(1, .all, .fixedPrice(874), roundingStep: 5)
        let quote = try Pricing.quote(Pricing.context(rules: [rule]))
        let seen = quote.visible(to: User(name: "alice", displayName: "Alice", role: .sales))
        #expect(seen.adjustments.map(\.description) == ["rounded to a step of 0.05"])
    }

    @Test("Given a role that may see cost, when showing a quote, then it is shown whole", arguments: [Role.clerk, .manager, .admin])
    func rolesWithCostSeeEverything(_ role: Role) throws {
        let quote = try Self.flooredQuote()
        #expect(quote.visible(to: User(name: "someone", displayName: "Someone", role: role)) == quote)
    }
}

// MARK: - Rule checks

@Suite("Price rule validation")
struct PriceRuleValidationTests {
    static let invalid: [(String, PriceRule)] = [
        ("both a list and an account", PriceRule(priceList: "TRADE", account: "ACME", scope: .all, action: .fixedPrice(1))),
        ("neither a list nor an account", PriceRule(scope: .all, action: .fixedPrice(1))),
        ("a zero quantity break", PriceRule(priceList: "TRADE", scope: .all, minQuantity: 0, action: .fixedPrice(1))),
        ("ending before it starts", PriceRule(priceList: "TRADE", scope: .all, validFrom: Day(year: 2026, month: 6, day: 2),
                                              validTo: Day(year: 2026, month: 6, day: 1), action: .fixedPrice(1))),
        ("a negative rounding step", PriceRule(priceList: "TRADE", scope: .all, action: .fixedPrice(1), roundingStep: -5)),
        ("a negative fixed price", PriceRule(priceList: "TRADE", scope: .all, action: .fixedPrice(-1))),
        ("more than 100% off", PriceRule(priceList: "TRADE", scope: .all, action: .percentOff(Percent(101)))),
        ("a negative percent off", PriceRule(priceList: "TRADE", scope: .all, action: .percentOff(Percent(-1)))),
        ("a 100% margin floor", PriceRule(priceList: "TRADE", scope: .all, action: .fixedPrice(1), marginFloor: Percent(100))),
    ]

    @Test("Given an ill-formed rule, when validating, then it is refused", arguments: invalid)
    func illFormedRuleIsRefused(_ problem: String, _ rule: PriceRule) {
        #expect(throws: Failure.self) { try rule.validated() }
    }

    @Test func givenAWellFormedRuleWhenValidatingThenItIsReturnedUnchanged() throws {
        let rule = PriceRule(id: 3, account: "ACME", scope: .category("Fasteners"), minQuantity: 10,
                             validFrom: Day(year: 2026, month: 6, day: 1), validTo: Day(year: 2026, month: 6, day: 1),
                             action: .percentOff(Percent(100)), roundingStep: 5, marginFloor: Percent(0))
        #expect(try rule.validated() == rule)
    }
}
