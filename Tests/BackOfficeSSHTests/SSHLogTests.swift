import BackOfficeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let sshInstalled = ["/usr/bin/ssh", "/usr/local/bin/ssh"].contains { FileManager.default.isExecutableFile(atPath: $0) }

/// What an admin reads and does to a running `serve-ssh`: its log lines (logfmt, JSON), SIGHUP and SIGTERM.
@Suite("serve-ssh's log and signals", .enabled(if: sshInstalled, "the OpenSSH client is not installed"), .serialized)
struct SSHLogTests {
    typealias Server = SSHServerTests.Server


    func fingerprint(_ server: Server, _ key: String) throws -> String {
        String(try Server.run("/usr/bin/ssh-keygen", ["-l", "-f", server.folder.path("id_\(key).pub")]).stdout.split(separator: " ")[1])
    }

    @Test func givenASessionAndAnUnknownKeyThenTheLogHasOneLogfmtLineForEachWithItsFields() throws {
        let server = try Server()
        let answer = try server.ssh("sales", ["search", "bolt"])
        #expect(answer.status == 0, "\(answer.stderr)")
        let refused = try server.ssh("stranger", ["search", "bolt"])
        #expect(refused.status == 255)
        #expect(eventually { server.serverLog.contains("event=session.end") && server.serverLog.contains("event=auth.refused") })

        let lines = server.serverLog.split(separator: "\n").map(String.init)
        let sales = try fingerprint(server, "sales"), stranger = try fingerprint(server, "stranger")
        let start = try #require(lines.first { $0.contains("event=session.start") }, "\(lines)")
        let expectedStart = #/^ts=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ level=info event=session\.start user=sales key=(\S+) addr=127\.0\.0\.1 cmd="search bolt" pid=\d+ msg="sales \(\S+\) from 127\.0\.0\.1: search bolt \(pid \d+\)"$/#
        let started = try #require(start.wholeMatch(of: expectedStart), "\(start)")
        #expect(started.output.1 == sales)

        let refusal = try #require(lines.first { $0.contains("event=auth.refused") }, "\(lines)")
        let expectedRefusal = #/^ts=\S+ level=warning event=auth\.refused user=\S+ key=(\S+) addr=127\.0\.0\.1 reason="unknown key" msg="refused unknown key \S+ for \S+ from 127\.0\.0\.1"$/#
        let refusedLine = try #require(refusal.wholeMatch(of: expectedRefusal), "\(refusal)")
        #expect(refusedLine.output.1 == stranger)

        let end = try #require(lines.first { $0.contains("event=session.end") })
        #expect(end.contains(" user=sales ") && end.contains(" status=0 ") && end.contains(" duration="), "\(end)")
        // Every line is logfmt: ts first, then level, then the event.
        for line in lines where !line.isEmpty {
            #expect(line.wholeMatch(of: #/^ts=\S+ level=(info|notice|warning|error) event=[a-z_.]+ .*msg=".*"$/#) != nil, "\(line)")
        }
    }

    @Test func givenJSONLogFormatThenEachLineIsOneObjectWithTheSameFields() throws {
        let server = try Server(serverOptions: ["--log-format", "json"])
        let answer = try server.ssh("sales", ["search", "bolt"])
        #expect(answer.status == 0, "\(answer.stderr)")
        #expect(eventually { server.serverLog.contains("session.end") })
        let objects = try server.serverLog.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: String], "\($0)")
        }
        let start = try #require(objects.first { $0["event"] == "session.start" })
        #expect(start["level"] == "info")
        #expect(start["user"] == "sales")
        #expect(start["cmd"] == "search bolt")
        #expect(start["key"] == (try fingerprint(server, "sales")))
        #expect(start["ts"]?.hasSuffix("Z") == true)
        #expect(objects.first?["event"] == "server.start")
    }

    @Test func givenALogFileWhenItIsMovedAndTheServerGetsSIGHUPThenNewLinesGoToANewFile() throws {
        let folder = TemporaryFolder()
        let file = folder.path("serve-ssh.log")
        let server = try Server(serverOptions: ["--log-file", file])
        #expect(eventually { ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").contains("event=server.start") })
        try FileManager.default.moveItem(atPath: file, toPath: file + ".1")
        kill(server.process.processIdentifier, SIGHUP)
        #expect(eventually { FileManager.default.fileExists(atPath: file) })
        #expect(try server.ssh("sales", ["search", "bolt"]).status == 0)
        #expect(eventually { ((try? String(contentsOfFile: file, encoding: .utf8)) ?? "").contains("event=session.end") })
        let rotated = try String(contentsOfFile: file + ".1", encoding: .utf8)
        #expect(rotated.contains("event=server.start") && !rotated.contains("event=session.start"), "\(rotated)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).hasPrefix("ts="))
        #expect(server.process.isRunning)
    }

    @Test("Given a console open over SSH, when serve-ssh gets SIGTERM, then it takes no new connection, tells the console, waits the grace and exits 0",
          .enabled(if: tmuxPath != nil, "tmux is not installed"))
    func givenSIGTERMWithAConsoleOpen() throws {
        let server = try Server(serverOptions: ["--stop-grace", "6"])
        let tmux = Tmux(path: tmuxPath!)
        defer { tmux.killServer() }
        let command = (["/usr/bin/ssh", "-t"] + server.sshArguments("sales")).map { "'\($0)'" }.joined(separator: " ")
        try tmux.run(["new-session", "-d", "-s", "stop", "-x", "120", "-y", "30",
                      "env TERM=tmux-256color LANG=C.UTF-8 \(command); echo SSH-EXIT=$?; exec sleep 60"])
        let first = try tmux.waitForScreen(target: "stop", seconds: 15) { $0.first?.contains("1 Inventory") == true }
        #expect(first.first?.contains("1 Inventory") == true, "\(first.joined(separator: "\n"))")

        kill(server.process.processIdentifier, SIGTERM)
        let told = try tmux.waitForScreen(target: "stop", seconds: 15) { $0.contains { $0.contains("The SSH server is stopping") } }
        #expect(told.contains { $0.contains("The SSH server is stopping: this session ends in") }, "\(told.joined(separator: "\n"))")
        // Still within the grace: the console is served, and nobody new gets in.
        #expect(server.process.isRunning)
        let late = try server.ssh("sales", ["search", "bolt"])
        #expect(late.status == 255)

        server.process.waitUntilExit()
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        let ended = try tmux.waitForScreen(target: "stop", seconds: 15) { $0.contains { $0.hasPrefix("SSH-EXIT=") } }
        #expect(ended.contains { $0.hasPrefix("SSH-EXIT=") }, "\(ended.joined(separator: "\n"))")
        let log = server.serverLog
        #expect(log.contains("event=server.stopping grace=6 sessions=1 "), "\(log)")
        #expect(log.contains("event=server.stopped connections=1 ended=1 "), "\(log)")
    }
}
