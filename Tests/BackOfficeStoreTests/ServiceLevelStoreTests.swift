import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// The SLA on business time, as the store keeps it. The fixture's clock starts on Monday 2026-11-30 at 00:53:20 UTC,
/// before a new store's working day (08:00–18:00 UTC, Monday to Friday).
@Suite("SLA times and the business calendar in the store")
struct ServiceLevelStoreTests {
    static let monday = Day(year: 2026, month: 11, day: 30)
    static func at(_ day: Day, _ hour: Int, _ minute: Int = 0) -> Date { day.start.addingTimeInterval(TimeInterval(hour * 3_600 + minute * 60)) }
    static func move(_ f: StoreFixture, to date: Date) { f.clock.advance(date.timeIntervalSince(f.clock.now)) }

    @Test(arguments: TestEngine.all)
    func givenARequestThatWaitsOnSalesWhenRepliedAndAnsweredThenItsFirstResponseResolutionAndPauseAreStored(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let filed = try await f.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 5, text: "Can we ship 5?",
                                                  priority: .urgent, by: f.sales)
        #expect(filed.dueAt == Self.at(Self.monday, 9))  // an hour's response target from 08:00
        Self.move(f, to: Self.at(Self.monday, 8, 30))
        _ = try await f.store.act(on: filed.id, .claim, by: f.manager)
        Self.move(f, to: Self.at(Self.monday, 9))
        let waiting = try await f.store.act(on: filed.id, .wait, text: "Which site?", by: f.manager)
        #expect(waiting.firstResponseAt == Self.at(Self.monday, 9))
        #expect(waiting.sla?.response.status == .met && waiting.sla?.resolution.status == .paused)
        Self.move(f, to: Self.at(Self.monday, 11))
        _ = try await f.store.act(on: filed.id, .reply, text: "Main site", by: f.sales)
        Self.move(f, to: Self.at(Self.monday, 12))
        let answered = try await f.store.act(on: filed.id, .answer, text: "Yes, 5 ship today", by: f.manager)
        #expect(answered.resolvedAt == Self.at(Self.monday, 12))
        #expect(answered.sla?.response.elapsed == 3_600)
        // Four working hours since 08:00, less the two spent waiting on sales.
        #expect(answered.sla?.resolution.elapsed == 2 * 3_600 && answered.sla?.resolution.status == .met)
        let times = try await f.store.read { try await f.store.slaTimes([answered]) }[answered.id]
        #expect(times?.pauses == [SLAPause(start: Self.at(Self.monday, 9), end: Self.at(Self.monday, 11), reason: .waitingOnSales)])
        // A reopen turns the time since the answer into a pause and clears the resolution.
        Self.move(f, to: Self.at(Self.monday, 15))
        let reopened = try await f.store.act(on: filed.id, .reopen, by: f.sales)
        #expect(reopened.resolvedAt == nil && reopened.firstResponseAt == Self.at(Self.monday, 9))
        #expect(try await f.store.read { try await f.store.slaTimes([reopened]) }[reopened.id]?.pauses.last
                == SLAPause(start: Self.at(Self.monday, 12), end: Self.at(Self.monday, 15), reason: .resolved))
        #expect(reopened.sla?.resolution.status == .running && reopened.sla?.resolution.elapsed == 2 * 3_600)
    }

    @Test(arguments: TestEngine.all)
    func givenRequestsOnBothSidesWhenTheyMoveThenEachUsersAttentionCountsWhatNeedsThemAndWhatIsLate(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        #expect(try await f.store.attention(for: f.manager, at: f.clock.now) == QueueAttention())
        let first = try await f.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 5, text: "Five today?",
                                                  priority: .urgent, by: f.sales)
        let second = try await f.store.fileRequest(kind: .price, account: "ACME", sku: nil, quantity: nil, text: "Better price?",
                                                   priority: .low, by: f.sales)
        #expect(try await f.store.attention(for: f.manager, at: f.clock.now) == QueueAttention(needsYou: 2, late: 0))
        #expect(try await f.store.attention(for: f.sales, at: f.clock.now) == QueueAttention(needsYou: 0, late: 0))
        // Claimed: no longer new, so it needs nobody; asked back: it needs the salesperson.
        Self.move(f, to: Self.at(Self.monday, 8, 30))
        _ = try await f.store.act(on: first.id, .claim, by: f.manager)
        #expect(try await f.store.attention(for: f.manager, at: f.clock.now).needsYou == 1)
        _ = try await f.store.act(on: first.id, .wait, text: "Which site?", by: f.manager)
        #expect(try await f.store.attention(for: f.sales, at: f.clock.now) == QueueAttention(needsYou: 1, late: 0))
        // Replied to: back with the manager, and needing them again though it stays claimed.
        _ = try await f.store.act(on: first.id, .reply, text: "Main site", by: f.sales)
        #expect(try await f.store.attention(for: f.manager, at: f.clock.now).needsYou == 2)
        #expect(try await f.store.attention(for: f.sales, at: f.clock.now).needsYou == 0)
        // Past the urgent request's resolution due time (four working hours): late on both sides.
        Self.move(f, to: Self.at(Self.monday, 17))
        #expect(try await f.store.attention(for: f.manager, at: f.clock.now) == QueueAttention(needsYou: 2, late: 1))
        #expect(try await f.store.attention(for: f.sales, at: f.clock.now) == QueueAttention(needsYou: 0, late: 1))
        // Answered: the salesperson has it to read; the manager has only the low-priority one left.
        _ = try await f.store.act(on: first.id, .answer, text: "Yes", by: f.manager)
        #expect(try await f.store.attention(for: f.manager, at: f.clock.now) == QueueAttention(needsYou: 1, late: 0))
        #expect(try await f.store.attention(for: f.sales, at: f.clock.now) == QueueAttention(needsYou: 1, late: 0))
        _ = try await f.store.act(on: first.id, .close, by: f.sales)
        _ = try await f.store.act(on: second.id, .close, by: f.sales)
        #expect(try await f.store.attention(for: f.sales, at: f.clock.now) == QueueAttention())
        #expect(try await f.store.attention(for: f.manager, at: f.clock.now) == QueueAttention())
    }

    @Test(arguments: TestEngine.all)
    func givenOpenRequestsWhenAManagerChangesHoursAndHolidaysThenTheirDueTimesMoveAndSalesMayNotChangeThem(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let request = try await f.store.fileRequest(kind: .price, account: "ACME", sku: nil, quantity: nil, text: "Better price?",
                                                    priority: .high, by: f.sales)
        #expect(request.dueAt == Self.at(Self.monday, 12))
        await #expect(throws: PermissionDenied.self) {
            _ = try await f.store.setCalendar(timeZone: nil, hours: [(.monday, nil)], by: f.sales)
        }
        await #expect(throws: Failure.self) {
            _ = try await f.store.setCalendar(timeZone: "Nowhere/Atlantis", hours: [], by: f.manager)
        }
        let later = try await f.store.setCalendar(timeZone: nil, hours: try BusinessCalendar.parseHours("mon-fri=10:00-18:00"), by: f.manager)
        #expect(later.hours[.monday] == WorkingHours(opens: 600, closes: 1_080))
        #expect(try await f.store.request(request.id, by: f.manager).request.dueAt == Self.at(Self.monday, 14))
        _ = try await f.store.addHoliday(Self.monday, name: "Founders' day", by: f.manager)
        #expect(try await f.store.request(request.id, by: f.manager).request.dueAt == Self.at(Self.monday.adding(days: 1), 14))
        #expect(try await f.store.businessCalendar().holidays == [Self.monday: "Founders' day"])
        _ = try await f.store.removeHoliday(Self.monday, by: f.manager)
        #expect(try await f.store.request(request.id, by: f.manager).request.dueAt == Self.at(Self.monday, 14))
        await #expect(throws: Failure.self) { _ = try await f.store.removeHoliday(Self.monday, by: f.manager) }
        let targets = try await f.store.setTarget(.high, response: 2 * 3_600, resolution: nil, by: f.manager)
        #expect(targets.response(.high) == 2 * 3_600 && targets.resolution(.high) == 10 * 3_600)
        #expect(try await f.store.request(request.id, by: f.manager).request.dueAt == Self.at(Self.monday, 12))
        await #expect(throws: Failure.self) { _ = try await f.store.setTarget(.high, response: 20 * 3_600, resolution: nil, by: f.manager) }
    }

    @Test(arguments: TestEngine.all)
    func givenAnsweredAndLateRequestsWhenStatsAreAskedThenCountsTimesTargetsBreachesAndBacklogAreRight(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let quick = try await f.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 1, text: "Quick one",
                                                  priority: .urgent, by: f.sales)
        Self.move(f, to: Self.at(Self.monday, 8, 30))
        _ = try await f.store.act(on: quick.id, .answer, text: "Yes", by: f.manager)
        _ = try await f.store.fileRequest(kind: .other, account: "ACME", sku: nil, quantity: nil, text: "Slow one", priority: .normal, by: f.sales)
        Self.move(f, to: Self.at(Self.monday.adding(days: 1), 18))
        await #expect(throws: PermissionDenied.self) { _ = try await f.store.requestStats(from: nil, to: nil, by: nil, actor: f.sales) }
        let rows = try await f.store.requestStats(from: nil, to: nil, by: .priority, actor: f.manager)
        #expect(rows.map(\.group) == ["all", "urgent", "normal"])
        let all = rows[0]
        #expect(all.count == 2 && all.open == 1 && all.responded == 1 && all.resolved == 1)
        #expect(all.responseMedian == 1_800 && all.responseP90 == 1_800 && all.resolutionMedian == 1_800)
        #expect(all.responseWithinTarget == 50 && all.resolutionWithinTarget == 100)
        #expect(all.breaches == 1)
        #expect(all.backlog == [0, 1, 0, 0])  // filed Monday 08:30, open 33.5 hours later
        #expect(rows[2].breaches == 1 && rows[1].breaches == 0)
        // A window that holds only the later request.
        let later = try await f.store.requestStats(from: Self.at(Self.monday, 8), to: nil, by: nil, actor: f.manager)
        #expect(later.map(\.count) == [1])
    }

    @Test func givenAStoreFromBeforeTheCalendarWhenOpenedThenEachRequestsTimesAreReadBackFromItsThread() async throws {
        let f = try await StoreFixture.make()
        let filed = try await f.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 5, text: "Can we ship 5?",
                                                  priority: .normal, by: f.sales)
        Self.move(f, to: Self.at(Self.monday, 9))
        _ = try await f.store.act(on: filed.id, .wait, text: "Which site?", by: f.manager)
        Self.move(f, to: Self.at(Self.monday, 10))
        _ = try await f.store.act(on: filed.id, .reply, text: "Main", by: f.sales)
        Self.move(f, to: Self.at(Self.monday, 11))
        _ = try await f.store.act(on: filed.id, .answer, text: "Yes", by: f.manager)
        let path = await TamperTests.closed(f)
        _ = try TamperTests.tamper(path, script: """
            db.execute('DELETE FROM schema_migrations WHERE version >= 9')
            for table in ['request_templates', 'request_pauses', 'sla_targets', 'holidays', 'business_hours', 'business_calendar']:
                db.execute('DROP TABLE ' + table)
            db.execute('DROP TABLE saved_views')
            db.execute('ALTER TABLE requests DROP COLUMN first_response_at')
            db.execute('ALTER TABLE requests DROP COLUMN resolved_at')
            """)
        let store = try await Store.open(path: path)
        let manager = Actor(user: try await store.signIn("morgan"), source: .cli)
        let request = try await store.request(filed.id, by: manager).request
        #expect(request.firstResponseAt == Self.at(Self.monday, 9))
        #expect(request.resolvedAt == Self.at(Self.monday, 11))
        #expect(try await store.read { try await store.slaTimes([request]) }[request.id]?.pauses
                == [SLAPause(start: Self.at(Self.monday, 9), end: Self.at(Self.monday, 10), reason: .waitingOnSales)])
        #expect(request.sla?.resolution.elapsed == 2 * 3_600)
        await store.close()
    }
}
