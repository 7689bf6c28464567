import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

struct Stock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stock",
        abstract: "An item's on hand, reserved, available and incoming at each location.",
        discussion: "QUERY is a SKU, or words to search for; the best match is shown.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "SKU or search words.") var words: [String]

    var query: String { words.joined(separator: " ") }

    func validate() throws {
        guard !query.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("name the item: a SKU or search words") }
    }

    func run() async throws {
        let answer = try await global.withSession { try await $0.store.stock(query: query, by: $0.actor) }
        if output.json { try Output.json(StockJSON(answer)) } else { Render.stock(answer) }
    }
}

struct Promise: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atp",
        abstract: "When N units of an item are available to promise: the day, per location, and the timeline that leads there.",
        discussion: """
            From the stock available now at the sellable locations (or at --at), holds returning when they expire, and \
            expected receipts by due date. Receipts past their due date are shown as overdue and left out unless \
            --include-overdue. When no known event reaches N it says how many can be promised at most, and by when \
            (exit 0: that is the answer).
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The item's SKU.") var sku: String
    @Option(name: .customLong("qty"), help: "How many the customer wants.") var quantity: Int
    @Option(help: ArgumentHelp("One location instead of every sellable one.", valueName: "code")) var at: String?
    @Flag(help: "Count receipts past their due date as arriving today.") var includeOverdue = false

    func validate() throws {
        guard quantity > 0 else { throw ValidationError("--qty must be greater than zero") }
    }

    func run() async throws {
        let answer = try await global.withSession {
            try await $0.store.promise(sku: sku, quantity: quantity, at: at, includeOverdue: includeOverdue, by: $0.actor)
        }
        if output.json { try Output.json(PromiseJSON(answer)) } else { Render.promise(answer) }
    }
}

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "search", abstract: "Prefix search over SKU, name and category.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "Words to search for; each matches as a prefix.") var words: [String]

    var text: String { words.joined(separator: " ") }
    @Option(help: "At most this many results.") var limit = 20

    func validate() throws {
        guard (1...1_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 1000") }
        guard text.contains(where: { $0.isLetter || $0.isNumber }) else { throw ValidationError("give at least one letter or digit to search for") }
    }

    func run() async throws {
        let items = try await global.withSession { try await $0.store.search(text, limit: limit, by: $0.actor) }
        if output.json { try Output.json(items.map(ItemJSON.init)); return }
        if items.isEmpty { Output.line("no items match \(Output.safe(text).debugDescription)"); return }
        Render.items(items)
    }
}

struct Price: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "price", abstract: "The price of an item for an account, with its explanation.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var output: OutputOptions
    @Argument(help: "The item's SKU.") var sku: String
    @Option(help: "The customer account code.") var account: String
    @Option(name: .customLong("qty"), help: "Quantity.") var quantity = 1
    @Option(help: ArgumentHelp("Price as of this date (YYYY-MM-DD).", valueName: "date")) var on: String?

    func validate() throws {
        guard quantity > 0 else { throw ValidationError("--qty must be greater than zero") }
    }

    func run() async throws {
        let date = try parseDay(on, field: "on")
        let quote = try await global.withSession { try await $0.store.quote(sku: sku, account: account, quantity: quantity, on: date, by: $0.actor) }
        if output.json { try Output.json(QuoteJSON(quote)) } else { Render.quote(quote) }
    }
}
