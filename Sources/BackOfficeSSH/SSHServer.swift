import BackOfficeCore
import BackOfficeStore
import Foundation
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
    let store: Store
    let log: @Sendable (String) -> Void
    let throttle = FailureThrottle()
    private let sessions = NIOLockedValueBox(0)
    private var channel: Channel?

    public init(configuration: Configuration, store: Store, log: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.store = store
        self.log = log
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
            return channel.localAddress?.port ?? configuration.port
        } catch {
            throw Failure(.usage, "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// Waits until the server stops.
    public func wait() async throws {
        try await channel?.closeFuture.get()
    }

    private func setUp(connection channel: Channel) throws {
        let address = channel.remoteAddress?.ipAddress ?? "?"
        let connection = Connection(address: address)
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
        try handlers.addHandler(ConnectionEnd(log: log, address: address))
    }

    private func setUp(session channel: Channel, type: SSHChannelType, connection: Connection) -> EventLoopFuture<Void> {
        guard case .session = type else {
            log("refused \(type) channel from \(connection.address) (\(connection.identity?.user.name ?? "?")): forwarding is not offered")
            return channel.eventLoop.makeFailedFuture(Failure(.permissionDenied, "only sessions"))
        }
        guard let identity = connection.identity else {
            return channel.eventLoop.makeFailedFuture(Failure(.permissionDenied, "not signed in"))
        }
        let admitted = sessions.withLockedValue { count -> Bool in
            guard count < configuration.maxSessions else { return false }
            count += 1
            return true
        }
        guard admitted else {
            log("refused a session for \(identity.user.name) from \(connection.address): \(configuration.maxSessions) sessions already open")
            return channel.eventLoop.makeFailedFuture(Failure(.busy, "too many sessions"))
        }
        channel.closeFuture.whenComplete { [self] _ in sessions.withLockedValue { $0 -= 1 } }
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(SessionHandler(identity: identity, address: connection.address, server: self))
        }
    }
}

/// Who a connection signed in as, once a key was accepted.
final class Connection: @unchecked Sendable {
    struct Identity {
        var user: User
        var fingerprint: String
    }

    let address: String
    private let lock = NSLock()
    private var _identity: Identity?

    init(address: String) {
        self.address = address
    }

    var identity: Identity? {
        get { lock.withLock { _identity } }
        set { lock.withLock { _identity = newValue } }
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
                    server.log("refused an unsupported key for \(request.username) from \(address)")
                    await server.throttle.failed(address)
                    return .failure
                }
                guard let owner = try? await server.store.keyOwner(algorithm: line.algorithm, blob: line.blob) else {
                    server.log("refused unknown key \(line.fingerprint) for \(request.username) from \(address)")
                    await server.throttle.failed(address)
                    return .failure
                }
                guard owner.user.active else {
                    server.log("refused key \(owner.fingerprint) of disabled user \(owner.user.name) from \(address)")
                    await server.throttle.failed(address)
                    return .failure
                }
                await server.throttle.waitIfFailing(address)
                connection.identity = Connection.Identity(user: owner.user, fingerprint: owner.fingerprint)
                return .success
            }
        case .password:
            server.log("refused a password attempt for \(request.username) from \(address): only keys are accepted")
            responsePromise.completeWithTask {
                await server.throttle.failed(address)
                return .failure
            }
        case .hostBased:
            server.log("refused host-based authentication for \(request.username) from \(address)")
            responsePromise.succeed(.failure)
        case .none:
            responsePromise.succeed(.failure)
        }
    }
}

/// Slows down an address that keeps failing: each failure in a row doubles the wait before the answer, up to eight
/// seconds; ten quiet minutes forget it.
actor FailureThrottle {
    private var failures: [String: (count: Int, last: Date)] = [:]

    func failed(_ address: String) async {
        let now = Date()
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
    let log: @Sendable (String) -> Void
    let address: String

    init(log: @escaping @Sendable (String) -> Void, address: String) {
        self.log = log
        self.address = address
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is IdleStateHandler.IdleStateEvent else { return context.fireUserInboundEventTriggered(event) }
        log("closed an idle connection from \(address)")
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        log("connection from \(address) ended: \(error)")
        context.close(promise: nil)
    }
}
