@testable import BackOfficeConsole
import BackOfficeCore
@testable import BackOfficeStore
import Foundation
import TerminalUI
import Testing

/// Sorting the Inventory and the Queue by their columns, and saved views: first as plain state and effects, then on a
/// real store with the screen read back.
@Suite("Sorting and saved views in the console")
struct ConsoleViewsTests {
    // MARK: - State and effects alone

    /// A clerk's console with the first 20 rows of a 100-item list received, the fourth selected.
    static func listed() -> (ConsoleState, [ItemListRow]) {
        var state = ConsoleState(user: clerk, storeName: "test", width: 80, height: 24, now: Date(timeIntervalSince1970: 1_780_000_000))
        var page: PageRequest<ItemListRow>?
        for effect in Console.start(&state) {
            if case .loadItems(_, let request) = effect { page = request }
        }
        let rows = (0..<20).map { ItemListRow(item: Item(id: Int64($0 + 1), sku: String(format: "SKU-%03d", $0), name: "Item \($0)"), onHand: 0, reserved: 0) }
        _ = Console.update(&state, .itemsCounted(generation: state.inventory.list.generation, count: 100, exact: true))
        _ = Console.update(&state, .itemsLoaded(page!, rows))
        for _ in 0..<3 { _ = Console.update(&state, .key(.down)) }
        return (state, rows)
    }

    @Test func givenTheItemListWhenGreaterThanAndSArePressedThenTheSortMovesToNameAndReversesAndTheSelectedItemIsLocated() {
        var (state, rows) = Self.listed()
        #expect(state.inventory.list.selected?.item.sku == "SKU-003")

        let effects = Console.update(&state, .key(.character(">")))

        #expect(state.inventory.query.sort == .name && !state.inventory.query.descending)
        let located = effects.compactMap { effect -> (ItemListQuery, ItemListRow)? in
            if case .locateItem(let query, let row, _) = effect { return (query, row) }
            return nil
        }
        #expect(located.count == 1 && located.first?.0.sort == .name && located.first?.1 == rows[3])
        #expect(!effects.contains { if case .loadItems = $0 { true } else { false } }, "no first page: the item's place is asked for")
        #expect(effects.contains { if case .rememberView(.inventory(let query)) = $0 { query.sort == .name } else { false } })
        #expect(state.message.text == "sorted by NAME, ascending")

        _ = Console.update(&state, .key(.character("s")))
        #expect(state.inventory.query.sort == .name && state.inventory.query.descending)
        // `>` past the last sortable column comes back to the first, ascending.
        _ = Console.update(&state, .key(.character(">")))
        #expect(state.inventory.query.sort == .sku && !state.inventory.query.descending)
        _ = Console.update(&state, .key(.character("<")))
        #expect(state.inventory.query.sort == .name)
    }

    @Test func givenAReSortedListWhenTheItemsPlaceArrivesThenItIsSelectedThereAndTheRowsAroundItAreFetched() throws {
        var (state, _) = Self.listed()
        _ = Console.update(&state, .key(.character(">")))
        let generation = state.inventory.list.generation

        // An answer for an older sort is dropped.
        #expect(Console.update(&state, .itemLocated(generation: generation - 1, 5)).isEmpty)
        let effects = Console.update(&state, .itemLocated(generation: generation, 57))

        #expect(state.inventory.list.table.selection == 57)
        let page = effects.compactMap { effect -> PageRequest<ItemListRow>? in
            if case .loadItems(let query, let page) = effect, query.sort == .name { return page }
            return nil
        }.first
        let request = try #require(page)
        #expect((request.start..<(request.start + request.count)).contains(57), "\(request.start) +\(request.count)")
    }

    @Test func givenASearchWhenTheSortChangesThenNothingIsFetchedAndTheMessageSaysResultsStayInCatalogueOrder() {
        var (state, _) = Self.listed()
        _ = Console.update(&state, .key(.character("/")))
        _ = Console.update(&state, .key(.character("b")))
        _ = Console.update(&state, .key(.enter))

        let effects = Console.update(&state, .key(.character(">")))

        #expect(state.inventory.query.sort == .name)
        #expect(!effects.contains { if case .loadItems = $0 { true } else if case .locateItem = $0 { true } else { false } })
        #expect(state.message.text.contains("search results stay in catalogue order"))
    }

    @Test func givenTheQueueWhenMIsPressedThenTheScopeCyclesAndVOpensTheViewsInstead() {
        var state = ConsoleState(user: manager, storeName: "test", width: 80, height: 24, now: Date(timeIntervalSince1970: 1_780_000_000))
        _ = Console.start(&state)
        _ = Console.update(&state, .key(.character("3")))
        #expect(state.queue.view == .mine)

        _ = Console.update(&state, .key(.character("m")))
        #expect(state.queue.view == .myAccounts)
        let effects = Console.update(&state, .key(.character("v")))

        #expect(state.queue.view == .myAccounts)
        guard case .picker(let picker) = state.modal else { Issue.record("no picker"); return }
        #expect(picker.kind == .view(.queue) && picker.title == "Saved views · Queue")
        #expect(effects.contains { if case .listViews(.queue, _) = $0 { true } else { false } })
    }

    // MARK: - On a real store

    @Test func givenTheItemListWhenSortedByNameDescendingThenTheHeaderMarksItAndTheSameItemStaysSelected() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        #expect(console.row(2).hasPrefix("SKU▲"))
        await console.type("jj")
        #expect(console.state.inventory.list.selected?.item.sku == "NUT-1")

        await console.type(">")
        #expect(console.row(2).hasPrefix("SKU          NAME▲"), "\(console.row(2))")
        await console.type("s")

        #expect(console.row(2).hasPrefix("SKU          NAME▼"), "\(console.row(2))")
        // NUT-1 ("Hex Nut M8") comes third from the end of 44 and stays selected, scrolled into view.
        #expect(console.state.inventory.list.table.selection == 41)
        #expect(console.state.inventory.list.selected?.item.sku == "NUT-1")
        let line = try #require((3..<12).first { console.row($0).hasPrefix("NUT-1") }, "\(console.text)")
        #expect(console.grid.role(x: 0, y: line) == .selection)
        // By name descending "Widget 1" comes before "Hex Nut M8" (the list scrolled just far enough to show it).
        #expect(console.row(line - 1).hasPrefix("WID-0001"), "\(console.text)")
        #expect(console.text.contains("Hex Nut M8"))
    }

    @Test func givenAViewSavedUnderANameWhenTheSortChangesAndTheViewIsChosenThenItsSortAndFiltersComeBack() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("b>s")
        #expect(console.row(1).contains("below reorder"))

        await console.type("v")
        #expect(console.text.contains("Saved views · Inventory"))
        #expect(console.text.contains("no saved views: type a name and press Enter to save this view"))
        await console.type("Short by name")
        await console.press(.enter)

        #expect(console.state.modal == nil)
        #expect(console.messageLine.contains("saved the view Short by name"), "\(console.messageLine)")
        await console.type("b<")
        #expect(!console.row(1).contains("below reorder"))
        #expect(console.row(2).hasPrefix("SKU▲"))

        await console.type("v")
        #expect(console.text.contains("Short by name"))
        #expect(console.text.contains("below reorder · by NAME ▼"), "\(console.text)")
        await console.press(.enter)

        #expect(console.row(1).contains("below reorder"))
        #expect(console.row(2).contains("NAME▼"))
        #expect(console.messageLine.contains("view Short by name"))
    }

    @Test func givenASavedViewWhenTheSameNameIsSavedAgainThenTheConsoleAsksAndCtrlXDeletesIt() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("v")
        await console.type("Daily")
        await console.press(.enter)
        await console.type(">v")
        await console.type("daily")
        await console.press(.control("s"))

        #expect(console.text.contains("Replace the saved view Daily with this one?"), "\(console.text)")
        await console.type("y")
        #expect(try await console.store.savedViews(.inventory, by: console.runtime.actor).map(\.name) == ["daily"])
        #expect(try await console.store.savedViews(.inventory, by: console.runtime.actor).first?.settings
                == .inventory(ItemListQuery(sort: .name)))

        await console.type("v")
        await console.press(.control("x"))
        #expect(console.text.contains("Delete the saved view daily?"))
        await console.type("y")
        #expect(console.messageLine.contains("deleted the view daily"))
        #expect(try await console.store.savedViews(.inventory, by: console.runtime.actor).isEmpty)
        // Another user never sees it, nor any of this user's.
        let other = try await ConsoleFixture.attach(to: console, user: "morgan")
        await other.start()
        await other.type("v")
        #expect(other.text.contains("no saved views"))
    }

    @Test func givenAHostileNameWhenSavedThenTheConsoleSaysWhyAndKeepsThePickerOpen() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("v")
        await console.type(String(repeating: "x", count: 60))
        #expect(console.state.modal.map { if case .picker(let picker) = $0 { picker.field.text.count } else { 0 } } == SavedView.maxNameLength)
        await console.press(.control("u"))
        await console.type("  ")
        await console.press(.control("s"))

        #expect(console.messageLine.contains("type a name to save this view under"), "\(console.messageLine)")
        #expect({ if case .picker = console.state.modal { true } else { false } }())
    }

    @Test func givenSortsAndFiltersLeftInBothPanesWhenTheConsoleIsOpenedAgainThenItOpensTheSameWay() async throws {
        let console = try await ConsoleFixture.make(user: "morgan")
        await console.start()
        await console.type("b>")
        await console.type("3")
        await console.type("m>")
        #expect(console.text.contains("View my accounts"))
        #expect(console.grid.lines.contains { $0.hasPrefix("  #▲") }, "\(console.text)")

        let again = try await ConsoleFixture.attach(to: console, user: "morgan")
        await again.start()

        #expect(again.row(1).contains("below reorder"))
        #expect(again.row(2).contains("NAME▲"))
        #expect(again.state.queue.query == RequestListQuery(view: .myAccounts, sort: .id))
        await again.type("3")
        #expect(again.text.contains("View my accounts"))
        #expect(again.grid.lines.contains { $0.hasPrefix("  #▲") }, "\(again.text)")
        #expect(again.text.contains("Can we ship 30 by Friday?"))
    }

    @Test func givenTheQueueWhenSortedByPriorityThenTheRequestSelectedStaysSelected() async throws {
        let console = try await ConsoleFixture.make(user: "morgan")
        let sam = Actor(user: try await console.store.signIn("sam"), source: .cli)
        for (text, priority) in [("Low one", Priority.low), ("Urgent one", .urgent)] {
            _ = try await console.store.fileRequest(kind: .other, account: "ACME", sku: nil, quantity: nil, text: text, priority: priority, by: sam)
        }
        await console.start()
        await console.type("3")
        // By SLA due time: the urgent one first (1 h), then #1 (high, 4 h), then the low one.
        await console.type("j")
        #expect(console.state.queue.list.selected?.id == 1)

        await console.type(">>")  // past # to STATE, then PRI
        #expect(console.state.queue.sort == .state)
        await console.type(">")

        #expect(console.state.queue.sort == .priority)
        #expect(console.grid.lines.contains { $0.contains("PRI▲") }, "\(console.text)")
        #expect(console.state.queue.list.selected?.id == 1)
        await console.type("s")
        #expect(console.state.queue.list.selected?.id == 1)
        #expect(console.state.queue.list.table.selection == 1)
        #expect(console.state.queue.list.window.rows.map(\.id) == [2, 1, 3])
    }
}
