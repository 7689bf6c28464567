import ArgumentParser
import BackOfficeCore
import BackOfficeSSH
import BackOfficeStore
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// `backoffice serve-ssh`: the built-in SSH server.
struct ServeSSH: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve-ssh",
        abstract: "Let users in over SSH with the keys registered to them: the console, or one command.",
        discussion: """
            Public keys only (`backoffice users key add NAME FILE`); ed25519 and ECDSA keys (no RSA). A session with a \
            terminal runs the console as the key's user; `ssh HOST stock SKU` runs one command, if the user's role may \
            run it over SSH. Log lines go to standard error.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Address and port to listen on (default 127.0.0.1:2222: loopback unless told otherwise).") var listen: String?
    @Option(help: "The server's ed25519 host key; created (mode 0600) when missing.") var hostKey: String?
    @Option(help: "Sessions running at once, at most, a console or a command each (default 64).") var maxSessions: Int?
    @Option(help: "Sessions one user may run at once (default 16).") var maxSessionsPerUser: Int?
    @Option(help: "Session channels one connection may open at once, OpenSSH's MaxSessions (default 10).") var maxChannelsPerConnection: Int?
    @Option(help: "Connections not signed in yet, at most, OpenSSH's MaxStartups (default 32).") var maxStartups: Int?
    @Option(help: """
        Connections a second one address may end without signing in, after a burst of 10; beyond that its new \
        connections are closed at once (default 2).
        """) var maxConnectionRate: Int?
    @Option(help: "Seconds a connection has to sign in before it is closed (default 30).") var loginGraceTime: Int?
    @Option(help: "Seconds without traffic before a connection is closed, 0 never (default 3600).") var idleTimeout: Int?
    @Option(help: "Seconds SIGTERM waits for open sessions to end before closing them (default 30).") var stopGrace: Int?
    @Option(help: "Log lines as logfmt (the default) or json.") var logFormat: String?
    @Option(help: "Append log lines to this file, reopened on SIGHUP (default: standard error).") var logFile: String?

    /// The flags given, by setting name; the rest come from the environment, the configuration files or the defaults.
    var flags: [String: Settings.Value] {
        var flags: [String: Settings.Value] = [:]
        for (name, value) in [("ssh.listen", listen), ("ssh.host_key", hostKey), ("log.format", logFormat), ("log.file", logFile)] {
            if let value { flags[name] = .text(value) }
        }
        for (name, value) in [("ssh.max_sessions", maxSessions), ("ssh.max_sessions_per_user", maxSessionsPerUser),
                              ("ssh.max_channels_per_connection", maxChannelsPerConnection), ("ssh.max_startups", maxStartups),
                              ("ssh.max_connection_rate", maxConnectionRate), ("ssh.login_grace_time", loginGraceTime),
                              ("ssh.idle_timeout", idleTimeout), ("ssh.stop_grace", stopGrace)] {
            if let value { flags[name] = .integer(value) }
        }
        return flags
    }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            return nil
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host.isEmpty ? nil : (host, port)
    }

    /// The store the sessions open: a file by its absolute path (they may start elsewhere), a URL as given.
    static func storeForSessions(_ location: String) -> String {
        if case .file(let path) = try? StoreAddress.parse(location) { return URL(fileURLWithPath: path).standardizedFileURL.path }
        return location
    }

    func run() async throws {
        let settings = try HostConfiguration.resolved(flags: flags)
        func text(_ name: String) -> String { settings[name]?.text ?? "" }
        func number(_ name: String) -> Int { settings[name]?.integer ?? 0 }
        guard let (host, port) = Self.address(text("ssh.listen")) else {
            let place = if case .flag(let flag) = settings["ssh.listen"]!.source { flag } else { "\(settings["ssh.listen"]!.source): ssh.listen" }
            throw Failure(.invalidInput, "\(place): \(Output.safe(text("ssh.listen"))) is not HOST:PORT, as in 127.0.0.1:2222")
        }
        // The log first: a log file that cannot be opened stops the server before it makes a host key.
        let destination = try LogDestination(path: text("log.file"))
        let format = LogLineHandler.Format(rawValue: text("log.format")) ?? .logfmt
        let logger = Logger(label: "backoffice.serve-ssh") { _ in LogLineHandler(format: format, destination: destination) }
        let keyPath = text("ssh.host_key")
        let key = try HostKey.loadOrCreate(at: keyPath)
        let store = try await Store.open(path: global.storePath)
        // A store an older release made is migrated by opening it: the admin reads that in the log.
        if let notice = await store.upgradeNotice { logger.notice("\(notice)", metadata: ["event": "store.upgraded"]) }
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin"]
        // A PostgreSQL store's password reaches the sessions' processes as it reached this one.
        for name in ["HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "BACKOFFICE_THEME", "PGPASSWORD", "PGPASSFILE", "BACKOFFICE_SYSTEM_CONFIG"] {
            if let value = ProcessInfo.processInfo.environment[name] { environment[name] = value }
        }
        // A theme this server was configured with reaches its consoles, which read no --config of their own.
        if let theme = settings["theme"], theme.source != .defaultValue { environment["BACKOFFICE_THEME"] = theme.text }
        // So does its bell setting.
        if let bell = settings["console.bell"], bell.source != .defaultValue { environment["BACKOFFICE_CONSOLE_BELL"] = bell.text }
        var configuration = SSHServer.Configuration(
            host: host, port: port, hostKey: key.key, maxSessions: number("ssh.max_sessions"), idleTimeout: number("ssh.idle_timeout"),
            executable: Self.executablePath, storePath: Self.storeForSessions(global.storePath),
            environment: environment, commandPolicy: { words, role throws(Failure) in try RemotePolicy.check(words, role: role) })
        configuration.maxSessionsPerUser = number("ssh.max_sessions_per_user")
        configuration.maxChannelsPerConnection = number("ssh.max_channels_per_connection")
        configuration.maxStartups = number("ssh.max_startups")
        configuration.connectionRate = number("ssh.max_connection_rate")
        configuration.loginGraceTime = number("ssh.login_grace_time")
        let notices = try Self.noticeFolder()
        defer { try? FileManager.default.removeItem(atPath: notices) }
        configuration.stopNoticePath = notices + "/stopping"
        let server = SSHServer(configuration: configuration, store: store, logger: logger)
        let bound = try await server.start()
        print("host key \(keyPath)\(key.created ? " (created)" : ""): ED25519 \(key.fingerprint)")
        print("listening on \(host):\(bound) for \(global.storeName)")
        fflush(nil)
        logger.info("listening on \(host):\(bound) for \(global.storeName)", metadata: [
            "event": "server.start", "addr": "\(host):\(bound)", "release": "\(Release.version)", "store": "\(global.storeName)"])

        // SIGTERM: stop accepting, tell the consoles, wait up to the grace, exit 0. SIGHUP: reopen the log file (for
        // logrotate); the keys need no signal, since the server rereads them from the store every few seconds.
        let grace = number("ssh.stop_grace")
        let signals = DispatchQueue(label: "serve-ssh signals")
        signal(SIGTERM, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        let terminate = DispatchSource.makeSignalSource(signal: SIGTERM, queue: signals)
        terminate.setEventHandler { Task { await server.stop(grace: grace) } }
        let hangUp = DispatchSource.makeSignalSource(signal: SIGHUP, queue: signals)
        hangUp.setEventHandler {
            if let problem = destination.reopen() {
                logger.error("cannot reopen the log file: \(problem)", metadata: ["event": "log.reopen_failed"])
            } else {
                logger.notice("log reopened on SIGHUP", metadata: ["event": "log.reopened"])
            }
        }
        terminate.resume()
        hangUp.resume()
        try await server.wait()
        terminate.cancel()
        hangUp.cancel()
        // Closed, not dropped: the last connection to a SQLite store folds its write-ahead log back into the file.
        await store.close()
    }

    /// A folder of this server's own for the stop notice its consoles read: under $TMPDIR (systemd's PrivateTmp gives
    /// the service one of its own), mode 0700, removed when the server ends.
    static func noticeFolder() throws(Failure) -> String {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
        var template = Array((base + "/backoffice-ssh.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw Failure(.storeFailure, "cannot make a folder under \(base): \(String(cString: strerror(errno)))")
        }
        return String(cString: made)
    }

    /// This executable, by an absolute path, for the sessions to run.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }
}

/// `backoffice ssh-gate --user NAME`: the same console and command list behind the company's own sshd.
struct SSHGate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh-gate",
        abstract: "For an authorized_keys command=: the console, or $SSH_ORIGINAL_COMMAND if the user's role may run it.",
        discussion: """
            authorized_keys: restrict,pty,command="backoffice ssh-gate --user alice" ssh-ed25519 AAAA… alice@laptop
            """)

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        guard let name = global.user else { throw ValidationError("ssh-gate needs --user NAME: the user this key belongs to") }
        let environment = ProcessInfo.processInfo.environment
        let command = environment["SSH_ORIGINAL_COMMAND"]?.trimmingCharacters(in: .whitespaces) ?? ""
        var arguments = ["console"]
        if !command.isEmpty {
            arguments = try RemoteAccess.words(command)
            let role = try await global.withSession { $0.actor.user.role }
            try RemotePolicy.check(arguments, role: role)
        }
        // Replace this process with the command itself, as the user, audited with source ssh.
        let key = environment[RemoteAccess.Handoff.key] ?? "sshd"
        for (variable, value) in RemoteAccess.Handoff.environment(store: global.storePath, user: name, key: key) { setenv(variable, value, 1) }
        let path = ServeSSH.executablePath
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        throw Failure(.storeFailure, "ssh-gate: cannot run \(path) (errno \(errno))")
    }
}

extension Users {
    /// `users key add|list|remove`: the public keys that let a user in over SSH.
    struct Key: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract: "SSH public keys of users.", subcommands: [Add.self, List.self, Remove.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "add", abstract: "Register a public key (an OpenSSH .pub file, or - for standard input).")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The user.") var name: String
            @Argument(help: "The public key file, such as ~/.ssh/id_ed25519.pub.") var file: String

            func run() async throws {
                let text: String
                if file == "-" {
                    text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
                } else {
                    guard let contents = try? String(contentsOfFile: file, encoding: .utf8) else {
                        throw Failure(.notFound, "cannot read the key file \(file)")
                    }
                    text = contents
                }
                let line = try PublicKeyLine(text, source: file == "-" ? "standard input" : file)
                try await global.withSession { session in
                    let key = try await session.store.addUserKey(name, algorithm: line.algorithm, blob: line.blob, comment: line.comment,
                                                                 by: session.actor)
                    Output.line("added \(key.algorithm) key \(key.fingerprint) for \(key.user)")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "List the keys of a user, or of everyone.")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions
            @Argument(help: "The user (all users when left out).") var name: String?

            func run() async throws {
                try await global.withSession { session in
                    let keys = try await session.store.userKeys(name, by: session.actor)
                    if output.json { return try Output.json(keys) }
                    Output.table(["USER", "TYPE", "FINGERPRINT", "COMMENT", "ADDED"], keys.map {
                        [$0.user, $0.algorithm, $0.fingerprint, $0.comment, Output.time($0.addedAt)]
                    })
                }
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a key by its fingerprint (SHA256:…).")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "The user.") var name: String
            @Argument(help: "The fingerprint, as `users key list` shows it.") var fingerprint: String

            func run() async throws {
                try await global.withSession { session in
                    let key = try await session.store.removeUserKey(name, fingerprint: fingerprint, by: session.actor)
                    Output.line("removed \(key.algorithm) key \(key.fingerprint) of \(key.user)")
                }
            }
        }
    }
}
