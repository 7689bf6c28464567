import BackOfficeCore
import Foundation
import SQLKit

// MARK: - Users

extension Store {
    static func user(_ row: any SQLRow) throws -> User {
        guard let role = Role(rawValue: try row.string("role")) else { throw Failure(.storeFailure, "unknown role in store") }
        return User(id: try row.int("id"), name: try row.string("name"), displayName: try row.string("display_name"),
                    role: role, away: try row.bool("away"), active: try row.bool("active"))
    }

    /// The user with this name (any case), or nil.
    public func user(named name: String) async throws -> User? {
        try await read { try await findUser(name) }
    }

    func findUser(_ name: String) async throws -> User? {
        try await row("SELECT * FROM users WHERE name = \(bind: name)").map(Store.user)
    }

    func requireUser(_ name: String, field: String = "user") async throws -> User {
        guard let user = try await findUser(name) else { throw Failure.notFound(field == "user" ? "user" : field, name) }
        return user
    }

    /// The acting user for a session: unknown and deactivated users are refused.
    public func signIn(_ name: String) async throws -> User {
        guard let user = try await user(named: name) else {
            throw Failure(.unknownUser, "unknown user \(name.debugDescription); an admin can add one with `backoffice users add`")
        }
        guard user.active else { throw Failure(.unknownUser, "user \(user.name) is deactivated") }
        return user
    }

    /// Every user, for an admin: roles, who is away and who is deactivated are administration.
    public func users(by actor: Actor) async throws -> [User] {
        try actor.require(.administer)
        return try await users()
    }

    func users() async throws -> [User] {
        try await read { try await rows("SELECT * FROM users ORDER BY name").map(Store.user) }
    }

    /// Adds a user.
    public func addUser(_ user: User, by actor: Actor) async throws -> User {
        try actor.require(.administer)
        return try await insertUser(user, by: actor)
    }

    /// Adds a user; `actor` is nil only while the store is being created (the first admin).
    func insertUser(_ user: User, by actor: Actor?) async throws -> User {
        let name = try Validate.code(user.name, field: "name")
        let display = try Validate.name(user.displayName.isEmpty ? name : user.displayName, field: "display-name")
        return try await write {
            if try await findUser(name) != nil { throw Failure(.alreadyExists, "user \(name) already exists") }
            try await run("""
                INSERT INTO users (name, display_name, role, away, active, created_at)
                VALUES (\(bind: name), \(bind: display), \(bind: user.role.rawValue), \(bind: user.away ? 1 : 0), \(bind: user.active ? 1 : 0), \(bind: UTC.seconds(now)))
                """)
            try await audit(actor, "user.add", "user \(name)", after: "role \(user.role.rawValue)")
            return try await requireUser(name)
        }
    }

    /// Changes a user's role, away flag or active flag.
    public func editUser(_ name: String, role: Role?, away: Bool?, active: Bool?, by actor: Actor) async throws -> User {
        try actor.requireMayEdit(name, changesOnlyAway: role == nil && active == nil)
        return try await write {
            let before = try await requireUser(name)
            var after = before
            if let role { after.role = role }
            if let away { after.away = away }
            if let active { after.active = active }
            try await run("""
                UPDATE users SET role = \(bind: after.role.rawValue), away = \(bind: after.away ? 1 : 0), active = \(bind: after.active ? 1 : 0)
                WHERE id = \(bind: before.id)
                """)
            try await audit(actor, "user.edit", "user \(before.name)",
                            before: "role \(before.role.rawValue) away \(before.away) active \(before.active)",
                            after: "role \(after.role.rawValue) away \(after.away) active \(after.active)")
            return after
        }
    }
}

// MARK: - Locations

extension Store {
    static func location(_ row: any SQLRow) throws -> Location {
        Location(id: try row.int("id"), code: try row.string("code"), name: try row.string("name"), sellable: try row.bool("sellable"))
    }

    /// The locations the acting user may see: sales only the sellable ones, whose stock it may sell.
    public func locations(by actor: Actor) async throws -> [Location] {
        try actor.require(.viewStock)
        let all = actor.user.may(.viewUnsellableStock)
        return try await locations().filter { all || $0.sellable }
    }

    func locations() async throws -> [Location] {
        try await read { try await rows("SELECT * FROM locations ORDER BY code").map(Store.location) }
    }

    func requireLocation(_ code: String) async throws -> Location {
        guard let location = try await row("SELECT * FROM locations WHERE code = \(bind: code)").map(Store.location) else {
            throw Failure.notFound("location", code)
        }
        return location
    }

    public func addLocation(_ location: Location, by actor: Actor) async throws -> Location {
        try actor.require(.editItems)
        let code = try Validate.code(location.code, field: "code").uppercased()
        let name = try Validate.name(location.name, field: "name")
        return try await write {
            if try await row("SELECT id FROM locations WHERE code = \(bind: code)") != nil {
                throw Failure(.alreadyExists, "location \(code) already exists")
            }
            try await run("INSERT INTO locations (code, name, sellable) VALUES (\(bind: code), \(bind: name), \(bind: location.sellable ? 1 : 0))")
            try await audit(actor, "location.add", "location \(code)", after: "\(name) sellable \(location.sellable)")
            return try await requireLocation(code)
        }
    }
}

// MARK: - Items

extension Store {
    static let itemColumns = "i.id, i.sku, i.name, i.uom, i.category, i.active, i.cost, i.cost_currency, i.reorder_point, i.reorder_to, i.order_multiple"

    static func item(_ row: any SQLRow) throws -> Item {
        var cost: Money?
        if let minor = try row.optionalInt("cost") {
            cost = Money(minorUnits: minor, currency: try row.optionalString("cost_currency") ?? "USD")
        }
        return Item(id: try row.int("id"), sku: try row.string("sku"), name: try row.string("name"), unit: try row.string("uom"),
                    category: try row.string("category"), active: try row.bool("active"), cost: cost,
                    reorderPoint: try row.integer("reorder_point"), reorderTo: try row.integer("reorder_to"),
                    orderMultiple: try row.integer("order_multiple"))
    }

    func findItem(sku: String) async throws -> Item? {
        try await row("SELECT \(unsafeRaw: Store.itemColumns) FROM items i WHERE i.sku = \(bind: sku)").map(Store.item)
    }

    func requireItem(sku: String) async throws -> Item {
        guard let item = try await findItem(sku: sku) else { throw Failure.notFound("item", sku) }
        return item
    }

    /// The item with this SKU, as the acting user may see it.
    public func item(sku: String, by actor: Actor) async throws -> Item? {
        try actor.require(.viewStock)
        return try await read { try await findItem(sku: sku)?.visible(to: actor.user) }
    }

    /// The item a query names: its SKU exactly (any case), else the best-ranked of the first search matches.
    func bestMatch(_ query: String) async throws -> Item {
        if let item = try await findItem(sku: query.trimmingCharacters(in: .whitespaces)) { return item }
        guard let search = Dialect.Search(query), let id = try await row("\(search.best)")?.int("rowid"),
              let item = try await row("SELECT \(unsafeRaw: Store.itemColumns) FROM items i WHERE i.id = \(bind: id)").map(Store.item) else {
            throw Failure(.notFound, "no item matches \(query.debugDescription)")
        }
        return item
    }

    /// Prefix search over SKU, name and category. An exact SKU comes first; the rest in catalogue order.
    public func search(_ text: String, limit: Int = 20, offset: Int = 0, by actor: Actor) async throws -> [Item] {
        try actor.require(.viewStock)
        return try await read { try await searchItems(text, limit: limit, offset: offset).map { $0.visible(to: actor.user) } }
    }

    func searchItems(_ text: String, limit: Int, offset: Int = 0) async throws -> [Item] {
        guard let search = Dialect.Search(text) else { return [] }
        let limit = max(1, min(limit, 1_000))
        // The exact SKU (on the first page) and the matches in one statement: one round trip.
        var query: SQLQueryString = ""
        if offset == 0 {
            query += """
                SELECT \(unsafeRaw: Store.itemColumns), 1 AS exact FROM items i
                WHERE i.sku = \(bind: text.trimmingCharacters(in: .whitespaces))
                UNION ALL\n
                """
        }
        query += """
            SELECT \(unsafeRaw: Store.itemColumns), 0 AS exact FROM items i
            WHERE i.id IN (\(search.ids(limit: limit + 1, offset: offset)))
            ORDER BY exact DESC, id
            """
        var result: [Item] = []
        for row in try await rows(query) {
            let item = try Store.item(row)
            if try row.integer("exact") == 0, item.id == result.first?.id { continue }
            if result.count < limit { result.append(item) }
        }
        return result
    }

    /// One page of the catalogue in SKU order, after `afterSKU`.
    public func items(after afterSKU: String = "", limit: Int = 50, category: String? = nil, by actor: Actor) async throws -> [Item] {
        try actor.require(.viewStock)
        return try await read {
            let limit = max(1, min(limit, 1_000))
            if let category, !category.isEmpty {
                return try await rows("""
                    SELECT \(unsafeRaw: Store.itemColumns) FROM items i
                    WHERE i.sku > \(bind: afterSKU) AND \(Store.inCategory(category))
                    ORDER BY i.sku LIMIT \(bind: limit)
                    """).map { try Store.item($0).visible(to: actor.user) }
            }
            return try await rows("""
                SELECT \(unsafeRaw: Store.itemColumns) FROM items i WHERE i.sku > \(bind: afterSKU) ORDER BY i.sku LIMIT \(bind: limit)
                """).map { try Store.item($0).visible(to: actor.user) }
        }
    }

    /// Adds an item, with its list price on the default list when given.
    public func addItem(_ item: Item, listPrice: Money? = nil, by actor: Actor) async throws -> Item {
        var change: ItemChange = .details
        if item.cost != nil { change.insert(.cost) }
        if listPrice != nil { change.insert(.listPrice) }
        try actor.requireMayChange(change)
        let sku = try Validate.code(item.sku, field: "sku")
        let name = try Validate.name(item.name, field: "name")
        let unit = try Validate.code(item.unit, field: "uom").uppercased()
        let category = try Validate.category(item.category)
        _ = try Validate.amount(item.cost, field: "cost")
        _ = try Validate.quantity(item.reorderPoint, field: "reorder-point", allowZero: true)
        try Reorder.check(item)
        return try await write {
            if let existing = try await findItem(sku: sku) {
                throw Failure(.alreadyExists, "item \(existing.sku) already exists; change it with `items edit`")
            }
            try await run("""
                INSERT INTO items (sku, name, uom, category, active, cost, cost_currency, reorder_point, reorder_to, order_multiple)
                VALUES (\(bind: sku), \(bind: name), \(bind: unit), \(bind: category), \(bind: item.active ? 1 : 0),
                        \(bind: item.cost?.minorUnits), \(bind: item.cost?.currency), \(bind: item.reorderPoint),
                        \(bind: item.reorderTo), \(bind: item.orderMultiple))
                """)
            let stored = try await requireItem(sku: sku)
            try await audit(actor, "item.add", "item \(sku)", after: Store.describe(stored))
            if let listPrice {
                let list = try await defaultPriceList()
                try await setListPrice(stored, list: list, price: listPrice, actor: actor)
            }
            return stored
        }
    }

    /// The fields `items edit` may change; nil leaves a field as it is.
    public struct ItemChanges: Sendable {
        public var name: String?
        public var unit: String?
        public var category: String?
        public var active: Bool?
        public var cost: Money??
        public var reorderPoint: Int?
        public var reorderTo: Int?
        public var orderMultiple: Int?
        public init(name: String? = nil, unit: String? = nil, category: String? = nil, active: Bool? = nil,
                    cost: Money?? = nil, reorderPoint: Int? = nil, reorderTo: Int? = nil, orderMultiple: Int? = nil) {
            self.reorderTo = reorderTo
            self.orderMultiple = orderMultiple
            self.name = name
            self.unit = unit
            self.category = category
            self.active = active
            self.cost = cost
            self.reorderPoint = reorderPoint
        }

        /// The parts of the item these changes set, for the permission check.
        public var parts: ItemChange {
            var parts: ItemChange = []
            if name != nil || unit != nil || category != nil || active != nil || reorderPoint != nil || reorderTo != nil || orderMultiple != nil {
                parts.insert(.details)
            }
            if cost != nil { parts.insert(.cost) }
            return parts
        }
    }

    public func editItem(sku: String, _ changes: ItemChanges, listPrice: Money? = nil, by actor: Actor) async throws -> Item {
        var change = changes.parts
        if listPrice != nil { change.insert(.listPrice) }
        try actor.requireMayChange(change)
        var validated = changes
        if let name = changes.name { validated.name = try Validate.name(name, field: "name") }
        if let unit = changes.unit { validated.unit = try Validate.code(unit, field: "uom").uppercased() }
        if let category = changes.category { validated.category = try Validate.category(category) }
        if let reorder = changes.reorderPoint { _ = try Validate.quantity(reorder, field: "reorder-point", allowZero: true) }
        if let cost = changes.cost { _ = try Validate.amount(cost, field: "cost") }
        return try await write {
            let before = try await requireItem(sku: sku)
            var after = before
            if let name = validated.name { after.name = name }
            if let unit = validated.unit { after.unit = unit }
            if let category = validated.category { after.category = category }
            if let active = validated.active { after.active = active }
            if let cost = validated.cost { after.cost = cost }
            if let reorder = validated.reorderPoint { after.reorderPoint = reorder }
            if let level = validated.reorderTo { after.reorderTo = level }
            if let multiple = validated.orderMultiple { after.orderMultiple = multiple }
            try Reorder.check(after)
            try await run("""
                UPDATE items SET name = \(bind: after.name), uom = \(bind: after.unit), category = \(bind: after.category),
                    active = \(bind: after.active ? 1 : 0), cost = \(bind: after.cost?.minorUnits),
                    cost_currency = \(bind: after.cost?.currency), reorder_point = \(bind: after.reorderPoint),
                    reorder_to = \(bind: after.reorderTo), order_multiple = \(bind: after.orderMultiple)
                WHERE id = \(bind: before.id)
                """)
            if after != before {
                try await audit(actor, "item.edit", "item \(before.sku)", before: Store.describe(before), after: Store.describe(after))
            }
            if let listPrice {
                try await setListPrice(after, list: try await defaultPriceList(), price: listPrice, actor: actor)
            }
            return after
        }
    }

    static func describe(_ item: Item) -> String {
        "name \(item.name.debugDescription) uom \(item.unit) category \(item.category.debugDescription) active \(item.active) "
            + "cost \(item.cost?.formatted ?? "none") reorder \(item.reorderPoint)"
            + (item.reorderTo == 0 && item.orderMultiple == 1 ? "" : " up to \(item.reorderTo) in multiples of \(item.orderMultiple)")
    }
}

// MARK: - Accounts

extension Store {
    static let accountSelect = """
        SELECT a.id, a.code, a.name, m.name AS manager, b.name AS backup, p.code AS price_list
        FROM accounts a
        LEFT JOIN users m ON m.id = a.manager_id
        LEFT JOIN users b ON b.id = a.backup_id
        JOIN price_lists p ON p.id = a.price_list_id
        """

    static func account(_ row: any SQLRow) throws -> Account {
        Account(id: try row.int("id"), code: try row.string("code"), name: try row.string("name"),
                manager: try row.optionalString("manager"), backupManager: try row.optionalString("backup"),
                priceList: try row.string("price_list"))
    }

    func findAccount(_ code: String) async throws -> Account? {
        try await row("\(unsafeRaw: Store.accountSelect) WHERE a.code = \(bind: code)").map(Store.account)
    }

    func requireAccount(_ code: String) async throws -> Account {
        guard let account = try await findAccount(code) else { throw Failure.notFound("account", code) }
        return account
    }

    /// The account with this code, for anyone who may see prices: a quote needs its price list, and a salesperson its
    /// manager to ask (the same permission as the list of accounts).
    public func account(code: String, by actor: Actor) async throws -> Account? {
        try actor.require(.viewPrices)
        return try await read { try await findAccount(code) }
    }

    /// One page of accounts in code order; `search` matches code or name.
    public func accounts(after code: String = "", limit: Int = 100, search: String? = nil, by actor: Actor) async throws -> [Account] {
        try actor.require(.viewPrices)
        return try await read {
            let pattern = "%" + Store.likeLiteral(search ?? "") + "%"
            return try await rows("""
                \(unsafeRaw: Store.accountSelect) WHERE a.code > \(bind: code)
                  AND (a.code \(Dialect.like) \(bind: pattern) ESCAPE '\\' OR a.name \(Dialect.like) \(bind: pattern) ESCAPE '\\')
                ORDER BY a.code LIMIT \(bind: max(1, min(limit, 1_000)))
                """).map(Store.account)
        }
    }

    func accountManagerID(_ name: String?, field: String) async throws -> Int64? {
        guard let name, !name.isEmpty else { return nil }
        let user = try await requireUser(name, field: field)
        try Validate.accountManager(user, field: field)
        return user.id
    }

    public func addAccount(_ account: Account, by actor: Actor) async throws -> Account {
        try actor.require(.editAccounts)
        let code = try Validate.code(account.code, field: "code").uppercased()
        let name = try Validate.name(account.name, field: "name")
        return try await write {
            if try await findAccount(code) != nil { throw Failure(.alreadyExists, "account \(code) already exists") }
            let manager = try await accountManagerID(account.manager, field: "manager")
            let backup = try await accountManagerID(account.backupManager, field: "backup")
            let list = account.priceList.isEmpty ? try await defaultPriceList() : try await requirePriceList(account.priceList)
            try await run("""
                INSERT INTO accounts (code, name, manager_id, backup_id, price_list_id)
                VALUES (\(bind: code), \(bind: name), \(bind: manager), \(bind: backup), \(bind: list.id))
                """)
            let stored = try await requireAccount(code)
            try await audit(actor, "account.add", "account \(code)", after: Store.describe(stored))
            return stored
        }
    }

    public func editAccount(_ code: String, name: String?, manager: String?, backup: String?, priceList: String?,
                            by actor: Actor) async throws -> Account {
        try actor.require(.editAccounts)
        let newName = try name.map { name throws(Failure) in try Validate.name(name, field: "name") }
        return try await write {
            let before = try await requireAccount(code)
            if let newName { try await run("UPDATE accounts SET name = \(bind: newName) WHERE id = \(bind: before.id)") }
            if let manager {
                let id = try await accountManagerID(manager, field: "manager")
                try await run("UPDATE accounts SET manager_id = \(bind: id) WHERE id = \(bind: before.id)")
            }
            if let backup {
                let id = try await accountManagerID(backup, field: "backup")
                try await run("UPDATE accounts SET backup_id = \(bind: id) WHERE id = \(bind: before.id)")
            }
            if let priceList {
                let list = try await requirePriceList(priceList)
                try await run("UPDATE accounts SET price_list_id = \(bind: list.id) WHERE id = \(bind: before.id)")
            }
            let after = try await requireAccount(code)
            if after != before {
                try await audit(actor, "account.edit", "account \(before.code)", before: Store.describe(before), after: Store.describe(after))
            }
            return after
        }
    }

    static func describe(_ account: Account) -> String {
        "name \(account.name.debugDescription) manager \(account.manager ?? "none") backup \(account.backupManager ?? "none") list \(account.priceList)"
    }
}

// MARK: - Price lists

extension Store {
    static func priceList(_ row: any SQLRow) throws -> PriceList {
        PriceList(id: try row.int("id"), code: try row.string("code"), name: try row.string("name"),
                  currency: try row.string("currency"), isDefault: try row.bool("is_default"))
    }

    func defaultPriceList() async throws -> PriceList {
        guard let list = try await row("SELECT * FROM price_lists WHERE is_default = 1").map(Store.priceList) else {
            throw Failure(.notFound, "the store has no default price list; add one with `backoffice prices add-list --default`")
        }
        return list
    }

    func requirePriceList(_ code: String) async throws -> PriceList {
        guard let list = try await row("SELECT * FROM price_lists WHERE code = \(bind: code)").map(Store.priceList) else {
            throw Failure.notFound("price list", code)
        }
        return list
    }

    /// The currency amounts of a rule are written in: its price list's, or the account's price list's.
    public func ruleCurrency(priceList: String?, account: String?) async throws -> String {
        try await read {
            if let priceList { return try await requirePriceList(priceList).currency }
            return try await requirePriceList(try await requireAccount(account ?? "").priceList).currency
        }
    }

    /// The currency of the default price list: what costs and list prices are entered in.
    public func defaultCurrency() async throws -> String {
        try await read { try await defaultPriceList().currency }
    }

    public func priceLists() async throws -> [PriceList] {
        try await read { try await rows("SELECT * FROM price_lists ORDER BY code").map(Store.priceList) }
    }

    /// Adds a price list. The first list of a store becomes its default.
    public func addPriceList(_ list: PriceList, by actor: Actor) async throws -> PriceList {
        try actor.require(.editPrices)
        return try await insertPriceList(list, by: actor)
    }

    /// Adds a price list; `actor` is nil only while the store is being created.
    func insertPriceList(_ list: PriceList, by actor: Actor?) async throws -> PriceList {
        let code = try Validate.code(list.code, field: "code").uppercased()
        let name = try Validate.name(list.name.isEmpty ? code : list.name, field: "name")
        guard Money.isCurrencyCode(list.currency) else { throw Failure.invalid("currency", list.currency, "not a three-letter ISO code") }
        return try await write {
            if try await row("SELECT id FROM price_lists WHERE code = \(bind: code)") != nil {
                throw Failure(.alreadyExists, "price list \(code) already exists")
            }
            let hasDefault = try await row("SELECT id FROM price_lists WHERE is_default = 1") != nil
            if list.isDefault && hasDefault { try await run("UPDATE price_lists SET is_default = 0 WHERE is_default = 1") }
            try await run("""
                INSERT INTO price_lists (code, name, currency, is_default)
                VALUES (\(bind: code), \(bind: name), \(bind: list.currency.uppercased()), \(bind: list.isDefault || !hasDefault ? 1 : 0))
                """)
            try await audit(actor, "pricelist.add", "price list \(code)", after: "\(name) \(list.currency.uppercased())")
            return try await requirePriceList(code)
        }
    }

    /// Sets an item's list price on a list (inside a write transaction).
    func setListPrice(_ item: Item, list: PriceList, price: Money, actor: Actor) async throws {
        _ = try Validate.amount(price, field: "list-price")
        let old = try await row("SELECT price FROM list_prices WHERE price_list_id = \(bind: list.id) AND item_id = \(bind: item.id)")
        try await upsertListPrice(list: list.id, item: item.id, minorUnits: price.minorUnits)
        let before = try old.map { Money(minorUnits: try $0.int("price"), currency: list.currency).formatted }
        try await audit(actor, "price.list", "item \(item.sku) on \(list.code)", before: before,
                        after: Money(minorUnits: price.minorUnits, currency: list.currency).formatted)
    }

    /// The one statement that sets an item's price on a list, new or not (`prices set`, `items add|edit --list-price`,
    /// and the prices and items imports).
    func upsertListPrice(list: Int64, item: Int64, minorUnits: Int64) async throws {
        try await run("""
            INSERT INTO list_prices (price_list_id, item_id, price) VALUES (\(bind: list), \(bind: item), \(bind: minorUnits))
            ON CONFLICT (price_list_id, item_id) DO UPDATE SET price = excluded.price
            """)
    }

    /// Sets an item's list price on the named list.
    public func setListPrice(sku: String, list code: String, price text: String, by actor: Actor) async throws -> Money {
        try actor.require(.editPrices)
        return try await write {
            let item = try await requireItem(sku: sku)
            let list = try await requirePriceList(code)
            let price = try Money.parse(text, currency: list.currency, field: "price")
            try await setListPrice(item, list: list, price: price, actor: actor)
            return price
        }
    }
}
