import BackOfficeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let sshPath = ["/usr/bin/ssh", "/usr/local/bin/ssh"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// The real OpenSSH client against `backoffice serve-ssh` on 127.0.0.1 and a random free port.
@Suite("SSH server", .enabled(if: sshPath != nil, "the OpenSSH client is not installed"), .serialized)
struct SSHServerTests {
    /// A demo store, keys for a salesperson and a clerk (and one nobody registered), and the server running on it.
    final class Server: @unchecked Sendable {
        let folder = TemporaryFolder()
        let process: Process
        let log: URL
        let port: Int
        /// The store's file path or URL.
        let store: String

        /// A server on a new demo store (on `engine`), or, `sharing` another server, a second server on that one's
        /// store with its keys: two office hosts on one PostgreSQL store.
        init(serverOptions: [String] = [], engine: TestEngine = .sqlite, sharing other: Server? = nil) throws {
            if let other {
                store = other.store
                for name in ["sales", "clerk", "stranger"] {
                    for suffix in ["", ".pub"] {
                        try FileManager.default.copyItem(atPath: other.folder.path("id_\(name)\(suffix)"), toPath: folder.path("id_\(name)\(suffix)"))
                    }
                }
            } else {
                store = try engine.newStore(in: folder)
                try Self.makeStore(store, in: folder)
            }
            // A short stop grace: a test's server is stopped (SIGTERM) when it is let go, with any session a test left open.
            let (process, out, err) = try startBackoffice(["serve-ssh", "--db", store, "--listen", "127.0.0.1:0", "--stop-grace", "1",
                                                           "--host-key", folder.path("host_key")] + serverOptions, in: folder)
            self.process = process
            log = err
            var port: Int?
            for _ in 0..<200 where port == nil {
                let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
                if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
                   let value = line.split(separator: " ")[2].split(separator: ":").last.flatMap({ Int($0) }) {
                    port = value
                }
                usleep(50_000)
            }
            guard let port else {
                process.terminate()
                throw Failed("the server did not start: \((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
            }
            self.port = port
        }

        /// A demo store of 300 items at `store`, with keys for a salesperson and a clerk (and one nobody registered).
        static func makeStore(_ store: String, in folder: TemporaryFolder) throws {
            let created = try runBackoffice(["init", "--demo", "--items", "300", "--db", store], in: folder)
            guard created.status == 0 else { throw Failed("init: \(created.stderr)") }
            for name in ["sales", "clerk", "stranger"] {
                try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "\(name)@test", "-f", folder.path("id_\(name)")])
            }
            for name in ["sales", "clerk"] {
                let added = try runBackoffice(["--db", store, "--user", "admin", "users", "key", "add", name, folder.path("id_\(name).pub")],
                                              in: folder)
                guard added.status == 0 else { throw Failed("key add: \(added.stderr)") }
            }
        }

        deinit {
            process.terminate()
            process.waitUntilExit()
        }

        var serverLog: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func sshArguments(_ key: String, _ extra: [String] = []) -> [String] {
            ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes",
             "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "-i", folder.path("id_\(key)"),
             "-p", "\(port)"] + extra + ["127.0.0.1"]
        }

        /// `ssh` with `key` running `command`, to completion.
        func ssh(_ key: String, _ command: [String], options: [String] = []) throws -> CommandResult {
            try Self.run(sshPath!, sshArguments(key, options) + command)
        }

        func start(_ key: String, _ command: [String], options: [String] = []) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: sshPath!)
            process.arguments = sshArguments(key, options) + command
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }

        /// Starts `ssh` and returns a function that waits for it and gives its output. Spawned outside Foundation's
        /// `Process` (see `SpawnedProgram`): a long-running client started with it held up the end of every short
        /// command the test ran meanwhile until the client itself ended.
        func startCapturing(_ key: String, _ command: [String]) throws -> () -> CommandResult {
            let program = try SpawnedProgram(sshPath!, sshArguments(key) + command, in: folder.url.path)
            return { program.wait() }
        }

        func local(_ arguments: [String]) throws -> CommandResult {
            try runBackoffice(["--db", store] + arguments, in: folder)
        }

        @discardableResult
        static func run(_ path: String, _ arguments: [String]) throws -> CommandResult {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: path)
            process.arguments = arguments
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let output = out.fileHandleForReading.readDataToEndOfFile()
            let errors = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return CommandResult(status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
                                 stderr: String(decoding: errors, as: UTF8.self))
        }
    }

    struct Failed: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    func firstSKU(_ server: Server) throws -> String {
        let items = try server.local(["--user", "clerk", "items", "list", "--json"])
        return try #require(((items.json as? [[String: Any]])?.first?["sku"]) as? String)
    }

    @Test func givenARegisteredKeyWhenRunningStockThenTheAnswerIsTheCommandLinesAndUnknownKeysAreRefused() throws {
        let server = try Server()
        let sku = try firstSKU(server)

        let remote = try server.ssh("sales", ["stock", sku, "--json"])
        let local = try server.local(["--user", "sales", "stock", sku, "--json"])
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout == local.stdout)
        #expect(remote.stdout.contains("\"sku\" : \"\(sku)\""))

        let stranger = try server.ssh("stranger", ["stock", sku])
        #expect(stranger.status == 255)
        #expect(stranger.stderr.contains("Permission denied (publickey)"))
        #expect(stranger.stdout.isEmpty)
        #expect(server.serverLog.contains("refused unknown key"))
    }

    @Test func givenCommandsOverSSHWhenTheyFailOrAreNotAllowedThenTheExitCodeAndOneLineSaySo() throws {
        let server = try Server()
        let sku = try firstSKU(server)

        let missing = try server.ssh("sales", ["stock", "NO-SUCH-ITEM"])
        #expect(missing.status == 66)
        #expect(missing.stderr.contains("no item matches"))

        let before = try server.local(["--user", "clerk", "stock", sku, "--json"]).stdout
        let receipt = try server.ssh("sales", ["move", "receipt", sku, "5", "--to", "MAIN"])
        #expect(receipt.status == 77)
        #expect(receipt.stderr.contains("sales may not run `move receipt` over SSH"))
        #expect(receipt.stderr.split(separator: "\n").count == 1)
        #expect(try server.local(["--user", "clerk", "stock", sku, "--json"]).stdout == before)

        let otherUser = try server.ssh("sales", ["stock", sku, "--user", "admin"])
        #expect(otherUser.status == 77)
        #expect(otherUser.stderr.contains("--user is fixed by the server"))

        let shellWords = try server.ssh("sales", ["stock 'unbalanced"])
        #expect(shellWords.status == 64)
    }

    @Test func givenAClerkWhenPostingOverSSHThenTheMovementIsAuditedWithSourceSSHAndTheKey() throws {
        let server = try Server()
        let sku = try firstSKU(server)
        let fingerprint = try Server.run("/usr/bin/ssh-keygen", ["-l", "-f", server.folder.path("id_clerk.pub")]).stdout
            .split(separator: " ")[1]

        let receipt = try server.ssh("clerk", ["move", "receipt", sku, "3", "--to", "MAIN", "--ref", "SSH-1"])
        #expect(receipt.status == 0, "\(receipt.stderr)")

        let audit = try server.local(["--user", "admin", "audit", "--json", "--limit", "5"])
        let entries = try #require(audit.json as? [[String: Any]])
        let movement = try #require(entries.first { ($0["action"] as? String)?.hasPrefix("movement") == true }, "\(audit.stdout)")
        #expect(movement["actor"] as? String == "clerk")
        #expect(movement["source"] as? String == "ssh \(fingerprint)")
        #expect(entries.contains { $0["action"] as? String == "ssh.session" && ($0["after"] as? String)?.contains("move receipt") == true })
    }

    @Test func givenForwardingAndSubsystemsWhenAskedForThenTheServerRefusesThem() throws {
        let server = try Server()
        // -W opens a direct-tcpip channel, as -L does for each connection it forwards.
        let forward = try server.ssh("sales", [], options: ["-W", "127.0.0.1:\(server.port)"])
        #expect(forward.status == 255)
        #expect(server.serverLog.contains("forwarding is not offered"), "\(server.serverLog)")

        let remote = try server.ssh("sales", ["stock", "X"], options: ["-R", "0:127.0.0.1:9", "-o", "ExitOnForwardFailure=yes"])
        #expect(remote.status == 255, "\(remote.stderr)")

        let sftp = try Server.run("/usr/bin/sftp", ["-b", "/dev/null", "-P", "\(server.port)", "-o", "StrictHostKeyChecking=no",
                                                    "-o", "UserKnownHostsFile=/dev/null", "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
                                                    "-i", server.folder.path("id_sales"), "127.0.0.1"])
        #expect(sftp.status != 0)
        #expect(server.serverLog.contains("refused subsystem sftp"))
    }

    @Test func givenADeactivatedUserOrX11WhenConnectingThenNothingRuns() throws {
        let server = try Server()
        let edited = try server.local(["--user", "admin", "users", "edit", "clerk", "--no-active"])
        #expect(edited.status == 0, "\(edited.stderr)")
        let disabled = try server.ssh("clerk", ["search", "bolt"])
        #expect(disabled.status == 255)
        #expect(disabled.stdout.isEmpty)
        #expect(server.serverLog.contains("refused key") && server.serverLog.contains("of disabled user clerk"))

        // swift-nio-ssh cannot read an x11-req: the connection ends rather than the request being declined.
        let x11 = try Server.run("/usr/bin/env", ["DISPLAY=:0", sshPath!, "-X"] + server.sshArguments("sales") + ["search", "bolt"])
        #expect(x11.status != 0)
        #expect(x11.stdout.isEmpty)
    }

    @Test func givenAnIdleTimeoutWhenAConnectionSendsNothingThenTheServerClosesIt() throws {
        let server = try Server(serverOptions: ["--idle-timeout", "1"])
        // -N asks for no session at all: nothing crosses the connection after authentication.
        let idle = try server.ssh("sales", [], options: ["-N"])
        #expect(idle.status == 255)
        #expect(server.serverLog.contains("closed an idle connection from 127.0.0.1"))
    }

    @Test func givenAShellWithoutATerminalWhenOpenedThenItGetsTheOneLineMessage() throws {
        let server = try Server()
        let shell = try server.ssh("sales", [], options: ["-T"])
        #expect(shell.status == 64)
        #expect(shell.stderr.contains("must be a terminal"))
    }

    @Test func givenASalespersonWhenAskingWhenOverSSHThenTheAnswerIsTheLocalOneAndReorderIsRefused() throws {
        let server = try Server()
        let sku = try firstSKU(server)
        let remote = try server.ssh("sales", ["atp", sku, "--qty", "100000", "--json"])
        #expect(remote.status == 0, "\(remote.stderr)")
        #expect(remote.stdout == (try server.local(["--user", "sales", "atp", sku, "--qty", "100000", "--json"])).stdout)
        #expect((remote.stdout.data(using: .utf8).flatMap { try? JSONSerialization.jsonObject(with: $0) } as? [String: Any])?["date"] is NSNull)
        #expect(!remote.stdout.contains("QUAR"))
        let reorder = try server.ssh("sales", ["reorder"])
        #expect(reorder.status == 77)
        #expect(reorder.stderr.contains("may not run `reorder` over SSH"), "\(reorder.stderr)")
    }

    @Test func givenASalespersonWatchingARequestOverSSHWhenTheManagerAnswersThenTheOneShotCallPrintsTheAnswer() throws {
        let server = try Server()
        let sku = try firstSKU(server)
        let filed = try server.local(["--user", "sales", "request", "new", "--account", "ACME", "--sku", sku, "--qty", "3", "--priority", "high",
                                      "--json", "Can we ship 3 today?"])
        let id = try #require((filed.json as? [String: Any])?["id"] as? Int)
        let waiting = try server.startCapturing("sales", ["request", "watch", String(id), "--timeout", "30s"])
        #expect(eventually(10) { server.serverLog.contains("cmd=\"request watch \(id)") })
        usleep(300_000)
        let answered = try server.local(["--user", "manager", "request", "answer", String(id), "Yes, 3 from MAIN today"])
        #expect(answered.status == 0, "\(answered.stderr)")
        let probe = Process(); probe.executableURL = URL(fileURLWithPath: "/bin/bash")
        probe.arguments = ["-c", "ps -ef > /tmp/ps.txt; for p in $(pgrep -f backoffice); do echo PID $p; cat /proc/$p/cmdline | tr '\\0' ' '; echo; grep -e -shm -e sqlite /proc/$p/maps; ls -l /proc/$p/fd; done > /tmp/probe.txt 2>&1"]
        try probe.run(); probe.waitUntilExit()
        let result = waiting()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("request #\(id) answered"), "\(result.stdout)")
        #expect(result.stdout.contains("Yes, 3 from MAIN today") && result.stdout.contains("price then:"), "\(result.stdout)")
        #expect(!result.stdout.contains("margin") && !result.stdout.contains("cost"))
    }

    @Test func givenASalespersonFilingWithWaitOverSSHWhenTheManagerAnswersAtOnceThenTheOneShotCallPrintsTheAnswer() throws {
        let server = try Server()
        let sku = try firstSKU(server)
        let before = try server.local(["--user", "manager", "request", "list", "--view", "all", "--state", "any", "--limit", "1000", "--json"])
        let next = ((before.json as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }.max().map { $0 + 1 } ?? 1
        let waiting = try server.startCapturing("sales", ["request", "new", "--account", "ACME", "--sku", sku, "--qty", "2",
                                                          "--wait", "--timeout", "30s", "'Two today?'"])
        // The manager answers as soon as the request is there, while the salesperson's one call is waiting.
        #expect(eventually(20) { (try? server.local(["--user", "manager", "request", "show", String(next)]).status) == 0 })
        let answered = try server.local(["--user", "manager", "request", "answer", String(next), "Yes, two from MAIN"])
        #expect(answered.status == 0, "\(answered.stderr)")
        let result = waiting()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("filed request #\(next) for ACME"), "\(result.stdout)")
        #expect(result.stdout.contains("request #\(next) answered"), "\(result.stdout)")
        #expect(result.stdout.contains("Yes, two from MAIN") && result.stdout.contains("price then:"), "\(result.stdout)")
        #expect(!result.stdout.contains("margin") && !result.stdout.contains("cost"))
    }

    @Test func givenTwentySessionsAtOnceWhenTheyRunThenEveryOneAnswers() throws {
        // All twenty may be open at once on a loaded machine: the per-user limit (16 by default) is tested on its own.
        let server = try Server(serverOptions: ["--max-sessions-per-user", "20"])
        let sku = try firstSKU(server)
        let expected = try server.local(["--user", "sales", "stock", sku, "--json"]).stdout
        // Twenty clients started together, each waited for on a thread of its own.
        let clients = try (0..<20).map { _ in try server.startCapturing("sales", ["stock", sku, "--json"]) }
        let answers = clients.map { $0() }
        #expect(answers.count == 20)
        for answer in answers {
            #expect(answer.status == 0, "\(answer.stderr)")
            #expect(answer.stdout == expected)
        }
    }

    @Test func givenAConsoleSessionWhenTheClientIsKilledThenItsChildProcessEnds() throws {
        let server = try Server()
        let client = try server.start("sales", [], options: ["-tt"])
        var pid: Int32?
        for _ in 0..<100 where pid == nil {
            if let line = server.serverLog.split(separator: "\n").last(where: { $0.contains("console in a pty (pid ") }),
               let number = line.firstMatch(of: #/ pid=(\d+) /#)?.output.1 {
                pid = Int32(number)
            }
            usleep(50_000)
        }
        let child = try #require(pid, "\(server.serverLog)")
        #expect(kill(child, 0) == 0)

        kill(client.processIdentifier, SIGKILL)
        client.waitUntilExit()
        var gone = false
        for _ in 0..<100 where !gone {
            gone = kill(child, 0) == -1 && errno == ESRCH
            usleep(50_000)
        }
        #expect(gone, "the console child \(child) outlived its client")
    }
}

extension SSHServerTests {
    @Test("Given a terminal session in tmux, when the window is resized and the user quits, then the console follows and the SSH session ends",
          .enabled(if: tmuxPath != nil, "tmux is not installed"))
    func consoleOverSSHInTmux() throws {
        let server = try Server()
        let tmux = Tmux(path: tmuxPath!)
        defer { tmux.killServer() }
        let command = ([sshPath!, "-t"] + server.sshArguments("sales")).map { "'\($0)'" }.joined(separator: " ")
        try tmux.run(["new-session", "-d", "-s", "ssh", "-x", "80", "-y", "24",
                      "env TERM=tmux-256color LANG=C.UTF-8 \(command); echo SSH-EXIT=$?; exec sleep 60"])
        try tmux.run(["set-option", "-t", "ssh", "window-size", "manual"])

        let first = try tmux.waitForScreen(target: "ssh", seconds: 15) { $0.first?.contains("1 Inventory") == true && $0.count >= 24 }
        #expect(first.first?.contains("1 Inventory") == true, "\(first.joined(separator: "\n"))")
        #expect(first.last?.hasPrefix(" sales (sales)") == true)

        try tmux.run(["resize-window", "-t", "ssh", "-x", "120", "-y", "30"])
        let wide = try tmux.waitForScreen(target: "ssh") { $0.count >= 30 && $0[29].hasPrefix(" sales (sales)") }
        #expect(wide.count >= 30, "\(wide.joined(separator: "\n"))")
        #expect(wide.contains { $0.contains("┌─") && $0.count > 100 })

        try tmux.run(["send-keys", "-t", "ssh", "q"])
        let after = try tmux.waitForScreen(target: "ssh") { $0.contains { $0.hasPrefix("SSH-EXIT=") } }
        #expect(after.contains("SSH-EXIT=0"), "\(after.joined(separator: "\n"))")
    }

    @Test func givenSSHGateWhenSSHDPassesACommandThenTheRoleListAppliesAndNoCommandMeansTheConsole() throws {
        let server = try Server()
        let sku = try firstSKU(server)
        let gate = { (command: String?) throws -> CommandResult in
            var environment = ["BACKOFFICE_DB": server.store]
            if let command { environment["SSH_ORIGINAL_COMMAND"] = command }
            return try runBackoffice(["ssh-gate", "--user", "sales"], environment: environment, in: server.folder)
        }
        let answer = try gate("stock \(sku) --json")
        #expect(answer.status == 0, "\(answer.stderr)")
        #expect(answer.stdout == (try server.local(["--user", "sales", "stock", sku, "--json"])).stdout)

        let refused = try gate("move receipt \(sku) 1 --to MAIN")
        #expect(refused.status == 77)
        #expect(refused.stderr.contains("may not run `move receipt` over SSH"))

        // No command: the console, which needs a terminal; here there is none, so the one-line message.
        let console = try gate(nil)
        #expect(console.status == 64)
        #expect(console.stderr.contains("must be a terminal"))
    }
}

extension SSHServerTests {
    /// On hand in total of `sku`, as the clerk asks for it over SSH.
    func onHand(_ server: Server, _ sku: String) throws -> Int? {
        let answer = try server.ssh("clerk", ["stock", sku, "--json"])
        return ((answer.json as? [String: Any])?["totals"] as? [String: Any])?["onHand"] as? Int
    }

    @Test("Given two serve-ssh on one PostgreSQL store, when a receipt is posted through one, then the other answers with it and a console on it shows it",
          .enabled(if: TestEngine.postgresAvailable && tmuxPath != nil, "needs a PostgreSQL cluster and tmux"))
    func twoOfficeHostsOnOnePostgreSQLStore() throws {
        let first = try Server(engine: .postgres)
        let second = try Server(sharing: first)
        #expect(first.port != second.port)
        let sku = try firstSKU(first)
        let before = try #require(try onHand(second, sku))

        // A clerk's console on the second host, on the item.
        let tmux = Tmux(path: tmuxPath!)
        defer { tmux.killServer() }
        let command = ([sshPath!, "-t"] + second.sshArguments("clerk")).map { "'\($0)'" }.joined(separator: " ")
        try tmux.run(["new-session", "-d", "-s", "host2", "-x", "120", "-y", "30", "env TERM=tmux-256color LANG=C.UTF-8 \(command)"])
        let shown = try tmux.waitForScreen(target: "host2", seconds: 15) { $0.contains { $0.contains(sku) } }
        let row = try #require(shown.first { $0.contains(sku) }, "\(shown.joined(separator: "\n"))")

        let posted = try first.ssh("clerk", ["move", "receipt", sku, "7", "--to", "MAIN"])
        #expect(posted.status == 0, "\(posted.stderr)")
        #expect(try onHand(second, sku) == before + 7)
        // The console on the other host hears of it and re-reads its rows by itself.
        let after = try tmux.waitForScreen(target: "host2", seconds: 10) { screen in screen.contains { $0.contains(sku) && $0 != row } }
        #expect(after.contains { $0.contains(sku) && $0 != row }, "\(after.joined(separator: "\n"))")
    }
}
