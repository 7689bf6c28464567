import BackOfficeCore
import BackOfficeSSH
import BackOfficeStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `bench --ssh`: the SSH server's figures with the real OpenSSH client over loopback.
///
/// It registers a fresh key to the store's `sales` user, starts `serve-ssh` on a free port as a separate process, and
/// measures: an exec `stock` answer over SSH against the same command run locally; the time from starting `ssh -tt` to
/// the console's first frame; the server's memory idle and with ten idle console sessions, and each session's child;
/// and how many exec sessions a second the server opens and completes.
enum SSHBench {
    static func run(store: Store, path: String, samples: Int) async throws {
        guard let ssh = ["/usr/bin/ssh", "/usr/local/bin/ssh"].first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw Failure(.notFound, "bench --ssh needs the OpenSSH client (apt-get install openssh-client)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backoffice-ssh-bench-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let keyPath = folder + "/id_bench"
        _ = try Bench.runProgram("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", keyPath])
        let admin = Actor(user: try await store.signIn("bench"), source: .cli)
        let line = try PublicKeyLine(try String(contentsOfFile: keyPath + ".pub", encoding: .utf8), source: keyPath + ".pub")
        let key = try await store.addUserKey("sales", algorithm: line.algorithm, blob: line.blob, comment: "bench", by: admin)
        let sku = try await store.items(limit: 1, by: admin).first?.sku ?? "?"

        // The server, as its own process.
        let out = folder + "/server.out", err = folder + "/server.err"
        let server = Process()
        server.executableURL = URL(fileURLWithPath: ServeSSH.executablePath)
        server.arguments = ["serve-ssh", "--db", path, "--listen", "127.0.0.1:0", "--host-key", folder + "/host_key", "--max-sessions", "200"]
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        server.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        server.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        var port = 0
        for _ in 0..<200 where port == 0 {
            usleep(50_000)
            let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            port = text.split(separator: "\n").first { $0.hasPrefix("listening on ") }
                .flatMap { $0.split(separator: " ")[2].split(separator: ":").last.flatMap { Int($0) } } ?? 0
        }
        guard port > 0 else { throw Failure(.storeFailure, "bench: serve-ssh did not start: \((try? String(contentsOfFile: err, encoding: .utf8)) ?? "")") }
        let options = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
                       "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-i", keyPath, "-p", "\(port)"]
        print("ssh server on 127.0.0.1:\(port), key \(key.fingerprint) for sales, store \(path)")
        let serverIdle = residentKiB(server.processIdentifier)

        // Exec answers: over SSH and locally.
        let runs = max(10, min(samples, 100))
        var remote: [Duration] = [], local: [Duration] = []
        for _ in 0..<runs {
            remote.append(try Bench.runProgram(ssh, options + ["127.0.0.1", "stock", sku, "--json"]))
            local.append(try Bench.runProgram(ServeSSH.executablePath, ["stock", sku, "--json", "--db", path, "--user", "sales"]))
        }
        print(Bench.line("exec `stock --json` over ssh (wall)", remote))
        print(Bench.line("the same `stock --json` run locally (wall)", local))

        // The console: ssh start to first frame, and ten idle sessions held open.
        var firstFrames: [Duration] = []
        var sessions: [PseudoTerminalPair] = []
        for _ in 0..<10 {
            let pty = try PseudoTerminalPair(width: 120, height: 40)
            let started = ContinuousClock.now
            _ = try pty.spawn([ssh, "-tt"] + options + ["127.0.0.1"], environment: ["TERM=xterm-256color", "LANG=C.UTF-8", "HOME=\(folder)"])
            pty.waitForQuiet(afterBytes: 2_000, quietMilliseconds: 200, timeoutSeconds: 30)
            if let last = pty.firstScreenAt { firstFrames.append(last - started) }
            sessions.append(pty)
        }
        print(Bench.line("ssh -tt start to the console's first frame", firstFrames))
        let serverBusy = residentKiB(server.processIdentifier)
        let log = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        let children = log.split(separator: "\n").filter { $0.contains("console in a pty (pid ") }
            .compactMap { $0.split(separator: "(pid ").last.flatMap { Int32($0.dropLast()) } }
        let childMemory = children.map { Bench.ProcessMemory(of: $0) }.filter { $0.resident > 0 }
        func averageMiB(_ figure: (Bench.ProcessMemory) -> Int) -> Int { childMemory.map(figure).reduce(0, +) / childMemory.count / 1024 }
        print("server resident memory: \(serverIdle / 1024) MiB idle, \(serverBusy / 1024) MiB with 10 console sessions open"
              + " (+\((serverBusy - serverIdle) / 10) KiB each in the server)")
        if !childMemory.isEmpty {
            print("each session's console process: \(averageMiB(\.resident)) MiB resident on average (\(childMemory.count) measured);"
                  + " \(averageMiB(\.own)) MiB of it its own, the rest the binary's pages every session"
                  + " shares: \(averageMiB(\.proportional)) MiB proportional share (PSS) each")
        }
        for pty in sessions { pty.type("q") }
        usleep(500_000)

        // Sessions a second: exec sessions, eight at a time.
        let total = 200
        let clock = ContinuousClock()
        let started = clock.now
        let next = NSLock()
        nonisolated(unsafe) var issued = 0
        nonisolated(unsafe) var failures = 0
        // Eight threads of our own: `concurrentPerform` runs no more iterations at once than there are cores, so on
        // a 2-core machine it measured two clients, not eight.
        let finished = DispatchGroup()
        for _ in 0..<8 {
            finished.enter()
            Thread.detachNewThread {
                defer { finished.leave() }
                while true {
                    let mine: Bool = next.withLock { issued < total ? { issued += 1; return true }() : false }
                    guard mine else { return }
                    if (try? Bench.runProgram(ssh, options + ["127.0.0.1", "search", "bolt", "--limit", "1"])) == nil {
                        next.withLock { failures += 1 }
                    }
                }
            }
        }
        finished.wait()
        let elapsed = clock.now - started
        let seconds = elapsed.seconds
        print(String(format: "exec sessions opened, run and closed: %d in %.2f s, %.1f a second (8 clients at once, %d failed)",
                     total, seconds, Double(total) / seconds, failures))
        _ = try? await store.removeUserKey("sales", fingerprint: key.fingerprint, by: admin)
    }

    static func residentKiB(_ pid: Int32) -> Int { Bench.memoryKiB("VmRSS", of: String(pid)) }
}
