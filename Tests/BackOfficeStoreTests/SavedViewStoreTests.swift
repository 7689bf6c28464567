import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// Lists sorted by the store (the item list paged by keyset either way, the queue by its columns) and each user's saved
/// views, on both engines.
@Suite("Sorted lists and saved views in the store")
struct SavedViewStoreTests {
    /// Items whose names sort differently from their SKUs, two sharing a name (ties broken by SKU).
    static func items(_ f: StoreFixture) async throws {
        let names = [("A-1", "zinc plate"), ("A-2", "Anchor"), ("A-3", "bracket"), ("A-4", "Anchor"), ("A-5", "Cable tie"),
                     ("A-6", "anvil"), ("A-7", "Yoke")]
        for (sku, name) in names {
            _ = try await f.store.addItem(Item(sku: sku, name: name, category: "Test"), listPrice: nil, by: f.admin)
        }
    }

    /// Every row of the list, read two at a time forwards by keyset from the previous page.
    static func pagedForwards(_ f: StoreFixture, _ query: ItemListQuery) async throws -> [String] {
        var all: [ItemListRow] = []
        var page = try await f.store.itemRows(query, from: .offset(0), limit: 2, by: f.clerk)
        while !page.isEmpty {
            all += page
            page = try await f.store.itemRows(query, from: .after(page[page.count - 1]), limit: 2, by: f.clerk)
        }
        return all.map(\.item.sku)
    }

    /// Every row of the list, read two at a time backwards from the tail.
    static func pagedBackwards(_ f: StoreFixture, _ query: ItemListQuery) async throws -> [String] {
        var all: [ItemListRow] = []
        var page = try await f.store.itemRows(query, from: .tail, limit: 2, by: f.clerk)
        while !page.isEmpty {
            all = page + all
            page = try await f.store.itemRows(query, from: .before(page[0]), limit: 2, by: f.clerk)
        }
        return all.map(\.item.sku)
    }

    @Test(arguments: TestEngine.all)
    func givenItemsWhenTheListIsSortedByNameEitherWayThenPagesMeetWithoutGapsAndTiesFollowTheSKU(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        try await Self.items(f)
        let query = ItemListQuery(category: "Test", sort: .name)
        let ascending = ["A-2", "A-4", "A-6", "A-3", "A-5", "A-7", "A-1"]

        #expect(try await Self.pagedForwards(f, query) == ascending)
        #expect(try await Self.pagedBackwards(f, query) == ascending)
        var descending = query
        descending.descending = true
        #expect(try await Self.pagedForwards(f, descending) == ascending.reversed())
        #expect(try await Self.pagedBackwards(f, descending) == ascending.reversed())
        var bySKU = ItemListQuery(category: "Test", sort: .sku, descending: true)
        #expect(try await Self.pagedForwards(f, bySKU) == ["A-7", "A-6", "A-5", "A-4", "A-3", "A-2", "A-1"])
        bySKU.descending = false
        #expect(try await f.store.itemRows(bySKU, from: .offset(5), limit: 5, by: f.clerk).map(\.item.sku) == ["A-6", "A-7"])
    }

    @Test(arguments: TestEngine.all)
    func givenASelectedItemWhenTheListIsSortedAnotherWayThenTheStoreSaysWhereItIsNow(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        try await Self.items(f)
        let bySKU = ItemListQuery(category: "Test")
        let row = try #require(try await f.store.itemRows(bySKU, from: .offset(4), limit: 1, by: f.clerk).first)
        #expect(row.item.sku == "A-5")

        #expect(try await f.store.itemPosition(ItemListQuery(category: "Test", sort: .name), of: row, by: f.clerk) == 4)
        #expect(try await f.store.itemPosition(ItemListQuery(category: "Test", sort: .name, descending: true), of: row, by: f.clerk) == 2)
        #expect(try await f.store.itemPosition(ItemListQuery(category: "Test", sort: .sku, descending: true), of: row, by: f.clerk) == 2)
        // Out of the list (another category) it has no place.
        #expect(try await f.store.itemPosition(ItemListQuery(category: "Fasteners", sort: .name), of: row, by: f.clerk) == nil)
    }

    /// Requests on two accounts, at three priorities, filed one after another.
    static func requests(_ f: StoreFixture) async throws -> [Request] {
        _ = try await f.store.addAccount(Account(code: "BETA", name: "Beta", manager: "morgan", backupManager: nil, priceList: ""), by: f.admin)
        var filed: [Request] = []
        for (account, priority) in [("BETA", Priority.low), ("ACME", .urgent), ("BETA", .normal), ("ACME", .low)] {
            filed.append(try await f.store.fileRequest(kind: .other, account: account, sku: nil, quantity: nil, text: "Question \(filed.count + 1)",
                                                       priority: priority, by: f.sales))
            f.clock.advance(60)
        }
        return filed
    }

    @Test(arguments: TestEngine.all)
    func givenRequestsWhenTheQueueIsSortedByItsColumnsThenTheStoreOrdersThemWithTheNumberBreakingTies(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let ids = try await Self.requests(f).map(\.id)
        func listed(_ sort: RequestListQuery.Sort, descending: Bool = false, offset: Int = 0) async throws -> [Int64] {
            try await f.store.requests(RequestListQuery(view: .all, sort: sort, descending: descending), limit: 10, offset: offset,
                                       by: f.manager).map(\.id)
        }

        #expect(try await listed(.priority) == [ids[1], ids[2], ids[0], ids[3]])
        #expect(try await listed(.priority, descending: true) == [ids[3], ids[0], ids[2], ids[1]])
        #expect(try await listed(.account) == [ids[1], ids[3], ids[0], ids[2]])
        #expect(try await listed(.id, descending: true) == ids.reversed())
        #expect(try await listed(.account, offset: 2) == [ids[0], ids[2]])
        // The salesperson's own requests only, whatever the scope asked for.
        let others = try await f.store.requests(RequestListQuery(view: .all, sort: .id), limit: 10, offset: 0, by: f.otherSales)
        #expect(others.isEmpty)
    }

    @Test(arguments: TestEngine.all)
    func givenASelectedRequestWhenTheQueueIsSortedAnotherWayThenTheStoreSaysWhereItIsNow(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let ids = try await Self.requests(f).map(\.id)

        #expect(try await f.store.requestPosition(ids[0], in: RequestListQuery(view: .all, sort: .priority), by: f.manager) == 2)
        #expect(try await f.store.requestPosition(ids[0], in: RequestListQuery(view: .all, sort: .priority, descending: true), by: f.manager) == 1)
        #expect(try await f.store.requestPosition(ids[3], in: RequestListQuery(view: .all, sort: .account), by: f.manager) == 1)
        // Not in the list the query makes: another salesperson's request, or a closed one among the open.
        #expect(try await f.store.requestPosition(ids[0], in: RequestListQuery(view: .all, sort: .id), by: f.otherSales) == nil)
        _ = try await f.store.act(on: ids[2], .close, by: f.sales)
        #expect(try await f.store.requestPosition(ids[2], in: RequestListQuery(view: .all, sort: .id), by: f.manager) == nil)
    }

    // MARK: - Saved views

    static let belowAtMain = SavedView.Settings.inventory(ItemListQuery(search: "bolt", belowReorderOnly: true, location: "MAIN",
                                                                         sort: .name, descending: true))
    static let urgentFirst = SavedView.Settings.queue(RequestListQuery(view: .myAccounts, state: .only(.waitingOnSales), sort: .priority))

    @Test(arguments: TestEngine.all)
    func givenTwoUsersWhenEachSavesViewsThenEachSeesOnlyTheirOwnWithEverySettingKept(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        try await f.store.saveView(SavedView(name: "Low at main", settings: Self.belowAtMain), replace: false, by: f.clerk)
        try await f.store.saveView(SavedView(name: "Waiting", settings: Self.urgentFirst), replace: false, by: f.manager)
        try await f.store.saveView(SavedView(name: "Mine", settings: .inventory(ItemListQuery())), replace: false, by: f.manager)

        #expect(try await f.store.savedViews(.inventory, by: f.clerk) == [SavedView(name: "Low at main", settings: Self.belowAtMain)])
        #expect(try await f.store.savedViews(.queue, by: f.clerk).isEmpty)
        #expect(try await f.store.savedViews(.queue, by: f.manager) == [SavedView(name: "Waiting", settings: Self.urgentFirst)])
        #expect(try await f.store.savedViews(.inventory, by: f.manager).map(\.name) == ["Mine"])
        // Another user's view of the same name is theirs to delete, not this user's.
        await #expect(throws: Failure.notFound("saved view", "Mine")) {
            try await f.store.deleteView(.inventory, named: "Mine", by: f.clerk)
        }
        #expect(try await f.store.savedViews(.inventory, by: f.manager).count == 1)
    }

    @Test(arguments: TestEngine.all)
    func givenASavedViewWhenTheSameNameIsSavedAgainThenItIsRefusedUnlessReplacingAndDeleteRemovesIt(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        try await f.store.saveView(SavedView(name: "Daily", settings: .inventory(ItemListQuery())), replace: false, by: f.clerk)

        await #expect(throws: Failure.self) {
            try await f.store.saveView(SavedView(name: "daily", settings: Self.belowAtMain), replace: false, by: f.clerk)
        }
        #expect(try await f.store.savedViews(.inventory, by: f.clerk) == [SavedView(name: "Daily", settings: .inventory(ItemListQuery()))])

        try await f.store.saveView(SavedView(name: " DAILY ", settings: Self.belowAtMain), replace: true, by: f.clerk)
        #expect(try await f.store.savedViews(.inventory, by: f.clerk) == [SavedView(name: "DAILY", settings: Self.belowAtMain)])

        try await f.store.deleteView(.inventory, named: "Daily", by: f.clerk)
        #expect(try await f.store.savedViews(.inventory, by: f.clerk).isEmpty)
        await #expect(throws: Failure.self) { try await f.store.deleteView(.inventory, named: "Daily", by: f.clerk) }
    }

    @Test(arguments: TestEngine.all)
    func givenHostileViewNamesWhenSavedThenEachIsRefusedWithOneLineAndNothingIsKept(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let hostile = ["", "   ", "bad\u{0}name", "bell\u{7}", "esc\u{1b}[31mred", "line\nbreak", "rtl\u{202e}gnp",
                       String(repeating: "x", count: SavedView.maxNameLength + 1), String(repeating: "名", count: 100_000)]
        for name in hostile {
            do {
                try await f.store.saveView(SavedView(name: name, settings: .inventory(ItemListQuery())), replace: false, by: f.clerk)
                Issue.record("\(name.debugDescription) was saved")
            } catch let failure as Failure {
                #expect(failure.kind == .invalidInput)
                #expect(failure.message.hasPrefix("view name: "), "\(failure.message)")
                #expect(!failure.message.contains("\n") && failure.message.count < 120, "\(failure.message.prefix(200))")
            }
        }
        // Hostile text in what a view holds is refused too.
        await #expect(throws: Failure.self) {
            try await f.store.saveView(SavedView(name: "ok", settings: .inventory(ItemListQuery(search: "a\u{0}b"))), replace: false, by: f.clerk)
        }
        #expect(try await f.store.savedViews(.inventory, by: f.clerk).isEmpty)
        // The longest name allowed, in any script, is kept as typed.
        let longest = String(repeating: "ä", count: SavedView.maxNameLength)
        #expect(try await f.store.saveView(SavedView(name: longest, settings: .inventory(ItemListQuery())), replace: false, by: f.clerk).name == longest)
    }

    @Test(arguments: TestEngine.all)
    func givenViewsLeftInEachPaneWhenReadBackThenEachUserGetsTheirsAndTheyAreNotAmongTheSavedOnes(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        try await f.store.rememberView(.inventory(ItemListQuery()), by: f.manager)
        try await f.store.rememberView(Self.belowAtMain, by: f.manager)
        try await f.store.rememberView(Self.urgentFirst, by: f.manager)

        #expect(Set(try await f.store.lastViews(by: f.manager)) == [Self.belowAtMain, Self.urgentFirst])
        #expect(try await f.store.lastViews(by: f.clerk).isEmpty)
        #expect(try await f.store.savedViews(.inventory, by: f.manager).isEmpty)
    }

    @Test(arguments: TestEngine.all)
    func givenSavedViewsWhenTheStoreIsBackedUpThenTheBackupHoldsThem(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        try await f.store.saveView(SavedView(name: "Waiting", settings: Self.urgentFirst), replace: false, by: f.manager)
        try await f.store.rememberView(Self.belowAtMain, by: f.clerk)
        let copy = f.folder.path("backup.sqlite")

        try await f.store.backup(to: copy, by: f.admin)

        let restored = try await Store.open(path: copy)
        let manager = Actor(user: try await restored.signIn("morgan"), source: .cli)
        let clerk = Actor(user: try await restored.signIn("clerk"), source: .cli)
        #expect(try await restored.savedViews(.queue, by: manager) == [SavedView(name: "Waiting", settings: Self.urgentFirst)])
        #expect(try await restored.lastViews(by: clerk) == [Self.belowAtMain])
        await restored.close()
    }
}
