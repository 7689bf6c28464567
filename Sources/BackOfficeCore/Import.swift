import Foundation

/// What `backoffice import` reads, and the rules for each row before the store sees it.
public enum ImportKind: String, Sendable, CaseIterable {
    case items
    case locations
    case accounts
    case prices
    case contracts
    case stock
    case counts

    /// Columns a file must have, by their matching key (see `CSV.key`).
    public var required: [String] {
        switch self {
        case .items: ["sku", "name"]
        case .locations: ["code", "name"]
        case .accounts: ["code", "name"]
        case .prices: ["pricelist", "sku", "price"]
        case .contracts: ["account", "sku", "price"]
        case .stock: ["sku", "location", "quantity"]
        case .counts: ["sku", "location", "counted"]
        }
    }

    /// Columns a file may have besides; anything else is refused, so a misspelt column never goes unnoticed.
    public var optional: [String] {
        switch self {
        case .items: ["unit", "category", "active", "cost", "reorderpoint"]
        case .locations: ["sellable"]
        case .accounts: ["manager", "backupmanager", "pricelist"]
        case .prices: ["currency"]
        case .contracts: ["minquantity", "validfrom", "validto"]
        case .stock: []
        case .counts: []
        }
    }
}

/// One row as the store will apply it.
public enum ImportRecord: Sendable, Hashable {
    /// An item; `cost` is the text of an amount in the store's currency, nil when the column is absent or empty.
    case item(Item, cost: String?)
    case location(Location)
    case account(code: String, name: String, manager: String?, backupManager: String?, priceList: String?)
    case price(list: String, sku: String, price: String, currency: String?)
    /// An account's contract price; `price` is the amount's text, read in the account's list currency.
    case contract(ContractPrice, price: String)
    /// Opening stock: a receipt.
    case stock(sku: String, location: String, quantity: Int)
    /// A counted quantity: a count movement.
    case count(sku: String, location: String, counted: Int)

    /// The key a row is matched by; two rows of one file with the same key are refused.
    public var key: String {
        switch self {
        case .item(let item, _): item.sku.uppercased()
        case .location(let location): location.code.uppercased()
        case .account(let code, _, _, _, _): code.uppercased()
        case .price(let list, let sku, _, _): "\(list.uppercased()) \(sku.uppercased())"
        case .contract(let contract, _):
            "\(contract.account.uppercased()) \(contract.sku.uppercased()) \(contract.minQuantity) \(contract.validFrom?.description ?? "")"
        case .stock(let sku, let location, _), .count(let sku, let location, _): "\(sku.uppercased()) \(location.uppercased())"
        }
    }

    /// The key as the file wrote it, for messages about it.
    public var keyValue: String {
        switch self {
        case .item(let item, _): item.sku
        case .location(let location): location.code
        case .account(let code, _, _, _, _): code
        case .price(let list, let sku, _, _): "\(sku) in \(list)"
        case .contract: key
        case .stock(let sku, let location, _), .count(let sku, let location, _): "\(sku) at \(location)"
        }
    }

    /// The column that holds the key, for messages about it.
    public var keyColumn: String {
        switch self {
        case .item, .price, .contract, .stock, .count: "sku"
        case .location, .account: "code"
        }
    }
}

/// A bad row (or header), as `FILE:LINE: column NAME: problem (value)`.
public struct ImportProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: String?
    public var problem: String
    public var value: String?

    public init(file: String, line: Int, column: String?, problem: String, value: String?) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
        self.value = value
    }

    public var description: String {
        "\(file):\(line): " + (column.map { "column \($0): " } ?? "") + problem + (value.map { " (\(Sanitize.forTerminal($0)))" } ?? "")
    }
}

public enum Importing {
    /// Maps a header row to column positions by key; refuses unknown, repeated and missing columns.
    public static func columns(_ header: [String], kind: ImportKind, file: String, line: Int) -> Result<[String: Int], ImportProblem> {
        var map: [String: Int] = [:]
        let known = Set(kind.required + kind.optional)
        for (index, name) in header.enumerated() {
            let key = CSV.key(name)
            guard known.contains(key) else {
                return .failure(ImportProblem(file: file, line: line, column: name, problem:
                    "unknown column; \(kind.rawValue) files have \((kind.required + kind.optional).joined(separator: ", "))", value: nil))
            }
            guard map[key] == nil else {
                return .failure(ImportProblem(file: file, line: line, column: name, problem: "appears twice in the header", value: nil))
            }
            map[key] = index
        }
        if let missing = kind.required.first(where: { map[$0] == nil }) {
            return .failure(ImportProblem(file: file, line: line, column: missing, problem: "required column is missing", value: nil))
        }
        return .success(map)
    }

    /// Reads one data row: the record, or every problem in it.
    public static func record(_ fields: [String], columns: [String: Int], header: [String] = [], kind: ImportKind, file: String,
                              line: Int) -> (record: ImportRecord?, problems: [ImportProblem]) {
        var problems: [ImportProblem] = []
        func text(_ key: String) -> String? {
            guard let index = columns[key] else { return nil }
            // A line break inside a spreadsheet cell reads as a space: no name or code may hold one.
            let raw = index < fields.count ? fields[index] : ""
            // Every line break is a byte 0x0A–0x0D or outside ASCII (NEL, LS, PS): most cells have neither.
            guard raw.utf8.contains(where: { (0x0A...0x0D).contains($0) || $0 >= 0x80 }) else { return raw.trimmingSpaces }
            return raw.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingSpaces
        }
        func name(_ key: String) -> String {
            columns[key].flatMap { $0 < header.count ? header[$0] : nil } ?? key
        }
        func check<T>(_ key: String, _ body: (String) throws(Failure) -> T) -> T? {
            let value = text(key) ?? ""
            do {
                return try body(value)
            } catch {
                // The rule's message without the field name and value, which the problem line shows itself.
                var message = error.message
                // Every rule is called with `field: key`, so its message starts with exactly that.
                if message.hasPrefix("\(key): ") { message.removeFirst(key.count + 2) }
                if message.hasSuffix(")"), let open = message.lastIndex(of: "("), message[open...].contains("\"") {
                    message.removeSubrange(open...)
                } else if message.hasPrefix("\""), let end = message.dropFirst().firstIndex(of: "\"") {
                    message.removeSubrange(...end)
                }
                message = message.trimmingSpaces
                problems.append(ImportProblem(file: file, line: line, column: name(key), problem: message, value: value))
                return nil
            }
        }
        func quantity(_ key: String, allowZero: Bool) -> Int? {
            check(key) { value throws(Failure) in
                guard let number = Int(value) else { throw Failure.invalid(key, value, "is not a whole number") }
                return try Validate.quantity(number, field: key, allowZero: allowZero)
            }
        }
        /// An amount's text, checked for its shape only (up to three decimals, not negative): the store reads it in the
        /// currency it belongs to.
        func amount(_ key: String) -> String? {
            check(key) { value throws(Failure) in
                _ = try Validate.amount(Money.parse(value, currency: "BHD", field: key), field: key)
                return value
            }
        }
        func flag(_ key: String, default fallback: Bool) -> Bool? {
            check(key) { value throws(Failure) in
                switch value.lowercased() {
                case "": return fallback
                case "yes", "y", "true", "1": return true
                case "no", "n", "false", "0": return false
                default: throw Failure.invalid(key, value, "must be yes or no")
                }
            }
        }
        if fields.count > columns.count, fields.dropFirst(columns.count).contains(where: { !$0.isEmpty }) {
            problems.append(ImportProblem(file: file, line: line, column: nil, problem: "more fields than the header has columns", value: nil))
        }
        var record: ImportRecord?
        switch kind {
        case .items:
            let sku = check("sku") { value throws(Failure) in try Validate.code(value, field: "sku") }
            let name = check("name") { value throws(Failure) in try Validate.name(value, field: "name") }
            let unit = check("unit") { value throws(Failure) in value.isEmpty ? "EA" : try Validate.code(value, field: "unit").uppercased() }
            let category = check("category") { value throws(Failure) in try Validate.category(value) }
            let active = flag("active", default: true)
            let reorder = text("reorderpoint").map { $0.isEmpty ? 0 : quantity("reorderpoint", allowZero: true) } ?? 0
            let cost = text("cost").flatMap { value -> String? in
                if value.isEmpty { return nil }
                return amount("cost")
            }
            if let sku, let name, let unit, let category, let active, let reorder {
                record = .item(Item(sku: sku, name: name, unit: unit, category: category, active: active, reorderPoint: reorder), cost: cost)
            }
        case .locations:
            let code = check("code") { value throws(Failure) in try Validate.code(value, field: "code").uppercased() }
            let name = check("name") { value throws(Failure) in try Validate.name(value, field: "name") }
            let sellable = flag("sellable", default: true)
            if let code, let name, let sellable { record = .location(Location(code: code, name: name, sellable: sellable)) }
        case .accounts:
            let code = check("code") { value throws(Failure) in try Validate.code(value, field: "code").uppercased() }
            let name = check("name") { value throws(Failure) in try Validate.name(value, field: "name") }
            let optionalCode = { (key: String) -> String?? in
                guard let value = text(key), !value.isEmpty else { return .some(nil) }
                return check(key) { value throws(Failure) in try Validate.code(value, field: key) }.map { .some($0) }
            }
            let manager = optionalCode("manager"), backup = optionalCode("backupmanager"), list = optionalCode("pricelist")
            if let code, let name, let manager, let backup, let list {
                record = .account(code: code, name: name, manager: manager, backupManager: backup, priceList: list)
            }
        case .prices:
            let list = check("pricelist") { value throws(Failure) in try Validate.code(value, field: "pricelist").uppercased() }
            let sku = check("sku") { value throws(Failure) in try Validate.code(value, field: "sku") }
            let price = amount("price")
            let currency = text("currency").flatMap { $0.isEmpty ? nil : $0.uppercased() }
            if let list, let sku, let price { record = .price(list: list, sku: sku, price: price, currency: currency) }
        case .contracts:
            let account = check("account") { value throws(Failure) in try Validate.code(value, field: "account").uppercased() }
            let sku = check("sku") { value throws(Failure) in try Validate.code(value, field: "sku") }
            let price = amount("price")
            let minimum = text("minquantity").map { $0.isEmpty ? 1 : quantity("minquantity", allowZero: false) } ?? 1
            func day(_ key: String) -> Day?? {
                guard let value = text(key), !value.isEmpty else { return .some(nil) }
                return check(key) { value throws(Failure) in try Day.parse(value, field: key) }.map { .some($0) }
            }
            let from = day("validfrom"), to = day("validto")
            if let account, let sku, let price, let minimum, let from, let to {
                let contract = ContractPrice(account: account, sku: sku, unitPrice: 0, minQuantity: minimum, validFrom: from, validTo: to)
                do {
                    record = .contract(try contract.validated(), price: price)
                } catch {
                    problems.append(ImportProblem(file: file, line: line, column: name("validto"), problem: "is before valid_from",
                                                  value: to?.description))
                }
            }
        case .stock, .counts:
            let sku = check("sku") { value throws(Failure) in try Validate.code(value, field: "sku") }
            let location = check("location") { value throws(Failure) in try Validate.code(value, field: "location").uppercased() }
            let amount = kind == .stock ? quantity("quantity", allowZero: false) : quantity("counted", allowZero: true)
            if let sku, let location, let amount {
                record = kind == .stock ? .stock(sku: sku, location: location, quantity: amount)
                    : .count(sku: sku, location: location, counted: amount)
            }
        }
        return problems.isEmpty ? (record, []) : (nil, problems)
    }
}
