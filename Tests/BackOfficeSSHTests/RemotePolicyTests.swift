import ArgumentParser
import BackOfficeCore
import BackOfficeTestSupport
@testable import backoffice
import Foundation
import Testing

/// The refusal `body` throws, or nil when it accepts.
private func refusal(_ body: () throws -> Void) -> Failure? {
    do {
        try body()
        return nil
    } catch let failure as Failure {
        return failure
    } catch {
        return Failure(.storeFailure, "not a refusal: \(error)")
    }
}

/// What a remote user may run: the splitter of an SSH command line and the policy deciding on the parsed command.
@Suite("What a remote user may run")
struct RemotePolicyTests {
    @Test func givenTheNULAttackLineWhenSplitThenItIsRefusedNamingWordSeven() {
        let line = "price SKU --account ACME --qty 10 --user\u{0} admin"
        let failure = refusal { _ = try RemoteAccess.words(line) }
        #expect(failure == Failure(.usage, "the command holds a control character (U+0000) in word 7"))
    }

    @Test func givenControlCharactersAnywhereWhenSplitThenTheyAreRefusedAndOnlyATabSeparates() throws {
        #expect(refusal { _ = try RemoteAccess.words("stock 'a\u{1B}]0;x\u{7}'") }?.message == "the command holds a control character (U+001B) in word 2")
        #expect(refusal { _ = try RemoteAccess.words("stock \"\u{9B}2J\"") }?.message == "the command holds a control character (U+009B) in word 2")
        #expect(refusal { _ = try RemoteAccess.words("stock SKU\\\u{0}") }?.kind == .usage)
        #expect(refusal { _ = try RemoteAccess.words("stock SKU\nmove receipt") }?.message == "the command holds a control character (U+000A) in word 2")
        #expect(refusal { _ = try RemoteAccess.words("stock\u{7F}") }?.kind == .usage)
        #expect(try RemoteAccess.words("stock\tSKU  'two words' \"a\\\"b\"") == ["stock", "SKU", "two words", "a\"b"])
    }

    @Test func givenWordsHoldingNULWhenCheckedThenThePolicyRefusesThemWhateverSplitThem() {
        let words = ["price", "SKU", "--account", "ACME", "--qty", "10", "--user\u{0}", "admin"]
        #expect(refusal { try RemotePolicy.check(words, role: .sales) } == Failure(.usage, "the command holds a control character (U+0000) in word 7"))
        #expect(refusal { try RemotePolicy.check(["stock", "SKU\u{85}"], role: .admin) }?.kind == .usage)
    }

    @Test func givenAManagerWhenHelpFollowsDashDashThenTheParsedCommandIsRefused() {
        let failure = refusal { try RemotePolicy.check(["prices", "add-list", "--default", "--", "--help"], role: .manager) }
        #expect(failure?.kind == .permissionDenied)
        #expect(failure?.message.hasPrefix("manager may not run `prices add-list` over SSH; allowed: ") == true, "\(String(describing: failure))")
    }

    @Test func givenHelpWhenTheRoleMayRunTheCommandThenItIsHelpElseItIsRefused() throws {
        #expect(try RemotePolicy.check(["prices", "lists", "--help"], role: .manager) == .init(path: "prices lists", isHelp: true))
        #expect(try RemotePolicy.check(["help", "stock"], role: .sales) == .init(path: "stock", isHelp: true))
        #expect(try RemotePolicy.check(["stock", "-h"], role: .sales) == .init(path: "stock", isHelp: true))
        #expect(try RemotePolicy.check(["prices", "--help"], role: .manager) == .init(path: "prices", isHelp: true))
        #expect(try RemotePolicy.check(["--help"], role: .sales) == .init(path: "", isHelp: true))
        #expect(refusal { try RemotePolicy.check(["prices", "add-list", "--help"], role: .manager) }?.kind == .permissionDenied)
        #expect(refusal { try RemotePolicy.check(["help", "prices", "add-list"], role: .manager) }?.kind == .permissionDenied)
        #expect(refusal { try RemotePolicy.check(["prices", "--help"], role: .sales) }?.kind == .permissionDenied)
        #expect(refusal { try RemotePolicy.check(["serve-ssh", "--help"], role: .admin) }?.kind == .permissionDenied)
    }

    @Test func givenTheStoreOrUserWhenParsedAsOptionsThenTheyAreRefusedAndAsArgumentsTheyAreNot() throws {
        for words in [["stock", "SKU", "--user", "admin"], ["--user=admin", "stock", "SKU"], ["--user", "admin", "stock", "SKU"],
                      ["price", "SKU", "--account", "ACME", "--qty", "10", "--user=admin"]] {
            #expect(refusal { try RemotePolicy.check(words, role: .sales) } == Failure(.permissionDenied, "--user is fixed by the server over SSH"),
                    "\(words)")
        }
        // `move receipt` holds its global options one option group down (in `Common`).
        for words in [["stock", "SKU", "--db=/tmp/other.sqlite"], ["--db", "/tmp/other.sqlite", "stock", "SKU"],
                      ["move", "receipt", "SKU", "1", "--to", "MAIN", "--db", "/tmp/other.sqlite"]] {
            #expect(refusal { try RemotePolicy.check(words, role: .admin) } == Failure(.permissionDenied, "--db is fixed by the server over SSH"))
        }
        // A configuration file a client names is never read: its errors would quote the file back.
        for words in [["stock", "SKU", "--config", "/etc/shadow"], ["--config=/etc/shadow", "search", "bolt"]] {
            #expect(refusal { try RemotePolicy.check(words, role: .admin) } == Failure(.permissionDenied, "--config is fixed by the server over SSH"),
                    "\(words)")
        }
        // After `--` they are search words for `stock`, which is what the session's process would parse too.
        #expect(try RemotePolicy.check(["stock", "--", "--user", "admin"], role: .sales) == .init(path: "stock", isHelp: false))
    }

    @Test func givenWordsTheParserRefusesWhenCheckedThenTheParsersFirstLineIsTheUsageRefusal() {
        let unknown = refusal { try RemotePolicy.check(["stock", "SKU", "--frobnicate"], role: .sales) }
        #expect(unknown?.kind == .usage)
        #expect(unknown?.message.contains("--frobnicate") == true, "\(String(describing: unknown))")
        #expect(unknown?.message.contains("\n") == false)
        #expect(refusal { try RemotePolicy.check(["frobnicate"], role: .admin) }?.kind == .usage)
        #expect(refusal { try RemotePolicy.check([], role: .sales) }?.message.hasPrefix("no command given") == true)
        #expect(refusal { try RemotePolicy.check(["--theme", "dark"], role: .sales) }?.message.hasPrefix("no command given") == true)
    }

    @Test func givenCommandsOnTheRolesListWhenCheckedThenTheirParsedPathIsAllowed() throws {
        #expect(try RemotePolicy.check(["stock", "SKU", "--json"], role: .sales) == .init(path: "stock", isHelp: false))
        #expect(try RemotePolicy.check(["move", "receipt", "SKU", "5", "--to", "MAIN"], role: .clerk) == .init(path: "move receipt", isHelp: false))
        #expect(try RemotePolicy.check(["move", "adjust", "SKU", "-3", "--at", "MAIN", "--reason", "damage"], role: .clerk).path == "move adjust")
        let refused = refusal { try RemotePolicy.check(["move", "receipt", "SKU", "5", "--to", "MAIN"], role: .sales) }
        #expect(refused?.kind == .permissionDenied)
        #expect(refused?.message.hasPrefix("sales may not run `move receipt` over SSH") == true)
        #expect(refusal { try RemotePolicy.check(["console"], role: .admin) }?.kind == .permissionDenied)
    }

    @Test func givenReplyTemplatesWhenCheckedThenManagersMayListThemOverSSHAndSalesMayNot() throws {
        #expect(try RemotePolicy.check(["request", "template", "list", "--json"], role: .manager) == .init(path: "request template list", isHelp: false))
        #expect(try RemotePolicy.check(["request", "template", "list"], role: .admin).path == "request template list")
        #expect(try RemotePolicy.check(["request", "answer", "4", "--template", "in-stock"], role: .manager).path == "request answer")
        let sales = refusal { try RemotePolicy.check(["request", "template", "list"], role: .sales) }
        #expect(sales?.kind == .permissionDenied)
        #expect(sales?.message.hasPrefix("sales may not run `request template list` over SSH") == true, "\(String(describing: sales))")
        #expect(!RemoteAccess.allows("request template list", role: .sales) && !RemoteAccess.allows("request template list", role: .clerk))
        // Changing them is for the office: not over SSH, for anyone.
        for role in Role.allCases {
            #expect(refusal { try RemotePolicy.check(["request", "template", "add", "x", "--body", "Hi"], role: role) }?.kind == .permissionDenied)
            #expect(refusal { try RemotePolicy.check(["request", "template", "remove", "x"], role: role) }?.kind == .permissionDenied)
        }
    }
}

// MARK: - Fuzz

extension RemotePolicyTests {
    /// The path of a parsed command, found by the test's own walk of the command tree (not the policy's map).
    static func pathOf(_ command: any ParsableCommand) -> String? {
        func find(_ commands: [any ParsableCommand.Type], _ prefix: [String]) -> [String]? {
            for type in commands {
                let names = prefix + [type._commandName]
                if ObjectIdentifier(type) == ObjectIdentifier(Swift.type(of: command)) { return names }
                if let found = find(type.configuration.subcommands, names) { return found }
            }
            return nil
        }
        return find(BackOffice.configuration.subcommands, []).map { $0.joined(separator: " ") }
    }

    /// The words of the command tree.
    static let commandWords: [String] = {
        var names = Set<String>()
        func walk(_ commands: [any ParsableCommand.Type]) {
            for type in commands {
                names.insert(type._commandName)
                walk(type.configuration.subcommands)
            }
        }
        walk(BackOffice.configuration.subcommands)
        return names.sorted()
    }()

    @Test func givenRandomCommandLinesWhenSplitAndCheckedThenNothingAcceptedRunsOutsideTheRolesList() throws {
        var random = SeededRandom(seed: 1)
        var accepted = 0, refused = 0, help = 0
        for _ in 0..<2_000 {
            let line = CommandLineFuzz.line(starts: RemoteAccess.commands.values.flatMap { $0 }.sorted(),
                                            tokens: Self.commandWords + CommandLineFuzz.attackTokens, random: &random)
            // One role a line: a parse takes argument-parser about 10 ms in a debug build (it validates the whole tree).
            for role in [Role.allCases[Int.random(in: 0..<Role.allCases.count, using: &random)]] {
                let decision: RemotePolicy.Decision
                do throws(Failure) {
                    decision = try RemotePolicy.check(try RemoteAccess.words(line), role: role)
                } catch {
                    #expect([FailureKind.usage, .permissionDenied].contains(error.kind))
                    #expect(!error.message.contains("\n") && !error.message.unicodeScalars.contains { $0.value < 0x20 })
                    refused += 1
                    continue
                }
                let words = try RemoteAccess.words(line)
                #expect(!words.contains { $0.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } }, "\(line.debugDescription)")
                // What the session's process will do with these words: parse them the same way.
                let command: any ParsableCommand
                do {
                    command = try BackOffice.parseAsRoot(GlobalOptions.hoisted(words))
                } catch {
                    #expect(BackOffice.exitCode(for: error) == .success && decision.isHelp, "\(line.debugDescription) as \(role)")
                    #expect(RemoteAccess.allowsHelp(decision.path, role: role))
                    help += 1
                    continue
                }
                if decision.isHelp {
                    #expect(type(of: command)._commandName == "help" && Self.pathOf(command) == nil, "\(line.debugDescription) as \(role)")
                    #expect(RemoteAccess.allowsHelp(decision.path, role: role))
                    help += 1
                    continue
                }
                let path = try #require(Self.pathOf(command), "\(line.debugDescription) as \(role)")
                #expect(path == decision.path)
                #expect(RemoteAccess.commands[role]?.contains(path) == true, "\(line.debugDescription) ran \(path) as \(role)")
                let globals = RemotePolicy.globalOptions(in: command)
                #expect(!globals.isEmpty, "\(path) carries no global options to check")
                #expect(globals.allSatisfy { $0.db == nil && $0.user == nil }, "\(line.debugDescription) as \(role)")
                accepted += 1
            }
        }
        // The fuzz must reach both sides of the decision to mean anything.
        #expect(accepted > 25 && refused > 250 && help > 3, "accepted \(accepted), refused \(refused), help \(help)")
    }
}
