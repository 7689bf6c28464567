import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// Import, export and restore through the built binary, on real files.
@Suite("Data in and out", .serialized)
struct DataTests {
    func write(_ text: String, to name: String, in demo: DemoStore, bytes prefix: [UInt8] = []) throws -> String {
        let path = demo.folder.path(name)
        try Data(prefix + Array(text.utf8)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The whole catalogue as CSV, to compare before and after.
    func snapshot(_ demo: DemoStore, _ kind: String = "items") throws -> String {
        try demo.run(["export", kind], as: "admin").stdout
    }

    @Test func givenGoodFilesOfEveryKindWhenImportedThenTheyLandAndASecondImportChangesNothing() throws {
        let demo = try DemoStore()
        let items = try write("SKU;Name;Unit;Category;Reorder Point;Cost;Active\r\n"
                              + "NEW-1;\"Bolt; zinc, M8\";EA;Fasteners/Bolts;5;1.50;yes\r\n"
                              + "NEW-2;\"Two-line\nname with \"\"quotes\"\"\";BOX;Fasteners;;;no\r\n"
                              + "NEW-3;Écrou à créneau 螺母;EA;Fasteners;0;0.10;\r\n",
                              to: "items.csv", in: demo, bytes: [0xEF, 0xBB, 0xBF])
        let first = try demo.run(["import", "items", items, "--delimiter", ";"], as: "admin")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("3 rows, 3 added, 0 changed, 0 unchanged"))
        let again = try demo.run(["import", "items", items, "--delimiter", ";"], as: "admin")
        #expect(again.stdout.contains("3 rows, 0 added, 0 changed, 3 unchanged"))
        let shown = try demo.run(["items", "show", "NEW-2", "--json"], as: "admin")
        #expect(shown.stdout.contains("Two-line name with \\\"quotes\\\""))
        #expect(try demo.run(["items", "show", "NEW-3", "--json"], as: "admin").stdout.contains("Écrou à créneau 螺母"))

        let locations = try write("code,name,sellable\nBACK,Back room,no\n", to: "locations.csv", in: demo)
        #expect(try demo.run(["import", "locations", locations], as: "admin").status == 0)
        let accounts = try write("code,name,manager,backup_manager,price_list\nNEWCO,New Co,manager,dana,LIST\n", to: "accounts.csv", in: demo)
        let imported = try demo.run(["import", "accounts", accounts], as: "admin")
        #expect(imported.status == 0, "\(imported.stderr)")
        let prices = try write("price_list,sku,price,currency\nLIST,NEW-1,2.25,USD\n", to: "prices.csv", in: demo)
        #expect(try demo.run(["import", "prices", prices], as: "admin").status == 0)
        #expect(try demo.run(["price", "NEW-1", "--account", "NEWCO", "--json"], as: "admin").stdout.contains("\"2.25\""))
        let contracts = try write("account,sku,price,min_quantity,valid_from,valid_to\nNEWCO,NEW-1,1.95,10,,\n", to: "contracts.csv", in: demo)
        let contracted = try demo.run(["import", "contracts", contracts], as: "admin")
        #expect(contracted.stdout.contains("1 rows, 1 added"), "\(contracted.stderr)")
        #expect(try demo.run(["price", "NEW-1", "--account", "NEWCO", "--qty", "12", "--json"], as: "admin").stdout.contains("\"1.95\""))
        let badDates = try write("account,sku,price,valid_from,valid_to\nNEWCO,NEW-1,1,2026-02-30,\nNEWCO,NEW-1,1,2026-12-10,2026-12-01\n",
                                 to: "dates.csv", in: demo)
        let refused = try demo.run(["import", "contracts", badDates], as: "admin")
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("dates.csv:2: column valid_from: no such day (2026-02-30)"), "\(refused.stderr)")
        #expect(refused.stderr.contains("dates.csv:3: column valid_to: is before valid_from (2026-12-01)"))

        let stock = try write("sku,location,quantity\nNEW-1,MAIN,40\nNEW-1,BACK,5\n", to: "opening.csv", in: demo)
        #expect(try demo.run(["import", "stock", stock], as: "admin").status == 0)
        let counts = try write("sku,location,counted\nNEW-1,MAIN,38\n", to: "count-1.csv", in: demo)
        #expect(try demo.run(["import", "counts", counts], as: "admin").status == 0)
        let twice = try demo.run(["import", "stock", stock], as: "admin")
        #expect(twice.stdout.contains("0 added, 0 changed, 2 unchanged"))
        let answer = try demo.run(["stock", "NEW-1", "--json"], as: "admin")
        #expect(answer.stdout.contains("\"onHand\" : 38"))
        let movements = try demo.run(["export", "movements"], as: "admin").stdout
        #expect(movements.contains(",receipt,NEW-1,MAIN,,40,,,opening.csv,admin,cli"))
        #expect(movements.contains(",count,NEW-1,MAIN,,-2,38,,count-1.csv,admin,cli"))
        #expect(try demo.run(["verify"], as: "admin").status == 0)
    }

    @Test func givenAnItemsFileWithUoMAndListPriceWhenImportedThenTheUnitAndDefaultListPriceLandAndChangesAreListed() throws {
        let demo = try DemoStore()
        let file = try write("sku,name,UoM,list_price\nVOC-1,Vocabulary bolt,BOX,12.50\nVOC-2,Unpriced bolt,EA,\n", to: "items.csv", in: demo)
        let first = try demo.run(["import", "items", file], as: "admin")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("2 rows, 2 added, 0 changed, 0 unchanged"), "\(first.stdout)")
        #expect(try demo.run(["items", "show", "VOC-1", "--json"], as: "admin").stdout.contains("\"unit\" : \"BOX\""))
        #expect(try demo.run(["export", "prices"], as: "admin").stdout.contains("LIST,VOC-1,12.50,USD"))
        #expect(!(try demo.run(["export", "prices"], as: "admin").stdout.contains("VOC-2")))

        let again = try demo.run(["import", "items", file], as: "admin")
        #expect(again.stdout.contains("2 rows, 0 added, 0 changed, 2 unchanged"), "\(again.stdout)")
        let repriced = try write("sku,name,unit,list price\nVOC-1,Vocabulary bolt,BOX,13.00\nVOC-2,Unpriced bolt,EA,4\n",
                                 to: "repriced.csv", in: demo)
        let changed = try demo.run(["import", "items", repriced], as: "admin")
        #expect(changed.stdout.contains("2 rows, 0 added, 2 changed, 0 unchanged"), "\(changed.stdout)")
        #expect(changed.stdout.contains("VOC-1: list_price 12.50 → 13.00"), "\(changed.stdout)")
        #expect(changed.stdout.contains("VOC-2: list_price (none) → 4.00"), "\(changed.stdout)")
        let prices = try demo.run(["export", "prices"], as: "admin").stdout
        #expect(prices.contains("LIST,VOC-1,13.00,USD") && prices.contains("LIST,VOC-2,4.00,USD"), "\(prices)")

        // A bad price is refused with its line and column, and nothing of the file is written.
        let bad = try write("sku,name,list_price\nVOC-3,Third bolt,1.00\nVOC-1,Vocabulary bolt,lots\n", to: "bad.csv", in: demo)
        let refused = try demo.run(["import", "items", bad], as: "admin")
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("bad.csv:3: column list_price:"), "\(refused.stderr)")
        #expect(try demo.run(["items", "show", "VOC-3"], as: "admin").status == 66)
        // Both amounts of a row are checked in their currencies, and each problem is said once, with its column.
        let amounts = try write("sku,name,cost,list_price\nVOC-5,Fifth,1.005,12.345\n", to: "amounts.csv", in: demo)
        let both = try demo.run(["import", "items", amounts], as: "admin")
        #expect(both.stderr.contains("amounts.csv:2: column cost: USD has 2 decimal places (1.005)"), "\(both.stderr)")
        #expect(both.stderr.contains("amounts.csv:2: column list_price: USD has 2 decimal places (12.345)"), "\(both.stderr)")
        // Setting list prices takes the permission `items edit --list-price` takes.
        let clerk = try demo.run(["import", "items", repriced], as: "clerk")
        #expect(clerk.status == 77, "\(clerk.stdout)\(clerk.stderr)")
        // Both names of one column in one header: refused, naming the first.
        let twoNames = try write("sku,name,unit,uom\nVOC-4,Fourth,EA,EA\n", to: "both.csv", in: demo)
        #expect(try demo.run(["import", "items", twoNames], as: "admin").stderr.contains("both.csv:1: column uom: names the same column as unit"))
    }

    @Test(arguments: [
        ("sku,name,colour\nX-1,Thing,red\n", "bad.csv:1: column colour: unknown column"),
        ("sku,name\nX-1,Thing\nX-1,Other\n", "bad.csv:3: column sku: duplicate key, also on line 2 (X-1)"),
        ("sku,name,reorder_point\nX-1,Thing,-4\n", "bad.csv:2: column reorder_point: must not be negative (-4)"),
        ("sku,name,cost\nX-1,Thing,1,5\n", "bad.csv:2: more fields than the header has columns"),
        ("sku,name,cost\nX-1,Thing,12.x\n", "bad.csv:2: column cost:"),
        ("sku,name\nX-1,Thing\nX-2,\"Never closed\n", "bad.csv:3: a quoted field is not closed before the end of the file"),
        ("sku,name\nX-1,\"Thing\"x\n", "bad.csv:2: text after a closing quote"),
        ("", "bad.csv:1: the file is empty"),
    ])
    func givenABadItemsFileWhenImportedThenTheLineIsNamedAndNothingIsWritten(text: String, expected: String) throws {
        let demo = try DemoStore()
        let before = try snapshot(demo)
        let path = try write(text, to: "bad.csv", in: demo)
        for dryRun in [true, false] {
            let result = try demo.run(["import", "items", path] + (dryRun ? ["--dry-run"] : []), as: "admin")
            #expect(result.status == 65, "\(result.stdout)")
            #expect(result.stderr.contains(demo.folder.path(expected)), "\(result.stderr)")
        }
        #expect(try snapshot(demo) == before)
    }

    @Test func givenABadStockFileWhenImportedThenEveryProblemIsListedAndNoMovementIsPosted() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let before = try snapshot(demo, "movements")
        let path = try write("sku,location,quantity\n\(sku),MAIN,10\nNOPE-9,MAIN,1\n\(sku),MAIN,-3\n\(sku),NOWHERE,2\n\(sku),EAST,ten\n",
                             to: "opening.csv", in: demo)
        let result = try demo.run(["import", "stock", path], as: "admin")
        #expect(result.status == 65)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first?.contains("4 problems") == true, "\(result.stderr)")
        #expect(lines.contains { $0.contains("opening.csv:3:") && $0.contains("NOPE-9") })
        #expect(lines.contains { $0.contains("opening.csv:4: column quantity: must not be negative (-3)") })
        #expect(lines.contains { $0.contains("opening.csv:5:") && $0.contains("NOWHERE") })
        #expect(lines.contains { $0.contains("opening.csv:6: column quantity: is not a whole number (ten)") })
        #expect(try snapshot(demo, "movements") == before)
    }

    @Test func givenABinaryFileWhenImportedThenItIsRefused() throws {
        let demo = try DemoStore()
        let path = demo.folder.path("binary.csv")
        try Data(contentsOf: backofficeBinary).prefix(4096).write(to: URL(fileURLWithPath: path))
        let result = try demo.run(["import", "items", path], as: "admin")
        #expect(result.status == 65)
        #expect(result.stderr.contains("binary file") || result.stderr.contains("unknown column"), "\(result.stderr)")
    }

    @Test func givenCellsThatLookLikeFormulasWhenExportedThenTheyAreDefangedAndNumbersAreNot() throws {
        let demo = try DemoStore()
        let added = try demo.run(["items", "add", "FORMULA-1", "--name", "=HYPERLINK(\"http://x\",\"y\")", "--category", "@SUM"], as: "admin")
        #expect(added.status == 0, "\(added.stderr)")
        let csv = try demo.run(["export", "items"], as: "admin").stdout
        let line = try #require(csv.split(separator: "\r\n").first { $0.hasPrefix("FORMULA-1,") })
        #expect(line.contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""), "\(line)")
        #expect(line.contains(",'@SUM,"), "\(line)")
        for line in csv.split(separator: "\r\n") {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            for cell in cells {
                let text = cell.hasPrefix("\"") ? cell.dropFirst() : cell
                #expect(!(text.first.map { "=+-@\t\r".contains($0) } ?? false), "a live formula in: \(line)")
            }
        }
        // A negative quantity the export wrote itself stays a number.
        let movements = try demo.run(["export", "movements"], as: "admin").stdout
        #expect(movements.range(of: #",adjustment,[^,]+,[^,]+,,-\d"#, options: .regularExpression) != nil)
        #expect(!movements.contains(",'-"))
    }

    @Test func givenAnExportWhenImportedBackThenItemsPricesAndAccountsAreUnchanged() throws {
        let demo = try DemoStore()
        for kind in ["items", "prices", "accounts"] {
            let file = demo.folder.path("\(kind).csv")
            let exported = try demo.run(["export", kind, "-o", file], as: "admin")
            #expect(exported.status == 0, "\(exported.stderr)")
            let imported = try demo.run(["import", kind, file], as: "admin")
            #expect(imported.status == 0, "\(kind): \(imported.stderr)")
            #expect(imported.stdout.contains(" 0 added, 0 changed,"), "\(kind): \(imported.stdout)")
        }
        // Into a new, empty store: the items come back byte for byte.
        let other = TemporaryFolder()
        let store = other.path("new.sqlite")
        #expect(try runBackoffice(["init", "--db", store], in: other).status == 0)
        let file = demo.folder.path("items.csv")
        let imported = try runBackoffice(["import", "items", file, "--db", store, "--user", "admin"], in: other)
        #expect(imported.status == 0, "\(imported.stderr)")
        let again = try runBackoffice(["export", "items", "--db", store, "--user", "admin"], in: other)
        #expect(again.stdout == (try String(contentsOfFile: file, encoding: .utf8)))
    }

    @Test func givenJSONExportWhenAskedThenEachRowIsAnObjectWithNumbersAsNumbers() throws {
        let demo = try DemoStore()
        let result = try demo.run(["export", "stock", "--format", "json"], as: "admin")
        let rows = try #require(result.json as? [[String: Any]])
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0["on_hand"] is Int && $0["sku"] is String })
    }

    @Test(.enabled(if: tmuxPath != nil, "tmux is not installed"))
    func givenATerminalWhenALargeFileIsImportedThenAProgressBarShowsAndAPipeGetsNone() throws {
        let demo = try DemoStore()
        // Not a whole number of the reader's batches: the line after the last row still shows.
        let rows = (1...40_001).map { "PRG-\($0),\"Progress item \($0), boxed\",EA,Tools" }
        let path = try write("sku,name,unit,category\n" + rows.joined(separator: "\n") + "\n", to: "big.csv", in: demo)
        let tmux = Tmux(path: tmuxPath!)
        defer { tmux.killServer() }
        try tmux.run(["new-session", "-d", "-s", "progress", "-x", "80", "-y", "24",
                      "env -i PATH=/usr/bin:/bin TERM=tmux-256color LANG=C.UTF-8 PS1='READY$ ' /bin/sh -i"])
        _ = try tmux.waitForScreen(target: "progress") { $0.contains { $0.contains("READY$") } }
        try tmux.run(["send-keys", "-t", "progress", "-l",
                      "clear; \(backofficeBinary.path) --db \(demo.path) --user admin import items \(path)"])
        try tmux.run(["send-keys", "-t", "progress", "Enter"])
        var bars: [String] = []
        let final = try tmux.waitForScreen(target: "progress", seconds: 120) { lines in
            bars += lines.filter { $0.hasPrefix("importing items [") }
            return lines.contains { $0.hasPrefix("imported ") } && lines.last?.contains("READY$") == true
        }
        let bar = try #require(bars.first, "no progress bar in \(final)")
        #expect(bar.contains("%") && bar.contains(" rows") && bar.contains("]"), "\(bar)")
        #expect(bars.allSatisfy { $0.count < 80 }, "the bar fits the terminal: \(bars)")
        #expect(final.contains("importing items: 40,001 rows read; finishing the transaction…"), "\(final)")
        // The summary names the file by the path it was given, so the terminal wraps it.
        #expect(final.joined().contains("big.csv: 40,001 rows, 40,001 added, 0 changed, 0 unchanged in "), "\(final)")

        // A refusal starts a line of its own, not the end of the bar's.
        let bad = try write("sku,name,unit,category\n" + rows.joined(separator: "\n") + "\nPRG-X,,EA,Tools\n", to: "bad.csv", in: demo)
        try tmux.run(["send-keys", "-t", "progress", "-l", "clear; \(backofficeBinary.path) --db \(demo.path) --user admin import items \(bad)"])
        try tmux.run(["send-keys", "-t", "progress", "Enter"])
        let refused = try tmux.waitForScreen(target: "progress", seconds: 120) { lines in
            // The problem names the file by its path, so the terminal wraps it.
            lines.joined().contains("bad.csv:40003: column name: must not be empty") && lines.last?.contains("READY$") == true
        }
        #expect(refused.contains { $0.hasPrefix("backoffice: 1 problem in ") }, "\(refused)")
        #expect(refused.joined().contains("bad.csv:40003: column name: must not be empty"), "\(refused)")

        // Through a pipe: the summary alone, no progress.
        let again = try demo.run(["import", "items", path], as: "admin")
        #expect(again.status == 0)
        #expect(!again.stderr.contains("importing") && !again.stdout.contains("importing"), "\(again.stderr)")
        #expect(again.stdout.contains("40,001 rows, 0 added, 0 changed, 40,001 unchanged"))
    }
}
