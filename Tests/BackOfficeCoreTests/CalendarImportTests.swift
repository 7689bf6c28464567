import BackOfficeCore
import Testing

/// The calendar as import rows: a holiday per day, the hours per weekday with the zone, each bad cell named.
@Suite("Calendar and holiday import rows")
struct CalendarImportTests {
    func read(_ kind: ImportKind, _ header: [String], _ fields: [String]) -> (record: ImportRecord?, problems: [String]) {
        guard case .success(let map) = Importing.columns(header, kind: kind, file: "f.csv", line: 1) else {
            Issue.record("header refused: \(header)")
            return (nil, [])
        }
        let read = Importing.record(fields, columns: map, header: header, kind: kind, file: "f.csv", line: 2)
        return (read.record, read.problems.map(\.description))
    }

    @Test func givenGoodRowsThenHolidaysAndHoursAreRead() {
        #expect(read(.holidays, ["day", "name"], ["2026-12-25", "Christmas Day"]).record
                == .holiday(Day(year: 2026, month: 12, day: 25), name: "Christmas Day"))
        #expect(read(.holidays, ["Date", "Name"], ["2026-01-01", " New Year "]).record
                == .holiday(Day(year: 2026, month: 1, day: 1), name: "New Year"))
        let header = ["weekday", "opens", "closes", "time_zone"]
        #expect(read(.calendar, header, ["Mon", "08:00", "18:00", "Europe/Berlin"]).record
                == .hours(.monday, WorkingHours(opens: 480, closes: 1_080), timeZone: "Europe/Berlin"))
        #expect(read(.calendar, header, ["fri", "09:30", "24:00", "UTC"]).record
                == .hours(.friday, WorkingHours(opens: 570, closes: 1_440), timeZone: "UTC"))
        #expect(read(.calendar, header, ["sun", "closed", "", "UTC"]).record == .hours(.sunday, nil, timeZone: "UTC"))
        #expect(read(.calendar, header, ["sat", "", "", "UTC"]).record == .hours(.saturday, nil, timeZone: "UTC"))
        #expect(ImportKind.calendar.columnNames == "weekday, opens, closes, time_zone (or zone)")
        #expect(ImportKind.holidays.columnNames == "day (or date), name")
    }

    @Test(arguments: [
        (ImportKind.holidays, ["2026-02-30", "Nope"], "f.csv:2: column day: no such day (2026-02-30)"),
        (.holidays, ["25.12.2026", "Christmas"], "f.csv:2: column day:"),
        (.holidays, ["2026-12-25", ""], "f.csv:2: column name: must not be empty"),
        (.holidays, ["2026-12-25", "Bell\u{7}day"], "f.csv:2: column name: contains control characters"),
        (.calendar, ["someday", "08:00", "18:00", "UTC"], "f.csv:2: column weekday: is not a weekday; write mon, tue, wed, thu, fri, sat or sun (someday)"),
        (.calendar, ["mon-fri", "08:00", "18:00", "UTC"], "f.csv:2: column weekday: is not a weekday"),
        (.calendar, ["mon", "8am", "18:00", "UTC"], "f.csv:2: column opens: is not a time of day; write it as 08:00 (8am)"),
        (.calendar, ["mon", "08:00", "25:00", "UTC"], "f.csv:2: column closes: is not a time of day; write it as 08:00 (25:00)"),
        (.calendar, ["mon", "18:00", "08:00", "UTC"], "f.csv:2: column closes: is not after opens 18:00 (08:00)"),
        (.calendar, ["mon", "08:00", "08:00", "UTC"], "f.csv:2: column closes: is not after opens 08:00 (08:00)"),
        (.calendar, ["mon", "closed", "18:00", "UTC"], "f.csv:2: column closes: must be empty on a closed day (18:00)"),
        (.calendar, ["mon", "08:00", "18:00", "Mars/Olympus"], "f.csv:2: column time_zone: not a time zone; write an IANA name such as Europe/Berlin or UTC (Mars/Olympus)"),
        (.calendar, ["mon", "08:00", "18:00", ""], "f.csv:2: column time_zone: not a time zone"),
    ])
    func givenABadRowThenOneProblemNamesItsColumnAndValue(kind: ImportKind, fields: [String], expected: String) {
        let header = kind == .holidays ? ["day", "name"] : ["weekday", "opens", "closes", "time_zone"]
        let result = read(kind, header, fields)
        #expect(result.record == nil)
        #expect(result.problems.count == 1 && result.problems[0].hasPrefix(expected), "\(result.problems)")
    }

    @Test func givenAControlCharacterInAValueThenTheProblemLineShowsItEscaped() {
        let result = read(.calendar, ["weekday", "opens", "closes", "time_zone"], ["mon\u{1B}[2J", "08:00", "18:00", "UTC"])
        #expect(result.problems.count == 1)
        #expect(result.problems.allSatisfy { !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } }, "\(result.problems)")
    }
}
