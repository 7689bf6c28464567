import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

extension RequestCommand {
    /// `request template`: the managers' canned answers.
    struct Template: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "template",
            abstract: "Reply templates: canned answers filled from the request's live facts (managers and admins).",
            discussion: """
                Placeholders in braces are filled when the template is used (`request answer N --template NAME`, or \
                `t` in the console's Queue), as the salesperson who asked may see them; a fact the request does not \
                have reads "(no …)". {{ is a literal brace. No placeholder gives cost or margin.
                """ + "\n\n" + ReplyTemplate.Placeholder.allCases.map { placeholder in
                    let name = "{\(placeholder.rawValue)}"
                    return "  " + name + String(repeating: " ", count: max(1, 13 - name.count)) + placeholder.meaning
                }.joined(separator: "\n"),
            subcommands: [Add.self, List.self, Remove.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "add", abstract: "Add a reply template (or change one with --replace).",
                discussion: """
                    Example: backoffice request template add in-stock --body 'We have {available} of {sku}: {price} each, valid through {valid}.'
                    The placeholders are listed by `backoffice request template --help`.
                    """)
            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions
            @Argument(help: "Its name: letters, digits, - _ . (at most 32).") var name: String
            @Option(help: ArgumentHelp("The text, with placeholders such as {available} or {price}.", valueName: "text")) var body: String?
            @Option(help: ArgumentHelp("Read the text from a file (- for standard input).", valueName: "file")) var bodyFile: String?
            @Flag(help: "Change the body of a template that has this name.") var replace = false

            func run() async throws {
                // Checked here rather than in validate(), so the mistake is one line like every other.
                if (body == nil) == (bodyFile == nil) { throw Failure(.usage, "give the text with --body or --body-file (one of them)") }
                let text = try body ?? Self.read(bodyFile ?? "-")
                let template = try await global.withSession {
                    try await $0.store.addReplyTemplate(name: name, body: text, replace: replace, by: $0.actor)
                }
                if output.json { try Output.json(template); return }
                Output.line("reply template \(template.name) \(replace ? "saved" : "added") (\(template.body.count) characters)")
            }

            /// A body from a file or standard input: at most 64 KiB read, as UTF-8.
            static func read(_ file: String) throws -> String {
                let data: Data
                if file == "-" {
                    data = FileHandle.standardInput.readData(ofLength: 65_536)
                } else {
                    guard let handle = FileHandle(forReadingAtPath: file) else { throw Failure(.notFound, "body-file: cannot read \(file)") }
                    defer { try? handle.close() }
                    data = handle.readData(ofLength: 65_536)
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    throw Failure(.invalidInput, "body-file: \(file == "-" ? "standard input" : file) is not UTF-8 text")
                }
                return text
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "list", abstract: "The reply templates, by name.")
            @OptionGroup var global: GlobalOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                let templates = try await global.withSession { try await $0.store.replyTemplates(by: $0.actor) }
                if output.json { try Output.json(templates); return }
                guard !templates.isEmpty else {
                    Output.line("no reply templates: add one with `backoffice request template add NAME --body TEXT`")
                    return
                }
                Output.table(["NAME", "BY", "UPDATED", "BODY"], templates.map {
                    [$0.name, $0.updatedBy, Output.time($0.updatedAt), Self.oneLine($0.body, limit: 60)]
                })
            }

            /// A body on one line of the table: line breaks as ⏎, cut with … past `limit` characters.
            static func oneLine(_ body: String, limit: Int) -> String {
                let flat = body.replacingOccurrences(of: "\n", with: " ⏎ ")
                return flat.count <= limit ? flat : String(flat.prefix(limit - 1)) + "…"
            }
        }

        struct Remove: AsyncParsableCommand {
            static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a reply template.")
            @OptionGroup var global: GlobalOptions
            @Argument(help: "Its name.") var name: String

            func run() async throws {
                let removed = try await global.withSession { try await $0.store.removeReplyTemplate(name: name, by: $0.actor) }
                Output.line("removed reply template \(removed.name)")
            }
        }
    }
}
