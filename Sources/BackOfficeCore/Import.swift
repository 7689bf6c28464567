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
    /// Days off: `calendar add-holiday` a row at a time.
    case holidays
    /// The week's working hours and the time zone: `calendar set` a row per weekday.
    case calendar

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
        case .holidays: ["day", "name"]
        case .calendar: ["weekday", "opens", "closes", "timezone"]
        }
    }

    /// Columns a file may have besides; anything else is refused, so a misspelt column never goes unnoticed.
    public var optional: [String] {
        switch self {
        case .items: ["unit", "category", "active", "cost", "reorderpoint", "reorderto", "ordermultiple", "listprice"]
        case .locations: ["sellable"]
        case .accounts: ["manager", "backupmanager", "pricelist"]
        case .prices: ["currency"]
        case .contracts: ["minquantity", "validfrom", "validto"]
        case .stock: []
        case .counts: []
        case .holidays, .calendar: []
        }
    }

    /// Other names a file may give a column, by key, as the commands' flags name the same field (`items add --uom`,
    /// `accounts add --backup`, `prices set --list`, `prices add-contract --min-qty`): one vocabulary for both.
    public var aliases: [String: String] {
        switch self {
        case .items: ["uom": "unit"]
        case .accounts: ["backup": "backupmanager"]
        case .prices: ["list": "pricelist"]
        case .contracts: ["minqty": "minquantity"]
        case .holidays: ["date": "day"]
        case .calendar: ["zone": "timezone"]
        case .locations, .stock, .counts: [:]
        }
    }

    /// The column names a file of this kind may use, as a person writes them: required first, then optional, each
    /// with its other names.
    public var columnNames: String {
        func written(_ key: String) -> String {
            let spelled = ImportKind.spelling[key] ?? key
            let others = aliases.filter { $0.value == key }.map { ImportKind.spelling[$0.key] ?? $0.key }.sorted()
            return others.isEmpty ? spelled : spelled + " (or " + others.joined(separator: ", ") + ")"
        }
        let optionalPart = optional.isEmpty ? "" : ", [" + optional.map(written).joined(separator: ", ") + "]"
        return required.map(written).joined(separator: ", ") + optionalPart
    }

    /// Keys as a header writes them, where that differs from the key.
    static let spelling = ["reorderpoint": "reorder_point", "reorderto": "reorder_to", "ordermultiple": "order_multiple", "backupmanager": "backup_manager", "pricelist": "price_list",
                           "minquantity": "min_quantity", "validfrom": "valid_from", "validto": "valid_to",
                           "minqty": "min_qty", "listprice": "list_price", "timezone": "time_zone"]

    /// Every optional column: what a row made in code, not read from a file, states.
    public var statedByDefault: Set<String> { Set(optional) }

    /// The optional columns whose empty cell clears the field rather than leaving it as it is.
    var clearedByEmptyCell: Set<String> { ["category", "manager", "backupmanager", "validto"] }
}

/// One row as the store will apply it.
///
/// `stated` names the optional columns (by key) whose value the row gives: an existing row keeps every other field as
/// it is, and only a new row takes the default (see `ImportMerge`). A column is stated when the file has it and, for
/// a field that cannot be empty (unit, active, sellable, reorder point, cost, price list), its cell is not empty: an
/// empty cell there is as if the column were absent. An empty cell in a column whose field may be empty (category,
/// manager, backup manager, valid to) clears it. Rows made in code state every column unless they say otherwise.
public enum ImportRecord: Sendable, Hashable {
    /// An item; `cost` is the text of an amount in the store's currency and `listPrice` of one on the default price
    /// list, each nil when its column is absent or empty.
    case item(Item, cost: String?, listPrice: String? = nil, stated: Set<String> = ImportKind.items.statedByDefault)
    case location(Location, stated: Set<String> = ImportKind.locations.statedByDefault)
    case account(code: String, name: String, manager: String?, backupManager: String?, priceList: String?,
                 stated: Set<String> = ImportKind.accounts.statedByDefault)
    case price(list: String, sku: String, price: String, currency: String?)
    /// An account's contract price; `price` is the amount's text, read in the account's list currency.
    case contract(ContractPrice, price: String, stated: Set<String> = ImportKind.contracts.statedByDefault)
    /// Opening stock: a receipt.
    case stock(sku: String, location: String, quantity: Int)
    /// A counted quantity: a count movement.
    case count(sku: String, location: String, counted: Int)
    /// A day off and its name: a new day is added, an existing one renamed.
    case holiday(Day, name: String)
    /// One weekday's working hours (nil: closed) and the calendar's time zone, which every row of a file repeats.
    case hours(Weekday, WorkingHours?, timeZone: String)

    /// The key a row is matched by; two rows of one file with the same key are refused.
    public var key: String {
        switch self {
        case .item(let item, _, _, _): item.sku.uppercased()
        case .location(let location, _): location.code.uppercased()
        case .account(let code, _, _, _, _, _): code.uppercased()
        case .price(let list, let sku, _, _): "\(list.uppercased()) \(sku.uppercased())"
        case .contract(let contract, _, _):
            "\(contract.account.uppercased()) \(contract.sku.uppercased()) \(contract.minQuantity) \(contract.validFrom?.description ?? "")"
        case .stock(let sku, let location, _), .count(let sku, let location, _): "\(sku.uppercased()) \(location.uppercased())"
        case .holiday(let day, _): day.description
        case .hours(let weekday, _, _): weekday.name
        }
    }

    /// The key as the file wrote it, for messages about it.
    public var keyValue: String {
        switch self {
        case .item(let item, _, _, _): item.sku
        case .location(let location, _): location.code
        case .account(let code, _, _, _, _, _): code
        case .price(let list, let sku, _, _): "\(sku) in \(list)"
        case .contract: key
        case .stock(let sku, let location, _), .count(let sku, let location, _): "\(sku) at \(location)"
        case .holiday, .hours: key
        }
    }

    /// The column that holds the key, for messages about it.
    public var keyColumn: String {
        switch self {
        case .item, .price, .contract, .stock, .count: "sku"
        case .location, .account: "code"
        case .holiday: "day"
        case .hours: "weekday"
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
        // A problem quotes its value, not a megabyte of it: a thousand of them are kept.
        self.value = value.map { $0.count > 200 ? $0.prefix(200) + "…" : $0 }
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
            let key = kind.aliases[CSV.key(name)] ?? CSV.key(name)
            guard known.contains(key) else {
                return .failure(ImportProblem(file: file, line: line, column: name, problem:
                    "unknown column; \(kind.rawValue) files have \(kind.columnNames)", value: nil))
            }
            if let earlier = map[key] {
                let same = CSV.key(header[earlier]) == CSV.key(name)
                return .failure(ImportProblem(file: file, line: line, column: name, problem: same ? "appears twice in the header"
                    : "names the same column as \(header[earlier]), which the header already has", value: nil))
            }
            map[key] = index
        }
        if let missing = kind.required.first(where: { map[$0] == nil }) {
            return .failure(ImportProblem(file: file, line: line, column: ImportKind.spelling[missing] ?? missing, problem: "required column is missing", value: nil))
        }
        return .success(map)
    }

    /// A rule's message without the field name and value, which a problem line shows itself. Every rule is called
    /// with `field:` the column's key, so its message starts with exactly that.
    public static func problemText(_ message: String, field key: String) -> String {
        var message = message
        if message.hasPrefix("\(key): ") { message.removeFirst(key.count + 2) }
        if message.hasSuffix(")"), let open = message.lastIndex(of: "("), message[open...].contains("\"") {
            message.removeSubrange(open...)
        } else if message.hasPrefix("\""), let end = message.dropFirst().firstIndex(of: "\"") {
            message.removeSubrange(...end)
        }
        return message.trimmingSpaces
    }

    /// Reads one data row: the record, or every problem in it.
    public static func record(_ fields: [String], columns: [String: Int], header: [String] = [], kind: ImportKind, file: String,
                              line: Int) -> (record: ImportRecord?, problems: [ImportProblem]) {
        var problems: [ImportProblem] = []
        func text(_ key: String) -> String? {
            guard let index = columns[key] else { return nil }
            // A line break inside a spreadsheet cell reads as a space: no name or code may hold one. The apostrophe an
            // export puts before a formula-like value comes off, so an export imports back unchanged.
            let raw = CSV.value(index < fields.count ? fields[index] : "")
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
                problems.append(ImportProblem(file: file, line: line, column: name(key), problem: problemText(error.message, field: key),
                                              value: value))
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
        /// The optional columns this row gives a value for (see `ImportRecord`).
        let stated = Set(kind.optional.filter { key in
            guard let value = text(key) else { return false }
            return !value.isEmpty || kind.clearedByEmptyCell.contains(key)
        })
        var record: ImportRecord?
        switch kind {
        case .items:
            let sku = check("sku") { value throws(Failure) in try Validate.code(value, field: "sku") }
            let name = check("name") { value throws(Failure) in try Validate.name(value, field: "name") }
            let unit = check("unit") { value throws(Failure) in value.isEmpty ? "EA" : try Validate.code(value, field: "unit").uppercased() }
            let category = check("category") { value throws(Failure) in try Validate.category(value) }
            let active = flag("active", default: true)
            let reorder = text("reorderpoint").map { $0.isEmpty ? 0 : quantity("reorderpoint", allowZero: true) } ?? 0
            let reorderTo = text("reorderto").map { $0.isEmpty ? 0 : quantity("reorderto", allowZero: true) } ?? 0
            let multiple = text("ordermultiple").map { $0.isEmpty ? 1 : quantity("ordermultiple", allowZero: false) } ?? 1
            let cost = text("cost").flatMap { value -> String? in
                if value.isEmpty { return nil }
                return amount("cost")
            }
            let listPrice = text("listprice").flatMap { value -> String? in
                if value.isEmpty { return nil }
                return amount("listprice")
            }
            if let sku, let name, let unit, let category, let active, let reorder, let reorderTo, let multiple {
                record = .item(Item(sku: sku, name: name, unit: unit, category: category, active: active, reorderPoint: reorder,
                                    reorderTo: reorderTo, orderMultiple: multiple), cost: cost, listPrice: listPrice, stated: stated)
            }
        case .locations:
            let code = check("code") { value throws(Failure) in try Validate.code(value, field: "code").uppercased() }
            let name = check("name") { value throws(Failure) in try Validate.name(value, field: "name") }
            let sellable = flag("sellable", default: true)
            if let code, let name, let sellable { record = .location(Location(code: code, name: name, sellable: sellable), stated: stated) }
        case .accounts:
            let code = check("code") { value throws(Failure) in try Validate.code(value, field: "code").uppercased() }
            let name = check("name") { value throws(Failure) in try Validate.name(value, field: "name") }
            let optionalCode = { (key: String) -> String?? in
                guard let value = text(key), !value.isEmpty else { return .some(nil) }
                return check(key) { value throws(Failure) in try Validate.code(value, field: key) }.map { .some($0) }
            }
            let manager = optionalCode("manager"), backup = optionalCode("backupmanager"), list = optionalCode("pricelist")
            if let code, let name, let manager, let backup, let list {
                record = .account(code: code, name: name, manager: manager, backupManager: backup, priceList: list, stated: stated)
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
                    record = .contract(try contract.validated(), price: price, stated: stated)
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
        case .holidays:
            let day = check("day") { value throws(Failure) in try Day.parse(value, field: "day") }
            let name = check("name") { value throws(Failure) in try Validate.name(value, field: "name") }
            if let day, let name { record = .holiday(day, name: name) }
        case .calendar:
            let weekday = check("weekday") { value throws(Failure) in
                // Only a single weekday: a range such as mon-fri belongs to `calendar set --hours`, not to a row.
                guard let day = Weekday.named(value) else {
                    throw Failure.invalid("weekday", value, "is not a weekday; write mon, tue, wed, thu, fri, sat or sun")
                }
                return day
            }
            let zone = check("timezone") { value throws(Failure) in try BusinessCalendar.checkTimeZone(value, field: "timezone") }
            // A closed day: opens says closed (or is empty) and closes is empty.
            let closed = ["", "closed"].contains((text("opens") ?? "").lowercased())
            let opens = closed ? nil : check("opens") { value throws(Failure) in try WorkingHours.clock(value, field: "opens") }
            let closes = check("closes") { value throws(Failure) -> Int? in
                if closed {
                    guard value.isEmpty else { throw Failure.invalid("closes", value, "must be empty on a closed day") }
                    return nil
                }
                return try WorkingHours.clock(value, field: "closes")
            }
            if let weekday, let zone, let closes {
                if closed {
                    record = .hours(weekday, nil, timeZone: zone)
                } else if let opens, let closes {
                    if opens < closes {
                        record = .hours(weekday, WorkingHours(opens: opens, closes: closes), timeZone: zone)
                    } else {
                        problems.append(ImportProblem(file: file, line: line, column: name("closes"),
                                                      problem: "is not after opens \(text("opens") ?? "")", value: text("closes")))
                    }
                }
            }
        }
        return problems.isEmpty ? (record, []) : (nil, problems)
    }
}

/// One field of an existing row that an import changes, as `sellable no → yes`.
public struct FieldChange: Sendable, Hashable, Codable, CustomStringConvertible {
    public var field: String
    public var before: String
    public var after: String

    public init(field: String, before: String, after: String) {
        self.field = field
        self.before = before
        self.after = after
    }

    public var description: String { "\(field) \(before) → \(after)" }
}

/// What an import does to a row that exists: the file's value for each field it states, the existing value for every
/// other (defaults are for new rows only), and the fields that change, before and after.
public struct ImportMerge: Sendable {
    public private(set) var changes: [FieldChange] = []

    public init() {}

    /// The value the row keeps for one field: the file's when the file states it, else the existing one.
    public mutating func field<T>(_ name: String, _ old: T, _ new: T, stated: Bool = true, same: (T, T) -> Bool,
                                  show: (T) -> String) -> T {
        guard stated, !same(old, new) else { return old }
        changes.append(FieldChange(field: name, before: show(old), after: show(new)))
        return new
    }

    public mutating func field<T: Equatable>(_ name: String, _ old: T, _ new: T, stated: Bool = true, show: (T) -> String) -> T {
        field(name, old, new, stated: stated, same: ==, show: show)
    }

    /// Text as a change shows it: `(none)` for nothing.
    public static func text(_ value: String?) -> String { (value ?? "").isEmpty ? "(none)" : value! }
    public static func flag(_ value: Bool) -> String { value ? "yes" : "no" }

    /// An item as the file leaves it: `cost` is the file's (nil when it states none).
    public static func item(_ old: Item, with new: Item, cost: Money?, stated: Set<String>) -> (item: Item, changes: [FieldChange]) {
        var merge = ImportMerge()
        var item = old
        item.name = merge.field("name", old.name, new.name, show: text)
        item.unit = merge.field("unit", old.unit, new.unit, stated: stated.contains("unit"), show: text)
        item.category = merge.field("category", old.category, new.category, stated: stated.contains("category"), show: text)
        item.active = merge.field("active", old.active, new.active, stated: stated.contains("active"), show: flag)
        item.cost = merge.field("cost", old.cost, cost, stated: stated.contains("cost") && cost != nil) { text($0?.decimalString) }
        item.reorderPoint = merge.field("reorder_point", old.reorderPoint, new.reorderPoint, stated: stated.contains("reorderpoint"),
                                        show: String.init)
        item.reorderTo = merge.field("reorder_to", old.reorderTo, new.reorderTo, stated: stated.contains("reorderto"), show: String.init)
        item.orderMultiple = merge.field("order_multiple", old.orderMultiple, new.orderMultiple, stated: stated.contains("ordermultiple"),
                                         show: String.init)
        return (item, merge.changes)
    }

    public static func location(_ old: Location, with new: Location, stated: Set<String>) -> (location: Location, changes: [FieldChange]) {
        var merge = ImportMerge()
        var location = old
        location.name = merge.field("name", old.name, new.name, show: text)
        location.sellable = merge.field("sellable", old.sellable, new.sellable, stated: stated.contains("sellable"), show: flag)
        return (location, merge.changes)
    }

    /// An account as the file leaves it; user names and list codes compare without case. `priceList` is the list the
    /// file names (nil for none: the account keeps its list).
    public static func account(_ old: Account, with new: Account, stated: Set<String>) -> (account: Account, changes: [FieldChange]) {
        var merge = ImportMerge()
        var account = old
        let sameName = { (a: String?, b: String?) in (a ?? "").lowercased() == (b ?? "").lowercased() }
        account.name = merge.field("name", old.name, new.name, show: text)
        account.manager = merge.field("manager", old.manager, new.manager, stated: stated.contains("manager"), same: sameName, show: text)
        account.backupManager = merge.field("backup_manager", old.backupManager, new.backupManager, stated: stated.contains("backupmanager"),
                                            same: sameName, show: text)
        account.priceList = merge.field("price_list", old.priceList, new.priceList, stated: stated.contains("pricelist") && !new.priceList.isEmpty,
                                        same: sameName, show: text)
        return (account, merge.changes)
    }

    /// A list price or a contract price: the file always states the price.
    public static func price(_ old: Money, with new: Money) -> [FieldChange] {
        var merge = ImportMerge()
        _ = merge.field("price", old, new) { $0.decimalString }
        return merge.changes
    }

    /// An item row's price on the default list: a change when the item had none there or another.
    public static func listPrice(_ old: Money?, with new: Money) -> [FieldChange] {
        var merge = ImportMerge()
        _ = merge.field("list_price", old, Optional(new)) { $0?.decimalString ?? "(none)" }
        return merge.changes
    }

    /// A contract price row: its price, and its end when the file has the column (its other fields are its key).
    public static func contract(_ old: ContractPrice, price oldPrice: Money, with new: ContractPrice, price newPrice: Money,
                                stated: Set<String>) -> (validTo: Day?, changes: [FieldChange]) {
        var merge = ImportMerge()
        _ = merge.field("price", oldPrice, newPrice) { $0.decimalString }
        let validTo = merge.field("valid_to", old.validTo, new.validTo, stated: stated.contains("validto")) { text($0?.description) }
        return (validTo, merge.changes)
    }
}

/// The problems of one import, the thousand on the lowest lines kept and the rest only counted: a file of a million
/// bad rows must not hold a million messages.
public struct ImportProblems: Sendable {
    public static let kept = 1_000
    /// Every problem found, kept or not.
    public private(set) var total = 0
    private var problems: [ImportProblem] = []

    public init() {}

    public var isEmpty: Bool { total == 0 }

    public mutating func append(_ problem: ImportProblem) {
        total += 1
        problems.append(problem)
        // Trimmed now and then rather than on every append: at most twice the kept number are ever held.
        if problems.count >= 2 * Self.kept { trim() }
    }

    public mutating func append(contentsOf more: some Sequence<ImportProblem>) {
        for problem in more { append(problem) }
    }

    /// The kept problems, by line.
    public var first: [ImportProblem] {
        var copy = self
        copy.trim()
        return copy.problems
    }

    private mutating func trim() {
        problems.sort { $0.line < $1.line }
        if problems.count > Self.kept { problems.removeLast(problems.count - Self.kept) }
    }
}
