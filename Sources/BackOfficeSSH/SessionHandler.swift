import BackOfficeCore
import Foundation
import NIOCore
import NIOPosix
import NIOSSH

#if canImport(Glibc)
import Glibc
#endif

/// One SSH session channel: collects the pty and environment requests, then runs the console (shell) or one command
/// (exec) as the signed-in user in a child process, and carries bytes both ways until the child exits.
///
/// The child's terminal or pipes are NIO channels on this session's event loop, so nothing here blocks: the child's
/// output is read only while the client's window has room, and the client's bytes are read (and its window granted)
/// only while the child takes them in. A client that stops reading, or a command that never reads, holds back its own
/// session and no other.
final class SessionHandler: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = SSHChannelData
    typealias OutboundIn = SSHChannelData
    typealias OutboundOut = SSHChannelData

    /// The only environment a client may set: the rest of the child's environment is the server's choice.
    static let acceptedEnvironment: Set<String> = ["TERM", "LANG"]

    let identity: Connection.Identity
    let address: String
    let server: SSHServer
    private var environment: [String: String] = [:]
    private var terminal: SSHChannelRequestEvent.PseudoTerminalRequest?
    private var child: ChildProcess?
    private var started = false
    private var context: ChannelHandlerContext?
    /// The session channel, kept after the handler is removed so the child is still reaped.
    private var session: Channel?
    /// Where the client's bytes go.
    private var input = ChildInput.notStarted
    /// The child's output channels (the terminal, or standard output and error) not yet at their end.
    private var openOutputs = 0
    private var streams: [ChildStream] = []
    /// A read from the client held back until the child takes in more.
    private var heldRead = false
    /// The client sent EOF before the child's input was ready.
    private var inputEnded = false
    /// The client has gone.
    fileprivate private(set) var ended = false
    /// The last write to the client: the exit status follows only once it went out.
    private var lastOutput: EventLoopFuture<Void>?
    /// When the child started, for the session's end line.
    private var startedAt = ContinuousClock.now

    private enum ChildInput {
        case notStarted
        /// The descriptors are being handed to NIO; what the client sends meanwhile is kept.
        case waiting([ByteBuffer])
        case open(Channel)
        case closed
    }

    init(identity: Connection.Identity, address: String, server: SSHServer) {
        self.identity = identity
        self.address = address
        self.server = server
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        session = context.channel
        // The client's EOF must end only the child's standard input, not the channel.
        _ = context.channel.setOption(ChannelOptions.allowRemoteHalfClosure, value: true)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        ended = true
        child?.hangUp()
        if case .open(let channel) = input { channel.close(promise: nil) }
        input = .closed
        for stream in streams { stream.close() }
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard case .channel = message.type, case .byteBuffer(let bytes) = message.data else { return }
        switch input {
        case .waiting(var kept):
            kept.append(bytes)
            input = .waiting(kept)
        case .open(let channel):
            channel.write(bytes, promise: nil)
        case .notStarted, .closed:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if case .open(let channel) = input { channel.flush() }
        context.fireChannelReadComplete()
    }

    /// Reads from the client only while the child takes in what it sends: unread, the client's bytes stay in NIOSSH,
    /// which grants the client no more window.
    func read(context: ChannelHandlerContext) {
        switch input {
        case .waiting:
            heldRead = true
        case .open(let channel) where !channel.isWritable:
            heldRead = true
        default:
            heldRead = false
            context.read()
        }
    }

    /// The client's window has room again: the child's output is read again.
    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            for stream in streams { stream.resume() }
        }
        context.fireChannelWritabilityChanged()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let request as SSHChannelRequestEvent.EnvironmentRequest:
            let accepted = Self.acceptedEnvironment.contains(request.name) && !started && ClientEnvironment.acceptable(request.value)
            if accepted {
                environment[request.name] = request.value
            } else {
                server.log(.warning, "session.env_refused", "refused env \(request.name)=\(request.value.prefix(80)) from \(identity.user.name)@\(address)",
                           ["user": identity.user.name, "addr": address])
            }
            reply(accepted, request.wantReply, context)
        case var request as SSHChannelRequestEvent.PseudoTerminalRequest:
            if !ClientEnvironment.acceptable(request.term) {
                server.log(.warning, "session.env_refused", "refused TERM=\(request.term.prefix(80)) from \(identity.user.name)@\(address): using dumb",
                           ["user": identity.user.name, "addr": address])
                request.term = "dumb"
            }
            terminal = request
            reply(!started, request.wantReply, context)
        case let request as SSHChannelRequestEvent.WindowChangeRequest:
            child?.resize(width: request.terminalCharacterWidth, height: request.terminalRowHeight)
        case let request as SSHChannelRequestEvent.ShellRequest:
            reply(!started, request.wantReply, context)
            start(nil, context: context)
        case let request as SSHChannelRequestEvent.ExecRequest:
            reply(!started, request.wantReply, context)
            start(request.command, context: context)
        case let request as SSHChannelRequestEvent.SubsystemRequest:
            server.log(.warning, "session.refused", "refused subsystem \(request.subsystem) for \(identity.user.name)@\(address)",
                       ["user": identity.user.name, "addr": address])
            reply(false, request.wantReply, context)
        case let event as ChannelEvent where event == .inputClosed:
            endInput()
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func reply(_ success: Bool, _ wanted: Bool, _ context: ChannelHandlerContext) {
        guard wanted else { return }
        if success {
            context.triggerUserOutboundEvent(ChannelSuccessEvent(), promise: nil)
        } else {
            context.triggerUserOutboundEvent(ChannelFailureEvent(), promise: nil)
        }
    }

    /// Starts the console (no command) or a command the user's role may run over SSH.
    private func start(_ command: String?, context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let channel = context.channel
        var arguments: [String]
        if let command {
            do throws(Failure) {
                arguments = try RemoteAccess.words(command)
                try server.configuration.commandPolicy(arguments, identity.user.role)
            } catch {
                server.log(.warning, "command.refused", "refused `\(command)` for \(identity.user.name)@\(address): \(error.message)",
                           ["user": identity.user.name, "key": identity.fingerprint, "addr": address, "cmd": command])
                finish(channel, status: Int(error.kind.exitCode), message: "backoffice: \(error.message)\n")
                return
            }
        } else {
            arguments = ["console"]
        }
        var environment = server.configuration.environment
        environment.merge(RemoteAccess.Handoff.environment(store: server.configuration.storePath, user: identity.user.name,
                                                           key: identity.fingerprint)) { $1 }
        if let notice = server.configuration.stopNoticePath { environment[RemoteAccess.Handoff.stopNotice] = notice }
        environment["LANG"] = self.environment["LANG"] ?? "C.UTF-8"
        environment["TERM"] = terminal?.term ?? self.environment["TERM"] ?? "dumb"
        let argv = [server.configuration.executable] + arguments
        do throws(Failure) {
            if let terminal {
                child = try ChildProcess.inTerminal(argv, environment: environment, width: terminal.terminalCharacterWidth,
                                                    height: terminal.terminalRowHeight)
            } else {
                child = try ChildProcess.onPipes(argv, environment: environment)
            }
        } catch {
            server.log(.error, "session.failed", "cannot start a session for \(identity.user.name)@\(address): \(error.message)",
                       ["user": identity.user.name, "addr": address])
            finish(channel, status: Int(error.kind.exitCode), message: "backoffice: \(error.message)\n")
            return
        }
        // Escaped once, by the server's log (and by every printer of the audit log), not here as well.
        let what = command ?? "console"
        startedAt = .now
        server.log(.info, "session.start",
                   "\(identity.user.name) (\(identity.fingerprint)) from \(address): \(what)\(terminal == nil ? "" : " in a pty") (pid \(child!.pid))",
                   ["user": identity.user.name, "key": identity.fingerprint, "addr": address, "cmd": what, "pid": String(child!.pid)])
        let (store, user, fingerprint, address) = (server.store, identity.user, identity.fingerprint, address)
        Task { try? await store.auditRemoteSession(user: user, fingerprint: fingerprint, address: address, command: what) }
        connect(child!, to: context)
    }

    /// Hands the child's terminal or pipes to NIO on this session's event loop.
    private func connect(_ child: ChildProcess, to context: ChannelHandlerContext) {
        input = .waiting([])
        let loop = context.eventLoop
        func output(_ descriptor: Int32, _ type: SSHChannelData.DataType, carriesInput: Bool) -> EventLoopFuture<Channel> {
            let stream = ChildStream(session: self, type: type, carriesInput: carriesInput)
            streams.append(stream)
            openOutputs += 1
            let bootstrap = NIOPipeBootstrap(group: loop).channelInitializer { $0.pipeline.addHandler(stream) }
            let channel = carriesInput ? bootstrap.takingOwnershipOfDescriptor(inputOutput: descriptor)
                : bootstrap.takingOwnershipOfDescriptor(input: descriptor)
            channel.whenFailure { _ in stream.end() }
            return channel
        }
        switch child.descriptors {
        case .terminal(let master):
            output(master, .channel, carriesInput: true).whenComplete { self.inputReady($0) }
        case .pipes(let stdin, let stdout, let stderr):
            let stream = ChildStream(session: self, type: nil, carriesInput: true)
            streams.append(stream)
            NIOPipeBootstrap(group: loop).channelInitializer { $0.pipeline.addHandler(stream) }
                .takingOwnershipOfDescriptor(output: stdin)
                .whenComplete { self.inputReady($0) }
            _ = output(stdout, .channel, carriesInput: false)
            _ = output(stderr, .stdErr, carriesInput: false)
        }
    }

    /// The child's input is an NIO channel now: what the client sent meanwhile goes in.
    private func inputReady(_ result: Result<Channel, Error>) {
        guard case .waiting(let kept) = input else {
            // The client left meanwhile.
            if case .success(let channel) = result { channel.close(promise: nil) }
            return
        }
        switch result {
        case .success(let channel):
            input = .open(channel)
            for bytes in kept { channel.write(bytes, promise: nil) }
            channel.flush()
            if inputEnded { endInput() }
        case .failure:
            input = .closed
        }
        childInputWritable()
    }

    /// The client sent EOF: the child's standard input ends once what came before is written (on a terminal, where
    /// the console reads keys until it quits, nothing happens).
    private func endInput() {
        guard terminal == nil else { return }
        switch input {
        case .waiting:
            inputEnded = true
        case .open(let channel):
            channel.flush()
            channel.close(mode: .output, promise: nil)
            input = .closed
        case .notStarted, .closed:
            break
        }
    }

    /// The child takes in more (or will take nothing more): a held read from the client goes ahead.
    fileprivate func childInputWritable() {
        guard heldRead, let context else { return }
        read(context: context)
    }

    /// The child's input channel closed (the child exited or closed it): what the client sends from now on is dropped.
    fileprivate func childInputClosed() {
        if case .open = input { input = .closed }
        childInputWritable()
    }

    /// Whether the client's window has room for more of the child's output.
    fileprivate var canSend: Bool { session?.isWritable ?? false }

    /// Passes the child's output on to the client.
    fileprivate func send(_ bytes: ByteBuffer, as type: SSHChannelData.DataType) {
        guard let channel = session else { return }
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.write(SSHChannelData(type: type, data: .byteBuffer(bytes)), promise: promise)
        lastOutput = promise.futureResult
    }

    fileprivate func flushOutput() {
        session?.flush()
    }

    /// One of the child's outputs reached its end: when all have, the child is reaped on a thread of its own (waiting
    /// for a process blocks), then the exit status goes to the client.
    fileprivate func outputEnded() {
        openOutputs -= 1
        guard openOutputs == 0, let child, let channel = session else { return }
        let loop = channel.eventLoop
        Thread.detachNewThread {
            let status = child.waitForExit()
            loop.execute {
                let seconds = (ContinuousClock.now - self.startedAt).components
                let duration = String(format: "%.3f", Double(seconds.seconds) + Double(seconds.attoseconds) / 1e18)
                self.server.log(.info, "session.end", "\(self.identity.user.name) from \(self.address): exit \(status) after \(duration) s",
                                ["user": self.identity.user.name, "key": self.identity.fingerprint, "addr": self.address,
                                 "pid": String(child.pid), "status": String(status), "duration": duration])
                if case .open(let input) = self.input { input.close(promise: nil) }
                self.input = .closed
                self.streams = []
                child.closeTerminal()
                self.finish(channel, status: status, message: nil)
            }
        }
    }

    private func finish(_ channel: Channel, status: Int, message: String?) {
        channel.eventLoop.execute { [self] in
            var written = lastOutput ?? channel.eventLoop.makeSucceededVoidFuture()
            if let message {
                var bytes = channel.allocator.buffer(capacity: message.utf8.count)
                bytes.writeString(message)
                written = channel.writeAndFlush(SSHChannelData(type: .stdErr, data: .byteBuffer(bytes)))
            }
            // The exit status follows the output: it is sent once the last write went out within the client's window.
            written.whenComplete { _ in
                channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: status)).whenComplete { _ in
                    channel.close(promise: nil)
                }
            }
        }
    }
}

/// One of a child's descriptors as NIO holds it: the terminal (output and input), standard output or error (output), or
/// standard input. Output is read only while the session can send it; the session learns when the child takes input
/// again, and when the output ends. Runs on the session's event loop.
final class ChildStream: ChannelDuplexHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private weak var session: SessionHandler?
    /// How the output goes to the client; nil for standard input.
    let type: SSHChannelData.DataType?
    let carriesInput: Bool
    private var context: ChannelHandlerContext?
    private var heldRead = false
    private var ended = false

    init(session: SessionHandler, type: SSHChannelData.DataType?, carriesInput: Bool) {
        self.session = session
        self.type = type
        self.carriesInput = carriesInput
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        // The client left while the descriptors were being handed over.
        if session?.ended ?? true { context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let type else { return }
        session?.send(unwrapInboundIn(data), as: type)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        session?.flushOutput()
        context.fireChannelReadComplete()
    }

    func read(context: ChannelHandlerContext) {
        if session?.canSend ?? true {
            context.read()
        } else {
            heldRead = true
        }
    }

    /// The client's window has room again.
    func resume() {
        guard heldRead, let context else { return }
        heldRead = false
        read(context: context)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if carriesInput && context.channel.isWritable { session?.childInputWritable() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if carriesInput { session?.childInputClosed() }
        end()
        context.fireChannelInactive()
    }

    /// A terminal whose child has gone reads EIO: that is its end of file. Any other error ends the stream too.
    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    func close() {
        context?.close(promise: nil)
    }

    /// The output reached its end (or never started): counted once.
    func end() {
        guard type != nil, !ended else { return }
        ended = true
        session?.outputEnded()
    }
}
