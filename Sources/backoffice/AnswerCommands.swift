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
