import BackOfficeCore
import Foundation
import SQLKit
import SQLiteNIO

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
}

/// An import refused: every problem found, and nothing written.
public struct ImportRejected: BackOfficeFailure {
    public var problems: [ImportProblem]
    public var file: String
    public var kind: FailureKind { .invalidInput }

    public init(problems: [ImportProblem], file: String) {
        self.problems = problems
        self.file = file
    }
    public var message: String {
        "\(problems.count.grouped) problem\(problems.count == 1 ? "" : "s") in \(file); nothing was imported:\n"
            + problems.prefix(1_000).map(\.description).joined(separator: "\n")
            + (problems.count > 1_000 ? "\n… and \((problems.count - 1_000).grouped) more: \(problems.count.grouped) problems, nothing was imported" : "")
    }
}

extension Store {
    /// Imports rows in one transaction: all of them, or none when any row has a problem (every problem is reported).
    /// A dry run checks everything the same way and writes nothing. Rows are matched by their key, so importing the
    /// same file again changes nothing; stock and counts post ledger movements with the file's name as reference, and
    /// a row whose movement that file already posted is left alone.
    public func importRecords(_ kind: ImportKind, file: String, dryRun: Bool, by actor: Actor,
                              next: @escaping @Sendable () throws -> ImportBatch?) async throws -> ImportReport {
        switch kind {
        case .items, .locations: try actor.require(.editItems)
        case .accounts: try actor.require(.editAccounts)
        case .prices, .contracts: try actor.require(.editPrices)
        case .stock, .counts: try actor.require(.postMovements)
        }
        let reference = String((file as NSString).lastPathComponent.prefix(60))
        struct Outcome: Error { var report: ImportReport; var problems: [ImportProblem] }
        // One transaction of a million rows touches far more pages than SQLite's default cache holds; spilling them
        // to the log over and over made a million-item import take minutes. A larger cache for the import only: 64 MiB
        // imports a million items as fast as 256 MiB did (54 s against 56 s) with a peak of 226 MiB instead of 612.
        try await exclusive {
            try await execute("PRAGMA cache_size = -65536")
            try await execute("PRAGMA temp_store = MEMORY")
        }
        do {
            let report = try await write { () async throws -> ImportReport in
                var report = ImportReport(dryRun: dryRun)
                var problems: [ImportProblem] = []
                try await execute("CREATE TEMP TABLE IF NOT EXISTS import_keys (key TEXT PRIMARY KEY, line INTEGER NOT NULL)")
                try await execute("DELETE FROM import_keys")
                let currency = try await defaultPriceList().currency
                let indexing = kind == .items ? try await suspendItemIndexing() : nil
                while let batch = try next() {
                    problems += batch.problems
                    report.rows += batch.records.count + Set(batch.problems.map(\.line)).count
                    switch kind {
                    case .items:
                        // Items, stock and counts come in batches of statements, not a few statements a row: a
                        // million-row item master or opening stock is what has to be fast.
                        let outcome = try await applyItems(batch.records, file: file, currency: currency)
                        problems += outcome.problems
                        report.added += outcome.added
                        report.changed += outcome.changed
                        report.unchanged += outcome.unchanged
                    case .stock, .counts:
                        // Once a problem is found the file is refused: the rest is checked, not written.
                        let outcome = try await applyMovements(batch.records, file: file, reference: reference, by: actor,
                                                               write: !dryRun && problems.isEmpty)
                        problems += outcome.problems
                        report.added += outcome.added
                        report.unchanged += outcome.unchanged
                    case .locations, .accounts, .prices, .contracts:
                        let claim = try await claimKeys(batch.records, file: file)
                        problems += claim.problems
                        for (line, record) in claim.fresh {
                            do {
                                switch try await apply(record, reference: reference, currency: currency, actor: actor) {
                                case .added: report.added += 1
                                case .changed: report.changed += 1
                                case .unchanged: report.unchanged += 1
                                }
                            } catch let failure as any BackOfficeFailure {
                                problems.append(ImportProblem(file: file, line: line, column: nil, problem: failure.message, value: nil))
                            }
                        }
                    }
                }
                // A problem, or a dry run: throwing rolls the whole transaction back.
                guard problems.isEmpty, !dryRun else { throw Outcome(report: report, problems: problems) }
                if let indexing { try await resumeItemIndexing(indexing) }
                try await audit(actor, "import.\(kind.rawValue)", "file \(reference)",
                                after: "\(report.rows) rows: \(report.added) added, \(report.changed) changed, \(report.unchanged) unchanged")
                return report
            }
            try await restoreCacheSize()
            return report
        } catch let outcome as Outcome {
            try await restoreCacheSize()
            if !outcome.problems.isEmpty { throw ImportRejected(problems: outcome.problems.sorted { $0.line < $1.line }, file: file) }
            return outcome.report
        } catch {
            try? await restoreCacheSize()
            throw error
        }
    }

    /// Back to SQLite's default page cache after an import.
    private func restoreCacheSize() async throws {
        try await exclusive { try await execute("PRAGMA cache_size = -2000") }
    }

    enum ImportChange { case added, changed, unchanged }

    /// Applies one row inside the import's transaction.
    func apply(_ record: ImportRecord, reference: String, currency: String, actor: Actor) async throws -> ImportChange {
        switch record {
        case .item:
            // Items never come here: `importRecords` hands them to `applyItems` a batch at a time.
            preconditionFailure("item rows are applied in batches")
        case .location(let location):
            guard let existing = try await row("SELECT * FROM locations WHERE code = \(bind: location.code)") else {
                try await run("INSERT INTO locations (code, name, sellable) VALUES (\(bind: location.code), \(bind: location.name), \(bind: location.sellable ? 1 : 0))")
                return .added
            }
            if try existing.string("name") == location.name && existing.bool("sellable") == location.sellable { return .unchanged }
            try await run("UPDATE locations SET name = \(bind: location.name), sellable = \(bind: location.sellable ? 1 : 0) WHERE code = \(bind: location.code)")
            return .changed
        case .account(let code, let name, let manager, let backup, let listCode):
            let managerID = try await accountManagerID(manager, field: "manager")
            let backupID = try await accountManagerID(backup, field: "backup_manager")
            let list = if let listCode, !listCode.isEmpty { try await requirePriceList(listCode) } else { try await defaultPriceList() }
            guard let existing = try await findAccount(code) else {
                try await run("""
                    INSERT INTO accounts (code, name, manager_id, backup_id, price_list_id)
                    VALUES (\(bind: code), \(bind: name), \(bind: managerID), \(bind: backupID), \(bind: list.id))
                    """)
                return .added
            }
            if existing.name == name && existing.manager?.lowercased() == manager?.lowercased()
                && existing.backupManager?.lowercased() == backup?.lowercased() && existing.priceList.lowercased() == list.code.lowercased() {
                return .unchanged
            }
            try await run("""
                UPDATE accounts SET name = \(bind: name), manager_id = \(bind: managerID), backup_id = \(bind: backupID),
                    price_list_id = \(bind: list.id) WHERE id = \(bind: existing.id)
                """)
            return .changed
        case .price(let listCode, let sku, let text, let stated):
            let list = try await requirePriceList(listCode)
            if let stated, stated != list.currency {
                throw Failure.invalid("currency", stated, "price list \(list.code) is in \(list.currency)")
            }
            let price = try Money.parse(text, currency: list.currency, field: "price")
            let item = try await requireItem(sku: sku)
            let old = try await row("SELECT price FROM list_prices WHERE price_list_id = \(bind: list.id) AND item_id = \(bind: item.id)")
            if let old, try old.int("price") == price.minorUnits { return .unchanged }
            try await run("""
                INSERT INTO list_prices (price_list_id, item_id, price) VALUES (\(bind: list.id), \(bind: item.id), \(bind: price.minorUnits))
                ON CONFLICT (price_list_id, item_id) DO UPDATE SET price = excluded.price
                """)
            return old == nil ? .added : .changed
        case .contract(let contract, let text):
            let account = try await requireAccount(contract.account)
            let item = try await requireItem(sku: contract.sku)
            let list = try await requirePriceList(account.priceList)
            let price = try Money.parse(text, currency: list.currency, field: "price")
            if let existing = try await row("""
                SELECT id, price, valid_to FROM contract_prices WHERE account_id = \(bind: account.id) AND item_id = \(bind: item.id)
                AND min_qty = \(bind: contract.minQuantity) AND valid_from IS \(bind: contract.validFrom?.description)
                """) {
                if try existing.int("price") == price.minorUnits && existing.optionalString("valid_to") == contract.validTo?.description {
                    return .unchanged
                }
                try await run("""
                    UPDATE contract_prices SET price = \(bind: price.minorUnits), valid_to = \(bind: contract.validTo?.description)
                    WHERE id = \(bind: try existing.int("id"))
                    """)
                return .changed
            }
            _ = try await insertContract(contract, price: text, actor: nil)
            return .added
        case .stock, .count:
            // Stock and counts never come here: `importRecords` posts them a batch at a time.
            preconditionFailure("stock and count rows are posted in batches")
        }
    }
}
