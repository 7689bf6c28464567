import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

/// `backoffice export KIND`: a table of the store as CSV a spreadsheet opens cleanly, or JSON.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write items, accounts, stock, prices, movements, requests, holidays or the calendar as CSV (UTF-8, RFC 4180, formulas defanged) or JSON.")

    @OptionGroup var global: GlobalOptions
    @Argument(help: "items, accounts, stock, prices, movements, requests, holidays or calendar.") var kind: String
    @Option(help: "Movements or requests from this day (YYYY-MM-DD, UTC).") var from: String?
    @Option(help: "Movements or requests through this day.") var to: String?
    @Option(help: "csv or json.") var format = "csv"
    @Option(name: [.customShort("o"), .long],
            help: "Write to this new file (written whole or not at all; - for standard output) instead of standard output.")
    var output: String?
    @Flag(help: "Replace the file -o names if it exists (only a regular file: never a folder, a link or the store).")
    var force = false
    @Option(help: "Field delimiter for CSV: , or ;") var delimiter = ","

    func validate() throws {
        guard ExportKind(rawValue: kind.lowercased()) != nil else {
            throw ValidationError("unknown export \(kind); use \(ExportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard ["csv", "json"].contains(format.lowercased()) else { throw ValidationError("--format must be csv or json") }
        guard [",", ";"].contains(delimiter) else { throw ValidationError("--delimiter must be , or ;") }
        if output?.isEmpty == true { throw ValidationError("-o needs a file name (or - for standard output)") }
    }

    func run() async throws {
        let kind = ExportKind(rawValue: kind.lowercased())!
        let fromDay = try parseDay(from, field: "from"), toDay = try parseDay(to, field: "to")
        if (fromDay != nil || toDay != nil) && !kind.isDated { throw Failure(.usage, "--from and --to apply to movements and requests only") }
        if let fromDay, let toDay, toDay < fromDay { throw Failure.invalid("to", toDay.description, "is before --from \(fromDay)") }
        let sink = try OutputSink(path: output, force: force, store: global.storePath)
        let clock = ContinuousClock()
        let started = clock.now
        var count = 0
        do {
            try await global.withSession { session in
                let json = format.lowercased() == "json"
                let header = kind.header
                let numeric = header.map { kind.numericColumns.contains($0) }
                let separator = Character(delimiter)
                // On a terminal a cell from the store is shown, not obeyed; a file or a pipe gets the exact text.
                let terminal = sink.isTerminal
                func cell(_ text: String) -> String { terminal ? Sanitize.forTerminal(text) : text }
                // The first page before the header: a refusal must leave the output empty.
                var page = try await session.store.export(kind, after: nil, from: fromDay, to: toDay, by: session.actor)
                try sink.write(json ? "[" : CSV.record(header, numbers: header.map { _ in false }, delimiter: separator))
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
                            text += CSV.record(row.map(cell), numbers: numeric, delimiter: separator)
                        }
                        count += 1
                    }
                    try sink.write(text)
                    guard let next = page.next else { break }
                    page = try await session.store.export(kind, after: next, from: fromDay, to: toDay, by: session.actor)
                }
                if json { try sink.write("\n]\n") }
            }
            try sink.finish()
        } catch {
            sink.abandon()
            throw error
        }
        if sink.isFile {
            FileHandle.standardError.write(Data("exported \(count.grouped) \(kind.rawValue) rows \(Output.rate(count, since: started))\n".utf8))
        }
    }
}

/// Standard output, or a file the user named, which appears only when complete.
///
/// A file is written to a new temporary file beside it (created exclusively, mode 0600), flushed to disk, then moved
/// into place. The name given is never a folder, a symbolic link, anything but a regular file, or the store or its
/// `-wal`, `-shm` or `-journal` file under any path (compared by device and inode, and by resolved name for the files
/// SQLite creates and removes as it goes); an existing file is replaced only with `force`. `-` is standard output.
final class OutputSink {
    /// Whether the output is a terminal, where text from the store must be sanitised.
    let isTerminal: Bool
    /// Whether the output is a file (not standard output).
    var isFile: Bool { target != nil }
    private let descriptor: Int32
    private let target: String?
    private let temporary: String?
    private let force: Bool
    private let store: String

    init(path: String?, force: Bool, store: String) throws {
        self.force = force
        self.store = store
        guard let path, path != "-" else {
            descriptor = STDOUT_FILENO
            isTerminal = isatty(STDOUT_FILENO) == 1
            target = nil
            temporary = nil
            return
        }
        _ = try OutputSink.check(path, force: force, store: store)
        let folder = (path as NSString).deletingLastPathComponent
        let temporary = (folder.isEmpty ? "" : folder + "/")
            + ".\((path as NSString).lastPathComponent).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).partial"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw Failure(.storeFailure, "cannot write \(path): \(OutputSink.reason(errno)) (in \(folder.isEmpty ? "." : folder))")
        }
        self.descriptor = descriptor
        self.temporary = temporary
        target = path
        isTerminal = false
    }

    func write(_ text: String) throws {
        try write(bytes: Array(text.utf8))
    }

    /// Writes all of `data`, however many calls it takes.
    func write(bytes data: some Collection<UInt8>) throws {
        var bytes = Array(data)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw Failure(.storeFailure, "cannot write \(target ?? "standard output"): \(OutputSink.reason(errno))")
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Flushes the file to disk and moves it into place, checking the target again: it may have appeared since.
    func finish() throws {
        guard let target, let temporary else { return }
        guard fsync(descriptor) == 0 else { throw Failure(.storeFailure, "cannot write \(target): \(OutputSink.reason(errno))") }
        close(descriptor)
        if try OutputSink.check(target, force: force, store: store) {
            // --force, and the target is a regular file that is not the store: replaced in one step.
            guard rename(temporary, target) == 0 else {
                throw Failure(.storeFailure, "cannot move the export into place at \(target): \(OutputSink.reason(errno))")
            }
        } else if link(temporary, target) == 0 {
            // A hard link never replaces anything: a file created at the target meanwhile makes it fail, not vanish.
            unlink(temporary)
        } else if errno == EEXIST {
            throw Failure(.alreadyExists, "\(target) already exists; pass --force to replace it")
        } else {
            // A file system without hard links: the target was free a moment ago.
            guard rename(temporary, target) == 0 else {
                throw Failure(.storeFailure, "cannot move the export into place at \(target): \(OutputSink.reason(errno))")
            }
        }
        let folder = (target as NSString).deletingLastPathComponent
        let directory = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)  // the new name survives a power cut too
            close(directory)
        }
    }

    func abandon() {
        guard let temporary else { return }
        close(descriptor)
        unlink(temporary)
    }

    /// Refuses a target that must not be written; answers whether it exists (then it is a regular file and `force`).
    private static func check(_ path: String, force: Bool, store: String) throws(Failure) -> Bool {
        if path.hasSuffix("/") { throw Failure(.alreadyExists, "\(path) is a folder; name a file in it, such as \(path)export.csv") }
        var target = stat()
        let exists = lstat(path, &target) == 0
        if exists {
            switch target.st_mode & S_IFMT {
            case S_IFREG: break
            case S_IFDIR: throw Failure(.alreadyExists, "\(path) is a folder; name a file in it, such as \(path)/export.csv")
            case S_IFLNK: throw Failure(.alreadyExists, "\(path) is a symbolic link; name the file itself, not a link to it")
            default: throw Failure(.alreadyExists, "\(path) is not a regular file; use -o - for standard output")
            }
        }
        let storeFiles = storeFiles(store)
        let isStore = storeFiles.names.contains(resolvedName(path))
            || (exists && storeFiles.identities.contains { $0.device == UInt64(target.st_dev) && $0.inode == UInt64(target.st_ino) })
        if isStore { throw Failure(.alreadyExists, "\(path) is the store or one of its files; export to another file") }
        if exists && !force { throw Failure(.alreadyExists, "\(path) already exists; pass --force to replace it") }
        return exists
    }

    /// The store's file and the files SQLite keeps beside it: their resolved names and, for those there now, their
    /// device and inode.
    private static func storeFiles(_ store: String) -> (names: Set<String>, identities: [(device: UInt64, inode: UInt64)]) {
        var bases = [resolvedName(store)]
        if let real = realpath(store, nil) {
            bases.append(String(cString: real))
            free(real)
        }
        var names = Set<String>(), identities: [(device: UInt64, inode: UInt64)] = []
        for base in bases {
            for name in [base, base + "-wal", base + "-shm", base + "-journal"] where names.insert(name).inserted {
                var file = stat()
                if stat(name, &file) == 0 { identities.append((UInt64(file.st_dev), UInt64(file.st_ino))) }
            }
        }
        return (names, identities)
    }

    /// The absolute name of `path` with its folder's links resolved, its last part as given.
    private static func resolvedName(_ path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        guard let real = realpath(folder.isEmpty ? "." : folder, nil) else { return path }
        defer { free(real) }
        let resolved = String(cString: real)
        return (resolved == "/" ? "" : resolved) + "/" + name
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

/// `backoffice import KIND FILE`: a spreadsheet's rows into the store, all or none.
struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Read items, locations, accounts, prices, contracts, stock, counts, holidays or the calendar from a CSV file, in one transaction.",
        discussion: """
            Columns by header name (case, spaces, _ and - ignored), optional ones in [ ]; a column may also go by the \
            name of the flag that sets the same field (or …):
            \(ImportKind.allCases.map { "  \($0.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \($0.columnNames)" }
                .joined(separator: "\n"))
            An items file's list_price is the price on the default price list, in its currency. Stock rows are opening \
            stock (receipts with the file name as reference); count rows are count movements with the file name as \
            reference.
            A holidays row adds a day off or renames the day (holidays not in the file stay). A calendar row sets one \
            weekday's hours (opens closed and closes empty for a day off; weekdays not in the file stay) and the time \
            zone, which every row repeats; `export calendar` writes all seven. Both need a manager or an admin, are \
            audited and move open requests' due times, as `calendar set` and `calendar add-holiday` do.
            UTF-8 with or without BOM, CRLF or LF, RFC 4180 quoting; a field may hold at most 1 MiB. Rows are matched
            by key (SKU, code, list and SKU, account, SKU and the rest of a contract's key), so importing the same file
            twice changes nothing. An existing row changes only in the columns the file has: a column left out keeps
            its values, and defaults (unit EA, active, sellable, reorder point 0, the default price list) are for new
            rows only. An empty cell keeps the value too, except in category, manager, backup_manager and valid_to,
            where it clears it. The changed rows are listed with each field before and after, and audited.
            Stock and count files are recognised by their rows (SHA-256 of kind, SKU, location and quantity), not
            their name or spelling: the same rows again, by any name, with other line endings, quoting or case, post
            nothing unless --again; another file with an old one's name posts. A leading apostrophe that an export
            put before a value such as +, -, = or @ is taken off, so an export imports back unchanged.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "items, locations, accounts, prices, contracts, stock, counts, holidays or calendar.") var kind: String
    @Argument(help: "The CSV file.") var file: String
    @Flag(help: "Check every row and report every problem; write nothing.") var dryRun = false
    @Flag(help: ArgumentHelp("Post stock or count rows even if the same rows were imported before (a recount that came out the same).",
                             discussion: "Without it, rows imported before post nothing, under any file name or spelling."))
    var again = false
    @Option(help: "Field delimiter: , or ;") var delimiter = ","

    func validate() throws {
        guard ImportKind(rawValue: kind.lowercased()) != nil else {
            throw ValidationError("unknown import \(kind); use \(ImportKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard [",", ";"].contains(delimiter) else { throw ValidationError("--delimiter must be , or ;") }
    }

    func run() async throws {
        let kind = ImportKind(rawValue: kind.lowercased())!
        let source = try CSVSource(path: file, kind: kind, delimiter: Character(delimiter), dryRun: dryRun)
        let started = ContinuousClock.now
        // The bar's line ends before anything else is printed, the refusal of a bad file included.
        let report = try await { () async throws -> ImportReport in
            defer { source.endProgress() }
            return try await global.withSession { session in
                try await session.store.importRecords(kind, file: file, dryRun: dryRun, again: again, by: session.actor) {
                    try source.nextBatch()
                }
            }
        }()
        let verb = dryRun ? "checked (dry run, nothing written)" : "imported"
        if let prior = report.alreadyImported {
            Output.line("\(Output.safe(file)): already imported on \(Output.time(prior.at)) as \(Output.safe(prior.file)) by "
                        + "\(Output.safe(prior.actor)); nothing posted (--again posts them anyway)")
        }
        Output.line("\(verb) \(file): \(report.rows.grouped) rows, \(report.added.grouped) added, \(report.changed.grouped) changed, "
                    + "\(report.unchanged.grouped) unchanged \(Output.rate(report.rows, since: started))")
        for change in report.changes { Output.line("  " + Output.safe(change)) }
        if report.notListed > 0 { Output.line("  … and \(report.notListed.grouped) more changed rows (all in the audit log)") }
    }
}

/// Reads a CSV file for an import, a batch of checked rows at a time, with a progress line on a terminal.
final class CSVSource: @unchecked Sendable {
    let path: String
    let kind: ImportKind
    private var reader: CSV.Reader
    private var columns: [String: Int]?
    private var header: [String] = []
    private var done = false
    private var finished = false
    private let dryRun: Bool
    private let size: Int
    private let progress = ProgressLine()
    private let counter: ByteCounter
    private var rows = 0

    /// The bytes read so far, for the progress line.
    final class ByteCounter: @unchecked Sendable {
        var bytes = 0
    }

    init(path: String, kind: ImportKind, delimiter: Character, dryRun: Bool) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw Failure(.notFound, "no file \(path)") }
        guard !isFolder.boolValue else { throw Failure(.invalidInput, "\(path) is a folder, not a CSV file") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw Failure(.notFound, "cannot read \(path): permission denied") }
        self.path = path
        self.kind = kind
        self.dryRun = dryRun
        size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        let counter = ByteCounter()
        self.counter = counter
        reader = CSV.Reader(delimiter: delimiter) {
            let bytes = [UInt8](handle.readData(ofLength: 1 << 16))
            counter.bytes += bytes.count
            return bytes
        }
    }

    func nextBatch() throws -> ImportBatch? {
        guard !done else {
            // The first call after the last row: what the store does now takes a while, with the bar at 100%.
            if !finished {
                finished = true
                progress.note("importing \(kind.rawValue): \(rows.grouped) rows read; "
                              + (dryRun ? "rolling back the dry run…" : "finishing the transaction…"))
            }
            return nil
        }
        var batch = ImportBatch(records: [], problems: [])
        do {
            if columns == nil {
                guard let header = try reader.record() else {
                    done = true
                    throw ImportRejected(problems: [ImportProblem(file: path, line: 1, column: nil, problem: "the file is empty; it needs a header row", value: nil)], file: path)
                }
                switch Importing.columns(header.fields, kind: kind, file: path, line: header.line) {
                case .success(let map):
                    columns = map
                    self.header = header.fields
                case .failure(let problem):
                    done = true
                    throw ImportRejected(problems: [problem], file: path)
                }
            }
            while batch.records.count + batch.problems.count < 2_000 {
                guard let record = try reader.record() else {
                    done = true
                    break
                }
                rows += 1
                let (parsed, problems) = Importing.record(record.fields, columns: columns!, header: header, kind: kind, file: path,
                                                        line: record.line)
                if let parsed { batch.records.append((record.line, parsed)) }
                batch.problems += problems
            }
        } catch let error as CSV.SyntaxError {
            done = true
            let column = error.field.flatMap { columns != nil && $0 < header.count ? header[$0] : nil }
            batch.problems.append(ImportProblem(file: path, line: error.line, column: column, problem: error.problem, value: nil))
        }
        progress.show("importing \(kind.rawValue)", rows: rows, done: counter.bytes, total: size)
        return batch.records.isEmpty && batch.problems.isEmpty && done ? try nextBatch() : batch
    }

    func endProgress() { progress.end() }
}

/// A progress bar on a terminal: rows so far, percent of the file, rows a second and the time left; nothing when
/// standard error is not a terminal.
final class ProgressLine: @unchecked Sendable {
    private let enabled = isatty(STDERR_FILENO) == 1
    private let started = ContinuousClock.now
    private var last = ContinuousClock.now
    private var shownWidth = 0

    /// `importing items [#######.........]  48%  480,000 rows  19,700 rows/s  ETA 14 s`, at most four times a second.
    func show(_ label: String, rows: Int, unit: String = "rows", done: Int, total: Int) {
        guard enabled, ContinuousClock.now - last > .milliseconds(250) else { return }
        last = ContinuousClock.now
        let seconds = (ContinuousClock.now - started).seconds
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 0
        var figures = String(format: "%3.0f%%  ", fraction * 100) + "\(rows.grouped) \(unit)"
        if seconds > 0.5 { figures += "  \(Int(Double(rows) / seconds).grouped) \(unit)/s" }
        if fraction > 0.01 && fraction < 1 { figures += String(format: "  ETA %.0f s", seconds * (1 - fraction) / fraction) }
        // The bar takes what the terminal's width leaves, up to 30 columns, and goes when there is no room.
        let room = Self.columns() - 1 - label.count - figures.count - 5
        let bar = room >= 10 ? {
            let width = min(30, room), filled = Int(fraction * Double(width))
            return " [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
        }() : ""
        write(label + bar + "  " + figures)
    }

    /// A line that replaces the bar: what happens after the last row is read.
    func note(_ text: String) {
        guard enabled else { return }
        write(text)
    }

    func end() {
        if shownWidth > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func write(_ line: String) {
        let text = String(line.prefix(max(10, Self.columns() - 1)))
        // Spaces over whatever a longer line before left behind.
        FileHandle.standardError.write(Data(("\r" + text + String(repeating: " ", count: max(0, shownWidth - text.count))).utf8))
        shownWidth = text.count
    }

    private static func columns() -> Int {
        var size = winsize()
        return ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
    }
}

/// `backoffice count start|enter|scan|show|post`: a cycle count from the command line.
struct CountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Cycle counts: snapshot the books for a location, enter what is counted, post the differences at once.",
        subcommands: [Start.self, Enter.self, Scan.self, Show.self, Post.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "start", abstract: "Start a count of a location (or of one category there).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The location to count.") var location: String
        @Option(help: "Only this category (and those below it).") var category: String?

        func run() async throws {
            try await global.withSession { session in
                let count = try await session.store.startCount(location: location, category: category, by: session.actor)
                Output.line("count \(count.id) started at \(count.location)\(count.category.isEmpty ? "" : " for \(count.category)"): \(count.lines.count) items to count")
            }
        }
    }

    struct Enter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "enter", abstract: "Record the counted quantity of an item.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The count.") var id: Int64
        @Argument(help: "The item.") var sku: String
        @Argument(help: "The quantity counted.") var quantity: Int
        @Flag(help: "Add to what was counted before instead of replacing it.") var add = false

        func run() async throws {
            try await global.withSession { session in
                let line = try await session.store.enterCount(id, sku: sku, quantity: quantity, add: add, by: session.actor)
                Output.line("\(line.sku): counted \(line.counted ?? 0), books \(line.expected), variance \(line.variance.map(\.signed) ?? "-")")
            }
        }
    }

    struct Scan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scan",
            abstract: "Read SKUs from standard input, one a line (a barcode scanner types SKU and Enter): each counts one.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The count.") var id: Int64

        func run() async throws {
            try await global.withSession { session in
                var scanned = 0
                while let line = readLine() {
                    let sku = line.trimmingCharacters(in: .whitespaces)
                    guard !sku.isEmpty else { continue }
                    do {
                        let counted = try await session.store.enterCount(id, sku: sku, quantity: 1, add: true, by: session.actor)
                        scanned += 1
                        Output.line("\(counted.sku) \(counted.counted ?? 0)")
                    } catch let failure as any BackOfficeFailure {
                        FileHandle.standardError.write(Data("backoffice: \(Sanitize.forTerminal(sku)): \(failure.message)\n".utf8))
                    }
                }
                Output.line("\(scanned) scans recorded in count \(id)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "The count's items: books, counted, variance.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The count.") var id: Int64

        func run() async throws {
            let count = try await global.withSession { try await $0.store.count(id, by: $0.actor) }
            if output.json { return try Output.json(count) }
            Output.line("count \(count.id) at \(count.location)\(count.category.isEmpty ? "" : " (\(count.category))"): \(count.state.rawValue), \(count.counted)/\(count.lines.count) counted")
            Output.table(["SKU", "NAME", "BOOKS", "COUNTED", "VARIANCE"], count.lines.map {
                [$0.sku, $0.name, String($0.expected), $0.counted.map(String.init) ?? "", $0.variance.map(\.signed) ?? ""]
            }, right: [2, 3, 4])
        }
    }

    struct Post: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "post", abstract: "Post the counted differences as count movements, in one transaction.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The count.") var id: Int64

        func run() async throws {
            let (count, movements) = try await global.withSession { try await $0.store.postCount(id, by: $0.actor) }
            Output.line("count \(count.id) posted: \(count.counted) of \(count.lines.count) items counted, \(movements) count movements"
                        + " (reference COUNT-\(count.id))")
        }
    }
}
