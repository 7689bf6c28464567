import BackOfficeTestSupport
import Foundation
import Testing

/// The real `backoffice` binary in tmux: what a clerk and a manager see and do, keystroke by keystroke.
@Suite("Console end to end in tmux", .enabled(if: tmuxPath != nil, "tmux is not installed"), .serialized)
struct ConsoleEndToEndTests {
    /// A demo store and a tmux server whose panes run a plain shell with a known prompt.
    final class Session {
        let folder = TemporaryFolder()
        let tmux = Tmux(path: tmuxPath!)
        var store: String { folder.path("demo.sqlite") }

        init() throws {
            let created = try runBackoffice(["init", "--demo", "--items", "300", "--db", store], in: folder)
            guard created.status == 0 else { throw Tmux.Failure(description: "init failed: \(created.stderr)") }
        }

        deinit { tmux.killServer() }

        /// Opens a shell in a new tmux window `name` of the given size and starts the console in it as `user`.
        func openConsole(_ name: String, user: String, width: Int = 80, height: Int = 24) throws {
            let shell = "env -i PATH=/usr/bin:/bin HOME=\(folder.path("")) TERM=tmux-256color LANG=C.UTF-8 PS1='READY$ ' /bin/sh -i"
            if (try? tmux.run(["has-session", "-t", "e2e"])) == nil {
                try tmux.run(["new-session", "-d", "-s", "e2e", "-n", name, "-x", "\(width)", "-y", "\(height)", shell])
            } else {
                try tmux.run(["new-window", "-d", "-t", "e2e", "-n", name, shell])
            }
            try tmux.run(["set-option", "-t", "e2e", "window-size", "manual"])
            try tmux.run(["resize-window", "-t", "e2e:\(name)", "-x", "\(width)", "-y", "\(height)"])
            _ = try screen(name, until: { $0.contains { $0.contains("READY$") } })
            try type(name, "\(backofficeBinary.path) --db \(store) --user \(user)")
            try key(name, "Enter")
            _ = try screen(name, until: { $0.first?.contains("1 Inventory") == true && $0.contains { $0.contains("items") } })
        }

        /// Like `openConsole`, with another copy of the binary.
        func openConsole(_ name: String, binary: String, user: String) throws {
            let shell = "env -i PATH=/usr/bin:/bin HOME=\(folder.path("home")) TERM=tmux-256color LANG=C.UTF-8 PS1='READY$ ' /bin/sh -i"
            try tmux.run(["new-session", "-d", "-s", "e2e", "-n", name, "-x", "80", "-y", "24", shell])
            _ = try screen(name, until: { $0.contains { $0.contains("READY$") } })
            try type(name, "\(binary) --db \(store) --user \(user)")
            try key(name, "Enter")
            _ = try screen(name, until: { $0.first?.contains("1 Inventory") == true && $0.contains { $0.contains("items") } })
        }

        func type(_ window: String, _ text: String) throws {
            try tmux.run(["send-keys", "-t", "e2e:\(window)", "-l", text])
        }

        func key(_ window: String, _ names: String...) throws {
            try tmux.run(["send-keys", "-t", "e2e:\(window)"] + names)
        }

        @discardableResult
        func screen(_ window: String, seconds: Double = 10, until done: ([String]) -> Bool) throws -> [String] {
            try tmux.waitForScreen(target: "e2e:\(window)", seconds: seconds, until: done)
        }

        func cli(_ arguments: [String]) throws -> CommandResult {
            try runBackoffice(["--db", store] + arguments, in: folder)
        }
    }

    /// The first item of the demo store and its on-hand quantity, as the command line reports them.
    func firstItem(_ session: Session) throws -> (sku: String, onHand: Int) {
        let items = try session.cli(["--user", "clerk", "items", "list", "--json"])
        let sku = try #require(((items.json as? [[String: Any]])?.first?["sku"]) as? String)
        let stock = try session.cli(["--user", "clerk", "stock", sku, "--json"])
        let lines = try #require((stock.json as? [String: Any])?["locations"] as? [[String: Any]])
        let onHand = lines.compactMap { $0["onHand"] as? Int }.reduce(0, +)
        return (sku, onHand)
    }

    @Test func givenTheBinaryCopiedAloneIntoAnEmptyFolderWhenTheConsoleStartsThenItDrawsInTheDefaultThemeWithoutAWarning() throws {
        let session = try Session()
        let alone = session.folder.path("alone")
        try FileManager.default.createDirectory(atPath: alone, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: session.folder.path("home"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: backofficeBinary.path, toPath: alone + "/backoffice")
        #expect(try FileManager.default.contentsOfDirectory(atPath: alone) == ["backoffice"])

        try session.openConsole("alone", binary: alone + "/backoffice", user: "clerk")

        let plain = try session.screen("alone") { _ in true }
        #expect(!plain.joined().contains("theme"), "\(plain.joined(separator: "\n"))")
        // In colour: the default theme's cyan (36) or blue (34) reach the terminal, which mono never sends.
        let styled = try session.tmux.run(["capture-pane", "-e", "-p", "-t", "e2e:alone"])
        #expect(styled.contains("\u{1b}[") && (styled.contains("36m") || styled.contains("34m") || styled.contains(";36") || styled.contains(";34")),
                "\(styled.debugDescription.prefix(400))")
    }

    @Test func givenTwoConsolesWhenOneReceivesStockThroughTheFormThenBothShowTheNewQuantity() throws {
        let session = try Session()
        let (sku, onHand) = try firstItem(session)
        try session.openConsole("one", user: "clerk")
        try session.openConsole("two", user: "clerk")

        // Search the item in both.
        for window in ["one", "two"] {
            try session.type(window, "/\(sku)")
            try session.key(window, "Enter")
            let screen = try session.screen(window) { $0.count > 3 && $0[3].hasPrefix(sku) }
            #expect(screen[3].hasPrefix(sku), "\(screen.joined(separator: "\n"))")
        }

        // Receive 40 through the form in the first.
        try session.type("one", "r")
        try session.screen("one") { $0.contains { $0.contains("Receipt · \(sku)") } }
        try session.key("one", "Tab")
        try session.type("one", "40")
        try session.key("one", "C-s")
        try session.screen("one") { $0.contains { $0.contains("Receive 40 × \(sku)") } }
        try session.type("one", "y")
        let after = try session.screen("one") { $0.contains { $0.contains("received 40 × \(sku)") } }
        #expect(after[3].hasPrefix(sku) && after[3].contains(" \(onHand + 40) "), "\(after.joined(separator: "\n"))")

        // The second sees it with no key pressed.
        let other = try session.screen("two", seconds: 5) { $0.count > 3 && $0[3].contains(" \(onHand + 40) ") }
        #expect(other[3].contains(" \(onHand + 40) "), "\(other.joined(separator: "\n"))")
    }

    @Test func givenAManagerWhenAnsweringARequestWithLiveFactsThenTheQueueShowsItAnswered() throws {
        let session = try Session()
        let (sku, _) = try firstItem(session)
        let filed = try session.cli(["--user", "sales", "request", "new", "--account", "ACME", "--sku", sku, "--qty", "12",
                                     "--kind", "stock", "--json", "How many can we ship today?"])
        let id = try #require((filed.json as? [String: Any])?["id"] as? Int, "\(filed.stderr)")
        try session.openConsole("queue", user: "manager", width: 120, height: 40)

        try session.type("queue", ":req \(id)")
        try session.key("queue", "Enter")
        try session.screen("queue") { $0.contains { $0.contains("#\(id) stock · ACME · \(sku) × 12") } }
        try session.type("queue", "a")
        try session.screen("queue") { $0.contains { $0.contains("Answer #\(id)") } }
        try session.key("queue", "C-l")
        try session.screen("queue") { $0.contains { $0.contains("Available now") || $0.contains("in all") } }
        try session.key("queue", "C-s")
        let screen = try session.screen("queue") { $0.contains { $0.contains("request #\(id) answered") } }
        #expect(screen.contains { $0.contains("request #\(id) answered") }, "\(screen.joined(separator: "\n"))")

        let shown = try session.cli(["--user", "manager", "request", "show", "\(id)", "--json"])
        #expect(shown.stdout.contains("\"answered\""))
        #expect(shown.stdout.contains("Available now"))
    }

    @Test func givenAResizeBelow80x24AndBackWhenQuittingThenTheShellPromptReturns() throws {
        let session = try Session()
        try session.openConsole("main", user: "clerk")

        try session.tmux.run(["resize-window", "-t", "e2e:main", "-x", "60", "-y", "20"])
        let small = try session.screen("main") { $0.contains { $0.contains("make the terminal at least 80x24") } }
        #expect(small.contains { $0.contains("(it is 60x20 now)") }, "\(small.joined(separator: "\n"))")

        try session.tmux.run(["resize-window", "-t", "e2e:main", "-x", "80", "-y", "24"])
        let back = try session.screen("main") { $0.first?.contains("1 Inventory") == true && $0.count > 3 && $0[2].hasPrefix("SKU") }
        #expect(back.count >= 23, "\(back.joined(separator: "\n"))")

        try session.type("main", "q")
        // A fresh prompt under the command that started the console, and nothing of the console left on screen.
        let shell = try session.screen("main") { $0.last == "READY$" }
        #expect(shell.last == "READY$", "\(shell.joined(separator: "\n"))")
        #expect(!shell.contains { $0.contains("1 Inventory") })
        // The terminal is usable again: what is typed echoes.
        try session.type("main", "echo still-here")
        try session.key("main", "Enter")
        let echoed = try session.screen("main") { $0.contains("still-here") }
        #expect(echoed.contains("still-here"))
    }

    /// The CSV files `E` wrote for `user`, under the session's data directory.
    func exports(_ session: Session, user: String) -> [String] {
        let folder = session.folder.path(".local/share/backoffice/exports/\(user)")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted().map { folder + "/" + $0 }
    }

    @Test func givenASalespersonAndAClerkWhenEachPressesEThenTheWholeListIsWrittenWithOnlyWhatTheirRoleMaySee() throws {
        let session = try Session()
        try session.openConsole("sales", user: "sales")
        try session.type("sales", "E")
        let told = try session.screen("sales") { $0.contains { $0.contains("exported 300 rows to inventory-") } }
        #expect(told.contains { $0.contains("exported 300 rows to inventory-") && $0.contains(".csv in ~/.local/share/") },
                "\(told.joined(separator: "\n"))")
        let files = exports(session, user: "sales")
        #expect(files.count == 1 && files.first?.hasSuffix(".csv") == true, "\(files)")
        let text = try String(contentsOfFile: try #require(files.first), encoding: .utf8)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: true)
        #expect(lines.first == "sku,name,category,unit,on_hand,reserved,available,reorder_point")
        #expect(lines.count == 301)
        // The file is the user's alone.
        var info = stat()
        #expect(stat(try #require(files.first), &info) == 0 && info.st_mode & 0o077 == 0)
        // A second export in the same second is a new file, never the first one replaced.
        try session.type("sales", "E")
        _ = try session.screen("sales") { _ in exports(session, user: "sales").count == 2 }
        #expect(exports(session, user: "sales").count == 2)

        try session.openConsole("clerk", user: "clerk")
        try session.type("clerk", "E")
        _ = try session.screen("clerk") { $0.contains { $0.contains("exported 300 rows to") } }
        let clerkFile = try #require(exports(session, user: "clerk").first)
        let clerkText = try String(contentsOfFile: clerkFile, encoding: .utf8)
        #expect(clerkText.hasPrefix("sku,name,category,unit,on_hand,reserved,available,reorder_point,cost\r\n"))
    }

    @Test func givenAnAnsweredRequestWhenTheRequesterPressesYThenTheAnswerReachesTmuxsClipboardAsText() throws {
        let session = try Session()
        try session.tmux.run(["start-server"])
        let listed = try session.cli(["--user", "manager", "request", "list", "--view", "all", "--state", "answered", "--json"])
        let answered = try #require((listed.json as? [[String: Any]])?.first)
        let id = try #require(answered["id"] as? Int), requester = try #require(answered["requester"] as? String)
        try session.openConsole("queue", user: requester)
        try session.tmux.run(["set-option", "-s", "set-clipboard", "on"])
        try session.type("queue", "3")
        try session.type("queue", "/")
        try session.type("queue", "\(id)")
        try session.key("queue", "Enter")
        _ = try session.screen("queue") { $0.contains { $0.contains("#\(id) ") || $0.contains("request #\(id)") } }
        try session.type("queue", "y")
        let told = try session.screen("queue") { $0.contains { $0.contains("to the clipboard") } }
        #expect(told.contains { $0.contains("copied request #\(id)'s answer to the clipboard") }, "\(told.joined(separator: "\n"))")
        let buffer = try session.tmux.run(["show-buffer"])
        #expect(buffer.hasPrefix("Request #\(id) ("), "\(buffer)")
        #expect(!buffer.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    }
}
