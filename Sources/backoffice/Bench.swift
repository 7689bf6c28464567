import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build or open a store of N items and print latency figures, store size and peak memory.",
        discussion: """
            The store is --db, else bench-N.sqlite in the data directory; it is built with the demo company when missing.
            bench posts movements, so it only runs on a store it built itself (one with a `bench` user).
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
        let path = global.namedStorePath ?? GlobalOptions.dataDirectory + "/bench-\(items).sqlite"
        let clock = ContinuousClock()
        if !FileManager.default.fileExists(atPath: path) {
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
            await store.close()
            try ConsoleBench.measureProcess(path: path)
            return
        }
        let clerk = Actor(user: try await store.signIn("clerk"), source: .cli)
        let catalogue = try await store.diagnose().counts["items"] ?? items
        var rng = SeededRandom(seed: 99)
        let skus = try await sampleSKUs(store, count: min(catalogue, 200), total: catalogue, by: clerk, rng: &rng)
        let accounts = try await store.accounts(limit: 100, by: clerk).map(\.code)
        guard !accounts.isEmpty else { throw Failure(.notFound, "bench: the store has no accounts to quote for") }
        let words = ["sta", "bo", "hex", "m8", "cab", "led", "val", "gl", "tape", "drill", "pre", "saf", "fas-0001", "pipe co", "z"]

        print("store \(path): \(catalogue) items, SQLite \(Store.sqliteVersion.text)")
        try await measure("search (prefix, 20 results)", samples) { i in _ = try await store.search(words[i % words.count], limit: 20, by: clerk) }
        try await measure("stock answer", samples) { i in _ = try await store.stock(sku: skus[i % skus.count], by: clerk) }
        try await measure("price quote", samples) { i in
            _ = try await store.quote(sku: skus[i % skus.count], account: accounts[i % accounts.count], quantity: 1 + i % 120, by: clerk)
        }
        try await measure("post movement (receipt, fsync)", max(10, samples / 5)) { i in
            _ = try await store.post(.receipt(quantity: 1, to: "MAIN"), sku: skus[i % skus.count], reference: "BENCH", by: clerk)
        }
        let diagnosis = try await store.diagnose()
        await store.close()
        print("store size: \(diagnosis.fileBytes / 1_048_576) MiB (+ \(diagnosis.walBytes / 1_048_576) MiB WAL)")
        print("peak memory of this process: \(Self.peakResidentKiB() / 1024) MiB")

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
        print(Self.line("one-shot `backoffice stock` process (wall)", walls))
        print("peak memory of one `backoffice stock` process: \(peakKiB / 1024) MiB")
        print(Self.line("`backoffice --help` process (wall, for scale)", idle))
    }

    /// Runs a program to completion, its output discarded; its wall time, or a failure naming it.
    @discardableResult
    static func runProgram(_ path: String, _ arguments: [String]) throws -> Duration {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let clock = ContinuousClock()
        let started = clock.now
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(.storeFailure, "bench: `\(path) \(arguments.joined(separator: " "))` exited with \(process.terminationStatus)")
        }
        return clock.now - started
    }

    /// Runs this binary once and returns its wall time and the peak memory it reports of itself.
    @discardableResult
    static func runSelf(_ arguments: [String]) throws -> (wall: Duration, peakKiB: Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServeSSH.executablePath)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["BACKOFFICE_REPORT_MEMORY"] = "1"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let clock = ContinuousClock()
        let started = clock.now
        try process.run()
        process.waitUntilExit()
        let wall = clock.now - started
        let report = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(.storeFailure, "bench: `backoffice \(arguments.joined(separator: " "))` failed: "
                          + report.split(separator: "\n").prefix(5).joined(separator: "\n"))
        }
        let kib = report.split(separator: "\n").first { $0.hasPrefix("peak-resident-kib ") }.flatMap { Int($0.split(separator: " ")[1]) }
        return (wall, kib ?? 0)
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

    private func measure(_ name: String, _ count: Int, _ body: (Int) async throws -> Void) async throws {
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
    }

    static func line(_ name: String, _ durations: [Duration]) -> String {
        let sorted = durations.sorted()
        func percentile(_ p: Double) -> Duration { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        return "\(name.padding(toLength: 50, withPad: " ", startingAt: 0)) n=\(sorted.count)  p50 \(format(percentile(0.5)))  p99 \(format(percentile(0.99)))  max \(format(sorted.last!))"
    }

    static func format(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1_000 + Double(duration.components.attoseconds) / 1e15
        return ms >= 1_000 ? String(format: "%.2f s", ms / 1_000) : String(format: "%.3f ms", ms)
    }

    /// A memory figure of a process from the kernel (`VmRSS` resident now, `VmHWM` its peak), in KiB; 0 when it has gone.
    static func memoryKiB(_ field: String, of process: String = "self") -> Int {
        let status = (try? String(contentsOfFile: "/proc/\(process)/status", encoding: .utf8)) ?? ""
        return status.split(separator: "\n").first { $0.hasPrefix(field + ":") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
    }

    static func peakResidentKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
