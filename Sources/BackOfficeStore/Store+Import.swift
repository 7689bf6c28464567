import BackOfficeCore
import Crypto
import Foundation
import SQLKit

/// Rows read from a file, a batch at a time, with the problems found in them before the store saw them.
public struct ImportBatch: Sendable {
    public var records: [(line: Int, record: ImportRecord)]
    public var problems: [ImportProblem]

    public init(records: [(line: Int, record: ImportRecord)], problems: [ImportProblem]) {
        self.records = records
        self.problems = problems
    }
}

/// What an import did (or, in a dry run, would do).
public struct ImportReport: Sendable, Codable {
    public var rows = 0
    public var added = 0
    public var changed = 0
    public var unchanged = 0
    public var dryRun = false
    /// The first changed rows and what changed in each, as `QUAR: sellable no → yes`; `notListed` counts the rest.
    public var changes: [String] = []
    public var notListed = 0
    /// For stock and counts: the earlier import of the same content, when there was one (and nothing was posted).
    public var alreadyImported: PriorImport?

    /// How many changed rows a report lists; the audit has every one of them.
    public static let listed = 20

    /// A stock or count file posted before, found by the SHA-256 of its content.
    public struct PriorImport: Sendable, Codable, Hashable {
        public var file: String
        public var at: Date
        public var actor: String
    }

    mutating func note(_ key: String, _ changes: [FieldChange]) {
        changed += 1
        if self.changes.count < Self.listed {
            self.changes.append("\(key): " + changes.map(\.description).joined(separator: ", "))
        } else {
            notListed += 1
        }
    }
}

/// The SHA-256 of a file's bytes as an import reads them, which keys stock and count imports.
public struct ImportDigest {
    private var hash = SHA256()
    public init() {}
    public mutating func update(_ bytes: [UInt8]) { hash.update(data: bytes) }
    /// Lower-case hex.
    public func finish() -> String { hash.finalize().map { String(format: "%02x", $0) }.joined() }
}

/// An import refused: every problem found, and nothing written.
public struct ImportRejected: BackOfficeFailure {
    /// The problems kept (the first thousand by line).
    public var problems: [ImportProblem]
    /// Every problem found, kept or not.
    public var total: Int
    public var file: String
    public var kind: FailureKind { .invalidInput }

    public init(problems: [ImportProblem], file: String) {
        self.problems = problems
        self.total = problems.count
        self.file = file
    }

    public init(_ problems: ImportProblems, file: String) {
        self.problems = problems.first
        self.total = problems.total
        self.file = file
    }

    public var message: String {
        let shown = problems.prefix(ImportProblems.kept)
        return "\(total.grouped) problem\(total == 1 ? "" : "s") in \(file); nothing was imported:\n"
            + shown.map(\.description).joined(separator: "\n")
            + (total > shown.count ? "\n… and \((total - shown.count).grouped) more: \(total.grouped) problems, nothing was imported" : "")
    }
}

extension Store {
    /// Imports rows in one transaction: all of them, or none when any row has a problem (every problem is reported,
    /// the first thousand by line in full). A dry run checks everything the same way and writes nothing.
    ///
    /// Rows are matched by their key, and an existing row changes only in the fields the file states (see
    /// `ImportRecord` and `ImportMerge`); each changed row gets an audit entry naming those fields, before and after.
    /// Stock and counts post ledger movements with the file's name as reference, once per content: the SHA-256 of
    /// the rows as read (kind, SKU and location in capitals, quantity, in file order), so the same rows posted before
    /// post nothing again whatever the file is called now and however it is written (line endings, a byte order mark,
    /// quoting, header or code case). `again` posts them anyway: a recount that came out the same as an earlier one.
    public func importRecords(_ kind: ImportKind, file: String, dryRun: Bool, again: Bool = false, by actor: Actor,
                              next: @escaping @Sendable () throws -> ImportBatch?) async throws -> ImportReport {
        switch kind {
        case .items, .locations: try actor.require(.editItems)
        case .accounts: try actor.require(.editAccounts)
        case .prices, .contracts: try actor.require(.editPrices)
        case .stock, .counts: try actor.require(.postMovements)
        case .holidays, .calendar: try actor.require(.manageServiceLevels)
        }
        let reference = String((file as NSString).lastPathComponent.prefix(60))
        struct Outcome: Error { var report: ImportReport; var problems: ImportProblems }
        try await enterBulkLoad()
        do {
            let report = try await write { () async throws -> ImportReport in
                var report = ImportReport(dryRun: dryRun)
                var problems = ImportProblems()
                // Stock and counts are keyed on their rows, not on the file's bytes.
                var rowDigest = ImportDigest()
                rowDigest.update(Array("\(kind.rawValue)\n".utf8))
                try await execute("CREATE TEMP TABLE IF NOT EXISTS import_keys (key TEXT PRIMARY KEY, line BIGINT NOT NULL)")
                try await execute("DELETE FROM import_keys")
                let currency = try await defaultPriceList().currency
                let indexing = kind == .items ? try await suspendItemIndexing() : nil
                // The calendar as it was: its change is audited and moves open requests' due times, as `calendar set` does.
                let calendarBefore = kind == .holidays || kind == .calendar ? try await loadCalendar() : nil
                var zoneLine: (zone: String, line: Int)?
                while let batch = try next() {
                    problems.append(contentsOf: batch.problems)
                    report.rows += batch.records.count + Set(batch.problems.map(\.line)).count
                    var notes: [AuditNote] = []
                    func note(_ record: ImportRecord, _ entity: String, _ changes: [FieldChange]) {
                        report.note(record.keyValue.trimmingSpaces, changes)
                        notes.append(AuditNote(action: "import.\(kind.rawValue).change", entity: entity,
                                               before: changes.map { "\($0.field) \($0.before)" }.joined(separator: "; "),
                                               after: changes.map { "\($0.field) \($0.after)" }.joined(separator: "; ")))
                    }
                    switch kind {
                    case .items:
                        // A cost column sets prices through markup-on-cost rules: the same permissions as `items edit --cost`.
                        if batch.records.contains(where: { if case .item(_, cost: .some, _, _) = $0.record { true } else { false } }) {
                            try actor.requireMayChange([.details, .cost])
                        }
                        // A list price column: the same permissions as `items edit --list-price`.
                        if batch.records.contains(where: { if case .item(_, _, listPrice: .some, _) = $0.record { true } else { false } }) {
                            try actor.requireMayChange([.details, .listPrice])
                        }
                        // Items, stock and counts come in batches of statements, not a few statements a row: a
                        // million-row item master or opening stock is what has to be fast.
                        let outcome = try await applyItems(batch.records, file: file, currency: currency)
                        problems.append(contentsOf: outcome.problems)
                        report.added += outcome.added
                        report.unchanged += outcome.unchanged
                        for (record, changes) in outcome.changed {
                            if case .item(let item, _, _, _) = record { note(record, "item \(item.sku)", changes) }
                        }
                    case .stock, .counts:
                        for (_, record) in batch.records {
                            switch record {
                            case .stock(let sku, let location, let amount), .count(let sku, let location, let amount):
                                rowDigest.update(Array("\(sku.uppercased())\t\(location.uppercased())\t\(amount)\n".utf8))
                            default: break
                            }
                        }
                        // Once a problem is found the file is refused: the rest is checked, not written.
                        let outcome = try await applyMovements(batch.records, file: file, reference: reference, by: actor,
                                                               write: !dryRun && problems.isEmpty)
                        problems.append(contentsOf: outcome.problems)
                        report.added += outcome.added
                    case .locations, .accounts, .prices, .contracts, .holidays, .calendar:
                        let claim = try await claimKeys(batch.records, file: file)
                        problems.append(contentsOf: claim.problems)
                        for (line, record) in claim.fresh {
                            // A calendar has one time zone: every row must name the first row's.
                            if case .hours(_, _, let zone) = record {
                                if let first = zoneLine, first.zone != zone {
                                    problems.append(ImportProblem(file: file, line: line, column: "time_zone",
                                                                  problem: "differs from line \(first.line)'s \(first.zone); a calendar has one time zone",
                                                                  value: zone))
                                    continue
                                }
                                if zoneLine == nil { zoneLine = (zone, line) }
                            }
                            do {
                                switch try await apply(record, reference: reference, currency: currency, actor: actor) {
                                case .added: report.added += 1
                                case .changed(let entity, let changes): note(record, entity, changes)
                                case .unchanged: report.unchanged += 1
                                }
                            } catch let failure as any BackOfficeFailure {
                                problems.append(ImportProblem(file: file, line: line, column: nil, problem: failure.message, value: nil))
                            }
                        }
                    }
                    if !dryRun { try await audit(actor, notes) }
                }
                var content: String?
                // A file of no rows posts nothing and is not remembered.
                if kind == .stock || kind == .counts, report.rows > 0 {
                    let sha256 = rowDigest.finish()
                    content = sha256
                    if !again, let prior = try await row("SELECT file, at, actor FROM import_batches WHERE sha256 = \(bind: sha256)") {
                        // The same content again: nothing it would post stays posted, problems or not.
                        report.alreadyImported = ImportReport.PriorImport(file: try prior.string("file"), at: try prior.date("at"),
                                                                          actor: try prior.string("actor"))
                        report.unchanged = report.rows
                        report.added = 0
                        throw Outcome(report: report, problems: ImportProblems())
                    }
                }
                // A problem, or a dry run: throwing rolls the whole transaction back.
                guard problems.isEmpty, !dryRun else { throw Outcome(report: report, problems: problems) }
                if let indexing { try await resumeItemIndexing(indexing) }
                if let calendarBefore, try await loadCalendar() != calendarBefore {
                    if kind == .calendar {
                        _ = try await calendarChanged(from: calendarBefore, by: actor)
                    } else {
                        try await refreshDueTimes(calendar: try await loadCalendar(), targets: try await loadTargets())
                    }
                }
                if let content {
                    try await run("""
                        INSERT INTO import_batches (sha256, kind, file, rows, at, actor)
                        VALUES (\(bind: content), \(bind: kind.rawValue), \(bind: reference), \(bind: report.rows),
                                \(bind: UTC.seconds(now)), \(bind: actor.auditName))
                        ON CONFLICT (sha256) DO NOTHING
                        """)
                }
                try await audit(actor, "import.\(kind.rawValue)", "file \(reference)",
                                after: "\(report.rows) rows: \(report.added) added, \(report.changed) changed, \(report.unchanged) unchanged"
                                    + (content.map { ", sha256 \($0)" } ?? ""))
                return report
            }
            try await leaveBulkLoad()
            return report
        } catch let outcome as Outcome {
            try await leaveBulkLoad()
            if !outcome.problems.isEmpty { throw ImportRejected(outcome.problems, file: file) }
            return outcome.report
        } catch {
            try? await leaveBulkLoad()
            throw error
        }
    }


    enum ImportChange {
        case added
        /// An existing row changed: what the audit calls it, and the fields that changed.
        case changed(String, [FieldChange])
        case unchanged
    }

    /// Applies one row inside the import's transaction. An existing row changes only in the fields the file states.
    func apply(_ record: ImportRecord, reference: String, currency: String, actor: Actor) async throws -> ImportChange {
        switch record {
        case .item:
            // Items never come here: `importRecords` hands them to `applyItems` a batch at a time.
            preconditionFailure("item rows are applied in batches")
        case .location(let location, let stated):
            guard let existing = try await row("SELECT * FROM locations WHERE code = \(bind: location.code)").map(Store.location) else {
                try await run("INSERT INTO locations (code, name, sellable) VALUES (\(bind: location.code), \(bind: location.name), \(bind: location.sellable ? 1 : 0))")
                return .added
            }
            let (merged, changes) = ImportMerge.location(existing, with: location, stated: stated)
            guard !changes.isEmpty else { return .unchanged }
            try await run("UPDATE locations SET name = \(bind: merged.name), sellable = \(bind: merged.sellable ? 1 : 0) WHERE id = \(bind: existing.id)")
            return .changed("location \(existing.code)", changes)
        case .account(let code, let name, let manager, let backup, let listCode, let stated):
            // What the file states is checked whether or not it changes anything, as for a new account.
            let managerID = try await accountManagerID(manager, field: "manager")
            let backupID = try await accountManagerID(backup, field: "backup_manager")
            let named = if let listCode, !listCode.isEmpty { try await requirePriceList(listCode) } else { nil as PriceList? }
            guard let existing = try await findAccount(code) else {
                let list = if let named { named } else { try await defaultPriceList() }
                try await run("""
                    INSERT INTO accounts (code, name, manager_id, backup_id, price_list_id)
                    VALUES (\(bind: code), \(bind: name), \(bind: managerID), \(bind: backupID), \(bind: list.id))
                    """)
                return .added
            }
            let file = Account(code: code, name: name, manager: manager, backupManager: backup, priceList: named?.code ?? "")
            let (merged, changes) = ImportMerge.account(existing, with: file, stated: stated)
            guard !changes.isEmpty else { return .unchanged }
            // A field the file leaves alone keeps the id it has.
            let ids = try await row("SELECT manager_id, backup_id, price_list_id FROM accounts WHERE id = \(bind: existing.id)")
            let keptManager = try ids?.optionalInt("manager_id"), keptBackup = try ids?.optionalInt("backup_id")
            let keptList = try ids?.int("price_list_id")
            try await run("""
                UPDATE accounts SET name = \(bind: merged.name),
                    manager_id = \(bind: stated.contains("manager") ? managerID : keptManager),
                    backup_id = \(bind: stated.contains("backupmanager") ? backupID : keptBackup),
                    price_list_id = \(bind: named?.id ?? keptList) WHERE id = \(bind: existing.id)
                """)
            return .changed("account \(existing.code)", changes)
        case .price(let listCode, let sku, let text, let stated):
            let list = try await requirePriceList(listCode)
            if let stated, stated != list.currency {
                throw Failure.invalid("currency", stated, "price list \(list.code) is in \(list.currency)")
            }
            let price = try Money.parse(text, currency: list.currency, field: "price")
            let item = try await requireItem(sku: sku)
            let old = try await row("SELECT price FROM list_prices WHERE price_list_id = \(bind: list.id) AND item_id = \(bind: item.id)")
            let changes = try old.map { ImportMerge.price(Money(minorUnits: try $0.int("price"), currency: list.currency), with: price) }
            if changes?.isEmpty == true { return .unchanged }
            try await upsertListPrice(list: list.id, item: item.id, minorUnits: price.minorUnits)
            guard let changes else { return .added }
            return .changed("item \(item.sku) on \(list.code)", changes)
        case .contract(let contract, let text, let stated):
            let account = try await requireAccount(contract.account)
            let item = try await requireItem(sku: contract.sku)
            let list = try await requirePriceList(account.priceList)
            let price = try Money.parse(text, currency: list.currency, field: "price")
            if let existing = try await row("""
                SELECT id, price, valid_to FROM contract_prices WHERE account_id = \(bind: account.id) AND item_id = \(bind: item.id)
                AND min_qty = \(bind: contract.minQuantity) AND valid_from IS NOT DISTINCT FROM \(bind: contract.validFrom?.description)
                """) {
                var old = contract
                old.validTo = try existing.optionalString("valid_to").map { try Day.parse($0, field: "valid_to") }
                let (validTo, changes) = ImportMerge.contract(old, price: Money(minorUnits: try existing.int("price"), currency: list.currency),
                                                              with: contract, price: price, stated: stated)
                guard !changes.isEmpty else { return .unchanged }
                let id = try existing.int("id")
                try await run("""
                    UPDATE contract_prices SET price = \(bind: price.minorUnits), valid_to = \(bind: validTo?.description)
                    WHERE id = \(bind: id)
                    """)
                return .changed("contract \(id) account \(account.code) item \(item.sku)", changes)
            }
            _ = try await insertContract(contract, price: text, actor: nil)
            return .added
        case .holiday(let day, let name):
            let old = try await row("SELECT name FROM holidays WHERE day = \(bind: day.description)")?.string("name")
            guard old != name else { return .unchanged }
            try await storeHoliday(day, name: name)
            guard let old else { return .added }
            return .changed("holiday \(day)", [FieldChange(field: "name", before: old, after: name)])
        case .hours(let weekday, let working, let zone):
            let calendar = try await loadCalendar()
            var merge = ImportMerge()
            let newZone = merge.field("time_zone", calendar.timeZone, zone) { $0 }
            let newHours = merge.field("hours", calendar.hours[weekday], working) { $0?.description ?? "closed" }
            guard !merge.changes.isEmpty else { return .unchanged }
            if newZone != calendar.timeZone { try await storeTimeZone(newZone) }
            try await storeHours(weekday, newHours)
            return .changed("calendar \(weekday.name)", merge.changes)
        case .stock, .count:
            // Stock and counts never come here: `importRecords` posts them a batch at a time.
            preconditionFailure("stock and count rows are posted in batches")
        }
    }
}
