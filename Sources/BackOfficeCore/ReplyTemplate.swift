import Foundation

/// A manager's canned answer: a short name and a body whose placeholders (`{available}`, `{price}`, `{atp}` …) are
/// filled from the request's live facts when it is used.
///
/// The facts are the answer basis the store gives for the request (`AnswerSnapshot`): stock, quote and
/// available-to-promise as the salesperson who asked may see them, so a template can never show more than the answer
/// snapshot does. No placeholder names cost or margin, and `{cost}` or `{margin}` is refused by name.
public struct ReplyTemplate: Sendable, Codable, Hashable {
    public var name: String
    public var body: String
    /// Who added it or last replaced it.
    public var updatedBy: String
    public var updatedAt: Date

    public init(name: String, body: String, updatedBy: String, updatedAt: Date) {
        self.name = name
        self.body = body
        self.updatedBy = updatedBy
        self.updatedAt = updatedAt
    }

    /// The longest body a template may have: with its facts filled in, an answer stays within `Queue.checkText`'s 4000.
    public static let maximumBodyLength = 2_000
    public static let maximumNameLength = 32

    /// A template's name: 1–32 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or digit (so it is one
    /// word on a command line and never an option). Names are unique without regard to case.
    public static func checkName(_ value: String, field: String = "name") throws(Failure) -> String {
        let name = value.trimmingSpaces
        guard !name.isEmpty else { throw Failure.invalid(field, value, "must not be empty") }
        guard name.count <= maximumNameLength else { throw Failure.invalid(field, value, "longer than \(maximumNameLength) characters") }
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."): true
            default: false
            }
        }
        guard allowed, let first = name.unicodeScalars.first, first.properties.isAlphabetic || ("0"..."9").contains(first) else {
            throw Failure.invalid(field, value, "use letters, digits, - _ . only, starting with a letter or digit")
        }
        return name
    }

    /// A template's body: text as an answer allows it (line breaks and tabs, no other control character or bidi
    /// control), at most 2000 characters, every `{placeholder}` one that exists. Gives the body as it is kept.
    public static func checkBody(_ value: String, field: String = "body") throws(Failure) -> String {
        let body = try Queue.checkText(value, field: field)
        guard body.count <= maximumBodyLength else {
            throw Failure.invalid(field, String(body.prefix(20)) + "…", "longer than \(maximumBodyLength) characters")
        }
        _ = try parse(body, field: field)
        return body
    }

    // MARK: - Placeholders

    /// What a template may name in braces. Each is a fact an answer may quote to the salesperson; none is cost or margin.
    public enum Placeholder: String, CaseIterable, Sendable {
        case sku, item, account, quantity, requester
        case stock, available, receipt
        case price, total, valid
        case atp, promise
        case facts

        /// What it gives, for `request template add --help` and the README.
        public var meaning: String {
            switch self {
            case .sku: "the item's SKU"
            case .item: "the item's name"
            case .account: "the account's code"
            case .quantity: "the quantity asked about"
            case .requester: "the salesperson who asked"
            case .stock: "available now per sellable location (MAIN 40, EAST 12)"
            case .available: "available now in all at the sellable locations"
            case .receipt: "the next receipt due at a sellable location"
            case .price: "the unit price for the quantity"
            case .total: "the price of the whole quantity"
            case .valid: "the last day the price holds"
            case .atp: "the day the quantity is available to promise"
            case .promise: "when the quantity can be promised, as a sentence"
            case .facts: "all of it in one sentence, as Ctrl-L inserts it"
            }
        }

        /// What stands in its place when the request has no such fact: visible, never a silent blank.
        public var missing: String {
            switch self {
            case .sku, .item: "(no item)"
            case .account: "(no account)"
            case .quantity: "(no quantity)"
            case .requester: "(no requester)"
            case .stock, .available, .facts: "(no stock)"
            case .receipt: "(no receipt due)"
            case .price, .total: "(no price)"
            case .valid: "(no end date)"
            case .atp: "(no date)"
            case .promise: "(no promise)"
            }
        }
    }

    /// A body cut into text and placeholders.
    public enum Part: Sendable, Equatable {
        case text(String)
        case placeholder(Placeholder)
    }

    /// Names that look like facts a salesperson must never see: refused with their own reason.
    static let hidden: Set<String> = ["cost", "margin", "markup", "profit", "costprice", "cost_price", "unit_cost"]

    /// Cuts a body into text and placeholders. `{{` is a literal `{`; a `}` on its own is text. An unknown name or a
    /// brace left open is refused, naming it and where it is.
    public static func parse(_ body: String, field: String = "body") throws(Failure) -> [Part] {
        var parts: [Part] = []
        var text = ""
        let characters = Array(body)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            guard character == "{" else {
                text.append(character)
                index += 1
                continue
            }
            if index + 1 < characters.count, characters[index + 1] == "{" {
                text.append("{")
                index += 2
                continue
            }
            guard let close = characters[(index + 1)...].prefix(40).firstIndex(of: "}") else {
                throw Failure.invalid(field, String(characters[index...].prefix(20)),
                                      "a { at character \(index + 1) is not closed; write {{ for a brace, or a placeholder such as {available}")
            }
            let name = String(characters[(index + 1)..<close]).trimmingSpaces
            guard let placeholder = Placeholder(rawValue: name.lowercased()) else {
                if hidden.contains(name.lowercased()) {
                    throw Failure.invalid(field, "{\(name)}", "cost and margin are never in an answer to sales; no placeholder gives them")
                }
                throw Failure.invalid(field, "{\(name)}", "unknown placeholder {\(name)}; use one of "
                                      + Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: " "))
            }
            if !text.isEmpty { parts.append(.text(text)) }
            text = ""
            parts.append(.placeholder(placeholder))
            index = close + 1
        }
        if !text.isEmpty { parts.append(.text(text)) }
        return parts
    }

    // MARK: - Filling in

    /// The body with each placeholder replaced by the request's fact, or by the placeholder's "(no …)" text where the
    /// request has none (no item, no price for the account, no stock basis). `basis` is the store's answer basis for
    /// the request, as its requester may see it. A body kept before a rule changed (or edited outside BackOffice) is
    /// still filled: what does not parse is left as written.
    public func filled(for request: Request, basis: AnswerSnapshot?) -> String {
        guard let parts = try? Self.parse(body) else { return body }
        return parts.map { part in
            switch part {
            case .text(let text): text
            case .placeholder(let placeholder): Self.value(placeholder, request: request, basis: basis) ?? placeholder.missing
            }
        }.joined()
    }

    /// One fact of a request, or nil when it has none.
    static func value(_ placeholder: Placeholder, request: Request, basis: AnswerSnapshot?) -> String? {
        let stock = request.sku == nil ? nil : basis?.stock
        let sellable = stock?.lines.filter(\.sellable)
        let quote = request.sku == nil ? nil : basis?.quote
        let promise = request.sku == nil ? nil : basis?.promise
        switch placeholder {
        case .sku: return request.sku
        case .item: return stock?.item.name
        case .account: return request.account
        case .quantity: return request.quantity.map(String.init)
        case .requester: return request.requester
        case .stock:
            return sellable.map { $0.isEmpty ? "none" : $0.map { "\($0.location) \($0.position.available)" }.joined(separator: ", ") }
        case .available: return sellable.map { String($0.reduce(0) { $0 + $1.position.available }) }
        case .receipt: return sellable?.compactMap(\.nextReceipt).min()?.description
        case .price: return quote?.unitPrice.formatted
        case .total: return quote?.extendedPrice.formatted
        case .valid: return quote?.validThrough?.description
        case .atp: return promise?.date?.description
        case .promise: return promise?.sentence
        case .facts:
            guard let stock else { return nil }
            return AnswerSnapshot.facts(stock: stock, quote: quote, quantity: request.quantity ?? 1, promise: promise)
        }
    }
}

extension AnswerSnapshot {
    /// The live stock and price in one sentence, as an account manager inserts them into an answer (Ctrl-L and
    /// `{facts}`): sellable locations only, and no cost or margin, whoever writes the answer.
    public static func facts(stock: StockAnswer, quote: Quote?, quantity: Int, promise: AvailableToPromise.Answer? = nil) -> String {
        let sellable = stock.lines.filter(\.sellable)
        var text = "Available now: " + (sellable.isEmpty ? "none" : sellable.map { "\($0.location) \($0.position.available)" }.joined(separator: ", "))
        // Stock that will be sellable: a receipt due into quarantine is not a date to promise.
        if let next = sellable.compactMap(\.nextReceipt).min() { text += "; next receipt \(next)" }
        text += "."
        if let quote {
            text += " Price for \(quantity): \(quote.unitPrice.formatted) each, \(quote.extendedPrice.formatted) in all"
            if let end = quote.validThrough { text += ", valid through \(end)" }
            text += "."
        }
        if let promise, promise.availableNow < promise.quantity { text += " When: \(promise.sentence)." }
        return text
    }
}
