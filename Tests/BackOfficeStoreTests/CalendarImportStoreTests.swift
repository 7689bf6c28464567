import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// The business calendar through `import` and `export`: the same store functions as `calendar set` and
/// `calendar add-holiday`, so the change is audited and open requests' due times follow. The fixture's clock starts on
/// Monday 2026-11-30 at 00:53:20 UTC.
@Suite("The calendar imported and exported")
struct CalendarImportStoreTests {
    static let monday = Day(year: 2026, month: 11, day: 30)
    static func at(_ day: Day, _ hour: Int) -> Date { day.start.addingTimeInterval(TimeInterval(hour * 3_600)) }

    func load(_ kind: ImportKind, _ text: String, in f: StoreFixture, dryRun: Bool = false, as actor: Actor? = nil) async throws -> ImportReport {
        let source = ImportFuzzTests.Source(Array(text.utf8), kind: kind)
        return try await f.store.importRecords(kind, file: "f", dryRun: dryRun, by: actor ?? f.manager) { try source.next() }
    }

    func export(_ kind: ExportKind, _ f: StoreFixture) async throws -> [[String]] {
        [kind.header] + (try await f.store.export(kind, after: nil, by: f.sales).rows)
    }

    func rejected(_ kind: ImportKind, _ text: String, in f: StoreFixture, dryRun: Bool = false) async throws -> [String] {
        do {
            _ = try await load(kind, text, in: f, dryRun: dryRun)
            Issue.record("accepted: \(text)")
            return []
        } catch let rejected as ImportRejected {
            return rejected.problems.map(\.description)
        }
    }

    @Test(arguments: TestEngine.all)
    func givenAnOpenRequestWhenTheHoursAndAHolidayAreImportedThenItsDueTimeMovesAndTheChangeIsAudited(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let request = try await f.store.fileRequest(kind: .price, account: "ACME", sku: nil, quantity: nil, text: "Better price?",
                                                    priority: .high, by: f.sales)
        #expect(request.dueAt == Self.at(Self.monday, 12))
        // A dry run lists the change and writes nothing.
        let dry = try await load(.calendar, "weekday,opens,closes,time_zone\nmon,10:00,18:00,UTC\n", in: f, dryRun: true)
        #expect(dry.changed == 1 && dry.changes == ["mon: hours 08:00-18:00 → 10:00-18:00"])
        #expect(try await f.store.businessCalendar().hours[.monday] == WorkingHours(opens: 480, closes: 1_080))

        let report = try await load(.calendar, "weekday,opens,closes,time_zone\nmon,10:00,18:00,UTC\ntue,08:00,18:00,UTC\nsun,closed,,UTC\n", in: f)
        #expect(report.rows == 3 && report.changed == 1 && report.unchanged == 2)
        #expect(try await f.store.request(request.id, by: f.manager).request.dueAt == Self.at(Self.monday, 14))
        let log = try await f.store.auditLog(limit: 3, by: f.admin)
        #expect(log.contains { $0.action == "calendar.set" && $0.after?.contains("mon 10:00-18:00") == true }, "\(log)")
        #expect(log.contains { $0.action == "import.calendar.change" && $0.entity == "calendar mon" })

        let holidays = try await load(.holidays, "day,name\n2026-11-30,Founders' day\n2026-12-25,Christmas Day\n", in: f)
        #expect(holidays.added == 2)
        // Monday off: four working hours from Tuesday's 08:00.
        #expect(try await f.store.request(request.id, by: f.manager).request.dueAt == Self.at(Self.monday.adding(days: 1), 12))
        // A row for a day the calendar has renames it; days the file leaves out stay.
        let renamed = try await load(.holidays, "day,name\n2026-12-25,Christmas\n", in: f)
        #expect(renamed.changes == ["2026-12-25: name Christmas Day → Christmas"])
        #expect(try await f.store.businessCalendar().holidays == [Self.monday: "Founders' day", Self.monday.adding(days: 25): "Christmas"])
        #expect(try await f.store.auditLog(limit: 2, by: f.admin).contains { $0.action == "import.holidays.change" && $0.entity == "holiday 2026-12-25" })
    }

    @Test(arguments: TestEngine.all)
    func givenACalendarWhenExportedAndImportedIntoANewStoreThenTheExportIsTheSame(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.setCalendar(timeZone: "Europe/Berlin",
                                          hours: try BusinessCalendar.parseHours("mon-thu=07:30-16:00") + BusinessCalendar.parseHours("fri=07:30-12:00")
                                              + BusinessCalendar.parseHours("sat=09:00-24:00"), by: f.manager)
        _ = try await f.store.addHoliday(Day(year: 2026, month: 12, day: 24), name: "Heiligabend, \"halber\" Tag", by: f.manager)
        _ = try await f.store.addHoliday(Day(year: 2027, month: 1, day: 1), name: "Neujahr", by: f.manager)
        let week = try await export(.calendar, f), days = try await export(.holidays, f)
        #expect(week[1] == ["mon", "07:30", "16:00", "Europe/Berlin"] && week[6] == ["sat", "09:00", "24:00", "Europe/Berlin"])
        #expect(week[7] == ["sun", "closed", "", "Europe/Berlin"])
        #expect(days.count == 3)

        let other = try await StoreFixture.make(engine)
        for (kind, rows) in [(ImportKind.calendar, week), (.holidays, days)] {
            let text = rows.map { CSV.record($0, numbers: $0.map { _ in false }, delimiter: ",") }.joined()
            _ = try await load(kind, text, in: other)
            // The same file again changes nothing.
            let again = try await load(kind, text, in: other)
            #expect(again.added == 0 && again.changed == 0, "\(kind): \(again.changes)")
        }
        #expect(try await export(.calendar, other) == week)
        #expect(try await export(.holidays, other) == days)
        #expect(try await other.store.businessCalendar() == (try await f.store.businessCalendar()))
    }

    @Test(arguments: TestEngine.all)
    func givenBadRowsOrASalespersonWhenImportedThenEachProblemIsNamedAndNothingIsWritten(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        let before = try await f.store.businessCalendar()
        let auditBefore = try await f.store.auditLog(limit: 1, by: f.admin)
        await #expect(throws: PermissionDenied.self) {
            _ = try await load(.holidays, "day,name\n2026-12-25,Christmas\n", in: f, as: f.sales)
        }
        await #expect(throws: PermissionDenied.self) {
            _ = try await load(.calendar, "weekday,opens,closes,time_zone\nmon,09:00,17:00,UTC\n", in: f, as: f.sales)
        }
        // Good rows before a bad one are not written: all or nothing.
        let zones = try await rejected(.calendar, "weekday,opens,closes,time_zone\nmon,09:00,17:00,Europe/Berlin\ntue,09:00,17:00,UTC\n", in: f)
        #expect(zones == ["f:3: column time_zone: differs from line 2's Europe/Berlin; a calendar has one time zone (UTC)"])
        let twice = try await rejected(.calendar, "weekday,opens,closes,time_zone\nmon,09:00,17:00,UTC\nMonday,09:00,16:00,UTC\n", in: f)
        #expect(twice == ["f:3: column weekday: duplicate key, also on line 2 (mon)"])
        let mixed = try await rejected(.holidays, "day,name\n2026-12-25,Christmas\n2026-13-01,Nope\n2026-12-26,\n", in: f)
        #expect(mixed.count == 2 && mixed[0].hasPrefix("f:3: column day:") && mixed[1].hasPrefix("f:4: column name: must not be empty"),
                "\(mixed)")
        let backwards = try await rejected(.calendar, "weekday,opens,closes,time_zone\nmon,09:00,17:00,UTC\nwed,18:00,08:00,UTC\n", in: f)
        #expect(backwards == ["f:3: column closes: is not after opens 18:00 (08:00)"])
        #expect(try await f.store.businessCalendar() == before)
        #expect(try await f.store.auditLog(limit: 1, by: f.admin) == auditBefore)
    }
}
