import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

/// `backoffice export KIND`: a table of the store as CSV a spreadsheet opens cleanly, or JSON.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write items, accounts, stock, prices, movements or requests as CSV (UTF-8, RFC 4180, formulas defanged) or JSON.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "items, accounts, stock, prices, movements or requests.") var kind: String
    @Option(help: "Movements or requests from this day (YYYY-MM-DD, UTC).") var from: String?
    @Option(help: "Movements or requests through this day.") var to: String?
    @Option(help: "csv or json.") var format = "csv"
    @Option(name: [.customShort("o"), .long], help: "Write to this file (written whole or not at all) instead of standard output.")
    var output: String?
    @Option(help: "Field delimiter for CSV: , or ;") var delimiter = ","

    func validate() throws {
        guard ExportKind(rawValue: kind.lowercased()) != nil else {
            throw ValidationError("unknown export \(kind); use \(ExportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ["csv", "json"].contains(format.lowercased()) else { throw ValidationError("--format must be csv or json") }
        guard [",", ";"].contains(delimiter) else { throw ValidationError("--delimiter must be , or ;") }
    }

    func run() async throws {
        let kind = ExportKind(rawValue: kind.lowercased())!
        let fromDay = try parseDay(from, field: "from"), toDay = try parseDay(to, field: "to")
        if (fromDay != nil || toDay != nil) && !kind.isDated { throw Failure(.usage, "--from and --to apply to movements and requests only") }
        if let fromDay, let toDay, toDay < fromDay { throw Failure.invalid("to", toDay.description, "is before --from \(fromDay)") }
        let sink = try OutputSink(path: output)
        let clock = ContinuousClock()
        let started = clock.now
        var count = 0
        do {
            try await global.withSession { session in
                let json = format.lowercased() == "json"
                let header = kind.header
                let numeric = header.map { kind.numericColumns.contains($0) }
                let separator = Character(delimiter)
                // The first page before the header: a refusal must leave the output empty.
                var page = try await session.store.export(kind, after: nil, from: fromDay, to: toDay, by: session.actor)
                sink.write(json ? "[" : header.map { CSV.field($0, delimiter: separator) }.joined(separator: delimiter) + "\r\n")
                while true {
                    var text = ""
                    for row in page.rows {
                        if json {
                            let fields = zip(header, row).enumerated().map { index, pair in
                                let (name, value) = pair
                                let isNumber = numeric[index] && !value.isEmpty && Decimal(string: value) != nil
                                return "\"\(name)\":" + (isNumber ? value : JSONText.quoted(value))
                            }
                            text += (count == 0 ? "\n{" : ",\n{") + fields.joined(separator: ",") + "}"
                        } else {
                            text += zip(row, numeric).map { CSV.field($0, delimiter: separator, number: $1) }.joined(separator: delimiter) + "\r\n"
                        }
                        count += 1
                    }
                    sink.write(text)
                    guard let next = page.next else { break }
                    page = try await session.store.export(kind, after: next, from: fromDay, to: toDay, by: session.actor)
                }
                if json { sink.write("\n]\n") }
            }
            try sink.finish()
        } catch {
            sink.abandon()
            throw error
        }
        if output != nil {
            let elapsed = clock.now - started
            let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
            FileHandle.standardError.write(Data("exported \(count) \(kind.rawValue) rows in \(String(format: "%.2f", seconds)) s (\(Int(Double(count) / seconds)) rows/s)\n".utf8))
        }
    }
}

/// Standard output, or a file that appears only when complete (written beside it, then renamed into place).
final class OutputSink {
    private let handle: FileHandle
    private let path: String?
    private let partial: String?

    init(path: String?) throws {
        self.path = path
        guard let path else {
            handle = FileHandle.standardOutput
            partial = nil
            return
        }
        let partial = path + ".partial"
        guard FileManager.default.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw Failure(.storeFailure, "cannot write \(path): its folder is missing or not writable")
        }
        self.handle = handle
        self.partial = partial
    }

    func write(_ text: String) {
        handle.write(Data(text.utf8))
    }

    func finish() throws {
        guard let path, let partial else { return }
        try handle.close()
        _ = try? FileManager.default.removeItem(atPath: path)
        guard rename(partial, path) == 0 else { throw Failure(.storeFailure, "cannot move the export into place at \(path)") }
    }

    func abandon() {
        guard let partial else { return }
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partial)
    }
}

enum JSONText {
    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
