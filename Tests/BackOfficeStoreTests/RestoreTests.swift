import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

@Suite("Restore")
struct RestoreTests {
    /// A store with 10 on hand when it was backed up and 15 now.
    func storeWithBackup() async throws -> (StoreFixture, String) {
        let fixture = try await StoreFixture.make()
        _ = try await fixture.store.post(.receipt(quantity: 10, to: "MAIN"), sku: "BOLT-1", by: fixture.clerk)
        let backup = fixture.folder.path("backup.sqlite")
        try await fixture.store.backup(to: backup, by: fixture.admin)
        _ = try await fixture.store.post(.receipt(quantity: 5, to: "MAIN"), sku: "BOLT-1", by: fixture.clerk)
        return (fixture, backup)
    }

    @Test func givenAClerkWhenRestoringThenItIsRefusedAndTheStoreIsUntouched() async throws {
        let (fixture, backup) = try await storeWithBackup()
        await fixture.store.close()
        await #expect(throws: PermissionDenied.self) { try await Store.restoringActor(for: fixture.path, user: "clerk") }
        await #expect(throws: PermissionDenied.self) { try await Store.restore(from: backup, to: fixture.path, by: fixture.clerk) }
        let store = try await Store.open(path: fixture.path)
        #expect(try await store.stock(sku: "BOLT-1", by: fixture.admin).totals.onHand == 15)
        await store.close()
        // Where there is no store yet, whoever restores does so as an administrator.
        #expect(try await Store.restoringActor(for: fixture.folder.path("new.sqlite"), user: "ops").user.role == .admin)
    }

    @Test func givenAGoodBackupWhenRestoredThenTheStoreIsTheBackupAndTheOldOneIsKept() async throws {
        let (fixture, backup) = try await storeWithBackup()
        try await fixture.store.prepareForReplacement(by: fixture.admin)
        await fixture.store.close()

        let (report, previous) = try await Store.restore(from: backup, to: fixture.path, by: fixture.admin)

        #expect(report.ok)
        let restored = try await Store.open(path: fixture.path)
        #expect(try await restored.stock(sku: "BOLT-1", by: fixture.admin).totals.onHand == 10)
        #expect(try await restored.verify(by: fixture.admin).ok)
        await restored.close()
        let kept = try #require(previous)
        let old = try await Store.open(path: kept)
        #expect(try await old.stock(sku: "BOLT-1", by: fixture.admin).totals.onHand == 15)
        await old.close()
        #expect(!FileManager.default.fileExists(atPath: fixture.path + ".restoring"))
    }

    @Test func givenABackupThatFailsVerifyWhenRestoredThenItIsRefusedAndTheStoreIsUnchanged() async throws {
        let fixture = try await StoreFixture.make()
        _ = try await fixture.store.post(.receipt(quantity: 10, to: "MAIN"), sku: "BOLT-1", by: fixture.clerk)
        let backup = fixture.folder.path("backup.sqlite")
        try await fixture.store.backup(to: backup, by: fixture.admin)
        // A balance that no longer matches the journal.
        let tampered = try await Store.open(path: backup)
        try await tampered.execute("UPDATE balances SET on_hand = on_hand + 1")
        await tampered.close()
        let backupBytes = try Data(contentsOf: URL(fileURLWithPath: backup))

        await #expect(throws: Failure.self) {
            _ = try await Store.restore(from: backup, to: fixture.path, by: fixture.admin)
        }

        #expect(try await fixture.onHand() == 10)
        #expect(try Data(contentsOf: URL(fileURLWithPath: backup)) == backupBytes)
        #expect(!FileManager.default.fileExists(atPath: fixture.path + ".restoring"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path("")).filter { $0.contains("before-restore") }
        #expect(leftovers.isEmpty)
    }

    @Test func givenAFileThatIsNoStoreWhenRestoredThenItIsRefused() async throws {
        let fixture = try await StoreFixture.make()
        let junk = fixture.folder.path("junk.sqlite")
        try Data("not a database at all".utf8).write(to: URL(fileURLWithPath: junk))
        await #expect(throws: Failure.self) {
            _ = try await Store.restore(from: junk, to: fixture.path, by: fixture.admin)
        }
        #expect(try await fixture.onHand() == 0)
    }
}
