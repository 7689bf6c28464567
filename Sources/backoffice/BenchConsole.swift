import BackOfficeConsole
import BackOfficeCore
import BackOfficeStore
import CursesTerminal
import Foundation
import Synchronization
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

/// `bench --console`: the console's figures on a pseudo-terminal, keystroke in to frame out.
///
/// Each measured key is written to the terminal's input as a user's keyboard would send it; the time runs until the
/// frame it causes has been written to the terminal by ncurses (its queries run against the store in between). Bytes
/// are what ncurses wrote for that frame.
enum ConsoleBench {
    static func run(store: Store, path: String, samples: Int) async throws {
        let clerk = try await store.signIn("clerk")
        let actor = Actor(user: clerk, source: .console)

        for (width, height) in [(80, 24), (200, 60)] {
            let pty = try PseudoTerminalPair(width: width, height: height)
            let terminal = CursesTerminal()
            try terminal.start(term: "xterm-256color", input: pty.input, output: pty.output, locale: "C.UTF-8")
            terminal.setStyles(Theme.mono.roles)
            let state = ConsoleState(user: clerk, storeName: (path as NSString).lastPathComponent, width: width, height: height, now: Date())
            let runtime = ConsoleRuntime(store: store, actor: actor, state: state)
            await runtime.start(on: terminal)
            pty.settle()

            // Moving the selection: mostly single steps, a page now and then, as a clerk scrolls.
            var moves: [Duration] = [], moveBytes: [Int] = [], changedBytes: [Int] = [], ratios: [Double] = []
            for i in 0..<samples {
                let key = i % 50 == 49 ? "\u{1b}[6~" : (i % 10 < 7 ? "j" : "k")
                let shown = Console.view(runtime.state).grid
                let (time, bytes) = await pty.keystroke(key, runtime: runtime, terminal: terminal)
                moves.append(time)
                if key == "j" || key == "k" {
                    moveBytes.append(bytes)
                    let floor = Self.changedText(from: shown, to: Console.view(runtime.state).grid)
                    changedBytes.append(floor)
                    if floor > 0 { ratios.append(Double(bytes) / Double(floor)) }
                }
            }
            // Search as you type: words typed a character at a time, the box cleared between them.
            var searches: [Duration] = [], searchBytes: [Int] = [], slowest: [(Duration, String)] = []
            _ = await pty.keystroke("/", runtime: runtime, terminal: terminal)
            let words = ["hex bolt", "cable 2.5", "led panel", "valve", "fas-00012", "glove", "pipe cop", "drill"]
            var typed = 0
            while typed < samples {
                for word in words {
                    for (count, character) in word.enumerated() {
                        let (time, bytes) = await pty.keystroke(String(character), runtime: runtime, terminal: terminal)
                        searches.append(time)
                        searchBytes.append(bytes)
                        slowest.append((time, String(word.prefix(count + 1))))
                        typed += 1
                    }
                    _ = await pty.keystroke("\u{15}", runtime: runtime, terminal: terminal)  // Ctrl-U
                }
            }
            _ = await pty.keystroke("\u{1b}", runtime: runtime, terminal: terminal)

            // The selection bar alone: the list's selection moved, the detail left as it was (its queries not run).
            var barBytes: [Int] = []
            var still = runtime.state
            for i in 0..<min(samples, 200) {
                _ = still.inventory.list.table.handle(i % 10 < 7 ? .down : .up)
                let before = pty.bytesWritten
                let frame = Console.view(still)
                terminal.present(frame.grid, cursor: frame.cursor)
                pty.settle()
                barBytes.append(pty.bytesWritten - before)
            }

            // Building a frame, without the terminal: the view of the current state.
            let clock = ContinuousClock()
            var builds: [Duration] = []
            for _ in 0..<samples {
                let started = clock.now
                _ = Console.view(runtime.state)
                builds.append(clock.now - started)
            }
            terminal.stop()

            print("console at \(width)x\(height):")
            print(Bench.line("  keystroke to frame: selection move (j k PgDn)", moves))
            print(Bench.line("  keystroke to frame: search as you type", searches))
            print("    slowest search keystrokes: " + slowest.sorted { $0.0 > $1.0 }.prefix(5)
                .map { "\"\($0.1)\" \(Bench.format($0.0))" }
                .joined(separator: ", "))
            print(Bench.line("  frame build (view of the state, no terminal)", builds))
            print("  bytes written for one selection move (the new item's detail included): " + Self.summary(moveBytes))
            print("  UTF-8 bytes of the cells that changed (the floor): " + Self.summary(changedBytes))
            let sorted = ratios.sorted()
            if !sorted.isEmpty {
                print("  written / floor for one selection move: p50 \(String(format: "%.2f", Bench.percentile(sorted, 0.5)))×"
                      + "  p99 \(String(format: "%.2f", Bench.percentile(sorted, 0.99)))×")
            }
            print("  bytes written for the selection bar alone (detail unchanged): " + Self.summary(barBytes))
            print("  bytes written for one search keystroke: " + Self.summary(searchBytes))
        }
    }

    /// The UTF-8 bytes of the cells of `after` that differ from `before`: what a terminal must be sent at the least.
    static func changedText(from before: Grid, to after: Grid) -> Int {
        guard before.width == after.width, before.height == after.height else { return 0 }
        var bytes = 0
        for y in 0..<after.height {
            for x in 0..<after.width {
                guard let cell = after[x, y], !cell.isContinuation, before[x, y] != cell else { continue }
                bytes += cell.text.utf8.count
            }
        }
        return bytes
    }

    /// A real console process on a pseudo-terminal: time to its first frame and its memory after some use.
    static func measureProcess(path: String) throws {
        let pty = try PseudoTerminalPair(width: 120, height: 40)
        let executable = ServeSSH.executablePath
        let clock = ContinuousClock()
        let started = clock.now
        let pid = try pty.spawn([executable, "console", "--db", path, "--user", "clerk"],
                                environment: ["TERM=xterm-256color", "LANG=C.UTF-8", "PATH=/usr/bin:/bin"])
        pty.waitForQuiet(afterBytes: 1, quietMilliseconds: 150, timeoutSeconds: 30)
        let firstFrame = pty.firstScreenAt.map { $0 - started } ?? .zero
        let settled = pty.lastByteAt.map { $0 - started } ?? .zero
        for key in ["/", "h", "e", "x", " ", "b", "o", "l", "t", "\r"] + Array(repeating: "j", count: 200) + ["\u{1b}[6~", "2", "3", "1"] {
            pty.type(key)
            usleep(5_000)
        }
        pty.waitForQuiet(afterBytes: 0, quietMilliseconds: 300, timeoutSeconds: 10)
        let memory = Bench.ProcessMemory(of: pid)
        pty.type("q")
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) == -1 && errno == EINTR {}
        print("console process (120x40): first frame \(Bench.format(firstFrame)) after start (screen settled \(Bench.format(settled)));"
              + " resident \(memory.resident / 1024) MiB after a search and 200 moves (peak \(memory.peak / 1024) MiB:"
              + " \(memory.shared / 1024) MiB of it pages of the binary and its libraries, \(memory.own / 1024) MiB its own);"
              + " exit status \(exitStatus)")
    }

    /// How long after a salesperson files a request the account manager's console (a real process on a pseudo-terminal,
    /// started with `--bell`) notices: the time from the filing's commit to the bell, which the console rings in the
    /// same pass that reads the new badge, right before it draws the frame.
    static func measureBadge(store: Store, path: String, samples: Int) async throws {
        let pty = try PseudoTerminalPair(width: 80, height: 24)
        let pid = try pty.spawn([ServeSSH.executablePath, "console", "--db", path, "--user", "manager", "--bell"],
                                environment: ["TERM=xterm-256color", "LANG=C.UTF-8", "PATH=/usr/bin:/bin"])
        pty.waitForQuiet(afterBytes: 1, quietMilliseconds: 300, timeoutSeconds: 30)
        let sales = Actor(user: try await store.signIn("sales"), source: .cli)
        // The manager's accounts: requests filed on them land with the manager.
        let accounts = try await store.accounts(after: "", limit: 1_000, search: nil, by: sales).filter { $0.manager == "manager" }
        guard let account = accounts.first else { throw Failure(.usage, "bench: the store has no account managed by `manager`") }
        var latencies: [Duration] = []
        var filed: [Int64] = []
        for i in 0..<samples {
            // At a random point of the console's 400 ms look for changes, as a real filing would be.
            usleep(UInt32.random(in: 50_000...450_000))
            let bells = pty.bells
            let started = ContinuousClock.now
            let request = try await store.fileRequest(kind: .stock, account: account.code, sku: nil, quantity: nil,
                                                      text: "bench badge \(i)", priority: .normal, by: sales)
            filed.append(request.id)
            guard let rang = pty.waitForBell(after: bells, timeoutSeconds: 5) else { continue }
            latencies.append(rang - started)
        }
        pty.type("q")
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) == -1 && errno == EINTR {}
        // The bench's requests are closed again, so the store's queue looks as it did.
        for id in filed { _ = try? await store.act(on: id, .close, text: "", assignTo: nil, by: sales) }
        guard !latencies.isEmpty else {
            print("badge: the manager's console never rang in \(samples) filings")
            return
        }
        print(Bench.line("badge: sales files, manager's console rings", latencies)
              + "  (\(latencies.count) of \(samples) rang; the console looks for changes every"
              + " \(Int(ConsoleRuntime.changeCheckInterval * 1000)) ms)")
    }

    static func summary(_ bytes: [Int]) -> String {
        guard !bytes.isEmpty else { return "none" }
        let sorted = bytes.sorted()
        return "p50 \(sorted[sorted.count / 2])  p99 \(sorted[min(sorted.count - 1, sorted.count * 99 / 100)])  max \(sorted.last!)"
    }
}

/// A pseudo-terminal whose master side is drained by a thread that counts what the terminal wrote.
final class PseudoTerminalPair: @unchecked Sendable {
    let master: Int32
    let slave: Int32
    let input: UnsafeMutablePointer<FILE>
    let output: UnsafeMutablePointer<FILE>
    private let written = Mutex<(bytes: Int, last: ContinuousClock.Instant?)>((0, nil))
    /// Each bell (BEL) the terminal wrote, when it was read.
    private let bellTimes = Mutex<[ContinuousClock.Instant]>([])
    /// When the first screenful ended: the last byte before the output first paused for 5 ms with 2,000 bytes or more
    /// written (what follows a frame, such as a count drawn after it, is not part of it).
    private let firstScreen = Mutex<ContinuousClock.Instant?>(nil)
    private var reader: Thread?

    init(width: Int, height: Int) throws {
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw Failure(.storeFailure, "bench: openpty failed (errno \(errno))") }
        guard let input = fdopen(dup(slave), "r"), let output = fdopen(dup(slave), "w") else {
            throw Failure(.storeFailure, "bench: fdopen failed (errno \(errno))")
        }
        self.master = master
        self.slave = slave
        self.input = input
        self.output = output
        let thread = Thread { [self] in self.drainForever() }
        thread.start()
        reader = thread
    }

    private func drainForever() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count <= 0 { if errno == EINTR { continue } else { return } }
            let now = ContinuousClock.now
            let rung = buffer[0..<count].filter { $0 == 0x07 }.count
            if rung > 0 { bellTimes.withLock { $0 += Array(repeating: now, count: rung) } }
            let (before, previous) = written.withLock { state in
                defer { state = (state.bytes + count, now) }
                return (state.bytes, state.last)
            }
            if let previous, before >= 2_000, now - previous >= .milliseconds(5) {
                firstScreen.withLock { if $0 == nil { $0 = previous } }
            }
        }
    }

    var bytesWritten: Int { written.withLock { $0.bytes } }
    /// How many bells the terminal has written.
    var bells: Int { bellTimes.withLock { $0.count } }

    /// When bell number `count + 1` was read, waiting for it at most `timeoutSeconds`; nil when none came.
    func waitForBell(after count: Int, timeoutSeconds: Double) -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
        while ContinuousClock.now < deadline {
            if let time = bellTimes.withLock({ $0.count > count ? $0[count] : nil }) { return time }
            usleep(500)
        }
        return nil
    }
    var lastByteAt: ContinuousClock.Instant? { written.withLock { $0.last } }
    /// The end of the first screenful; the last byte when the output has not paused since.
    var firstScreenAt: ContinuousClock.Instant? { firstScreen.withLock { $0 } ?? lastByteAt }

    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Waits until the terminal's output has all been read.
    func settle() {
        var entry = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        var spins = 0
        while poll(&entry, 1, 0) > 0 && spins < 10_000 {
            usleep(50)
            spins += 1
        }
        usleep(300)
    }

    /// Waits until `afterBytes` have come and then nothing for `quietMilliseconds`.
    func waitForQuiet(afterBytes: Int, quietMilliseconds: Int, timeoutSeconds: Double) {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeoutSeconds * 1000))
        let start = bytesWritten
        while ContinuousClock.now < deadline {
            usleep(10_000)
            guard bytesWritten - start >= afterBytes, let last = lastByteAt else { continue }
            if ContinuousClock.now - last >= .milliseconds(quietMilliseconds) { return }
        }
    }

    /// Sends a key, lets the console handle every key waiting, runs its queries and presents the frame; returns the
    /// time from the key leaving the keyboard to the frame's last byte written, and the frame's bytes.
    func keystroke(_ key: String, runtime: ConsoleRuntime, terminal: CursesTerminal) async -> (Duration, Int) {
        let before = bytesWritten
        let clock = ContinuousClock()
        let started = clock.now
        type(key)
        var keys: [Key] = []
        if let first = terminal.readKey(timeoutMilliseconds: 100) { keys.append(first) }
        while let more = terminal.readKey(timeoutMilliseconds: 0) { keys.append(more) }
        await runtime.handle(keys, size: terminal.size)
        runtime.render(on: terminal)
        let elapsed = clock.now - started
        settle()
        let written = bytesWritten - before
        // What waited for the frame (a count) runs before the next key, as in the console's loop, untimed.
        if await runtime.runAfterFrame() {
            runtime.render(on: terminal)
            settle()
        }
        return (elapsed, written)
    }

    /// Starts `arguments` with the pseudo-terminal as its standard input, output and error.
    func spawn(_ arguments: [String], environment: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor in Int32(0)...2 { posix_spawn_file_actions_adddup2(&actions, slave, descriptor) }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, envp)
        guard result == 0 else { throw Failure(.storeFailure, "bench: cannot start \(arguments[0]) (error \(result))") }
        return pid
    }
}
