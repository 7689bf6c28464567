import ArgumentParser
@testable import backoffice
import Testing

/// Every command names itself. A command without a name is named by the parser from its type, through the Swift
/// runtime's type-name lookup, which scans every conformance record of the binary: a third of a one-shot command's
/// time before the names were given.
@Suite("Command names")
struct CommandNameTests {
    @Test func everyCommandInTheTreeGivesItsOwnName() {
        var unnamed: [String] = []
        var seen = 0
        func walk(_ command: any ParsableCommand.Type, path: String) {
            seen += 1
            let name = command.configuration.commandName
            if name == nil { unnamed.append(path + " " + String(reflecting: command)) }
            for sub in command.configuration.subcommands {
                walk(sub, path: path + " " + (name ?? "?"))
            }
        }
        walk(BackOffice.self, path: "")
        #expect(unnamed.isEmpty, "commands without a commandName: \(unnamed)")
        #expect(seen > 60, "walked \(seen) commands")
    }
}
