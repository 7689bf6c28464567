import BackOfficeCore
@testable import BackOfficeSSH
import BackOfficeTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let floodSSHPath = ["/usr/bin/ssh", "/usr/local/bin/ssh"].first { FileManager.default.isExecutableFile(atPath: $0) }

/// A client that stops reading or a child that stops taking input holds back its own session only; children inherit
/// nothing of the server's but their own terminal or pipes. The real OpenSSH client against `backoffice serve-ssh`.
@Suite("SSH sessions under a flood", .enabled(if: floodSSHPath != nil, "the OpenSSH client is not installed"), .serialized)
struct SSHFloodTests {
    typealias Server = SSHServerTests.Server

    @Test func givenAConsoleClientThatNeverReadsAndKeepsTypingWhenAnotherUserRunsCommandsThenEveryOneAnswers() throws {
        let server = try Server()
        let sku = try SSHServerTests().firstSKU(server)
        let expected = try server.local(["--user", "clerk", "stock", sku, "--json"]).stdout
        let flood = try Flood(server, test: self)
        defer { flood.stop() }

        var seconds: [Double] = []
        for _ in 0..<10 {
            let started = Date()
            let answer = try runSSH(server, "clerk", ["stock", sku, "--json"], deadline: 20)
            seconds.append(Date().timeIntervalSince(started))
            #expect(answer?.status == 0, "\(answer?.stderr ?? "no answer within 20 s")")
            #expect(answer?.stdout == expected)
        }
        #expect(flood.isRunning, "the flooding client ended early, so nothing was flooded")
        let sorted = seconds.sorted()
        print("exec answers while a console client floods (\(flood.position) key bytes typed before it stalled):",
              "p50 \(milliseconds(sorted[sorted.count / 2])) ms, p99 \(milliseconds(sorted[sorted.count - 1])) ms over \(sorted.count)")
    }

    @Test func givenAFloodingConsoleClientWhenItIsKilledThenItsConsoleEndsAndTheServerStillAnswers() throws {
        let server = try Server()
        let sku = try SSHServerTests().firstSKU(server)
        let flood = try Flood(server, test: self)
        let console = try #require(childPID(server, user: "sales"), "\(server.serverLog)")

        flood.stop()
        let answer = try runSSH(server, "clerk", ["stock", sku, "--json"], deadline: 20)
        #expect(answer?.status == 0, "\(answer?.stderr ?? "no answer within 20 s")")
        #expect(answer?.stdout.contains("\"sku\" : \"\(sku)\"") == true)
        var gone = false
        for _ in 0..<400 where !gone {
            gone = kill(console, 0) == -1 && errno == ESRCH
            usleep(50_000)
        }
        #expect(gone, "the console \(console) outlived its flooding client")
    }

    @Test func givenTwoConsolesOpenWhenTheSecondStartsThenItsChildHoldsNoSocketAndNoOtherTerminal() throws {
        let server = try Server()
        let first = try Spawned(floodSSHPath!, server.sshArguments("sales", ["-tt"]), input: "/dev/null", output: "/dev/null",
                                errors: server.folder.path("first-errors"))
        defer { first.stop() }
        _ = try #require(childPID(server, user: "sales"), "\(server.serverLog)")
        let second = try Spawned(floodSSHPath!, server.sshArguments("clerk", ["-tt"]), input: "/dev/null", output: "/dev/null",
                                 errors: server.folder.path("second-errors"))
        defer { second.stop() }
        let child = try #require(childPID(server, user: "clerk"), "\(server.serverLog)")

        let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(child)/fd")
        let targets = Dictionary(uniqueKeysWithValues: descriptors.compactMap { name in
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(child)/fd/\(name)")).map { (Int(name) ?? -1, $0) }
        })
        let terminal = try #require(targets[0], "\(targets)")
        #expect(terminal.hasPrefix("/dev/pts/"))
        #expect(targets[1] == terminal && targets[2] == terminal, "\(targets)")
        let sockets = targets.filter { $0.value.hasPrefix("socket:") }
        #expect(sockets.isEmpty, "the console holds the server's sockets: \(targets.sorted { $0.key < $1.key })")
        let terminals = targets.filter { $0.value.hasPrefix("/dev/pt") && $0.value != terminal }
        #expect(terminals.isEmpty, "the console holds another terminal: \(terminals)")
    }

    @Test func givenAnArgumentHoldingANulOrAControlCharacterWhenAChildIsStartedThenNothingStarts() throws {
        let folder = TemporaryFolder()
        let marker = folder.path("started")
        // The shell touches the marker whatever its last argument: a child that starts leaves the file behind.
        for argument in ["--user\u{0}", "a\u{1B}]0;x", "b\u{9B}2J", "c\u{7F}"] {
            #expect(throws: Failure.self) {
                _ = try ChildProcess.onPipes(["/bin/sh", "-c", "touch '\(marker)'", argument], environment: [:])
            }
            do {
                _ = try ChildProcess.inTerminal(["/bin/sh", "-c", "touch '\(marker)'", argument], environment: [:], width: 80, height: 24)
                Issue.record("\(argument.debugDescription) started a child")
            } catch {
                #expect(error.kind == .usage)
                #expect(error.message.contains("control character"))
            }
        }
        usleep(200_000)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    // MARK: - Helpers

    /// A console client (`ssh -tt` on an 80 × 24 terminal) typing pane switches without end while its screen goes to a
    /// pipe that nobody reads: its window fills, the console blocks on output, stops reading keys, and the keys back up
    /// until the client stops reading them.
    final class Flood {
        let client: Spawned
        /// The keys typed before the client stopped taking more.
        private(set) var position = 0
        private var keyboard: Int32 = -1

        init(_ server: Server, test: SSHFloodTests) throws {
            var master: Int32 = -1, slave: Int32 = -1
            var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
            guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw SSHServerTests.Failed("openpty: errno \(errno)") }
            for end in [master, slave] { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)
            keyboard = master
            defer { close(slave) }
            client = try Spawned(floodSSHPath!, server.sshArguments("sales", ["-tt", "-e", "none"]), input: "/dev/null", output: nil,
                                 errors: "/dev/null", terminal: slave)
            _ = test.childPID(server, user: "sales")
            usleep(500_000)
            // Type until the keys have not moved for a second (every buffer on the way is full), or for a minute.
            let keys = Array(String(repeating: "12", count: 2048).utf8)
            var unchanged = 0
            for _ in 0..<6000 where unchanged < 100 && !client.ended {
                let count = keys.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
                if count > 0 {
                    position += count
                    unchanged = 0
                } else {
                    unchanged += 1
                    usleep(10_000)
                }
            }
        }

        deinit {
            stop()
        }

        var isRunning: Bool { !client.ended }

        func stop() {
            client.stop()
            if keyboard >= 0 { close(keyboard); keyboard = -1 }
        }
    }

    /// `ssh` with `key` running `command`; nil when it has not ended within `deadline` seconds (it is killed then).
    func runSSH(_ server: Server, _ key: String, _ command: [String], deadline: Double) throws -> CommandResult? {
        let out = server.folder.path("ssh-out-\(UUID().uuidString)")
        let err = server.folder.path("ssh-err-\(UUID().uuidString)")
        let client = try Spawned(floodSSHPath!, server.sshArguments(key) + command, input: "/dev/null", output: out, errors: err)
        guard let status = client.wait(seconds: deadline) else { return nil }
        return CommandResult(status: status, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// An ssh client started with posix_spawn and reaped with waitpid. Not Foundation's `Process`: on Linux it notices a
    /// child's exit through a descriptor the child inherits, which ssh closes at start, and then waits for one child at
    /// a time, so a long-lived client hides the exit of every other.
    final class Spawned {
        let pid: pid_t
        private var status: Int32?
        /// The read end of the pipe standing for the output when none is named: kept open and never read.
        private var screen: Int32 = -1

        /// Standard input from the file `input`, output to the file `output` (or a pipe nobody reads), errors to `errors`.
        init(_ path: String, _ arguments: [String], input: String, output: String?, errors: String, terminal: Int32? = nil) throws {
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            if let terminal {
                posix_spawn_file_actions_adddup2(&actions, terminal, 0)
            } else {
                posix_spawn_file_actions_addopen(&actions, 0, input, O_RDONLY, 0)
            }
            var ends: [Int32] = [-1, -1]
            if let output {
                posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            } else {
                guard pipe(&ends) == 0 else { throw SSHServerTests.Failed("pipe: errno \(errno)") }
                for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
                posix_spawn_file_actions_adddup2(&actions, ends[1], 1)
                screen = ends[0]
            }
            posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            let argv = ([path] + arguments).map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var pid = pid_t()
            let result = posix_spawn(&pid, path, &actions, nil, argv, environ)
            if ends[1] >= 0 { close(ends[1]) }
            guard result == 0 else { throw SSHServerTests.Failed("cannot start \(path): error \(result)") }
            self.pid = pid
        }

        deinit {
            stop()
        }

        var ended: Bool {
            if status == nil { reap(WNOHANG) }
            return status != nil
        }

        /// The exit status (128 + the signal when killed), or nil when still running after `seconds` (then it is killed).
        func wait(seconds: Double) -> Int32? {
            let end = Date().addingTimeInterval(seconds)
            while !ended && Date() < end { usleep(10_000) }
            guard let status else {
                stop()
                return nil
            }
            return status
        }

        func stop() {
            if status == nil {
                kill(pid, SIGKILL)
                reap(0)
            }
            if screen >= 0 { close(screen); screen = -1 }
        }

        private func reap(_ options: Int32) {
            var value: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &value, options) } while result == -1 && errno == EINTR
            guard result == pid else { return }
            status = value & 0x7f == 0 ? (value >> 8) & 0xff : 128 + (value & 0x7f)
        }
    }

    /// The pid of `user`'s console child, from the server's log (waits up to ten seconds for it).
    func childPID(_ server: Server, user: String) -> Int32? {
        for _ in 0..<200 {
            if let line = server.serverLog.split(separator: "\n").last(where: { $0.contains("\(user) (") && $0.contains("console in a pty (pid ") }),
               let number = line.firstMatch(of: #/ pid=(\d+) /#)?.output.1, let pid = Int32(number) {
                return pid
            }
            usleep(50_000)
        }
        return nil
    }

    func milliseconds(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }
}
