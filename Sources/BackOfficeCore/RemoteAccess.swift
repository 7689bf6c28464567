/// What a user may run over SSH without the console: a list of commands per role, and the rules for the words of a
/// command line sent by an SSH client.
///
/// The permission table still decides inside each command (a salesperson's hold is checked like anywhere else); this
/// list keeps the rest of the command surface — setup, backups, the server itself — off the network.
public enum RemoteAccess {
    /// Commands (first word, or first two for commands with subcommands) each role may run over SSH.
    public static let commands: [Role: Set<String>] = {
        let sales: Set<String> = ["stock", "search", "price", "request new", "request list", "request show", "request reply",
                                  "request close", "request reopen", "hold add", "hold list", "hold release", "help"]
        let clerk = sales.union(["move receipt", "move issue", "move transfer", "move adjust", "move count", "incoming list",
                                 "items list", "items show", "locations list"])
        let manager = sales.union(["request claim", "request answer", "request wait", "request reassign", "accounts list",
                                   "accounts show", "items list", "items show", "locations list", "prices lists", "prices rules",
                                   "incoming list"])
        let admin = clerk.union(manager).union(["users list", "verify", "doctor", "audit"])
        return [.sales: sales, .clerk: clerk, .manager: manager, .admin: admin]
    }()

    /// Options that choose the store or the user: the server fixes both, so a client may not pass them.
    static let fixedOptions = ["--db", "--user"]

    /// Checks a command's words for a role; throws a one-line refusal naming what is not allowed.
    public static func check(_ words: [String], role: Role) throws(Failure) {
        guard let first = words.first else {
            throw Failure(.usage, "no command given; over SSH you may run: \(allowedList(role))")
        }
        if let fixed = words.first(where: { word in fixedOptions.contains { word == $0 || word.hasPrefix($0 + "=") } }) {
            throw Failure(.permissionDenied, "\(fixed.split(separator: "=")[0]) is fixed by the server over SSH")
        }
        let allowed = commands[role] ?? []
        let name = words.count > 1 && !words[1].hasPrefix("-") ? "\(first) \(words[1])" : first
        guard allowed.contains(name) || allowed.contains(first) || (words.contains("--help") && allowed.contains { $0.hasPrefix(first) })
        else {
            throw Failure(.permissionDenied, "\(role.rawValue) may not run `\(name)` over SSH; allowed: \(allowedList(role))")
        }
    }

    static func allowedList(_ role: Role) -> String {
        (commands[role] ?? []).sorted().joined(separator: ", ")
    }

    /// Splits a command line as a POSIX shell would split plain words: whitespace separates, single quotes keep
    /// everything, double quotes keep everything but `\"` and `\\`, a backslash outside quotes keeps the next character.
    /// Nothing is expanded or run: `$`, `;`, `|` and backticks are ordinary characters.
    public static func words(_ line: String) throws(Failure) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            switch (quote, character) {
            case (nil, "\\"), ("\"", "\\"):
                escaped = true
                inWord = true
            case (nil, "'"), (nil, "\""):
                quote = character
                inWord = true
            case ("'", "'"), ("\"", "\""):
                quote = nil
            case (nil, _) where character.isWhitespace:
                if inWord { words.append(current) }
                current = ""
                inWord = false
            default:
                current.append(character)
                inWord = true
            }
        }
        if quote != nil { throw Failure(.usage, "unbalanced \(quote!) quote in the command") }
        if escaped { throw Failure(.usage, "the command ends in a lone backslash") }
        if inWord { words.append(current) }
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

        public static func environment(store: String, user: String, key: String) -> [String: String] {
            [Self.store: store, Self.user: user, Self.key: key]
        }
    }
}
