import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// Imports through the built binary change only what the file says, post a stock or count file once by its content,
/// read back what an export wrote, and refuse a field too large to hold.
@Suite("Imports that change only what the file says", .serialized)
struct ImportTrustTests {
    func write(_ text: String, to name: String, in demo: DemoStore) throws -> String {
        let path = demo.folder.path(name)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func givenALocationsFileWithoutSellableWhenDryRunThenImportedThenQuarantineIsNeverSellable() throws {
        let demo = try DemoStore()
        let stated = try write("code,name,sellable\nQUAR,Quarantine,yes\n", to: "sellable.csv", in: demo)
        let dry = try demo.run(["import", "locations", stated, "--dry-run"], as: "admin")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("\n  QUAR: sellable no → yes\n"), "\(dry.stdout)")

        let partial = try write("code,name\nQUAR,Quarantine\nMAIN,Main warehouse\n", to: "names.csv", in: demo)
        let imported = try demo.run(["import", "locations", partial], as: "admin")
        #expect(imported.stdout.contains("2 rows, 0 added, 0 changed, 2 unchanged"), "\(imported.stdout)")
        let sku = try demo.firstSKU()
        _ = try demo.run(["move", "receipt", sku, "3", "--to", "QUAR"], as: "admin")
        // Sales sees only sellable stock: nothing in quarantine.
        let sales = try demo.run(["stock", sku, "--json"], as: "sales")
        #expect(sales.status == 0, "\(sales.stderr)")
        #expect(!sales.stdout.contains("QUAR"), "\(sales.stdout)")
    }

    @Test func givenJanuaryAndFebruaryCountsOfTheSameNameWhenImportedThenBothPostAndARepeatPostsNothing() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let january = try write("sku,location,counted\n\(sku),MAIN,40\n", to: "jan/counts.csv", in: demo)
        let february = try write("sku,location,counted\n\(sku),MAIN,31\n", to: "feb/counts.csv", in: demo)
        let first = try demo.run(["import", "counts", january], as: "admin")
        #expect(first.stdout.contains("1 rows, 1 added"), "\(first.stdout) \(first.stderr)")
        let second = try demo.run(["import", "counts", february], as: "admin")
        #expect(second.stdout.contains("1 rows, 1 added"), "\(second.stdout) \(second.stderr)")
        #expect(try demo.run(["stock", sku, "--json"], as: "admin").stdout.contains("\"onHand\" : 31"))

        // The same rows again, by another name and written another way (a byte order mark, CRLF, other case,
        // quotes): nothing posted, and the first import is named.
        let copy = try write("\u{FEFF}SKU,Location,Counted\r\n\"\(sku.lowercased())\",main,40\r\n", to: "copy-of-jan.csv", in: demo)
        let before = try demo.run(["export", "movements"], as: "admin").stdout
        let repeated = try demo.run(["import", "counts", copy], as: "admin")
        #expect(repeated.status == 0, "\(repeated.stderr)")
        #expect(repeated.stdout.contains("already imported on "), "\(repeated.stdout)")
        #expect(repeated.stdout.contains(" as counts.csv by admin; nothing posted"), "\(repeated.stdout)")
        #expect(repeated.stdout.contains("1 rows, 0 added, 0 changed, 1 unchanged"), "\(repeated.stdout)")
        #expect(try demo.run(["export", "movements"], as: "admin").stdout == before)
        #expect(try demo.run(["stock", sku, "--json"], as: "admin").stdout.contains("\"onHand\" : 31"))
        #expect(try demo.run(["verify"], as: "admin").status == 0)

        // A recount that came out as January's posts when asked to.
        let recount = try demo.run(["import", "counts", copy, "--again"], as: "admin")
        #expect(recount.stdout.contains("1 rows, 1 added"), "\(recount.stdout) \(recount.stderr)")
        #expect(try demo.run(["stock", sku, "--json"], as: "admin").stdout.contains("\"onHand\" : 40"))
    }

    @Test func givenItemsThatLookLikeFormulasWhenExportedAndImportedBackThenNothingChanges() throws {
        let demo = try DemoStore()
        let items = try write("sku,name,category\n-SKU1,+ Premium,=Tools\nQ-2,''=x,@home\nQ-3,'hello,Tools\n", to: "odd.csv", in: demo)
        let added = try demo.run(["import", "items", items], as: "admin")
        #expect(added.stdout.contains("3 rows, 3 added"), "\(added.stdout) \(added.stderr)")
        // The file is read as an export writes it: one apostrophe before a formula-like value is the export's own.
        let shown = try demo.run(["items", "show", "Q-2", "--json"], as: "admin").stdout
        #expect(shown.contains("\"name\" : \"'=x\""), "\(shown)")

        let file = demo.folder.path("export.csv")
        let exported = try demo.run(["export", "items", "-o", file], as: "admin")
        #expect(exported.status == 0, "\(exported.stderr)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("'-SKU1,'+ Premium,EA,'=Tools,"), "\(text)")
        #expect(text.contains("Q-2,''=x,EA,'@home,"), "\(text)")
        let again = try demo.run(["import", "items", file], as: "admin")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains(" 0 added, 0 changed, "), "\(again.stdout)")
        // A SKU that begins with a dash is named after `--`, where it cannot be taken for an option.
        let dashed = try runBackoffice(["items", "show", "--json", "--db", demo.path, "--user", "admin", "--", "-SKU1"], in: demo.folder)
        #expect(dashed.stdout.contains("\"name\" : \"+ Premium\""), "\(dashed.stdout) \(dashed.stderr)")
        #expect(try demo.run(["items", "show", "Q-3", "--json"], as: "admin").stdout.contains("\"name\" : \"'hello\""))
    }

    @Test func givenAFieldOfTwoMebibytesWhenImportedThenItIsRefusedWithItsLineAndColumn() throws {
        let demo = try DemoStore()
        let big = String(repeating: "x", count: 2 << 20)
        let path = try write("sku,name\nBIG-1,Fine\nBIG-2,\(big)\nBIG-3,Never read\n", to: "big.csv", in: demo)
        let result = try demo.run(["import", "items", path], as: "admin")
        #expect(result.status == 65)
        #expect(result.stderr.contains("big.csv:3: column name: a field longer than 1 MiB"), "\(result.stderr.prefix(500))")
        #expect(result.stderr.count < 2_000, "the refusal does not quote the field")
        #expect(try demo.run(["items", "show", "BIG-1"], as: "admin").status != 0)
    }
}
