import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// Opening stock and counts posted a batch at a time: the same ledger, balances and audit trail as posting each
/// movement alone, across batch boundaries.
@Suite("Importing in batches")
struct ImportMovementTests {
    /// Hands an import its rows in batches, as the CSV reader does.
    final class Batches: @unchecked Sendable {
        private var batches: [[(line: Int, record: ImportRecord)]]
        init(_ records: [ImportRecord], size: Int) {
            let numbered = records.enumerated().map { (line: $0.offset + 2, record: $0.element) }
            batches = stride(from: 0, to: numbered.count, by: size).map { Array(numbered[$0..<min(numbered.count, $0 + size)]) }
        }
        func next() -> ImportBatch? {
            batches.isEmpty ? nil : ImportBatch(records: batches.removeFirst(), problems: [])
        }
    }

    func load(_ kind: ImportKind, _ records: [ImportRecord], file: String, in fixture: StoreFixture, dryRun: Bool = false,
              batch: Int = 700) async throws -> ImportReport {
        let batches = Batches(records, size: batch)
        return try await fixture.store.importRecords(kind, file: file, dryRun: dryRun, by: fixture.clerk) { batches.next() }
    }

    func rejection(_ kind: ImportKind, _ records: [ImportRecord], file: String, in fixture: StoreFixture) async throws -> [String] {
        do {
            _ = try await load(kind, records, file: file, in: fixture)
            Issue.record("the import was not refused")
            return []
        } catch let rejected as ImportRejected {
            return rejected.problems.map(\.description)
        }
    }

    static let skus = (1...1_000).map { String(format: "IMV-%04d", $0) }

    func fixtureWithItems(_ engine: TestEngine) async throws -> StoreFixture {
        let fixture = try await StoreFixture.make(engine)
        let items = Self.skus.map { ImportRecord.item(Item(sku: $0, name: "Item \($0)"), cost: nil) }
        let batches = Batches(items, size: 2_000)
        _ = try await fixture.store.importRecords(.items, file: "items.csv", dryRun: false, by: fixture.admin) { batches.next() }
        return fixture
    }

    @Test(arguments: TestEngine.all) func givenOpeningStockOverSeveralBatchesWhenImportedThenEachRowIsAReceiptWithItsAuditEntryAndTheStoreVerifies(engine: TestEngine) async throws {
        let fixture = try await fixtureWithItems(engine)
        let auditBefore = try await fixture.count("audit")
        let rows = Self.skus.enumerated().flatMap { index, sku in
            [ImportRecord.stock(sku: sku, location: "MAIN", quantity: index + 1), .stock(sku: sku.lowercased(), location: "quar", quantity: 3)]
        }
        let dry = try await load(.stock, rows, file: "/somewhere/opening.csv", in: fixture, dryRun: true)
        #expect(dry.added == 2_000 && dry.dryRun)
        #expect(try await fixture.count("movements") == 0)

        let report = try await load(.stock, rows, file: "/somewhere/opening.csv", in: fixture)
        #expect(report.added == 2_000 && report.unchanged == 0)
        #expect(try await fixture.count("movements") == 2_000)
        #expect(try await fixture.onHand("IMV-0777") == 777)
        #expect(try await fixture.onHand("IMV-0777", at: "QUAR") == 3)
        // One audit entry per movement, then one for the import.
        #expect(try await fixture.count("audit") == auditBefore + 2_001)
        let log = try await fixture.store.auditLog(limit: 2, by: fixture.admin)
        #expect(log[0].action == "import.stock")
        #expect(log[1].action == "movement.receipt")
        let last = try await fixture.store.movements(sku: "IMV-1000", limit: 1, by: fixture.admin)
        #expect(last.first?.location == "QUAR")
        #expect(log[1].entity == "item IMV-1000 movement \(last.first?.id ?? -1)")
        #expect(log[1].before == "on hand QUAR 0" && log[1].after == "on hand QUAR 3 ref opening.csv")
        let journal = try await fixture.store.movements(sku: "IMV-0001", by: fixture.admin)
        #expect(journal.map(\.reference) == ["opening.csv", "opening.csv"])
        #expect(Set(journal.map(\.kind)) == [.receipt])
        #expect(try await fixture.store.verify(by: fixture.admin).ok)

        let again = try await load(.stock, rows, file: "opening.csv", in: fixture, batch: 333)
        #expect(again.added == 0 && again.unchanged == 2_000)
        #expect(try await fixture.count("movements") == 2_000)
    }

    @Test(arguments: TestEngine.all) func givenCountsThatRaiseLowerAndConfirmStockWhenImportedThenTheBooksMatchTheCounts(engine: TestEngine) async throws {
        let fixture = try await fixtureWithItems(engine)
        let opening = Self.skus.map { ImportRecord.stock(sku: $0, location: "MAIN", quantity: 10) }
        _ = try await load(.stock, opening, file: "opening.csv", in: fixture)
        // An inactive item still takes a count.
        _ = try await fixture.store.editItem(sku: "IMV-0003", Store.ItemChanges(active: false), by: fixture.admin)
        let counts = Self.skus.enumerated().map { index, sku in ImportRecord.count(sku: sku, location: "MAIN", counted: index % 3 == 0 ? 4 : index % 3 == 1 ? 10 : 25) }
            + [.count(sku: "IMV-0001", location: "QUAR", counted: 2)]
        let report = try await load(.counts, counts, file: "count-2026-11.csv", in: fixture, batch: 250)
        #expect(report.added == 1_001)
        #expect(try await fixture.onHand("IMV-0001") == 4)
        #expect(try await fixture.onHand("IMV-0002") == 10)
        #expect(try await fixture.onHand("IMV-0003") == 25)
        #expect(try await fixture.onHand("IMV-0001", at: "QUAR") == 2)
        let lowered = try await fixture.store.movements(sku: "IMV-0001", limit: 5, by: fixture.admin).filter { $0.kind == .count }
        #expect(Set(lowered.map(\.quantity)) == [-6, 2])
        #expect(lowered.contains { $0.counted == 4 && $0.location == "MAIN" })
        #expect(try await fixture.store.verify(by: fixture.admin).ok)
    }

    @Test(arguments: TestEngine.all) func givenBadRowsInDifferentBatchesWhenImportedThenEachIsNamedAndNothingIsPosted(engine: TestEngine) async throws {
        let fixture = try await fixtureWithItems(engine)
        _ = try await fixture.store.editItem(sku: "IMV-0005", Store.ItemChanges(active: false), by: fixture.admin)
        var rows = Self.skus.prefix(900).map { ImportRecord.stock(sku: $0, location: "MAIN", quantity: 1) }
        rows[10] = .stock(sku: "NOPE-1", location: "MAIN", quantity: 1)
        rows[20] = .stock(sku: "IMV-0021", location: "ATTIC", quantity: 1)
        rows.append(.stock(sku: "imv-0002", location: "main", quantity: 7))
        let before = try await (fixture.count("movements"), fixture.count("audit"), fixture.count("balances"))
        let problems = try await rejection(.stock, rows, file: "opening.csv", in: fixture)
        #expect(problems == [
            "opening.csv:6: item IMV-0005 is inactive; only counts and adjustments may be posted to it",
            "opening.csv:12: column sku: no such item (NOPE-1)",
            "opening.csv:22: column location: no such location (ATTIC)",
            "opening.csv:902: column sku: duplicate key, also on line 3 (imv-0002 at main)",
        ])
        let after = try await (fixture.count("movements"), fixture.count("audit"), fixture.count("balances"))
        #expect(after == before)
    }

    @Test(arguments: TestEngine.all) func givenAnExpectedReceiptWithTheFilesNameWhenOpeningStockArrivesThenItIsNoLongerExpected(engine: TestEngine) async throws {
        let fixture = try await fixtureWithItems(engine)
        let due = Day(fixture.clock.now).adding(days: 3)
        _ = try await fixture.store.expectReceipt(sku: "IMV-0009", quantity: 30, location: "MAIN", due: due, reference: "opening.csv",
                                                  by: fixture.clerk)
        _ = try await load(.stock, [.stock(sku: "IMV-0009", location: "MAIN", quantity: 20)], file: "opening.csv", in: fixture)
        let open = try await fixture.store.expectedReceipts(sku: "IMV-0009", by: fixture.clerk)
        #expect(open.map(\.quantity) == [10])
    }

    @Test(arguments: TestEngine.all) func givenAnItemImportWhenItLandsOrIsRefusedThenSearchFindsExactlyTheItemsThatLanded(engine: TestEngine) async throws {
        let fixture = try await fixtureWithItems(engine)
        // The thousand items imported by the fixture are found by search, by SKU and by a word of the name.
        #expect(try await fixture.store.search("IMV-0123", by: fixture.clerk).map(\.sku) == ["IMV-0123"])
        #expect(try await fixture.store.search("Item", limit: 2_000, by: fixture.clerk).count == 1_000)
        // A refused import and a dry run leave nothing in the index.
        let refused = [ImportRecord.item(Item(sku: "ZZ-1", name: "Zebra clamp"), cost: nil), .item(Item(sku: "ZZ-1", name: "Again"), cost: nil)]
        _ = try await rejection(.items, refused, file: "items.csv", in: fixture)
        _ = try await load(.items, [.item(Item(sku: "ZZ-2", name: "Zebra hook"), cost: nil)], file: "items.csv", in: fixture, dryRun: true)
        #expect(try await fixture.store.search("Zebra", by: fixture.clerk).isEmpty)
        // The row-at-a-time index upkeep is back after an import: an item added alone is found.
        _ = try await fixture.store.addItem(Item(sku: "ZZ-3", name: "Zebra strap"), listPrice: nil, by: fixture.admin)
        #expect(try await fixture.store.search("Zebra", by: fixture.clerk).map(\.sku) == ["ZZ-3"])
        #expect(try await fixture.store.verify(by: fixture.admin).ok)
    }
}
