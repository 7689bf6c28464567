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
        if output.json { try Output.json(answer) } else { Render.promise(answer) }
    }
}

struct ReorderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reorder",
        abstract: "Items to order: projected stock (available plus on order) below the reorder point, and how many to order.",
        discussion: """
            Over the sellable locations, or one with --at. The quantity brings projected stock up to the item's \
            order-up-to level (items edit --reorder-to; the reorder point when none is set), rounded up to its order \
            multiple (--order-multiple). The next receipt already on order is shown beside it. CSV (--format csv, \
            -o FILE or - for standard output) is for purchasing: one row an item, and no total row.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("One location instead of every sellable one.", valueName: "code")) var at: String?
    @OptionGroup var table: TableOutputOptions

    func run() async throws {
        if table.isCSV {
            let sink = try table.sink(store: global.storePath)
            do {
                let lines = try await global.withSession { try await $0.store.reorderSuggestions(at: at, by: $0.actor) }
                let header = ["sku", "name", "unit", "on_hand", "available", "incoming", "projected", "reorder_point", "reorder_to",
                              "order_multiple", "suggested", "next_receipt", "next_reference"]
                let numeric = [false, false, false, true, true, true, true, true, true, true, true, false, false]
                func cell(_ text: String) -> String { sink.isTerminal ? Sanitize.forTerminal(text) : text }
                var text = header.joined(separator: ",") + "\r\n"
                for line in lines {
                    let row = [line.item.sku, line.item.name, line.item.unit, String(line.onHand), String(line.available), String(line.incoming),
                               String(line.projected), String(line.item.reorderPoint), String(line.item.reorderTo),
                               String(line.item.orderMultiple), String(line.suggested), line.nextReceipt?.description ?? "",
                               line.nextReference ?? ""]
                    text += CSV.record(row.map(cell), numbers: numeric)
                }
                try sink.write(text)
                try sink.finish()
                if sink.isFile { FileHandle.standardError.write(Data("wrote \(lines.count.grouped) items to order\n".utf8)) }
            } catch {
                sink.abandon()
                throw error
            }
            return
        }
        let lines = try await global.withSession { try await $0.store.reorderSuggestions(at: at, by: $0.actor) }
        if table.json { try Output.json(ReorderJSON(lines)); return }
        guard !lines.isEmpty else { Output.line("nothing to order: every item is at or above its reorder point"); return }
        Output.table(["SKU", "NAME", "AVAIL", "ON ORDER", "PROJ", "POINT", "UP TO", "MULT", "ORDER", "NEXT RECEIPT"], lines.map { line in
            [Output.safe(line.item.sku), Output.safe(line.item.name), String(line.available), String(line.incoming), String(line.projected),
             String(line.item.reorderPoint), String(max(line.item.reorderTo, line.item.reorderPoint)), String(line.item.orderMultiple),
             String(line.suggested), line.nextReceipt.map { "\($0) \(Output.safe(line.nextReference ?? ""))" } ?? ""]
        }, right: [2, 3, 4, 5, 6, 7, 8])
        let units = lines.reduce(0) { $0 + $1.suggested }
        Output.line("\n\(lines.count.grouped) items to order, \(units.grouped) units in all")
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
