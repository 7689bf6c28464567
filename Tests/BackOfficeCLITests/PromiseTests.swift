import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// `backoffice atp`: the day a quantity is available to promise, on a real store, as each role may see it.
@Suite("Available to promise", .serialized)
struct PromiseTests {
    static let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// An item with 100 at MAIN (40 of them held for three days), 20 in quarantine, 300 due at MAIN in ten days and
    /// 50 at EAST that were due three days ago.
    func store() throws -> (DemoStore, today: Day) {
        let demo = try DemoStore()
        let today = Day(Date())
        for (arguments, user) in [
            (["items", "add", "ATP-1", "--name", "Promise test"], "admin"),
            (["move", "receipt", "ATP-1", "100", "--to", "MAIN"], "clerk"),
            (["move", "receipt", "ATP-1", "20", "--to", "QUAR"], "clerk"),
            (["hold", "add", "ATP-1", "40", "--at", "MAIN", "--account", "ACME", "--expires", "3d"], "sales"),
            (["incoming", "add", "ATP-1", "300", "--to", "MAIN", "--due", today.adding(days: 10).description, "--ref", "PO-9001"], "admin"),
            (["incoming", "add", "ATP-1", "50", "--to", "EAST", "--due", today.adding(days: 1).description, "--ref", "PO-8800"], "admin"),
        ] {
            let done = try demo.run(arguments, as: user)
            #expect(done.status == 0, "\(arguments): \(done.stderr)")
        }
        // Three days later, PO-8800 has not arrived: its due day is in the past.
        let late = try runProgram(try #require(Self.sqlite3), [demo.path, "UPDATE incoming SET due = '\(today.adding(days: -3))' WHERE ref = 'PO-8800'"],
                                  in: demo.folder)
        #expect(late.status == 0, "\(late.stderr)")
        return (demo, today)
    }

    @Test func givenHoldsAndReceiptsWhenAskedAsJSONThenTheDateTimelineAndLocationsAreTheDocumentedShape() throws {
        let (demo, today) = try store()
        let answer = try demo.run(["atp", "ATP-1", "--qty", "350", "--json"], as: "sales")
        #expect(answer.status == 0, "\(answer.stderr)")
        let json = try #require(answer.json as? [String: Any])
        #expect(json["sku"] as? String == "ATP-1")
        #expect(json["quantity"] as? Int == 350)
        #expect(json["date"] as? String == today.adding(days: 10).description)
        #expect(json["availableNow"] as? Int == 60)
        let timeline = try #require(json["timeline"] as? [[String: Any]])
        #expect((timeline.first?["event"] as? String)?.wholeMatch(of: #/hold #\d+ expires/#) != nil, "\(timeline)")
        #expect(timeline.last?["event"] as? String == "PO-9001 due")
        #expect(timeline.map { $0["date"] as? String } == [today.adding(days: 3).description, today.adding(days: 10).description])
        #expect(timeline.map { $0["change"] as? Int } == [40, 300])
        #expect(timeline.map { $0["available"] as? Int } == [100, 400])
        let locations = try #require(json["locations"] as? [[String: Any]])
        // Sales sees sellable locations only, never quarantine; EAST has nothing but an overdue receipt, left out.
        #expect(locations.map { $0["location"] as? String } == ["MAIN"])
        #expect(locations.last?["date"] as? String == today.adding(days: 10).description)
        #expect(!answer.stdout.contains("QUAR"))
        #expect(!answer.stdout.lowercased().contains("cost"))

        // Counting the overdue receipt as arriving today makes 110 available today.
        let counted = try demo.run(["atp", "ATP-1", "--qty", "110", "--include-overdue", "--json"], as: "sales")
        #expect((counted.json as? [String: Any])?["date"] as? String == today.description, "\(counted.stdout)")
        let places = try #require((counted.json as? [String: Any])?["locations"] as? [[String: Any]])
        #expect(places.map { $0["location"] as? String } == ["EAST", "MAIN"])
        #expect(places.first?["date"] is NSNull)
        let uncounted = try demo.run(["atp", "ATP-1", "--qty", "110", "--json"], as: "sales")
        #expect((uncounted.json as? [String: Any])?["date"] as? String == today.adding(days: 10).description)
    }

    @Test func givenAQuantityNeverReachedThenTheAnswerSaysTheMostAndWhenAndExitsZero() throws {
        let (demo, today) = try store()
        let text = try demo.run(["atp", "ATP-1", "--qty", "1000"], as: "clerk")
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.hasPrefix("ATP-1: 1000 not reached on what is known: at most 400 by \(today.adding(days: 10))\n"), "\(text.stdout)")
        #expect(text.stdout.contains("overdue         PO-8800: 50 at EAST, due \(today.adding(days: -3))"))
        let json = try #require(try demo.run(["atp", "ATP-1", "--qty", "1000", "--json"], as: "clerk").json as? [String: Any])
        #expect(json["date"] is NSNull)
        #expect(json["atMost"] as? Int == 400)

        let reached = try demo.run(["atp", "ATP-1", "--qty", "350"], as: "clerk")
        #expect(reached.stdout.hasPrefix("ATP-1: 350 by \(today.adding(days: 10)) at MAIN, after PO-9001 due\n"), "\(reached.stdout)")
    }

    @Test func givenOneLocationThenOnlyItCountsAndSalesMayNotAskAboutQuarantine() throws {
        let (demo, today) = try store()
        let quarantine = try demo.run(["atp", "ATP-1", "--qty", "20", "--at", "QUAR", "--json"], as: "clerk")
        #expect((quarantine.json as? [String: Any])?["date"] as? String == today.description, "\(quarantine.stderr)")
        let refused = try demo.run(["atp", "ATP-1", "--qty", "20", "--at", "QUAR"], as: "sales")
        #expect(refused.status == 66)
        #expect(refused.stderr == "backoffice: no location \"QUAR\"\n")
        let main = try demo.run(["atp", "ATP-1", "--qty", "61", "--at", "MAIN", "--json"], as: "sales")
        #expect((main.json as? [String: Any])?["date"] as? String == today.adding(days: 3).description)
        for (arguments, status) in [(["atp", "ATP-1", "--qty", "0"], Int32(64)), (["atp", "NOPE", "--qty", "1"], 66),
                                    (["atp", "ATP-1"], 64), (["atp", "ATP-1", "--qty", "1", "--at", "NOWHERE"], 66)] {
            #expect(try demo.run(arguments, as: "sales").status == status, "\(arguments)")
        }
    }
}
