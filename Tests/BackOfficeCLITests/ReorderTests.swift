import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// `backoffice reorder` and the levels behind it, through the binary.
@Suite("Reorder suggestions from the command line", .serialized)
struct ReorderCommandTests {
    /// RE-1: point 50, up to 200, in tens; 30 at MAIN, 10 held, 40 in quarantine, 25 on order (PO-77). RE-2: above its point.
    func store() throws -> DemoStore {
        let demo = try DemoStore()
        let tomorrow = Day(Date()).adding(days: 1).description
        for (arguments, user) in [
            (["items", "add", "RE-1", "--name", "Reorder one", "--reorder-point", "50", "--reorder-to", "200", "--order-multiple", "10"], "admin"),
            (["items", "add", "RE-2", "--name", "Reorder two", "--reorder-point", "5"], "admin"),
            (["move", "receipt", "RE-1", "30", "--to", "MAIN"], "clerk"),
            (["move", "receipt", "RE-1", "40", "--to", "QUAR"], "clerk"),
            (["move", "receipt", "RE-2", "9", "--to", "MAIN"], "clerk"),
            (["hold", "add", "RE-1", "10", "--at", "MAIN", "--account", "ACME"], "sales"),
            (["incoming", "add", "RE-1", "25", "--to", "MAIN", "--due", tomorrow, "--ref", "PO-77"], "admin"),
        ] {
            let done = try demo.run(arguments, as: user)
            #expect(done.status == 0, "\(arguments): \(done.stderr)")
        }
        return demo
    }

    @Test func givenAnItemBelowItsPointOnProjectedStockThenTheSuggestionFillsToTheLevelInMultiples() throws {
        let demo = try store()
        let json = try #require(try demo.run(["reorder", "--json"], as: "clerk").json as? [String: Any])
        let items = try #require(json["items"] as? [[String: Any]])
        let line = try #require(items.first { $0["sku"] as? String == "RE-1" })
        // Projected 20 available + 25 on order = 45 < 50: up to 200 is 155, in tens 160. Quarantine does not count.
        #expect(line["available"] as? Int == 20)
        #expect(line["incoming"] as? Int == 25)
        #expect(line["projected"] as? Int == 45)
        #expect(line["suggested"] as? Int == 160)
        #expect(line["nextReference"] as? String == "PO-77")
        #expect(!items.contains { $0["sku"] as? String == "RE-2" })
        #expect(json["totalUnits"] as? Int == items.reduce(0) { $0 + ($1["suggested"] as? Int ?? 0) })

        let quarantine = try #require(try demo.run(["reorder", "--at", "QUAR", "--json"], as: "clerk").json as? [String: Any])
        #expect(((quarantine["items"] as? [[String: Any]]) ?? []).first { $0["sku"] as? String == "RE-1" }?["suggested"] as? Int == 160)

        let folder = demo.folder
        let csv = try demo.run(["reorder", "--format", "csv", "-o", folder.path("order.csv")], as: "clerk")
        #expect(csv.status == 0, "\(csv.stderr)")
        let text = try String(contentsOfFile: folder.path("order.csv"), encoding: .utf8)
        #expect(text.hasPrefix("sku,name,unit,on_hand,available,incoming,projected,reorder_point,reorder_to,order_multiple,suggested,"))
        #expect(text.contains("\r\nRE-1,Reorder one,EA,30,20,25,45,50,200,10,160,"), "\(text)")
        #expect(try demo.run(["reorder", "-o", folder.path("x.csv")], as: "clerk").status == 64)
    }

    @Test func givenLevelsThatCannotWorkThenAddEditAndImportRefuseThemNamingTheField() throws {
        let demo = try store()
        let low = try demo.run(["items", "edit", "RE-1", "--reorder-to", "20"], as: "admin")
        #expect(low.status == 65)
        #expect(low.stderr == "backoffice: reorder-to: is below the reorder point 50 (\"20\")\n", "\(low.stderr)")
        let zero = try demo.run(["items", "add", "RE-3", "--name", "Three", "--order-multiple", "0"], as: "admin")
        #expect(zero.status == 65)
        #expect(zero.stderr.contains("order-multiple"))

        let file = demo.folder.path("items.csv")
        try "sku,name,reorder_point,reorder_to,order_multiple\nRE-2,Reorder two,5,40,6\nRE-4,Four,10,5,1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try demo.run(["import", "items", file], as: "admin")
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("items.csv:3: column reorder_to: is below the reorder point 10 (5)"), "\(refused.stderr)")
        try "sku,name,reorder_to,order_multiple\nRE-2,Reorder two,40,6\n".write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try demo.run(["import", "items", file], as: "admin")
        #expect(imported.status == 0, "\(imported.stderr)")
        let exported = try demo.run(["export", "items"], as: "admin").stdout
        #expect(exported.hasPrefix("sku,name,unit,category,active,cost,reorder_point,reorder_to,order_multiple\r\n"))
        #expect(exported.contains("\r\nRE-2,Reorder two,EA,,yes,,5,40,6\r\n"), "\(exported)")
    }
}
