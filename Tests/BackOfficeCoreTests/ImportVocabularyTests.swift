import BackOfficeCore
import Testing

/// An import file may name a column as the command's flag names the same field; the names are listed the same way
/// everywhere they are shown.
@Suite("Import vocabulary")
struct ImportVocabularyTests {
    func columns(_ header: [String], _ kind: ImportKind) -> Result<[String: Int], ImportProblem> {
        Importing.columns(header, kind: kind, file: "f.csv", line: 1)
    }

    @Test func givenAFlagsNameForAColumnWhenReadThenItIsThatColumn() throws {
        #expect(try columns(["SKU", "Name", "UoM", "List Price"], .items).get() == ["sku": 0, "name": 1, "unit": 2, "listprice": 3])
        #expect(try columns(["code", "name", "backup"], .accounts).get()["backupmanager"] == 2)
        #expect(try columns(["list", "sku", "price"], .prices).get()["pricelist"] == 0)
        #expect(try columns(["account", "sku", "price", "min-qty"], .contracts).get()["minquantity"] == 3)
        // An alias belongs to its kind alone: a location file has no unit.
        #expect(throws: ImportProblem.self) { try columns(["code", "name", "uom"], .locations).get() }
    }

    @Test func givenBothNamesOfOneColumnWhenReadThenTheHeaderIsRefusedNamingTheFirst() {
        guard case .failure(let problem) = columns(["sku", "name", "unit", "UOM"], .items) else {
            Issue.record("a header with unit and uom was accepted")
            return
        }
        #expect(problem.description == "f.csv:1: column UOM: names the same column as unit, which the header already has")
        guard case .failure(let twice) = columns(["sku", "name", "unit", "Unit"], .items) else {
            Issue.record("a header with unit twice was accepted")
            return
        }
        #expect(twice.problem == "appears twice in the header")
    }

    @Test func givenAnUnknownColumnThenTheProblemListsEveryNameTheKindTakes() {
        guard case .failure(let problem) = columns(["sku", "name", "colour"], .items) else {
            Issue.record("colour was accepted")
            return
        }
        #expect(problem.problem == "unknown column; items files have sku, name, "
                + "[unit (or uom), category, active, cost, reorder_point, reorder_to, order_multiple, list_price]")
        #expect(ImportKind.contracts.columnNames == "account, sku, price, [min_quantity (or min_qty), valid_from, valid_to]")
        #expect(ImportKind.stock.columnNames == "sku, location, quantity")
    }

    @Test func givenAListPriceCellThenTheItemRowCarriesItAndAnEmptyOneStatesNothing() {
        let header = ["sku", "name", "list_price"]
        let map = (try? columns(header, .items).get()) ?? [:]
        let priced = Importing.record(["B-1", "Bolt", "12.50"], columns: map, header: header, kind: .items, file: "f.csv", line: 2)
        guard case .item(_, _, let listPrice, let stated)? = priced.record else {
            Issue.record("no item: \(priced.problems)")
            return
        }
        #expect(listPrice == "12.50")
        #expect(stated.contains("listprice"))
        let empty = Importing.record(["B-1", "Bolt", ""], columns: map, header: header, kind: .items, file: "f.csv", line: 3)
        guard case .item(_, _, nil, let none)? = empty.record else {
            Issue.record("an empty list price gave a price")
            return
        }
        #expect(!none.contains("listprice"))
        let bad = Importing.record(["B-1", "Bolt", "-3"], columns: map, header: header, kind: .items, file: "f.csv", line: 4)
        #expect(bad.record == nil)
        #expect(bad.problems.map(\.description).first?.hasPrefix("f.csv:4: column list_price:") == true, "\(bad.problems)")
    }
}
