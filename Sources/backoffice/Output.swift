import BackOfficeCore
import BackOfficeStore
import Foundation

/// Writes answers: aligned text for people, JSON for scripts. Text from data is sanitised before it is printed.
enum Output {
    /// "in 1.23 s (12,345 rows/s)": how long `count` rows took since `start`.
    static func rate(_ count: Int, since start: ContinuousClock.Instant) -> String {
        let seconds = max(0.001, (ContinuousClock.now - start).seconds)
        return "in \(String(format: "%.2f", seconds)) s (\(Int(Double(count) / seconds).grouped) rows/s)"
    }

    /// Prints a line for people. Whatever came from data in it is shown, never obeyed: each line of `text` goes
    /// through the terminal sanitiser, so a name or code an old row still holds cannot drive the terminal.
    /// One line to standard error that is not an error (a store upgraded on open), so standard output stays the answer.
    static func notice(_ text: String) {
        FileHandle.standardError.write(Data("backoffice: \(safe(text))\n".utf8))
    }

    static func line(_ text: String = "") {
        print(text.split(separator: "\n", omittingEmptySubsequences: false).map { Sanitize.forTerminal(String($0)) }
            .joined(separator: "\n"))
    }

    /// Sends what is printed so far now, before a long wait: over SSH without a terminal standard output is a pipe,
    /// which holds lines back until the buffer fills or the command ends.
    static func flush() { fflush(nil) }

    /// Prints rows as aligned columns; numeric columns (named in `right`) are right-aligned.
    static func table(_ header: [String], _ rows: [[String]], right: Set<Int> = []) {
        let clean = rows.map { $0.map(Sanitize.forTerminal) }
        var widths = header.map(\.count)
        for row in clean { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - cell.count))
                return right.contains(i) ? pad + cell : (i == cells.count - 1 ? cell : cell + pad)
            }.joined(separator: "  ")
        }
        print(render(header))
        for row in clean { print(render(row)) }
    }

    /// Prints `value` as JSON; characters a terminal would obey are `\u` escapes (see `JSONText`).
    static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(JSONText.escapingInvisibles(String(decoding: try encoder.encode(value), as: UTF8.self)))
    }

    static func safe(_ text: String) -> String { Sanitize.forTerminal(text) }

    static func time(_ date: Date) -> String { UTC.iso(date) }

    /// `2h 05m`, `3d 4h` — how long ago or until.
    static func span(_ seconds: TimeInterval) -> String {
        let s = Int(abs(seconds))
        if s < 3_600 { return "\(s / 60)m" }
        if s < 86_400 { return "\(s / 3_600)h \(String(format: "%02d", s / 60 % 60))m" }
        return "\(s / 86_400)d \(s / 3_600 % 24)h"
    }
}

// MARK: - JSON shapes

/// `reorder --json`: the lines, and the totals purchasing orders against (no supplier: one total for all).
struct ReorderJSON: Encodable {
    struct Line: Encodable {
        var sku: String
        var name: String
        var unit: String
        var onHand: Int
        var available: Int
        var incoming: Int
        var projected: Int
        var reorderPoint: Int
        var reorderTo: Int
        var orderMultiple: Int
        var suggested: Int
        var nextReceipt: String?
        var nextReference: String?
    }

    var items: [Line]
    var totalItems: Int
    var totalUnits: Int

    init(_ lines: [ReorderLine]) {
        items = lines.map {
            Line(sku: $0.item.sku, name: $0.item.name, unit: $0.item.unit, onHand: $0.onHand, available: $0.available, incoming: $0.incoming,
                 projected: $0.projected, reorderPoint: $0.item.reorderPoint, reorderTo: $0.item.reorderTo,
                 orderMultiple: $0.item.orderMultiple, suggested: $0.suggested, nextReceipt: $0.nextReceipt?.description,
                 nextReference: $0.nextReference)
        }
        totalItems = lines.count
        totalUnits = lines.reduce(0) { $0 + $1.suggested }
    }
}

/// `stock --json`
struct StockJSON: Encodable {
    struct Line: Encodable {
        var location: String
        var sellable: Bool
        var onHand: Int
        var reserved: Int
        var available: Int
        var incoming: Int
        var projected: Int
        var nextReceipt: String?
    }
    struct Totals: Encodable {
        var onHand: Int
        var reserved: Int
        var available: Int
        var incoming: Int
        var projected: Int
    }
    var sku: String
    var name: String
    var unit: String
    var category: String
    var locations: [Line]
    var totals: Totals
    var nextReceipt: String?

    init(_ answer: StockAnswer) {
        sku = answer.item.sku
        name = answer.item.name
        unit = answer.item.unit
        category = answer.item.category
        locations = answer.lines.map {
            Line(location: $0.location, sellable: $0.sellable, onHand: $0.position.onHand, reserved: $0.position.reserved,
                 available: $0.position.available, incoming: $0.position.incoming, projected: $0.position.projected,
                 nextReceipt: $0.nextReceipt?.description)
        }
        let t = answer.totals
        totals = Totals(onHand: t.onHand, reserved: t.reserved, available: t.available, incoming: t.incoming, projected: t.projected)
        nextReceipt = answer.nextReceipt?.description
    }
}

/// `price --json`: money as decimal strings; cost, margin and validThrough are left out when the quote has none.
struct QuoteJSON: Encodable {
    struct Considered: Encodable {
        var source: String
        var level: String
        var description: String
        var unitPrice: String?
        var won: Bool
        var reason: String?
    }
    struct Tier: Encodable {
        var minQuantity: Int
        var unitPrice: String
        var source: String
    }
    var sku: String
    var account: String
    var quantity: Int
    var date: String
    var currency: String
    var unitPrice: String
    var extendedPrice: String
    var rule: String
    var adjustments: [String]
    var considered: [Considered]
    var tiers: [Tier]
    var validThrough: String?
    var cost: String?
    var margin: String?

    init(_ quote: Quote) {
        sku = quote.sku
        account = quote.account
        quantity = quote.quantity
        date = quote.date.description
        currency = quote.currency
        unitPrice = quote.unitPrice.decimalString
        extendedPrice = quote.extendedPrice.decimalString
        rule = quote.rule
        adjustments = quote.adjustments.map(\.description)
        considered = quote.considered.map {
            Considered(source: $0.source, level: $0.level.description, description: $0.description, unitPrice: $0.unitPrice?.decimalString,
                       won: $0.won, reason: $0.reason)
        }
        tiers = quote.tiers.map { Tier(minQuantity: $0.minQuantity, unitPrice: $0.unitPrice.decimalString, source: $0.source) }
        validThrough = quote.validThrough?.description
        cost = quote.cost?.decimalString
        margin = quote.margin?.description
    }
}

struct ItemJSON: Encodable {
    var sku: String
    var name: String
    var unit: String
    var category: String
    var active: Bool
    var reorderPoint: Int
    var reorderTo: Int
    var orderMultiple: Int
    var cost: String?

    init(_ item: Item) {
        sku = item.sku
        name = item.name
        unit = item.unit
        category = item.category
        active = item.active
        reorderPoint = item.reorderPoint
        reorderTo = item.reorderTo
        orderMultiple = item.orderMultiple
        cost = item.cost?.decimalString
    }
}

// MARK: - Text shapes

enum Render {
    static func stock(_ answer: StockAnswer) {
        let item = answer.item
        Output.line("\(Output.safe(item.sku))  \(Output.safe(item.name))")
        Output.line("\(Output.safe(item.category.isEmpty ? "(no category)" : item.category)) · unit \(item.unit)"
                    + (item.active ? "" : " · INACTIVE") + " · reorder point \(item.reorderPoint)"
                    + (item.reorderTo > 0 ? ", up to \(item.reorderTo)" : "") + (item.orderMultiple > 1 ? " in \(item.orderMultiple)s" : ""))
        Output.line()
        var rows = answer.lines.map { line in
            [line.location + (line.sellable ? "" : " (not sellable)"), String(line.position.onHand), String(line.position.reserved),
             String(line.position.available), String(line.position.incoming), String(line.position.projected),
             line.nextReceipt?.description ?? ""]
        }
        let t = answer.totals
        rows.append(["TOTAL", String(t.onHand), String(t.reserved), String(t.available), String(t.incoming), String(t.projected),
                     answer.nextReceipt?.description ?? ""])
        Output.table(["LOCATION", "ON HAND", "RESERVED", "AVAILABLE", "INCOMING", "PROJECTED", "NEXT RECEIPT"], rows, right: [1, 2, 3, 4, 5])
        if answer.belowReorderPoint { Output.line("\nbelow reorder point (\(t.onHand) < \(item.reorderPoint))") }
    }

    static func promise(_ answer: AvailableToPromise.Answer) {
        Output.line(Output.safe(answer.sku) + ": " + Output.safe(answer.sentence))
        Output.line("available now   \(answer.availableNow)")
        for receipt in answer.overdue {
            Output.line("overdue         \(Output.safe(receipt.reference)): \(receipt.quantity) at \(receipt.location), due \(receipt.due)")
        }
        if !answer.timeline.isEmpty {
            Output.line()
            Output.table(["DATE", "EVENT", "LOCATION", "CHANGE", "AVAILABLE"], answer.timeline.map {
                [$0.date.description, Output.safe($0.event), $0.location, "+\($0.change)", String($0.available)]
            }, right: [3, 4])
        }
        if answer.locations.count > 1 {
            Output.line()
            Output.table(["LOCATION", "ALONE BY"], answer.locations.map { [$0.location, $0.date?.description ?? "not on what is known"] })
        }
    }

    static func quote(_ quote: Quote) {
        Output.line("\(Output.safe(quote.sku)) for \(Output.safe(quote.account)), \(quote.quantity) on \(quote.date)")
        Output.line("unit price      \(quote.unitPrice.formatted)")
        Output.line("extended price  \(quote.extendedPrice.formatted)")
        if let cost = quote.cost { Output.line("cost            \(cost.formatted)") }
        if let margin = quote.margin { Output.line("margin          \(margin)%") }
        Output.line("set by          \(quote.rule)" + (quote.adjustments.isEmpty ? "" : " (\(quote.adjustments.map(\.description).joined(separator: "; ")))"))
        Output.line("valid through   \(quote.validThrough?.description ?? "no end date")")
        Output.line()
        Output.line("Considered:")
        Output.table(["", "SOURCE", "LEVEL", "UNIT", "WHAT", "OUTCOME"], quote.considered.map {
            [$0.won ? "*" : " ", $0.source, $0.level.description, $0.unitPrice?.decimalString ?? "-", $0.description, $0.won ? "won" : ($0.reason ?? "")]
        }, right: [3])
        Output.line()
        Output.line("Quantity breaks:")
        Output.table(["FROM QTY", "UNIT", "SOURCE"], quote.tiers.map { [String($0.minQuantity), $0.unitPrice.decimalString, $0.source] }, right: [0, 1])
    }

    static func items(_ items: [Item]) {
        Output.table(["SKU", "NAME", "UNIT", "CATEGORY", "ACTIVE"], items.map {
            [$0.sku, $0.name, $0.unit, $0.category, $0.active ? "yes" : "no"]
        })
    }

    static func request(_ r: Request, now: Date) -> [String] {
        let column = ServiceLevel.column(r, now: now)
        let due = column.urgency == .late ? column.text.replacingOccurrences(of: "late", with: "OVERDUE") : column.text
        return [String(r.id), r.state.rawValue, r.priority.rawValue, r.kind.rawValue, r.account, r.sku ?? "", r.quantity.map(String.init) ?? "",
                r.requester, r.assignee ?? "-", Output.span(now.timeIntervalSince(r.createdAt)), due, String(r.text.prefix(40))]
    }

    static let requestHeader = ["ID", "STATE", "PRIORITY", "KIND", "ACCOUNT", "SKU", "QTY", "FROM", "ASSIGNEE", "AGE", "SLA", "TEXT"]
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
