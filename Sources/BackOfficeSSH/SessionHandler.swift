import BackOfficeCore
import BackOfficeStore
import Foundation
import NIOCore
import NIOSSH

#if canImport(Glibc)
import Glibc
#endif

/// One SSH session channel: collects the pty and environment requests, then runs the console (shell) or one command
/// (exec) as the signed-in user in a child process, and carries bytes both ways until the child exits.
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

    init(identity: Connection.Identity, address: String, server: SSHServer) {
        self.identity = identity
        self.address = address
        self.server = server
    }

    func handlerAdded(context: ChannelHandlerContext) {
        // The client's EOF must end only the child's standard input, not the channel.
        _ = context.channel.setOption(ChannelOptions.allowRemoteHalfClosure, value: true)
    }

    func channelInactive(context: ChannelHandlerContext) {
        child?.hangUp()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let message = unwrapInboundIn(data)
        guard case .channel = message.type, case .byteBuffer(var bytes) = message.data,
              let array = bytes.readBytes(length: bytes.readableBytes) else { return }
        child?.write(array)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let request as SSHChannelRequestEvent.EnvironmentRequest:
            let accepted = Self.acceptedEnvironment.contains(request.name) && !started
            if accepted {
                environment[request.name] = request.value
            } else {
                server.log("refused env \(request.name) from \(identity.user.name)@\(address)")
            }
            reply(accepted, request.wantReply, context)
        case let request as SSHChannelRequestEvent.PseudoTerminalRequest:
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
            server.log("refused subsystem \(request.subsystem) for \(identity.user.name)@\(address)")
            reply(false, request.wantReply, context)
        case let event as ChannelEvent where event == .inputClosed:
            child?.closeInput()
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
                server.log("refused `\(Sanitize.forTerminal(command))` for \(identity.user.name)@\(address): \(error.message)")
                finish(channel, status: Int(error.kind.exitCode), message: "backoffice: \(error.message)\n")
                return
            }
        } else {
            arguments = ["console"]
        }
        var environment = server.configuration.environment
        environment.merge(RemoteAccess.Handoff.environment(store: server.configuration.storePath, user: identity.user.name,
                                                           key: identity.fingerprint)) { $1 }
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
            server.log("cannot start a session for \(identity.user.name)@\(address): \(error.message)")
            finish(channel, status: Int(error.kind.exitCode), message: "backoffice: \(error.message)\n")
            return
        }
        let what = command.map { Sanitize.forTerminal($0) } ?? "console"
        server.log("\(identity.user.name) (\(identity.fingerprint)) from \(address): \(what)\(terminal == nil ? "" : " in a pty") (pid \(child!.pid))")
        let (store, user, fingerprint, address) = (server.store, identity.user, identity.fingerprint, address)
        Task { try? await store.auditRemoteSession(user: user, fingerprint: fingerprint, address: address, command: what) }
        pump(child!, to: channel)
    }

    /// Copies the child's output to the channel on threads of their own (each write waits for the client's window,
    /// which holds the child back rather than buffering without bound), then reports its exit status and closes.
    private func pump(_ child: ChildProcess, to channel: Channel) {
        let readers = DispatchGroup()
        for output in child.outputs {
            readers.enter()
            Thread.detachNewThread {
                var buffer = [UInt8](repeating: 0, count: 16_384)
                var open = true
                while true {
                    let count = buffer.withUnsafeMutableBytes { Glibc.read(output.descriptor, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    // A terminal whose child has gone reads EIO: that is its end of file.
                    guard count > 0 else { break }
                    guard open else { continue }
                    var bytes = channel.allocator.buffer(capacity: count)
                    bytes.writeBytes(buffer[0..<count])
                    let data = SSHChannelData(type: output.isError ? .stdErr : .channel, data: .byteBuffer(bytes))
                    do { try channel.writeAndFlush(data).wait() } catch { open = false }
                }
                Glibc.close(output.descriptor)
                readers.leave()
            }
        }
        Thread.detachNewThread { [self] in
            let status = child.waitForExit()
            readers.wait()
            child.closeInputDescriptor()
            finish(channel, status: status, message: nil)
        }
    }

    private func finish(_ channel: Channel, status: Int, message: String?) {
        channel.eventLoop.execute {
            if let message {
                var bytes = channel.allocator.buffer(capacity: message.utf8.count)
                bytes.writeString(message)
                channel.writeAndFlush(SSHChannelData(type: .stdErr, data: .byteBuffer(bytes)), promise: nil)
            }
            channel.triggerUserOutboundEvent(SSHChannelRequestEvent.ExitStatus(exitStatus: status)).whenComplete { _ in
                channel.close(promise: nil)
            }
        }
    }
}
