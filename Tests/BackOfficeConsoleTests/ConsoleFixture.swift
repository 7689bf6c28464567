@testable import BackOfficeConsole
import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import TerminalUI

/// A real store in a temporary folder with a small known company, and a console runtime on it for one user whose
/// frames are rendered headlessly.
final class ConsoleFixture: @unchecked Sendable {
    let folder: TemporaryFolder
    let clock: TestClock
    let store: Store
    let admin: Actor
    var runtime: ConsoleRuntime
    let screen: GridScreen

    var path: String { folder.path("store.sqlite") }

    /// The names of the extra items, for tests of hostile and wide text.
    static let hostileName = "Evil \u{1b}]52;c;cm0gLXJmIH4=\u{7} \u{202e}gnp.exe\u{202c} zero\u{200b}width\u{7f}"
    static let wideName = "漢字ボルト M8"

    private init(folder: TemporaryFolder, clock: TestClock, store: Store, admin: Actor, runtime: ConsoleRuntime, screen: GridScreen) {
        self.folder = folder
        self.clock = clock
        self.store = store
        self.admin = admin
        self.runtime = runtime
        self.screen = screen
    }

    /// A company: MAIN and EAST (sellable) and QUAR (not), BOLT-1 with 100 at MAIN and 5 in QUAR, NUT-1, a wide and a
    /// hostile name, 40 filler widgets, the ACME account managed by morgan, and one request from sam about BOLT-1.
    static func make(user name: String = "clerk", width: Int = 80, height: Int = 24) async throws -> ConsoleFixture {
        let folder = TemporaryFolder()
        let clock = TestClock()
        let store = try await Store.create(path: folder.path("store.sqlite"), admin: "admin", clock: clock.function)
        let admin = Actor(user: try await store.signIn("admin"), source: .cli)
        for (user, role) in [("clerk", Role.clerk), ("morgan", .manager), ("sam", .sales)] {
            _ = try await store.addUser(User(name: user, displayName: user.capitalized, role: role), by: admin)
        }
        for (code, sellable) in [("MAIN", true), ("EAST", true), ("QUAR", false)] {
            _ = try await store.addLocation(Location(code: code, name: code.capitalized, sellable: sellable), by: admin)
        }
        let usd = { (cents: Int64) in Money(minorUnits: cents, currency: "USD") }
        _ = try await store.addItem(Item(sku: "BOLT-1", name: "Hex Bolt M8", unit: "EA", category: "Fasteners/Bolts", cost: usd(50),
                                         reorderPoint: 10), listPrice: usd(100), by: admin)
        _ = try await store.addItem(Item(sku: "NUT-1", name: "Hex Nut M8", unit: "EA", category: "Fasteners/Nuts", cost: usd(5),
                                         reorderPoint: 50), listPrice: usd(12), by: admin)
        _ = try await store.addItem(Item(sku: "WIDE-1", name: wideName, category: "Fasteners/Bolts"), listPrice: usd(300), by: admin)
        _ = try await store.addItem(Item(sku: "EVIL-1", name: "Evil", category: "Misc"), listPrice: usd(1), by: admin)
        // The store refuses control characters in names; data that came in some other way (an old import, a hand
        // edit of the file) may still hold them, and the console must draw it safely.
        try await store.execute("UPDATE items SET name = '\(hostileName)' WHERE sku = 'EVIL-1'")
        for index in 1...40 {
            _ = try await store.addItem(Item(sku: String(format: "WID-%04d", index), name: "Widget \(index)", category: "Widgets"),
                                        listPrice: usd(Int64(index * 10)), by: admin)
        }
        _ = try await store.post(.receipt(quantity: 100, to: "MAIN"), sku: "BOLT-1", reference: "PO-1", by: admin)
        _ = try await store.post(.receipt(quantity: 5, to: "QUAR"), sku: "BOLT-1", reference: "PO-2", by: admin)
        _ = try await store.addAccount(Account(code: "ACME", name: "Acme Building", manager: "morgan", backupManager: nil, priceList: ""),
                                       by: admin)
        let sam = Actor(user: try await store.signIn("sam"), source: .cli)
        _ = try await store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 30,
                                        text: "Can we ship 30 by Friday?", priority: .high, by: sam)
        let screen = GridScreen(width: width, height: height)
        let runtime = try await runtime(for: name, store: store, clock: clock, screen: screen)
        return ConsoleFixture(folder: folder, clock: clock, store: store, admin: admin, runtime: runtime, screen: screen)
    }

    /// Another user's console on the same store.
    static func attach(to other: ConsoleFixture, user name: String) async throws -> ConsoleFixture {
        let screen = GridScreen(width: other.screen.size.width, height: other.screen.size.height)
        let runtime = try await runtime(for: name, store: other.store, clock: other.clock, screen: screen)
        return ConsoleFixture(folder: other.folder, clock: other.clock, store: other.store, admin: other.admin, runtime: runtime, screen: screen)
    }

    private static func runtime(for name: String, store: Store, clock: TestClock, screen: GridScreen) async throws -> ConsoleRuntime {
        let user = try await store.signIn(name)
        let state = ConsoleState(user: user, storeName: "store.sqlite", width: screen.size.width, height: screen.size.height,
                                 now: clock.now)
        return ConsoleRuntime(store: store, actor: Actor(user: user, source: .console), state: state, clock: clock.function)
    }

    /// Opens the console: the first list page and the first item's detail are loaded. `bell` as `--bell` sets it.
    func start(bell: Bool = false) async {
        var state = runtime.state
        state.bell = bell
        let effects = Console.start(&state)
        runtime = ConsoleRuntime(store: store, actor: runtime.actor, state: state, clock: clock.function)
        await runtime.run(effects)
        await frame()
    }

    /// Types keys (each a character, or a named key) and renders the frame that follows.
    func press(_ keys: Key...) async {
        await runtime.handle(keys, size: screen.size)
        await frame()
    }

    func type(_ text: String) async {
        await runtime.handle(text.map { .character($0) }, size: screen.size)
        await frame()
    }

    /// Renders, then runs what waited for the frame (counts) and renders again, as the console's loop does.
    func frame() async {
        runtime.render(on: screen)
        if await runtime.runAfterFrame() { runtime.render(on: screen) }
    }

    func resize(width: Int, height: Int) async {
        screen.size = (width, height)
        await press(.resize)
    }

    var grid: Grid { screen.frames.last! }
    var text: String { grid.lines.joined(separator: "\n") }
    func row(_ y: Int) -> String { grid.text(row: y) }
    var messageLine: String { grid.text(row: grid.height - 2) }
    var state: ConsoleState { runtime.state }

    /// The first row whose text contains `needle`, and the column where it starts.
    func find(_ needle: String) -> (x: Int, y: Int)? {
        for y in 0..<grid.height {
            let line = grid.text(row: y)
            if let range = line.range(of: needle) {
                let prefix = String(line[line.startIndex..<range.lowerBound])
                return (TextWidth.of(prefix), y)
            }
        }
        return nil
    }

    func onHand(_ sku: String, at location: String) async throws -> Int {
        try await store.stock(sku: sku, by: admin).lines.first { $0.location == location }?.position.onHand ?? 0
    }
}

/// A screen that keeps every frame it is given, for tests that read the console's output as text and roles.
final class GridScreen: ConsoleScreen {
    var size: (width: Int, height: Int)
    var frames: [Grid] = []
    var cursors: [(x: Int, y: Int)?] = []
    let inputDescriptor: Int32 = -1

    init(width: Int, height: Int) {
        size = (width, height)
    }

    func readKey(timeoutMilliseconds: Int?) -> Key? { nil }

    func present(_ grid: Grid, cursor: (x: Int, y: Int)?) {
        frames.append(grid)
        cursors.append(cursor)
    }

    /// How many times the console rang the bell.
    var bells = 0

    func bell() { bells += 1 }

    /// What the console put on the clipboard, in order.
    var copied: [String] = []

    func copyToClipboard(_ text: String) { copied.append(text) }
}
