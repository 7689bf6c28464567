import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import SQLKit
import Testing

@Suite("The store on a real SQLite file")
struct StoreTests {
    @Test func theBundledSQLiteIsNewEnoughForSharedWAL() {
        #expect(Store.sqliteVersion.number >= 3_051_003, "SQLite \(Store.sqliteVersion.text) has the WAL-reset bug")
    }

    @Test func migrationsBuildTheSchemaFromAnEmptyFileAndReopeningChangesNothing() async throws {
        let folder = TemporaryFolder()
        let path = folder.path("empty.sqlite")
        let store = try await Store.open(path: path, mode: .create)
        #expect(try await store.schemaVersion() == Migrations.latest)
        let pragmas = try await store.diagnose().pragmas
        #expect(pragmas["journal_mode"]?.contains("wal") == true)
        #expect(pragmas["synchronous"] == "2")
        #expect(pragmas["foreign_keys"] == "1")
        await store.close()
        let reopened = try await Store.open(path: path)
        #expect(try await reopened.schemaVersion() == Migrations.latest)
        await reopened.close()
    }

    @Test func openingAMissingStoreIsANotFoundError() async throws {
        let folder = TemporaryFolder()
        await #expect(throws: Failure.self) { try await Store.open(path: folder.path("missing.sqlite")) }
        #expect(!FileManager.default.fileExists(atPath: folder.path("missing.sqlite")))
    }

    @Test func openingAFileThatIsNotAStoreFailsClearly() async throws {
        let folder = TemporaryFolder()
        let path = folder.path("junk.sqlite")
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: path))
        do {
            _ = try await Store.open(path: path)
            Issue.record("opened a file of junk")
        } catch let failure as Failure {
            #expect(failure.kind == .storeFailure)
            #expect(failure.message.contains(path))
        }
    }

    @Test(arguments: TestEngine.all, ["UPDATE movements SET quantity = 999", "DELETE FROM movements", "UPDATE audit SET actor = 'mallory'",
                                      "DELETE FROM audit"])
    func theJournalAndAuditLogRefuseUpdatesAndDeletes(engine: TestEngine, statement: String) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 5, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        await #expect(throws: (any Error).self) { try await f.store.executeAlone(statement) }
        #expect(try await f.onHand() == 5)
        #expect(try await f.store.verify(by: f.admin).ok)
    }

    @Test(arguments: TestEngine.all) func aReceiptUpdatesTheBalanceJournalAndAuditTogether(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let auditBefore = try await f.count("audit")
        let posted = try await f.store.post(.receipt(quantity: 12, to: "main"), sku: "bolt-1", reference: "PO-1", by: f.clerk)
        #expect(posted.stock.lines.first { $0.location == "MAIN" }?.position.onHand == 12)
        #expect(try await f.count("movements") == 1)
        #expect(try await f.count("audit") == auditBefore + 1)
        let entry = try #require(try await f.store.auditLog(limit: 1, by: f.admin).first)
        #expect(entry.action == "movement.receipt")
        #expect(entry.actor == "clerk")
        #expect(entry.before == "on hand MAIN 0")
        #expect(entry.after == "on hand MAIN 12 ref PO-1")
    }

    @Test(arguments: TestEngine.all) func aRefusedIssueWritesNothing(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 3, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        let (movements, audit) = (try await f.count("movements"), try await f.count("audit"))
        do {
            _ = try await f.store.post(.issue(quantity: 5, from: "MAIN"), sku: "BOLT-1", by: f.clerk)
            Issue.record("issued more than on hand")
        } catch let error as LedgerError {
            #expect(error.shortBy == 2)
        }
        #expect(try await f.onHand() == 3)
        #expect(try await f.count("movements") == movements)
        #expect(try await f.count("audit") == audit)
    }

    @Test(arguments: TestEngine.all) func aTransferMovesStockBetweenLocationsAndVerifyAgrees(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 10, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.post(.transfer(quantity: 4, from: "MAIN", to: "QUAR"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.post(.count(counted: 7, at: "QUAR"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.post(.adjustment(delta: -1, at: "MAIN", reason: "damage"), sku: "BOLT-1", by: f.clerk)
        #expect(try await f.onHand(at: "MAIN") == 5)
        #expect(try await f.onHand(at: "QUAR") == 7)
        let report = try await f.store.verify(by: f.admin)
        #expect(report.ok, "\(report)")
    }

    @Test(arguments: TestEngine.all) func aHoldReservesStockUntilItExpires(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 10, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.placeHold(sku: "BOLT-1", quantity: 8, location: "MAIN", account: "ACME",
                                        expiresAt: f.clock.now.addingTimeInterval(3_600), by: f.sales)
        var line = try #require(try await f.store.stock(sku: "BOLT-1", by: f.clerk).lines.first)
        #expect(line.position.reserved == 8)
        #expect(line.position.available == 2)
        await #expect(throws: LedgerError.insufficientAvailable(sku: "BOLT-1", location: "MAIN", requested: 3, available: 2)) {
            _ = try await f.store.post(.issue(quantity: 3, from: "MAIN"), sku: "BOLT-1", by: f.clerk)
        }
        await #expect(throws: LedgerError.self) {
            _ = try await f.store.placeHold(sku: "BOLT-1", quantity: 3, location: "MAIN", account: "ACME", expiresAt: nil, by: f.sales)
        }
        f.clock.advance(3_601)
        line = try #require(try await f.store.stock(sku: "BOLT-1", by: f.clerk).lines.first)
        #expect(line.position.reserved == 0)
        #expect(line.position.available == 10)
    }

    @Test(arguments: TestEngine.all) func onlyTheOwnerOrAClerkMayReleaseAHold(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 10, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        let hold = try await f.store.placeHold(sku: "BOLT-1", quantity: 4, location: "MAIN", account: "ACME", expiresAt: nil, by: f.sales)
        await #expect(throws: Failure.self) { _ = try await f.store.releaseHold(hold.id, by: f.otherSales) }
        let released = try await f.store.releaseHold(hold.id, by: f.clerk)
        #expect(released.releasedBy == "clerk")
        #expect(try await f.store.holds(by: f.sales).isEmpty)
    }

    @Test(arguments: TestEngine.all) func aReceiptAgainstAPurchaseOrderTakesItOffIncoming(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.expectReceipt(sku: "BOLT-1", quantity: 30, location: "MAIN", due: Day(f.clock.now).adding(days: 3),
                                            reference: "PO-77", by: f.clerk)
        #expect(try await f.store.stock(sku: "BOLT-1", by: f.clerk).totals.incoming == 30)
        _ = try await f.store.post(.receipt(quantity: 20, to: "MAIN"), sku: "BOLT-1", reference: "po-77", by: f.clerk)
        let totals = try await f.store.stock(sku: "BOLT-1", by: f.clerk).totals
        #expect(totals.incoming == 10)
        #expect(totals.projected == 30)
    }

    @Test(arguments: TestEngine.all) func salesSeesSellableStockAndPricesWithoutCost(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 5, to: "QUAR"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.post(.receipt(quantity: 6, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        let seen = try await f.store.stock(sku: "BOLT-1", by: f.sales)
        #expect(seen.lines.map(\.location) == ["MAIN"])
        #expect(seen.item.cost == nil)
        let quote = try await f.store.quote(sku: "BOLT-1", account: "ACME", quantity: 3, by: f.sales)
        #expect(quote.unitPrice == Money(minorUnits: 100, currency: "USD"))
        #expect(quote.cost == nil && quote.margin == nil)
        let clerkQuote = try await f.store.quote(sku: "BOLT-1", account: "ACME", quantity: 3, by: f.clerk)
        #expect(clerkQuote.margin == Percent(50))
        await #expect(throws: PermissionDenied.self) {
            _ = try await f.store.post(.receipt(quantity: 1, to: "MAIN"), sku: "BOLT-1", by: f.sales)
        }
    }

    @Test(arguments: TestEngine.all) func rulesAndContractsFromTheStoreDecideTheQuote(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.addRule(PriceRule(priceList: "LIST", scope: .category("Fasteners"), minQuantity: 10,
                                                action: .percentOff(Percent(20))), by: f.manager)
        _ = try await f.store.addContract(ContractPrice(account: "ACME", sku: "BOLT-1", unitPrice: 0, minQuantity: 50), price: "0.70", by: f.manager)
        #expect(try await f.store.quote(sku: "BOLT-1", account: "ACME", quantity: 9, by: f.sales).unitPrice.minorUnits == 100)
        #expect(try await f.store.quote(sku: "BOLT-1", account: "ACME", quantity: 10, by: f.sales).unitPrice.minorUnits == 80)
        let contract = try await f.store.quote(sku: "BOLT-1", account: "ACME", quantity: 50, by: f.sales)
        #expect(contract.unitPrice.minorUnits == 70)
        #expect(contract.rule.hasPrefix("contract"))
        #expect(contract.tiers.map(\.minQuantity) == [1, 10, 50])
    }

    @Test(arguments: TestEngine.all) func searchFindsItemsByPrefixAndFollowsRenames(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        #expect(try await f.store.search("hex bo", by: f.clerk).map(\.sku) == ["BOLT-1"])
        #expect(try await f.store.search("fasten", by: f.clerk).map(\.sku) == ["BOLT-1"])
        _ = try await f.store.editItem(sku: "BOLT-1", Store.ItemChanges(name: "Carriage Bolt M8"), by: f.admin)
        #expect(try await f.store.search("hex", by: f.clerk).isEmpty)
        #expect(try await f.store.search("carr", by: f.clerk).map(\.sku) == ["BOLT-1"])
        #expect(try await f.store.search("\"*()", by: f.clerk).isEmpty)
    }

    @Test(arguments: TestEngine.all) func skusAreUniqueRegardlessOfCase(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        await #expect(throws: Failure.self) {
            _ = try await f.store.addItem(Item(sku: "bolt-1", name: "Duplicate"), by: f.admin)
        }
    }

    @Test(arguments: TestEngine.all) func aRequestGoesToTheManagerOrTheBackupWhenTheManagerIsAway(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let first = try await f.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 5, text: "Can we ship 5?",
                                                  priority: .high, by: f.sales)
        #expect(first.assignee == "morgan")
        // High priority: a response within four working hours (Monday to Friday, 08:00–18:00 UTC in a new store).
        #expect(first.dueAt == BusinessCalendar.standard().adding(4 * 3_600, to: f.clock.now))
        #expect(first.sla?.response.status == .running && first.sla?.response.target == 4 * 3_600)
        _ = try await f.store.editUser("morgan", role: nil, away: true, active: nil, by: f.manager)
        let second = try await f.store.fileRequest(kind: .price, account: "ACME", sku: nil, quantity: nil, text: "Better price?",
                                                   priority: .normal, by: f.sales)
        #expect(second.assignee == "dana")
    }

    @Test(arguments: TestEngine.all) func anAnswerKeepsTheStockAndPriceItWasBasedOn(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 40, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        let request = try await f.store.fileRequest(kind: .quote, account: "ACME", sku: "BOLT-1", quantity: 25, text: "Quote 25 please",
                                                    priority: .normal, by: f.sales)
        _ = try await f.store.act(on: request.id, .claim, by: f.manager)
        let answered = try await f.store.act(on: request.id, .answer, text: "40 in stock at 1.00", by: f.manager)
        #expect(answered.state == .answered)
        let detail = try await f.store.request(request.id, by: f.sales)
        #expect(detail.events.map(\.action) == ["file", "claim", "answer"])
        let snapshot = try #require(detail.events.last?.snapshot)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let parsed = try decoder.decode(AnswerSnapshot.self, from: Data(snapshot.utf8))
        #expect(parsed.stock?.totals.available == 40)
        #expect(parsed.quote?.extendedPrice.minorUnits == 2_500)
        #expect(parsed.quote?.cost == nil)
        #expect(!snapshot.contains("margin"))
    }

    @Test(arguments: TestEngine.all) func salespeopleSeeOnlyTheirOwnRequests(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let mine = try await f.store.fileRequest(kind: .other, account: "ACME", sku: nil, quantity: nil, text: "Mine", priority: .low, by: f.sales)
        _ = try await f.store.fileRequest(kind: .other, account: "ACME", sku: nil, quantity: nil, text: "Theirs", priority: .low, by: f.otherSales)
        #expect(try await f.store.requests(view: .all, by: f.sales).map(\.id) == [mine.id])
        #expect(try await f.store.requests(view: .all, by: f.manager).count == 2)
        await #expect(throws: Failure.self) { _ = try await f.store.request(mine.id, by: f.otherSales) }
        await #expect(throws: PermissionDenied.self) { _ = try await f.store.act(on: mine.id, .claim, by: f.sales) }
    }

    @Test(arguments: TestEngine.all) func anInvalidTransitionIsRefusedAndChangesNothing(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let request = try await f.store.fileRequest(kind: .other, account: "ACME", sku: nil, quantity: nil, text: "Q", priority: .low, by: f.sales)
        _ = try await f.store.act(on: request.id, .close, by: f.sales)
        await #expect(throws: InvalidTransition.self) { _ = try await f.store.act(on: request.id, .answer, text: "late", by: f.manager) }
        #expect(try await f.store.request(request.id, by: f.manager).request.state == .closed)
        let reopened = try await f.store.act(on: request.id, .reopen, by: f.sales)
        #expect(reopened.state == .claimed)
    }

    @Test(arguments: TestEngine.all) func verifyFindsABalanceThatDisagreesWithTheJournal(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 5, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        try await f.store.executeAlone("UPDATE balances SET on_hand = 6")
        let report = try await f.store.verify(by: f.admin)
        #expect(!report.ok)
        #expect(report.balanceDifferences == ["BOLT-1 at MAIN: journal says 5, balance says 6"])
    }

    @Test(arguments: TestEngine.all) func verifyFindsAnAlteredAuditEntry(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        try await f.store.executeAlone(f.dropTrigger("audit_no_update", on: "audit"))
        try await f.store.executeAlone("UPDATE audit SET actor = 'mallory' WHERE seq = 2")
        let report = try await f.store.verify(by: f.admin)
        #expect(report.auditProblems.contains("audit entry 2 was altered (hash mismatch)"))
        #expect(report.otherProblems.contains { $0.contains("audit_no_update") })
    }

    @Test(arguments: TestEngine.all) func verifyFindsNewItemsNoLongerReachingTheSearchIndex(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        #expect(try await f.store.verify(by: f.admin).ok)
        try await f.store.executeAlone(f.dropTrigger("items_fts_insert", on: "items"))
        let report = try await f.store.verify(by: f.admin)
        #expect(report.otherProblems == ["the search-index trigger items_fts_insert on items is missing"])
    }

    @Test(arguments: TestEngine.all) func aBackupIsAConsistentStoreOfItsOwn(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 9, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        let copy = f.folder.path("backup.sqlite")
        try await f.store.backup(to: copy, by: f.admin)
        await #expect(throws: Failure.self) { try await f.store.backup(to: copy, by: f.admin) }
        let restored = try await Store.open(path: copy)
        let admin = Actor(user: try await restored.signIn("admin"), source: .cli)
        #expect(try await restored.stock(sku: "BOLT-1", by: admin).totals.onHand == 9)
        #expect(try await restored.verify(by: admin).ok)
        await restored.close()
    }

    @Test func theDemoCompanyIsConsistentAfterSeeding() async throws {
        let folder = TemporaryFolder()
        let clock = TestClock()
        let store = try await Store.create(path: folder.path("demo.sqlite"), admin: "admin", clock: clock.function)
        let admin = Actor(user: try await store.signIn("admin"), source: .cli)
        try await store.seedDemo(DemoCompany(seed: 3, itemCount: 600, now: clock.now), chunk: 250, by: admin)
        let report = try await store.verify(by: admin)
        #expect(report.ok, "\(report)")
        let counts = try await store.diagnose().counts
        #expect(counts["items"] == 600)
        #expect((counts["requests"] ?? 0) > 10)
        #expect((counts["holds_active"] ?? 0) > 0)
        #expect(try await store.users().map(\.role).contains(.sales))
        await store.close()
    }

    @Test func givenManyRowsWhenBulkInsertedOnSQLiteThenEachValueIsStoredAsSQLKitWouldStoreIt() async throws {
        let folder = TemporaryFolder()
        let store = try await Store.create(path: folder.path("bulk.sqlite"), admin: "admin")
        try await store.executeAlone("CREATE TABLE fast (a, b, c, d, e, f)")
        try await store.executeAlone("CREATE TABLE slow (a, b, c, d, e, f)")
        let none: String? = nil, some: Int64? = 7, big = Int64.max
        var rows: [[Store.Value]] = []
        for index in 0..<250 {
            let text: String = "naïve \(index) 'quoted'"
            let optionalText: String? = index % 2 == 0 ? none : "x"
            let optionalNumber: Int64? = index % 3 == 0 ? some : nil
            rows.append([index, big - Int64(index), text, optionalText, optionalNumber, index % 2 == 0])
        }
        // 250 rows take the direct path; a row at a time goes through SQLKit's binds.
        try await store.bulkInsert("fast", ["a", "b", "c", "d", "e", "f"], rows)
        for row in rows { try await store.bulkInsert("slow", ["a", "b", "c", "d", "e", "f"], [row]) }
        let columns = "typeof(a) || a || typeof(b) || b || typeof(c) || c || typeof(d) || coalesce(d, '-') || typeof(e) || coalesce(e, '-') || typeof(f) || f"
        let fast = try await store.rows(SQLQueryString("SELECT \(columns) AS v FROM fast ORDER BY rowid")).map { try $0.string("v") }
        let slow = try await store.rows(SQLQueryString("SELECT \(columns) AS v FROM slow ORDER BY rowid")).map { try $0.string("v") }
        #expect(fast.count == 250)
        #expect(fast == slow)
        #expect(fast.first == "integer0integer9223372036854775807textnaïve 0 'quoted'null-integer7integer1")
        await store.close()
    }

    @Test func anEmptyOrForeignSQLiteFileIsRefusedAndLeftAlone() async throws {
        let folder = TemporaryFolder()
        let path = folder.path("empty.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: Data()))
        await #expect(throws: Failure.self) { _ = try await Store.open(path: path) }
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int == 0)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test(arguments: TestEngine.all) func aNegativeCostIsRefusedOnEditToo(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        await #expect(throws: Failure.invalid("cost", "-5.00", "must not be negative")) {
            _ = try await f.store.editItem(sku: "BOLT-1", Store.ItemChanges(cost: .some(Money(minorUnits: -500, currency: "USD"))), by: f.admin)
        }
        #expect(try await f.store.item(sku: "BOLT-1", by: f.admin)?.cost == Money(minorUnits: 50, currency: "USD"))
    }

    @Test(arguments: TestEngine.all) func aCategoryRuleAppliesWhateverTheCaseOfItsPath(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.addRule(PriceRule(priceList: "LIST", scope: .category("fasteners"), action: .percentOff(Percent(10))), by: f.manager)
        #expect(try await f.store.quote(sku: "BOLT-1", account: "ACME", quantity: 1, by: f.sales).unitPrice.minorUnits == 90)
    }

    @Test(arguments: TestEngine.all) func salesCannotListRulesThatWouldGiveCostAway(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.addRule(PriceRule(priceList: "LIST", scope: .all, action: .markupOnCost(Percent(60))), by: f.manager)
        await #expect(throws: PermissionDenied.self) { _ = try await f.store.rules(by: f.sales) }
        #expect(try await f.store.rules(by: f.manager).count == 1)
    }

    @Test(arguments: TestEngine.all) func anAnswerSnapshotForSalesCarriesNoCostPlusFigures(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 40, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.addRule(PriceRule(account: "ACME", scope: .all, minQuantity: 100, action: .markupOnCost(Percent(60))), by: f.manager)
        let request = try await f.store.fileRequest(kind: .price, account: "ACME", sku: "BOLT-1", quantity: 10, text: "Price for 10?",
                                                    priority: .normal, by: f.sales)
        _ = try await f.store.act(on: request.id, .answer, text: "1.00 each", by: f.manager)
        let snapshot = try #require(try await f.store.request(request.id, by: f.sales).events.last?.snapshot)
        #expect(!snapshot.contains("cost + 60"))
        #expect(!snapshot.contains("\"cost\""))
        #expect(snapshot.contains("cost-plus price"))
    }

    @Test(arguments: TestEngine.all) func theRequesterRepliesToAQuestionBackAndTheRequestReturnsToTheManager(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let request = try await f.store.fileRequest(kind: .quote, account: "ACME", sku: nil, quantity: nil, text: "Quote please",
                                                    priority: .normal, by: f.sales)
        _ = try await f.store.act(on: request.id, .wait, text: "Which delivery date?", by: f.manager)
        await #expect(throws: Failure.self) { _ = try await f.store.act(on: request.id, .reply, text: "Friday", by: f.otherSales) }
        let replied = try await f.store.act(on: request.id, .reply, text: "Friday", by: f.sales)
        #expect(replied.state == .claimed)
        #expect(replied.assignee == "morgan")
        #expect(try await f.store.request(request.id, by: f.manager).events.map(\.action) == ["file", "wait", "reply"])
    }

    @Test(arguments: TestEngine.all) func theStockHistoryGivesOnHandAtTheEndOfEachDay(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 10, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        f.clock.advance(86_400)
        _ = try await f.store.post(.issue(quantity: 4, from: "MAIN"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.post(.transfer(quantity: 2, from: "MAIN", to: "QUAR"), sku: "BOLT-1", by: f.clerk)
        let history = try await f.store.stockHistory(sku: "BOLT-1", days: 3, by: f.clerk)
        #expect(history == [0, 10, 6])
    }
}
