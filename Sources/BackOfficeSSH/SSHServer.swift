import BackOfficeCore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSH

/// The built-in SSH server: public keys registered in the store let their users in, each session runs the console or
/// one command as a child process of its own, as that user.
public final class SSHServer: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var hostKey: NIOSSHPrivateKey
        public var maxSessions: Int
        /// Seconds without a byte either way before a connection is closed; 0 never.
        public var idleTimeout: Int
        /// The `backoffice` executable that sessions run.
        public var executable: String
        public var storePath: String
        /// Passed to every child: PATH, HOME, XDG folders for themes.
        public var environment: [String: String]
        /// Decides whether a role may run an exec command, given its words as the client sent them split: throws a
        /// one-line refusal. The executable passes one that decides on the parsed command (what would run).
        public var commandPolicy: @Sendable (_ words: [String], _ role: Role) throws(Failure) -> Void
        /// Session channels one connection may have open at once (OpenSSH's `MaxSessions`).
        public var maxChannelsPerConnection = 10
        /// Sessions one user may have running at once, over all their connections.
        public var maxSessionsPerUser = 16
        /// Connections not signed in yet, at most, from everywhere (OpenSSH's `MaxStartups`).
        public var maxStartups = 32
        /// Connections a second one address may end without signing in, after a burst of `connectionBurst`; beyond
        /// that its new connections are closed at once (in the spirit of OpenSSH's `PerSourcePenalties`).
        public var connectionRate = 2
        public var connectionBurst = 10
        /// Seconds a connection has to sign in before it is closed (OpenSSH's `LoginGraceTime`).
        public var loginGraceTime = 30
        /// Seconds between checks that each signed-in connection's key is still registered to an active user.
        public var keyCheckInterval = 3
        /// A file the server writes when it is stopping (the time sessions end, in seconds since 1970); its consoles
        /// are given its path and show the notice.
        public var stopNoticePath: String?

        public init(host: String, port: Int, hostKey: NIOSSHPrivateKey, maxSessions: Int, idleTimeout: Int, executable: String,
                    storePath: String, environment: [String: String],
                    commandPolicy: @escaping @Sendable (_ words: [String], _ role: Role) throws(Failure) -> Void) {
            self.host = host
            self.port = port
            self.hostKey = hostKey
            self.maxSessions = maxSessions
            self.idleTimeout = idleTimeout
            self.executable = executable
            self.storePath = storePath
            self.environment = environment
            self.commandPolicy = commandPolicy
        }
    }

    let configuration: Configuration
    let store: any StoreContract
    /// One line per event, each with its level, its name (`session.start`) and fields; the handler the executable
    /// gives it escapes whatever a client sent (a login name, an env name, an error's text), so one event is always one
    /// line and no escape sequence reaches whoever reads the log.
    let logger: Logger
    let throttle = FailureThrottle()
    let limits: Limits
    private var channel: Channel?
    /// Completed when the server has stopped: by `stop`, or when the listening socket closed on its own.
    private let stopped = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Void.self)
    private let stopping = NIOLockedValueBox(false)

    public init(configuration: Configuration, store: any StoreContract, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        limits = Limits(configuration)
    }

    /// Logs `event` at `level`: the sentence for people, the fields for whoever filters the log.
    func log(_ level: Logger.Level, _ event: String, _ message: String, _ fields: KeyValuePairs<String, String> = [:]) {
        var metadata: Logger.Metadata = ["event": .string(event)]
        for (name, value) in fields { metadata[name] = .string(value) }
        logger.log(level: level, "\(message)", metadata: metadata)
    }

    /// Binds the listening socket; returns the port (useful with port 0).
    public func start() async throws -> Int {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socket(SocketOptionLevel(SOL_SOCKET), SO_REUSEADDR), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.setUp(connection: channel)
                }
            }
        do {
            let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
            self.channel = channel
            startKeyChecks(until: channel)
            channel.closeFuture.whenComplete { [self] _ in
                if !stopping.withLockedValue({ $0 }) { stopped.succeed() }
            }
            return channel.localAddress?.port ?? configuration.port
        } catch {
            throw Failure(.usage, "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// Waits until the server stops.
    public func wait() async throws {
        try await stopped.futureResult.get()
    }

    /// Stops as an admin expects on SIGTERM: no new connections; consoles are told when their session will end;
    /// running sessions get up to `grace` seconds to finish; then every connection left is closed (their children are
    /// hung up, as when a client goes away) and `wait` returns.
    public func stop(grace: Int) async {
        guard !stopping.withLockedValue({ let was = $0; $0 = true; return was }) else { return }
        let end = Date().addingTimeInterval(TimeInterval(grace))
        let running = limits.runningSessions()
        log(.notice, "server.stopping", "stopping: no new connections; \(running) sessions have up to \(grace) s to end",
            ["sessions": String(running), "grace": String(grace)])
        try? await channel?.close()
        if let path = configuration.stopNoticePath {
            try? Data(String(UTC.seconds(end)).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        }
        while limits.runningSessions() > 0 && Date() < end {
            try? await Task.sleep(for: .milliseconds(100))
        }
        let left = limits.runningSessions()
        let connections = limits.openConnections()
        for connection in connections { connection.channel.close(promise: nil) }
        // The children of the sessions ended are hung up as the channels close; give them a moment to be reaped.
        for _ in 0..<50 where limits.runningSessions() > 0 {
            try? await Task.sleep(for: .milliseconds(100))
        }
        log(.notice, "server.stopped", left == 0 ? "stopped: every session had ended"
                : "stopped: \(left) sessions still running at the end of the grace were ended",
            ["ended": String(left), "connections": String(connections.count)])
        stopped.succeed()
    }

    private func setUp(connection channel: Channel) throws {
        let address = channel.remoteAddress?.ipAddress ?? "?"
        let connection = Connection(address: address, channel: channel)
        switch limits.admit(connection) {
        case .admitted:
            break
        case .refused(let why):
            if let why { log(.warning, "connection.refused", "refused connections from \(address) for now: \(why)", ["addr": address, "reason": why]) }
            channel.close(promise: nil)
            return
        }
        let grace = configuration.loginGraceTime
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(Int64(grace))) { [self] in
            guard connection.identity == nil else { return }
            log(.notice, "connection.login_timeout", "closed a connection from \(address): not signed in within \(grace) s", ["addr": address])
            channel.close(promise: nil)
        }
        channel.closeFuture.whenComplete { [self] _ in
            deadline.cancel()
            limits.closed(connection)
        }
        let handlers = channel.pipeline.syncOperations
        if configuration.idleTimeout > 0 {
            try handlers.addHandler(IdleStateHandler(allTimeout: .seconds(Int64(configuration.idleTimeout))))
        }
        let authenticator = KeyAuthenticator(connection: connection, server: self)
        try handlers.addHandler(NIOSSHHandler(
            role: .server(.init(hostKeys: [configuration.hostKey], userAuthDelegate: authenticator)),
            allocator: channel.allocator,
            inboundChildChannelInitializer: { [self] child, type in
                self.setUp(session: child, type: type, connection: connection)
            }))
        try handlers.addHandler(ConnectionEnd(server: self, address: address))
    }

    private func setUp(session channel: Channel, type: SSHChannelType, connection: Connection) -> EventLoopFuture<Void> {
        guard case .session = type else {
            let what = switch type {
            case .directTCPIP(let target): "a direct-tcpip channel to \(target.targetHost):\(target.targetPort)"
            case .forwardedTCPIP(let listener): "a forwarded-tcpip channel for \(listener.listeningHost):\(listener.listeningPort)"
            case .session: "a session channel"
            }
            log(.warning, "channel.refused", "refused \(what) from \(connection.address) (\(connection.identity?.user.name ?? "?")): forwarding is not offered",
                ["user": connection.identity?.user.name ?? "", "addr": connection.address])
            return channel.eventLoop.makeFailedFuture(Failure(.permissionDenied, "only sessions"))
        }
        guard let identity = connection.identity else {
            return channel.eventLoop.makeFailedFuture(Failure(.permissionDenied, "not signed in"))
        }
        guard limits.openChannel(on: connection) else {
            log(.warning, "channel.refused", "refused a session channel for \(identity.user.name) from \(connection.address): "
                + "\(configuration.maxChannelsPerConnection) already open on this connection", ["user": identity.user.name, "addr": connection.address])
            return channel.eventLoop.makeFailedFuture(Failure(.busy, "too many session channels on this connection"))
        }
        channel.closeFuture.whenComplete { [self] _ in limits.closeChannel(on: connection) }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(SessionAdmission(identity: identity, address: connection.address, server: self))
            try channel.pipeline.syncOperations.addHandler(SessionHandler(identity: identity, address: connection.address, server: self))
        }
    }

    /// Every few seconds, while anyone is signed in, ends the connections whose key was removed or given to someone
    /// else, or whose user was deactivated: one store read for all of them.
    private func startKeyChecks(until listener: Channel) {
        let interval = configuration.keyCheckInterval
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(interval))
                await throttle.prune()
                limits.prune()
                let live = limits.signedIn()
                guard !live.isEmpty else { continue }
                let holders: [String: User]
                do {
                    holders = try await store.keyHolders()
                } catch {
                    log(.error, "keys.check_failed", "cannot check the keys of signed-in users: \(error)")
                    continue
                }
                for connection in live {
                    guard let identity = connection.identity else { continue }
                    let why: String
                    if let holder = holders[identity.fingerprint] {
                        if holder.id != identity.user.id {
                            why = "its key now belongs to \(holder.name)"
                        } else if !holder.active {
                            why = "the user was deactivated"
                        } else {
                            continue
                        }
                    } else {
                        why = "its key \(identity.fingerprint) was removed"
                    }
                    log(.notice, "connection.ended", "ended the connection of \(identity.user.name) from \(connection.address): \(why)",
                        ["user": identity.user.name, "key": identity.fingerprint, "addr": connection.address])
                    connection.channel.close(promise: nil)
                }
            }
        }
        listener.closeFuture.whenComplete { _ in task.cancel() }
    }
}

/// One connection: where it came from, and who it signed in as once a key was accepted.
final class Connection: @unchecked Sendable {
    struct Identity {
        var user: User
        var fingerprint: String
    }

    let address: String
    let channel: Channel
    private let lock = NSLock()
    private var _identity: Identity?

    init(address: String, channel: Channel) {
        self.address = address
        self.channel = channel
    }

    var identity: Identity? {
        get { lock.withLock { _identity } }
        set { lock.withLock { _identity = newValue } }
    }
}

/// What the server counts to hold its limits: connections not signed in yet (all, and a penalty per address for
/// those that end so), the connections signed in, session channels per connection, and running sessions (all, and per
/// user). A session counts from when its console or command starts, not from when its channel opens.
final class Limits: @unchecked Sendable {
    enum Admission {
        case admitted
        /// `why` is set the first time an address is refused after being let in, so a flood logs one line, not one
        /// a connection.
        case refused(why: String?)
    }

    private struct Source {
        /// Connections this address may still end without signing in before it is refused; refills with time.
        var allowance: Double
        var updated: Date
        var refusing = false
    }

    private struct State {
        var pending: Set<ObjectIdentifier> = []
        var signedIn: [ObjectIdentifier: Connection] = [:]
        var channels: [ObjectIdentifier: Int] = [:]
        var running = 0
        var runningByUser: [Int64: Int] = [:]
        /// Every connection admitted and not yet closed, signed in or not: what a stop ends.
        var open: [ObjectIdentifier: Connection] = [:]
        var sources: [String: Source] = [:]
    }

    /// Addresses remembered at most; past that the ones that would be forgiven soonest go first.
    static let maximumSources = 65_536

    private let configuration: SSHServer.Configuration
    private let state = NIOLockedValueBox(State())
    private let now: @Sendable () -> Date

    init(_ configuration: SSHServer.Configuration, now: @escaping @Sendable () -> Date = Date.init) {
        self.configuration = configuration
        self.now = now
    }

    /// A new connection: refused when too many are not signed in yet, or when its address has used up its allowance.
    func admit(_ connection: Connection) -> Admission {
        let time = now()
        return state.withLockedValue { state in
            var source = refilled(state.sources[connection.address], at: time)
            defer { state.sources[connection.address] = source }
            guard source.allowance >= 1 else {
                let first = !source.refusing
                source.refusing = true
                return .refused(why: first ? "\(configuration.connectionBurst) connections ended without signing in, "
                                + "more than \(configuration.connectionRate) a second" : nil)
            }
            guard state.pending.count < configuration.maxStartups else {
                let first = !source.refusing
                source.refusing = true
                return .refused(why: first ? "\(configuration.maxStartups) connections are not signed in yet" : nil)
            }
            source.refusing = false
            state.pending.insert(ObjectIdentifier(connection))
            state.open[ObjectIdentifier(connection)] = connection
            return .admitted
        }
    }

    /// A connection signed in: it no longer counts against `maxStartups`, and the key check watches it.
    func signedIn(_ connection: Connection) {
        state.withLockedValue { state in
            let id = ObjectIdentifier(connection)
            guard state.pending.remove(id) != nil else { return }
            state.signedIn[id] = connection
        }
    }

    /// A connection ended; one that never signed in costs its address one from its allowance.
    func closed(_ connection: Connection) {
        let time = now()
        state.withLockedValue { state in
            let id = ObjectIdentifier(connection)
            state.open[id] = nil
            state.signedIn[id] = nil
            state.channels[id] = nil
            guard state.pending.remove(id) != nil else { return }
            var source = refilled(state.sources[connection.address], at: time)
            source.allowance = max(0, source.allowance - 1)
            state.sources[connection.address] = source
            if state.sources.count > Self.maximumSources { Self.forget(&state.sources, down: Self.maximumSources * 3 / 4) }
        }
    }

    func signedIn() -> [Connection] {
        state.withLockedValue { Array($0.signedIn.values) }
    }

    /// Every open connection, signed in or not.
    func openConnections() -> [Connection] {
        state.withLockedValue { Array($0.open.values) }
    }

    /// Sessions running now.
    func runningSessions() -> Int {
        state.withLockedValue { $0.running }
    }

    /// A session channel opening on `connection`: false when it has its share open already.
    func openChannel(on connection: Connection) -> Bool {
        state.withLockedValue { state in
            let id = ObjectIdentifier(connection)
            guard state.channels[id, default: 0] < configuration.maxChannelsPerConnection else { return false }
            state.channels[id, default: 0] += 1
            return true
        }
    }

    func closeChannel(on connection: Connection) {
        state.withLockedValue { state in
            let id = ObjectIdentifier(connection)
            guard let open = state.channels[id] else { return }
            state.channels[id] = open > 1 ? open - 1 : nil
        }
    }

    /// A session about to run for `user`: nil when it may (and then it counts until `endSession`), else why not.
    func startSession(for user: User) -> String? {
        state.withLockedValue { state in
            guard state.running < configuration.maxSessions else {
                return "\(configuration.maxSessions) sessions are running already; try again later"
            }
            guard state.runningByUser[user.id, default: 0] < configuration.maxSessionsPerUser else {
                return "\(user.name) already runs \(configuration.maxSessionsPerUser) sessions, the most one user may; end one first"
            }
            state.running += 1
            state.runningByUser[user.id, default: 0] += 1
            return nil
        }
    }

    func endSession(for user: User) {
        state.withLockedValue { state in
            state.running -= 1
            let left = state.runningByUser[user.id, default: 1] - 1
            state.runningByUser[user.id] = left > 0 ? left : nil
        }
    }

    /// Forgets the addresses whose allowance is whole again.
    func prune() {
        let time = now()
        state.withLockedValue { state in
            state.sources = state.sources.filter { refilled($0.value, at: time).allowance < Double(configuration.connectionBurst) }
        }
    }

    private func refilled(_ source: Source?, at time: Date) -> Source {
        let burst = Double(configuration.connectionBurst)
        guard var source else { return Source(allowance: burst, updated: time) }
        let elapsed = max(0, time.timeIntervalSince(source.updated))
        source.allowance = min(burst, source.allowance + elapsed * Double(configuration.connectionRate))
        source.updated = time
        return source
    }

    private static func forget(_ sources: inout [String: Source], down count: Int) {
        let kept = sources.sorted { $0.value.allowance < $1.value.allowance }.prefix(count)
        sources = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
    }
}

/// Lets a session's console or command start only within the limits on running sessions; one refused ends with a
/// one-line message and exit status 75, as a refused command does.
final class SessionAdmission: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = SSHChannelData

    let identity: Connection.Identity
    let address: String
    let server: SSHServer
    private var decided = false

    init(identity: Connection.Identity, address: String, server: SSHServer) {
        self.identity = identity
        self.address = address
        self.server = server
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        let wantReply: Bool
        switch event {
        case let request as SSHChannelRequestEvent.ShellRequest: wantReply = request.wantReply
        case let request as SSHChannelRequestEvent.ExecRequest: wantReply = request.wantReply
        default: return context.fireUserInboundEventTriggered(event)
        }
        // A second shell or exec on the same channel is the session handler's to refuse.
        guard !decided else { return context.fireUserInboundEventTriggered(event) }
        decided = true
        let (limits, user) = (server.limits, identity.user)
        guard let refusal = limits.startSession(for: user) else {
            context.channel.closeFuture.whenComplete { _ in limits.endSession(for: user) }
            return context.fireUserInboundEventTriggered(event)
        }
        server.log(.warning, "session.refused", "refused a session for \(user.name) from \(address): \(refusal)", ["user": user.name, "addr": address])
        if wantReply { context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil) }
        let channel = context.channel
        var bytes = channel.allocator.buffer(capacity: 128)
        bytes.writeString("backoffice: \(refusal)\n")
        channel.writeAndFlush(SSHChannelData(type: .stdErr, data: .byteBuffer(bytes)), promise: nil)
        let status = Int(FailureKind.busy.exitCode)
        channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: status)).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}

/// What a client may set `TERM` and `LANG` to: letters, digits and `._@-`, at most 64 bytes, not starting with `/` or
/// `.`. glibc takes a locale name holding a `/` as a path to load, and curses a terminal name as part of one.
enum ClientEnvironment {
    static func acceptable(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 64, let first = value.utf8.first, first != UInt8(ascii: "/"), first != UInt8(ascii: ".") else {
            return false
        }
        return value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "@"), UInt8(ascii: "-"):
                true
            default:
                false
            }
        }
    }
}

/// Client text made fit for a log line: control characters (newline and ESC among them), DEL, C1 controls, bidi
/// and invisible format characters are written as `\xNN` or `\u{NNNN}`, and a backslash as `\\`, so the line reads
/// unambiguously and nothing in it acts on a terminal or starts a line of its own.
/// How log values are written: control characters, invisible characters and backslashes escaped (`\x0A`, `\\`), so a
/// value is one line of plain text whatever a client sent.
enum LogText {
    static func escaped(_ text: String, quote: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "\\" || (quote && $0 == "\"") || Sanitize.placeholder(for: $0) != nil }) else {
            return text
        }
        var result = ""
        for scalar in text.unicodeScalars {
            if scalar == "\\" {
                result += "\\\\"
            } else if quote && scalar == "\"" {
                result += "\\\""
            } else if Sanitize.placeholder(for: scalar) == nil {
                result.unicodeScalars.append(scalar)
            } else if scalar.value < 0x100 {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "\\x" + (hex.count < 2 ? "0" : "") + hex
            } else {
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return result
    }

    /// A logfmt value: bare when it is one plain word, else in double quotes.
    static func logfmtValue(_ text: String) -> String {
        let plain = !text.isEmpty && text.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "=" && $0 != "\"" && $0 != "\\" }
        let escaped = escaped(text, quote: true)
        return plain && escaped == text ? text : "\"" + escaped + "\""
    }

    /// A field name: the server's own names are plain words; anything else is made one.
    static func key(_ name: String) -> String {
        String(name.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "." ? Character($0) : "_" })
    }
}

/// Public keys only, checked against the store. A refused attempt is logged and, when one address keeps failing,
/// answered more and more slowly.
final class KeyAuthenticator: NIOSSHServerUserAuthenticationDelegate, @unchecked Sendable {
    let connection: Connection
    let server: SSHServer

    init(connection: Connection, server: SSHServer) {
        self.connection = connection
        self.server = server
    }

    var supportedAuthenticationMethods: NIOSSHAvailableUserAuthenticationMethods { .publicKey }

    func requestReceived(request: NIOSSHUserAuthenticationRequest, responsePromise: EventLoopPromise<NIOSSHUserAuthenticationOutcome>) {
        let address = connection.address
        let server = self.server
        let connection = self.connection
        switch request.request {
        case .publicKey(let offered):
            responsePromise.completeWithTask {
                guard let line = try? PublicKeyLine(offered.publicKey) else {
                    server.log(.warning, "auth.refused", "refused an unsupported key for \(request.username) from \(address)",
                               ["user": request.username, "addr": address, "reason": "unsupported key"])
                    await server.throttle.failed(address)
                    return .failure
                }
                guard let owner = try? await server.store.keyOwner(algorithm: line.algorithm, blob: line.blob) else {
                    server.log(.warning, "auth.refused", "refused unknown key \(line.fingerprint) for \(request.username) from \(address)",
                               ["user": request.username, "key": line.fingerprint, "addr": address, "reason": "unknown key"])
                    await server.throttle.failed(address)
                    return .failure
                }
                guard owner.user.active else {
                    server.log(.warning, "auth.refused", "refused key \(owner.fingerprint) of disabled user \(owner.user.name) from \(address)",
                               ["user": owner.user.name, "key": owner.fingerprint, "addr": address, "reason": "disabled user"])
                    await server.throttle.failed(address)
                    return .failure
                }
                await server.throttle.waitIfFailing(address)
                server.log(.info, "auth.accepted", "\(owner.user.name) signed in with key \(owner.fingerprint) from \(address)",
                           ["user": owner.user.name, "key": owner.fingerprint, "addr": address])
                connection.identity = Connection.Identity(user: owner.user, fingerprint: owner.fingerprint)
                server.limits.signedIn(connection)
                return .success
            }
        case .password:
            server.log(.warning, "auth.refused", "refused a password attempt for \(request.username) from \(address): only keys are accepted",
                       ["user": request.username, "addr": address, "reason": "password"])
            responsePromise.completeWithTask {
                await server.throttle.failed(address)
                return .failure
            }
        case .hostBased:
            server.log(.warning, "auth.refused", "refused host-based authentication for \(request.username) from \(address)",
                       ["user": request.username, "addr": address, "reason": "host-based"])
            responsePromise.succeed(.failure)
        case .none:
            responsePromise.succeed(.failure)
        }
    }
}

/// Slows down an address that keeps failing: each failure in a row doubles the wait before the answer, up to eight
/// seconds; ten quiet minutes forget it. The addresses it remembers are bounded: forgotten after ten quiet minutes,
/// and past `maximumAddresses` the longest quiet go first.
actor FailureThrottle {
    private var failures: [String: (count: Int, last: Date)] = [:]
    let maximumAddresses: Int

    init(maximumAddresses: Int = 65_536) {
        self.maximumAddresses = maximumAddresses
    }

    /// Addresses remembered now.
    var count: Int { failures.count }

    /// Forgets the addresses quiet for ten minutes, then, while still too many, the longest quiet.
    func prune(now: Date = Date()) {
        failures = failures.filter { now.timeIntervalSince($0.value.last) <= 600 }
        if failures.count > maximumAddresses {
            let kept = failures.sorted { $0.value.last > $1.value.last }.prefix(maximumAddresses * 3 / 4)
            failures = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        }
    }

    func failed(_ address: String, now: Date = Date()) async {
        if failures[address] == nil, failures.count >= maximumAddresses { prune(now: now) }
        var entry = failures[address] ?? (0, now)
        if now.timeIntervalSince(entry.last) > 600 { entry.count = 0 }
        entry.count += 1
        entry.last = now
        failures[address] = entry
        if entry.count > 1 {
            let delay = min(8.0, 0.25 * pow(2.0, Double(min(entry.count - 2, 6))))
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        }
    }

    /// A good key after failures waits too, so guessing keys gains nothing from a known one.
    func waitIfFailing(_ address: String) async {
        guard let entry = failures[address], entry.count > 3, Date().timeIntervalSince(entry.last) < 600 else { return }
        try? await Task.sleep(for: .seconds(1))
    }
}

/// Ends a connection that went idle for the timeout or failed (a bad handshake, a reset), and logs why.
final class ConnectionEnd: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = Any
    let server: SSHServer
    let address: String

    init(server: SSHServer, address: String) {
        self.server = server
        self.address = address
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is IdleStateHandler.IdleStateEvent else { return context.fireUserInboundEventTriggered(event) }
        server.log(.info, "connection.idle", "closed an idle connection from \(address)", ["addr": address])
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        server.log(.info, "connection.error", "connection from \(address) ended: \(error)", ["addr": address])
        context.close(promise: nil)
    }
}
