import ArgumentParser
import BackOfficeCore
import BackOfficeSSH
import BackOfficeStore
import Foundation

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
    @Option(help: "Address and port to listen on (loopback unless told otherwise).") var listen = "127.0.0.1:2222"
    @Option(help: "The server's ed25519 host key; created (mode 0600) when missing.") var hostKey: String?
    @Option(help: "Sessions running at once, at most (a console or a command each).") var maxSessions = 64
    @Option(help: "Sessions one user may run at once.") var maxSessionsPerUser = 16
    @Option(help: "Session channels one connection may open at once (OpenSSH's MaxSessions).") var maxChannelsPerConnection = 10
    @Option(help: "Connections not signed in yet, at most (OpenSSH's MaxStartups).") var maxStartups = 32
    @Option(help: """
        Connections a second one address may end without signing in, after a burst of 10; beyond that its new \
        connections are closed at once.
        """) var maxConnectionRate = 2
    @Option(help: "Seconds a connection has to sign in before it is closed.") var loginGraceTime = 30
    @Option(help: "Seconds without traffic before a connection is closed (0: never).") var idleTimeout = 3_600

    func validate() throws {
        guard Self.address(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, as in 127.0.0.1:2222") }
        guard (1...10_000).contains(maxSessions) else { throw ValidationError("--max-sessions must be between 1 and 10000") }
        guard idleTimeout >= 0 else { throw ValidationError("--idle-timeout must not be negative") }
        for (name, value) in [("--max-sessions-per-user", maxSessionsPerUser), ("--max-channels-per-connection", maxChannelsPerConnection),
                              ("--max-startups", maxStartups), ("--max-connection-rate", maxConnectionRate),
                              ("--login-grace-time", loginGraceTime)] where !(1...10_000).contains(value) {
            throw ValidationError("\(name) must be between 1 and 10000")
        }
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
        let (host, port) = Self.address(listen)!
        let keyPath = hostKey ?? GlobalOptions.dataDirectory + "/ssh_host_ed25519_key"
        let key = try HostKey.loadOrCreate(at: keyPath)
        let store = try await Store.open(path: global.storePath)
        var environment = ["PATH": "/usr/local/bin:/usr/bin:/bin"]
        // A PostgreSQL store's password reaches the sessions' processes as it reached this one.
        for name in ["HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "BACKOFFICE_THEME", "PGPASSWORD", "PGPASSFILE"] {
            if let value = ProcessInfo.processInfo.environment[name] { environment[name] = value }
        }
        var configuration = SSHServer.Configuration(
            host: host, port: port, hostKey: key.key, maxSessions: maxSessions, idleTimeout: idleTimeout,
            executable: Self.executablePath, storePath: Self.storeForSessions(global.storePath),
            environment: environment, commandPolicy: { words, role throws(Failure) in try RemotePolicy.check(words, role: role) })
        configuration.maxSessionsPerUser = maxSessionsPerUser
        configuration.maxChannelsPerConnection = maxChannelsPerConnection
        configuration.maxStartups = maxStartups
        configuration.connectionRate = maxConnectionRate
        configuration.loginGraceTime = loginGraceTime
        let server = SSHServer(configuration: configuration, store: store) { line in
            FileHandle.standardError.write(Data("\(UTC.iso(Date())) \(line)\n".utf8))
        }
        let bound = try await server.start()
        print("host key \(keyPath)\(key.created ? " (created)" : ""): ED25519 \(key.fingerprint)")
        print("listening on \(host):\(bound) for \(global.storeName)")
        fflush(nil)
        try await server.wait()
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
