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

    /// Items per transaction of the demo seeding. 25,000 built the 1M demo store in 54 s against 66 s in chunks of
    /// 10,000 (fewer commits, checkpoints and full-text segments to merge), with a peak of 430 MiB.
    public static let demoChunk = 25_000

    /// Fills a new store with the demo company. Items, their list prices and history go in transactions of
    /// `chunk` items, each with its own audit entry, so a process killed part-way leaves a consistent store.
    public func seedDemo(_ company: DemoCompany, chunk: Int = Store.demoChunk, by actor: Actor,
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
        for template in DemoCompany.replyTemplates {
            _ = try await addReplyTemplate(name: template.name, body: template.body, replace: true, by: actor)
        }

        let allLocations = try await locations()
        let locationIDs = Dictionary(uniqueKeysWithValues: allLocations.map { ($0.code.uppercased(), $0.id) })
        let locationCodes = Dictionary(uniqueKeysWithValues: allLocations.map { ($0.code.uppercased(), $0.code) })
        let listID = try await read { try await requirePriceList("LIST").id }
        let firstID = try await read { try await row("SELECT COALESCE(MAX(id), 0) AS m FROM items")?.int("m") ?? 0 } + 1

        // The catalogue with its history, a chunk at a time, with the import's larger page cache. The next chunk's
        // rows are made on another thread while SQLite writes this one: making them was a quarter of the time.
        var finalOnHand: [Int: [String: Int]] = [:]
        let places = DemoPlaces(listID: listID, firstID: firstID, locationIDs: locationIDs, locationCodes: locationCodes)
        let make = { @Sendable (start: Int) -> Task<DemoChunk, Never> in
            Task.detached { DemoChunk(company, start..<min(company.itemCount, start + max(1, chunk)), places) }
        }
        var next = company.itemCount > 0 ? make(0) : nil
        try await enterBulkLoad()
        do {
            while let making = next {
                let rows = await making.value
                next = rows.range.upperBound < company.itemCount ? make(rows.range.upperBound) : nil
                try await write {
                    // Indexed for search in one statement per chunk, as an import does, not by the trigger row by row.
                    let indexing = try await suspendItemIndexing()
                    try await bulkInsert("items", ["id", "sku", "name", "uom", "category", "active", "cost", "cost_currency", "reorder_point",
                                                   "reorder_to", "order_multiple"],
                                         rows.items)
                    if let indexing { try await resumeItemIndexing(indexing) }
                    try await syncIdentity("items")
                    try await bulkInsert("list_prices", ["price_list_id", "item_id", "price"], rows.prices)
                    try await appendToJournal(rows.movements)
                    try await bulkInsert("balances", ["item_id", "location_id", "on_hand"], rows.balances)
                    try await audit(actor, "demo.seed", "items \(rows.range.lowerBound + 1)–\(rows.range.upperBound)",
                                    after: "\(rows.range.count) items, \(rows.movements.count) movements, \(rows.balances.count) balances")
                }
                finalOnHand.merge(rows.finalOnHand) { $1 }
                progress(rows.range.upperBound)
            }
        } catch {
            if let next { _ = await next.value }
            try? await leaveBulkLoad()
            throw error
        }
        try await leaveBulkLoad()

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
        // Managers act in working time: each step of a demo request comes 15 minutes to 2 hours of working time after
        // the one before (never later than now), so its SLA figures look like a desk's.
        let calendar = try await read { try await loadCalendar() }
        let realNow = clock()
        for demo in company.requests {
            clockOverride = demo.createdAt
            defer { clockOverride = nil }
            guard let requester = try await user(named: demo.requester) else { continue }
            let sku = demo.index.map { company.item(at: $0).item.sku }
            let request = try await fileRequest(kind: demo.kind, account: demo.account, sku: sku, quantity: demo.quantity, text: demo.text,
                                                priority: demo.priority, by: Actor(user: requester, source: .cli))
            var at = demo.createdAt
            for (step, action) in demo.then.enumerated() {
                let gap = 900 * (1 + Int((request.id + Int64(step) * 3) % 8))
                at = min(calendar.adding(gap, to: at) ?? at.addingTimeInterval(TimeInterval(gap)), realNow.addingTimeInterval(-60))
                clockOverride = at
                guard let assignee = request.assignee, let manager = try await user(named: assignee) else { break }
                let text = action == .answer ? "We can ship from MAIN this week at the quoted price."
                    : (action == .wait ? "Which delivery date does the customer need?" : "")
                _ = try await act(on: request.id, action, text: text, by: Actor(user: manager, source: .console))
            }
        }
    }
}

/// Where the demo catalogue's rows point: the default list, the first item id, the locations' ids and codes.
private struct DemoPlaces: Sendable {
    var listID: Int64
    var firstID: Int64
    var locationIDs: [String: Int64]
    var locationCodes: [String: String]
}

/// The rows of one chunk of the demo catalogue: items, list prices, their history and balances.
private struct DemoChunk: Sendable {
    let range: Range<Int>
    var items: [[Store.Value]] = [], prices: [[Store.Value]] = [], movements: [ChainedMovement] = [], balances: [[Store.Value]] = []
    /// The fast movers' stock per location once their history is in: holds are placed against it.
    var finalOnHand: [Int: [String: Int]] = [:]

    init(_ company: DemoCompany, _ range: Range<Int>, _ places: DemoPlaces) {
        self.range = range
        items.reserveCapacity(range.count)
        prices.reserveCapacity(range.count)
        for index in range {
            let demo = company.item(at: index)
            let id = places.firstID + Int64(index)
            let item = demo.item
            items.append([id, item.sku, item.name, item.unit, item.category, item.active ? 1 : 0, item.cost?.minorUnits ?? 0, "USD",
                          item.reorderPoint, item.reorderTo, item.orderMultiple])
            prices.append([places.listID, id, demo.listPrice])
            var onHand: [String: Int] = [:]
            for step in company.history(at: index) {
                let (from, to, quantity, counted, reason) = Store.journalColumns(step.movement, effects: step.effects)
                for effect in step.effects { onHand[effect.location, default: 0] += effect.delta }
                movements.append(ChainedMovement(
                    id: 0, kind: step.movement.kind.rawValue, itemID: id, locationID: places.locationIDs[from]!,
                    toLocationID: to.map { places.locationIDs[$0]! }, sku: item.sku, location: places.locationCodes[from]!,
                    toLocation: to.map { places.locationCodes[$0]! }, quantity: Int64(quantity), counted: counted.map(Int64.init),
                    reason: reason, reference: step.reference.isEmpty ? nil : step.reference, actor: step.actor, source: "cli",
                    at: UTC.seconds(step.at)))
            }
            for (location, quantity) in onHand {
                balances.append([id, places.locationIDs[location]!, quantity])
            }
            if index < company.fastMoverCount { finalOnHand[index] = onHand }
        }
    }
}
