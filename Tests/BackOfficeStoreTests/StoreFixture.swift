import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation

/// A real store in a temporary folder with a small, known company: two locations, a few people, one account.
struct StoreFixture {
    let folder: TemporaryFolder
    let engine: TestEngine
    /// The store's file path or URL.
    let path: String
    let clock: TestClock
    let store: Store
    let admin: Actor
    let clerk: Actor
    let manager: Actor
    let backup: Actor
    let sales: Actor
    let otherSales: Actor

    static func make(_ engine: TestEngine = .sqlite) async throws -> StoreFixture {
        let folder = TemporaryFolder()
        let clock = TestClock()
        let path = try engine.newStore(in: folder)
        let store = try await Store.create(path: path, admin: "admin", clock: clock.function)
        let admin = Actor(user: try await store.signIn("admin"), source: .cli)
        func add(_ name: String, _ role: Role) async throws -> Actor {
            Actor(user: try await store.addUser(User(name: name, displayName: name.capitalized, role: role), by: admin), source: .cli)
        }
        let clerk = try await add("clerk", .clerk)
        let manager = try await add("morgan", .manager)
        let backup = try await add("dana", .manager)
        let sales = try await add("sam", .sales)
        let otherSales = try await add("sally", .sales)
        _ = try await store.addLocation(Location(code: "MAIN", name: "Main", sellable: true), by: admin)
        _ = try await store.addLocation(Location(code: "QUAR", name: "Quarantine", sellable: false), by: admin)
        _ = try await store.addItem(Item(sku: "BOLT-1", name: "Hex Bolt M8", unit: "EA", category: "Fasteners/Bolts",
                                         cost: Money(minorUnits: 50, currency: "USD"), reorderPoint: 10),
                                    listPrice: Money(minorUnits: 100, currency: "USD"), by: admin)
        _ = try await store.addAccount(Account(code: "ACME", name: "Acme", manager: "morgan", backupManager: "dana", priceList: ""), by: admin)
        return StoreFixture(folder: folder, engine: engine, path: path, clock: clock, store: store, admin: admin, clerk: clerk, manager: manager,
                            backup: backup, sales: sales, otherSales: otherSales)
    }

    private init(folder: TemporaryFolder, engine: TestEngine, path: String, clock: TestClock, store: Store, admin: Actor, clerk: Actor, manager: Actor,
                 backup: Actor, sales: Actor, otherSales: Actor) {
        self.folder = folder
        self.engine = engine
        self.path = path
        self.clock = clock
        self.store = store
        self.admin = admin
        self.clerk = clerk
        self.manager = manager
        self.backup = backup
        self.sales = sales
        self.otherSales = otherSales
    }

    /// `DROP TRIGGER name`, as the engine spells it.
    func dropTrigger(_ name: String, on table: String) -> String {
        engine == .postgres ? "DROP TRIGGER \(name) ON \(table)" : "DROP TRIGGER \(name)"
    }

    func onHand(_ sku: String = "BOLT-1", at location: String = "MAIN") async throws -> Int {
        try await store.stock(sku: sku, by: admin).lines.first { $0.location == location }?.position.onHand ?? 0
    }

    func count(_ table: String) async throws -> Int {
        try await store.diagnose().counts[table] ?? -1
    }
}

import Testing

/// The PostgreSQL half of the contract suite runs wherever a cluster answers; where CI demands it, its absence fails.
@Suite struct ContractSuiteEngines {
    @Test(.enabled(if: TestEngine.postgresRequired, "BACKOFFICE_TEST_POSTGRES=required is not set: without a cluster the contract suite runs on SQLite alone"))
    func givenCIWhenTheContractSuiteRunsThenPostgreSQLIsThere() {
        #expect(TestEngine.postgresMissing == nil, "\(TestEngine.postgresMissing ?? "")")
    }
}
