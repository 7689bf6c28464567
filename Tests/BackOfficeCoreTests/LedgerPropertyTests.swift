import Foundation
import PropertyBased
import Testing
@testable import BackOfficeCore

/// One thing that happens to an item's stock: a movement posted, a hold placed or released, or time passing.
enum LedgerStep: Sendable, CustomStringConvertible {
    case post(Movement)
    case hold(quantity: Int, at: String, hours: Int)
    case release(Int)
    case wait(hours: Int)

    static let locations = ["MAIN", "EAST", "SHOP"]

    /// Builds a step from plain numbers so the generator can shrink each of them. Quantities run from -2 so that
    /// ill-formed movements and holds are generated too, and locations repeat so that same-location transfers are.
    static func make(kind: Int, quantity: Int, first: Int, second: Int, pick: Int) -> LedgerStep {
        let a = locations[first], b = locations[second]
        let reasons = Ledger.reasonCodes + ["BROKEN", "damage"]
        switch kind {
        case 0...2: return .post(.receipt(quantity: quantity, to: a))
        case 3...4: return .post(.issue(quantity: quantity, from: a))
        case 5...6: return .post(.transfer(quantity: quantity, from: a, to: b))
        case 7: return .post(.adjustment(delta: quantity - 20, at: a, reason: reasons[pick]))
        case 8: return .post(.count(counted: quantity, at: a))
        case 9...10: return .hold(quantity: quantity, at: a, hours: 6 * (pick + 1))
        case 11: return .release(pick)
        default: return .wait(hours: 4 * (pick + 1))
        }
    }

    var description: String {
        switch self {
        case .post(let movement): "\(movement)"
        case let .hold(quantity, at, hours): "hold(\(quantity) at \(at) for \(hours)h)"
        case .release(let pick): "release(#\(pick))"
        case .wait(let hours): "wait(\(hours)h)"
        }
    }
}

/// The world the ledger rules are applied to: a journal of effects, balances kept beside it, holds and a clock.
struct LedgerWorld: Equatable {
    static let sku = "FAS-000001"

    var journal: [LedgerEffect] = []
    var onHand: [String: Int] = [:]
    var holds: [Hold] = []
    var now = Date(timeIntervalSince1970: 1_781_000_000)

    func reserved(at location: String) -> Int {
        holds.filter { $0.location == location && $0.isActive(at: now) }.reduce(0) { $0 + $1.quantity }
    }

    func position(_ location: String) -> StockPosition {
        StockPosition(onHand: onHand[location, default: 0], reserved: reserved(at: location))
    }

    /// On hand per location recomputed from the journal alone, as `verify` does.
    var journalBalances: [String: Int] {
        journal.reduce(into: [:]) { $0[$1.location, default: 0] += $1.delta }
    }
}

/// What the ledger rules say, worked out a second way: the expected outcome of a movement against positions.
private func expectedOutcome(of movement: Movement, in world: LedgerWorld) -> Result<[LedgerEffect], LedgerError> {
    let sku = LedgerWorld.sku
    func quantityProblem(_ quantity: Int, field: String = "quantity") -> LedgerError? {
        if quantity <= 0 { return .invalidQuantity(field: field, value: quantity, problem: "must be greater than zero") }
        return nil
    }
    func shortage(_ quantity: Int, at location: String) -> LedgerError? {
        let available = world.position(location).available
        return quantity > available
            ? .insufficientAvailable(sku: sku, location: location, requested: quantity, available: available) : nil
    }
    switch movement {
    case let .receipt(quantity, to):
        if let problem = quantityProblem(quantity) { return .failure(problem) }
        return .success([LedgerEffect(location: to, delta: quantity)])
    case let .issue(quantity, from):
        if let problem = quantityProblem(quantity) ?? shortage(quantity, at: from) { return .failure(problem) }
        return .success([LedgerEffect(location: from, delta: -quantity)])
    case let .transfer(quantity, from, to):
        if let problem = quantityProblem(quantity) { return .failure(problem) }
        if from == to { return .failure(.sameLocation(from)) }
        if let problem = shortage(quantity, at: from) { return .failure(problem) }
        return .success([LedgerEffect(location: from, delta: -quantity), LedgerEffect(location: to, delta: quantity)])
    case let .adjustment(delta, at, reason):
        if delta == 0 { return .failure(.invalidQuantity(field: "quantity", value: 0, problem: "an adjustment must not be zero")) }
        if !Ledger.reasonCodes.contains(reason.uppercased()) { return .failure(.unknownReason(reason)) }
        if delta < 0, let problem = shortage(-delta, at: at) { return .failure(problem) }
        return .success([LedgerEffect(location: at, delta: delta)])
    case let .count(counted, at):
        if counted < 0 { return .failure(.invalidQuantity(field: "counted", value: counted, problem: "a count must not be negative")) }
        return .success([LedgerEffect(location: at, delta: counted - world.onHand[at, default: 0])])
    }
}

/// How often each kind of outcome happened across a whole property run, so the run can show it was not vacuous.
private struct Tally {
    var accepted = 0
    var refusedForStock = 0
    var refusedOtherwise = 0
    var holdsPlaced = 0
    var holdsRefused = 0
    var holdsExpired = 0
    var countsBelowReserved = 0
}

@Suite("Ledger properties")
struct LedgerPropertyTests {
    static let step = zip(
        Gen.int(in: 0...12), Gen.int(in: -2...40), Gen.int(in: 0...2), Gen.int(in: 0...2), Gen.int(in: 0...9)
    ).map { LedgerStep.make(kind: $0.0, quantity: $0.1, first: $0.2, second: $0.3, pick: $0.4) }

    static let journey = step.array(of: 1...80)

    @Test func givenRandomMovementsAndHoldsWhenAppliedThroughTheLedgerThenItsInvariantsHoldAfterEveryStep() async {
        var tally = Tally()

        await propertyCheck(count: 300, input: Self.journey) { steps in
            var world = LedgerWorld()
            for (index, step) in steps.enumerated() {
                let before = world
                apply(step, to: &world, tally: &tally)
                checkInvariants(of: world, after: step, at: index, before: before)
            }
        }

        // Every path through the rules was taken at least once across the run.
        #expect(tally.accepted > 0)
        #expect(tally.refusedForStock > 0)
        #expect(tally.refusedOtherwise > 0)
        #expect(tally.holdsPlaced > 0)
        #expect(tally.holdsRefused > 0)
        #expect(tally.holdsExpired > 0)
        #expect(tally.countsBelowReserved > 0)
    }

    private func apply(_ step: LedgerStep, to world: inout LedgerWorld, tally: inout Tally) {
        switch step {
        case .post(let movement):
            let expected = expectedOutcome(of: movement, in: world)
            let actual: Result<[LedgerEffect], LedgerError>
            do {
                let current = world
                actual = .success(try Ledger.effects(of: movement, sku: LedgerWorld.sku, position: current.position))
            } catch {
                actual = .failure(error)
            }
            #expect(actual == expected, "\(movement)")
            switch actual {
            case .success(let effects):
                tally.accepted += 1
                if case let .count(counted, at) = movement, counted < world.reserved(at: at) { tally.countsBelowReserved += 1 }
                let reservedBefore = Dictionary(uniqueKeysWithValues: LedgerStep.locations.map { ($0, world.reserved(at: $0)) })
                for effect in effects {
                    world.journal.append(effect)
                    world.onHand[effect.location, default: 0] += effect.delta
                }
                // Only a count may leave less on hand than is reserved; everything else takes from what is available.
                if movement.kind != .count {
                    for effect in effects where effect.delta < 0 {
                        #expect(world.onHand[effect.location, default: 0] >= reservedBefore[effect.location, default: 0],
                                "\(movement) dug into reserved stock")
                    }
                }
            case .failure(let error):
                if error.shortBy != nil { tally.refusedForStock += 1 } else { tally.refusedOtherwise += 1 }
                if let shortBy = error.shortBy, case let .insufficientAvailable(_, location, requested, _) = error {
                    #expect(shortBy == requested - max(world.position(location).available, 0))
                    #expect(shortBy > 0)
                }
            }

        case let .hold(quantity, location, hours):
            let position = world.position(location)
            do {
                try Ledger.checkHold(quantity: quantity, sku: LedgerWorld.sku, location: location, position: position)
                #expect(quantity > 0 && quantity <= position.available, "hold of \(quantity) accepted against \(position)")
                tally.holdsPlaced += 1
                world.holds.append(Hold(id: Int64(world.holds.count + 1), sku: LedgerWorld.sku, location: location, account: "ACME",
                                        quantity: quantity, owner: "alice", createdAt: world.now,
                                        expiresAt: world.now.addingTimeInterval(Double(hours) * 3_600)))
                // A hold never takes more than was there when it was placed.
                #expect(world.reserved(at: location) <= world.onHand[location, default: 0],
                        "holds at \(location) reserve \(world.reserved(at: location)) of \(world.onHand[location, default: 0]) on hand")
            } catch {
                #expect(quantity <= 0 || quantity > position.available, "hold of \(quantity) refused against \(position)")
                tally.holdsRefused += 1
            }

        case .release(let pick):
            let active = world.holds.indices.filter { world.holds[$0].isActive(at: world.now) }
            guard !active.isEmpty else { return }
            let index = active[pick % active.count]
            world.holds[index].releasedAt = world.now
            world.holds[index].releasedBy = "clerk"

        case .wait(let hours):
            let activeBefore = world.holds.filter { $0.isActive(at: world.now) }.count
            world.now = world.now.addingTimeInterval(Double(hours) * 3_600)
            tally.holdsExpired += activeBefore - world.holds.filter { $0.isActive(at: world.now) }.count
        }
    }

    private func checkInvariants(of world: LedgerWorld, after step: LedgerStep, at index: Int, before: LedgerWorld) {
        // On hand is never negative.
        for (location, quantity) in world.onHand {
            #expect(quantity >= 0, "step \(index) \(step): \(location) has \(quantity) on hand")
        }
        // The journal summed per location equals the balances.
        #expect(world.journalBalances == world.onHand, "step \(index) \(step): journal and balances disagree")
        // A refused movement changes nothing.
        if case .post = step, world.journal.count == before.journal.count {
            #expect(world == before, "step \(index) \(step): a refused movement changed the world")
        }
    }
}
