import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// A demo store of a few hundred items, built once per test with the real binary.
struct DemoStore {
    let folder = TemporaryFolder()
    var path: String { folder.path("demo.sqlite") }

    init() throws {
        let result = try runBackoffice(["init", "--db", folder.path("demo.sqlite"), "--demo", "--items", "300"], in: folder)
        precondition(result.status == 0, "could not build the demo store: \(result.stderr)")
    }

    func run(_ arguments: [String], as user: String = "clerk") throws -> CommandResult {
        try runBackoffice(arguments + ["--db", path, "--user", user], in: folder)
    }

    /// The first SKU in the catalogue.
    func firstSKU() throws -> String {
        let listed = try run(["items", "list", "--limit", "1", "--json"])
        let items = try #require(listed.json as? [[String: Any]])
        return try #require(items.first?["sku"] as? String)
    }
}

@Suite("The backoffice command", .serialized)
struct CLITests {
    @Test func givenVersionThenItNamesTheReleaseCommitDateAndSQLiteAndAnUnreachableServerIsSaidNotFailed() throws {
        let folder = TemporaryFolder()
        let plain = try runBackoffice(["--version"], in: folder)
        #expect(plain.status == 0, "\(plain.stderr)")
        let line = #/^backoffice \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(\+changes)?|unknown), (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ|unknown)\), SQLite 3\.\d+\.\d+\n$/#
        #expect(plain.stdout.wholeMatch(of: line) != nil, "\(plain.stdout)")
        // Nothing is opened for it: a SQLite path that is not there is no error.
        #expect(try runBackoffice(["--db", folder.path("none.sqlite"), "--version"], in: folder).stdout == plain.stdout)
        #expect(!FileManager.default.fileExists(atPath: folder.path("none.sqlite")))

        let away = try runBackoffice(["--db", "postgres://nobody@127.0.0.1:1/store", "--version"], in: folder)
        #expect(away.status == 0, "\(away.stderr)")
        #expect(away.stdout.hasPrefix(plain.stdout))
        #expect(away.stdout.contains("store postgres://nobody@127.0.0.1:1/store: not reached ("), "\(away.stdout)")

        let demo = try DemoStore()
        let doctor = try demo.run(["doctor"], as: "admin")
        #expect(doctor.stdout.hasPrefix("backoffice      "), "\(doctor.stdout)")
        #expect(doctor.stdout.split(separator: "\n").first.map { plain.stdout.hasPrefix("backoffice " + $0.dropFirst(16)) } == true)
    }

    @Test func stockAsJSONHasTheDocumentedShape() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let result = try demo.run(["stock", sku, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(result.json as? [String: Any])
        #expect(json["sku"] as? String == sku)
        #expect(json["name"] is String)
        let locations = try #require(json["locations"] as? [[String: Any]])
        #expect(!locations.isEmpty)
        for line in locations {
            for key in ["location", "onHand", "reserved", "available", "incoming"] { #expect(line[key] != nil, "missing \(key)") }
            #expect((line["available"] as? Int) == (line["onHand"] as? Int ?? 0) - (line["reserved"] as? Int ?? 0))
        }
        let totals = try #require(json["totals"] as? [String: Int])
        #expect(totals["onHand"] == locations.reduce(0) { $0 + ($1["onHand"] as? Int ?? 0) })
    }

    @Test func globalOptionsWorkBeforeTheSubcommandToo() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let before = try runBackoffice(["--db", demo.path, "--user", "sales", "stock", sku, "--json"], in: demo.folder)
        let after = try demo.run(["stock", sku, "--json"], as: "sales")
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout == after.stdout)
    }

    @Test func theEnvironmentNamesTheStoreAndTheUser() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let result = try runBackoffice(["stock", sku], environment: ["BACKOFFICE_DB": demo.path, "BACKOFFICE_USER": "clerk"], in: demo.folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(sku))
    }

    @Test func aPriceAnswerCarriesItsExplanationAndCostOnlyForThoseWhoMaySeeIt() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let clerk = try #require(try demo.run(["price", sku, "--account", "ACME", "--qty", "50", "--json"]).json as? [String: Any])
        for key in ["sku", "account", "quantity", "currency", "unitPrice", "extendedPrice", "rule", "considered", "tiers", "cost", "margin"] {
            #expect(clerk[key] != nil, "clerk's quote lacks \(key)")
        }
        #expect(clerk["unitPrice"] is String)
        let unit = try #require(Decimal(string: clerk["unitPrice"] as? String ?? ""))
        #expect(Decimal(string: clerk["extendedPrice"] as? String ?? "") == unit * 50)
        let sales = try demo.run(["price", sku, "--account", "ACME", "--qty", "50", "--json"], as: "sales")
        #expect(sales.status == 0)
        let salesJSON = try #require(sales.json as? [String: Any])
        #expect(salesJSON["cost"] == nil && salesJSON["margin"] == nil)
        #expect(salesJSON["unitPrice"] as? String == clerk["unitPrice"] as? String)
        #expect(!sales.stdout.contains("margin"))
    }

    @Test func aReceiptPrintsTheNewBalance() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let before = try #require(try demo.run(["stock", sku, "--json"]).json as? [String: Any])
        let onHand = (before["totals"] as? [String: Int])?["onHand"] ?? -1
        let result = try demo.run(["move", "receipt", sku, "7", "--to", "MAIN", "--ref", "PO-TEST", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let posted = try #require(result.json as? [String: Any])
        #expect((posted["stock"] as? [String: Any]).flatMap { ($0["totals"] as? [String: Int])?["onHand"] } == onHand + 7)
    }

    @Test func aNegativeAdjustmentIsWrittenAsASignedArgument() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        _ = try demo.run(["move", "receipt", sku, "10", "--to", "SHOP"])
        let result = try demo.run(["move", "adjust", sku, "-3", "--at", "SHOP", "--reason", "damage"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("posted adjustment"))
    }

    @Test func aSalespersonCannotPostAMovement() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let result = try demo.run(["move", "receipt", sku, "5", "--to", "MAIN"], as: "sales")
        #expect(result.status == 77)
        #expect(result.stderr == "backoffice: permission denied: sales (sales) may not post stock movements\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func insufficientStockIsAConflictThatSaysByHowMuch() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let stock = try #require(try demo.run(["stock", sku, "--json"]).json as? [String: Any])
        let main = (stock["locations"] as? [[String: Any]])?.first { $0["location"] as? String == "MAIN" }
        let available = main?["available"] as? Int ?? 0
        let result = try demo.run(["move", "issue", sku, String(available + 5), "--from", "MAIN"])
        #expect(result.status == 79)
        #expect(result.stderr.contains("short by 5"))
    }

    @Test(arguments: [
        (["stock", "NO-SUCH-SKU-XYZ"], Int32(66), "no item matches"),
        (["price", "NOPE", "--account", "ACME"], 66, "no item \"NOPE\""),
        (["price", "%SKU%", "--account", "NOPE"], 66, "no account \"NOPE\""),
        (["price", "%SKU%", "--account", "ACME", "--on", "2026-02-30"], 65, "on: no such day"),
        (["price", "%SKU%", "--account", "ACME", "--qty", "0"], 64, "--qty"),
        (["move", "receipt", "%SKU%", "five", "--to", "MAIN"], 64, "five"),
        (["move", "receipt", "%SKU%", "5", "--to", "NOWHERE"], 66, "no location \"NOWHERE\""),
        (["move", "adjust", "%SKU%", "2", "--at", "MAIN", "--reason", "whim"], 65, "unknown reason code"),
        (["move", "transfer", "%SKU%", "1", "--from", "MAIN", "--to", "main"], 65, "from and to are both"),
        (["items", "add", "%SKU%", "--name", "Again"], 73, "already exists"),
        (["items", "add", "NEW-1", "--name", "New", "--cost", "1.234"], 65, "cost: USD has 2 decimal places"),
        (["hold", "add", "%SKU%", "1", "--at", "MAIN", "--account", "ACME", "--expires", "yesterday"], 65, "expires"),
        (["request", "list", "--view", "everything"], 65, "view"),
        (["frobnicate"], 64, "Unexpected argument"),
    ])
    func badInputGetsOneClearLineAndItsOwnExitCode(arguments: [String], status: Int32, message: String) throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let result = try demo.run(arguments.map { $0 == "%SKU%" ? sku : $0 })
        #expect(result.status == status, "\(arguments): \(result.stderr)")
        #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack"))
    }

    @Test func anUnknownUserIsRefusedByName() throws {
        let demo = try DemoStore()
        let result = try demo.run(["stock", "x"], as: "mallory")
        #expect(result.status == 67)
        #expect(result.stderr.contains("unknown user \"mallory\""))
    }

    @Test func aMissingStoreIsNotCreatedByAQuestion() throws {
        let folder = TemporaryFolder()
        let path = folder.path("nothing.sqlite")
        let result = try runBackoffice(["stock", "X", "--db", path, "--user", "admin"], in: folder)
        #expect(result.status == 66)
        #expect(result.stderr.contains("no store at"))
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func initRefusesToOverwriteAStore() throws {
        let demo = try DemoStore()
        let size = try FileManager.default.attributesOfItem(atPath: demo.path)[.size] as? Int
        let result = try runBackoffice(["init", "--db", demo.path], in: demo.folder)
        #expect(result.status == 73)
        #expect(try FileManager.default.attributesOfItem(atPath: demo.path)[.size] as? Int == size)
    }

    @Test func everySubcommandHasHelp() throws {
        let folder = TemporaryFolder()
        for command in [["stock"], ["search"], ["price"], ["move", "receipt"], ["move", "adjust"], ["items", "add"], ["hold", "add"],
                        ["request", "new"], ["verify"], ["backup"], ["doctor"], ["bench"], ["demo"], ["init"]] {
            let result = try runBackoffice(command + ["--help"], in: folder)
            #expect(result.status == 0, "\(command)")
            #expect(result.stdout.contains("USAGE: backoffice \(command.joined(separator: " "))"), "\(command)")
        }
    }

    @Test func searchFindsByPrefixAndHonoursTheLimit() throws {
        let demo = try DemoStore()
        let result = try demo.run(["search", "fas", "--limit", "3", "--json"])
        let items = try #require(result.json as? [[String: Any]])
        #expect(items.count == 3)
        #expect(items.allSatisfy { ($0["sku"] as? String)?.hasPrefix("FAS-") == true || ($0["category"] as? String)?.hasPrefix("Fasteners") == true })
        #expect(items.allSatisfy { $0["cost"] != nil })
        let salesItems = try #require(try demo.run(["search", "fas", "--limit", "3", "--json"], as: "sales").json as? [[String: Any]])
        #expect(salesItems.allSatisfy { $0["cost"] == nil })
    }

    @Test func theQueueRoundTripsFromSalesToManagerAndBack() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let filed = try demo.run(["request", "new", "--account", "ACME", "--kind", "stock", "--sku", sku, "--qty", "10",
                                  "--priority", "urgent", "Can we ship 10 today?", "--json"], as: "alice")
        #expect(filed.status == 0, "\(filed.stderr)")
        let request = try #require(filed.json as? [String: Any])
        let id = try #require(request["id"] as? Int)
        #expect(request["assignee"] as? String == "manager")
        #expect(try demo.run(["request", "claim", String(id)], as: "manager").status == 0)
        let answered = try demo.run(["request", "answer", String(id), "Yes, 10 ship today from MAIN."], as: "manager")
        #expect(answered.stdout.contains("is answered"))
        let shown = try demo.run(["request", "show", String(id)], as: "alice")
        #expect(shown.stdout.contains("stock then: "))
        #expect(shown.stdout.contains("price then: "))
        #expect(try demo.run(["request", "show", String(id)], as: "bob").status == 66)
    }

    @Test func verifyPassesOnTheDemoStoreAndBackupMakesAVerifiedCopy() throws {
        let demo = try DemoStore()
        let verify = try demo.run(["verify"], as: "admin")
        #expect(verify.status == 0, "\(verify.stdout)")
        #expect(verify.stdout.hasSuffix("OK\n"))
        let copy = demo.folder.path("copy.sqlite")
        #expect(try demo.run(["backup", copy], as: "admin").status == 0)
        #expect(try runBackoffice(["verify", "--db", copy, "--user", "admin"], in: demo.folder).status == 0)
        #expect(try demo.run(["verify"], as: "clerk").status == 77)
    }

    @Test func doctorReportsTheSQLiteVersionAndPragmas() throws {
        let demo = try DemoStore()
        let json = try #require(try demo.run(["doctor", "--json"], as: "admin").json as? [String: Any])
        let version = try #require(json["sqliteVersion"] as? String).split(separator: ".").compactMap { Int($0) }
        #expect(version.lexicographicallyPrecedes([3, 51, 3]) == false)
        let pragmas = try #require(json["pragmas"] as? [String: String])
        #expect(pragmas["synchronous"] == "2")
        #expect(pragmas["journal_mode"]?.contains("wal") == true)
        #expect((json["counts"] as? [String: Int])?["items"] == 300)
    }

    @Test func theDemoCommandBuildsTheDemoStoreInTheDataDirectory() throws {
        let folder = TemporaryFolder()
        let result = try runBackoffice(["demo", "--items", "200"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path("xdg") + "/backoffice/demo.sqlite"))
        #expect(result.stdout.contains("acting as clerk"))
        #expect(result.stdout.contains("unit price"))
    }

    @Test func namesWithControlCharactersAreShownHarmlessly() throws {
        let demo = try DemoStore()
        let hostile = "Evil\u{1b}]52;c;aGk=\u{7}Name\u{202e}"
        let add = try demo.run(["items", "add", "EVIL-1", "--name", hostile], as: "admin")
        #expect(add.status == 65, "control characters in a name are refused: \(add.stderr)")
        #expect(!add.stderr.contains("\u{1b}"))
    }

    @Test func benchRefusesAStoreItDidNotBuild() throws {
        let demo = try DemoStore()
        let before = try #require(try demo.run(["doctor", "--json"], as: "admin").json as? [String: Any])
        let result = try demo.run(["bench", "--samples", "10", "--process-runs", "1"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("only runs on a store it built"))
        let after = try #require(try demo.run(["doctor", "--json"], as: "admin").json as? [String: Any])
        #expect((after["counts"] as? [String: Int])?["movements"] == (before["counts"] as? [String: Int])?["movements"])
    }

    @Test func benchPrintsEveryFigureOnASmallStoreOfItsOwn() throws {
        let folder = TemporaryFolder()
        let result = try runBackoffice(["bench", "--items", "300", "--samples", "20", "--process-runs", "2", "--db", folder.path("b.sqlite")], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        for figure in ["search", "stock answer", "price quote", "post movement", "store size", "peak memory of this process",
                       "one-shot `backoffice stock` process", "peak memory of one `backoffice stock` process"] {
            #expect(result.stdout.contains(figure), "missing \(figure)")
        }
        #expect(result.stdout.contains("p50") && result.stdout.contains("p99"))
    }

    @Test func benchDataImportsAndExportsEveryFileAndTheStoreVerifies() throws {
        let folder = TemporaryFolder()
        let result = try runBackoffice(["bench", "--data", "--items", "500"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        for step in ["import items ", "import items again", "import stock --dry-run", "import stock (receipts)", "import stock again",
                     "import counts", "export items", "export stock", "export movements"] {
            let line = result.stdout.split(separator: "\n").first { $0.hasPrefix(step) }
            #expect(line?.contains("rows/s") == true && line?.contains("peak") == true, "missing \(step): \(result.stdout)")
        }
        #expect(result.stdout.contains("export movements                           1000 rows"))
        #expect(result.stdout.contains("verify (every balance"))
    }
}
