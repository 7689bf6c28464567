import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

struct Move: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move",
        abstract: "Post a stock movement and print the new balance.",
        subcommands: [Receipt.self, Issue.self, Transfer.self, Adjust.self, Count.self])

    struct Common: ParsableArguments {
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "A reference: purchase order, sales order, ticket.") var ref: String?
    }

    static func post(_ movement: Movement, sku: String, _ common: Common) async throws {
        let posted = try await common.global.withSession {
            try await $0.store.post(movement, sku: sku, reference: common.ref, by: $0.actor)
        }
        if common.output.json {
            struct Posted: Encodable { var movement: Int64; var kind: String; var stock: StockJSON }
            try Output.json(Posted(movement: posted.entry.id, kind: posted.entry.kind.rawValue, stock: StockJSON(posted.stock)))
            return
        }
        Output.line("posted \(posted.entry.kind.rawValue) #\(posted.entry.id)\n")
        Render.stock(posted.stock)
    }

    struct Receipt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "receipt", abstract: "Goods arrive at a location.")
        @OptionGroup var common: Common
        @Argument(help: "SKU.") var sku: String
        @Argument(help: "Quantity received.") var quantity: Int
        @Option(help: "Receiving location.") var to: String
        func run() async throws { try await Move.post(.receipt(quantity: quantity, to: to), sku: sku, common) }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "issue", abstract: "Goods leave a location.")
        @OptionGroup var common: Common
        @Argument(help: "SKU.") var sku: String
        @Argument(help: "Quantity issued.") var quantity: Int
        @Option(help: "Issuing location.") var from: String
        func run() async throws { try await Move.post(.issue(quantity: quantity, from: from), sku: sku, common) }
    }

    struct Transfer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "transfer", abstract: "Goods move between two locations.")
        @OptionGroup var common: Common
        @Argument(help: "SKU.") var sku: String
        @Argument(help: "Quantity moved.") var quantity: Int
        @Option(help: "From location.") var from: String
        @Option(help: "To location.") var to: String
        func run() async throws { try await Move.post(.transfer(quantity: quantity, from: from, to: to), sku: sku, common) }
    }

    struct Adjust: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "adjust",
            abstract: "A signed correction with a reason code.",
            discussion: "Reason codes: \(Ledger.reasonCodes.joined(separator: ", ")). Write a negative quantity as -3.")
        @OptionGroup var common: Common
        @Argument(help: "SKU.") var sku: String
        @Argument(help: "Signed quantity, such as 5 or -3.") var quantity: Int
        @Option(help: "Location.") var at: String
        @Option(help: "Reason code.") var reason: String
        func run() async throws { try await Move.post(.adjustment(delta: quantity, at: at, reason: reason), sku: sku, common) }
    }

    struct Count: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "count", abstract: "Record a physical count; the difference is posted.")
        @OptionGroup var common: Common
        @Argument(help: "SKU.") var sku: String
        @Argument(help: "Quantity counted.") var quantity: Int
        @Option(help: "Location.") var at: String
        func run() async throws { try await Move.post(.count(counted: quantity, at: at), sku: sku, common) }
    }
}

struct Incoming: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incoming",
        abstract: "Expected receipts (purchase order lines) that count as incoming until received.",
        discussion: "A receipt posted with --ref equal to an expected receipt's reference takes the quantity off it.",
        subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Expect a receipt.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "SKU.") var sku: String
        @Argument(help: "Quantity expected.") var quantity: Int
        @Option(help: "Receiving location.") var to: String
        @Option(help: "Due date (YYYY-MM-DD).") var due: String
        @Option(help: "Purchase order reference.") var ref: String

        func run() async throws {
            let day = try Day.parse(due, field: "due")
            let expected = try await global.withSession {
                try await $0.store.expectReceipt(sku: sku, quantity: quantity, location: to, due: day, reference: ref, by: $0.actor)
            }
            Output.line("expecting \(expected.quantity) \(expected.sku) at \(expected.location) on \(expected.due) (\(expected.reference))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Open expected receipts, earliest first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this SKU.") var sku: String?
        @Option(help: "At most this many.") var limit = 50

        func run() async throws {
            let list = try await global.withSession { try await $0.store.expectedReceipts(sku: sku, limit: limit, by: $0.actor) }
            if output.json { try Output.json(list); return }
            Output.table(["ID", "SKU", "LOCATION", "QTY", "DUE", "REF"], list.map {
                [String($0.id), $0.sku, $0.location, String($0.quantity), $0.due.description, $0.reference]
            }, right: [0, 3])
        }
    }
}
