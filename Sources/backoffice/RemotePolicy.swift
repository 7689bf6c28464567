import ArgumentParser
import BackOfficeCore
import Foundation

/// What a user may run over SSH, decided on the command argument-parser parses from the words (exactly what the
/// session's process will parse and run), never on the text: `prices add-list -- --help` is `prices add-list`, whatever
/// words follow it. The list of what each role may run is `RemoteAccess.commands`, in Core.
enum RemotePolicy {
    /// What the words will do: run the command at `path` ("prices add-list"), or show the help of `path`.
    struct Decision: Equatable {
        var path: String
        var isHelp: Bool
    }

    /// Decides the words of an SSH exec request for `role`; throws the one-line refusal.
    @discardableResult
    static func check(_ words: [String], role: Role) throws(Failure) -> Decision {
        try RemoteAccess.checkCharacters(words)
        guard !words.isEmpty else { throw RemoteAccess.refusal("", role: role) }
        let command: any ParsableCommand
        do {
            command = try BackOffice.parseAsRoot(GlobalOptions.hoisted(words))
        } catch {
            // Exit code 0 without a command: a request for help (or the completion script) printed by the parser.
            guard BackOffice.exitCode(for: error) == .success else { throw Failure(.usage, firstLine(BackOffice.message(for: error))) }
            return try help(path: wordPath(words), role: role)
        }
        return try check(parsed: command, words: words, role: role)
    }

    /// Decides a command already parsed from `words` (in the session's own process, before it runs).
    static func check(parsed command: any ParsableCommand, words: [String], role: Role) throws(Failure) -> Decision {
        try checkFixedOptions(command)
        guard let path = paths[ObjectIdentifier(type(of: command))] else {
            // Not in our tree: argument-parser's own `help` subcommand, or `--help` after any command, which it answers
            // with its help command holding the stack of the command to explain.
            guard type(of: command)._commandName == "help" else { throw RemoteAccess.refusal(type(of: command)._commandName, role: role) }
            return try help(path: helpStackPath(command) ?? wordPath(words), role: role)
        }
        guard RemoteAccess.allows(path, role: role) else { throw RemoteAccess.refusal(path, role: role) }
        return Decision(path: path, isHelp: false)
    }

    /// In a process an SSH session started (the server or ssh-gate set the handoff key): checks the parsed command again
    /// for the user's role, read from the store, before it runs. The console is what every session without a command
    /// runs, so it is allowed here.
    static func checkInSession(_ command: any ParsableCommand, words: [String]) async throws {
        guard let key = ProcessInfo.processInfo.environment[RemoteAccess.Handoff.key], !key.isEmpty else { return }
        try checkFixedOptions(command)
        if command is OpenConsole { return }
        // The session that read the role is kept for the command to use: the store is opened once per exec session,
        // not once to check and again to answer.
        let session = try await GlobalOptions.parse([]).session()
        do {
            try check(parsed: command, words: words, role: session.actor.user.role)
        } catch {
            await session.close()
            throw error
        }
        Session.keepForCommand(session)
    }

    /// Refuses a parsed `--db`, `--user` or `--config`: the server fixes all three (a file named by a client is never read).
    static func checkFixedOptions(_ command: any ParsableCommand) throws(Failure) {
        for global in globalOptions(in: command) {
            if global.db != nil { throw RemoteAccess.refusal(fixed: "--db") }
            if global.user != nil { throw RemoteAccess.refusal(fixed: "--user") }
            if global.config != nil { throw RemoteAccess.refusal(fixed: "--config") }
        }
    }

    private static func help(path: String, role: Role) throws(Failure) -> Decision {
        guard RemoteAccess.allowsHelp(path, role: role) else { throw RemoteAccess.refusal(path.isEmpty ? "help" : path, role: role) }
        return Decision(path: path, isHelp: true)
    }

    /// Every command's path from the root ("prices add-list"), by its type.
    static let paths: [ObjectIdentifier: String] = {
        var paths: [ObjectIdentifier: String] = [ObjectIdentifier(BackOffice.self): ""]
        func walk(_ commands: [any ParsableCommand.Type], under prefix: String) {
            for command in commands {
                let path = prefix.isEmpty ? command._commandName : prefix + " " + command._commandName
                paths[ObjectIdentifier(command)] = path
                walk(command.configuration.subcommands, under: path)
            }
        }
        walk(BackOffice.configuration.subcommands, under: "")
        return paths
    }()

    /// The path named by the subcommand words before any `--` (a leading `help` skipped), as the parser descends.
    static func wordPath(_ words: [String]) -> String {
        var level = BackOffice.configuration.subcommands
        var names: [String] = []
        for word in words.prefix(while: { $0 != "--" }).drop(while: { $0 == "help" }) {
            guard let next = level.first(where: { $0._commandName == word || $0.configuration.aliases.contains(word) }) else { continue }
            names.append(next._commandName)
            level = next.configuration.subcommands
        }
        return names.joined(separator: " ")
    }

    /// The path of the command whose help argument-parser's help command will show (its `commandStack`, root first).
    private static func helpStackPath(_ command: any ParsableCommand) -> String? {
        guard let stack = Mirror(reflecting: command).children.first(where: { $0.label == "commandStack" })?.value
            as? [any ParsableCommand.Type], !stack.isEmpty else { return nil }
        return paths[ObjectIdentifier(stack[stack.count - 1])]
    }

    /// The global options a parsed command carries, wherever its option groups hold them.
    ///
    /// A command can hold `GlobalOptions` only through `@OptionGroup`s (argument-parser parses nested arguments no other
    /// way), so the walk descends through option groups alone. Reflecting every field down to its characters, as it
    /// once did, cost a one-shot command about 1.5 ms of its start.
    static func globalOptions(in value: Any, depth: Int = 0) -> [GlobalOptions] {
        if let options = value as? GlobalOptions { return [options] }
        guard depth < 6 else { return [] }
        return Mirror(reflecting: value).children.flatMap { child -> [GlobalOptions] in
            guard let group = child.value as? any OptionGroupHolder else { return [] }
            return globalOptions(in: group.heldOptions, depth: depth + 1)
        }
    }

    private static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n").first.map(String.init) ?? "the command cannot be parsed"
        return line.hasPrefix("Error: ") ? String(line.dropFirst(7)) : line
    }
}

/// An `@OptionGroup` seen through reflection: the parsed options it holds.
protocol OptionGroupHolder {
    var heldOptions: Any { get }
}

extension OptionGroup: OptionGroupHolder {
    var heldOptions: Any { wrappedValue }
}
