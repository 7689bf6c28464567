import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// Thousands of damaged CSV files through the real reader, rules and store: each is imported whole or refused whole.
@Suite("Import fuzzing")
struct ImportFuzzTests {
    static let base = Array(#"""
        sku,name,unit,category,active,cost,reorder_point\#r
        FZ-1,"Hex bolt, zinc",EA,Fasteners/Bolts,yes,1.25,10\#r
        FZ-2,"Nut ""M8""",BOX,Fasteners/Nuts,no,0.10,\#r
        FZ-3,Écrou 螺母,EA,Fasteners,,2,0\#r
        FZ-4,Washer,EA,,yes,,5\#r

        """#.utf8)

    /// Opening stock and counts for the fixture's item and the active items of `base`, posted through the ledger a
    /// batch at a time.
    static let stock = Array(("sku,location,quantity\r\n" + ["BOLT-1", "FZ-1", "fz-3", "FZ-4"].enumerated().map { index, sku in
        "\(sku),MAIN,\(25 + index)\r\n\(sku),\"QUAR\",\(index + 1)\r\n"
    }.joined()).utf8)
    static let counts = Array(("sku,location,counted\n" + ["BOLT-1", "FZ-1", "FZ-2", "FZ-4"].enumerated().map { index, sku in
        "\(sku),MAIN,\(index * 3)\n\(sku),QUAR,\(index)\n"
    }.joined()).utf8)

    /// One damaged copy: bytes flipped, inserted (quotes, delimiters, line breaks, invalid UTF-8) or cut off.
    static func mutate(_ bytes: [UInt8], _ random: inout SeededRandom) -> [UInt8] {
        var bytes = bytes
        let noise: [UInt8] = [UInt8(ascii: "\""), UInt8(ascii: ","), UInt8(ascii: "\n"), UInt8(ascii: "\r"), 0xFF, 0xC3, 0x00,
                              UInt8(ascii: "-"), UInt8(ascii: "x"), UInt8(ascii: "9"), UInt8(ascii: ";")]
        for _ in 0..<Int(1 + random.next() % 4) where !bytes.isEmpty {
            let at = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 4 {
            case 0: bytes[at] = noise[Int(random.next() % UInt64(noise.count))]
            case 1: bytes.insert(noise[Int(random.next() % UInt64(noise.count))], at: at)
            case 2: bytes.remove(at: at)
            default: bytes = Array(bytes.prefix(at))
            }
        }
        return bytes
    }

    final class Source: @unchecked Sendable {
        var reader: CSV.Reader
        var columns: [String: Int]?
        var finished = false
        let kind: ImportKind

        init(_ bytes: [UInt8], kind: ImportKind) {
            self.kind = kind
            var handed = false
            reader = CSV.Reader { () -> [UInt8] in
                defer { handed = true }
                return handed ? [] : bytes
            }
        }

        func next() throws -> ImportBatch? {
            guard !finished else { return nil }
            finished = true
            var batch = ImportBatch(records: [], problems: [])
            do {
                guard let header = try reader.record() else {
                    return ImportBatch(records: [], problems: [ImportProblem(file: "f", line: 1, column: nil, problem: "empty", value: nil)])
                }
                switch Importing.columns(header.fields, kind: kind, file: "f", line: header.line) {
                case .failure(let problem): return ImportBatch(records: [], problems: [problem])
                case .success(let map): columns = map
                }
                while let row = try reader.record() {
                    let (record, problems) = Importing.record(row.fields, columns: columns!, header: header.fields, kind: kind,
                                                              file: "f", line: row.line)
                    if let record { batch.records.append((row.line, record)) }
                    batch.problems += problems
                }
            } catch let error as CSV.SyntaxError {
                batch.problems.append(ImportProblem(file: "f", line: error.line, column: nil, problem: error.problem, value: nil))
            }
            return batch
        }
    }

    @Test(arguments: [(ImportKind.items, 2_000), (.stock, 1_000), (.counts, 1_000)])
    func givenThousandsOfDamagedFilesWhenImportedThenEachIsAppliedWholeOrRefusedWithNothingWritten(kind: ImportKind, rounds: Int) async throws {
        let fixture = try await StoreFixture.make()
        let base = kind == .items ? Self.base : kind == .stock ? Self.stock : Self.counts
        if kind != .items {
            let items = Source(Self.base, kind: .items)
            _ = try await fixture.store.importRecords(.items, file: "items.csv", dryRun: false, by: fixture.admin) { try items.next() }
        }
        var random = SeededRandom(seed: 2026)
        var applied = 0, refused = 0
        for round in 0..<rounds {
            let bytes = Self.mutate(base, &random)
            let before = try await fixture.store.diagnose().counts
            let source = Source(bytes, kind: kind)
            do {
                let report = try await fixture.store.importRecords(kind, file: "fuzz-\(round).csv", dryRun: false, by: fixture.admin) {
                    try source.next()
                }
                applied += 1
                #expect(report.rows >= report.added + report.changed + report.unchanged)
            } catch let rejected as ImportRejected {
                refused += 1
                #expect(!rejected.problems.isEmpty)
                #expect(rejected.problems.allSatisfy { $0.line >= 1 })
                let after = try await fixture.store.diagnose().counts
                #expect(after == before, "a refused import changed the store in round \(round)")
            }
        }
        // Every byte of a stock or count row matters (a SKU, a location, a number), so few damaged ones still apply.
        #expect(applied > rounds / 100 && refused > rounds / 100, "applied \(applied), refused \(refused)")
        #expect(try await fixture.store.verify(by: fixture.admin).ok)
    }
}
