import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// What each role may do, asked of the real binary: the store decides, whatever the command.
@Suite("Permissions at the command line", .serialized)
struct PermissionCLITests {
    private func unitPrice(_ demo: DemoStore, _ sku: String) throws -> String? {
        let quote = try demo.run(["price", sku, "--account", "ACME", "--qty", "1", "--json"], as: "sales")
        return (quote.json as? [String: Any])?["unitPrice"] as? String
    }

    @Test func givenACostPlusPriceWhenAClerkSetsTheCostThenItIsRefusedAndTheQuoteStaysWhileAManagerMay() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let rule = try demo.run(["prices", "add-rule", "--account", "ACME", "--item", sku, "--markup", "50"], as: "admin")
        #expect(rule.status == 0, "\(rule.stderr)")
        let before = try #require(try unitPrice(demo, sku))

        let clerk = try demo.run(["items", "edit", sku, "--cost", "0.01"], as: "clerk")

        #expect(clerk.status == 77, "\(clerk.stderr)")
        #expect(clerk.stderr.contains("may not change prices"))
        #expect(clerk.stderr.split(separator: "\n").count == 1)
        #expect(try unitPrice(demo, sku) == before)

        let manager = try demo.run(["items", "edit", sku, "--cost", "2.00"], as: "manager")
        #expect(manager.status == 0, "\(manager.stderr)")
        #expect(try unitPrice(demo, sku) == "3.00")
        #expect(try demo.run(["items", "edit", sku, "--cost", "4.00"], as: "admin").status == 0)
        #expect(try unitPrice(demo, sku) == "6.00")
    }

    @Test func givenAClerkWhenAddingAnItemWithACostThenItIsRefused() throws {
        let demo = try DemoStore()
        let refused = try demo.run(["items", "add", "NEW-COST", "--name", "New", "--cost", "1.00"], as: "clerk")
        #expect(refused.status == 77, "\(refused.stderr)")
        #expect(try demo.run(["items", "show", "NEW-COST"], as: "admin").status == 66)
        #expect(try demo.run(["items", "add", "NEW-COST", "--name", "New"], as: "clerk").status == 0)
    }

    @Test func givenACountInQuarantineWhenSalesShowsItThenItIsRefusedAndTheClerkSeesIt() throws {
        let demo = try DemoStore()
        let started = try demo.run(["count", "start", "--location", "QUAR"], as: "clerk")
        #expect(started.status == 0, "\(started.stderr)")
        let id = try #require(started.stdout.split(separator: " ").dropFirst().first.map(String.init))

        let sales = try demo.run(["count", "show", id], as: "sales")

        #expect(sales.status == 77, "\(sales.stdout)")
        #expect(sales.stderr.contains("not sellable"))
        #expect(try demo.run(["count", "show", id], as: "clerk").status == 0)
    }

    @Test func givenAReceiptDueIntoQuarantineWhenSalesListsIncomingThenItIsNotThere() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let due = Day(Date()).adding(days: 5).description
        let added = try demo.run(["incoming", "add", sku, "7", "--to", "QUAR", "--due", due, "--ref", "RMA-77"], as: "clerk")
        #expect(added.status == 0, "\(added.stderr)")

        let sales = try demo.run(["incoming", "list", "--sku", sku, "--json"], as: "sales")
        let clerk = try demo.run(["incoming", "list", "--sku", sku, "--json"], as: "clerk")

        let salesRefs = try #require(sales.json as? [[String: Any]]).compactMap { $0["reference"] as? String }
        let clerkRefs = try #require(clerk.json as? [[String: Any]]).compactMap { $0["reference"] as? String }
        #expect(clerkRefs.contains("RMA-77"))
        #expect(!salesRefs.contains("RMA-77"))
        #expect(try #require(sales.json as? [[String: Any]]).allSatisfy { $0["location"] as? String != "QUAR" })
    }

    @Test func givenSalesWhenRunningDoctorThenItIsRefusedAndAnAdminGetsTheDiagnosis() throws {
        let demo = try DemoStore()
        let sales = try demo.run(["doctor"], as: "sales")
        #expect(sales.status == 77)
        #expect(!sales.stdout.contains(demo.path))
        #expect(sales.stderr.contains("permission denied"))
        #expect(try demo.run(["doctor"], as: "clerk").status == 77)
        #expect(try demo.run(["users", "list"], as: "sales").status == 77)
        let admin = try demo.run(["doctor", "--json"], as: "admin")
        #expect(admin.status == 0, "\(admin.stderr)")
        #expect((admin.json as? [String: Any])?["sqliteVersion"] is String)
    }

    @Test func givenACountNearTheLimitWhenAScanAddsPastItThenTheEntryIsRefusedAndThePostWorks() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let started = try demo.run(["count", "start", "--location", "MAIN"], as: "clerk")
        let id = try #require(started.stdout.split(separator: " ").dropFirst().first.map(String.init))
        #expect(try demo.run(["count", "enter", id, sku, String(Ledger.maximumQuantity)], as: "clerk").status == 0)

        let added = try demo.run(["count", "enter", id, sku, "1", "--add"], as: "clerk")

        #expect(added.status == 65, "\(added.stderr)")
        #expect(added.stderr.contains("more than \(Ledger.maximumQuantity)"))
        #expect(try demo.run(["count", "post", id], as: "clerk").status == 0)
    }

    @Test func givenCategoriesWithLikeWildcardsWhenListingOneThenOnlyItIsListed() throws {
        let demo = try DemoStore()
        for (sku, category) in [("CAT-U", "a_b/c"), ("CAT-X", "axb/c"), ("CAT-P", "50%/off"), ("CAT-Q", "500/off")] {
            #expect(try demo.run(["items", "add", sku, "--name", sku, "--category", category], as: "admin").status == 0)
        }
        let underscore = try #require(try demo.run(["items", "list", "--category", "a_b", "--json"]).json as? [[String: Any]])
        let percent = try #require(try demo.run(["items", "list", "--category", "50%", "--json"]).json as? [[String: Any]])
        #expect(underscore.compactMap { $0["sku"] as? String } == ["CAT-U"])
        #expect(percent.compactMap { $0["sku"] as? String } == ["CAT-P"])
    }
}
