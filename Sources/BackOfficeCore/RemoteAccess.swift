/// What a user may run over SSH without the console: a list of commands per role, and the rules for the words of a
/// command line sent by an SSH client.
///
/// The permission table still decides inside each command (a salesperson's hold is checked like anywhere else); this
/// list keeps the rest of the command surface — setup, backups, the server itself — off the network.
public enum RemoteAccess {
    /// Commands (first word, or first two for commands with subcommands) each role may run over SSH.
    public static let commands: [Role: Set<String>] = {
        let sales: Set<String> = ["stock", "atp", "search", "price", "request new", "request list", "request show", "request watch", "request reply",
                                  "request close", "request reopen", "hold add", "hold list", "hold release", "help"]
        let clerk = sales.union(["move receipt", "move issue", "move transfer", "move adjust", "move count", "incoming list",
                                 "items list", "items show", "locations list"])
        let manager = sales.union(["request claim", "request answer", "request wait", "request reassign", "accounts list",
                                   "accounts show", "items list", "items show", "locations list", "prices lists", "prices rules",
                                   "incoming list", "request stats", "calendar show",
                                   "request template list"])
        let admin = clerk.union(manager).union(["users list", "verify", "doctor", "audit"])
        return [.sales: sales, .clerk: clerk, .manager: manager, .admin: admin]
    }()

    /// Whether `role` may run the command at `path` (its names from the root, as in "prices add-list") over SSH.
    public static func allows(_ path: String, role: Role) -> Bool {
        commands[role]?.contains(path) ?? false
    }

    /// Whether `role` may read the help of `path`: of a command it may run, of a group holding one, or of everything
    /// (the path is empty) when it may run `help`.
    public static func allowsHelp(_ path: String, role: Role) -> Bool {
        let allowed = commands[role] ?? []
        if path.isEmpty { return allowed.contains("help") }
        return allowed.contains(path) || allowed.contains { $0.hasPrefix(path + " ") }
    }

    /// The refusal of a command `role` may not run over SSH, naming what it may run.
    public static func refusal(_ path: String, role: Role) -> Failure {
        guard !path.isEmpty else { return Failure(.usage, "no command given; over SSH you may run: \(allowedList(role))") }
        return Failure(.permissionDenied, "\(role.rawValue) may not run `\(path)` over SSH; allowed: \(allowedList(role))")
    }

    /// The refusal of `--db` or `--user` given by a client.
    public static func refusal(fixed option: String) -> Failure {
        Failure(.permissionDenied, "\(option) is fixed by the server over SSH")
    }

    static func allowedList(_ role: Role) -> String {
        (commands[role] ?? []).sorted().joined(separator: ", ")
    }

    /// Refuses a word holding a control character (C0, DEL or C1; NUL among them): the process's arguments are C
    /// strings, cut at a NUL, so `--user\0` would reach it as `--user`; and no command needs one.
    public static func checkCharacters(_ words: [String]) throws(Failure) {
        for (index, word) in words.enumerated() {
            if let control = word.unicodeScalars.first(where: \.isControl) { throw controlCharacter(control, word: index + 1) }
        }
    }

    static func controlCharacter(_ scalar: Unicode.Scalar, word: Int) -> Failure {
        Failure(.usage, "the command holds a control character (\(Sanitize.codePoint(scalar))) in word \(word)")
    }

    /// Splits a command line as a POSIX shell would split plain words: spaces and tabs separate, single quotes keep
    /// everything, double quotes keep everything but `\"` and `\\`, a backslash outside quotes keeps the next character.
    /// Nothing is expanded or run: `$`, `;`, `|` and backticks are ordinary characters. A control character anywhere
    /// but a separating tab (a NUL, a line break, an escape) is refused, naming the word it is in.
    public static func words(_ line: String) throws(Failure) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        var inWord = false
        var quote: Unicode.Scalar?
        var escaped = false
        for scalar in line.unicodeScalars {
            if scalar.isControl && !(scalar == "\t" && quote == nil && !escaped) {
                throw controlCharacter(scalar, word: words.count + 1)
            }
            if escaped {
                current.append(scalar)
                escaped = false
                continue
            }
            switch (quote, scalar) {
            case (nil, "\\"), ("\"", "\\"):
                escaped = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = scalar
                inWord = true
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case (nil, _) where scalar.properties.isWhitespace:
                if inWord { words.append(String(current)) }
                current = String.UnicodeScalarView()
                inWord = false
            default:
                current.append(scalar)
                inWord = true
            }
        }
        if let quote { throw Failure(.usage, "unbalanced \(quote) quote in the command") }
        if escaped { throw Failure(.usage, "the command ends in a lone backslash") }
        if inWord { words.append(String(current)) }
        return words
    }
}

extension RemoteAccess {
    /// How a remote session hands the process it runs its store, its user and the key they came in with: environment
    /// variables the command line reads, so that everything the process does is audited as `ssh` with that key.
    public enum Handoff {
        public static let store = "BACKOFFICE_DB"
        public static let user = "BACKOFFICE_USER"
        public static let key = "BACKOFFICE_SSH_KEY"
        /// The file serve-ssh writes when it is stopping, for the consoles it started to show when they end.
        public static let stopNotice = "BACKOFFICE_STOP_NOTICE"

        public static func environment(store: String, user: String, key: String) -> [String: String] {
            [Self.store: store, Self.user: user, Self.key: key]
        }
    }
}
