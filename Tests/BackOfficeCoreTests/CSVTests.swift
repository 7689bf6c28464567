import BackOfficeCore
import Foundation
import PropertyBased
import Testing

/// What an export writes comes back unchanged through the reader, and a file cannot make the reader hold more than it
/// allows.
@Suite("CSV")
struct CSVTests {
    /// One record of fields as `CSV.field` writes them, read back by `CSV.Reader` and `CSV.value`.
    func roundTrip(_ fields: [String]) throws -> [String]? {
        let line = fields.map { CSV.field($0) }.joined(separator: ",") + "\r\n"
        var handed = false
        var reader = CSV.Reader {
            defer { handed = true }
            return handed ? [] : Array(line.utf8)
        }
        return try reader.record()?.fields.map(CSV.value)
    }

    @Test(arguments: ["+ Premium", "-SKU", "'=x", "'hello", "=SUM(A1)", "@me", "''+x", "'", "", "plain, with comma", "\"quoted\"",
                      "\tTab", "\rCR", "-3", "'-3", "a'b"])
    func givenATextWhenWrittenAndReadBackThenItIsTheSame(text: String) throws {
        #expect(try roundTrip(["K", text]) == ["K", text])
    }

    @Test func givenAFormulaLikeTextWhenWrittenThenItGetsExactlyOneMoreApostrophe() {
        #expect(CSV.field("+ Premium") == "'+ Premium")
        #expect(CSV.field("'=x") == "''=x")
        #expect(CSV.field("'hello") == "'hello")
        #expect(CSV.field("-3", number: true) == "-3")
        #expect(CSV.value("'hello") == "'hello")
        #expect(CSV.value("''=x") == "'=x")
    }

    static let alphabet: [Character] = ["'", "=", "+", "-", "@", "\t", "\r", "\n", ",", "\"", " ", "a", "Z", "1", "é", "螺"]
    static let text = Gen.int(in: 0...(alphabet.count - 1)).array(of: 0...10).map { String($0.map { CSVTests.alphabet[$0] }) }

    @Test func givenRandomTextsWhenWrittenAndReadBackThenEachIsTheSame() async {
        await propertyCheck(count: 2_000, input: Self.text.array(of: 1...4)) { fields in
            // A first field that is never empty: a record of one empty field is a blank line, which the reader skips.
            #expect((try? roundTrip(["K"] + fields)) == ["K"] + fields)
        }
    }

    @Test func givenAFieldOverOneMebibyteWhenReadThenItIsRefusedWithItsLineAndFieldBeforeTheRestIsRead() throws {
        let big = [UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20)
        var chunks = [Array("sku,name\r\nA-1,ok\r\nA-2,\"".utf8)] + stride(from: 0, to: big.count, by: 1 << 16).map { Array(big[$0..<$0 + (1 << 16)]) }
        let total = chunks.count
        var handed = 0
        var reader = CSV.Reader {
            guard !chunks.isEmpty else { return [] }
            handed += 1
            return chunks.removeFirst()
        }
        #expect(try reader.record()?.fields == ["sku", "name"])
        #expect(try reader.record()?.fields == ["A-1", "ok"])
        #expect(throws: CSV.SyntaxError(line: 3, problem: "a field longer than 1 MiB", field: 1)) { try reader.record() }
        // Refused as soon as it passed the limit: about half the 2 MiB was never read.
        #expect(handed < total / 2 + 3, "read \(handed) of \(total) chunks")
    }

    @Test func givenARowOfOnlyDelimitersWhenReadThenItIsRefused() throws {
        let line = String(repeating: ",", count: CSV.maxFields + 5) + "\n"
        var handed = false
        var reader = CSV.Reader {
            defer { handed = true }
            return handed ? [] : Array(line.utf8)
        }
        #expect(throws: CSV.SyntaxError(line: 1, problem: "more than 10,000 fields in one row")) { try reader.record() }
    }
}
