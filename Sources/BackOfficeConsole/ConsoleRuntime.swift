import BackOfficeCore
import Foundation
import TerminalUI

#if canImport(Glibc)
import Glibc
#endif

/// What the runtime needs from a terminal: its size, keys, and a way to show a frame. The curses backend provides it;
/// the console never calls ncurses itself.
public protocol ConsoleScreen: AnyObject {
    var size: (width: Int, height: Int) { get }
    /// The descriptor keys arrive on, so the runtime can sleep until a key comes.
    var inputDescriptor: Int32 { get }
    /// The next key already typed, waiting at most `timeoutMilliseconds`; nil when none.
    func readKey(timeoutMilliseconds: Int?) -> Key?
    func present(_ grid: Grid, cursor: (x: Int, y: Int)?)
    /// Rings the terminal's bell (audible or visible, as the terminal is set up).
    func bell()
    /// Puts text on the clipboard of the terminal the user sits at (OSC 52: through tmux and SSH).
    func copyToClipboard(_ text: String)
}

/// A new file an export is written to, appearing under its name only when `finish` succeeds.
public protocol ConsoleExportFile: AnyObject {
    /// Where the finished file is, as the user is told.
    var path: String { get }
    func write(_ text: String) throws
    func finish() throws
    /// Removes what was written: the export failed.
    func abandon()
}

/// Runs the console: turns keys and store changes into messages, runs the effects `update` asks for against the
/// store, and presents each frame.
///
/// Effects run one after another, between frames. Keys typed meanwhile wait in the terminal's input queue, never
/// dropped; all waiting keys are handled before the next query runs, and a query made stale by a later key (the
/// search for "bol" when "bolt" was typed too) is skipped.
public final class ConsoleRuntime {
    public let store: any StoreContract
    public let actor: Actor
    public private(set) var state: ConsoleState
    private let clock: @Sendable () -> Date
    private var dataVersion: Int64?
    private var lastCheck = Date.distantPast
    /// The effects that wait for the frame (`waitsForFrame`): counting a million items takes 40 ms in a fresh process.
    private var afterFrame: [ConsoleEffect] = []
    private var runningAfterFrame = false

    /// How often the store is asked whether another session changed it.
    public static let changeCheckInterval: TimeInterval = 0.4

    /// When the SSH server this console runs under is stopping, the time the session ends (looked at with the store's
    /// changes); nil when it is not, or when no server started this console.
    public var stopNotice: (@Sendable () -> Date?)?
    private var toldStopping = false
    /// Opens a new export file by name in the user's export folder; nil where the console may write no files.
    public var openExport: ((_ name: String) throws -> any ConsoleExportFile)?
    /// The screen last rendered on, for the effects that reach the terminal itself (the bell).
    private weak var screen: ConsoleScreen?

    public init(store: any StoreContract, actor: Actor, state: ConsoleState, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.actor = actor
        self.state = state
        self.clock = clock
    }

    // MARK: - The loop

    /// Runs until the user quits.
    public func run(on screen: ConsoleScreen) async {
        await start(on: screen)
        while !state.quitting {
            let timeout = max(0, Int((Self.changeCheckInterval - clock().timeIntervalSince(lastCheck)) * 1000))
            waitForInput(screen.inputDescriptor, milliseconds: min(timeout, 1000))
            await handle(readWaitingKeys(screen), size: screen.size)
            if state.quitting { break }
            await checkForChanges()
            render(on: screen)
            if !hasInput(screen.inputDescriptor), await runAfterFrame() { render(on: screen) }
        }
    }

    /// Runs what waited for the frame to be shown (counts); true when there was something, so the frame is drawn again.
    public func runAfterFrame() async -> Bool {
        guard !afterFrame.isEmpty else { return false }
        let effects = afterFrame
        afterFrame = []
        runningAfterFrame = true
        defer { runningAfterFrame = false }
        await run(effects)
        return true
    }

    /// Whether a key is waiting (its frame comes first, then what waited).
    private func hasInput(_ descriptor: Int32) -> Bool {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) > 0
    }

    /// Fills the first screen: the list, the first item's detail, the store's change counter.
    public func start(on screen: ConsoleScreen) async {
        state.width = screen.size.width
        state.height = screen.size.height
        state.now = clock()
        await run(Console.start(&state))
        dataVersion = try? await store.dataVersion()
        lastCheck = clock()
        render(on: screen)
        if await runAfterFrame() { render(on: screen) }
    }

    /// Every key already typed (up to a screenful of them), without waiting.
    func readWaitingKeys(_ screen: ConsoleScreen) -> [Key] {
        var keys: [Key] = []
        while keys.count < 512, let key = screen.readKey(timeoutMilliseconds: 0) {
            keys.append(key)
        }
        return keys
    }

    /// Handles keys in order, then runs what they asked for.
    public func handle(_ keys: [Key], size: (width: Int, height: Int)) async {
        var effects: [ConsoleEffect] = []
        for key in keys {
            if key == .resize {
                effects += Console.update(&state, .resized(width: size.width, height: size.height))
            } else {
                effects += Console.update(&state, .key(key))
            }
            if state.quitting {
                // The view the user leaves the panes in is written before the session ends.
                await run(effects.filter { if case .rememberView = $0 { true } else { false } })
                return
            }
        }
        if state.width != size.width || state.height != size.height {
            // A resize seen only as a new size (the signal went to another thread).
            effects += Console.update(&state, .resized(width: size.width, height: size.height))
        }
        await run(effects)
    }

    /// Asks the store whether another session committed since the last look; refreshes the screen when it did.
    public func checkForChanges(force: Bool = false) async {
        let now = clock()
        guard force || now.timeIntervalSince(lastCheck) >= Self.changeCheckInterval else { return }
        lastCheck = now
        if !toldStopping, let end = stopNotice?() {
            toldStopping = true
            _ = Console.update(&state, .serverStopping(end))
        }
        guard let version = try? await store.dataVersion() else {
            _ = Console.update(&state, .tick(now, live: false))
            return
        }
        let ticked = Console.update(&state, .tick(now, live: true))
        let changed = dataVersion.map { $0 != version } ?? false
        dataVersion = version
        await run(changed ? Console.update(&state, .storeChanged) : ticked)
    }

    public func render(on screen: ConsoleScreen) {
        self.screen = screen
        let frame = Console.view(state)
        screen.present(frame.grid, cursor: frame.cursor)
    }

    /// Sleeps until a key arrives or the time is up. A signal (a resize) ends the wait early too.
    private func waitForInput(_ descriptor: Int32, milliseconds: Int) {
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        _ = poll(&entry, 1, Int32(milliseconds))
    }

    // MARK: - Effects

    /// Writes the whole list, a thousand rows at a time, and says where it went.
    private func export(_ list: ExportList) async throws -> String {
        guard let openExport else { throw Failure(.usage, "this console cannot write files") }
        let pane = switch list { case .inventory: "inventory"; case .queue: "queue" }
        let file = try openExport(ViewExport.fileName(pane, at: clock()))
        var count = 0
        do {
            switch list {
            case .inventory(let query):
                try file.write(ViewExport.inventoryHeader(for: actor.user))
                var anchor = PageAnchor<ItemListRow>.offset(0)
                while true {
                    let rows = try await store.itemRows(query, from: anchor, limit: 1_000, by: actor)
                    try file.write(rows.map { ViewExport.inventoryRecord($0, for: actor.user) }.joined())
                    count += rows.count
                    guard rows.count == 1_000, let last = rows.last else { break }
                    anchor = .after(last)
                }
            case .queue(let query):
                try file.write(ViewExport.queueHeader)
                let now = clock()
                while true {
                    let rows = try await store.requests(query, limit: 1_000, offset: count, by: actor)
                    try file.write(rows.map { ViewExport.queueRecord($0, now: now) }.joined())
                    count += rows.count
                    guard rows.count == 1_000 else { break }
                }
            }
            try file.finish()
        } catch {
            file.abandon()
            throw error
        }
        // The file's name first: the folder is long, and the message line is cut at the screen's edge.
        let name = (file.path as NSString).lastPathComponent, folder = (file.path as NSString).deletingLastPathComponent
        return "exported \(count) row\(count == 1 ? "" : "s") to \(name) in \(folder)/"
    }

    /// Runs effects and the effects their results ask for, until none are left.
    public func run(_ effects: [ConsoleEffect]) async {
        var pending = Self.withoutStale(effects)
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if Self.waitsForFrame(effect), !runningAfterFrame {
                afterFrame = Self.withoutStale(afterFrame + [effect])
                continue
            }
            for message in await perform(effect) {
                pending += Console.update(&state, message)
            }
            pending = Self.withoutStale(pending)
        }
    }

    /// Drops reads that a later read of the same kind replaces; writes always run, in order.
    static func withoutStale(_ effects: [ConsoleEffect]) -> [ConsoleEffect] {
        var seen = Set<String>()
        var kept: [ConsoleEffect] = []
        for effect in effects.reversed() {
            if let kind = replaceableKind(effect) {
                guard seen.insert(kind).inserted else { continue }
            }
            kept.append(effect)
        }
        return kept.reversed()
    }

    /// Reads that run once the frame is on screen rather than before it: counting a long list takes longer than
    /// reading the screenful of it a frame shows.
    private static func waitsForFrame(_ effect: ConsoleEffect) -> Bool {
        if case .countItems = effect { return true }
        return false
    }

    private static func replaceableKind(_ effect: ConsoleEffect) -> String? {
        switch effect {
        case .loadItems: "items"
        case .countItems: "item count"
        case .loadItemDetail: "detail"
        case .quote: "quote"
        case .searchPicker: "picker"
        case .loadRequests: "requests"
        case .locateItem: "locate item"
        case .locateRequest: "locate request"
        case .listViews: "views"
        case .loadLastViews: "last views"
        case .loadRequest: "request"
        case .loadLocations: "locations"
        case .loadCount: "count"
        case .loadAttention: "attention"
        case .loadTemplates: "templates"
        default: nil
        }
    }

    /// Runs one effect against the store and says what came of it.
    public func perform(_ effect: ConsoleEffect) async -> [ConsoleMessage] {
        do {
            return try await attempt(effect)
        } catch let failure as any BackOfficeFailure {
            return [.failed(failure.message)]
        } catch {
            return [.failed("unexpected: \(error)")]
        }
    }

    private func attempt(_ effect: ConsoleEffect) async throws -> [ConsoleMessage] {
        switch effect {
        case .loadLocations:
            return [.locationsLoaded(try await store.locations(by: actor))]
        case .loadItems(let query, let page):
            let rows = try await store.itemRows(query, from: page.anchor, limit: page.count, by: actor)
            return [.itemsLoaded(page, rows)]
        case .countItems(let query, let generation):
            let (count, exact) = try await store.itemCount(query, cap: 1_000, by: actor)
            return [.itemsCounted(generation: generation, count: count, exact: exact)]
        case .loadItemDetail(let sku):
            return [.itemDetailLoaded(try await store.itemDetail(sku: sku, movements: 12, days: 90, by: actor))]
        case .post(let movement, let sku, let reference):
            let posted = try await store.post(movement, sku: sku, reference: reference, by: actor)
            return [.done(Console.describe(posted))]
        case .placeHold(let sku, let quantity, let location, let account, let days):
            let hold = try await store.placeHold(sku: sku, quantity: quantity, location: location, account: account,
                                                 expiresAt: clock().addingTimeInterval(TimeInterval(days) * 86_400), by: actor)
            return [.done("hold #\(hold.id): \(hold.quantity) × \(hold.sku) at \(hold.location) for \(hold.account) until \(Day(hold.expiresAt))")]
        case .quote(let token, let sku, let account, let quantity, let date):
            let stock = try? await store.stock(sku: sku, by: actor)
            let promise = try? await store.promise(sku: sku, quantity: quantity, at: nil, includeOverdue: false, by: actor)
            do {
                let quote = try await store.quote(sku: sku, account: account, quantity: quantity, on: date, by: actor)
                return [.quoted(token: token, quote, stock, problem: nil), .promised(token: token, promise)]
            } catch let failure as any BackOfficeFailure {
                return [.quoted(token: token, nil, stock, problem: failure.message), .promised(token: token, promise)]
            }
        case .promise(let sku, let quantity):
            return [.promiseAnswered(try await store.promise(sku: sku, quantity: quantity, at: nil, includeOverdue: false, by: actor))]
        case .choosePricing(let sku, let accountCode, let quantity):
            var item: Item?
            var account: Account?
            if let sku { item = try await store.stock(query: sku, by: actor).item }
            if let accountCode {
                guard let found = try await store.account(code: accountCode, by: actor) else { throw Failure.notFound("account", accountCode) }
                account = found
            }
            return [.pricingChosen(account: account, item: item, quantity: quantity)]
        case .searchPicker(let kind, let text, let token):
            switch kind {
            case .account:
                let accounts = try await store.accounts(after: "", limit: 50, search: text.isEmpty ? nil : text, by: actor)
                return [.pickerResults(token: token, accounts.map { Picker.Choice(code: $0.code, label: $0.name) })]
            case .item:
                let items = text.trimmingCharacters(in: .whitespaces).isEmpty
                    ? try await store.items(after: "", limit: 50, category: nil, by: actor)
                    : try await store.search(text, limit: 50, offset: 0, by: actor)
                return [.pickerResults(token: token, items.map { Picker.Choice(code: $0.sku, label: $0.name) })]
            case .template:
                // Matched in the console from the templates already read (ReplyTemplates.matches).
                return []
            case .view(let pane):
                // The saved views' picker narrows its views itself; this lists them afresh.
                return [.viewsListed(token: token, try await store.savedViews(pane, by: actor))]
            }
        case .loadRequests(let query, let page):
            let rows = try await store.requests(query, limit: page.count, offset: page.start, by: actor)
            return [.requestsLoaded(page, rows)]
        case .locateItem(let query, let row, let generation):
            return [.itemLocated(generation: generation, try await store.itemPosition(query, of: row, by: actor))]
        case .locateRequest(let query, let id, let generation):
            return [.requestLocated(generation: generation, try await store.requestPosition(id, in: query, by: actor))]
        case .loadLastViews:
            // A store that cannot say (a read that fails) opens the console as it always opened.
            return [.lastViewsLoaded((try? await store.lastViews(by: actor)) ?? [])]
        case .rememberView(let settings):
            try await store.rememberView(settings, by: actor)
            return []
        case .listViews(let pane, let token):
            return [.viewsListed(token: token, try await store.savedViews(pane, by: actor))]
        case .saveView(let view, let replace):
            let saved = try await store.saveView(view, replace: replace, by: actor)
            return [.viewsChanged("saved the view \(saved.name)")]
        case .deleteView(let pane, let name):
            try await store.deleteView(pane, named: name, by: actor)
            return [.viewsChanged("deleted the view \(name)")]
        case .loadRequest(let id):
            return [.requestLoaded(try await store.request(id, by: actor))]
        case .loadAttention:
            return [.attentionLoaded(try await store.attention(for: actor, at: clock()))]
        case .ringBell:
            screen?.bell()
            return []
        case .copy(let text):
            screen?.copyToClipboard(text)
            return []
        case .export(let list):
            return [.done(try await export(list))]
        case .act(let id, let action, let text, let assignTo):
            let request = try await store.act(on: id, action, text: text, assignTo: assignTo, by: actor)
            return [.done(Console.describe(action, request))]
        case .fileRequest(let kind, let account, let sku, let quantity, let text, let priority):
            let request = try await store.fileRequest(kind: kind, account: account, sku: sku, quantity: quantity, text: text,
                                                      priority: priority, by: actor)
            return [.done("request #\(request.id) sent to \(request.assignee ?? "the unassigned queue"); due \(UTC.iso(request.dueAt))")]
        case .answerFacts(let request):
            // The facts go into an answer the requester reads: the store gives them as the requester may see them.
            guard request.sku != nil, let basis = try await store.answerBasis(forRequest: request.id, by: actor), let stock = basis.stock else {
                return [.failed("request #\(request.id) names no item")]
            }
            return [.answerFacts(Console.answerFacts(stock: stock, quote: basis.quote, quantity: request.quantity ?? 1, promise: basis.promise))]
        case .loadTemplates:
            return [.templatesLoaded(try await store.replyTemplates(by: actor))]
        case .fillTemplate(let request, let template):
            // The same facts as Ctrl-L: the store's answer basis, as the requester may see it.
            let basis = request.sku == nil ? nil : try await store.answerBasis(forRequest: request.id, by: actor)
            return [.templateFilled(request.id, template.filled(for: request, basis: basis))]
        case .startCount(let location, let category):
            return [.countLoaded(try await store.startCount(location: location, category: category, by: actor), select: nil)]
        case .loadCount(let id):
            return [.countLoaded(try await store.count(id, by: actor), select: nil)]
        case .enterCount(let id, let sku, let quantity, let add):
            let line = try await store.enterCount(id, sku: sku, quantity: quantity, add: add, by: actor)
            return [.countLoaded(try await store.count(id, by: actor), select: line.sku)]
        case .postCount(let id):
            let (session, movements) = try await store.postCount(id, by: actor)
            return [.countLoaded(session, select: nil), .done("count \(id) posted: \(movements) count movements (reference COUNT-\(id))")]
        case .quit:
            return []
        }
    }
}

extension Console {
    /// The message line after a posting: what moved, and where stock stands now.
    public static func describe(_ posted: PostedMovement) -> String {
        let e = posted.entry
        let now = posted.stock.lines.filter { $0.location == e.location || $0.location == e.toLocation }
            .map { "\($0.location) \($0.position.onHand)" }.joined(separator: ", ")
        let what: String = switch e.kind {
        case .receipt: "received \(e.quantity) × \(e.sku) into \(e.location)"
        case .issue: "issued \(e.quantity) × \(e.sku) from \(e.location)"
        case .transfer: "moved \(e.quantity) × \(e.sku) from \(e.location) to \(e.toLocation ?? "?")"
        case .adjustment: "adjusted \(e.sku) at \(e.location) by \(e.quantity.signed)"
        case .count: "counted \(e.counted ?? 0) × \(e.sku) at \(e.location) (\(e.quantity >= 0 ? "+" : "")\(e.quantity))"
        }
        return "movement #\(e.id): \(what); on hand now \(now)"
    }

    public static func describe(_ action: RequestAction, _ request: Request) -> String {
        let done: String = switch action {
        case .claim: "claimed"
        case .answer: "answered"
        case .wait: "sent back to \(request.requester)"
        case .reply: "returned to \(request.assignee ?? "the queue")"
        case .close: "closed"
        case .reopen: "reopened"
        case .reassign: "reassigned to \(request.assignee ?? "?")"
        }
        return "request #\(request.id) \(done)"
    }

    /// The live stock and price an account manager inserts into an answer with one key (Core's sentence, which the
    /// `{facts}` placeholder of a reply template gives too).
    public static func answerFacts(stock: StockAnswer, quote: Quote?, quantity: Int, promise: AvailableToPromise.Answer? = nil) -> String {
        AnswerSnapshot.facts(stock: stock, quote: quote, quantity: quantity, promise: promise)
    }
}
