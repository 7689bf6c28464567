import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

@Suite("calendar, request stats, request watch", .serialized)
struct ServiceLevelCLITests {
    @Test func givenTheCalendarWhenShownSetAndMisusedThenItReadsBackAndEachMistakeIsNamed() throws {
        let demo = try DemoStore()
        let shown = try demo.run(["calendar", "show"], as: "manager")
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("time zone UTC") && shown.stdout.contains("mon  08:00-18:00") && shown.stdout.contains("sat  closed"))
        #expect(shown.stdout.contains("urgent    1h              4h"), "\(shown.stdout)")

        let zone = try demo.run(["calendar", "set", "--time-zone", "Mars/Olympus"], as: "manager")
        #expect(zone.status == 65 && zone.stderr == "backoffice: time-zone: not a time zone; write an IANA name such as Europe/Berlin or UTC (\"Mars/Olympus\")\n",
                "\(zone.stderr)")
        let hours = try demo.run(["calendar", "set", "--hours", "mon-fri=18:00-08:00"], as: "manager")
        #expect(hours.status == 65 && hours.stderr.contains("the day must open before it closes"), "\(hours.stderr)")
        let sales = try demo.run(["calendar", "set", "--hours", "sat=09:00-13:00"], as: "sales")
        #expect(sales.status == 77, "\(sales.stderr)")
        let nothing = try demo.run(["calendar", "set"], as: "manager")
        #expect(nothing.status == 64 && nothing.stderr.contains("nothing to set"))

        let set = try demo.run(["calendar", "set", "--time-zone", "Europe/Berlin", "--hours", "sat=09:00-13:00", "--json"], as: "manager")
        #expect(set.status == 0, "\(set.stderr)")
        let json = try #require(set.json as? [String: Any])
        #expect(json["timeZone"] as? String == "Europe/Berlin")
        #expect((json["hours"] as? [String: String])?["sat"] == "09:00-13:00")

        #expect(try demo.run(["calendar", "add-holiday", "2026-12-25", "Christmas Day"], as: "manager").status == 0)
        let badDay = try demo.run(["calendar", "add-holiday", "2026-02-30", "Nope"], as: "manager")
        #expect(badDay.status == 65 && badDay.stderr.contains("date: no such day (\"2026-02-30\")"), "\(badDay.stderr)")
        #expect(try demo.run(["calendar", "show"], as: "manager").stdout.contains("2026-12-25  Christmas Day"))
        let missing = try demo.run(["calendar", "remove-holiday", "2026-12-24"], as: "manager")
        #expect(missing.status == 66, "\(missing.stderr)")
        let target = try demo.run(["calendar", "target", "urgent", "--response", "30m"], as: "manager")
        #expect(target.status == 0 && target.stdout == "urgent: respond within 30m, resolve within 4h (working time)\n", "\(target.stdout)\(target.stderr)")
        let days = try demo.run(["calendar", "target", "low", "--resolution", "3d"], as: "manager")
        #expect(days.status == 65 && days.stderr.contains("resolution:") && days.stderr.contains("\"3d\""), "\(days.stderr)")
    }

    @Test func givenRequestsWhenStatsAreAskedThenTableJSONAndCSVAgreeAndBadArgumentsAreRefused() throws {
        let demo = try DemoStore()
        let table = try demo.run(["request", "stats", "--by", "priority"], as: "manager")
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("GROUP ") && table.stdout.contains("\nall ") && table.stdout.contains("\nurgent "), "\(table.stdout)")
        let json = try demo.run(["request", "stats", "--json"], as: "manager")
        let rows = try #require(json.json as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["group"] as? String == "all")
        let count = try #require(rows[0]["count"] as? Int)
        #expect(count > 0)

        let file = demo.folder.path("stats.csv")
        let csv = try demo.run(["request", "stats", "--by", "manager", "--format", "csv", "-o", file], as: "manager")
        #expect(csv.status == 0, "\(csv.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.hasPrefix("group,requests,open,responded,response_median_s,"))
        #expect(text.contains("\r\nall,\(count),"), "\(text)")
        let again = try demo.run(["request", "stats", "--format", "csv", "-o", file], as: "manager")
        #expect(again.status == 73, "an existing file is kept: \(again.stderr)")

        #expect(try demo.run(["request", "stats", "--by", "weather"], as: "manager").status == 64)
        let backwards = try demo.run(["request", "stats", "--from", "2026-12-02", "--to", "2026-12-01"], as: "manager")
        #expect(backwards.status == 65 && backwards.stderr.contains("is not after --from"), "\(backwards.stderr)")
        #expect(try demo.run(["request", "stats"], as: "sales").status == 77)
    }

    @Test func givenAnOpenRequestWhenWatchedPastItsTimeoutThenExit75SaysWhereItIsAndAnAnsweredOneReturnsAtOnce() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let filed = try demo.run(["request", "new", "--account", "ACME", "--sku", sku, "--qty", "2", "--json", "Two today?"], as: "sales")
        let id = try #require((filed.json as? [String: Any])?["id"] as? Int)
        let waited = try demo.run(["request", "watch", String(id), "--timeout", "1s"], as: "sales")
        #expect(waited.status == 75)
        #expect(waited.stderr.contains("no answer to request #\(id) within 1s: it is new"), "\(waited.stderr)")
        #expect(try demo.run(["request", "wait", String(id), "Which site?"], as: "manager").status == 0)
        let back = try demo.run(["request", "watch", String(id), "--timeout", "5s"], as: "sales")
        #expect(back.status == 0 && back.stdout.contains("asked back") && back.stdout.contains("Which site?"), "\(back.stdout)\(back.stderr)")
        let bad = try demo.run(["request", "watch", String(id), "--timeout", "soon"], as: "sales")
        #expect(bad.status == 65 && bad.stderr.contains("timeout:") && bad.stderr.contains("\"soon\""), "\(bad.stderr)")
    }

    @Test func givenASalespersonWhoFilesWithWaitWhenTheManagerAnswersFromAnotherProcessThenTheWaitPrintsTheAnswer() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let (process, out, err) = try startBackoffice(["--db", demo.path, "--user", "sales", "request", "new", "--account", "ACME", "--sku", sku,
                                                       "--qty", "3", "--wait", "--timeout", "60s", "Three today?"], in: demo.folder)
        var id: Int?
        #expect(eventually(30) {
            let list = try? demo.run(["request", "list", "--view", "all", "--json"], as: "manager")
            id = (list?.json as? [[String: Any]])?.first { $0["text"] as? String == "Three today?" }?["id"] as? Int
            return id != nil
        })
        let answered = try demo.run(["request", "answer", String(try #require(id)), "Yes, three from MAIN"], as: "manager")
        #expect(answered.status == 0, "\(answered.stderr)")
        process.waitUntilExit()
        let stdout = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\((try? String(contentsOf: err, encoding: .utf8)) ?? "")")
        #expect(stdout.contains("filed request #\(id!)") && stdout.contains("request #\(id!) answered") && stdout.contains("Yes, three from MAIN"),
                "\(stdout)")
        #expect(!stdout.contains("margin"))
    }
}
