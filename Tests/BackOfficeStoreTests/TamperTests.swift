import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// The journal, the balances and the audit log are tamper-evident: an edit made with SQLite itself, past the
/// append-only triggers, is found and named by `verify`; a kept digest catches a truncated or rewritten history.
@Suite("Tamper")
struct TamperTests {
    /// A store with movements of every kind on two items at two of its three locations: receipts, an issue, a transfer, an adjustment and a count.
    static func busyStore() async throws -> StoreFixture {
        let f = try await StoreFixture.make()
        _ = try await f.store.addLocation(Location(code: "EAST", name: "East", sellable: true), by: f.admin)
        _ = try await f.store.addItem(Item(sku: "NUT-2", name: "Nut M8", unit: "EA", category: "Fasteners/Nuts"),
                                      listPrice: Money(minorUnits: 20, currency: "USD"), by: f.admin)
        _ = try await f.store.post(.receipt(quantity: 10, to: "MAIN"), sku: "BOLT-1", reference: "PO-1", by: f.clerk)
        _ = try await f.store.post(.receipt(quantity: 40, to: "MAIN"), sku: "NUT-2", by: f.clerk)
        _ = try await f.store.post(.issue(quantity: 3, from: "MAIN"), sku: "BOLT-1", reference: "SO-9", by: f.clerk)
        _ = try await f.store.post(.transfer(quantity: 5, from: "MAIN", to: "QUAR"), sku: "NUT-2", by: f.clerk)
        _ = try await f.store.post(.adjustment(delta: -2, at: "MAIN", reason: "damage"), sku: "BOLT-1", by: f.clerk)
        _ = try await f.store.post(.count(counted: 30, at: "MAIN"), sku: "NUT-2", by: f.clerk)
        _ = try await f.store.post(.receipt(quantity: 7, to: "QUAR"), sku: "BOLT-1", by: f.clerk)
        return f
    }

    /// Runs SQL against the store file with Python's sqlite3 module, as an attacker with the file would: the journal's
    /// and the audit log's triggers dropped, the edit made, the triggers put back. Returns what the script printed.
    @discardableResult
    static func tamper(_ path: String, script: String, _ arguments: [String] = []) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.prelude + script + Self.postlude, path] + arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(.storeFailure, "python: \(problems)") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let prelude = """
        import sqlite3, sys, random, json
        db = sqlite3.connect(sys.argv[1], isolation_level=None)
        db.execute('PRAGMA foreign_keys=OFF')
        triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name IN ('movements','audit')").fetchall()
        db.execute('BEGIN')
        for name, _ in triggers: db.execute('DROP TRIGGER ' + name)

        """
    static let postlude = """

        for _, sql in triggers: db.execute(sql)
        db.execute('COMMIT')
        db.close()
        """

    /// Closes the fixture's store (its log checkpointed into the file) and gives the file's path (keep the fixture:
    /// its folder goes with it).
    static func closed(_ f: StoreFixture) async -> String {
        await f.store.close()
        return f.path
    }

    static func verify(_ path: String, expecting digest: ChainDigest? = nil) async throws -> Store.VerifyReport {
        let store = try await Store.open(path: path)
        do {
            let admin = Actor(user: try await store.signIn("admin"), source: .cli)
            let report = try await store.verify(expecting: digest, by: admin)
            await store.close()
            return report
        } catch {
            await store.close()
            throw error
        }
    }

    // MARK: - The issue's reproduction and its kin

    @Test func givenAReceiptRaisedFrom10To1000WithItsBalanceWhenVerifiedThenTheMovementIsNamedAltered() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.store.post(.receipt(quantity: 10, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }

        try Self.tamper(path, script: """
            db.execute('UPDATE movements SET quantity = 1000 WHERE id = 1')
            db.execute('UPDATE balances SET on_hand = on_hand + 990')
            """)

        let report = try await Self.verify(path)
        #expect(report.balanceDifferences.isEmpty)
        #expect(report.movementProblems == ["movement #1 was altered"])
        #expect(!report.ok)
    }

    @Test func givenAnAppendOnlyTriggerThatNoLongerRefusesWhenVerifiedThenItIsNamedChanged() async throws {
        let f = try await StoreFixture.make()
        _ = try await f.store.post(.receipt(quantity: 10, to: "MAIN"), sku: "BOLT-1", by: f.clerk)
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }
        #expect(try await Self.verify(path).ok)

        // The trigger keeps its name but fires never: updates to the journal are allowed from now on.
        try Self.tamper(path, script: """
            triggers = [(n, "CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements WHEN 0 BEGIN SELECT 1; END"
                         if n == 'movements_no_update' else s) for n, s in triggers]
            """)

        let report = try await Self.verify(path)
        #expect(report.otherProblems == ["the append-only trigger movements_no_update on movements was changed from what the migrations created"])
        #expect(!report.ok)
    }

    @Test func givenTwoItemsWhoseSKUsWereSwappedInTheFileWhenVerifiedThenTheirMovementsAreNamedAltered() async throws {
        let f = try await Self.busyStore()
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }

        // The balances still add up: only what the ids mean changed, which only the chain over the codes shows.
        try Self.tamper(path, script: """
            db.execute("UPDATE items SET sku = 'SWAP' WHERE sku = 'BOLT-1'")
            db.execute("UPDATE items SET sku = 'BOLT-1' WHERE sku = 'NUT-2'")
            db.execute("UPDATE items SET sku = 'NUT-2' WHERE sku = 'SWAP'")
            """)

        let report = try await Self.verify(path)
        #expect(report.balanceDifferences.isEmpty)
        #expect(report.movementProblems.contains("movement #1 was altered"), "\(report.movementProblems)")
        #expect(report.movementProblems.contains("movement #2 was altered"), "\(report.movementProblems)")
        #expect(!report.ok)
    }

    @Test func givenAMovementDeletedFromTheMiddleWithItsBalanceWhenVerifiedThenItIsNamedMissing() async throws {
        let f = try await Self.busyStore()
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }

        try Self.tamper(path, script: """
            db.execute('DELETE FROM movements WHERE id = 3')
            db.execute("UPDATE balances SET on_hand = on_hand + 3 WHERE item_id = (SELECT id FROM items WHERE sku = 'BOLT-1') AND location_id = (SELECT id FROM locations WHERE code = 'MAIN')")
            """)

        let report = try await Self.verify(path)
        #expect(report.balanceDifferences.isEmpty)
        #expect(report.movementProblems == ["movement #3 is missing", "movement #4 does not follow movement #2"])
    }

    @Test func givenAMovementInsertedWithoutTheLedgerWhenVerifiedThenItIsNamedInserted() async throws {
        let f = try await Self.busyStore()
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }

        try Self.tamper(path, script: """
            db.execute("INSERT INTO movements (id, kind, item_id, location_id, quantity, actor, source, at) SELECT 8, 'receipt', item_id, location_id, 500, 'clerk', 'cli', at FROM movements WHERE id = 1")
            db.execute('UPDATE balances SET on_hand = on_hand + 500 WHERE item_id = (SELECT item_id FROM movements WHERE id = 1) AND location_id = (SELECT location_id FROM movements WHERE id = 1)')
            """)

        let report = try await Self.verify(path)
        #expect(report.balanceDifferences.isEmpty)
        #expect(report.movementProblems == ["movement #8 was inserted outside the ledger (it has no chain hash)"])
    }

    @Test func givenABalanceRowWhereTheJournalNeverMovedStockWhenVerifiedThenItIsNamed() async throws {
        let f = try await Self.busyStore()
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }

        try Self.tamper(path, script: """
            db.execute("INSERT INTO balances (item_id, location_id, on_hand) SELECT i.id, l.id, 0 FROM items i, locations l WHERE i.sku = 'NUT-2' AND l.code = 'QUAR' AND NOT EXISTS (SELECT 1 FROM balances WHERE item_id = i.id AND location_id = l.id)")
            db.execute("DELETE FROM balances WHERE item_id = (SELECT id FROM items WHERE sku = 'BOLT-1') AND location_id = (SELECT id FROM locations WHERE code = 'QUAR')")
            """)

        let report = try await Self.verify(path)
        // NUT-2 reached QUAR by transfer, so that row was there: only BOLT-1's deleted row is named.
        #expect(report.balanceDifferences == ["BOLT-1 at QUAR: journal says 7, the balance is missing"])
        try Self.tamper(path, script: """
            db.execute("INSERT INTO balances (item_id, location_id, on_hand) SELECT i.id, l.id, 0 FROM items i, locations l WHERE i.sku = 'BOLT-1' AND l.code = 'QUAR'")
            db.execute("UPDATE balances SET on_hand = 7 WHERE item_id = (SELECT id FROM items WHERE sku = 'BOLT-1') AND location_id = (SELECT id FROM locations WHERE code = 'QUAR')")
            db.execute("INSERT INTO items (sku, name, uom) VALUES ('GHOST', 'Ghost', 'EA')")
            db.execute("INSERT INTO balances (item_id, location_id, on_hand) SELECT i.id, l.id, 0 FROM items i, locations l WHERE i.sku = 'GHOST' AND l.code = 'MAIN'")
            """)
        #expect(try await Self.verify(path).balanceDifferences == ["GHOST at MAIN: a balance (0) exists where the journal never moved stock"])
    }

    @Test func givenAnAuditEntryDowngradedToTheJoinedRuleWhenVerifiedThenItIsNamedAltered() async throws {
        let f = try await Self.busyStore()
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }
        let last = try Self.tamper(path, script: """
            seq = db.execute('SELECT MAX(seq) FROM audit').fetchone()[0]
            db.execute('UPDATE audit SET format = 1 WHERE seq = ?', (seq,))
            print(seq)
            """)

        let report = try await Self.verify(path)
        #expect(report.auditProblems.contains("audit entry \(last) was altered (its hash rule went back to format 1)"))
        #expect(report.auditProblems.contains("audit entry \(last) was altered (hash mismatch)"))
    }

    // MARK: - Digests

    @Test func givenADigestWhenTheTailOfBothChainsAndTheBalancesAreCutThenOnlyTheDigestCatchesItAndNamesWhatIsMissing() async throws {
        let f = try await Self.busyStore()
        let digest = try await f.store.verify(by: f.admin).digest
        #expect(digest.movements.sequence == 7)
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }

        // The last receipt (7 BOLT-1 into QUAR) gone with its balance and its audit entry: consistent on its face.
        try Self.tamper(path, script: """
            db.execute('DELETE FROM movements WHERE id = 7')
            db.execute("DELETE FROM balances WHERE item_id = (SELECT id FROM items WHERE sku = 'BOLT-1') AND location_id = (SELECT id FROM locations WHERE code = 'QUAR')")
            db.execute('DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)')
            """)

        #expect(try await Self.verify(path).ok)
        let report = try await Self.verify(path, expecting: digest)
        #expect(!report.ok)
        #expect(report.digestProblems == [
            "movement #7 named by the digest is missing: the journal was truncated",
            "audit entry \(digest.audit.sequence) named by the digest is missing: the audit log was truncated",
        ])
    }

    @Test func givenADigestWhenTheHistoryUpToItIsRewrittenThenTheDigestNoLongerMatches() async throws {
        let f = try await Self.busyStore()
        let digest = try await f.store.verify(by: f.admin).digest
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }
        // A different store with a history of the same length: its heads sit at the same sequence numbers.
        let other = try await Self.busyStore()
        _ = try await other.store.post(.receipt(quantity: 1, to: "MAIN"), sku: "BOLT-1", by: other.clerk)
        let otherDigest = try await other.store.verify(by: other.admin).digest
        #expect(try await Self.verify(path, expecting: digest).ok)
        #expect(try await Self.verify(path, expecting: otherDigest).digestProblems == [
            "movement #8 named by the digest is missing: the journal was truncated",
            "audit entry \(otherDigest.audit.sequence) named by the digest is missing: the audit log was truncated",
        ])
        await other.store.close()

        try Self.tamper(path, script: "db.execute('UPDATE movements SET hash = randomblob(32) WHERE id = 7')")
        let report = try await Self.verify(path, expecting: digest)
        #expect(report.movementProblems == ["movement #7 was altered"])
        #expect(report.digestProblems == ["movement #7 differs from the digest: the journal was rewritten"])
    }

    @Test func aDigestReadsBackAsWrittenAndAnythingElseIsRefusedWithOneLine() throws {
        let digest = ChainDigest(movements: .init(sequence: 12, hash: String(repeating: "ab", count: 32)),
                                 audit: .init(sequence: 40, hash: String(repeating: "0f", count: 32)))
        #expect(try ChainDigest.parse(digest.description) == digest)
        #expect(try ChainDigest.parse(digest.description + "\n") == digest)
        for bad in ["", "backoffice-digest v2 movements=1:\(digest.movements.hash) audit=1:\(digest.audit.hash)",
                    "backoffice-digest v1 movements=-1:\(digest.movements.hash) audit=1:\(digest.audit.hash)",
                    "backoffice-digest v1 movements=1:\(digest.movements.hash.uppercased()) audit=1:\(digest.audit.hash)",
                    "backoffice-digest v1 movements=1:abc audit=1:\(digest.audit.hash)"] {
            #expect(throws: Failure.self) { try ChainDigest.parse(bad) }
        }
    }

    // MARK: - Encoding

    @Test func theLengthPrefixedRuleTellsApartEntriesTheJoinedRuleConfuses() {
        func input(_ format: AuditEntry.Format, actor: String, source: String) -> [UInt8] {
            AuditEntry.chainInput(format: format, sequence: 1, at: 0, actor: actor, source: source, action: "a", entity: "e",
                                  before: nil, after: nil, previousHash: AuditEntry.genesisHash)
        }
        #expect(input(.joined, actor: "x\u{1f}y", source: "z") == input(.joined, actor: "x", source: "y\u{1f}z"))
        #expect(input(.lengthPrefixed, actor: "x\u{1f}y", source: "z") != input(.lengthPrefixed, actor: "x", source: "y\u{1f}z"))
        // An absent field is not an empty one, nor a NUL.
        let absent = AuditEntry.chainInput(format: .lengthPrefixed, sequence: 1, at: 0, actor: "a", source: "s", action: "a", entity: "e",
                                           before: nil, after: "", previousHash: "")
        let empty = AuditEntry.chainInput(format: .lengthPrefixed, sequence: 1, at: 0, actor: "a", source: "s", action: "a", entity: "e",
                                          before: "", after: nil, previousHash: "")
        #expect(absent != empty)
    }

    /// The encoding is frozen like a migration: these hashes were computed by an independent implementation (Python's
    /// hashlib over the documented layout), so a change to the encoding, or another engine's writer, shows here.
    @Test func theChainHashesOfKnownRowsAreFrozen() {
        let first = ChainedMovement(id: 1, kind: "transfer", itemID: 42, locationID: 7, toLocationID: 9, sku: "BOLT-1", location: "MAIN",
                                    toLocation: "EAST", quantity: 5, counted: nil, reason: nil, reference: "TR-1", actor: "clerk",
                                    source: "cli", at: 1_796_000_000)
        let firstHash = Store.movementHash(first, previous: ChainedMovement.genesis)
        #expect(ChainDigest.hex(firstHash) == "9932207060bddfc6af8d17b56fbe06d2d740c019c18200594c9afafcfabd40e4")
        let second = ChainedMovement(id: 2, kind: "adjustment", itemID: 42, locationID: 7, toLocationID: nil, sku: "BOLT-1", location: "MAIN",
                                     toLocation: nil, quantity: -2, counted: nil, reason: "DAMAGE", reference: nil, actor: "carla",
                                     source: "console", at: 1_796_000_060)
        #expect(ChainDigest.hex(Store.movementHash(second, previous: firstHash))
                == "0f13061b5d5682532dfa313c3d87199ed9e401d219865c9596e50cba66906b0a")
        #expect(Store.chainHash(format: .lengthPrefixed, sequence: 3, at: 1_796_000_000, actor: "admin", source: "cli", action: "item.add",
                                entity: "item BOLT-1", before: nil, after: "Hex Bolt", previousHash: AuditEntry.genesisHash)
                == "b246e68183cfdccfa157fff76efbece99139e249cf90bc5f22d8321e97bc4baf")
    }

    // MARK: - Migration

    /// A store as schema version 5 left it: movements without hashes, audit entries under the joined rule.
    @Test func givenAStoreFromBeforeTheChainWhenOpenedThenItsMovementsAreChainedAndItsOldAuditEntriesStillVerify() async throws {
        let f = try await Self.busyStore()
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }
        // Turn it back into what version 5 wrote: no hash column, no format column, the joined rule throughout.
        try Self.tamper(path, script: """
            import hashlib
            triggers = [(n, s) for n, s in triggers if n != 'movements_chained']
            db.execute('ALTER TABLE movements DROP COLUMN hash')
            db.execute('ALTER TABLE audit DROP COLUMN format')
            db.execute('DELETE FROM schema_migrations WHERE version >= 6')
            \(Self.undoMigrationsFrom7)
            prev = '0' * 64
            for row in db.execute('SELECT seq, at, actor, source, action, entity, before, after FROM audit ORDER BY seq').fetchall():
                seq, at, actor, source, action, entity, before, after = row
                fields = [str(seq), str(at), actor, source, action, entity, before if before is not None else '\\0', after if after is not None else '\\0', prev]
                digest = hashlib.sha256('\\x1f'.join(fields).encode()).hexdigest()
                db.execute('UPDATE audit SET prev_hash = ?, hash = ? WHERE seq = ?', (prev, digest, seq))
                prev = digest
            """)

        let store = try await Store.open(path: path)
        let admin = Actor(user: try await store.signIn("admin"), source: .cli)
        #expect(try await store.schemaVersion() == Migrations.latest)
        let report = try await store.verify(by: admin)
        #expect(report.ok, "\(report.problems)")
        #expect(report.movementsChecked == 7)
        // New movements chain on from the migrated ones, and new audit entries follow the length-prefixed rule.
        _ = try await store.post(.receipt(quantity: 1, to: "MAIN"), sku: "BOLT-1", by: admin)
        #expect(try await store.verify(by: admin).ok)
        await store.close()

        try Self.tamper(path, script: "db.execute('UPDATE movements SET quantity = 11 WHERE id = 1')")
        #expect(try await Self.verify(path).movementProblems == ["movement #1 was altered"])
    }

    /// What migrations 7 and on added (10: reply templates), taken away again (their rows in schema_migrations are deleted beside it).
    static let undoMigrationsFrom7 = """
        db.execute('ALTER TABLE schema_migrations DROP COLUMN release')
        db.execute('ALTER TABLE items DROP COLUMN reorder_to')
        db.execute('ALTER TABLE items DROP COLUMN order_multiple')
        for table in ['request_templates', 'request_pauses', 'sla_targets', 'holidays', 'business_hours', 'business_calendar']:
            db.execute('DROP TABLE ' + table)
        db.execute('DROP TABLE saved_views')
        db.execute('ALTER TABLE requests DROP COLUMN first_response_at')
        db.execute('ALTER TABLE requests DROP COLUMN resolved_at')
        """

    /// A store as the release before migration 7 left it, made by today's migrations and turned back.
    @Test func givenAStoreFromAnOlderReleaseWhenACommandOpensItThenItMigratesWithOneLineNoticeOnce() async throws {
        let f = try await Self.busyStore()
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }
        try Self.tamper(path, script: """
            db.execute('DELETE FROM schema_migrations WHERE version >= 7')
            \(Self.undoMigrationsFrom7)
            """)
        let first = try runBackoffice(["stock", "BOLT-1", "--db", path, "--user", "clerk"], in: f.folder)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr == "backoffice: upgraded the store at \(path) from schema 6 to schema \(Migrations.latest) (backoffice \(BackOfficeRelease.version))\n")
        #expect(first.stdout.contains("BOLT-1"))
        let second = try runBackoffice(["stock", "BOLT-1", "--db", path, "--user", "clerk"], in: f.folder)
        #expect(second.status == 0 && second.stderr.isEmpty, "\(second.stderr)")
        #expect(second.stdout == first.stdout)
        #expect(try Self.tamper(path, script: "print(db.execute('SELECT release FROM schema_migrations WHERE version = 7').fetchone()[0])")
                == BackOfficeRelease.version)
    }

    /// A store a later release migrated further, made by today's migrations plus the record a newer one would write.
    @Test func givenAStoreFromANewerReleaseWhenOpenedThenItIsRefusedNamingBothReleasesAndLeftAsItWas() async throws {
        let f = try await Self.busyStore()
        let path = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }
        try Self.tamper(path, script: """
            db.execute("INSERT INTO schema_migrations (version, name, applied_at, release) VALUES (\(Migrations.latest + 1), 'future', 0, '9.4.0')")
            """)
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let refused = try runBackoffice(["stock", "BOLT-1", "--db", path, "--user", "clerk"], in: f.folder)
        #expect(refused.status == 74)
        #expect(refused.stdout.isEmpty)
        #expect(refused.stderr == """
            backoffice: the store at \(path) was made by backoffice 9.4.0 (schema \(Migrations.latest + 1)); this is backoffice \
            \(BackOfficeRelease.version) (schema \(Migrations.latest)): upgrade backoffice to open it

            """)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        await #expect(throws: Failure.self) { try await Store.open(path: path) }
    }

    // MARK: - Backups

    @Test func givenABackupWhenWrittenThenItIsNewOwnerOnlyAndItsDigestIsTheDigestOfTheCopy() async throws {
        let f = try await Self.busyStore()
        let copy = f.folder.path("backup.sqlite")
        let digest = try await f.store.backup(to: copy, by: f.admin)
        let attributes = try FileManager.default.attributesOfItem(atPath: copy)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(digest.movements.sequence == 7)
        #expect(try await Self.verify(copy, expecting: digest).ok)
        #expect(try await Self.verify(copy).digest == digest)
        // The backup's own audit entry comes after what it copied.
        #expect(try await f.store.verify(by: f.admin).digest.audit.sequence == digest.audit.sequence + 1)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: f.folder.path("")).filter { $0.contains("partial") }
        #expect(leftovers.isEmpty)
        await f.store.close()
    }

    @Test func givenADanglingLinkWhereTheBackupShouldGoThenItIsRefusedAndNothingIsWrittenThroughIt() async throws {
        let f = try await StoreFixture.make()
        let target = f.folder.path("elsewhere.sqlite")
        let link = f.folder.path("backup.sqlite")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)

        await #expect(throws: Failure.self) { try await f.store.backup(to: link, by: f.admin) }

        #expect(!FileManager.default.fileExists(atPath: target))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        await f.store.close()
    }

    @Test func givenTheLiveStoreOrItsLogAsTheBackupThenItIsRefusedAndTheStoreIsUnchanged() async throws {
        let f = try await Self.busyStore()
        for destination in [f.path, f.path + "-wal", f.path + "-shm"] {
            await #expect(throws: Failure.self) { try await f.store.backup(to: destination, by: f.admin) }
        }
        #expect(try await f.store.verify(by: f.admin).ok)
        #expect(try await f.onHand() == 5)
        await f.store.close()
    }

    // MARK: - The command line

    @Test func givenTheRealBinaryWhenADigestIsKeptAndTheJournalIsCutThenVerifyExpectFailsWithExitCode1AndNamesIt() throws {
        let folder = TemporaryFolder()
        let store = folder.path("store.sqlite")
        func run(_ arguments: [String]) throws -> CommandResult {
            try runBackoffice(arguments + ["--db", store, "--user", "admin"], in: folder)
        }
        #expect(try run(["init", "--admin", "admin"]).status == 0)
        #expect(try run(["locations", "add", "MAIN", "--name", "Main", "--sellable"]).status == 0)
        #expect(try run(["items", "add", "BOLT-1", "--name", "Bolt"]).status == 0)
        #expect(try run(["move", "receipt", "BOLT-1", "10", "--to", "MAIN"]).status == 0)

        let digest = try run(["verify", "--digest"])
        #expect(digest.status == 0)
        let line = digest.stdout.trimmingCharacters(in: .newlines)
        #expect(line.hasPrefix("backoffice-digest v1 movements=1:") && !line.contains("\n"))
        let backup = try run(["backup", folder.path("backup.sqlite")])
        #expect(backup.status == 0)
        #expect(backup.stdout.split(separator: "\n").last.map(String.init) == line)

        try Self.tamper(store, script: """
            db.execute('DELETE FROM movements')
            db.execute('DELETE FROM balances')
            db.execute('DELETE FROM audit WHERE seq > 4')
            """)
        #expect(try run(["verify"]).status == 0)
        let expect = try run(["verify", "--expect", line])
        #expect(expect.status == 1)
        #expect(expect.stdout.contains("movement #1 named by the digest is missing: the journal was truncated"))
        #expect(try runBackoffice(["verify", "--db", folder.path("backup.sqlite"), "--user", "admin", "--expect", line], in: folder).status == 0)

        let garbage = try run(["verify", "--expect", "backoffice-digest v1 movements=x"])
        #expect(garbage.status == 65)
        #expect(garbage.stderr.split(separator: "\n").count == 1)
        try FileManager.default.createSymbolicLink(atPath: folder.path("link.sqlite"), withDestinationPath: folder.path("nowhere.sqlite"))
        let linked = try run(["backup", folder.path("link.sqlite")])
        #expect(linked.status == 73)
        #expect(linked.stderr.contains("symbolic link"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("nowhere.sqlite")))
    }

    // MARK: - Property

    /// Any one edit of a journal row, a balance or an audit entry, made with SQLite past the triggers, is found by
    /// verify against the digest taken before it: each seeded case on a fresh copy of the same small store.
    @Test func randomEditsOfTheJournalBalancesAndAuditLogAreAlwaysFoundAndNamed() async throws {
        let f = try await Self.busyStore()
        let digest = try await f.store.verify(by: f.admin).digest
        let pristine = await Self.closed(f)
        defer { withExtendedLifetime(f) {} }
        for seed in 1...72 {
            let copy = f.folder.path("case-\(seed).sqlite")
            try FileManager.default.copyItem(atPath: pristine, toPath: copy)
            let edit = try Self.tamper(copy, script: Self.randomEdit, [String(seed)])
            let mention = try #require(edit.split(separator: "|").last.map(String.init), "seed \(seed): \(edit)")
            let report = try await Self.verify(copy, expecting: digest)
            #expect(!report.ok, "seed \(seed): \(edit) went unnoticed")
            #expect(report.problems.contains { $0.contains(mention) }, "seed \(seed): \(edit) not named: \(report.problems)")
            try FileManager.default.removeItem(atPath: copy)
        }
    }

    /// One random edit (table, operation, row and column from the seed); prints `what|the words verify must say`.
    static let randomEdit = #"""
        r = random.Random(int(sys.argv[2]))
        table = ['movements', 'balances', 'audit'][(int(sys.argv[2]) - 1) % 3]
        op = r.choice(['update', 'update', 'delete', 'insert'])
        def changed(value, column):
            if column == 'kind':
                return r.choice([k for k in ['receipt', 'issue', 'transfer', 'adjustment', 'count'] if k != value])
            if column in ('hash',) and isinstance(value, bytes):
                return bytes(r.getrandbits(8) for _ in range(32))
            if isinstance(value, int):
                return value + r.choice([1, -1, 7, 990])
            if value is None:
                return r.choice([1, 'X'])
            return value + r.choice(['x', ' ', '\x1f'])
        def code(kind, rowid):
            q = 'SELECT sku FROM items WHERE id = ?' if kind == 'item' else 'SELECT code FROM locations WHERE id = ?'
            return db.execute(q, (rowid,)).fetchone()[0]
        if table == 'movements':
            ids = [x[0] for x in db.execute('SELECT id FROM movements ORDER BY id')]
            last = ids[-1]
            if op == 'update':
                target = r.choice(ids)
                column = r.choice(['id', 'kind', 'item_id', 'location_id', 'to_location_id', 'quantity', 'counted', 'reason', 'ref', 'actor', 'source', 'at', 'hash'])
                value = db.execute('SELECT ' + column + ' FROM movements WHERE id = ?', (target,)).fetchone()[0]
                new = last + 1 if column == 'id' else changed(value, column)
                db.execute('UPDATE movements SET ' + column + ' = ? WHERE id = ?', (new, target))
                print('movement', target, column, repr(value), '->', repr(new), '|movement #%d ' % target)
            elif op == 'delete':
                target = r.choice(ids)
                db.execute('DELETE FROM movements WHERE id = ?', (target,))
                print('movement', target, 'deleted', '|movement #%d ' % target)
            else:
                source = r.choice(ids)
                hashed = r.choice(['none', 'random', 'copied'])
                new_hash = None if hashed == 'none' else (bytes(r.getrandbits(8) for _ in range(32)) if hashed == 'random' else db.execute('SELECT hash FROM movements WHERE id = ?', (last,)).fetchone()[0])
                db.execute('INSERT INTO movements (id, kind, item_id, location_id, to_location_id, quantity, counted, reason, ref, actor, source, at, hash) SELECT ?, kind, item_id, location_id, to_location_id, quantity, counted, reason, ref, actor, source, at, ? FROM movements WHERE id = ?', (last + 1, new_hash, source))
                print('movement', last + 1, 'inserted as a copy of', source, 'hash', hashed, '|movement #%d ' % (last + 1))
        elif table == 'balances':
            rows = db.execute('SELECT item_id, location_id, on_hand FROM balances ORDER BY item_id, location_id').fetchall()
            if op == 'insert':
                free = db.execute('SELECT i.id, l.id FROM items i, locations l WHERE NOT EXISTS (SELECT 1 FROM balances b WHERE b.item_id = i.id AND b.location_id = l.id) ORDER BY i.id, l.id').fetchall()
                item, location = r.choice(free)
                db.execute('INSERT INTO balances (item_id, location_id, on_hand) VALUES (?, ?, ?)', (item, location, r.choice([0, 3])))
                print('balance inserted', '|%s at %s:' % (code('item', item), code('location', location)))
            else:
                item, location, on_hand = r.choice(rows)
                if op == 'delete':
                    db.execute('DELETE FROM balances WHERE item_id = ? AND location_id = ?', (item, location))
                else:
                    db.execute('UPDATE balances SET on_hand = ? WHERE item_id = ? AND location_id = ?', (on_hand + r.choice([1, 5, 990]), item, location))
                print('balance', op, '|%s at %s:' % (code('item', item), code('location', location)))
        else:
            seqs = [x[0] for x in db.execute('SELECT seq FROM audit ORDER BY seq')]
            last = seqs[-1]
            if op == 'update':
                target = r.choice(seqs)
                column = r.choice(['seq', 'at', 'actor', 'source', 'action', 'entity', 'before', 'after', 'prev_hash', 'hash', 'format'])
                value = db.execute('SELECT ' + column + ' FROM audit WHERE seq = ?', (target,)).fetchone()[0]
                new = last + 1 if column == 'seq' else (r.choice([1, 3]) if column == 'format' else changed(value, column))
                db.execute('UPDATE audit SET ' + column + ' = ? WHERE seq = ?', (new, target))
                print('audit', target, column, repr(value), '->', repr(new), '|audit entry %d ' % target)
            elif op == 'delete':
                target = r.choice(seqs)
                db.execute('DELETE FROM audit WHERE seq = ?', (target,))
                print('audit', target, 'deleted', '|audit entry %d ' % target)
            else:
                prev = db.execute('SELECT hash FROM audit WHERE seq = ?', (last,)).fetchone()[0]
                db.execute("INSERT INTO audit (seq, at, actor, source, action, entity, before, after, prev_hash, hash, format) VALUES (?, 0, 'mallory', 'cli', 'movement.receipt', 'item BOLT-1', NULL, NULL, ?, ?, 2)", (last + 1, prev, '%064x' % r.getrandbits(256)))
                print('audit', last + 1, 'inserted', '|audit entry %d ' % (last + 1))
        """#
}
