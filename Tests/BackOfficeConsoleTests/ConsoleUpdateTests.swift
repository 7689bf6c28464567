@testable import BackOfficeConsole
import BackOfficeCore
import Foundation
import TerminalUI
import Testing

/// `Console.update` alone: a state built by hand, no store and no fixture, messages in, and the exact effects out,
/// compared with `==` because effects and messages are plain values.
@Suite("Console update without a store")
struct ConsoleUpdateTests {
    static let now = Date(timeIntervalSince1970: 1_796_000_000)  // Monday 2026-11-30 00:53:20 UTC
    static let clerk = User(id: 2, name: "clerk", displayName: "Clerk", role: .clerk)
    static let sales = User(id: 4, name: "sam", displayName: "Sam", role: .sales)
    static let manager = User(id: 3, name: "morgan", displayName: "Morgan", role: .manager)
    static let locations = [Location(code: "MAIN", name: "Main", sellable: true), Location(code: "EAST", name: "East", sellable: true),
                            Location(code: "QUAR", name: "Quar", sellable: false)]

    static func item(_ sku: String) -> Item {
        Item(sku: sku, name: "Item \(sku)", category: "Widgets")
    }

    static func row(_ sku: String, onHand: Int = 10) -> ItemListRow {
        ItemListRow(item: item(sku), onHand: onHand, reserved: 0)
    }

    static func request(_ id: Int64, state: RequestState = .new, assignee: String? = "morgan") -> Request {
        Request(id: id, kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 30, text: "Can we ship 30 by Friday?", priority: .high,
                state: state, requester: "sam", assignee: assignee, createdAt: now, dueAt: now.addingTimeInterval(4 * 3_600), updatedAt: now)
    }

    /// A started 80x24 console: 8 rows of the item list on screen.
    static func started(_ user: User = clerk) -> (ConsoleState, [ConsoleEffect]) {
        var state = ConsoleState(user: user, storeName: "store.sqlite", width: 80, height: 24, now: now)
        let effects = Console.start(&state)
        // No saved view to restore: the panes stay as they opened, and nothing is read again.
        _ = Console.update(&state, .lastViewsLoaded([]))
        return (state, effects)
    }

    /// A started console whose first page, count and locations have arrived: WID-01…WID-08 of 44, the first selected.
    /// Rows on screen and 20 below are what a list reads again after a change (`refreshPage`).
    static func loaded(_ user: User = clerk) -> ConsoleState {
        var (state, _) = started(user)
        _ = Console.update(&state, .locationsLoaded(locations))
        _ = Console.update(&state, .itemsCounted(generation: 1, count: 44, exact: true))
        _ = Console.update(&state, .itemsLoaded(firstPage, (1...8).map { row(String(format: "WID-%02d", $0)) }))
        return state
    }

    static let firstPage = PageRequest<ItemListRow>(generation: 1, start: 0, count: 8, anchor: .offset(0))
    static let refreshPage = PageRequest<ItemListRow>(generation: 1, start: 0, count: 28, anchor: .offset(0))

    /// Sends keys one by one and returns every effect they asked for, in order.
    @discardableResult
    static func press(_ keys: [Key], _ state: inout ConsoleState) -> [ConsoleEffect] {
        keys.flatMap { Console.update(&state, .key($0)) }
    }

    static func type(_ text: String, _ state: inout ConsoleState) -> [ConsoleEffect] {
        press(text.map { .character($0) }, &state)
    }

    // MARK: - Plain values

    @Test func givenTwoMessagesWithTheSamePayloadWhenComparedThenTheyAreEqualAndADifferentPayloadIsNot() {
        #expect(ConsoleMessage.key(.character("r")) == .key(.character("r")))
        #expect(ConsoleMessage.key(.character("r")) != .key(.character("i")))
        #expect(ConsoleMessage.itemsLoaded(Self.firstPage, [Self.row("A")]) == .itemsLoaded(Self.firstPage, [Self.row("A")]))
        #expect(ConsoleMessage.itemsLoaded(Self.firstPage, [Self.row("A")]) != .itemsLoaded(Self.firstPage, [Self.row("A", onHand: 11)]))
        #expect(ConsoleEffect.loadRequest(1) == .loadRequest(1))
        #expect(ConsoleEffect.post(.receipt(quantity: 1, to: "MAIN"), sku: "A", reference: nil)
                != .post(.receipt(quantity: 1, to: "EAST"), sku: "A", reference: nil))
    }

    // MARK: - Starting and panes

    @Test func givenAFreshConsoleWhenStartedThenItAsksForTheLocationsTheCountAndTheFirstScreenOfItems() {
        let (state, effects) = Self.started()

        // The views the user left the panes in, and what needs them in the Queue (the tab bar's badge), are read too.
        #expect(effects == [.loadLocations, .loadLastViews, .countItems(ItemListQuery(), generation: 1), .loadItems(ItemListQuery(), Self.firstPage),
                            .loadAttention])
        #expect(state.pane == .inventory)
        #expect(state.inventory.list.table.height == 9)
    }

    @Test func givenFirstRowsWhenTheyArriveThenTheFirstItemIsSelectedAndItsDetailAskedFor() {
        var (state, _) = Self.started()
        let rows = (1...8).map { Self.row(String(format: "WID-%02d", $0)) }

        #expect(Console.update(&state, .itemsLoaded(Self.firstPage, rows)) == [.loadItemDetail(sku: "WID-01")])
        #expect(state.inventory.list.selected == rows[0])
        // Rows for an older query (another generation) are dropped and ask for nothing.
        let stale = PageRequest<ItemListRow>(generation: 0, start: 0, count: 8, anchor: .offset(0))
        #expect(Console.update(&state, .itemsLoaded(stale, [Self.row("OLD")])) == [])
        #expect(state.inventory.list.selected == rows[0])
    }

    @Test func givenTheInventoryWhenTheNumberKeysAreTypedThenThePanesSwitchAndTheQueueLoadsOnFirstShow() {
        var state = Self.loaded()

        #expect(Self.press([.character("2")], &state) == [])
        #expect(state.pane == .pricing)
        // The clerk may not answer requests: the queue opens on what they filed.
        #expect(Self.press([.character("3")], &state)
                == [.loadRequests(RequestListQuery(view: .filed, state: .open), PageRequest(generation: 1, start: 0, count: 8, anchor: .offset(0)))])
        #expect(state.pane == .queue)
        // Back in the inventory, the rows either side of the screen are fetched now.
        #expect(Self.press([.tab], &state) == [.loadItems(ItemListQuery(), PageRequest(generation: 1, start: 0, count: 28, anchor: .offset(0)))])
        #expect(state.pane == .inventory)
        // The queue's first page has not come: showing it again starts it over.
        #expect(Self.press([.backTab], &state)
                == [.loadRequests(RequestListQuery(view: .filed, state: .open), PageRequest(generation: 2, start: 0, count: 8, anchor: .offset(0)))])
        #expect(state.pane == .queue)
    }

    @Test func givenAManagersQueueWhenRequestsArriveThenTheFirstIsSelectedAndItsThreadAskedFor() {
        var (state, _) = Self.started(Self.manager)
        let page = PageRequest<Request>(generation: 1, start: 0, count: 8, anchor: .offset(0))

        // A manager's first look at the Queue reads the reply templates too (for `t`).
        #expect(Self.press([.character("3")], &state) == [.loadRequests(RequestListQuery(view: .mine, state: .open), page), .loadTemplates])
        #expect(Console.update(&state, .requestsLoaded(page, [Self.request(1), Self.request(2)])) == [.loadRequest(1)])
        #expect(state.queue.list.selected?.id == 1)
        #expect(Self.press([.character("j")], &state) == [.loadRequest(2)])
        #expect(state.queue.detail == nil)
        let detail = RequestDetail(request: Self.request(2), events: [])
        #expect(Console.update(&state, .requestLoaded(detail)) == [])
        #expect(state.queue.detail == detail)
        // f: the next state filter, and the list starts over for it.
        #expect(Self.press([.character("f")], &state)
                == [.loadRequests(RequestListQuery(view: .mine, state: .only(.new)), PageRequest(generation: 2, start: 0, count: 8, anchor: .offset(0))),
                    .rememberView(.queue(RequestListQuery(view: .mine, state: .only(.new))))])
        #expect(state.queue.detail == nil)
    }

    // MARK: - Search and paging

    @Test func givenTheSearchBoxWhenLettersAreTypedThenEachAsksForTheCountAndFirstPageOfItsQuery() {
        var state = Self.loaded()

        #expect(Self.press([.character("/")], &state) == [])
        #expect(state.inventory.searching)
        let b = ItemListQuery(search: "b"), bo = ItemListQuery(search: "bo")
        #expect(Self.type("b", &state)
                == [.countItems(b, generation: 2), .loadItems(b, PageRequest(generation: 2, start: 0, count: 8, anchor: .offset(0)))])
        #expect(Self.type("o", &state)
                == [.countItems(bo, generation: 3), .loadItems(bo, PageRequest(generation: 3, start: 0, count: 8, anchor: .offset(0)))])
        #expect(state.inventory.query.search == "bo")
        // Enter keeps the results and gives the keys back to the list; Esc in the list clears the search.
        // A kept search is the view the pane is left in, remembered for the next start.
        #expect(Self.press([.enter], &state) == [.rememberView(.inventory(bo))])
        #expect(!state.inventory.searching)
        let all = ItemListQuery()
        #expect(Self.press([.escape], &state)
                == [.countItems(all, generation: 4), .loadItems(all, PageRequest(generation: 4, start: 0, count: 8, anchor: .offset(0))),
                    .rememberView(.inventory(all))])
    }

    @Test func givenAFullScreenOfRowsWhenMovingDownAndPagingThenTheRowsBeyondTheScreenAreAskedForOnce() {
        var state = Self.loaded()
        let all = ItemListQuery()

        // A step down: the screen and 20 rows below it, with the new item's detail.
        let near = PageRequest<ItemListRow>(generation: 1, start: 0, count: 28, anchor: .offset(0))
        #expect(Self.press([.down], &state) == [.loadItems(all, near), .loadItemDetail(sku: "WID-02")])
        // While those rows are on their way, another step asks for the detail alone.
        #expect(Self.press([.down], &state) == [.loadItemDetail(sku: "WID-03")])
        _ = Console.update(&state, .itemsLoaded(near, (1...28).map { Self.row(String(format: "WID-%02d", $0)) }))
        // Pages down: the first stays within the rows held (the detail alone); the second wants rows past them, in a
        // window that starts at the top (so from offset 0); the third reads on from a row held (a keyset read).
        #expect(Self.press([.pageDown], &state) == [.loadItemDetail(sku: "WID-11")])
        #expect(Self.press([.pageDown], &state)
                == [.loadItems(all, PageRequest(generation: 1, start: 0, count: 44, anchor: .offset(0))), .loadItemDetail(sku: "WID-19")])
        #expect(Self.press([.pageDown], &state)
                == [.loadItems(all, PageRequest(generation: 1, start: 4, count: 40, anchor: .after(Self.row("WID-04")))),
                    .loadItemDetail(sku: "WID-27")])
        #expect(state.inventory.list.table.selection == 26)
        // End: the last rows, read on from the last row held before them.
        #expect(Self.press([.end], &state)
                == [.loadItems(all, PageRequest(generation: 1, start: 16, count: 28, anchor: .after(Self.row("WID-16"))))])
        #expect(state.inventory.list.table.selection == 43)
    }

    @Test func givenALargerTerminalWhenResizedThenTheListIsTallerAndAsksForTheRowsNowOnScreen() {
        var state = Self.loaded()

        let effects = Console.update(&state, .resized(width: 120, height: 40))
        #expect(state.width == 120 && state.height == 40)
        #expect(state.inventory.list.table.height == 36)
        // 35 rows on screen and 20 below would pass the end: all 44 rows.
        #expect(effects == [.loadItems(ItemListQuery(), PageRequest(generation: 1, start: 0, count: 44, anchor: .offset(0)))])
    }

    // MARK: - Forms

    @Test func givenAReceiptFormFilledInWhenSubmittedThenItAsksFirstAndYesPostsTheParsedMovement() throws {
        var state = Self.loaded()

        #expect(Self.type("r", &state) == [])
        let form = try #require({ if case .form(let form) = state.modal { form } else { nil } }())
        #expect(form.purpose == .movement(.receipt))
        #expect(form.form.values == ["MAIN", "", ""])
        _ = Self.press([.tab], &state)
        _ = Self.type("12", &state)
        _ = Self.press([.tab], &state)
        _ = Self.type("PO-9", &state)
        #expect(Self.press([.control("s")], &state) == [])

        let post = ConsoleEffect.post(.receipt(quantity: 12, to: "MAIN"), sku: "WID-01", reference: "PO-9")
        guard case .confirm(let dialog, let then) = state.modal else {
            Issue.record("no question after submitting: \(String(describing: state.modal))")
            return
        }
        #expect(then == post)
        #expect(dialog.message == ["Receive 12 × WID-01 into MAIN?", "Reference PO-9"])
        #expect(Self.type("y", &state) == [post])
        #expect(state.modal == nil)
        // The write went through: the message says so and what is on screen is read again.
        #expect(Console.update(&state, .done("received 12 × WID-01 into MAIN"))
                == [.countItems(ItemListQuery(), generation: 1), .loadItems(ItemListQuery(), Self.refreshPage), .loadItemDetail(sku: "WID-01"),
                    .loadAttention])
        #expect(state.message == .success("received 12 × WID-01 into MAIN"))
    }

    @Test func givenANewRequestFormWhenSentThenTheRequestIsFiledWithItsParsedValues() {
        var state = Self.loaded(Self.sales)

        #expect(Self.type("n", &state) == [])
        _ = Self.type("acme", &state)
        _ = Self.press([.tab, .tab], &state)
        _ = Self.type("30", &state)
        _ = Self.press([.tab, .tab], &state)
        _ = Self.press([.control("u")], &state)
        _ = Self.type("urgent", &state)
        _ = Self.press([.tab], &state)
        _ = Self.type("Can we ship 30 by Friday?", &state)

        #expect(Self.press([.enter], &state)
                == [.fileRequest(kind: .stock, account: "ACME", sku: "WID-01", quantity: 30, text: "Can we ship 30 by Friday?", priority: .urgent)])
        #expect(state.modal == nil)
    }

    @Test func givenAFormWithABadQuantityWhenSubmittedThenNothingIsAskedForAndTheErrorIsShown() {
        var state = Self.loaded()
        _ = Self.type("i", &state)
        _ = Self.press([.tab], &state)

        #expect(Self.press([.control("s")], &state) == [])
        #expect(state.message == .error("Issue · WID-01: type a quantity"))
        guard case .form = state.modal else {
            Issue.record("the form closed on an error")
            return
        }
    }

    // MARK: - Refusals

    @Test func givenASalespersonWhenAClerksKeyIsPressedThenTheMessageSaysWhyAndNothingIsAskedFor() {
        var state = Self.loaded(Self.sales)

        #expect(Self.type("r", &state) == [])
        #expect(state.modal == nil)
        #expect(state.message == .error("permission denied: sam (sales) may not post stock movements"))
        // The next key clears the message.
        _ = Self.press([.character("j")], &state)
        #expect(state.message == .empty)
    }

    @Test func givenAManagerWhenReplyIsPressedThenOnlyTheRequesterMayAndNothingIsAskedFor() {
        var (state, _) = Self.started(Self.manager)
        _ = Self.press([.character("3")], &state)
        _ = Console.update(&state, .requestsLoaded(PageRequest(generation: 1, start: 0, count: 8, anchor: .offset(0)),
                                                   [Self.request(1, state: .waitingOnSales)]))

        #expect(Self.type("R", &state) == [])
        #expect(state.message == .error("permission denied: only sam, who filed request 1, may reply to it"))
    }

    // MARK: - The clock and other sessions

    @Test func givenTheQueueWhenTheClockReachesANewMinuteThenWhatIsOnScreenIsReadAgainAndWithinTheMinuteNothingIs() {
        var (state, _) = Self.started(Self.manager)
        let page = PageRequest<Request>(generation: 1, start: 0, count: 8, anchor: .offset(0))
        _ = Self.press([.character("3")], &state)
        _ = Console.update(&state, .requestsLoaded(page, [Self.request(1)]))
        _ = Console.update(&state, .requestLoaded(RequestDetail(request: Self.request(1), events: [])))

        // 00:53:20 → 00:53:50: the same minute.
        #expect(Console.update(&state, .tick(Self.now.addingTimeInterval(30), live: true)) == [])
        #expect(Console.update(&state, .tick(Self.now.addingTimeInterval(60), live: true))
                == [.loadRequests(RequestListQuery(view: .mine, state: .open), PageRequest(generation: 1, start: 0, count: 1, anchor: .offset(0))), .loadRequest(1),
                    .loadTemplates, .loadAttention])
        #expect(state.now == Self.now.addingTimeInterval(60))
        // The store did not answer: the status bar says so, and nothing is asked of it.
        #expect(Console.update(&state, .tick(Self.now.addingTimeInterval(61), live: false)) == [])
        #expect(!state.live)
    }

    @Test func givenTheInventoryWhenTheClockTicksThenOnlyTheBadgeIsAskedForAndTheStatusBarsClockMoves() {
        var state = Self.loaded()

        // Within the minute nothing; a new minute reads the badge again (a request turns late with nothing committed).
        #expect(Console.update(&state, .tick(Self.now.addingTimeInterval(30), live: true)) == [])
        #expect(Console.update(&state, .tick(Self.now.addingTimeInterval(120), live: true)) == [.loadAttention])
        #expect(state.now == Self.now.addingTimeInterval(120))
    }

    @Test func givenAnotherSessionChangedTheStoreWhenToldThenTheCountThePageOnScreenAndTheDetailAreReadAgain() {
        var state = Self.loaded()

        #expect(Console.update(&state, .storeChanged)
                == [.countItems(ItemListQuery(), generation: 1), .loadItems(ItemListQuery(), Self.refreshPage), .loadItemDetail(sku: "WID-01"),
                    .loadAttention])
    }

    @Test func givenAnEffectFailedWhenToldThenTheMessageLineShowsItAndNothingMoreIsAskedFor() {
        var state = Self.loaded()

        #expect(Console.update(&state, .failed("store: database is locked")) == [])
        #expect(state.message == .error("store: database is locked"))
    }

    @Test func givenQWhenPressedThenTheConsoleQuitsAndAFormWithTypedTextAsksFirst() {
        var state = Self.loaded()
        #expect(Self.type("q", &state) == [.quit])
        #expect(state.quitting)

        var typing = Self.loaded()
        _ = Self.type("r", &typing)
        _ = Self.press([.tab], &typing)
        _ = Self.type("5", &typing)
        #expect(Self.press([.control("q")], &typing) == [])
        #expect(!typing.quitting)
        // "Stay" goes back to the form with what was typed; asked again, yes quits.
        #expect(Self.type("n", &typing) == [])
        guard case .form(let form) = typing.modal else {
            Issue.record("the form was lost: \(String(describing: typing.modal))")
            return
        }
        #expect(form.form.values[1] == "5")
        #expect(form.discarding == nil)
        #expect(Self.press([.control("q")], &typing) == [])
        #expect(Self.type("y", &typing) == [.quit])
        #expect(typing.quitting)
    }
}
