import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// Permissions are decided in Core and checked in the store, whatever front end asks.
@Suite("Permissions in the store")
struct PermissionTests {
    /// One batch of import records, handed out once.
    final class OneBatch: @unchecked Sendable {
        private var batch: ImportBatch?
        init(_ records: [ImportRecord]) { batch = ImportBatch(records: records.enumerated().map { (line: $0.offset + 2, record: $0.element) }, problems: []) }
        func next() -> ImportBatch? { defer { batch = nil }; return batch }
    }

    private func defaultList(_ fixture: StoreFixture) async throws -> String {
        try await fixture.store.priceLists().first(where: \.isDefault)?.code ?? "?"
    }

    @Test(arguments: TestEngine.all) func givenAMarkupOnCostRuleWhenAClerkSetsTheCostThenItIsRefusedAndTheQuoteIsUnchanged(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        _ = try await fixture.store.addRule(PriceRule(priceList: try await defaultList(fixture), scope: .all,
                                                      action: .markupOnCost(Percent(10))), by: fixture.admin)
        let before = try await fixture.store.quote(sku: "BOLT-1", account: "ACME", quantity: 1, by: fixture.sales)

        await #expect(throws: PermissionDenied.self) {
            _ = try await fixture.store.editItem(sku: "BOLT-1", Store.ItemChanges(cost: .some(Money(minorUnits: 1, currency: "USD"))),
                                                 by: fixture.clerk)
        }

        let after = try await fixture.store.quote(sku: "BOLT-1", account: "ACME", quantity: 1, by: fixture.sales)
        #expect(after.unitPrice == before.unitPrice)
        #expect(try await fixture.store.item(sku: "BOLT-1", by: fixture.admin)?.cost == Money(minorUnits: 50, currency: "USD"))
    }

    @Test(arguments: TestEngine.all) func givenAClerkWhenAddingAnItemWithACostThenItIsRefusedButWithoutACostItIsAdded(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        await #expect(throws: PermissionDenied.self) {
            _ = try await fixture.store.addItem(Item(sku: "NUT-9", name: "Nut", cost: Money(minorUnits: 1, currency: "USD")), by: fixture.clerk)
        }
        let added = try await fixture.store.addItem(Item(sku: "NUT-9", name: "Nut"), by: fixture.clerk)
        #expect(added.cost == nil)
    }

    @Test(arguments: TestEngine.all) func givenAManagerOrAnAdminWhenSettingTheCostThenTheQuoteFollowsIt(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        _ = try await fixture.store.addRule(PriceRule(priceList: try await defaultList(fixture), scope: .all,
                                                      action: .markupOnCost(Percent(10))), by: fixture.admin)
        _ = try await fixture.store.editItem(sku: "BOLT-1", Store.ItemChanges(cost: .some(Money(minorUnits: 200, currency: "USD"))),
                                             by: fixture.manager)
        #expect(try await fixture.store.quote(sku: "BOLT-1", account: "ACME", quantity: 1, by: fixture.sales).unitPrice.minorUnits == 220)
        _ = try await fixture.store.editItem(sku: "BOLT-1", Store.ItemChanges(cost: .some(Money(minorUnits: 300, currency: "USD"))),
                                             by: fixture.admin)
        #expect(try await fixture.store.quote(sku: "BOLT-1", account: "ACME", quantity: 1, by: fixture.sales).unitPrice.minorUnits == 330)
    }

    @Test(arguments: TestEngine.all) func givenAClerkWhenImportingItemsWithACostColumnThenNothingIsImported(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let batch = OneBatch([.item(Item(sku: "BOLT-1", name: "Hex Bolt M8", category: "Fasteners/Bolts", reorderPoint: 10), cost: "0.01")])
        await #expect(throws: PermissionDenied.self) {
            _ = try await fixture.store.importRecords(.items, file: "items.csv", dryRun: false, by: fixture.clerk) { batch.next() }
        }
        #expect(try await fixture.store.item(sku: "BOLT-1", by: fixture.admin)?.cost == Money(minorUnits: 50, currency: "USD"))
    }

    @Test(arguments: TestEngine.all) func givenSalesWhenReadingACountAtALocationThatIsNotSellableThenItIsRefused(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        _ = try await fixture.store.post(.receipt(quantity: 7, to: "QUAR"), sku: "BOLT-1", by: fixture.admin)
        _ = try await fixture.store.post(.receipt(quantity: 3, to: "MAIN"), sku: "BOLT-1", by: fixture.admin)
        let quarantine = try await fixture.store.startCount(location: "QUAR", by: fixture.clerk)
        let main = try await fixture.store.startCount(location: "MAIN", by: fixture.clerk)

        await #expect(throws: PermissionDenied.self) { _ = try await fixture.store.count(quarantine.id, by: fixture.sales) }
        #expect(try await fixture.store.count(quarantine.id, by: fixture.clerk).lines.first?.expected == 7)
        #expect(try await fixture.store.count(main.id, by: fixture.sales).lines.first?.expected == 3)
    }

    @Test(arguments: TestEngine.all) func givenReceiptsDueAtBothKindsOfLocationWhenSalesListsIncomingThenOnlySellableOnesShow(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let due = Day(fixture.clock.now).adding(days: 3)
        _ = try await fixture.store.expectReceipt(sku: "BOLT-1", quantity: 5, location: "QUAR", due: due, reference: "RMA-1", by: fixture.clerk)
        _ = try await fixture.store.expectReceipt(sku: "BOLT-1", quantity: 9, location: "MAIN", due: due, reference: "PO-1", by: fixture.clerk)

        let seenBySales = try await fixture.store.expectedReceipts(by: fixture.sales)
        let seenByClerk = try await fixture.store.expectedReceipts(by: fixture.clerk)

        #expect(seenBySales.map(\.location) == ["MAIN"])
        #expect(Set(seenByClerk.map(\.location)) == ["MAIN", "QUAR"])
    }

    @Test(arguments: TestEngine.all) func givenARequestFromSalesWhenTheManagerTakesAnswerFactsThenReceiptsDueIntoQuarantineAreLeftOut(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        _ = try await fixture.store.post(.receipt(quantity: 4, to: "MAIN"), sku: "BOLT-1", by: fixture.admin)
        _ = try await fixture.store.expectReceipt(sku: "BOLT-1", quantity: 5, location: "QUAR", due: Day(fixture.clock.now).adding(days: 2),
                                                  reference: "RMA-1", by: fixture.clerk)
        let request = try await fixture.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 2, text: "Ship 2?",
                                                          priority: .normal, by: fixture.sales)

        let basis = try #require(try await fixture.store.answerBasis(forRequest: request.id, by: fixture.manager))

        #expect(basis.stock?.lines.map(\.location) == ["MAIN"])
        #expect(basis.stock?.nextReceipt == nil)
        #expect(basis.quote?.cost == nil)
        await #expect(throws: Failure.self) { _ = try await fixture.store.answerBasis(forRequest: request.id, by: fixture.otherSales) }
    }

    @Test(arguments: TestEngine.all) func givenSalesWhenAskingForTheDiagnosisOrTheUsersThenTheyAreRefusedAndAnAdminIsNot(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        for actor in [fixture.sales, fixture.clerk, fixture.manager] {
            await #expect(throws: PermissionDenied.self) { _ = try await fixture.store.diagnose(by: actor) }
            await #expect(throws: PermissionDenied.self) { _ = try await fixture.store.users(by: actor) }
        }
        #expect(try await fixture.store.diagnose(by: fixture.admin).counts["items"] == 1)
        #expect(try await fixture.store.users(by: fixture.admin).contains { $0.name == "sam" })
    }

    @Test(arguments: TestEngine.all) func givenSalesWhenListingLocationsThenOnlySellableOnesAreListed(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        #expect(try await fixture.store.locations(by: fixture.sales).map(\.code) == ["MAIN"])
        #expect(try await fixture.store.locations(by: fixture.clerk).map(\.code) == ["MAIN", "QUAR"])
    }

    @Test(arguments: TestEngine.all) func givenSalesWhenReadingAnAccountThenItsBasicsForPricingAreThere(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let account = try #require(try await fixture.store.account(code: "ACME", by: fixture.sales))
        #expect(account.manager == "morgan")
        #expect(!account.priceList.isEmpty)
    }

    @Test(arguments: TestEngine.all) func givenCategoriesThatDifferOnlyWhereLikeHasWildcardsWhenFilteringThenOnlyTheNamedOneMatches(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        for (sku, category) in [("U-1", "a_b/c"), ("U-2", "axb/c"), ("P-1", "50%/off"), ("P-2", "500/off"), ("B-1", "x\\y/z"), ("B-2", "xy/z")] {
            _ = try await fixture.store.addItem(Item(sku: sku, name: sku, category: category), by: fixture.admin)
        }

        let underscore = try await fixture.store.items(category: "a_b", by: fixture.clerk).map(\.sku)
        let percent = try await fixture.store.items(category: "50%", by: fixture.clerk).map(\.sku)
        let backslash = try await fixture.store.items(category: "x\\y", by: fixture.clerk).map(\.sku)
        let listed = try await fixture.store.itemRows(ItemListQuery(category: "a_b"), from: .offset(0), limit: 10, by: fixture.clerk)
        let counted = try await fixture.store.itemCount(ItemListQuery(category: "50%"), by: fixture.clerk)

        #expect(underscore == ["U-1"])
        #expect(percent == ["P-1"])
        #expect(backslash == ["B-1"])
        #expect(listed.map(\.item.sku) == ["U-1"])
        #expect(counted.count == 1)
    }

    @Test(arguments: TestEngine.all) func givenAccountsWhenSearchingForAnUnderscoreThenOnlyNamesHoldingOneMatch(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        _ = try await fixture.store.addAccount(Account(code: "A_1", name: "Under Score", manager: nil, backupManager: nil, priceList: ""),
                                               by: fixture.admin)
        _ = try await fixture.store.addAccount(Account(code: "AX1", name: "Ex", manager: nil, backupManager: nil, priceList: ""),
                                               by: fixture.admin)
        #expect(try await fixture.store.accounts(search: "A_", by: fixture.sales).map(\.code) == ["A_1"])
    }

    @Test(arguments: TestEngine.all) func givenAScannerCountWhenAddingWouldPassTheLimitCountPostAcceptsThenTheEntryIsRefused(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let count = try await fixture.store.startCount(location: "MAIN", by: fixture.clerk)
        _ = try await fixture.store.enterCount(count.id, sku: "BOLT-1", quantity: Ledger.maximumQuantity, by: fixture.clerk)

        await #expect(throws: Failure.self) {
            _ = try await fixture.store.enterCount(count.id, sku: "BOLT-1", quantity: 1, add: true, by: fixture.clerk)
        }

        #expect(try await fixture.store.count(count.id, by: fixture.clerk).lines.first?.counted == Ledger.maximumQuantity)
        let posted = try await fixture.store.postCount(count.id, by: fixture.clerk)
        #expect(posted.movements == 1)
    }
}
