import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

struct Items: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "items", abstract: "The item master.", subcommands: [Add.self, Edit.self, List.self, Show.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an item.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "SKU (unique, any case).") var sku: String
        @Option(help: "Name.") var name: String
        @Option(name: [.customLong("uom"), .customLong("unit")], help: "Unit of measure.") var uom = "EA"
        @Option(help: "Category path, such as Fasteners/Bolts.") var category = ""
        @Option(help: "Standard cost, such as 12.50.") var cost: String?
        @Option(help: "List price on the default list.") var listPrice: String?
        @Option(help: "Reorder point: below it (on stock available plus on order), `reorder` suggests an order.") var reorderPoint = 0
        @Option(help: "Order up to this level (0: up to the reorder point).") var reorderTo = 0
        @Option(help: "Order in multiples of this (a case, a pallet).") var orderMultiple = 1

        func run() async throws {
            let item = try await global.withSession { session in
                let currency = try await session.store.defaultCurrency()
                let cost = try cost.map { try parseMoney($0, currency: currency, field: "cost") }
                if let cost, cost.minorUnits < 0 { throw Failure.invalid("cost", cost.decimalString, "must not be negative") }
                let price = try listPrice.map { try parseMoney($0, currency: currency, field: "list-price") }
                return try await session.store.addItem(Item(sku: sku, name: name, unit: uom, category: category, cost: cost,
                                                            reorderPoint: reorderPoint, reorderTo: reorderTo, orderMultiple: orderMultiple),
                                                       listPrice: price, by: session.actor)
            }
            Output.line("added item \(Output.safe(item.sku)): \(Output.safe(item.name))")
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Change an item.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "SKU.") var sku: String
        @Option(help: "Name.") var name: String?
        @Option(name: [.customLong("uom"), .customLong("unit")], help: "Unit of measure.") var uom: String?
        @Option(help: "Category path.") var category: String?
        @Option(help: "Standard cost ('none' to clear).") var cost: String?
        @Option(help: "List price on the default list.") var listPrice: String?
        @Option(help: "Reorder point.") var reorderPoint: Int?
        @Option(help: "Order up to this level (0: up to the reorder point).") var reorderTo: Int?
        @Option(help: "Order in multiples of this.") var orderMultiple: Int?
        @Flag(inversion: .prefixedNo, help: "Active or inactive.") var active: Bool?

        func run() async throws {
            let item = try await global.withSession { session in
                let currency = try await session.store.defaultCurrency()
                var costChange: Money??
                if let cost { costChange = cost == "none" ? .some(nil) : .some(try parseMoney(cost, currency: currency, field: "cost")) }
                let price = try listPrice.map { try parseMoney($0, currency: currency, field: "list-price") }
                return try await session.store.editItem(sku: sku, Store.ItemChanges(name: name, unit: uom, category: category, active: active,
                                                                                    cost: costChange, reorderPoint: reorderPoint,
                                                                                    reorderTo: reorderTo, orderMultiple: orderMultiple),
                                                        listPrice: price, by: session.actor)
            }
            Output.line("updated item \(Output.safe(item.sku))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Items in SKU order, a page at a time.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Start after this SKU.") var after = ""
        @Option(help: "Only this category and below.") var category: String?
        @Option(help: "At most this many.") var limit = 50

        func run() async throws {
            let items = try await global.withSession { try await $0.store.items(after: after, limit: limit, category: category, by: $0.actor) }
            if output.json { try Output.json(items.map(ItemJSON.init)) } else { Render.items(items) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One item with its stock and recent movements.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "SKU.") var sku: String

        func run() async throws {
            let (answer, movements) = try await global.withSession { session in
                (try await session.store.stock(sku: sku, by: session.actor),
                 try await session.store.movements(sku: sku, limit: 10, by: session.actor))
            }
            if output.json {
                struct Shown: Encodable { var item: ItemJSON; var stock: StockJSON; var movements: [JournalEntry] }
                try Output.json(Shown(item: ItemJSON(answer.item), stock: StockJSON(answer), movements: movements))
                return
            }
            Render.stock(answer)
            if let cost = answer.item.cost { Output.line("\nstandard cost \(cost.formatted)") }
            Output.line("\nRecent movements:")
            Output.table(["#", "AT", "KIND", "LOCATION", "QTY", "REF", "WHO"], movements.map {
                [String($0.id), Output.time($0.at), $0.kind.rawValue, $0.location + ($0.toLocation.map { " → \($0)" } ?? ""),
                 String($0.quantity), $0.reference ?? $0.reason ?? "", $0.actor]
            }, right: [0, 4])
        }
    }
}

struct Locations: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "locations", abstract: "Stock locations.", subcommands: [Add.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a location.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Location code.") var code: String
        @Option(help: "Name.") var name: String
        @Flag(inversion: .prefixedNo, help: "Whether sales may sell from it.") var sellable = true

        func run() async throws {
            let location = try await global.withSession {
                try await $0.store.addLocation(Location(code: code, name: name, sellable: sellable), by: $0.actor)
            }
            Output.line("added location \(location.code)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "All locations.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let locations = try await global.withSession { try await $0.store.locations(by: $0.actor) }
            if output.json { try Output.json(locations); return }
            Output.table(["CODE", "NAME", "SELLABLE"], locations.map { [$0.code, $0.name, $0.sellable ? "yes" : "no"] })
        }
    }
}

struct Accounts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "accounts", abstract: "Customer accounts.", subcommands: [Add.self, Edit.self, List.self, Show.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add an account.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Account code.") var code: String
        @Option(help: "Name.") var name: String
        @Option(help: "Account manager.") var manager: String?
        @Option(name: [.customLong("backup"), .customLong("backup-manager")], help: "Backup manager.") var backup: String?
        @Option(help: "Price list (default: the default list).") var priceList: String?

        func run() async throws {
            let account = try await global.withSession {
                try await $0.store.addAccount(Account(code: code, name: name, manager: manager, backupManager: backup,
                                                      priceList: priceList ?? ""), by: $0.actor)
            }
            Output.line("added account \(account.code) on \(account.priceList)")
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "edit", abstract: "Change an account.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Account code.") var code: String
        @Option(help: "Name.") var name: String?
        @Option(help: "Account manager ('' to clear).") var manager: String?
        @Option(name: [.customLong("backup"), .customLong("backup-manager")], help: "Backup manager ('' to clear).") var backup: String?
        @Option(help: "Price list.") var priceList: String?

        func run() async throws {
            let account = try await global.withSession {
                try await $0.store.editAccount(code, name: name, manager: manager, backup: backup, priceList: priceList, by: $0.actor)
            }
            Output.line("updated account \(account.code)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Accounts in code order.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only codes or names containing this.") var search: String?
        @Option(help: "Start after this code.") var after = ""
        @Option(help: "At most this many.") var limit = 100

        func run() async throws {
            let accounts = try await global.withSession { try await $0.store.accounts(after: after, limit: limit, search: search, by: $0.actor) }
            if output.json { try Output.json(accounts); return }
            Output.table(["CODE", "NAME", "MANAGER", "BACKUP", "PRICE LIST"], accounts.map {
                [$0.code, $0.name, $0.manager ?? "-", $0.backupManager ?? "-", $0.priceList]
            })
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "One account.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Account code.") var code: String

        func run() async throws {
            let account = try await global.withSession { session in
                guard let account = try await session.store.account(code: code, by: session.actor) else { throw Failure.notFound("account", code) }
                return account
            }
            if output.json { try Output.json(account); return }
            Output.line("\(account.code)  \(Output.safe(account.name))")
            Output.line("manager     \(account.manager ?? "-")")
            Output.line("backup      \(account.backupManager ?? "-")")
            Output.line("price list  \(account.priceList)")
        }
    }
}

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "People and their roles.", subcommands: [Add.self, Edit.self, List.self, Key.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a user.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "User name (their login name, for the CLI).") var name: String
        @Option(help: "Role: admin, clerk, manager or sales.") var role: String
        @Option(help: "Full name.") var displayName: String?

        func run() async throws {
            guard let role = Role(rawValue: role.lowercased()) else {
                throw Failure.invalid("role", role, "use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let user = try await global.withSession {
                try await $0.store.addUser(User(name: name, displayName: displayName ?? name, role: role), by: $0.actor)
            }
            Output.line("added user \(user.name) (\(user.role.rawValue))")
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Change a user's role, mark a manager away, deactivate a user.",
            discussion: "An account manager may mark themselves away (--away); new requests then go to the backup manager.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "User name.") var name: String
        @Option(help: "New role.") var role: String?
        @Flag(inversion: .prefixedNo, help: "Away: new requests go to the backup manager.") var away: Bool?
        @Flag(inversion: .prefixedNo, help: "Active or deactivated.") var active: Bool?

        func run() async throws {
            let newRole = try role.map { text in
                guard let role = Role(rawValue: text.lowercased()) else {
                    throw Failure.invalid("role", text, "use one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return role
            }
            let user = try await global.withSession { try await $0.store.editUser(name, role: newRole, away: away, active: active, by: $0.actor) }
            Output.line("updated user \(user.name): \(user.role.rawValue)\(user.away ? ", away" : "")\(user.active ? "" : ", deactivated")")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "All users.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let users = try await global.withSession { try await $0.store.users(by: $0.actor) }
            if output.json { try Output.json(users); return }
            Output.table(["NAME", "FULL NAME", "ROLE", "AWAY", "ACTIVE"], users.map {
                [$0.name, $0.displayName, $0.role.rawValue, $0.away ? "yes" : "", $0.active ? "yes" : "no"]
            })
        }
    }
}

struct Prices: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Price lists, list prices, rules and contract prices.",
        subcommands: [Lists.self, AddList.self, SetPrice.self, Rules.self, AddRule.self, AddContract.self])

    struct Lists: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "lists", abstract: "All price lists.")
        @OptionGroup var global: GlobalOptions
        func run() async throws {
            let lists = try await global.withSession { try await $0.store.priceLists() }
            Output.table(["CODE", "NAME", "CURRENCY", "DEFAULT"], lists.map { [$0.code, $0.name, $0.currency, $0.isDefault ? "yes" : ""] })
        }
    }

    struct AddList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-list", abstract: "Add a price list.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Code.") var code: String
        @Option(help: "Name.") var name: String?
        @Option(help: "ISO currency.") var currency = "USD"
        @Flag(help: "Make it the default list.") var `default` = false
        func run() async throws {
            let list = try await global.withSession {
                try await $0.store.addPriceList(PriceList(code: code, name: name ?? code, currency: currency, isDefault: `default`), by: $0.actor)
            }
            Output.line("added price list \(list.code) (\(list.currency))")
        }
    }

    struct SetPrice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set", abstract: "Set an item's list price on a list.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "SKU.") var sku: String
        @Option(name: [.customLong("list"), .customLong("price-list")], help: "Price list code.") var list: String
        @Option(help: "List price, such as 12.50.") var price: String
        func run() async throws {
            let money = try await global.withSession { try await $0.store.setListPrice(sku: sku, list: list, price: price, by: $0.actor) }
            Output.line("\(sku) on \(list.uppercased()): \(money.formatted)")
        }
    }

    struct Rules: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rules", abstract: "Price rules of a list or an account.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Price list code.") var list: String?
        @Option(help: "Account code.") var account: String?
        func run() async throws {
            let rules = try await global.withSession { try await $0.store.rules(priceList: list, account: account, by: $0.actor) }
            Output.table(["ID", "FOR", "SCOPE", "FROM QTY", "VALID", "ACTION", "ROUND", "FLOOR", "NOTE"], rules.map { rule in
                let action: String
                switch rule.action {
                case .fixedPrice(let minor): action = "fixed \(minor)"
                case .percentOff(let p): action = "\(p)% off"
                case .markupOnCost(let p): action = "cost +\(p)%"
                }
                return [String(rule.id), rule.priceList.map { "list \($0)" } ?? "account \(rule.account ?? "")", rule.scope.label,
                        String(rule.minQuantity), "\(rule.validFrom?.description ?? "…")–\(rule.validTo?.description ?? "…")", action,
                        rule.roundingStep > 1 ? String(rule.roundingStep) : "", rule.marginFloor.map { "\($0)%" } ?? "", rule.note]
            }, right: [0, 3])
        }
    }

    struct AddRule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-rule",
            abstract: "Add a price rule to a list or an account.",
            discussion: "Give exactly one of --list or --account, one of --item, --category or --all, and one of --fixed, --percent-off or --markup.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Price list code.") var list: String?
        @Option(help: "Account code.") var account: String?
        @Option(help: "Scope: one item.") var item: String?
        @Option(help: "Scope: a category and below.") var category: String?
        @Flag(help: "Scope: all items.") var all = false
        @Option(help: "Fixed unit price.") var fixed: String?
        @Option(help: "Percent off the list price.") var percentOff: String?
        @Option(help: "Percent on top of standard cost.") var markup: String?
        @Option(name: [.customLong("min-qty"), .customLong("min-quantity")], help: "Quantity break.") var minQuantity = 1
        @Option(help: "First valid day (YYYY-MM-DD).") var validFrom: String?
        @Option(help: "Last valid day (YYYY-MM-DD).") var validTo: String?
        @Option(help: "Round to a multiple of this amount, such as 0.05.") var rounding: String?
        @Option(help: "Lowest margin in percent.") var marginFloor: String?
        @Option(help: "A note shown in the explanation.") var note = ""

        func validate() throws {
            guard [item != nil, category != nil, all].filter({ $0 }).count == 1 else { throw ValidationError("give exactly one of --item, --category, --all") }
            guard [fixed, percentOff, markup].compactMap({ $0 }).count == 1 else { throw ValidationError("give exactly one of --fixed, --percent-off, --markup") }
            guard (list == nil) != (account == nil) else { throw ValidationError("give exactly one of --list, --account") }
        }

        func run() async throws {
            let rule = try await global.withSession { session in
                let currency = try await session.store.ruleCurrency(priceList: list, account: account)
                let scope: RuleScope = item.map { .item($0) } ?? category.map { .category($0) } ?? .all
                let action: RuleAction
                if let fixed { action = .fixedPrice(try parseMoney(fixed, currency: currency, field: "fixed").minorUnits) }
                else if let percentOff { action = .percentOff(try Percent.parse(percentOff, field: "percent-off")) }
                else { action = .markupOnCost(try Percent.parse(markup ?? "", field: "markup", range: 0...10_000)) }
                let rule = PriceRule(priceList: list, account: account, scope: scope, minQuantity: minQuantity,
                                     validFrom: try parseDay(validFrom, field: "valid-from"), validTo: try parseDay(validTo, field: "valid-to"),
                                     action: action, roundingStep: try rounding.map { try parseMoney($0, currency: currency, field: "rounding").minorUnits } ?? 0,
                                     marginFloor: try marginFloor.map { try Percent.parse($0, field: "margin-floor") }, note: note)
                return try await session.store.addRule(rule, by: session.actor)
            }
            Output.line("added rule #\(rule.id)")
        }
    }

    struct AddContract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-contract", abstract: "Add a contract price for an account and item.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "SKU.") var sku: String
        @Option(help: "Account code.") var account: String
        @Option(help: "Unit price, such as 9.80.") var price: String
        @Option(name: [.customLong("min-qty"), .customLong("min-quantity")], help: "From this quantity.") var minQuantity = 1
        @Option(help: "First valid day.") var validFrom: String?
        @Option(help: "Last valid day.") var validTo: String?

        func run() async throws {
            let contract = try await global.withSession {
                try await $0.store.addContract(ContractPrice(account: account, sku: sku, unitPrice: 0, minQuantity: minQuantity,
                                                             validFrom: try parseDay(validFrom, field: "valid-from"),
                                                             validTo: try parseDay(validTo, field: "valid-to")), price: price, by: $0.actor)
            }
            Output.line("added contract #\(contract.id)")
        }
    }
}
