import Foundation
import PropertyBased
import Testing
@testable import BackOfficeCore

/// One random history for available-to-promise: stock now at a few locations, holds returning, receipts due (some
/// overdue), and the quantity asked for.
struct PromiseCase: Sendable, CustomStringConvertible {
    static let locations = ["EAST", "MAIN", "SHOP"]
    static let today = Day(ordinal: 20_800)

    var input: AvailableToPromise.Input
    var quantity: Int
    var includeOverdue: Bool

    /// From plain numbers, so the generator can shrink each: (kind, location, quantity, day offset from today).
    static func make(now: [Int], events: [(Int, Int, Int, Int)], quantity: Int, includeOverdue: Bool) -> PromiseCase {
        var available: [String: Int] = [:]
        for (index, count) in now.enumerated() where count != 0 { available[locations[index % 3]] = count }
        var holds: [AvailableToPromise.Input.Hold] = [], receipts: [AvailableToPromise.Input.Receipt] = []
        for (index, event) in events.enumerated() {
            let location = locations[event.1 % 3]
            let day = today.adding(days: event.3)
            if event.0 == 0 {
                holds.append(.init(id: Int64(index + 1), location: location, quantity: event.2, expires: max(day, today)))
            } else {
                receipts.append(.init(location: location, quantity: event.2, due: day, reference: "PO-\(index + 1)"))
            }
        }
        return PromiseCase(input: .init(available: available, holds: holds, receipts: receipts), quantity: quantity,
                           includeOverdue: includeOverdue)
    }

    var description: String { "\(quantity) (overdue \(includeOverdue)) from \(input)" }
}

/// The model: walk the calendar a day at a time and add what arrives that day.
func simulatedAvailability(_ c: PromiseCase, location: String? = nil) -> (date: Day?, total: Int) {
    let today = PromiseCase.today
    func counts(_ code: String) -> Bool { location == nil || location == code }
    var available = c.input.available.filter { counts($0.key) }.values.reduce(0, +)
    if available >= c.quantity { return (today, available) }
    let arrivals: [(Day, Int)] = c.input.holds.filter { counts($0.location) }.map { (max($0.expires, today), $0.quantity) }
        + c.input.receipts.filter { counts($0.location) && $0.quantity > 0 && (c.includeOverdue || !($0.due < today)) }
            .map { (max($0.due, today), $0.quantity) }
    var reached: Day?
    for offset in 0...60 {
        let day = today.adding(days: offset)
        available += arrivals.filter { $0.0 == day }.reduce(0) { $0 + $1.1 }
        if reached == nil && available >= c.quantity { reached = day }
    }
    return (reached, available)
}

@Suite("Available to promise")
struct AvailableToPromiseTests {
    static let event = zip(Gen.int(in: 0...1), Gen.int(in: 0...2), Gen.int(in: 0...60), Gen.int(in: -10...40))
    static let history = zip(Gen.int(in: -20...60).array(of: 3...3), event.array(of: 0...12), Gen.int(in: 1...300), Gen.bool)
        .map { PromiseCase.make(now: $0.0, events: $0.1, quantity: $0.2, includeOverdue: $0.3) }

    @Test func givenRandomHistoriesWhenAnsweredThenTheDateIsTheDayByDaySimulationsInTotalAndAtEveryLocation() async {
        await propertyCheck(count: 500, input: Self.history) { c in
            let answer = AvailableToPromise.answer(sku: "X", quantity: c.quantity, input: c.input, today: PromiseCase.today,
                                                   includeOverdue: c.includeOverdue)
            let model = simulatedAvailability(c)
            #expect(answer.date == model.date, "\(c)")
            #expect(answer.availableNow == c.input.available.values.reduce(0, +))
            if answer.date == nil {
                #expect(answer.atMost == model.total, "\(c)")
            }
            for line in answer.locations {
                #expect(line.date == simulatedAvailability(c, location: line.location).date, "\(line.location) in \(c)")
            }
            // The timeline leads there: its running figure ends at or above the quantity exactly on the date.
            if let date = answer.date, answer.availableNow < c.quantity {
                #expect(answer.timeline.last?.date == date)
                #expect((answer.timeline.last?.available ?? 0) >= c.quantity)
                #expect(answer.timeline.dropLast().allSatisfy { $0.available < c.quantity || $0.date == date })
            }
            // Overdue receipts are always shown, and counted only when asked.
            #expect(answer.overdue.count == c.input.receipts.filter { $0.due < PromiseCase.today }.count)
        }
    }

    @Test func givenStockNowHoldsAndAReceiptThenTheAnswerNamesTheDayThePlaceAndWhatItWaitsFor() {
        let today = Day(ordinal: 20_800)
        let input = AvailableToPromise.Input(
            available: ["MAIN": 120, "EAST": 30],
            holds: [.init(id: 12, location: "MAIN", quantity: 50, expires: today.adding(days: 3))],
            receipts: [.init(location: "MAIN", quantity: 400, due: today.adding(days: 10), reference: "PO-4456"),
                       .init(location: "EAST", quantity: 90, due: today.adding(days: -4), reference: "PO-4410")])
        let answer = AvailableToPromise.answer(sku: "FAS-1", quantity: 500, input: input, today: today)
        #expect(answer.date == today.adding(days: 10))
        #expect(answer.availableNow == 150)
        #expect(answer.timeline.map(\.event) == ["hold #12 expires", "PO-4456 due"])
        #expect(answer.timeline.map(\.available) == [200, 600])
        #expect(answer.locations == [.init(location: "EAST", date: nil), .init(location: "MAIN", date: today.adding(days: 10))])
        #expect(answer.overdue.map(\.reference) == ["PO-4410"])
        #expect(answer.sentence == "500 by \(today.adding(days: 10)) at MAIN, after PO-4456 due")

        let counted = AvailableToPromise.answer(sku: "FAS-1", quantity: 230, input: input, today: today, includeOverdue: true)
        #expect(counted.date == today)
        #expect(counted.timeline.first?.event == "PO-4410 overdue since \(today.adding(days: -4))")

        let never = AvailableToPromise.answer(sku: "FAS-1", quantity: 5_000, input: input, today: today)
        #expect(never.date == nil)
        #expect(never.atMost == 600 && never.atMostBy == today.adding(days: 10))
        #expect(never.sentence == "5000 not reached on what is known: at most 600 by \(today.adding(days: 10))")
        #expect(AvailableToPromise.answer(sku: "FAS-1", quantity: 100, input: input, today: today).sentence == "100 now (150 available)")
    }
}

@Suite("Reorder suggestions")
struct ReorderTests {
    @Test(arguments: [
        // point, up to, multiple, projected → suggestion
        (10, 0, 1, 10, nil), (10, 0, 1, 9, 1), (10, 50, 1, 9, 41), (10, 50, 12, 9, 48), (10, 50, 12, -5, 60),
        (0, 50, 1, -3, nil), (10, 50, 100, 0, 100), (10, 0, 6, 4, 6),
    ] as [(Int, Int, Int, Int, Int?)])
    func givenLevelsAndProjectedStockThenTheSuggestionOrdersUpToTheLevelInWholeMultiples(
        point: Int, upTo: Int, multiple: Int, projected: Int, expected: Int?) {
        let item = Item(sku: "X", name: "X", reorderPoint: point, reorderTo: upTo, orderMultiple: multiple)
        #expect(Reorder.suggestion(for: item, projected: projected) == expected)
        if let suggested = Reorder.suggestion(for: item, projected: projected) {
            #expect(suggested % multiple == 0)
            #expect(projected + suggested >= max(upTo, point))
            #expect(projected + suggested - multiple < max(upTo, point))
        }
    }

    @Test func givenLevelsThatCannotWorkThenTheyAreRefusedNamingTheField() {
        #expect(throws: Failure.invalid("reorder-to", "5", "is below the reorder point 10")) {
            try Reorder.check(Item(sku: "X", name: "X", reorderPoint: 10, reorderTo: 5))
        }
        #expect(throws: Failure.invalid("order-multiple", "0", "must be at least 1")) {
            try Reorder.check(Item(sku: "X", name: "X", orderMultiple: 0))
        }
        #expect(throws: Never.self) { try Reorder.check(Item(sku: "X", name: "X", reorderPoint: 10, reorderTo: 0, orderMultiple: 6)) }
    }

    @Test func givenASnapshotFromBeforeTheLevelsThenItsItemReadsBackWithTheDefaults() throws {
        let old = #"{"id":1,"sku":"A","name":"A","unit":"EA","category":"","active":true,"reorderPoint":5}"#
        let item = try JSONDecoder().decode(Item.self, from: Data(old.utf8))
        #expect(item.reorderTo == 0 && item.orderMultiple == 1 && item.reorderPoint == 5)
    }
}
