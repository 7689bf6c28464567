import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// What the PostgreSQL engine must hold by design, on a real cluster: no lost update or oversell between
/// connections, the same chains as SQLite for the same history, copies both ways, changes heard from elsewhere, a
/// killed backend costing nothing, and no password in any output.
@Suite("The store on a real PostgreSQL cluster", .serialized, .enabled(if: TestEngine.postgresAvailable, "no PostgreSQL cluster answers here"))
struct PostgresTests {
    /// A second store on the same database: another connection, as another process would have.
    func secondStore(_ f: StoreFixture) async throws -> Store {
        try await Store.open(path: f.path, clock: f.clock.function)
    }

    @Test func givenTwoConnectionsRacingForTheLastUnitThenExactlyOneWinsAndTheOtherIsShort() async throws {
        let f = try await StoreFixture.make(.postgres)
        let other = try await secondStore(f)
        for round in 1...10 {
            _ = try await f.store.post(.receipt(quantity: 1, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
            async let first: Result<PostedMovement, any Error> = Result(catching: { try await f.store.post(.issue(quantity: 1, from: "MAIN"), sku: "BOLT-1", by: f.clerk) })
            async let second: Result<PostedMovement, any Error> = Result(catching: { try await other.post(.issue(quantity: 1, from: "MAIN"), sku: "BOLT-1", by: f.clerk) })
            let results = await [first, second]
            let refusals = results.compactMap { result -> String? in
                if case .failure(let error) = result { return (error as? any BackOfficeFailure)?.message ?? "\(error)" }
                return nil
            }
            #expect(refusals.count == 1, "round \(round): \(refusals)")
            #expect(refusals.allSatisfy { $0.contains("short by 1") }, "\(refusals)")
            #expect(try await f.onHand() == 0)
        }
        #expect(try await f.store.verify(by: f.admin).ok)
        await other.close()
    }

    @Test func givenAHoldAndAnIssueRacingForTheSameUnitsThenOneIsRefusedAndNothingIsOversold() async throws {
        let f = try await StoreFixture.make(.postgres)
        let other = try await secondStore(f)
        for _ in 1...8 {
            _ = try await f.store.post(.receipt(quantity: 5, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
            async let hold: Result<Hold, any Error> = Result(catching: {
                try await f.store.placeHold(sku: "BOLT-1", quantity: 5, location: "MAIN", account: "ACME", expiresAt: nil, by: f.sales)
            })
            async let issue: Result<PostedMovement, any Error> = Result(catching: { try await other.post(.issue(quantity: 5, from: "MAIN"), sku: "BOLT-1", by: f.clerk) })
            let (held, issued) = await (hold, issue)
            let wins = [held.isSuccess, issued.isSuccess].filter { $0 }.count
            #expect(wins == 1)
            let stock = try await f.store.stock(sku: "BOLT-1", by: f.admin).totals
            #expect(stock.reserved <= stock.onHand, "oversold: \(stock)")
            if case .success(let placed) = held { _ = try await f.store.releaseHold(placed.id, by: f.clerk) }
            if held.isSuccess { _ = try await f.store.post(.issue(quantity: 5, from: "MAIN"), sku: "BOLT-1", by: f.clerk) }
        }
        #expect(try await f.onHand() == 0)
        #expect(try await f.store.verify(by: f.admin).ok)
        await other.close()
    }

    /// The same steps, with the same clock, on both engines.
    func history(_ f: StoreFixture) async throws {
        _ = try await f.store.addItem(Item(sku: "NUT-7", name: "Hex nut M8", unit: "EA", category: "Fasteners/Nuts"), by: f.admin)
        for (sku, name) in [("PIPE-000123", "Copper pipe 15mm"), ("PIPE-000124", "Copper pipe 22mm"), ("VALVE-000123", "Copper valve")] {
            _ = try await f.store.addItem(Item(sku: sku, name: name, unit: "EA", category: "Plumbing"), by: f.admin)
        }
        _ = try await f.store.post(.receipt(quantity: 40, to: "MAIN"), sku: "BOLT-1", reference: "PO-1", by: f.clerk)
        f.clock.advance(60)
        _ = try await f.store.post(.transfer(quantity: 15, from: "MAIN", to: "QUAR"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.post(.receipt(quantity: 9, to: "MAIN"), sku: "nut-7", by: f.clerk)
        f.clock.advance(3_600)
        _ = try await f.store.post(.adjustment(delta: -2, at: "MAIN", reason: "damage"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.placeHold(sku: "BOLT-1", quantity: 3, location: "MAIN", account: "ACME", expiresAt: nil, by: f.sales)
        _ = try await f.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 20, text: "by Friday?",
                                          priority: .high, by: f.sales)
    }

    @Test func givenTheSameHistoryOnBothEnginesThenTheChainHeadsAndTheAnswersAreTheSame() async throws {
        let lite = try await StoreFixture.make(.sqlite)
        let postgres = try await StoreFixture.make(.postgres)
        try await history(lite)
        try await history(postgres)
        let heads = (try await lite.store.chainHead(), try await postgres.store.chainHead())
        #expect(heads.0 == heads.1)
        #expect(heads.0.movements.sequence == 4)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func answers(_ f: StoreFixture) async throws -> [Data] {
            [try encoder.encode(try await f.store.stock(sku: "BOLT-1", by: f.sales)),
             try encoder.encode(try await f.store.search("he", by: f.clerk)),
             try encoder.encode(try await f.store.itemRows(ItemListQuery(search: "m8"), from: .offset(0), limit: 10, by: f.clerk).map(\.item)),
             try encoder.encode(try await f.store.movements(sku: "BOLT-1", by: f.admin)),
             try encoder.encode(try await f.store.search("pipe-0001", by: f.clerk)),
             try encoder.encode(try await f.store.search("0001 copper", by: f.clerk))]
        }
        #expect(try await answers(lite) == answers(postgres))
        // A SKU's number with a word: the index is asked for the number, the word tested on what it gives.
        #expect(try await postgres.store.search("pipe-0001", by: postgres.clerk).map(\.sku) == ["PIPE-000123", "PIPE-000124"])
        #expect(try await postgres.store.search("0001 valve", by: postgres.clerk).map(\.sku) == ["VALVE-000123"])
        #expect(try await postgres.store.verify(by: postgres.admin).ok)
    }

    @Test func givenAStoreWhenCopiedToPostgreSQLAndBackThenEverythingArrivesAndTheChainsAgree() async throws {
        let f = try await StoreFixture.make(.sqlite)
        try await history(f)
        await f.store.close()
        let postgres = try TestEngine.postgres.newStore(in: f.folder)
        let there = try runBackoffice(["copy-store", "--db", f.path, "--user", "admin", "--to", postgres], in: f.folder)
        #expect(there.status == 0, "\(there.stdout)\(there.stderr)")
        #expect(there.stdout.contains("verify: OK, chain heads equal"))
        #expect(there.stdout.contains("movements: 4 rows"))
        let back = f.folder.path("back.sqlite")
        let home = try runBackoffice(["copy-store", "--db", postgres, "--user", "admin", "--to", back], in: f.folder)
        #expect(home.status == 0, "\(home.stdout)\(home.stderr)")
        let digests = try [f.path, postgres, back].map { store in
            try runBackoffice(["verify", "--digest", "--db", store, "--user", "admin"], in: f.folder).stdout
        }
        #expect(Set(digests).count == 1 && digests[0].hasPrefix("backoffice-digest v1 movements=4:"), "\(digests)")
        // A store already there is refused, and left as it was.
        let again = try runBackoffice(["copy-store", "--db", f.path, "--user", "admin", "--to", postgres], in: f.folder)
        #expect(again.status == 73, "\(again.stderr)")
        #expect(try runBackoffice(["verify", "--digest", "--db", postgres, "--user", "admin"], in: f.folder).stdout == digests[0])
        // A new item made on the copy gets the next id, not one a copied row has.
        let added = try runBackoffice(["items", "add", "NEW-1", "--name", "New", "--db", postgres, "--user", "admin"], in: f.folder)
        #expect(added.status == 0, "\(added.stderr)")
    }

    @Test func givenADatabaseHoldingOtherTablesThenInitRefusesItAndCreatesNothing() async throws {
        let folder = TemporaryFolder()
        let url = try TestEngine.postgres.newStore(in: folder)
        let database = TestEngine.databaseName(url)
        #expect(try TestEngine.psql(["-XAtc", "CREATE TABLE invoices (id int)"], database: database).status == 0)
        let result = try runBackoffice(["init", "--db", url], in: folder)
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.contains("holds 1 tables that are not a BackOffice store"))
        let tables = try TestEngine.psql(["-XAtc", "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'"], database: database)
        #expect(tables.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "invoices")
    }

    @Test func givenAPasswordInTheURLThenNoOutputErrorOrAuditEntryRepeatsIt() async throws {
        let folder = TemporaryFolder()
        let url = try TestEngine.postgres.newStore(in: folder)
        let password = ProcessInfo.processInfo.environment["PGPASSWORD"] ?? "not-set-here"
        let withPassword = url.replacingOccurrences(of: "://\(ProcessInfo.processInfo.environment["PGUSER"] ?? "postgres")@",
                                                    with: "://\(ProcessInfo.processInfo.environment["PGUSER"] ?? "postgres"):\(password)@")
        var seen: [String] = []
        for arguments in [["init"], ["items", "add", "P-1", "--name", "P"], ["doctor"], ["backup", folder.path("b.sqlite")],
                          ["stock", "NOPE"], ["audit"]] {
            let result = try runBackoffice(arguments + ["--db", withPassword, "--user", "admin"], environment: ["PGPASSWORD": ""], in: folder)
            seen.append(result.stdout + result.stderr)
        }
        let wrong = withPassword.replacingOccurrences(of: TestEngine.databaseName(url), with: "no_such_database")
        let failed = try runBackoffice(["stock", "P-1", "--db", wrong, "--user", "admin"], in: folder)
        #expect(failed.status == 66, "\(failed.stderr)")
        seen.append(failed.stdout + failed.stderr)
        #expect(seen.allSatisfy { !$0.contains(password) }, "\(seen)")
        #expect(seen[0].contains("created store postgres://"))
    }

    @Test func givenAChangeCommittedElsewhereThenTheDataVersionMovesWithoutPolling() async throws {
        let f = try await StoreFixture.make(.postgres)
        let other = try await secondStore(f)
        // The listening connection is made in the background by the first look at the counter; wait until it is there.
        _ = try await other.dataVersion()
        for _ in 0..<100 where !other.isListening { try await Task.sleep(for: .milliseconds(50)) }
        #expect(other.isListening)
        let before = try await other.dataVersion()
        _ = try await f.store.post(.receipt(quantity: 2, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        var after = before
        for _ in 0..<200 where after == before {
            try await Task.sleep(for: .milliseconds(20))
            after = try await other.dataVersion()
        }
        #expect(after != before)
        await other.close()
    }

    @Test func givenABackendKilledWhileAPostWaitsThenTheCommandFailsWithOneLineAndNothingIsWritten() async throws {
        let f = try await StoreFixture.make(.postgres)
        _ = try await f.store.post(.receipt(quantity: 3, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        let database = TestEngine.databaseName(f.path)
        // Another session holds the store's write lock, so the post waits inside its transaction.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        holder.arguments = ["-XAt", "-d", database, "-c", "SELECT pg_advisory_lock(\(PostgresEngine.writeLockKey))", "-c", "SELECT pg_sleep(20)"]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        try await Task.sleep(for: .milliseconds(500))
        let (post, _, errors) = try startBackoffice(["move", "receipt", "BOLT-1", "7", "--to", "MAIN", "--db", f.path, "--user", "clerk"],
                                                    in: f.folder)
        var killed = ""
        for _ in 0..<100 where killed.isEmpty {
            try await Task.sleep(for: .milliseconds(100))
            killed = try TestEngine.psql(["-XAtc", """
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = '\(database)' AND application_name = 'backoffice' AND wait_event_type = 'Lock'
                """]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(killed == "t")
        post.waitUntilExit()
        let message = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        #expect(post.terminationStatus == 74, "\(message)")
        #expect(message.split(separator: "\n").count == 1 && message.contains("the change in progress was not written"), "\(message)")
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        #expect(try await f.onHand() == 3)
        #expect(try await f.store.verify(by: f.admin).ok)
    }

    /// A statement the store runs again is prepared on its connection and bound from then on: the answers must not
    /// change when it is, nor may a NULL, a case-folded code, bytes or an error read differently.
    @Test func givenStatementsRunAgainThenTheyArePreparedAndAnswerAsBefore() async throws {
        let f = try await StoreFixture.make(.postgres)
        _ = try await f.store.post(.receipt(quantity: 7, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        var answers: [String] = []
        for _ in 1...3 {
            let stock = try await f.store.stock(sku: "bolt-1", by: f.admin)
            let quote = try await f.store.quote(sku: "BOLT-1", account: "acme", quantity: 3, by: f.admin)
            let found = try await f.store.search("bolt", by: f.admin).map(\.sku)
            let detail = try await f.store.itemDetail(sku: "BOLT-1", by: f.admin)
            let short = await Result(catching: { try await f.store.post(.issue(quantity: 1_000, from: "MAIN"), sku: "BOLT-1", by: f.clerk) })
            answers.append("\(stock) \(quote) \(found) \(detail.movements.map(\.id)) \((try? short.get()) == nil)")
        }
        #expect(Set(answers).count == 1, "\(answers)")
        #expect(answers.first?.contains("true") == true, "the short issue was refused each time")
        let prepared = try await f.store.read { try await f.store.row("SELECT COUNT(*) AS n FROM pg_prepared_statements")?.int("n") }
        #expect((prepared ?? 0) > 5, "prepared: \(prepared ?? 0)")
        #expect(try await f.store.verify(by: f.admin).ok)
    }

    @Test func givenTheJournalAndAuditLogThenTruncateIsRefusedToo() async throws {
        let f = try await StoreFixture.make(.postgres)
        _ = try await f.store.post(.receipt(quantity: 5, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        for table in ["movements", "audit"] {
            await #expect(throws: (any Error).self) { try await f.store.executeAlone("TRUNCATE \(table) CASCADE") }
        }
        try await f.store.executeAlone("ALTER TABLE movements DISABLE TRIGGER movements_no_delete")
        let report = try await f.store.verify(by: f.admin)
        #expect(report.otherProblems == ["the append-only trigger movements_no_delete on movements was changed from what the migrations created"])
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }

    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
