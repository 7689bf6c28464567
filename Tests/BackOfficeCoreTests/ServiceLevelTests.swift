import Foundation
import PropertyBased
import Testing
@testable import BackOfficeCore

@Suite("Business calendar and SLA clocks")
struct ServiceLevelTests {
    /// Friday 2026-12-04 in UTC.
    static let friday = Day(year: 2026, month: 12, day: 4)
    static func at(_ day: Day, _ hour: Int, _ minute: Int = 0, zone: String = "UTC") -> Date {
        BusinessCalendar.standard(timeZone: zone).instant(day, minutes: hour * 60 + minute)
    }

    @Test func givenDaysWhenAskedForTheirWeekdayThenTheCalendarAgrees() {
        #expect(Weekday(Self.friday) == .friday)
        #expect(Weekday(Day(year: 1970, month: 1, day: 1)) == .thursday)
        #expect(Weekday(Day(year: 1969, month: 12, day: 29)) == .monday)
        #expect(Weekday(Day(year: 2027, month: 1, day: 3)) == .sunday)
    }

    @Test func givenARequestFiledFridayEveningWhenSaturdayMorningComesThenNoWorkingTimeHasPassed() {
        let calendar = BusinessCalendar.standard()
        let filed = Self.at(Self.friday, 19)
        #expect(calendar.businessSeconds(from: filed, to: Self.at(Self.friday.adding(days: 1), 9)) == 0)
        // Monday 09:30 is ninety working minutes later.
        #expect(calendar.businessSeconds(from: filed, to: Self.at(Self.friday.adding(days: 3), 9, 30)) == 90 * 60)
        // An hour's target from Friday evening falls due Monday at 09:00.
        #expect(calendar.adding(3_600, to: filed) == Self.at(Self.friday.adding(days: 3), 9))
    }

    @Test func givenAHolidayWhenCountingThenItIsNotWorkingTime() {
        var calendar = BusinessCalendar.standard()
        let monday = Self.friday.adding(days: 3)
        calendar.holidays[monday] = "Bank holiday"
        let filed = Self.at(Self.friday, 17)
        #expect(calendar.businessSeconds(from: filed, to: Self.at(monday.adding(days: 1), 8)) == 3_600)
        #expect(calendar.adding(2 * 3_600, to: filed) == Self.at(monday.adding(days: 1), 9))
    }

    @Test func givenAZoneWithDaylightSavingWhenTheClocksChangeThenTheHoursStayLocal() {
        let calendar = BusinessCalendar.standard(timeZone: "Europe/Berlin")
        // Sunday 2026-03-29 clocks go forward: Monday opens at 08:00 CEST, 06:00 UTC; the Friday before at 07:00 UTC.
        let monday = Day(year: 2026, month: 3, day: 30)
        #expect(UTC.iso(calendar.window(on: monday)!.start) == "2026-03-30T06:00:00Z")
        #expect(UTC.iso(calendar.window(on: monday.adding(days: -3))!.start) == "2026-03-27T07:00:00Z")
        #expect(calendar.businessSeconds(from: calendar.window(on: monday.adding(days: -3))!.start,
                                         to: calendar.window(on: monday)!.end) == 20 * 3_600)
    }

    @Test func givenAWeekWithNoWorkingHoursWhenAddingThenThereIsNoDueTime() {
        let closed = BusinessCalendar(timeZone: "UTC", hours: [:])
        #expect(closed.adding(60, to: Self.at(Self.friday, 9)) == nil)
        #expect(closed.businessSeconds(from: Self.at(Self.friday, 9), to: Self.at(Self.friday.adding(days: 9), 9)) == 0)
    }

    static let span = zip(Gen.int(in: 0...(14 * 24 * 60)), Gen.int(in: 0...(6 * 24 * 60)), Gen.int(in: 0...2),
                          Gen.int(in: 0...(40 * 60)))

    @Test func givenRandomSpansWhenCountedThenTheSumIsTheMinuteByMinuteCountAndAddingInvertsIt() async {
        let zones = ["UTC", "Europe/Berlin", "America/Chicago"]
        await propertyCheck(count: 200, input: Self.span) { input in
            let (startMinute, lengthMinutes, zoneIndex, addMinutes) = input
            var calendar = BusinessCalendar.standard(timeZone: zones[zoneIndex])
            calendar.hours[.saturday] = WorkingHours(opens: 9 * 60, closes: 13 * 60 + 30)
            calendar.holidays[Self.friday.adding(days: 3)] = "holiday"
            let base = Self.friday.adding(days: -2).start
            let from = base.addingTimeInterval(TimeInterval(startMinute * 60))
            let to = from.addingTimeInterval(TimeInterval(lengthMinutes * 60))
            var working = 0
            for minute in 0..<lengthMinutes {
                let moment = from.addingTimeInterval(TimeInterval(minute * 60))
                let day = calendar.day(of: moment)
                if let window = calendar.window(on: day), moment >= window.start, moment < window.end { working += 60 }
            }
            #expect(calendar.businessSeconds(from: from, to: to) == working, "\(from) + \(lengthMinutes) min in \(calendar.timeZone)")
            let due = calendar.adding(addMinutes * 60, to: from)
            #expect(due.map { calendar.businessSeconds(from: from, to: $0) } == addMinutes * 60)
        }
    }

    @Test func givenHoursSettingsWhenParsedThenDaysAndHoursAreReadAndMistakesNamed() throws {
        let week = try BusinessCalendar.parseHours("mon-fri=08:30-17:00")
        #expect(week.map(\.0) == [.monday, .tuesday, .wednesday, .thursday, .friday])
        #expect(week.allSatisfy { $0.1 == WorkingHours(opens: 510, closes: 1_020) })
        #expect(try BusinessCalendar.parseHours("sat,sun=closed").map(\.0) == [.saturday, .sunday])
        #expect(try BusinessCalendar.parseHours("Saturday=09:00-24:00").first?.1?.closes == 1_440)
        for bad in ["fri-mon=08:00-18:00", "mon=18:00-08:00", "mon=8-18", "mon=25:00-26:00", "xyz=closed", "=08:00-18:00", "mon"] {
            #expect(throws: Failure.self, "\(bad)") { try BusinessCalendar.parseHours(bad) }
        }
        #expect(throws: Failure.self) { try BusinessCalendar.checkTimeZone("Mars/Olympus") }
        #expect(try BusinessCalendar.checkTimeZone("Europe/Berlin") == "Europe/Berlin")
    }

    @Test func givenAnUnansweredRequestWhenTimePassesThenItsResponseClockRunsThenBreachesSoonThenBreaches() {
        let calendar = BusinessCalendar.standard()
        let filed = Self.at(Self.friday, 9)
        let times = SLATimes(filed: filed)
        func status(at hour: Int, _ minute: Int = 0) -> SLAClock {
            ServiceLevel.reading(times, priority: .urgent, calendar: calendar, targets: .standard, now: Self.at(Self.friday, hour, minute)).response
        }
        #expect(status(at: 9, 30).status == .running)
        #expect(status(at: 9, 30).due == Self.at(Self.friday, 10))
        #expect(status(at: 9, 50).status == .breachingSoon)
        #expect(status(at: 10, 5).status == .breached)
        #expect(status(at: 10, 5).remaining == -300)
    }

    @Test func givenARequestThatWaitsOnSalesWhenItIsRepliedToThenTheResolutionClockSkipsTheWait() {
        let calendar = BusinessCalendar.standard()
        let filed = Self.at(Self.friday, 9)
        var times = SLATimes(filed: filed)
        times = ServiceLevel.times(times, after: .wait, from: .claimed, to: .waitingOnSales, at: Self.at(Self.friday, 10))
        #expect(times.firstResponse == Self.at(Self.friday, 10))
        #expect(times.isPaused)
        let waiting = ServiceLevel.reading(times, priority: .high, calendar: calendar, targets: .standard, now: Self.at(Self.friday, 15))
        #expect(waiting.response.status == .met)
        #expect(waiting.resolution.status == .paused && waiting.resolution.elapsed == 3_600)
        times = ServiceLevel.times(times, after: .reply, from: .waitingOnSales, to: .claimed, at: Self.at(Self.friday, 15))
        times = ServiceLevel.times(times, after: .answer, from: .claimed, to: .answered, at: Self.at(Self.friday, 16))
        let done = ServiceLevel.reading(times, priority: .high, calendar: calendar, targets: .standard, now: Self.at(Self.friday, 17))
        #expect(done.resolution.status == .met)
        #expect(done.resolution.elapsed == 2 * 3_600)
        #expect(times.pauses == [SLAPause(start: Self.at(Self.friday, 10), end: Self.at(Self.friday, 15), reason: .waitingOnSales)])
    }

    @Test func givenAnAnsweredRequestWhenReopenedThenTheTimeBetweenIsAPauseAndTheClockRunsAgain() {
        let calendar = BusinessCalendar.standard()
        var times = SLATimes(filed: Self.at(Self.friday, 9))
        times = ServiceLevel.times(times, after: .answer, from: .new, to: .answered, at: Self.at(Self.friday, 11))
        times = ServiceLevel.times(times, after: .reopen, from: .answered, to: .claimed, at: Self.at(Self.friday, 14))
        #expect(times.resolved == nil)
        #expect(times.pauses == [SLAPause(start: Self.at(Self.friday, 11), end: Self.at(Self.friday, 14), reason: .resolved)])
        let reading = ServiceLevel.reading(times, priority: .normal, calendar: calendar, targets: .standard, now: Self.at(Self.friday, 15))
        #expect(reading.resolution.status == .running && reading.resolution.elapsed == 3 * 3_600)
        #expect(ServiceLevel.dueAt(reading) == reading.resolution.due)
        // The first response stays the first answer.
        #expect(times.firstResponse == Self.at(Self.friday, 11))
    }

    @Test func givenDurationsWhenParsedAndDescribedThenWorkingTimeReadsBack() throws {
        #expect(try ServiceLevel.parseDuration("1h30m", field: "response") == 5_400)
        #expect(try ServiceLevel.parseDuration("45m", field: "response") == 2_700)
        #expect(try ServiceLevel.parseDuration("90s", field: "timeout") == 90)
        for bad in ["", "2d", "h", "90", "-1h", "0m"] {
            #expect(throws: Failure.self, "\(bad)") { try ServiceLevel.parseDuration(bad, field: "response") }
        }
        #expect(ServiceLevel.describe(5_400) == "1h30m")
        #expect(ServiceLevel.describe(-2_700) == "-45m")
        #expect(ServiceLevel.describe(30 * 3_600) == "30h")
    }
}
