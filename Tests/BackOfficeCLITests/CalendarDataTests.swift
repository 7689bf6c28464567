import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// `import holidays|calendar` and `export holidays|calendar` through the built binary, on real files.
@Suite("The calendar in and out", .serialized)
struct CalendarDataTests {
    func write(_ text: String, to name: String, in demo: DemoStore) throws -> String {
        let path = demo.folder.path(name)
        try Data(Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        return path
    }

    func snapshot(_ demo: DemoStore) throws -> String {
        try demo.run(["export", "calendar"], as: "admin").stdout + demo.run(["export", "holidays"], as: "admin").stdout
    }

    @Test func givenACalendarWhenExportedAndImportedIntoANewStoreThenBothFilesComeBackByteForByte() throws {
        let demo = try DemoStore()
        #expect(try demo.run(["calendar", "set", "--time-zone", "America/Chicago", "--hours", "sat=09:00-13:00"], as: "manager").status == 0)
        #expect(try demo.run(["calendar", "add-holiday", "2026-12-25", "Christmas Day"], as: "manager").status == 0)
        #expect(try demo.run(["calendar", "add-holiday", "2026-11-26", "=Thanksgiving"], as: "manager").status == 0)
        let other = TemporaryFolder()
        let store = other.path("new.sqlite")
        #expect(try runBackoffice(["init", "--db", store], in: other).status == 0)
        for kind in ["calendar", "holidays"] {
            let file = demo.folder.path("\(kind).csv")
            let exported = try demo.run(["export", kind, "-o", file], as: "manager")
            #expect(exported.status == 0, "\(exported.stderr)")
            let imported = try runBackoffice(["import", kind, file, "--db", store, "--user", "admin"], in: other)
            #expect(imported.status == 0, "\(kind): \(imported.stderr)")
            let again = try runBackoffice(["export", kind, "--db", store, "--user", "admin"], in: other)
            let original = try String(contentsOfFile: file, encoding: .utf8)
            #expect(again.stdout == original, "\(kind)")
            // Into the store it came from: nothing changes.
            let same = try demo.run(["import", kind, file], as: "manager")
            #expect(same.status == 0 && same.stdout.contains(" 0 added, 0 changed,"), "\(kind): \(same.stdout)\(same.stderr)")
        }
        let week = try String(contentsOfFile: demo.folder.path("calendar.csv"), encoding: .utf8)
        #expect(week.hasPrefix("weekday,opens,closes,time_zone\r\nmon,08:00,18:00,America/Chicago\r\n"), "\(week)")
        #expect(week.contains("\r\nsat,09:00,13:00,America/Chicago\r\nsun,closed,,America/Chicago\r\n"), "\(week)")
        // A name that looks like a formula is defanged in the file and comes back as it was.
        #expect(try String(contentsOfFile: demo.folder.path("holidays.csv"), encoding: .utf8).contains("2026-11-26,'=Thanksgiving\r\n"))
        let shown = try runBackoffice(["calendar", "show", "--db", store, "--user", "admin"], in: other)
        #expect(shown.stdout.contains("=Thanksgiving") && shown.stdout.contains("America/Chicago"), "\(shown.stdout)")
    }

    @Test(arguments: [
        ("holidays", "day,name\n2026-12-25,Christmas\n2026-02-30,Nope\n", "bad.csv:3: column day: no such day (2026-02-30)"),
        ("holidays", "day,name\n2026-12-25,Bell\u{7}day\n", "bad.csv:2: column name: contains control characters (Bell"),
        ("holidays", "day,name\n2026-12-25,Christ\0mas\n", "bad.csv:2: a NUL byte"),
        ("calendar", "weekday,opens,closes,time_zone\nmon,09:00,17:00,UTC\nfunday,09:00,17:00,UTC\n",
         "bad.csv:3: column weekday: is not a weekday; write mon, tue, wed, thu, fri, sat or sun (funday)"),
        ("calendar", "weekday,opens,closes,time_zone\nmon,17:00,09:00,UTC\n", "bad.csv:2: column closes: is not after opens 17:00 (09:00)"),
        ("calendar", "weekday,opens,closes,time_zone\nmon,09:00,17:00,Mars/Olympus\n",
         "bad.csv:2: column time_zone: not a time zone; write an IANA name such as Europe/Berlin or UTC (Mars/Olympus)"),
        ("calendar", "weekday,opens,closes\nmon,09:00,17:00\n", "bad.csv:1: column time_zone: required column is missing"),
    ])
    func givenABadFileWhenImportedThenTheLineFieldAndValueAreNamedAndNothingIsWritten(kind: String, text: String, expected: String) throws {
        let demo = try DemoStore()
        let before = try snapshot(demo)
        let path = try write(text, to: "bad.csv", in: demo)
        for dryRun in [true, false] {
            let result = try demo.run(["import", kind, path] + (dryRun ? ["--dry-run"] : []), as: "manager")
            #expect(result.status == 65, "\(result.stdout)")
            #expect(result.stderr.contains(demo.folder.path(expected)), "\(result.stderr)")
        }
        #expect(try snapshot(demo) == before)
    }

    @Test func givenAHugeFileOrASalespersonWhenImportedThenItIsRefusedAndNothingIsWritten() throws {
        let demo = try DemoStore()
        let before = try snapshot(demo)
        // A field over 1 MiB: refused with its line, the store untouched.
        let huge = try write("day,name\n2026-12-25,Christmas\n2026-12-26,\(String(repeating: "x", count: 2 << 20))\n", to: "huge.csv", in: demo)
        let result = try demo.run(["import", "holidays", huge], as: "manager")
        #expect(result.status == 65 && result.stderr.contains(demo.folder.path("huge.csv:3:")), "\(result.stderr.prefix(500))")
        #expect(result.stderr.count < 2_000)
        let good = try write("day,name\n2026-12-25,Christmas\n", to: "good.csv", in: demo)
        let sales = try demo.run(["import", "holidays", good], as: "sales")
        #expect(sales.status == 77, "\(sales.stderr)")
        let week = try write("weekday,opens,closes,time_zone\nsat,09:00,13:00,UTC\n", to: "week.csv", in: demo)
        #expect(try demo.run(["import", "calendar", week], as: "sales").status == 77)
        #expect(try snapshot(demo) == before)
        // A manager may; the change is listed.
        let manager = try demo.run(["import", "calendar", week], as: "manager")
        #expect(manager.status == 0 && manager.stdout.contains("sat: hours closed → 09:00-13:00"), "\(manager.stdout)\(manager.stderr)")
    }
}
