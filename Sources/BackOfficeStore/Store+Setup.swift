import BackOfficeCore
import Foundation
import SQLKit

extension Store {
    /// Creates a new store with its first admin and a default price list.
    public static func create(path: String, admin: String, currency: String = "USD",
                              clock: @escaping @Sendable () -> Date = { Date() }) async throws -> Store {
        let name = try Validate.code(admin, field: "admin")
        guard Money.isCurrencyCode(currency) else { throw Failure.invalid("currency", currency, "not a three-letter ISO code") }
        let store = try await Store.open(path: path, mode: .create, clock: clock)
        do {
            _ = try await store.insertUser(User(name: name, displayName: name, role: .admin), by: nil)
            _ = try await store.insertPriceList(PriceList(code: "LIST", name: "Standard list", currency: currency.uppercased(), isDefault: true), by: nil)
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// Fills a new store with the demo company. Items, their list prices and history go in transactions of
    /// `chunk` items, each with its own audit entry, so a process killed part-way leaves a consistent store.
    public func seedDemo(_ company: DemoCompany, chunk: Int = 10_000, by actor: Actor,
                         progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        try actor.require(.administer)
        // People, places, lists and accounts through the ordinary paths.
        for person in DemoCompany.users where try await user(named: person.name) == nil {
            _ = try await addUser(person, by: actor)
        }
        for location in DemoCompany.locations { _ = try await addLocation(location, by: actor) }
        let existingLists = Set(try await priceLists().map { $0.code.uppercased() })
        for list in DemoCompany.priceLists where !existingLists.contains(list.code) { _ = try await addPriceList(list, by: actor) }
        for account in company.accounts { _ = try await addAccount(account, by: actor) }

        let allLocations = try await locations()
        let locationIDs = Dictionary(uniqueKeysWithValues: allLocations.map { ($0.code.uppercased(), $0.id) })
        let locationCodes = Dictionary(uniqueKeysWithValues: allLocations.map { ($0.code.uppercased(), $0.code) })
        let listID = try await read { try await requirePriceList("LIST").id }
        let firstID = try await read { try await row("SELECT COALESCE(MAX(id), 0) AS m FROM items")?.int("m") ?? 0 } + 1

        // The catalogue with its history, a chunk at a time.
        var finalOnHand: [Int: [String: Int]] = [:]
        var start = 0
        while start < company.itemCount {
            let end = min(company.itemCount, start + chunk)
            try await write {
                var items: [[Value]] = [], prices: [[Value]] = [], movements: [ChainedMovement] = [], balances: [[Value]] = []
                items.reserveCapacity(end - start)
                for index in start..<end {
                    let demo = company.item(at: index)
                    let id = firstID + Int64(index)
                    let item = demo.item
                    items.append([id, item.sku, item.name, item.unit, item.category, item.active ? 1 : 0, item.cost?.minorUnits ?? 0, "USD",
                                  item.reorderPoint])
                    prices.append([listID, id, demo.listPrice])
                    var onHand: [String: Int] = [:]
                    for step in company.history(at: index) {
                        let (from, to, quantity, counted, reason) = Store.journalColumns(step.movement, effects: step.effects)
                        for effect in step.effects { onHand[effect.location, default: 0] += effect.delta }
                        movements.append(ChainedMovement(
                            id: 0, kind: step.movement.kind.rawValue, itemID: id, locationID: locationIDs[from]!,
                            toLocationID: to.map { locationIDs[$0]! }, sku: item.sku, location: locationCodes[from]!,
                            toLocation: to.map { locationCodes[$0]! }, quantity: Int64(quantity), counted: counted.map(Int64.init),
                            reason: reason, reference: step.reference.isEmpty ? nil : step.reference, actor: step.actor, source: "cli",
                            at: UTC.seconds(step.at)))
                    }
                    for (location, quantity) in onHand {
                        balances.append([id, locationIDs[location]!, quantity])
                    }
                    if index < company.fastMoverCount { finalOnHand[index] = onHand }
                }
                try await bulkInsert("items", ["id", "sku", "name", "uom", "category", "active", "cost", "cost_currency", "reorder_point"], items)
                try await syncIdentity("items")
                try await bulkInsert("list_prices", ["price_list_id", "item_id", "price"], prices)
                try await appendToJournal(movements)
                try await bulkInsert("balances", ["item_id", "location_id", "on_hand"], balances)
                try await audit(actor, "demo.seed", "items \(start + 1)–\(end)",
                                after: "\(end - start) items, \(movements.count) movements, \(balances.count) balances")
            }
            start = end
            progress(end)
        }

        // Prices, holds, expected receipts and requests.
        try await write {
            for rule in company.rules { _ = try await insertRule(rule, actor: actor) }
            for contract in company.contracts { _ = try await insertContract(contract, price: nil, actor: actor) }
        }
        let accountIDs = Dictionary(uniqueKeysWithValues: try await accounts(limit: 1_000, by: actor).map { ($0.code, $0.id) })
        try await write {
            let holds = company.holds { index, location in finalOnHand[index]?[location] ?? 0 }
            try await bulkInsert("holds", ["item_id", "location_id", "account_id", "quantity", "owner", "created_at", "expires_at"],
                                 holds.map { hold -> [Value] in
                                     [firstID + Int64(hold.index), locationIDs[hold.location]!, accountIDs[hold.account]!, hold.quantity,
                                      hold.owner, UTC.seconds(now), UTC.seconds(hold.expiresAt)]
                                 })
            let expected = company.expectedReceipts
            try await bulkInsert("incoming", ["item_id", "location_id", "quantity", "due", "ref", "created_at"], expected.map { x -> [Value] in
                [firstID + Int64(x.index), locationIDs[x.location]!, x.quantity, x.due.description, x.reference, UTC.seconds(now)]
            })
            try await audit(actor, "demo.seed", "holds and expected receipts", after: "\(holds.count) holds, \(expected.count) expected receipts")
        }
        for demo in company.requests {
            clockOverride = demo.createdAt
            defer { clockOverride = nil }
            guard let requester = try await user(named: demo.requester) else { continue }
            let sku = demo.index.map { company.item(at: $0).item.sku }
            let request = try await fileRequest(kind: demo.kind, account: demo.account, sku: sku, quantity: demo.quantity, text: demo.text,
                                                priority: demo.priority, by: Actor(user: requester, source: .cli))
            var at = demo.createdAt
            for action in demo.then {
                at = at.addingTimeInterval(900)
                clockOverride = at
                guard let assignee = request.assignee, let manager = try await user(named: assignee) else { break }
                let text = action == .answer ? "We can ship from MAIN this week at the quoted price."
                    : (action == .wait ? "Which delivery date does the customer need?" : "")
                _ = try await act(on: request.id, action, text: text, by: Actor(user: manager, source: .console))
            }
        }
    }
}
