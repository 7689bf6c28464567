import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Build or open a store of N items and print latency figures, store size and peak memory.",
        discussion: """
            The store is --db, else bench-N.sqlite in the data directory; it is built with the demo company when missing.
            bench posts movements, so it only runs on a store it built itself (one with a `bench` user). With \
            --postgres URL the same figures are measured on a PostgreSQL store in the same run and printed side by side.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "Items in the store.") var items = 100_000
    @Option(help: "Samples per measured operation.") var samples = 1_000
    @Option(help: "Runs of the one-shot `backoffice stock` process.") var processRuns = 30
    @Flag(help: "Measure the console instead: keystroke to frame, bytes per frame, frame build, memory of a session.")
    var console = false
    @Flag(help: "Measure the SSH server instead, with the OpenSSH client: exec answers, first frame, memory, sessions a second.")
    var ssh = false
    @Flag(help: "Measure imports and exports instead: --items rows per file, each import and export its own process, on a new store.")
    var data = false
    @Option(help: ArgumentHelp("Measure a PostgreSQL store in the same run: an empty database is filled from the SQLite bench store with copy-store (timed).",
                               valueName: "postgres-url"))
    var postgres: String?
    @Option(help: ArgumentHelp("Post this many receipts and exit (one of the writing processes bench starts).", visibility: .private))
    var postLoop: Int?

    func validate() throws {
        guard (1...5_000_000).contains(items) else { throw ValidationError("--items must be between 1 and 5000000") }
        guard (10...100_000).contains(samples) else { throw ValidationError("--samples must be between 10 and 100000") }
        guard (1...1_000).contains(processRuns) else { throw ValidationError("--process-runs must be between 1 and 1000") }
    }

    func run() async throws {
        if data {
            try DataBench.run(rows: items)
            return
        }
        let path = global.namedOnCommandLine ?? GlobalOptions.dataDirectory + "/bench-\(items).sqlite"
        let clock = ContinuousClock()
        if case .file = try StoreAddress.parse(path), !FileManager.default.fileExists(atPath: path) {
            let started = clock.now
            try await buildDemoStore(path: path, admin: "bench", items: items, seed: 7).close()
            print("built demo store of \(items) items in \(Self.format(clock.now - started))")
        }
        let store = try await Store.open(path: path)
        guard try await store.user(named: "bench") != nil else {
            await store.close()
            throw Failure(.usage, "bench posts movements, so it only runs on a store it built; \(path) is not one (give a new --db path)")
        }
        if ssh {
            try await SSHBench.run(store: store, path: path, samples: samples)
            await store.close()
            return
        }
        if console {
            print("store \(path), SQLite \(Store.sqliteVersion.text)")
            try await ConsoleBench.run(store: store, path: path, samples: samples)
            try await ConsoleBench.measureBadge(store: store, path: path, samples: min(samples, 40))
            await store.close()
            try ConsoleBench.measureProcess(path: path)
            return
        }
        if let postLoop {
            try await Self.postReceipts(store, count: postLoop)
            await store.close()
            return
        }
        let clerk = Actor(user: try await store.signIn("clerk"), source: .cli)
        let catalogue = try await store.diagnose().counts["items"] ?? items
        var rng = SeededRandom(seed: 99)
        let skus = try await sampleSKUs(store, count: min(catalogue, 200), total: catalogue, by: clerk, rng: &rng)
        print("store \(path): \(catalogue) items, SQLite \(Store.sqliteVersion.text)")
        var figures = try await measureStore(store, skus: skus, by: clerk)
        let diagnosis = try await store.diagnose()
        await store.close()
        figures.append(try await Self.writers(path: path))
        figures.append(try await Self.changeSeen(path: path))
        print("store size: \(diagnosis.fileBytes / 1_048_576) MiB (+ \(diagnosis.walBytes / 1_048_576) MiB WAL)")
        print("peak memory of this process: \(Self.peakResidentKiB() / 1024) MiB")

        if let postgres {
            let address = try StoreAddress.parse(postgres)
            guard case .postgres = address else { throw Failure(.usage, "--postgres takes a postgres:// URL") }
            // An empty database is filled from the SQLite store; a store there must be one bench filled before.
            var isStore = true
            do {
                let target = try await Store.open(path: postgres)
                let isBench = try await target.user(named: "bench") != nil
                await target.close()
                guard isBench else { throw Failure(.usage, "--postgres: \(address) is not a bench store; give bench an empty database of its own") }
            } catch let failure as Failure where failure.kind == .notFound {
                isStore = false
            }
            if !isStore {
                let copy = try Self.runSelf(["copy-store", "--db", path, "--user", "bench", "--to", postgres])
                let rows = diagnosis.counts.filter { $0.key != "holds_active" }.values.reduce(0, +)
                print("copy-store of the SQLite store into PostgreSQL: \(rows.grouped) rows in \(Self.format(copy.wall)), "
                      + "\(Int(Double(rows) / copy.wall.seconds).grouped) rows/s, peak memory \(copy.peakKiB / 1024) MiB")
            }
            let other = try await Store.open(path: postgres)
            print("store \(address.description): \(other.engineName) \(try await other.diagnose().serverVersion ?? "?")")
            let otherClerk = Actor(user: try await other.signIn("clerk"), source: .cli)
            var pgFigures = try await measureStore(other, skus: skus, by: otherClerk)
            await other.close()
            pgFigures.append(try await Self.writers(path: postgres))
            pgFigures.append(try await Self.changeSeen(path: postgres))
            print("")
            print("figure".padding(toLength: 42, withPad: " ", startingAt: 0) + "SQLite".padding(toLength: 34, withPad: " ", startingAt: 0) + "PostgreSQL")
            for (lite, pg) in zip(figures, pgFigures) {
                print(lite.name.padding(toLength: 42, withPad: " ", startingAt: 0) + lite.value.padding(toLength: 34, withPad: " ", startingAt: 0) + pg.value)
            }
        }

        // A one-shot `backoffice stock` process, as a salesperson's script would run it, and for scale the same
        // binary doing nothing but print its help.
        var walls: [Duration] = [], idle: [Duration] = []
        var peakKiB = 0
        for i in 0..<processRuns {
            let run = try Self.runSelf(["stock", skus[i % skus.count], "--db", path, "--user", "sales", "--json"])
            walls.append(run.wall)
            peakKiB = max(peakKiB, run.peakKiB)
            idle.append(try Self.runSelf(["--help"]).wall)
        }
        // Reorder suggestions over the whole catalogue, as purchasing runs them: one process each, its output as JSON.
        var reorders: [Duration] = []
        var reorderKiB = 0
        for _ in 0..<3 {
            let run = try Self.runSelf(["reorder", "--db", path, "--user", "clerk", "--json"])
            reorders.append(run.wall)
            reorderKiB = max(reorderKiB, run.peakKiB)
        }
        print(Self.line("`backoffice reorder --json`, whole catalogue", reorders))
        print("peak memory of one `backoffice reorder` process: \(reorderKiB / 1024) MiB")
        print(Self.line("one-shot `backoffice stock` process (wall)", walls))
        print("peak memory of one `backoffice stock` process: \(peakKiB / 1024) MiB")
        print(Self.line("`backoffice --help` process (wall, for scale)", idle))
        // The floor a process can reach: the sqlite3 shell opening the same file and reading the same stock.
        let shell = "/usr/bin/sqlite3"
        if case .file = try StoreAddress.parse(path), FileManager.default.isExecutableFile(atPath: shell) {
            var shellWalls: [Duration] = []
            for i in 0..<processRuns {
                shellWalls.append(try Self.runProgram(shell, ["-readonly", path, Store.shellStockQuery(sku: skus[i % skus.count])]))
            }
            print(Self.line("sqlite3 shell reading the same stock (wall, floor)", shellWalls))
        }
    }

    /// A figure for the side-by-side table.
    struct Figure {
        var name: String
        var value: String
    }

    /// Search, stock answer, price quote and a durable post on `store`, each printed as it is measured.
    /// Open holds and expected receipts on the sampled items, a thousand of each in the store, so that available to
    /// promise has a timeline to walk (added once: a second run finds them there).
    private func ensurePromiseEvents(_ store: Store, skus: [String], accounts: [String]) async throws {
        let admin = Actor(user: try await store.signIn("bench"), source: .cli)
        let counts = try await store.diagnose().counts
        let today = Day(Date())
        var holds = counts["holds_active"] ?? 0, receipts = try await store.expectedReceipts(limit: 1_000, by: admin).count
        var i = 0
        while (holds < 1_000 || receipts < 1_000) && i < 20_000 {
            let sku = skus[i % skus.count]
            if holds < 1_000, (try? await store.placeHold(sku: sku, quantity: 1, location: "MAIN", account: accounts[i % accounts.count],
                                                           expiresAt: Date().addingTimeInterval(Double(1 + i % 30) * 86_400), by: admin)) != nil {
                holds += 1
            }
            if receipts < 1_000 {
                _ = try await store.expectReceipt(sku: sku, quantity: 10 + i % 90, location: i % 3 == 0 ? "EAST" : "MAIN",
                                                  due: today.adding(days: 1 + i % 60), reference: "PO-B\(i)", by: admin)
                receipts += 1
            }
            i += 1
        }
    }

    private func measureStore(_ store: Store, skus: [String], by clerk: Actor) async throws -> [Figure] {
        let accounts = try await store.accounts(limit: 100, by: clerk).map(\.code)
        guard !accounts.isEmpty else { throw Failure(.notFound, "bench: the store has no accounts to quote for") }
        try await ensurePromiseEvents(store, skus: skus, accounts: accounts)
        let words = ["sta", "bo", "hex", "m8", "cab", "led", "val", "gl", "tape", "drill", "pre", "saf", "fas-0001", "pipe co", "z"]
        return [
            try await measure("search (prefix, 20 results)", samples) { i in _ = try await store.search(words[i % words.count], limit: 20, by: clerk) },
            try await measure("stock answer", samples) { i in _ = try await store.stock(sku: skus[i % skus.count], by: clerk) },
            try await measure("price quote", samples) { i in
                _ = try await store.quote(sku: skus[i % skus.count], account: accounts[i % accounts.count], quantity: 1 + i % 120, by: clerk)
            },
            try await measure("available to promise (up to 1,000 units)", samples) { i in
                _ = try await store.promise(sku: skus[i % skus.count], quantity: 1 + (i * 37) % 1_000, at: nil, includeOverdue: false, by: clerk)
            },
            try await measure("post movement (receipt, durable)", max(10, samples / 5)) { i in
                _ = try await store.post(.receipt(quantity: 1, to: "MAIN"), sku: skus[i % skus.count], reference: "BENCH", by: clerk)
            },
        ]
    }

    /// Posts `count` receipts as the clerk, one transaction each: the body of one writing process.
    static func postReceipts(_ store: Store, count: Int) async throws {
        let clerk = Actor(user: try await store.signIn("clerk"), source: .cli)
        let skus = try await store.items(limit: 50, by: clerk).filter(\.active).map(\.sku)
        guard !skus.isEmpty else { throw Failure(.notFound, "bench: no active items to post to") }
        for i in 0..<count {
            _ = try await store.post(.receipt(quantity: 1, to: "MAIN"), sku: skus[(Int(getpid()) + i) % skus.count], reference: "BENCH", by: clerk)
        }
    }

    /// Posts a second with eight processes writing at once (each `bench --post-loop`), process starts included.
    static func writers(path: String, processes: Int = 8, each: Int = 250) async throws -> Figure {
        let clock = ContinuousClock()
        let started = clock.now
        let running = try (0..<processes).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ServeSSH.executablePath)
            process.arguments = ["bench", "--db", path, "--user", "bench", "--post-loop", String(each)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        for process in running { process.waitUntilExit() }
        let wall = clock.now - started
        let failed = running.filter { $0.terminationStatus != 0 }.count
        let rate = Int(Double(processes * each) / wall.seconds)
        let value = "\(rate.grouped) posts/s" + (failed > 0 ? " (\(failed) processes failed)" : "")
        print("\("posts a second, \(processes) writing processes".padding(toLength: 50, withPad: " ", startingAt: 0)) \(value) (\(processes * each) posts in \(format(wall)))")
        return Figure(name: "posts/s, \(processes) writing processes", value: value)
    }

    /// How long after one session commits another session's store says it changed: what a console waits for before
    /// it re-reads (a console looks every 400 ms; on PostgreSQL a notification says it, on SQLite the change counter).
    static func changeSeen(path: String, samples: Int = 40) async throws -> Figure {
        let writer = try await Store.open(path: path), watcher = try await Store.open(path: path)
        let clerk = Actor(user: try await writer.signIn("clerk"), source: .cli)
        let sku = try await writer.items(limit: 1, by: clerk).first { $0.active }?.sku ?? ""
        _ = try await watcher.dataVersion()
        for _ in 0..<200 where !watcher.isListening { try await Task.sleep(for: .milliseconds(10)) }
        let clock = ContinuousClock()
        var seen: [Duration] = []
        for _ in 0..<samples {
            let before = try await watcher.dataVersion()
            _ = try await writer.post(.receipt(quantity: 1, to: "MAIN"), sku: sku, reference: "BENCH", by: clerk)
            let committed = clock.now
            while try await watcher.dataVersion() == before {
                if clock.now - committed > .seconds(5) { break }
                try await Task.sleep(for: .milliseconds(1))
            }
            seen.append(clock.now - committed)
        }
        await writer.close()
        await watcher.close()
        print(line("change seen by another session", seen))
        return Figure(name: "change seen by another session", value: summary(seen))
    }

    /// Runs a program with its input and output on /dev/null and gives its wall time, spawned and waited for directly:
    /// Foundation's `waitUntilExit` runs a run loop in 50 ms slices, and a wait that misses its wake-up rounds the
    /// figure up to the next slice (a 18 ms process measured 51 ms).
    static func runProgram(_ path: String, _ arguments: [String]) throws -> Duration {
        try spawn(path, arguments).wall
    }

    /// Runs a program to its end: its wall time and what it wrote to standard error. `environment` is added to ours.
    static func spawn(_ path: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (wall: Duration, errors: String) {
        var errorPipe: [Int32] = [0, 0]
        guard pipe(&errorPipe) == 0 else { throw Failure(.storeFailure, "bench: no pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        posix_spawn_file_actions_addclose(&actions, errorPipe[0])
        posix_spawn_file_actions_addclose(&actions, errorPipe[1])
        var variables = ProcessInfo.processInfo.environment
        variables.merge(environment) { $1 }
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let clock = ContinuousClock()
        let started = clock.now
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, path, &actions, nil, argv, envp)
        close(errorPipe[1])
        defer { close(errorPipe[0]) }
        guard spawned == 0 else { throw Failure(.storeFailure, "bench: cannot start \(path): \(String(cString: strerror(spawned)))") }
        var errors: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(errorPipe[0], &buffer, buffer.count)
            if count > 0 { errors += buffer[0..<count] } else if count == 0 || errno != EINTR { break }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let wall = clock.now - started
        let report = String(decoding: errors, as: UTF8.self)
        guard status == 0 else {
            throw Failure(.storeFailure, "bench: `\(path) \(arguments.joined(separator: " "))` exited with status \(status): "
                          + report.split(separator: "\n").prefix(5).joined(separator: "\n"))
        }
        return (wall, report)
    }

    /// Runs this binary once and returns its wall time and the peak memory it reports of itself.
    @discardableResult
    static func runSelf(_ arguments: [String]) throws -> (wall: Duration, peakKiB: Int) {
        let run = try spawn(ServeSSH.executablePath, arguments, environment: ["BACKOFFICE_REPORT_MEMORY": "1"])
        let kib = run.errors.split(separator: "\n").first { $0.hasPrefix("peak-resident-kib ") }.flatMap { Int($0.split(separator: " ")[1]) }
        return (run.wall, kib ?? 0)
    }

    private func sampleSKUs(_ store: Store, count: Int, total: Int, by clerk: Actor, rng: inout SeededRandom) async throws -> [String] {
        var skus: [String] = []
        for _ in 0..<count {
            let page = try await store.search("\(["FAS", "ELE", "PLU", "TOO", "SAF", "PAC"][Int(rng.next() % 6)]) \(String(format: "%06d", 1 + Int(rng.next() % UInt64(max(1, total)))).prefix(4))", limit: 1, by: clerk)
            if let item = page.first, item.active { skus.append(item.sku) }
        }
        if skus.isEmpty { skus = try await store.items(limit: 10, by: clerk).filter(\.active).map(\.sku) }
        guard !skus.isEmpty else { throw Failure(.notFound, "bench: the store has no active items to measure") }
        return skus
    }

    private func measure(_ name: String, _ count: Int, _ body: (Int) async throws -> Void) async throws -> Figure {
        let clock = ContinuousClock()
        for i in 0..<min(20, count) { try await body(i) }  // warm the page cache
        var durations: [Duration] = []
        durations.reserveCapacity(count)
        for i in 0..<count {
            let started = clock.now
            try await body(i)
            durations.append(clock.now - started)
        }
        print(Self.line(name, durations))
        return Figure(name: name, value: Self.summary(durations))
    }

    /// p50 and p99 of `durations`.
    static func summary(_ durations: [Duration]) -> String {
        let sorted = durations.sorted()
        func percentile(_ p: Double) -> Duration { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return "p50 \(format(percentile(0.5)))  p99 \(format(percentile(0.99)))"
    }

    static func line(_ name: String, _ durations: [Duration]) -> String {
        let sorted = durations.sorted()
        return "\(name.padding(toLength: 50, withPad: " ", startingAt: 0)) n=\(sorted.count)  p50 \(format(percentile(sorted, 0.5)))"
            + "  p99 \(format(percentile(sorted, 0.99)))  max \(format(sorted.last!))"
    }

    /// The value at fraction `p` (0.5 for the median) of a sorted, non-empty list.
    static func percentile<Value>(_ sorted: [Value], _ p: Double) -> Value {
        sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func format(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
        return ms >= 1_000 ? String(format: "%.2f s", ms / 1_000) : String(format: "%.3f ms", ms)
    }

    /// A memory figure of a process from the kernel (`VmRSS` resident now, `VmHWM` its peak, `RssAnon` its own pages,
    /// `RssFile` pages of its binary and libraries, which every process running them shares), in KiB; 0 when it has gone.
    static func memoryKiB(_ field: String, of process: String = "self") -> Int {
        kibField(field, in: "/proc/\(process)/status")
    }

    /// A process's memory, in KiB, from the kernel: what is resident now and at most, how much of it is the process's
    /// own pages and how much the pages of its binary and libraries (which every process running them shares), and its
    /// proportional share (`Pss`: each page divided by the processes that map it). All 0 once it has gone.
    struct ProcessMemory {
        var resident = 0, peak = 0, own = 0, shared = 0, proportional = 0

        init(of pid: Int32) {
            let process = String(pid)
            resident = memoryKiB("VmRSS", of: process)
            peak = memoryKiB("VmHWM", of: process)
            own = memoryKiB("RssAnon", of: process)
            shared = memoryKiB("RssFile", of: process)
            proportional = kibField("Pss", in: "/proc/\(process)/smaps_rollup")
        }
    }

    private static func kibField(_ field: String, in file: String) -> Int {
        let status = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
    }

    static func peakResidentKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
