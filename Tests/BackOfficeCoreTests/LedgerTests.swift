import Foundation
import Testing
@testable import BackOfficeCore

private let sku = "FAS-000001"

/// Positions per location; a location not named has nothing.
private func positions(_ table: [String: StockPosition]) -> (String) -> StockPosition {
    { table[$0] ?? StockPosition() }
}

private func effects(_ movement: Movement, _ table: [String: StockPosition]) throws(LedgerError) -> [LedgerEffect] {
    try Ledger.effects(of: movement, sku: sku, position: positions(table))
}

private func eur(_ minorUnits: Int64) -> Money { Money(minorUnits: minorUnits, currency: "EUR") }

private func effect(_ location: String, _ delta: Int) -> LedgerEffect { LedgerEffect(location: location, delta: delta) }

// MARK: - Movements that are accepted

@Suite("Ledger effects")
struct LedgerEffectTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        var name: String
        var movement: Movement
        var positions: [String: StockPosition]
        var effects: [LedgerEffect]
        var testDescription: String { name }
    }

    static let cases: [Accepted] = [
        Accepted(name: "a receipt adds to an empty location", movement: .receipt(quantity: 5, to: "MAIN"),
                 positions: [:], effects: [effect("MAIN", 5)]),
        Accepted(name: "a receipt adds to reserved stock", movement: .receipt(quantity: 5, to: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 2, reserved: 2)], effects: [effect("MAIN", 5)]),
        Accepted(name: "an issue takes from on hand", movement: .issue(quantity: 3, from: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 10)], effects: [effect("MAIN", -3)]),
        Accepted(name: "an issue may take everything available", movement: .issue(quantity: 6, from: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 10, reserved: 4)], effects: [effect("MAIN", -6)]),
        Accepted(name: "a transfer moves stock between locations", movement: .transfer(quantity: 4, from: "MAIN", to: "EAST"),
                 positions: ["MAIN": StockPosition(onHand: 10)], effects: [effect("MAIN", -4), effect("EAST", 4)]),
        Accepted(name: "a transfer may move everything available", movement: .transfer(quantity: 7, from: "MAIN", to: "EAST"),
                 positions: ["MAIN": StockPosition(onHand: 10, reserved: 3)], effects: [effect("MAIN", -7), effect("EAST", 7)]),
        Accepted(name: "a transfer ignores what is reserved at the destination", movement: .transfer(quantity: 1, from: "MAIN", to: "EAST"),
                 positions: ["MAIN": StockPosition(onHand: 1), "EAST": StockPosition(onHand: 0, reserved: 5)],
                 effects: [effect("MAIN", -1), effect("EAST", 1)]),
        Accepted(name: "a positive adjustment adds", movement: .adjustment(delta: 2, at: "MAIN", reason: "FOUND"),
                 positions: [:], effects: [effect("MAIN", 2)]),
        Accepted(name: "a negative adjustment takes", movement: .adjustment(delta: -2, at: "MAIN", reason: "DAMAGE"),
                 positions: ["MAIN": StockPosition(onHand: 5, reserved: 3)], effects: [effect("MAIN", -2)]),
        Accepted(name: "a reason code in lower case is accepted", movement: .adjustment(delta: -1, at: "MAIN", reason: "theft"),
                 positions: ["MAIN": StockPosition(onHand: 5)], effects: [effect("MAIN", -1)]),
        Accepted(name: "a count below on hand posts the loss", movement: .count(counted: 7, at: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 10)], effects: [effect("MAIN", -3)]),
        Accepted(name: "a count above on hand posts the gain", movement: .count(counted: 12, at: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 10)], effects: [effect("MAIN", 2)]),
        Accepted(name: "a count that agrees posts nothing", movement: .count(counted: 10, at: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 10)], effects: [effect("MAIN", 0)]),
        Accepted(name: "a count of zero empties the location", movement: .count(counted: 0, at: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 10)], effects: [effect("MAIN", -10)]),
        Accepted(name: "a count below what is reserved is accepted", movement: .count(counted: 3, at: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 10, reserved: 8)], effects: [effect("MAIN", -7)]),
        Accepted(name: "a receipt of the maximum quantity is accepted", movement: .receipt(quantity: Ledger.maximumQuantity, to: "MAIN"),
                 positions: [:], effects: [effect("MAIN", Ledger.maximumQuantity)]),
    ]

    @Test("Given positions, when a valid movement is posted, then it has exactly these effects", arguments: cases)
    func acceptedMovement(_ row: Accepted) throws {
        #expect(try effects(row.movement, row.positions) == row.effects)
    }

    @Test func givenEveryReasonCodeWhenAdjustingThenEachIsAccepted() throws {
        for reason in Ledger.reasonCodes {
            #expect(try effects(.adjustment(delta: 1, at: "MAIN", reason: reason), [:]) == [effect("MAIN", 1)])
        }
    }

    @Test func givenAMovementWhenAskingWhereItActsThenItNamesItsKindAndLocations() {
        #expect(Movement.transfer(quantity: 1, from: "MAIN", to: "EAST").locations == ["MAIN", "EAST"])
        #expect(Movement.transfer(quantity: 1, from: "MAIN", to: "EAST").kind == .transfer)
        #expect(Movement.count(counted: 1, at: "SHOP").locations == ["SHOP"])
        #expect(Movement.adjustment(delta: 1, at: "QUAR", reason: "FOUND").kind == .adjustment)
    }
}

// MARK: - Movements that are refused

@Suite("Ledger refusals")
struct LedgerRefusalTests {
    struct Refused: Sendable, CustomTestStringConvertible {
        var name: String
        var movement: Movement
        var positions: [String: StockPosition]
        var error: LedgerError
        var testDescription: String { name }
    }

    static let short: [(Refused, Int)] = [
        (Refused(name: "an issue of more than on hand", movement: .issue(quantity: 12, from: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 10)],
                 error: .insufficientAvailable(sku: sku, location: "MAIN", requested: 12, available: 10)), 2),
        (Refused(name: "an issue that would dig into a hold", movement: .issue(quantity: 8, from: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 10, reserved: 4)],
                 error: .insufficientAvailable(sku: sku, location: "MAIN", requested: 8, available: 6)), 2),
        (Refused(name: "an issue from an empty location", movement: .issue(quantity: 1, from: "EAST"),
                 positions: [:], error: .insufficientAvailable(sku: sku, location: "EAST", requested: 1, available: 0)), 1),
        (Refused(name: "an issue where a count left less than reserved", movement: .issue(quantity: 1, from: "MAIN"),
                 positions: ["MAIN": StockPosition(onHand: 2, reserved: 5)],
                 error: .insufficientAvailable(sku: sku, location: "MAIN", requested: 1, available: -3)), 1),
        (Refused(name: "a transfer of more than available", movement: .transfer(quantity: 9, from: "MAIN", to: "EAST"),
                 positions: ["MAIN": StockPosition(onHand: 10, reserved: 3), "EAST": StockPosition(onHand: 100)],
                 error: .insufficientAvailable(sku: sku, location: "MAIN", requested: 9, available: 7)), 2),
        (Refused(name: "a negative adjustment of more than available", movement: .adjustment(delta: -5, at: "MAIN", reason: "LOSS"),
                 positions: ["MAIN": StockPosition(onHand: 4, reserved: 1)],
                 error: .insufficientAvailable(sku: sku, location: "MAIN", requested: 5, available: 3)), 2),
    ]

    @Test("Given too little available, when taking stock, then it is refused with the exact shortfall", arguments: short)
    func refusedForStock(_ row: Refused, _ shortBy: Int) {
        #expect(throws: row.error) { try effects(row.movement, row.positions) }
        #expect(row.error.shortBy == shortBy)
        #expect(row.error.kind == .conflict)
    }

    static let invalid: [Refused] = [
        Refused(name: "a receipt of zero", movement: .receipt(quantity: 0, to: "MAIN"), positions: [:],
                error: .invalidQuantity(field: "quantity", value: 0, problem: "must be greater than zero")),
        Refused(name: "a negative receipt", movement: .receipt(quantity: -3, to: "MAIN"), positions: [:],
                error: .invalidQuantity(field: "quantity", value: -3, problem: "must be greater than zero")),
        Refused(name: "a receipt above the maximum", movement: .receipt(quantity: Ledger.maximumQuantity + 1, to: "MAIN"), positions: [:],
                error: .invalidQuantity(field: "quantity", value: Ledger.maximumQuantity + 1, problem: "more than 1000000000")),
        Refused(name: "an issue of zero", movement: .issue(quantity: 0, from: "MAIN"), positions: ["MAIN": StockPosition(onHand: 5)],
                error: .invalidQuantity(field: "quantity", value: 0, problem: "must be greater than zero")),
        Refused(name: "a negative issue", movement: .issue(quantity: -1, from: "MAIN"), positions: ["MAIN": StockPosition(onHand: 5)],
                error: .invalidQuantity(field: "quantity", value: -1, problem: "must be greater than zero")),
        Refused(name: "a transfer of zero", movement: .transfer(quantity: 0, from: "MAIN", to: "EAST"), positions: ["MAIN": StockPosition(onHand: 5)],
                error: .invalidQuantity(field: "quantity", value: 0, problem: "must be greater than zero")),
        Refused(name: "a transfer to the same location", movement: .transfer(quantity: 1, from: "MAIN", to: "MAIN"),
                positions: ["MAIN": StockPosition(onHand: 5)], error: .sameLocation("MAIN")),
        Refused(name: "a transfer to the same location spelled in another case", movement: .transfer(quantity: 1, from: "MAIN", to: "main"),
                positions: ["MAIN": StockPosition(onHand: 5)], error: .sameLocation("MAIN")),
        Refused(name: "an adjustment of zero", movement: .adjustment(delta: 0, at: "MAIN", reason: "FOUND"), positions: [:],
                error: .invalidQuantity(field: "quantity", value: 0, problem: "an adjustment must not be zero")),
        Refused(name: "an adjustment above the maximum", movement: .adjustment(delta: -(Ledger.maximumQuantity + 1), at: "MAIN", reason: "LOSS"),
                positions: [:], error: .invalidQuantity(field: "quantity", value: -(Ledger.maximumQuantity + 1), problem: "more than 1000000000")),
        Refused(name: "an adjustment with an unknown reason", movement: .adjustment(delta: 1, at: "MAIN", reason: "BROKEN"),
                positions: [:], error: .unknownReason("BROKEN")),
        Refused(name: "an adjustment with no reason", movement: .adjustment(delta: 1, at: "MAIN", reason: ""),
                positions: [:], error: .unknownReason("")),
        Refused(name: "a negative count", movement: .count(counted: -1, at: "MAIN"), positions: [:],
                error: .invalidQuantity(field: "counted", value: -1, problem: "a count must not be negative")),
        Refused(name: "a count above the maximum", movement: .count(counted: Ledger.maximumQuantity + 1, at: "MAIN"), positions: [:],
                error: .invalidQuantity(field: "counted", value: Ledger.maximumQuantity + 1, problem: "more than 1000000000")),
    ]

    @Test("Given an ill-formed movement, when posting it, then it is refused as invalid input", arguments: invalid)
    func refusedAsInvalid(_ row: Refused) {
        #expect(throws: row.error) { try effects(row.movement, row.positions) }
        #expect(row.error.kind == .invalidInput)
        #expect(row.error.shortBy == nil)
    }

    @Test func givenAShortIssueWhenRefusedThenTheMessageSaysWhatIsAvailableAndTheShortfall() {
        let error = LedgerError.insufficientAvailable(sku: sku, location: "MAIN", requested: 8, available: 6)
        #expect(error.message == "insufficient stock: FAS-000001 at MAIN has 6 available, 8 requested (short by 2)")
    }

    @Test func givenLessOnHandThanReservedWhenRefusedThenTheMessageSaysNothingIsAvailable() {
        let error = LedgerError.insufficientAvailable(sku: sku, location: "MAIN", requested: 1, available: -3)
        #expect(error.message == "insufficient stock: FAS-000001 at MAIN has 0 available, 1 requested (short by 1)")
    }

    @Test func givenAnUnknownReasonWhenRefusedThenTheMessageListsTheReasonCodes() {
        #expect(LedgerError.unknownReason("BROKEN").message
            == "reason: unknown reason code \"BROKEN\"; use one of DAMAGE, LOSS, FOUND, EXPIRY, THEFT, SAMPLE, RETURN, CORRECTION")
    }

    @Test func givenASameLocationTransferWhenRefusedThenTheMessageNamesTheLocation() {
        #expect(LedgerError.sameLocation("MAIN").message == "transfer: from and to are both MAIN")
    }
}

// MARK: - Positions and holds

@Suite("Stock positions and holds")
struct HoldTests {
    static let now = Date(timeIntervalSince1970: 1_781_000_000)

    static func hold(owner: String = "alice", expiresIn: TimeInterval = 86_400, releasedAt: Date? = nil) -> Hold {
        Hold(id: 1, sku: sku, location: "MAIN", account: "ACME", quantity: 3, owner: owner, createdAt: now,
             expiresAt: now.addingTimeInterval(expiresIn), releasedAt: releasedAt, releasedBy: releasedAt == nil ? nil : "clerk")
    }

    @Test func givenAPositionWhenAskingWhatIsAvailableThenReservedIsTakenOffAndIncomingAddedForProjected() {
        let position = StockPosition(onHand: 10, reserved: 4, incoming: 20)
        #expect(position.available == 6)
        #expect(position.projected == 26)
    }

    @Test func givenACountBelowReservedWhenAskingWhatIsAvailableThenItShowsTheShortfall() {
        #expect(StockPosition(onHand: 2, reserved: 5).available == -3)
    }

    @Test func givenTwoPositionsWhenAddingThenEachFigureIsSummed() {
        #expect(StockPosition(onHand: 1, reserved: 2, incoming: 3) + StockPosition(onHand: 10, reserved: 20, incoming: 30)
            == StockPosition(onHand: 11, reserved: 22, incoming: 33))
    }

    static let acceptedHolds: [(Int, StockPosition)] = [
        (1, StockPosition(onHand: 10)),
        (10, StockPosition(onHand: 10)),
        (6, StockPosition(onHand: 10, reserved: 4)),
        (Ledger.maximumQuantity, StockPosition(onHand: Ledger.maximumQuantity)),
    ]

    @Test("Given stock available, when placing a hold within it, then it is accepted", arguments: acceptedHolds)
    func holdWithinAvailableIsAccepted(_ quantity: Int, _ position: StockPosition) {
        #expect(throws: Never.self) { try Ledger.checkHold(quantity: quantity, sku: sku, location: "MAIN", position: position) }
    }

    /// A hold of `quantity` against `position`, and why it is refused.
    struct RefusedHold: Sendable {
        var quantity: Int
        var position: StockPosition
        var error: LedgerError
        init(_ quantity: Int, _ position: StockPosition, _ error: LedgerError) {
            self.quantity = quantity
            self.position = position
            self.error = error
        }
    }

    static let refusedHolds: [RefusedHold] = [
        RefusedHold(11, StockPosition(onHand: 10), .insufficientAvailable(sku: sku, location: "MAIN", requested: 11, available: 10)),
        RefusedHold(7, StockPosition(onHand: 10, reserved: 4), .insufficientAvailable(sku: sku, location: "MAIN", requested: 7, available: 6)),
        RefusedHold(1, StockPosition(onHand: 2, reserved: 5), .insufficientAvailable(sku: sku, location: "MAIN", requested: 1, available: -3)),
        RefusedHold(1, StockPosition(), .insufficientAvailable(sku: sku, location: "MAIN", requested: 1, available: 0)),
        RefusedHold(0, StockPosition(onHand: 10), .invalidQuantity(field: "quantity", value: 0, problem: "must be greater than zero")),
        RefusedHold(-2, StockPosition(onHand: 10), .invalidQuantity(field: "quantity", value: -2, problem: "must be greater than zero")),
    ]

    @Test("Given too little available or a bad quantity, when placing a hold, then it is refused", arguments: refusedHolds)
    func holdIsRefused(_ row: RefusedHold) {
        #expect(throws: row.error) { try Ledger.checkHold(quantity: row.quantity, sku: sku, location: "MAIN", position: row.position) }
    }

    @Test func givenAHoldBeyondAvailableWhenRefusedThenItSaysHowShortItIs() {
        do {
            try Ledger.checkHold(quantity: 7, sku: sku, location: "MAIN", position: StockPosition(onHand: 10, reserved: 4))
            Issue.record("the hold was accepted")
        } catch {
            #expect(error.shortBy == 1)
        }
    }

    @Test func givenAHoldWhenItsExpiryHasNotComeThenItIsActive() {
        #expect(Self.hold().isActive(at: Self.now.addingTimeInterval(86_399)))
    }

    @Test func givenAHoldWhenItsExpiryArrivesThenItIsNoLongerActive() {
        #expect(!Self.hold().isActive(at: Self.now.addingTimeInterval(86_400)))
        #expect(!Self.hold().isActive(at: Self.now.addingTimeInterval(90_000)))
    }

    @Test func givenAReleasedHoldWhenItsExpiryHasNotComeThenItIsNotActive() {
        #expect(!Self.hold(releasedAt: Self.now).isActive(at: Self.now.addingTimeInterval(60)))
    }

    static let expiries: [(TimeInterval, Bool)] = [
        (-1, false), (0, false), (1, true), (Hold.defaultDuration, true), (Hold.maximumDuration, true), (Hold.maximumDuration + 1, false),
    ]

    @Test("Given an expiry this far from now, when placing a hold, then it is accepted only if future and within 90 days", arguments: expiries)
    func expiryIsChecked(_ offset: TimeInterval, _ accepted: Bool) {
        let expiry = Self.now.addingTimeInterval(offset)
        if accepted {
            #expect(throws: Never.self) { try Hold.checkExpiry(expiry, now: Self.now) }
        } else {
            #expect(throws: Failure.self) { try Hold.checkExpiry(expiry, now: Self.now) }
        }
    }

    static let releasers: [(User, Bool)] = [
        (User(name: "alice", displayName: "Alice", role: .sales), true),
        (User(name: "ALICE", displayName: "Alice", role: .sales), true),
        (User(name: "bob", displayName: "Bob", role: .sales), false),
        (User(name: "clerk", displayName: "Chris", role: .clerk), true),
        (User(name: "manager", displayName: "Morgan", role: .manager), true),
        (User(name: "admin", displayName: "Ada", role: .admin), true),
    ]

    @Test("Given alice's hold, when someone releases it, then only alice or a role that may release any hold may", arguments: releasers)
    func mayRelease(_ user: User, _ allowed: Bool) {
        #expect(Hold.mayRelease(Self.hold(owner: "alice"), by: user) == allowed)
    }
}

// MARK: - Expected receipts

@Suite("Expected receipts")
struct ExpectedReceiptTests {
    static let open = [
        ExpectedReceipt(id: 3, sku: sku, location: "MAIN", quantity: 50, due: Day(year: 2026, month: 7, day: 10), reference: "PO-4001"),
        ExpectedReceipt(id: 1, sku: sku, location: "MAIN", quantity: 20, due: Day(year: 2026, month: 7, day: 1), reference: "PO-4001"),
        ExpectedReceipt(id: 2, sku: sku, location: "MAIN", quantity: 30, due: Day(year: 2026, month: 7, day: 1), reference: "PO-4001"),
        ExpectedReceipt(id: 4, sku: sku, location: "MAIN", quantity: 99, due: Day(year: 2026, month: 6, day: 1), reference: "PO-9999"),
        ExpectedReceipt(id: 5, sku: sku, location: "MAIN", quantity: 0, due: Day(year: 2026, month: 6, day: 1), reference: "PO-4001"),
    ]

    static func receive(_ quantity: Int, _ reference: String) -> [[Int]] {
        ExpectedReceipt.receiving(quantity, reference: reference, against: open).map { [Int($0.id), $0.remaining] }
    }

    @Test func givenAPartialReceiptWhenReceivingThenTheEarliestDueIsReducedFirst() {
        #expect(Self.receive(15, "PO-4001") == [[1, 5]])
    }

    @Test func givenAReceiptSpanningSeveralWhenReceivingThenEachIsFilledInDueThenIdOrder() {
        #expect(Self.receive(60, "PO-4001") == [[1, 0], [2, 0], [3, 40]])
    }

    @Test func givenMoreThanExpectedWhenReceivingThenEveryExpectedReceiptIsFilled() {
        #expect(Self.receive(500, "PO-4001") == [[1, 0], [2, 0], [3, 0]])
    }

    @Test func givenAReferenceInAnotherCaseWithBlanksWhenReceivingThenItStillMatches() {
        #expect(Self.receive(20, "  po-4001 ") == [[1, 0]])
    }

    @Test("Given a reference that names no purchase order, when receiving, then nothing expected is touched",
          arguments: ["", "   ", "PO-1234", "SO-4001"])
    func unmatchedReferenceTouchesNothing(_ reference: String) {
        #expect(Self.receive(20, reference).isEmpty)
    }

    @Test func givenAnEmptyReceiptWhenReceivingThenNothingExpectedIsTouched() {
        #expect(Self.receive(0, "PO-4001").isEmpty)
    }
}

// MARK: - Money

@Suite("Money")
struct MoneyTests {
    static let parsed: [(String, Money)] = [
        ("12.34", eur(1_234)), ("12", eur(1_200)), ("12.3", eur(1_230)), ("0.01", eur(1)), ("-0.5", eur(-50)),
        ("+3.10", eur(310)), ("  7.00 ", eur(700)), ("-0", eur(0)), ("007", eur(700)), ("9999999999999.99", eur(999_999_999_999_999)),
        ("1500", Money(minorUnits: 1_500, currency: "JPY")), ("-1500", Money(minorUnits: -1_500, currency: "JPY")),
        ("12.345", Money(minorUnits: 12_345, currency: "BHD")), ("12.3", Money(minorUnits: 12_300, currency: "BHD")),
    ]

    @Test("Given a well-formed amount, when parsing, then it gives exact minor units", arguments: parsed)
    func parses(_ text: String, _ money: Money) throws {
        #expect(try Money.parse(text, currency: money.currency) == money)
    }

    @Test func givenALowerCaseCurrencyWhenParsingThenTheCodeIsUpperCased() throws {
        #expect(try Money.parse("12.34", currency: "eur") == eur(1_234))
        #expect(try Money.parse("12", currency: "jpy") == Money(minorUnits: 12, currency: "JPY"))
    }

    static let refused: [(String, String)] = [
        ("", "EUR"), ("   ", "EUR"), ("-", "EUR"), ("+", "EUR"), (".", "EUR"), ("12.", "EUR"), (".5", "EUR"), ("-.5", "EUR"),
        ("1.2.3", "EUR"), ("abc", "EUR"), ("12a", "EUR"), ("1,000.00", "EUR"), ("1 000", "EUR"), ("1e3", "EUR"), ("--5", "EUR"),
        ("+-5", "EUR"), ("0x10", "EUR"), ("١٢", "EUR"), ("１２", "EUR"), ("12.345", "EUR"), ("0.001", "EUR"), ("1.5", "JPY"),
        ("1500.", "JPY"), ("1.2345", "BHD"), ("12 EUR", "EUR"), ("€12", "EUR"), ("99999999999999.99", "EUR"),
        ("9223372036854775807", "JPY"),
    ]

    @Test("Given an ill-formed amount, when parsing, then it is refused as invalid input", arguments: refused)
    func refuses(_ text: String, _ currency: String) {
        do {
            let money = try Money.parse(text, currency: currency)
            Issue.record("parsed \(text.debugDescription) as \(money.formatted)")
        } catch {
            #expect(error.kind == .invalidInput)
        }
    }

    @Test func givenTooManyDecimalsWhenParsingThenTheMessageSaysHowManyTheCurrencyHas() {
        #expect(throws: Failure.invalid("price", "12.345", "EUR has 2 decimal places")) {
            try Money.parse("12.345", currency: "EUR", field: "price")
        }
        #expect(throws: Failure.invalid("amount", "1.5", "JPY has 0 decimal places")) {
            try Money.parse("1.5", currency: "JPY")
        }
    }

    static let formatted: [(Money, String)] = [
        (Money(minorUnits: 1_234, currency: "EUR"), "12.34 EUR"),
        (Money(minorUnits: 1_230, currency: "EUR"), "12.30 EUR"),
        (Money(minorUnits: 5, currency: "EUR"), "0.05 EUR"),
        (Money(minorUnits: 0, currency: "EUR"), "0.00 EUR"),
        (Money(minorUnits: -5, currency: "EUR"), "-0.05 EUR"),
        (Money(minorUnits: -1_234, currency: "USD"), "-12.34 USD"),
        (Money(minorUnits: 1_500, currency: "JPY"), "1500 JPY"),
        (Money(minorUnits: -1_500, currency: "JPY"), "-1500 JPY"),
        (Money(minorUnits: 12_345, currency: "BHD"), "12.345 BHD"),
        (Money(minorUnits: 5, currency: "KWD"), "0.005 KWD"),
        (Money(minorUnits: .min, currency: "EUR"), "-92233720368547758.08 EUR"),
    ]

    @Test("Given an amount, when formatting, then it shows the currency's decimal places", arguments: formatted)
    func formats(_ money: Money, _ text: String) {
        #expect(money.formatted == text)
    }

    @Test("Given a formatted amount, when parsing it back, then it is the same amount",
          arguments: [Int64(0), 1, -1, 99, 100, 1_234, -987_654, 999_999_999_999_999])
    func roundTrips(_ minorUnits: Int64) throws {
        for currency in ["EUR", "JPY", "BHD"] {
            let money = Money(minorUnits: minorUnits, currency: currency)
            #expect(try Money.parse(money.decimalString, currency: currency) == money)
        }
    }

    @Test func givenCurrenciesWhenAskingTheirExponentThenISOMinorUnitsAreUsed() {
        #expect(Money.exponent(of: "EUR") == 2)
        #expect(Money.exponent(of: "jpy") == 0)
        #expect(Money.exponent(of: "KWD") == 3)
    }

    @Test("Given a code, when checking it is a currency code, then only three letters pass",
          arguments: [("EUR", true), ("usd", true), ("EU", false), ("EURO", false), ("E1R", false), ("", false), ("ÉUR", false)])
    func currencyCode(_ code: String, _ valid: Bool) {
        #expect(Money.isCurrencyCode(code) == valid)
    }

    static let decimalRounding: [(String, Int64)] = [
        ("0.125", 13), ("-0.125", -13), ("0.124", 12), ("0.135", 14), ("2.675", 268), ("-2.675", -268), ("0.005", 1), ("0.0049", 0),
    ]

    @Test("Given a computed amount, when bringing it to minor units, then it rounds half away from zero", arguments: decimalRounding)
    func roundsHalfAwayFromZero(_ amount: String, _ minorUnits: Int64) {
        #expect(Money.rounded(Decimal(string: amount)!, currency: "EUR") == Money(minorUnits: minorUnits, currency: "EUR"))
    }

    /// (amount, step) and the expected result, all in minor units.
    static let steps: [([Int64], Int64)] = [
        ([874, 5], 875), ([872, 5], 870), ([875, 50], 900), ([-872, 5], -870), ([-873, 5], -875), ([874, 0], 874), ([874, 1], 874),
        ([0, 5], 0),
    ]

    @Test("Given a price and a step, when rounding to the step, then it goes to the nearest multiple, half away from zero", arguments: steps)
    func roundsToStep(_ amountAndStep: [Int64], _ expected: Int64) {
        #expect(eur(amountAndStep[0]).rounded(toStep: amountAndStep[1]) == eur(expected))
    }

    static let stepsUp: [([Int64], Int64)] = [([851, 50], 900), ([850, 50], 850), ([1, 100], 100), ([874, 1], 874), ([0, 5], 0)]

    @Test("Given a floor and a step, when rounding up to the step, then it never goes below", arguments: stepsUp)
    func roundsUpToStep(_ amountAndStep: [Int64], _ expected: Int64) {
        #expect(eur(amountAndStep[0]).roundedUp(toStep: amountAndStep[1]) == eur(expected))
    }

    @Test func givenAnAmountWhenAskingItsDecimalThenItIsExactInMajorUnits() {
        #expect(Money(minorUnits: 1_234, currency: "EUR").decimal == Decimal(string: "12.34"))
        #expect(Money(minorUnits: 1_234, currency: "JPY").decimal == Decimal(1_234))
    }

}

// MARK: - Days

@Suite("Days")
struct DayTests {
    static let valid: [(String, Day)] = [
        ("2026-06-15", Day(year: 2026, month: 6, day: 15)), ("1970-01-01", Day(ordinal: 0)), ("1969-12-31", Day(ordinal: -1)),
        ("2024-02-29", Day(year: 2024, month: 2, day: 29)), ("2000-02-29", Day(year: 2000, month: 2, day: 29)),
        ("2026-12-31", Day(year: 2026, month: 12, day: 31)), ("0001-01-01", Day(year: 1, month: 1, day: 1)),
    ]

    @Test("Given a real date, when parsing, then it gives that day and prints back the same", arguments: valid)
    func parsesRealDates(_ text: String, _ day: Day) throws {
        let parsed = try Day.parse(text)
        #expect(parsed == day)
        #expect(parsed.description == text)
    }

    @Test("Given a date with a sign inside a field, when parsing, then it is refused",
          arguments: ["2026-+1-01", "2026-01-+5", "+202-01-01"])
    func refusesSignedFields(_ text: String) {
        #expect(throws: Failure.self) { try Day.parse(text) }
    }

    static let invalid = [
        "2026-02-30", "2026-02-29", "1900-02-29", "2026-04-31", "2026-06-31", "2026-13-01", "2026-00-10", "2026-01-00",
        "2026-01-32", "2026-1-01", "2026-01-1", "26-01-01", "2026/01/01", "20260101", "", "2026-01-01T00:00", " 2026-01-01",
        "2026-01-01 ", "abcd-ef-gh", "2026--1-01", "2026-01", "-2026-01-01",
    ]

    @Test("Given text that is not a real date, when parsing, then it is refused", arguments: invalid)
    func refusesOtherText(_ text: String) {
        #expect(throws: Failure.self) { try Day.parse(text) }
    }

    @Test func givenADayThatDoesNotExistWhenParsingThenTheMessageSaysNoSuchDay() {
        #expect(throws: Failure.invalid("valid-to", "2026-02-30", "no such day")) { try Day.parse("2026-02-30", field: "valid-to") }
    }

    @Test func givenTheEpochWhenCountingDaysThenItIsDayZero() {
        #expect(Day(year: 1970, month: 1, day: 1).ordinal == 0)
        #expect(Day(year: 1970, month: 1, day: 1).start == Date(timeIntervalSince1970: 0))
    }

    @Test func givenAMomentWhenTakingItsDayThenItIsTheUTCDay() {
        #expect(Day(Date(timeIntervalSince1970: 86_399)) == Day(ordinal: 0))
        #expect(Day(Date(timeIntervalSince1970: 86_400)) == Day(ordinal: 1))
        #expect(Day(Date(timeIntervalSince1970: -1)) == Day(ordinal: -1))
    }

    @Test func givenTheEndOfAMonthWhenAddingADayThenTheNextMonthBegins() {
        #expect(Day(year: 2026, month: 2, day: 28).adding(days: 1).description == "2026-03-01")
        #expect(Day(year: 2026, month: 1, day: 1).adding(days: -1).description == "2025-12-31")
    }

    @Test func givenADayWhenEncodedThenItIsWrittenAsText() throws {
        let data = try JSONEncoder().encode([Day(year: 2026, month: 6, day: 15)])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2026-06-15\"]")
        #expect(try JSONDecoder().decode([Day].self, from: data) == [Day(year: 2026, month: 6, day: 15)])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Day].self, from: Data("[\"2026-02-30\"]".utf8)) }
    }

    @Test func givenAMomentWhenWrittenAsISOThenItIsUTCToTheSecond() {
        #expect(UTC.iso(Date(timeIntervalSince1970: 1_781_000_000.9)) == "2026-06-09T10:13:20Z")
    }
}

// MARK: - Percentages

@Suite("Percentages")
struct PercentTests {
    static let valid: [(String, String)] = [
        ("12.5", "12.5"), ("12.5%", "12.5"), (" 7 ", "7"), ("0", "0"), ("100", "100"), ("0.25", "0.25"), ("12.50", "12.5"),
    ]

    @Test("Given a percentage, when parsing, then it is kept exactly", arguments: valid)
    func parses(_ text: String, _ description: String) throws {
        let percent = try Percent.parse(text)
        #expect(percent.value == Decimal(string: description))
        #expect(percent.description == description)
    }

    static let invalid = ["", "   ", "%", "abc", "12,5", "1e2", "-1", "100.01", "101", "12.5 %x", "0x10", "١٢"]

    @Test("Given text that is not a percentage in range, when parsing, then it is refused", arguments: invalid)
    func refuses(_ text: String) {
        #expect(throws: Failure.self) { try Percent.parse(text) }
    }

    @Test("Given text with stray separators, when parsing, then it is refused", arguments: ["1.2.3", "5-", "1-2", "--5", "."])
    func refusesStraySeparators(_ text: String) {
        // Percent.parse lets "." and "-" through anywhere and then trusts Decimal(string:), which reads the longest
        // prefix it can: "1.2.3" becomes 1.2, "5-" becomes 5, and "--5" and "." become 0.
        #expect(throws: Failure.self) { try Percent.parse(text) }
    }

    @Test func givenAWiderRangeWhenParsingThenNegativeAndLargeValuesAreAccepted() throws {
        #expect(try Percent.parse("-20", range: -100...1_000).value == -20)
        #expect(try Percent.parse("250", range: -100...1_000).value == 250)
    }
}
