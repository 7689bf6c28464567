import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

@Suite("Several processes on one store", .serialized)
struct ProcessTests {
    @Test(arguments: TestEngine.all) func eightProcessesPostingReceiptsToOneItemLoseNoUpdate(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        await f.store.close()
        let perProcess = 15
        var running: [(Process, URL, URL)] = []
        for _ in 0..<8 {
            running.append(try startBackoffice(["move", "receipt", "BOLT-1", "1", "--to", "MAIN", "--db", f.path, "--user", "clerk"], in: f.folder))
        }
        // Each process posts one receipt; run `perProcess` waves of eight at once.
        for (process, _, _) in running { process.waitUntilExit() }
        var failures: [String] = []
        for (process, _, err) in running where process.terminationStatus != 0 {
            failures.append((try? String(contentsOf: err, encoding: .utf8)) ?? "exit \(process.terminationStatus)")
        }
        for _ in 1..<perProcess {
            let wave = try (0..<8).map { _ in
                try startBackoffice(["move", "receipt", "BOLT-1", "1", "--to", "MAIN", "--db", f.path, "--user", "clerk"], in: f.folder)
            }
            for (process, _, err) in wave {
                process.waitUntilExit()
                if process.terminationStatus != 0 { failures.append((try? String(contentsOf: err, encoding: .utf8)) ?? "exit \(process.terminationStatus)") }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        let store = try await Store.open(path: f.path)
        let admin = Actor(user: try await store.signIn("admin"), source: .cli)
        #expect(try await store.stock(sku: "BOLT-1", by: admin).totals.onHand == 8 * perProcess)
        #expect(try await store.verify(by: admin).ok)
        await store.close()
    }

    @Test func aProcessKilledInTheMiddleOfALongBatchLeavesAStoreThatVerifies() async throws {
        let folder = TemporaryFolder()
        let path = folder.path("killed.sqlite")
        let (process, _, _) = try startBackoffice(["init", "--db", path, "--demo", "--items", "200000"], in: folder)
        // Wait until the batch is well under way: the store exists and has committed some chunks.
        let deadline = Date().addingTimeInterval(60)
        var committed = 0
        while Date() < deadline && process.isRunning {
            try await Task.sleep(for: .milliseconds(200))
            if FileManager.default.fileExists(atPath: path), let store = try? await Store.open(path: path) {
                committed = (try? await store.diagnose().counts["items"]) ?? 0
                await store.close()
                if committed >= 2 * Store.demoChunk { break }
            }
        }
        #expect(process.isRunning, "the batch finished before it could be killed; make it longer")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let result = try runBackoffice(["verify", "--db", path, "--user", "admin"], in: folder)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("integrity check: ok"))
        let store = try await Store.open(path: path)
        let items = try await store.diagnose().counts["items"] ?? 0
        #expect(items >= committed && items < 200_000)
        #expect(items % Store.demoChunk == 0, "only whole chunks are committed")
        await store.close()
    }
}
