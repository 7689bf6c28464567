import BackOfficeCore
import Foundation
import SQLKit

extension Store {
    /// A quote with its explanation, as the acting user may see it (no cost or margin for sales).
    public func quote(sku: String, account: String, quantity: Int, on date: Day? = nil, by actor: Actor) async throws -> Quote {
        try actor.require(.viewPrices)
        return try await snapshot {
            try await makeQuote(sku: sku, account: account, quantity: quantity, on: date ?? Day(now)).visible(to: actor.user)
        }
    }

    func makeQuote(sku: String, account code: String, quantity: Int, on date: Day) async throws -> Quote {
        let item = try await requireItem(sku: sku)
        let account = try await requireAccount(code)
        let context = try await pricingContext(item: item, account: account)
        return try PricingEngine.quote(context, quantity: quantity, on: date)
    }

    /// Gathers everything that can bear on a quote for this item and account, in three queries.
    func pricingContext(item: Item, account: Account) async throws -> PricingContext {
        let accountList = try await requirePriceList(account.priceList)
        let defaultList = (try? await defaultPriceList()) ?? accountList
        var listPrices: [String: Int64] = [:]
        for row in try await rows("""
            SELECT p.code, lp.price FROM list_prices lp JOIN price_lists p ON p.id = lp.price_list_id
            WHERE lp.item_id = \(bind: item.id) AND lp.price_list_id IN (\(bind: accountList.id), \(bind: defaultList.id))
            """) {
            listPrices[try row.string("code").uppercased()] = try row.int("price")
        }
        let contracts = try await rows("""
            SELECT id, price, min_qty, valid_from, valid_to FROM contract_prices
            WHERE account_id = \(bind: account.id) AND item_id = \(bind: item.id)
            """).map { row in
            ContractPrice(id: try row.int("id"), account: account.code, sku: item.sku, unitPrice: try row.int("price"),
                          minQuantity: try row.integer("min_qty"), validFrom: try row.optionalDay("valid_from"),
                          validTo: try row.optionalDay("valid_to"))
        }
        let rules = try await rows("""
            SELECT r.*, p.code AS list_code, a.code AS account_code, i.sku AS scope_sku
            FROM price_rules r
            LEFT JOIN price_lists p ON p.id = r.price_list_id
            LEFT JOIN accounts a ON a.id = r.account_id
            LEFT JOIN items i ON i.id = r.scope_item_id
            WHERE (r.account_id = \(bind: account.id) OR r.price_list_id IN (\(bind: accountList.id), \(bind: defaultList.id)))
              AND (r.scope <> 'item' OR r.scope_item_id = \(bind: item.id))
            """).map(Store.rule)
        return PricingContext(item: PricingItem(sku: item.sku, category: item.category, cost: item.cost), account: account.code,
                              accountList: accountList, defaultList: defaultList, listPrices: listPrices,
                              contracts: contracts, rules: rules)
    }

    static func rule(_ row: any SQLRow) throws -> PriceRule {
        let scope: RuleScope
        switch try row.string("scope") {
        case "item": scope = .item(try row.optionalString("scope_sku") ?? "?")
        case "category": scope = .category(try row.optionalString("scope_category") ?? "")
        default: scope = .all
        }
        let amount = try row.string("amount")
        let action: RuleAction
        switch try row.string("action") {
        case "fixed": action = .fixedPrice(Int64(amount) ?? 0)
        case "percent_off": action = .percentOff(try Percent.parse(amount))
        default: action = .markupOnCost(try Percent.parse(amount, range: 0...10_000))
        }
        return PriceRule(id: try row.int("id"), priceList: try row.optionalString("list_code"),
                         account: try row.optionalString("account_code"), scope: scope, minQuantity: try row.integer("min_qty"),
                         validFrom: try row.optionalDay("valid_from"), validTo: try row.optionalDay("valid_to"), action: action,
                         roundingStep: try row.int("rounding_step"),
                         marginFloor: try row.optionalString("margin_floor").map { try Percent.parse($0) },
                         note: try row.string("note"))
    }

    /// Adds a price rule to a price list or an account.
    public func addRule(_ rule: PriceRule, by actor: Actor) async throws -> PriceRule {
        try actor.require(.editPrices)
        let rule = try rule.validated()
        return try await write { try await insertRule(rule, actor: actor) }
    }

    func insertRule(_ rule: PriceRule, actor: Actor?) async throws -> PriceRule {
        var listID: Int64?
        var accountID: Int64?
        if let code = rule.priceList { listID = try await requirePriceList(code).id }
        if let code = rule.account { accountID = try await requireAccount(code).id }
        var scopeItem: Int64?
        var scopeCategory: String?
        let scopeName: String
        switch rule.scope {
        case .item(let sku): scopeItem = try await requireItem(sku: sku).id; scopeName = "item"
        case .category(let path): scopeCategory = try Validate.category(path); scopeName = "category"
        case .all: scopeName = "all"
        }
        let (actionName, amount): (String, String)
        switch rule.action {
        case .fixedPrice(let minor): (actionName, amount) = ("fixed", String(minor))
        case .percentOff(let p): (actionName, amount) = ("percent_off", p.description)
        case .markupOnCost(let p): (actionName, amount) = ("markup", p.description)
        }
        var stored = rule
        stored.id = try await insertReturningID("""
            INSERT INTO price_rules (price_list_id, account_id, scope, scope_item_id, scope_category, min_qty, valid_from, valid_to,
                                     action, amount, rounding_step, margin_floor, note)
            VALUES (\(bind: listID), \(bind: accountID), \(bind: scopeName), \(bind: scopeItem), \(bind: scopeCategory),
                    \(bind: rule.minQuantity), \(bind: rule.validFrom?.description), \(bind: rule.validTo?.description),
                    \(bind: actionName), \(bind: amount), \(bind: rule.roundingStep), \(bind: rule.marginFloor?.description), \(bind: rule.note))
            """)
        try await audit(actor, "price.rule.add", "rule \(stored.id)",
                        after: "\(rule.priceList.map { "list \($0)" } ?? "account \(rule.account ?? "")") \(scopeName) \(actionName) \(amount) from \(rule.minQuantity)")
        return stored
    }

    /// Rules of a price list or an account, a page at a time.
    /// Rules carry markups on cost and margin floors, so only roles that may see cost may list them.
    public func rules(priceList: String? = nil, account: String? = nil, limit: Int = 200, by actor: Actor) async throws -> [PriceRule] {
        try actor.require(.seeCost)
        return try await read {
            var query: SQLQueryString = """
                SELECT r.*, p.code AS list_code, a.code AS account_code, i.sku AS scope_sku FROM price_rules r
                LEFT JOIN price_lists p ON p.id = r.price_list_id LEFT JOIN accounts a ON a.id = r.account_id
                LEFT JOIN items i ON i.id = r.scope_item_id WHERE 1 = 1
                """
            if let priceList { query += " AND p.code = \(bind: priceList)" }
            if let account { query += " AND a.code = \(bind: account)" }
            query += " ORDER BY r.id LIMIT \(bind: max(1, min(limit, 1_000)))"
            return try await rows(query).map(Store.rule)
        }
    }

    /// Adds a contract price for an account and item.
    public func addContract(_ contract: ContractPrice, price text: String, by actor: Actor) async throws -> ContractPrice {
        try actor.require(.editPrices)
        _ = try contract.validated()
        return try await write { try await insertContract(contract, price: text, actor: actor) }
    }

    func insertContract(_ contract: ContractPrice, price text: String?, actor: Actor?) async throws -> ContractPrice {
        let account = try await requireAccount(contract.account)
        let item = try await requireItem(sku: contract.sku)
        let list = try await requirePriceList(account.priceList)
        var stored = contract
        if let text { stored.unitPrice = try Money.parse(text, currency: list.currency, field: "price").minorUnits }
        stored = try stored.validated()
        stored.id = try await insertReturningID("""
            INSERT INTO contract_prices (account_id, item_id, price, min_qty, valid_from, valid_to)
            VALUES (\(bind: account.id), \(bind: item.id), \(bind: stored.unitPrice), \(bind: stored.minQuantity),
                    \(bind: stored.validFrom?.description), \(bind: stored.validTo?.description))
            """)
        try await audit(actor, "price.contract.add", "contract \(stored.id) account \(account.code) item \(item.sku)",
                        after: Money(minorUnits: stored.unitPrice, currency: list.currency).formatted + " from \(stored.minQuantity)")
        return stored
    }
}

