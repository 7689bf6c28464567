import Foundation

/// Which items a price rule applies to.
public enum RuleScope: Hashable, Sendable, Codable {
    case item(String)
    case category(String)
    case all

    /// Lower is more specific: an item rule beats a category rule, a deeper category beats a shallower one.
    var specificity: Int {
        switch self {
        case .item: 0
        case .category(let path): 1_000 - path.split(separator: "/").count
        case .all: 10_000
        }
    }

    func matches(_ item: PricingItem) -> Bool {
        switch self {
        case .item(let sku): sku.lowercased() == item.sku.lowercased()
        case .category(let path): Validate.category(item.category, isWithin: path)
        case .all: true
        }
    }

    public var label: String {
        switch self {
        case .item(let sku): "item \(sku)"
        case .category(let path): "category \(path)"
        case .all: "all items"
        }
    }
}

/// What a price rule does to the price.
public enum RuleAction: Hashable, Sendable, Codable {
    /// A fixed unit price in minor units of the list's currency.
    case fixedPrice(Int64)
    /// A percentage off the list price.
    case percentOff(Percent)
    /// A percentage on top of the item's standard cost.
    case markupOnCost(Percent)
}

/// A pricing rule, attached either to a price list or to one account.
public struct PriceRule: Hashable, Sendable, Codable {
    public var id: Int64
    /// The price list the rule belongs to; nil when it belongs to an account.
    public var priceList: String?
    /// The account the rule belongs to; nil when it belongs to a price list.
    public var account: String?
    public var scope: RuleScope
    /// The quantity break: the rule applies from this quantity up.
    public var minQuantity: Int
    public var validFrom: Day?
    public var validTo: Day?
    public var action: RuleAction
    /// Round the resulting unit price to a multiple of this many minor units (0 or 1: no rounding).
    public var roundingStep: Int64
    /// The lowest margin (percent of price) the rule may produce; the price is raised to meet it.
    public var marginFloor: Percent?
    public var note: String

    public init(id: Int64 = 0, priceList: String? = nil, account: String? = nil, scope: RuleScope, minQuantity: Int = 1,
                validFrom: Day? = nil, validTo: Day? = nil, action: RuleAction, roundingStep: Int64 = 0,
                marginFloor: Percent? = nil, note: String = "") {
        self.id = id
        self.priceList = priceList
        self.account = account
        self.scope = scope
        self.minQuantity = minQuantity
        self.validFrom = validFrom
        self.validTo = validTo
        self.action = action
        self.roundingStep = roundingStep
        self.marginFloor = marginFloor
        self.note = note
    }

    /// Checks a rule before it is stored.
    public func validated() throws(Failure) -> PriceRule {
        guard (priceList == nil) != (account == nil) else {
            throw Failure(.usage, "a rule belongs to exactly one of a price list or an account")
        }
        _ = try Validate.quantity(minQuantity, field: "min-qty")
        if let validFrom, let validTo, validTo < validFrom {
            throw Failure.invalid("valid-to", validTo.description, "is before valid-from \(validFrom)")
        }
        guard roundingStep >= 0 else { throw Failure.invalid("rounding", String(roundingStep), "must not be negative") }
        if case .fixedPrice(let p) = action, p < 0 { throw Failure.invalid("price", String(p), "must not be negative") }
        if case .percentOff(let p) = action, p.value > 100 || p.value < 0 {
            throw Failure.invalid("percent-off", p.description, "must be between 0 and 100")
        }
        if let floor = marginFloor, floor.value >= 100 || floor.value < 0 {
            throw Failure.invalid("margin-floor", floor.description, "must be at least 0 and below 100")
        }
        return self
    }
}

/// A price agreed with one account for one item, optionally from a quantity and within dates.
public struct ContractPrice: Hashable, Sendable, Codable {
    public var id: Int64
    public var account: String
    public var sku: String
    public var unitPrice: Int64
    public var minQuantity: Int
    public var validFrom: Day?
    public var validTo: Day?

    public init(id: Int64 = 0, account: String, sku: String, unitPrice: Int64, minQuantity: Int = 1,
                validFrom: Day? = nil, validTo: Day? = nil) {
        self.id = id
        self.account = account
        self.sku = sku
        self.unitPrice = unitPrice
        self.minQuantity = minQuantity
        self.validFrom = validFrom
        self.validTo = validTo
    }
}

extension ContractPrice {
    /// Checks a contract price before it is stored.
    public func validated() throws(Failure) -> ContractPrice {
        _ = try Validate.quantity(minQuantity, field: "min-qty")
        guard unitPrice >= 0 else { throw Failure.invalid("price", String(unitPrice), "must not be negative") }
        if let validFrom, let validTo, validTo < validFrom {
            throw Failure.invalid("valid-to", validTo.description, "is before valid-from \(validFrom)")
        }
        return self
    }
}

/// What the engine needs to know about the item.
public struct PricingItem: Hashable, Sendable {
    public var sku: String
    public var category: String
    public var cost: Money?

    public init(sku: String, category: String, cost: Money?) {
        self.sku = sku
        self.category = category
        self.cost = cost
    }
}

/// Everything that can bear on one quote, gathered by the store.
public struct PricingContext: Sendable {
    public var item: PricingItem
    public var account: String
    /// The account's own price list.
    public var accountList: PriceList
    /// The store-wide default list; may be the same list as the account's.
    public var defaultList: PriceList
    /// List price per price list code (upper-cased), where one is set.
    public var listPrices: [String: Int64]
    public var contracts: [ContractPrice]
    /// Rules of the account, of its price list and of the default list, in any order.
    public var rules: [PriceRule]

    public init(item: PricingItem, account: String, accountList: PriceList, defaultList: PriceList,
                listPrices: [String: Int64], contracts: [ContractPrice], rules: [PriceRule]) {
        self.item = item
        self.account = account
        self.accountList = accountList
        self.defaultList = defaultList
        self.listPrices = listPrices
        self.contracts = contracts
        self.rules = rules
    }
}

/// Where a source of a price sits in the precedence, first to last.
public enum PriceLevel: String, Hashable, Sendable, Codable, Comparable, CaseIterable, CustomStringConvertible {
    case contract = "contract"
    case accountRule = "account rule"
    case priceListRule = "price list rule"
    case defaultListRule = "default list rule"
    case listPrice = "list price"

    /// `price list rule`: how explanations name the level.
    public var description: String { rawValue }

    /// 0 for a contract, which outranks everything, up to 4 for the list price.
    private var rank: Int {
        switch self {
        case .contract: 0
        case .accountRule: 1
        case .priceListRule: 2
        case .defaultListRule: 3
        case .listPrice: 4
        }
    }

    public static func < (lhs: PriceLevel, rhs: PriceLevel) -> Bool { lhs.rank < rhs.rank }
}

/// A change a rule made to its price after its action: rounding, the margin floor.
///
/// Each case knows whether it gives the item's cost away, so hiding cost never depends on how a message is worded.
/// In JSON (the CLI's answers, the snapshots kept with answers) an adjustment is its description.
public enum PriceAdjustment: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Rounded to a multiple of the rule's step, written as the list's currency writes it (`0.05`).
    case roundedToStep(String)
    /// Raised to meet the rule's margin floor: the price is then cost ÷ (1 − floor), so it reveals the cost.
    case raisedToMarginFloor(Percent)
    /// A margin-floor raise as it is told to a role that may not see cost.
    case raisedToMinimumPrice

    /// Whether a reader who knows the price could work the cost out from this adjustment.
    public var revealsCost: Bool {
        if case .raisedToMarginFloor = self { return true }
        return false
    }

    /// The adjustment as a role without `seeCost` is told of it.
    public var withoutCost: PriceAdjustment { revealsCost ? .raisedToMinimumPrice : self }

    public var description: String {
        switch self {
        case .roundedToStep(let step): "rounded to a step of \(step)"
        case .raisedToMarginFloor(let floor): "raised to \(floor)% margin floor"
        case .raisedToMinimumPrice: "raised to a minimum price"
        }
    }

    /// Reads back a description.
    public init?(description text: String) {
        if text == PriceAdjustment.raisedToMinimumPrice.description {
            self = .raisedToMinimumPrice
        } else if text.hasPrefix("rounded to a step of ") {
            self = .roundedToStep(String(text.dropFirst("rounded to a step of ".count)))
        } else if text.hasPrefix("raised to "), text.hasSuffix("% margin floor"),
                  let floor = try? Percent.parse(String(text.dropFirst("raised to ".count).dropLast("% margin floor".count))) {
            self = .raisedToMarginFloor(floor)
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let adjustment = PriceAdjustment(description: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a price adjustment: \(text)"))
        }
        self = adjustment
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// One source of a price that the engine looked at, and what became of it.
public struct ConsideredPrice: Hashable, Sendable, Codable {
    public enum Outcome: Hashable, Sendable, Codable {
        case won
        case lost(String)
    }

    /// `contract #3`, `rule #12`, `list RETAIL`.
    public var source: String
    /// Where it sits in the precedence.
    public var level: PriceLevel
    public var description: String
    /// The unit price it would give, when it could give one.
    public var unitPrice: Money?
    public var outcome: Outcome
    /// A cost-plus source: its percentage and a losing price would let a reader work out the cost.
    public var revealsCost: Bool = false

    public var won: Bool { outcome == .won }
    public var reason: String? {
        if case .lost(let why) = outcome { return why }
        return nil
    }
}

/// One step of the quantity-break ladder.
public struct PriceTier: Hashable, Sendable, Codable {
    public var minQuantity: Int
    public var unitPrice: Money
    public var source: String
}

/// A price quote and its explanation.
public struct Quote: Hashable, Sendable, Codable {
    public var sku: String
    public var account: String
    public var quantity: Int
    public var date: Day
    public var currency: String
    public var unitPrice: Money
    public var extendedPrice: Money
    /// The source that set the price.
    public var rule: String
    /// Adjustments made after the winning rule: rounding, the margin floor.
    public var adjustments: [PriceAdjustment]
    public var considered: [ConsideredPrice]
    public var tiers: [PriceTier]
    /// The last day this price holds; nil when nothing known ends it.
    public var validThrough: Day?
    /// Present only for roles that may see cost.
    public var cost: Money?
    /// Margin as a percent of the unit price; present only for roles that may see cost.
    public var margin: Percent?

    /// The quote as a user of this role may see it: cost and margin removed for roles without `seeCost`.
    public func visible(to user: User) -> Quote {
        guard !user.may(.seeCost) else { return self }
        var copy = self
        copy.cost = nil
        copy.margin = nil
        copy.adjustments = adjustments.map(\.withoutCost)
        copy.considered = considered.map { source in
            guard source.revealsCost else { return source }
            var hidden = source
            hidden.description = "cost-plus price"
            if !source.won { hidden.unitPrice = nil }
            hidden.outcome = source.won ? .won : .lost("outranked")
            return hidden
        }
        return copy
    }
}

/// No price could be found for the item.
public struct NoPrice: BackOfficeFailure, Equatable {
    public var sku: String
    public var priceList: String
    public var kind: FailureKind { .notFound }
    public var message: String { "no price: \(sku) has no list price on \(priceList) and no rule or contract applies" }
}

/// Chooses a price.
///
/// Precedence, first to last: the account's contract price for the item; the account's own rules; the rules of the
/// account's price list; the rules of the default list; the list price (the account list's, else the default list's).
/// Within a level, a more specific scope wins (item, then deeper category, then all items), then the larger quantity
/// break, then the rule that started later, then the lower id. Percent-off works from the list price; markup works
/// from standard cost. Each rule's rounding step and margin floor then apply. Every source looked at is reported with
/// why it lost.
public enum PricingEngine {
    public static func quote(_ context: PricingContext, quantity: Int, on date: Day) throws(Failure) -> Quote {
        _ = try Validate.quantity(quantity)
        var quote = try price(context, quantity: quantity, on: date)
        quote.tiers = ladder(context, on: date)
        return quote
    }

    /// A candidate price source with its rank in the precedence.
    private struct Candidate {
        var source: String
        var level: PriceLevel
        var description: String
        var specificity: Int
        var minQuantity: Int
        var validFrom: Day?
        var validTo: Day?
        var tieBreak: Int64
        var unitPrice: Money?
        var adjustments: [PriceAdjustment]
        /// Why it cannot apply at all, before ranking.
        var excluded: String?
        /// It can never apply, whatever the date: wrong currency, nothing to take a percentage of.
        var neverApplies = false
        /// A cost-plus rule: its figures would give the cost away to roles that may not see it.
        var revealsCost = false

        func ranks(before other: Candidate) -> Bool {
            if level != other.level { return level < other.level }
            if specificity != other.specificity { return specificity < other.specificity }
            if minQuantity != other.minQuantity { return minQuantity > other.minQuantity }
            if (validFrom?.ordinal ?? .min) != (other.validFrom?.ordinal ?? .min) {
                return (validFrom?.ordinal ?? .min) > (other.validFrom?.ordinal ?? .min)
            }
            return tieBreak < other.tieBreak
        }

        /// Why `self` lost to `winner`, in the words a clerk would use.
        func lossReason(to winner: Candidate) -> String {
            if level != winner.level { return "\(winner.source) (\(winner.level)) takes precedence" }
            if specificity != winner.specificity { return "\(winner.source) has a more specific scope" }
            if minQuantity != winner.minQuantity { return "\(winner.source) is a larger quantity break" }
            if validFrom != winner.validFrom { return "\(winner.source) started later" }
            return "tie with \(winner.source), broken by lower id"
        }
    }

    private static func price(_ context: PricingContext, quantity: Int, on date: Day) throws(Failure) -> Quote {
        let currency = context.accountList.currency
        let cost = context.item.cost
        let listPrice = context.listPrices[context.accountList.code.uppercased()]
            ?? (context.defaultList.currency == currency ? context.listPrices[context.defaultList.code.uppercased()] : nil)
        let listPriceSource = context.listPrices[context.accountList.code.uppercased()] != nil ? context.accountList.code : context.defaultList.code

        var candidates: [Candidate] = []

        for contract in context.contracts
        where contract.sku.lowercased() == context.item.sku.lowercased() && contract.account.lowercased() == context.account.lowercased() {
            var c = Candidate(source: "contract #\(contract.id)", level: .contract,
                              description: "contract price \(Money(minorUnits: contract.unitPrice, currency: currency).formatted)"
                                + (contract.minQuantity > 1 ? " from \(contract.minQuantity)" : ""),
                              specificity: 0, minQuantity: contract.minQuantity, validFrom: contract.validFrom,
                              validTo: contract.validTo, tieBreak: contract.id,
                              unitPrice: Money(minorUnits: contract.unitPrice, currency: currency), adjustments: [])
            c.excluded = applicability(minQuantity: contract.minQuantity, from: contract.validFrom, to: contract.validTo, quantity: quantity, date: date)
            candidates.append(c)
        }

        for rule in context.rules where rule.scope.matches(context.item) {
            let level: PriceLevel
            let ruleCurrency: String
            if let account = rule.account {
                guard account.lowercased() == context.account.lowercased() else { continue }
                level = .accountRule
                ruleCurrency = currency
            } else if rule.priceList?.lowercased() == context.accountList.code.lowercased() {
                level = .priceListRule
                ruleCurrency = currency
            } else if rule.priceList?.lowercased() == context.defaultList.code.lowercased() {
                level = .defaultListRule
                ruleCurrency = context.defaultList.currency
            } else {
                continue
            }
            var c = Candidate(source: "rule #\(rule.id)", level: level,
                              description: describe(rule, currency: ruleCurrency), specificity: rule.scope.specificity,
                              minQuantity: rule.minQuantity, validFrom: rule.validFrom, validTo: rule.validTo,
                              tieBreak: rule.id, unitPrice: nil, adjustments: [])
            c.excluded = applicability(minQuantity: rule.minQuantity, from: rule.validFrom, to: rule.validTo, quantity: quantity, date: date)
            if ruleCurrency != currency {
                c.excluded = c.excluded ?? "in \(ruleCurrency), the account is quoted in \(currency)"
                c.neverApplies = true
            }
            if case .markupOnCost = rule.action { c.revealsCost = true }
            switch evaluate(rule, listPrice: listPrice, cost: cost, currency: currency) {
            case .success(let (price, adjustments)):
                c.unitPrice = price
                c.adjustments = adjustments
                if adjustments.contains(where: \.revealsCost) { c.revealsCost = true }
            case .failure(let problem):
                c.excluded = c.excluded ?? problem.message
                c.neverApplies = true
            }
            candidates.append(c)
        }

        if let listPrice {
            candidates.append(Candidate(source: "list \(listPriceSource)", level: .listPrice,
                                        description: "list price \(Money(minorUnits: listPrice, currency: currency).formatted)",
                                        specificity: 0, minQuantity: 1, validFrom: nil, validTo: nil, tieBreak: 0,
                                        unitPrice: Money(minorUnits: listPrice, currency: currency), adjustments: []))
        }

        let ranked = candidates.indices.sorted { candidates[$0].ranks(before: candidates[$1]) }
        guard let winnerIndex = ranked.first(where: { candidates[$0].excluded == nil && candidates[$0].unitPrice != nil }),
              let unit = candidates[winnerIndex].unitPrice else {
            throw Failure(.notFound, NoPrice(sku: context.item.sku, priceList: context.accountList.code).message)
        }
        let winner = candidates[winnerIndex]
        guard case (let extended, false) = unit.minorUnits.multipliedReportingOverflow(by: Int64(quantity)),
              extended.magnitude < 1_000_000_000_000_000 else {
            throw Failure.invalid("quantity", String(quantity), "the extended price is too large to quote")
        }

        let considered = ranked.map { index -> ConsideredPrice in
            let c = candidates[index]
            let outcome: ConsideredPrice.Outcome
            if index == winnerIndex { outcome = .won } else if let why = c.excluded { outcome = .lost(why) } else {
                outcome = .lost(c.lossReason(to: winner))
            }
            return ConsideredPrice(source: c.source, level: c.level, description: c.description, unitPrice: c.unitPrice,
                                   outcome: outcome, revealsCost: c.revealsCost)
        }

        // The quote holds until the winner ends or a source that would outrank it starts.
        var validThrough = winner.validTo
        for c in candidates where !c.neverApplies && c.unitPrice != nil && c.validFrom.map({ $0 > date }) == true
            && c.ranks(before: winner) && c.minQuantity <= quantity && c.validTo.map({ $0 >= date }) != false {
            let dayBefore = c.validFrom!.adding(days: -1)
            validThrough = min(validThrough ?? dayBefore, dayBefore)
        }

        var margin: Percent?
        if let cost, unit.minorUnits > 0, cost.currency == currency {
            margin = Percent(Decimal(unit.minorUnits - cost.minorUnits) * 100 / Decimal(unit.minorUnits))
            margin = margin.map { Percent(rounded($0.value, places: 2)) }
        }

        return Quote(sku: context.item.sku, account: context.account, quantity: quantity, date: date, currency: currency,
                     unitPrice: unit, extendedPrice: Money(minorUnits: extended, currency: currency), rule: winner.source, adjustments: winner.adjustments,
                     considered: considered, tiers: [], validThrough: validThrough, cost: cost, margin: margin)
    }

    /// The unit price at each quantity break that applies on the date.
    private static func ladder(_ context: PricingContext, on date: Day) -> [PriceTier] {
        var breaks: Set<Int> = [1]
        for contract in context.contracts where applicability(minQuantity: 1, from: contract.validFrom, to: contract.validTo, quantity: 1, date: date) == nil {
            breaks.insert(contract.minQuantity)
        }
        for rule in context.rules where rule.scope.matches(context.item)
            && applicability(minQuantity: 1, from: rule.validFrom, to: rule.validTo, quantity: 1, date: date) == nil {
            breaks.insert(rule.minQuantity)
        }
        var tiers: [PriceTier] = []
        for quantity in breaks.sorted() {
            guard let quote = try? price(context, quantity: quantity, on: date) else { continue }
            if let last = tiers.last, last.unitPrice == quote.unitPrice { continue }
            tiers.append(PriceTier(minQuantity: quantity, unitPrice: quote.unitPrice, source: quote.rule))
        }
        return tiers
    }

    /// Why a source cannot apply to this quantity on this date; nil when it can.
    private static func applicability(minQuantity: Int, from: Day?, to: Day?, quantity: Int, date: Day) -> String? {
        if let from, date < from { return "not valid until \(from)" }
        if let to, date > to { return "expired \(to)" }
        if quantity < minQuantity { return "needs quantity \(minQuantity) or more" }
        return nil
    }

    /// The unit price a rule gives, after its rounding step and margin floor.
    static func evaluate(_ rule: PriceRule, listPrice: Int64?, cost: Money?, currency: String) -> Result<(Money, [PriceAdjustment]), Failure> {
        var adjustments: [PriceAdjustment] = []
        var price: Money
        switch rule.action {
        case .fixedPrice(let minor):
            price = Money(minorUnits: minor, currency: currency)
        case .percentOff(let percent):
            guard let listPrice else { return .failure(Failure(.notFound, "no list price to take \(percent)% off")) }
            let list = Money(minorUnits: listPrice, currency: currency)
            price = Money.rounded(list.decimal * (100 - percent.value) / 100, currency: currency)
        case .markupOnCost(let percent):
            guard let cost, cost.minorUnits > 0, cost.currency == currency else {
                return .failure(Failure(.notFound, "no standard cost in \(currency) to mark up"))
            }
            price = Money.rounded(cost.decimal * (100 + percent.value) / 100, currency: currency)
        }
        if rule.roundingStep > 1 {
            let rounded = price.rounded(toStep: rule.roundingStep)
            if rounded != price {
                adjustments.append(.roundedToStep(Money(minorUnits: rule.roundingStep, currency: currency).decimalString))
                price = rounded
            }
        }
        if let floor = rule.marginFloor, let cost, cost.currency == currency, cost.minorUnits > 0 {
            // price >= cost / (1 - floor), rounded up so the floor is never undercut.
            let minimum = cost.decimal / ((100 - floor.value) / 100)
            var lowest = Money(minorUnits: roundUp(minimum * Money.scale(of: currency)), currency: currency)
            lowest = lowest.roundedUp(toStep: rule.roundingStep)
            if price < lowest {
                adjustments.append(.raisedToMarginFloor(floor))
                price = lowest
            }
        }
        return .success((price, adjustments))
    }

    private static func describe(_ rule: PriceRule, currency: String) -> String {
        var text: String
        switch rule.action {
        case .fixedPrice(let minor): text = "fixed \(Money(minorUnits: minor, currency: currency).formatted)"
        case .percentOff(let p): text = "\(p)% off list"
        case .markupOnCost(let p): text = "cost + \(p)%"
        }
        text += " for \(rule.scope.label)"
        if rule.minQuantity > 1 { text += " from \(rule.minQuantity)" }
        if !rule.note.isEmpty { text += " (\(rule.note))" }
        return text
    }

    private static func roundUp(_ value: Decimal) -> Int64 {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, 0, .up)
        return NSDecimalNumber(decimal: result).int64Value
    }

    private static func rounded(_ value: Decimal, places: Int) -> Decimal {
        var input = value
        var result = Decimal()
        NSDecimalRound(&result, &input, places, .plain)
        return result
    }
}
