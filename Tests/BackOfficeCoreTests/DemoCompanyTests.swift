import Foundation
import Testing
@testable import BackOfficeCore

private let now = Date(timeIntervalSince1970: 1_781_000_000)

/// The parts of a demo item that two builds must agree on.
private struct ItemSnapshot: Equatable {
    var item: Item
    var listPrice: Int64
    var openingStock: [String]

    init(_ demo: DemoCompany.DemoItem) {
        item = demo.item
        listPrice = demo.listPrice
        openingStock = demo.openingStock.map { "\($0.location)=\($0.quantity)" }
    }
}

/// The parts of a demo movement that two builds must agree on.
private struct MovementSnapshot: Equatable {
    var at: Date
    var movement: Movement
    var reference: String
    var actor: String
    var effects: [LedgerEffect]

    init(_ demo: DemoCompany.DemoMovement) {
        at = demo.at
        movement = demo.movement
        reference = demo.reference
        actor = demo.actor
        effects = demo.effects
    }
}

/// Plays an item's history through the ledger from an empty shelf; returns the balances and every refusal, and every
/// movement whose recorded effects differ from what the ledger works out on replay.
private func replay(_ history: [DemoCompany.DemoMovement], sku: String) -> (onHand: [String: Int], refusals: [String]) {
    var onHand: [String: Int] = [:]
    var refusals: [String] = []
    for entry in history {
        let current = onHand
        do {
            let effects = try Ledger.effects(of: entry.movement, sku: sku) { StockPosition(onHand: current[$0, default: 0]) }
            if effects != entry.effects { refusals.append("\(entry.movement): recorded \(entry.effects), replayed \(effects)") }
            for effect in effects { onHand[effect.location, default: 0] += effect.delta }
        } catch {
            refusals.append("\(entry.movement): \(error.message)")
        }
    }
    return (onHand, refusals)
}

@Suite("Demo company")
struct DemoCompanyTests {
    static let company = DemoCompany(seed: 42, itemCount: 2_500, now: now)

    // MARK: Determinism

    @Test func givenTheSameSeedWhenBuiltTwiceThenTheItemsAreTheSame() {
        let first = DemoCompany(seed: 7, itemCount: 2_500, now: now)
        let second = DemoCompany(seed: 7, itemCount: 2_500, now: now)
        for index in 0..<2_500 {
            #expect(ItemSnapshot(first.item(at: index)) == ItemSnapshot(second.item(at: index)), "item \(index)")
        }
    }

    @Test func givenTheSameSeedWhenBuiltTwiceThenTheHistoriesAreTheSame() {
        let first = DemoCompany(seed: 7, itemCount: 2_500, now: now)
        let second = DemoCompany(seed: 7, itemCount: 2_500, now: now)
        for index in stride(from: 0, to: 2_500, by: 7) {
            #expect(first.history(at: index).map(MovementSnapshot.init) == second.history(at: index).map(MovementSnapshot.init),
                    "history \(index)")
        }
    }

    @Test func givenTheSameSeedWhenBuiltTwiceThenPricesAccountsAndRequestsAreTheSame() {
        let first = DemoCompany(seed: 7, now: now)
        let second = DemoCompany(seed: 7, now: now)
        #expect(first.accounts == second.accounts)
        #expect(first.rules == second.rules)
        #expect(first.contracts == second.contracts)
        #expect(first.requests.map { "\($0.account) \($0.text) \($0.priority) \($0.createdAt) \($0.then)" }
            == second.requests.map { "\($0.account) \($0.text) \($0.priority) \($0.createdAt) \($0.then)" })
        #expect(first.expectedReceipts.map { "\($0.index) \($0.location) \($0.quantity) \($0.due)" }
            == second.expectedReceipts.map { "\($0.index) \($0.location) \($0.quantity) \($0.due)" })
    }

    @Test func givenADifferentSeedWhenBuiltThenTheCatalogueDiffers() {
        let first = DemoCompany(seed: 7, itemCount: 100, now: now)
        let other = DemoCompany(seed: 8, itemCount: 100, now: now)
        let differing = (0..<100).filter { ItemSnapshot(first.item(at: $0)) != ItemSnapshot(other.item(at: $0)) }
        #expect(differing.count > 90)
    }

    @Test func givenAnIndexWhenBuildingAnItemThenItDoesNotDependOnTheCatalogueSize() {
        let small = DemoCompany(seed: 42, itemCount: 10, now: now)
        let large = DemoCompany(seed: 42, itemCount: 1_000_000, now: now)
        #expect(ItemSnapshot(small.item(at: 3)) == ItemSnapshot(large.item(at: 3)))
    }

    // MARK: History

    @Test func givenEveryItemHistoryWhenReplayedThroughTheLedgerThenNothingIsRefusedAndNothingEndsNegative() {
        // `replay` also reports any movement whose recorded effects differ from the ledger's.
        for index in 0..<Self.company.itemCount {
            let sku = Self.company.item(at: index).item.sku
            let (onHand, refusals) = replay(Self.company.history(at: index), sku: sku)
            #expect(refusals.isEmpty, "\(sku): \(refusals)")
            #expect(onHand.values.allSatisfy { $0 >= 0 }, "\(sku): \(onHand)")
        }
    }

    @Test func givenAFastMoverWhenReplayedThenItMovesAndGivenTheLongTailThenItIsOnlyReceived() {
        let fast = Self.company.history(at: 0)
        #expect(Set(fast.map(\.movement.kind)).count > 2)
        for index in Self.company.fastMoverCount..<Self.company.itemCount {
            #expect(Self.company.history(at: index).allSatisfy { $0.movement.kind == .receipt && $0.reference == "OPENING" })
        }
    }

    @Test func givenAnItemHistoryWhenReadThenItRunsInTimeOrderWithinTheLastNinetyDays() {
        let start = now.addingTimeInterval(-90 * 86_400)
        for index in stride(from: 0, to: Self.company.fastMoverCount, by: 11) {
            let times = Self.company.history(at: index).map(\.at)
            #expect(times == times.sorted(), "history \(index)")
            #expect(times.allSatisfy { $0 >= start && $0 <= now }, "history \(index)")
        }
    }

    @Test func givenTheHistoryWhenReadThenEveryActorIsADemoUser() {
        let names = Set(DemoCompany.users.map(\.name))
        for index in stride(from: 0, to: Self.company.fastMoverCount, by: 13) {
            #expect(Self.company.history(at: index).allSatisfy { names.contains($0.actor) })
        }
    }

    // MARK: Catalogue

    @Test func givenTenThousandItemsWhenListingSKUsThenEachIsUniqueRegardlessOfCase() {
        let company = DemoCompany(seed: 42, itemCount: 10_000, now: now)
        let skus = (0..<10_000).map { company.item(at: $0).item.sku.uppercased() }
        #expect(Set(skus).count == 10_000)
    }

    @Test func givenDemoItemsWhenCheckedThenCodesNamesAndCategoriesAreValid() throws {
        for index in stride(from: 0, to: 10_000, by: 17) {
            let demo = Self.company.item(at: index)
            #expect(try Validate.code(demo.item.sku, field: "sku") == demo.item.sku)
            #expect(try Validate.name(demo.item.name, field: "name") == demo.item.name)
            #expect(DemoCompany.categoryPaths.contains(demo.item.category))
            #expect(demo.item.cost.map { $0.minorUnits > 0 && $0.currency == "USD" } == true)
            #expect(demo.listPrice > 0)
        }
    }

    @Test func givenTheDemoPriceRulesWhenValidatedThenEveryRuleIsWellFormed() throws {
        for rule in Self.company.rules {
            #expect(try rule.validated() == rule)
        }
    }

    @Test func givenTheDemoContractsWhenReadThenEachIsForAKnownAccountAndItem() {
        let accounts = Set(Self.company.accounts.map(\.code))
        let skus = Set((0..<40).map { Self.company.item(at: $0).item.sku })
        for contract in Self.company.contracts {
            #expect(accounts.contains(contract.account))
            #expect(skus.contains(contract.sku))
        }
    }

    @Test func givenTheDemoAccountsWhenReadThenCodesAreUniqueAndEachHasAManagerAndAKnownList() {
        let accounts = Self.company.accounts
        let lists = Set(DemoCompany.priceLists.map(\.code))
        let managers = Set(DemoCompany.users.filter { $0.role == .manager }.map(\.name))
        #expect(Set(accounts.map(\.code)).count == accounts.count)
        for account in accounts {
            #expect(lists.contains(account.priceList))
            #expect(account.manager.map(managers.contains) == true)
            #expect(account.backupManager.map(managers.contains) == true)
            #expect(account.manager != account.backupManager)
        }
    }

    // MARK: Holds, requests, pricing

    @Test func givenTheReplayedStockWhenPlacingTheDemoHoldsThenTheLedgerAcceptsEveryOne() throws {
        var onHand: [Int: [String: Int]] = [:]
        let holds = Self.company.holds { index, location in
            let sku = Self.company.item(at: index).item.sku
            let balances = onHand[index] ?? replay(Self.company.history(at: index), sku: sku).onHand
            onHand[index] = balances
            return balances[location, default: 0]
        }
        #expect(!holds.isEmpty)
        for hold in holds {
            let sku = Self.company.item(at: hold.index).item.sku
            let position = StockPosition(onHand: onHand[hold.index]?[hold.location] ?? 0)
            #expect(throws: Never.self) {
                try Ledger.checkHold(quantity: hold.quantity, sku: sku, location: hold.location, position: position)
            }
            #expect(throws: Never.self) { try Hold.checkExpiry(hold.expiresAt, now: now) }
        }
    }

    @Test func givenTheDemoRequestsWhenTheirPlansArePlayedThenEveryTransitionIsAllowed() throws {
        for demo in Self.company.requests {
            var request = Request(id: 1, kind: demo.kind, account: demo.account, sku: nil, quantity: demo.quantity, text: demo.text,
                                  priority: demo.priority, state: .new, requester: demo.requester, assignee: "manager",
                                  createdAt: demo.createdAt, dueAt: Queue.dueAt(createdAt: demo.createdAt, priority: demo.priority),
                                  updatedAt: demo.createdAt)
            for action in demo.then {
                request.state = try Queue.next(request, action)
            }
            #expect(try Queue.checkText(demo.text) == demo.text)
            #expect(demo.createdAt < now)
        }
    }

    @Test func givenEveryDemoAccountWhenQuotingTheFirstItemsThenEachGetsAPositivePriceInDollars() throws {
        let lists = Dictionary(uniqueKeysWithValues: DemoCompany.priceLists.map { ($0.code, $0) })
        let defaultList = DemoCompany.priceLists.first { $0.isDefault }!
        // The store gives every rule and contract its own id; the engine tells sources apart by them.
        let contracts = Self.company.contracts.enumerated().map { index, contract in
            var stored = contract
            stored.id = Int64(index + 1)
            return stored
        }
        let rules = Self.company.rules.enumerated().map { index, rule in
            var stored = rule
            stored.id = Int64(index + 1)
            return stored
        }
        let today = Day(now)
        for index in 0..<40 {
            let demo = Self.company.item(at: index)
            let item = PricingItem(sku: demo.item.sku, category: demo.item.category, cost: demo.item.cost)
            for account in Self.company.accounts {
                let context = PricingContext(item: item, account: account.code, accountList: lists[account.priceList]!,
                                             defaultList: defaultList, listPrices: [defaultList.code: demo.listPrice],
                                             contracts: contracts.filter { $0.account == account.code }, rules: rules)
                for quantity in [1, 10, 100] {
                    let quote = try PricingEngine.quote(context, quantity: quantity, on: today)
                    #expect(quote.currency == "USD")
                    #expect(quote.unitPrice.minorUnits > 0, "\(demo.item.sku) for \(account.code) x\(quantity)")
                    #expect(quote.considered.filter(\.won).count == 1)
                }
            }
        }
    }
}
