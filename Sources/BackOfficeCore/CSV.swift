import Foundation

/// CSV as spreadsheets write it (RFC 4180): read a record at a time from a byte stream, written with the quoting a
/// spreadsheet expects and formulas defanged.
///
/// Written here rather than taken from yaslab/CSV.swift 2.5.2 (the version this machine has): importing must name the
/// line each record starts on (a quoted field may hold line breaks) and refuse a quote left open at the end of the
/// file (a truncated export) and text after a closing quote. That reader counts rows, not lines, ends an open quote
/// at the end of the file silently, keeps stray text after a quote, and reports bad UTF-8 through a property with no
/// position; it also decodes a scalar at a time through an `AnyIterator`, slow for a million rows.
public enum CSV {
    /// A problem in the file itself, with the line it is on and, when it is about one field, that field's position
    /// in its record (0 for the first).
    public struct SyntaxError: Error, Equatable, Sendable {
        public var line: Int
        public var problem: String
        public var field: Int? = nil

        public init(line: Int, problem: String, field: Int? = nil) {
            self.line = line
            self.problem = problem
            self.field = field
        }
    }

    /// The longest field a reader accepts: a longer one is refused as soon as it passes this, not read to its end.
    public static let maxFieldBytes = 1 << 20
    /// The most fields one record may have: a line of nothing but delimiters must not become millions of strings.
    public static let maxFields = 10_000

    /// Reads records from bytes handed in by `read` (which returns an empty array at the end).
    public struct Reader {
        private let read: () throws -> [UInt8]
        private let delimiter: UInt8
        private var buffer: [UInt8] = []
        private var position = 0
        private var finished = false
        private var started = false
        /// The line the next record starts on (1-based).
        public private(set) var line = 1

        public init(delimiter: Character = ",", read: @escaping () throws -> [UInt8]) {
            self.read = read
            self.delimiter = delimiter.asciiValue ?? UInt8(ascii: ",")
        }

        private mutating func next() throws -> UInt8? {
            if position >= buffer.count {
                guard !finished else { return nil }
                buffer = try read()
                position = 0
                if buffer.isEmpty {
                    finished = true
                    return nil
                }
                if !started {
                    started = true
                    // A UTF-8 byte order mark, as spreadsheets on Windows write it.
                    if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
                    if position >= buffer.count { return try next() }
                }
            }
            defer { position += 1 }
            return buffer[position]
        }

        private mutating func peek() throws -> UInt8? {
            guard let byte = try next() else { return nil }
            position -= 1
            return byte
        }

        /// The next record and the line it starts on; nil at the end of the file. Blank lines are skipped.
        public mutating func record() throws -> (line: Int, fields: [String])? {
            while true {
                guard let first = try peek() else { return nil }
                if first == UInt8(ascii: "\n") || first == UInt8(ascii: "\r") {
                    _ = try next()
                    if first == UInt8(ascii: "\r"), try peek() == UInt8(ascii: "\n") { _ = try next() }
                    line += 1
                    continue
                }
                break
            }
            let start = line
            var fields: [String] = []
            var field: [UInt8] = []
            var quoted = false
            var afterQuote = false
            func finish(_ bytes: [UInt8]) throws -> String {
                if fields.count >= CSV.maxFields {
                    throw SyntaxError(line: start, problem: "more than \(CSV.maxFields.grouped) fields in one row")
                }
                if bytes.contains(0) { throw SyntaxError(line: start, problem: "a NUL byte (a binary file?)") }
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw SyntaxError(line: start, problem: "not UTF-8 text (a binary file, or another encoding)")
                }
                return text
            }
            /// Refuses a field as soon as it passes the limit, before the rest of it is read.
            func bound(_ count: Int) throws {
                guard count > CSV.maxFieldBytes else { return }
                throw SyntaxError(line: start, problem: "a field longer than \(CSV.maxFieldBytes >> 20) MiB", field: fields.count)
            }
            while true {
                guard let byte = try next() else {
                    if quoted { throw SyntaxError(line: start, problem: "a quoted field is not closed before the end of the file (truncated?)") }
                    fields.append(try finish(field))
                    return (start, fields)
                }
                if quoted {
                    if byte == UInt8(ascii: "\"") {
                        if try peek() == UInt8(ascii: "\"") {
                            _ = try next()
                            field.append(byte)
                        } else {
                            quoted = false
                            afterQuote = true
                        }
                    } else {
                        if byte == UInt8(ascii: "\n") { line += 1 }
                        field.append(byte)
                        try bound(field.count)
                    }
                    continue
                }
                switch byte {
                case delimiter:
                    fields.append(try finish(field))
                    field.removeAll(keepingCapacity: true)
                    afterQuote = false
                case UInt8(ascii: "\r"), UInt8(ascii: "\n"):
                    if byte == UInt8(ascii: "\r"), try peek() == UInt8(ascii: "\n") { _ = try next() }
                    line += 1
                    fields.append(try finish(field))
                    return (start, fields)
                case UInt8(ascii: "\"") where field.isEmpty && !afterQuote:
                    quoted = true
                default:
                    if afterQuote {
                        throw SyntaxError(line: line, problem: "text after a closing quote (a quote inside a field must be doubled)")
                    }
                    field.append(byte)
                    try bound(field.count)
                }
            }
        }
    }

    /// One field as a spreadsheet reads it back unchanged: quoted when it holds the delimiter, a quote or a line break.
    ///
    /// A field that a spreadsheet would take for a formula (it begins with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return) gets a leading apostrophe, so opening an export never runs anything. So does one that already begins
    /// with apostrophes before such a character (`'=x`), so that `value(_:)` can take exactly one off and every text
    /// comes back as it was. Numbers the export writes itself (`-3`) pass `number: true` and stay numbers.
    public static func field(_ text: String, delimiter: Character = ",", number: Bool = false) -> String {
        var value = text
        if !number, looksLikeFormula(value) {
            value = "'" + value
        }
        let separator = delimiter.asciiValue
        let needsQuotes = value.utf8.contains { byte in
            byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == separator
        } || (separator == nil && value.contains(delimiter))
        if needsQuotes {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// One record: each cell a `field`, the ones marked in `numbers` written as numbers, ended by CRLF (RFC 4180).
    public static func record(_ cells: [String], numbers: [Bool], delimiter: Character = ",") -> String {
        zip(cells, numbers).map { field($0, delimiter: delimiter, number: $1) }.joined(separator: String(delimiter)) + "\r\n"
    }

    /// A cell's text as `field(_:)` was given it: the one apostrophe `field` puts before a formula-like value taken
    /// off, and nothing else touched (`'hello` stays `'hello`; `''=x` becomes `'=x`).
    public static func value(_ cell: String) -> String {
        guard cell.utf8.first == UInt8(ascii: "'"), looksLikeFormula(cell) else { return cell }
        return String(cell.dropFirst())
    }

    /// Whether a spreadsheet could take the text, after any leading apostrophes, for a formula.
    static func looksLikeFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first(where: { $0 != "'" }) else { return false }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first)
    }

    /// A header name as imports match it: lower case, without spaces, underscores or dashes ("Reorder Point" = "reorder_point").
    public static func key(_ header: String) -> String {
        String(header.lowercased().filter { !$0.isWhitespace && $0 != "_" && $0 != "-" })
    }
}
