@testable import BackOfficeSSH
import BackOfficeTestSupport
import Crypto
import Foundation
import NIOCore
import NIOPosix
import NIOSSH
import Testing

#if canImport(Glibc)
import Glibc
#endif

private let sshInstalled = ["/usr/bin/ssh", "/usr/local/bin/ssh"].contains { FileManager.default.isExecutableFile(atPath: $0) }

/// The server's limits, log lines and session lifetime against what a client may send: the OpenSSH client where it
/// can say it, swift-nio-ssh's client where OpenSSH refuses to send it (a newline in a login name, 11 bare session
/// channels), and raw TCP sockets before any SSH.
@Suite("SSH limits", .enabled(if: sshInstalled, "the OpenSSH client is not installed"), .serialized)
struct SSHLimitsTests {
    typealias Server = SSHServerTests.Server


    @Test func givenALoginNameWithANewlineAndAnEscapeWhenItIsRefusedThenTheLogHasOneEscapedLine() async throws {
        let server = try Server()
        let name = "evil\nforged: admin signed in \u{1B}]0;owned\u{7}"
        let client = try await SSHTestClient.connect(port: server.port, user: name, key: NIOSSHPrivateKey(ed25519Key: .init()))
        #expect(!client.signedIn)
        #expect(eventually { server.serverLog.contains("refused unknown key") }, "\(server.serverLog)")

        let log = server.serverLog
        #expect(!log.contains("\u{1B}"))
        #expect(!log.contains("\u{7}"))
        #expect(!log.split(separator: "\n").contains { $0.hasPrefix("forged") })
        #expect(log.contains(#"for evil\x0Aforged: admin signed in \x1B]0;owned\x07 from 127.0.0.1"#), "\(log)")
    }

    @Test func givenEnvNamesAndForwardTargetsWithControlCharactersWhenRefusedThenTheyAreEscapedInTheLog() async throws {
        let server = try Server()
        let key = try registeredKey(server, for: "sales")
        let client = try await SSHTestClient.connect(port: server.port, user: "sales", key: key)
        #expect(client.signedIn)
        let session = try await client.openChannel(.session)
        try await session.triggerUserOutboundEvent(SSHChannelRequestEvent.EnvironmentRequest(wantReply: true, name: "X\nforged env", value: "1"))
        _ = try? await client.openChannel(.directTCPIP(.init(targetHost: "host\nforged forward", targetPort: 22,
                                                             originatorAddress: try SocketAddress(ipAddress: "127.0.0.1", port: 1))))
        #expect(eventually { server.serverLog.contains("refused env") && server.serverLog.contains("forwarding is not offered") },
                "\(server.serverLog)")
        let log = server.serverLog
        #expect(log.contains(#"X\x0Aforged env"#), "\(log)")
        #expect(log.contains(#"host\x0Aforged forward"#), "\(log)")
        #expect(!log.split(separator: "\n").contains { $0.hasPrefix("forged") })
        try? await client.channel.close()
    }

    @Test func givenTenSessionChannelsOnOneConnectionWhenAnEleventhIsOpenedThenItIsRefusedAndAnotherConnectionStillGetsOne() async throws {
        let server = try Server()
        let key = try registeredKey(server, for: "sales")
        let client = try await SSHTestClient.connect(port: server.port, user: "sales", key: key)
        #expect(client.signedIn)
        for _ in 0..<10 { _ = try await client.openChannel(.session) }
        await #expect(throws: (any Error).self) { try await client.openChannel(.session) }
        #expect(server.serverLog.contains("refused a session channel for sales from 127.0.0.1: 10 already open on this connection"))

        let other = try await SSHTestClient.connect(port: server.port, user: "sales", key: key)
        _ = try await other.openChannel(.session)
        try? await client.channel.close()
        try? await other.channel.close()
    }

    @Test func givenAUserAtTheirSessionCapWhenTheyStartAnotherThenItIsRefusedWhileAnotherUserGetsIn() throws {
        let server = try Server(serverOptions: ["--max-sessions-per-user", "2"])
        let sku = try firstSKU(server)
        let consoles = try (0..<2).map { _ in try consoleClient(server, "sales") }
        defer { consoles.forEach { kill($0, SIGTERM) } }
        #expect(eventually { server.serverLog.components(separatedBy: "console in a pty").count == 3 }, "\(server.serverLog)")

        let third = try server.ssh("sales", ["stock", sku])
        #expect(third.status == 75, "\(third.stderr)")
        #expect(third.stderr.contains("sales already runs 2 sessions, the most one user may"))
        #expect(third.stdout.isEmpty)

        let clerk = try server.ssh("clerk", ["stock", sku])
        #expect(clerk.status == 0, "\(clerk.stderr)")
    }

    @Test func givenAConnectionThatNeverSignsInWhenTheGraceTimePassesThenTheServerClosesIt() throws {
        let server = try Server(serverOptions: ["--login-grace-time", "2"])
        let socket = try RawSocket(port: server.port)
        socket.send("SSH-2.0-OnlyAVersion\r\n")
        // Reads until the server closes; a server that never does makes this end after 30 s with the socket open.
        let closed = socket.readsToEnd(seconds: 30)
        #expect(closed)
        #expect(server.serverLog.contains("closed a connection from 127.0.0.1: not signed in within 2 s"), "\(server.serverLog)")
    }

    @Test func givenMaxStartupsConnectionsNotSignedInWhenOneMoreArrivesThenItIsClosedWithoutABanner() throws {
        let server = try Server(serverOptions: ["--max-startups", "3"])
        let waiting = try (0..<3).map { _ in try RawSocket(port: server.port) }
        for socket in waiting { #expect(socket.banner().hasPrefix("SSH-2.0-")) }
        let fourth = try RawSocket(port: server.port)
        #expect(fourth.banner() == "")
        #expect(server.serverLog.contains("3 connections are not signed in yet"), "\(server.serverLog)")
        _ = waiting
    }

    @Test func givenOneAddressOpeningConnectionsThatNeverSignInWhenItKeepsOnThenItsNewConnectionsAreClosedAtOnce() throws {
        let server = try Server(serverOptions: ["--max-connection-rate", "1"])
        var answered = 0
        for _ in 0..<60 {
            let socket = try RawSocket(port: server.port)
            if socket.banner().hasPrefix("SSH-2.0-") { answered += 1 }
        }
        // A burst of ten, then one a second: far fewer than sixty however slow this machine is.
        #expect(answered < 50, "\(answered) of 60 answered")
        #expect(server.serverLog.contains("refused connections from 127.0.0.1 for now"), "\(server.serverLog)")
        // A client with a key still gets in once the address has waited its turn.
        let sku = try firstSKU(server)
        #expect(eventually { (try? server.ssh("sales", ["stock", sku]).status) == 0 })
    }

    @Test func givenALiveConsoleWhenItsKeyIsRemovedThenTheServerEndsTheSession() throws {
        let server = try Server()
        let client = try consoleClient(server, "clerk")
        defer { kill(client, SIGTERM) }
        #expect(eventually { server.serverLog.contains("clerk (") && server.serverLog.contains("console in a pty") }, "\(server.serverLog)")
        let fingerprint = try Server.run("/usr/bin/ssh-keygen", ["-l", "-f", server.folder.path("id_clerk.pub")]).stdout
            .split(separator: " ")[1]

        let removed = try server.local(["--user", "admin", "users", "key", "remove", "clerk", String(fingerprint)])
        #expect(removed.status == 0, "\(removed.stderr)")
        #expect(eventually(30) { !isRunning(client) }, "the session outlived its key")
        #expect(server.serverLog.contains("ended the connection of clerk from 127.0.0.1: its key \(fingerprint) was removed"))
    }

    @Test func givenALiveConsoleWhenItsUserIsDeactivatedThenTheServerEndsTheSession() throws {
        let server = try Server()
        let screen = server.folder.path("clerk-screen")
        let client = try consoleClient(server, "clerk", screen: screen)
        defer { kill(client, SIGTERM) }
        // The console must have signed in first: a user deactivated before that is refused by the console itself, and
        // the server then has no session of theirs to end. It signs in before it writes anything to its terminal.
        #expect(eventually { ((try? FileManager.default.attributesOfItem(atPath: screen)[.size] as? Int) ?? 0) > 0 }, "\(server.serverLog)")

        let edited = try server.local(["--user", "admin", "users", "edit", "clerk", "--no-active"])
        #expect(edited.status == 0, "\(edited.stderr)")
        #expect(eventually(30) { !isRunning(client) }, "the session outlived its user's deactivation")
        #expect(server.serverLog.contains("ended the connection of clerk from 127.0.0.1: the user was deactivated"))
    }

    @Test func givenALocaleOrTerminalNameThatIsAPathWhenSentThenTheServerRefusesItAndTheSessionUsesTheDefault() throws {
        let server = try Server()
        let sku = try firstSKU(server)
        let path = try server.ssh("sales", ["stock", sku], options: ["-o", "SetEnv=LANG=/tmp/evil/locale"])
        #expect(path.status == 0, "\(path.stderr)")
        #expect(server.serverLog.contains("refused env LANG=/tmp/evil/locale from sales@127.0.0.1"), "\(server.serverLog)")

        let fine = try server.ssh("sales", ["stock", sku], options: ["-o", "SetEnv=LANG=en_GB.UTF-8"])
        #expect(fine.status == 0, "\(fine.stderr)")
        #expect(!server.serverLog.contains("refused env LANG=en_GB.UTF-8"))

        let terminal = try Server.run("/usr/bin/env", ["TERM=../../tmp/evil", "/usr/bin/ssh", "-tt"] + server.sshArguments("sales") + ["stock", sku])
        #expect(terminal.status == 0, "\(terminal.stderr)")
        #expect(server.serverLog.contains("refused TERM=../../tmp/evil from sales@127.0.0.1: using dumb"), "\(server.serverLog)")
    }

    @Test func givenFailuresFromManyAddressesWhenTheThrottleFillsThenItForgetsTheQuietestAndTenMinutesForgetAll() async {
        let throttle = FailureThrottle(maximumAddresses: 100)
        let start = Date()
        for index in 0..<1_000 { await throttle.failed("10.0.\(index / 256).\(index % 256)", now: start.addingTimeInterval(Double(index))) }
        #expect(await throttle.count <= 100)
        await throttle.prune(now: start.addingTimeInterval(1_000 + 601))
        #expect(await throttle.count == 0)
    }

    /// Starts `ssh -tt` with `key` (the console) through a shell that leaves it running and returns its pid.
    /// Foundation's `Process` is not used for it: while one of its children runs, it reaps no other, and every other
    /// command the test waits for would hang. What the console draws goes to `screen` when it is given.
    func consoleClient(_ server: Server, _ key: String, screen: String = "/dev/null") throws -> Int32 {
        let command = (["/usr/bin/ssh", "-tt"] + server.sshArguments(key)).map { "'\($0)'" }.joined(separator: " ")
        let started = try Server.run("/bin/sh", ["-c", "\(command) </dev/null >'\(screen)' 2>/dev/null & echo $!"])
        return try #require(Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Whether `pid` is alive and not a zombie waiting for a parent to reap it.
    func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let end = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: end)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }

    func firstSKU(_ server: Server) throws -> String {
        let items = try server.local(["--user", "clerk", "items", "list", "--json"])
        return try #require(((items.json as? [[String: Any]])?.first?["sku"]) as? String)
    }

    /// A new ed25519 key registered to `user`, for the swift-nio-ssh client.
    func registeredKey(_ server: Server, for user: String) throws -> NIOSSHPrivateKey {
        let key = NIOSSHPrivateKey(ed25519Key: .init())
        let file = server.folder.path("nio-\(UUID().uuidString).pub")
        try (String(openSSHPublicKey: key.publicKey) + " nio@test\n").write(toFile: file, atomically: true, encoding: .utf8)
        let added = try server.local(["--user", "admin", "users", "key", "add", user, file])
        guard added.status == 0 else { throw SSHServerTests.Failed("key add: \(added.stderr)") }
        return key
    }
}

/// swift-nio-ssh's client, for what the OpenSSH client will not send.
struct SSHTestClient {
    let channel: Channel
    let signedIn: Bool

    static func connect(port: Int, user: String, key: NIOSSHPrivateKey) async throws -> SSHTestClient {
        let outcome = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Bool.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSHHandler(
                        role: .client(.init(userAuthDelegate: OfferOneKey(user: user, key: key), serverAuthDelegate: AnyHostKey())),
                        allocator: channel.allocator, inboundChildChannelInitializer: nil))
                    try channel.pipeline.syncOperations.addHandler(SignInOutcome(outcome))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return SSHTestClient(channel: channel, signedIn: try await outcome.futureResult.get())
    }

    /// Opens a channel and sends nothing on it.
    @discardableResult
    func openChannel(_ type: SSHChannelType) async throws -> Channel {
        let channel = self.channel
        return try await channel.eventLoop.flatSubmit {
            let promise = channel.eventLoop.makePromise(of: Channel.self)
            do {
                try channel.pipeline.syncOperations.handler(type: NIOSSHHandler.self)
                    .createChannel(promise, channelType: type) { child, _ in child.eventLoop.makeSucceededVoidFuture() }
            } catch {
                promise.fail(error)
            }
            return promise.futureResult
        }.get()
    }

    final class OfferOneKey: NIOSSHClientUserAuthenticationDelegate, @unchecked Sendable {
        let user: String
        let key: NIOSSHPrivateKey
        var offered = false

        init(user: String, key: NIOSSHPrivateKey) {
            self.user = user
            self.key = key
        }

        func nextAuthenticationType(availableMethods: NIOSSHAvailableUserAuthenticationMethods,
                                    nextChallengePromise: EventLoopPromise<NIOSSHUserAuthenticationOffer?>) {
            // Failing the promise is how a client gives up: the connection ends.
            guard !offered else { return nextChallengePromise.fail(SSHServerTests.Failed("the key was refused")) }
            offered = true
            nextChallengePromise.succeed(.init(username: user, serviceName: "", offer: .privateKey(.init(privateKey: key))))
        }
    }

    final class AnyHostKey: NIOSSHClientServerAuthenticationDelegate, @unchecked Sendable {
        func validateHostKey(hostKey: NIOSSHPublicKey, validationCompletePromise: EventLoopPromise<Void>) {
            validationCompletePromise.succeed(())
        }
    }

    /// Succeeds with true once signed in, false when refused or closed first.
    final class SignInOutcome: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = Any
        let promise: EventLoopPromise<Bool>

        init(_ promise: EventLoopPromise<Bool>) { self.promise = promise }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is UserAuthSuccessEvent { promise.succeed(true) }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) {
            promise.succeed(false)
            context.close(promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            promise.succeed(false)
            context.fireChannelInactive()
        }
    }
}

/// A plain TCP connection to the server, for what happens before any SSH.
final class RawSocket {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(descriptor)
            throw SSHServerTests.Failed("cannot connect to 127.0.0.1:\(port) (errno \(errno))")
        }
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        _ = Array(text.utf8).withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// The first line the server sent, or "" when it closed first; waits at most ten seconds.
    func banner() -> String {
        var line = [UInt8]()
        setTimeout(10)
        var byte: UInt8 = 0
        while line.count < 255, recv(descriptor, &byte, 1, 0) == 1, byte != 10 { line.append(byte) }
        return String(decoding: line, as: UTF8.self)
    }

    /// Reads until the server closes the connection (true) or `seconds` pass without it (false).
    func readsToEnd(seconds: Int) -> Bool {
        setTimeout(seconds)
        var buffer = [UInt8](repeating: 0, count: 4_096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            if count == 0 { return true }
            if count < 0 { return errno == ECONNRESET }
        }
    }

    private func setTimeout(_ seconds: Int) {
        var time = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }
}
