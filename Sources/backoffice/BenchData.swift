import BackOfficeCore
import Foundation

/// `bench --data`: imports and exports of N rows on a new store, each run as its own `backoffice` process, with its
/// wall time, rows a second and peak memory.
///
/// The files are written first, as a company's spreadsheets would hold them: quoted names with commas and quotes,
/// names in other scripts, categories, costs, and a stock and a count row for every item.
enum DataBench {
    static func run(rows: Int) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("backoffice-data-bench-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = folder + "/store.sqlite"
        let files = (items: folder + "/items.csv", stock: folder + "/opening-stock.csv", counts: folder + "/count.csv")
        let categories = ["Fasteners/Bolts", "Fasteners/Nuts", "Electrical/Cables", "Plumbing/Valves", "Safety/Gloves", "Tools"]
        try write(files.items, header: "sku,name,unit,category,active,cost,reorder_point", rows: rows) { n in
            let name = n % 10 == 0 ? "Écrou \(n) 螺母" : n % 7 == 0 ? "Hex bolt \"M\(n % 20)\", zinc" : "Item \(n), size \(n % 50)"
            return [sku(n), name, "EA", categories[n % categories.count], "yes",
                    "\(n % 90 + 1).\(String(format: "%02d", n % 100))", "\(n % 40)"]
        }
        try write(files.stock, header: "sku,location,quantity", rows: rows) { n in [sku(n), "MAIN", "\(n % 500 + 1)"] }
        try write(files.counts, header: "sku,location,counted", rows: rows) { n in [sku(n), "MAIN", "\(max(0, n % 500 + 1 + n % 7 - 3))"] }

        print("\(rows) rows per file in \(folder), a new store; each step is its own `backoffice` process")
        fflush(nil)
        try Bench.runSelf(["init", "--db", store])
        try Bench.runSelf(["--db", store, "--user", "admin", "locations", "add", "MAIN", "--name", "Main"])
        let steps: [(String, [String])] = [
            ("import items", ["import", "items", files.items]),
            ("import items again (all unchanged)", ["import", "items", files.items]),
            ("import stock --dry-run", ["import", "stock", files.stock, "--dry-run"]),
            ("import stock (receipts)", ["import", "stock", files.stock]),
            ("import stock again (all unchanged)", ["import", "stock", files.stock]),
            ("import counts (count movements)", ["import", "counts", files.counts]),
            ("export items", ["export", "items", "-o", folder + "/out-items.csv"]),
            ("export stock", ["export", "stock", "-o", folder + "/out-stock.csv"]),
            ("export movements", ["export", "movements", "-o", folder + "/out-movements.csv"]),
        ]
        for (name, arguments) in steps {
            let (wall, peak) = try Bench.runSelf(["--db", store, "--user", "admin"] + arguments)
            // An export's rows are counted in the file it wrote (header left out, a quoted name has no line breaks).
            let moved = try arguments.first == "export" ? lineCount(arguments[arguments.count - 1]) - 1 : rows
            print(name.padding(toLength: 38, withPad: " ", startingAt: 0)
                  + String(format: "%9d rows  %8.2f s  %8.0f rows/s  peak %4d MiB", moved, wall.seconds, Double(moved) / wall.seconds, peak / 1_024))
            fflush(nil)  // each figure as it comes: the whole run takes minutes
        }
        let (wall, peak) = try Bench.runSelf(["--db", store, "--user", "admin", "verify"])
        print("verify (every balance from the journal, the audit chain, integrity check): "
              + String(format: "%.2f s, peak %d MiB", wall.seconds, peak / 1_024))
        let size = ((try? FileManager.default.attributesOfItem(atPath: store))?[.size] as? NSNumber)?.int64Value ?? 0
        print("store file: \(size / 1_048_576) MiB")
    }

    private static func lineCount(_ path: String) throws -> Int {
        try Data(contentsOf: URL(fileURLWithPath: path)).reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }

    private static func sku(_ n: Int) -> String { String(format: "DATA-%07d", n) }

    /// Writes a CSV file a few thousand lines at a time.
    private static func write(_ path: String, header: String, rows: Int, row: (Int) -> [String]) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw Failure(.storeFailure, "bench: cannot write \(path)")
        }
        defer { try? handle.close() }
        var text = header + "\r\n"
        for n in 1...rows {
            text += row(n).map { CSV.field($0) }.joined(separator: ",") + "\r\n"
            if text.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(text.utf8))
                text = ""
            }
        }
        try handle.write(contentsOf: Data(text.utf8))
    }
}
