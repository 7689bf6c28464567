import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// Imports change only what the file says: a column the file leaves out keeps every existing row's value, each changed
/// row is listed and audited with its fields before and after, and stock and counts are posted once per content.
@Suite("Imports change only what the file says")
struct ImportMergeTests {
    /// Imports CSV text through the real reader and rules, as `backoffice import` does.
    func load(_ kind: ImportKind, _ text: String, in fixture: StoreFixture, file: String = "f.csv", dryRun: Bool = false,
              again: Bool = false, as actor: Actor? = nil) async throws -> ImportReport {
        let source = ImportFuzzTests.Source(Array(text.utf8), kind: kind)
        return try await fixture.store.importRecords(kind, file: file, dryRun: dryRun, again: again, by: actor ?? fixture.admin) {
            try source.next()
        }
    }

    func location(_ code: String, _ fixture: StoreFixture) async throws -> Location? {
        try await fixture.store.locations().first { $0.code == code }
    }

    @Test(arguments: TestEngine.all) func givenALocationsFileWithOnlyCodeAndNameWhenImportedThenQuarantineStaysUnsellable(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let report = try await load(.locations, "code,name\nQUAR,Quarantine cage\nMAIN,Main\n", in: fixture)
        #expect(report.changed == 1 && report.unchanged == 1)
        #expect(report.changes == ["QUAR: name Quarantine → Quarantine cage"])
        let quarantine = try #require(try await location("QUAR", fixture))
        #expect(quarantine.name == "Quarantine cage")
        #expect(!quarantine.sellable)
        // A new location still takes the default.
        _ = try await load(.locations, "code,name\nBACK,Back room\n", in: fixture)
        #expect(try await location("BACK", fixture)?.sellable == true)
    }

    @Test(arguments: TestEngine.all) func givenASellableColumnWhenDryRunThenTheChangeIsListedBeforeAndAfterAndNothingIsWritten(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let report = try await load(.locations, "code,name,sellable\nQUAR,Quarantine,yes\nMAIN,Main,\n", in: fixture, dryRun: true)
        #expect(report.dryRun && report.changed == 1)
        #expect(report.changes == ["QUAR: sellable no → yes"])
        #expect(try await location("QUAR", fixture)?.sellable == false)
        // An empty cell in a flag column is as if the column were absent: MAIN stays as it is.
        #expect(report.unchanged == 1)
    }

    @Test(arguments: TestEngine.all) func givenAnAccountsFileWithOnlyCodeAndNameWhenImportedThenManagersAndListStayAndTheAuditSaysWhatChanged(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        _ = try await fixture.store.addPriceList(PriceList(code: "TRADE", name: "Trade", currency: "USD"), by: fixture.admin)
        _ = try await load(.accounts, "code,name,price_list\nACME,Acme,TRADE\n", in: fixture)
        let report = try await load(.accounts, "code,name\nACME,Acme Corporation\n", in: fixture)
        #expect(report.changes == ["ACME: name Acme → Acme Corporation"])
        let acme = try #require(try await fixture.store.account(code: "ACME", by: fixture.admin))
        #expect(acme.name == "Acme Corporation")
        #expect(acme.manager == "morgan" && acme.backupManager == "dana")
        #expect(acme.priceList == "TRADE")
        let entry = try #require(try await fixture.store.auditLog(limit: 2, by: fixture.admin).last)
        #expect(entry.action == "import.accounts.change" && entry.entity == "account ACME")
        #expect(entry.before == "name Acme" && entry.after == "name Acme Corporation")
    }

    @Test(arguments: TestEngine.all) func givenAnEmptyManagerCellWhenImportedThenTheManagerIsClearedAndTheBackupKept(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let report = try await load(.accounts, "code,name,manager\nACME,Acme,\n", in: fixture)
        #expect(report.changes == ["ACME: manager morgan → (none)"])
        let acme = try #require(try await fixture.store.account(code: "ACME", by: fixture.admin))
        #expect(acme.manager == nil && acme.backupManager == "dana")
    }

    @Test(arguments: TestEngine.all) func givenAnItemsFileWithOnlySKUAndNameWhenImportedThenCategoryReorderPointAndCostStay(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let report = try await load(.items, "sku,name\nBOLT-1,Hex Bolt M8 zinc\n", in: fixture)
        #expect(report.changes == ["BOLT-1: name Hex Bolt M8 → Hex Bolt M8 zinc"])
        let bolt = try #require(try await fixture.store.item(sku: "BOLT-1", by: fixture.admin))
        #expect(bolt.name == "Hex Bolt M8 zinc")
        #expect(bolt.category == "Fasteners/Bolts" && bolt.reorderPoint == 10 && bolt.unit == "EA" && bolt.active)
        #expect(bolt.cost == Money(minorUnits: 50, currency: "USD"))
        // Stated columns change, and every field that changed is named.
        let more = try await load(.items, "sku,name,category,reorder_point,active\nBOLT-1,Hex Bolt M8 zinc,,12,no\n", in: fixture)
        #expect(more.changes == ["BOLT-1: category Fasteners/Bolts → (none), active yes → no, reorder_point 10 → 12"])
        let entry = try #require(try await fixture.store.auditLog(limit: 2, by: fixture.admin).last)
        #expect(entry.action == "import.items.change" && entry.entity == "item BOLT-1")
        #expect(entry.before == "category Fasteners/Bolts; active yes; reorder_point 10")
        #expect(entry.after == "category (none); active no; reorder_point 12")
    }

    @Test(arguments: TestEngine.all) func givenManyChangedRowsWhenImportedThenTheReportListsTwentyAndCountsTheRest(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let rows = (1...30).map { "CH-\($0),Item \($0)" }.joined(separator: "\n")
        _ = try await load(.items, "sku,name\n" + rows + "\n", in: fixture)
        let report = try await load(.items, "sku,name\n" + rows.replacingOccurrences(of: "Item", with: "Thing") + "\n", in: fixture)
        #expect(report.changed == 30 && report.changes.count == 20 && report.notListed == 10)
        #expect(report.changes.first == "CH-1: name Item 1 → Thing 1")
    }

    @Test(arguments: TestEngine.all) func givenAPricesFileWhenAPriceChangesThenItIsListedBeforeAndAfter(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let list = try #require(try await fixture.store.account(code: "ACME", by: fixture.admin)?.priceList)
        let report = try await load(.prices, "price_list,sku,price\n\(list),BOLT-1,1.20\n", in: fixture)
        #expect(report.changes == ["BOLT-1 in \(list): price 1.00 → 1.20"])
    }

    @Test(arguments: TestEngine.all) func givenAContractsFileWithoutValidToWhenImportedThenTheContractStillEnds(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let today = Day(fixture.clock.now)
        _ = try await load(.contracts, "account,sku,price,valid_to\nACME,BOLT-1,0.80,\(today.adding(days: 5))\n", in: fixture)
        let report = try await load(.contracts, "account,sku,price\nACME,BOLT-1,0.75\n", in: fixture)
        #expect(report.changes == ["ACME BOLT-1 1: price 0.80 → 0.75"])
        let soon = try await fixture.store.quote(sku: "BOLT-1", account: "ACME", quantity: 1, on: today.adding(days: 1), by: fixture.admin)
        #expect(soon.unitPrice == Money(minorUnits: 75, currency: "USD"))
        let later = try await fixture.store.quote(sku: "BOLT-1", account: "ACME", quantity: 1, on: today.adding(days: 30), by: fixture.admin)
        #expect(later.unitPrice == Money(minorUnits: 100, currency: "USD"))
    }

    @Test(arguments: TestEngine.all) func givenTheSameCountsByAnotherNameWhenImportedThenNothingIsPostedAndTheFirstImportIsNamed(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let first = try await load(.counts, "sku,location,counted\nBOLT-1,MAIN,7\n", in: fixture, file: "/jan/counts.csv")
        #expect(first.added == 1)
        // The same rows, written another way (CRLF, quoted, other case) and named otherwise: the same content.
        let again = try await load(.counts, "SKU,Location,Counted\r\n\"bolt-1\",main,7\r\n", in: fixture, file: "/somewhere/else.csv")
        #expect(again.added == 0 && again.unchanged == 1)
        #expect(again.alreadyImported?.file == "counts.csv")
        #expect(again.alreadyImported?.at == fixture.clock.now.roundedToSeconds)
        #expect(try await fixture.count("movements") == 1)
        // Another file by the same name with other rows posts.
        let february = try await load(.counts, "sku,location,counted\nBOLT-1,MAIN,9\n", in: fixture, file: "/feb/counts.csv")
        #expect(february.added == 1 && february.alreadyImported == nil)
        #expect(try await fixture.onHand() == 9)
        #expect(try await fixture.count("movements") == 2)
    }

    @Test(arguments: TestEngine.all) func givenARecountThatCameOutTheSameWhenImportedAgainThenItPostsOnlyWhenAskedTo(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let text = "sku,location,counted\nBOLT-1,MAIN,7\n"
        _ = try await load(.counts, text, in: fixture, file: "jan.csv")
        _ = try await fixture.store.post(.receipt(quantity: 5, to: "MAIN"), sku: "BOLT-1", reference: "PO-1", by: fixture.admin)
        let refused = try await load(.counts, text, in: fixture, file: "feb.csv")
        #expect(refused.alreadyImported?.file == "jan.csv")
        #expect(try await fixture.onHand() == 12)
        let recount = try await load(.counts, text, in: fixture, file: "feb.csv", again: true)
        #expect(recount.added == 1 && recount.alreadyImported == nil)
        #expect(try await fixture.onHand() == 7)
    }

    @Test(arguments: TestEngine.all) func givenStockAndCountsWithTheSameRowsWhenImportedThenEachPosts(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        _ = try await load(.stock, "sku,location,quantity\nBOLT-1,MAIN,4\n", in: fixture, file: "a.csv")
        // The same SKU, location and number as a count: another kind of content, so it is not taken for the stock file.
        let count = try await load(.counts, "sku,location,counted\nBOLT-1,MAIN,4\n", in: fixture, file: "a.csv")
        #expect(count.alreadyImported == nil)
        let stockAgain = try await load(.stock, "sku,location,quantity\nBOLT-1,MAIN,4\n", in: fixture, file: "b.csv")
        #expect(stockAgain.alreadyImported?.file == "a.csv")
        #expect(try await fixture.onHand() == 4)
    }

    @Test(arguments: TestEngine.all) func givenThousandsOfBadRowsWhenImportedThenAThousandAreKeptAndTheRestCounted(engine: TestEngine) async throws {
        let fixture = try await StoreFixture.make(engine)
        let rows = (1...3_000).map { "X-\($0),Thing,EA,,,,-1" }.joined(separator: "\n")
        do {
            _ = try await load(.items, "sku,name,unit,category,active,cost,reorder_point\n" + rows + "\n", in: fixture)
            Issue.record("the import was not refused")
        } catch let rejected as ImportRejected {
            #expect(rejected.problems.count == 1_000 && rejected.total == 3_000)
            #expect(rejected.problems.first?.line == 2 && rejected.problems.last?.line == 1_001)
            #expect(rejected.message.hasPrefix("3,000 problems in f.csv; nothing was imported:"))
            #expect(rejected.message.hasSuffix("… and 2,000 more: 3,000 problems, nothing was imported"))
        }
    }
}

private extension Date {
    var roundedToSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
