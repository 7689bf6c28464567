import Foundation
import Testing
@testable import BackOfficeCore

/// `count enter --add` is bounded on entry by the same limit `count post` holds a count to.
@Suite("Count entry limits")
struct CountEntryTests {
    @Test func givenACountAtTheLimitWhenAddingOneThenItIsRefused() {
        #expect(throws: Failure.self) { try CountLine.counted(entering: 1, add: true, to: Ledger.maximumQuantity) }
        #expect(throws: Failure.self) { try CountLine.counted(entering: Ledger.maximumQuantity, add: true, to: 1) }
    }

    @Test func givenACountWhenAddingWithinTheLimitOrReplacingThenTheNewCountIsGiven() throws {
        #expect(try CountLine.counted(entering: 3, add: true, to: 4) == 7)
        #expect(try CountLine.counted(entering: 3, add: true, to: nil) == 3)
        #expect(try CountLine.counted(entering: 3, add: false, to: Ledger.maximumQuantity) == 3)
        #expect(try CountLine.counted(entering: 1, add: true, to: Ledger.maximumQuantity - 1) == Ledger.maximumQuantity)
    }

    @Test func aCountOverTheLimitOrNegativeIsRefusedEvenWithoutAdding() {
        #expect(throws: Failure.self) { try CountLine.counted(entering: Ledger.maximumQuantity + 1, add: false, to: nil) }
        #expect(throws: Failure.self) { try CountLine.counted(entering: -1, add: false, to: nil) }
    }

    @Test(arguments: [CountSession.State.posted, .cancelled])
    func givenACountNoLongerOpenWhenCheckedThenTheRefusalNamesItsState(state: CountSession.State) {
        let session = CountSession(id: 7, location: "MAIN", category: "", state: state, createdBy: "clerk", createdAt: Date(), lines: [])
        #expect(throws: Failure(.conflict, "count 7 is already \(state.rawValue)")) { try session.checkOpen() }
        var open = session
        open.state = .open
        #expect(throws: Never.self) { try open.checkOpen() }
    }
}

/// What a change to an item asks of the role making it.
@Suite("Item change permissions")
struct ItemChangePermissionTests {
    static let cases: [(ItemChange, [Permission])] = [
        (.details, [.editItems]),
        (.cost, [.seeCost, .editPrices]),
        (.listPrice, [.editPrices]),
        ([.details, .cost, .listPrice], [.editItems, .seeCost, .editPrices]),
        ([], [.editItems]),
    ]

    @Test func eachPartOfAChangeNeedsItsPermissions() {
        for (change, needs) in Self.cases { #expect(change.needs == needs, "\(change.rawValue)") }
    }

    @Test func aClerkMayChangeDetailsButNotTheCostAndAManagerTheCostButNotDetails() throws {
        let clerk = Actor(user: User(name: "cl", displayName: "Cl", role: .clerk), source: .cli)
        let manager = Actor(user: User(name: "mo", displayName: "Mo", role: .manager), source: .cli)
        try clerk.requireMayChange(.details)
        #expect(throws: PermissionDenied.self) { try clerk.requireMayChange(.cost) }
        try manager.requireMayChange(.cost)
        #expect(throws: PermissionDenied.self) { try manager.requireMayChange(.details) }
    }
}
