import BackOfficeCore
import Foundation
import TerminalUI

/// Everything the console shows, as plain values: `update` changes it, `view` draws it, and neither does I/O.
public struct ConsoleState: Sendable {
    public var user: User
    /// The store's name on the status bar (its file name).
    public var storeName: String
    public var width: Int
    public var height: Int
    public var pane: Pane = .inventory
    public var now: Date
    /// Whether the store is being watched for other sessions' changes.
    public var live = true
    public var message: MessageLine = .empty
    public var modal: Modal?
    /// Whether box lines are drawn with Unicode (false: ASCII, for terminals that cannot draw them).
    public var unicode = true
    /// Set by `q`; the runtime ends the session.
    public var quitting = false
    /// Locations the user may see, for forms and filters.
    public var locations: [Location] = []
    /// What the Queue holds that needs the user now (the tab bar's badge); nil until first read, or for a user who
    /// neither files nor answers requests.
    public var attention: QueueAttention?
    /// Whether the terminal's bell rings when a request newly needs the user (`--bell`, or `console.bell = "on"`).
    public var bell = false

    public var inventory = InventoryState()
    public var pricing = PricingState()
    public var queue: QueueState

    public init(user: User, storeName: String, width: Int = 80, height: Int = 24, now: Date) {
        self.user = user
        self.storeName = storeName
        self.width = width
        self.height = height
        self.now = now
        queue = QueueState(view: user.may(.answerRequests) ? .mine : .filed)
    }

    /// A list of rows still to be counted, fetching 20 rows beyond the screen each way: enough that a step or a page
    /// rarely waits, few enough that a search keystroke on a tall screen reads only what it shows.
    static func listTable(_ columns: [TableColumn], emptyMessage: String) -> TableView {
        var table = TableView(columns: columns, rowCount: 0, isRowCountExact: false, emptyMessage: emptyMessage)
        table.list.prefetch = 20
        return table
    }

    /// The rect panes draw in: below the tab bar, above the message line and the status bar.
    public var paneRect: Rect { Rect(x: 0, y: 1, width: width, height: max(0, height - 3)) }
    /// Whether the screen is wide enough to put a list and its detail side by side.
    public var isWide: Bool { width >= 120 }

    /// What has the keyboard, and so which of the key table's bindings a key looks up.
    public var keyContext: KeyContext {
        switch modal {
        case .help: return .help
        case .commandLine: return .commandLine
        case .form(let form): return form.discarding == nil ? .form : .question
        case .confirm: return .question
        case .picker: return .picker
        case nil:
            if pane == .inventory && inventory.searching { return .search }
            if pane == .inventory && inventory.count != nil { return .count }
            return .pane
        }
    }
}

/// A window over the pane that takes the keys until it closes.
public enum Modal: Sendable {
    case help(HelpView)
    /// The `:` command line.
    case commandLine(TextField)
    case form(ActionForm)
    /// A question; `then` runs when the user says yes.
    case confirm(ConfirmDialog, then: ConsoleEffect)
    /// Choosing an account or an item for the pricing pane by typing part of it, or a saved view of Inventory or Queue.
    case picker(Picker)
}

// MARK: - Inventory

public struct InventoryState: Sendable {
    public var query = ItemListQuery()
    /// The search box; `searching` while it has the keyboard.
    public var searchField = TextField(placeholder: "SKU, name or category", width: 30, maxLength: 80)
    public var searching = false
    public var list = PagedList<ItemListRow>(table: ConsoleState.listTable([
        TableColumn("SKU", width: .fixed(12)),
        TableColumn("NAME", width: .fill),
        TableColumn("ON HAND", width: .fixed(9), alignment: .right),
        TableColumn("AVAIL", width: .fixed(9), alignment: .right),
    ], emptyMessage: "No items"))
    /// The order each of the list's columns sorts by, nil for those the store cannot sort a million items by (see
    /// `ItemListQuery.Sort`); the ORDER column shown below the reorder point is not sortable either.
    public static let columnSorts: [ItemListQuery.Sort?] = [.sku, .name, nil, nil]
    /// The view last written to the store as the one this pane was left in.
    public var remembered: ItemListQuery?
    /// The selected item's stock, movements and history, once loaded.
    public var detail: ItemDetail?
    /// The last `:atp` answer, shown in the detail while its item is selected.
    public var promise: AvailableToPromise.Answer?
    /// A count session being worked on: while set, the pane shows it instead of the item list.
    public var count: CountWork?
    public init() {}
}

/// The count on screen: the session, the line selected, and the box SKUs and quantities are typed (or scanned) into.
public struct CountWork: Sendable {
    public var session: CountSession
    public var selection = 0
    public var field = TextField(placeholder: "scan or type a SKU (each counts one), or a quantity for the selected line", width: 40,
                                 maxLength: 80)

    public init(session: CountSession) {
        self.session = session
    }
}

// MARK: - Pricing

public struct PricingState: Sendable {
    public var account: Account?
    public var item: Item?
    public var quantity = 1
    /// The day to price on; nil is today.
    public var date: Day?
    public var quote: Quote?
    public var stock: StockAnswer?
    /// When the quantity quoted is available to promise at the sellable locations.
    public var promise: AvailableToPromise.Answer?
    /// Why there is no quote (no price, an unknown item), shown in its place.
    public var problem: String?
    /// Bumped for every quote asked for, so a slow answer for old inputs never overwrites a newer one.
    public var token = 0
    public init() {}

    public var isComplete: Bool { account != nil && item != nil }
}

/// A searchable list of choices in a modal: accounts or items.
public struct Picker: Sendable {
    /// ↑ and ↓ in any picker: the selection moves within the choices. False for any other command.
    public mutating func step(_ command: ConsoleCommand) -> Bool {
        switch command {
        case .moveUp: selection = max(0, selection - 1)
        case .moveDown: selection = min(max(0, choices.count - 1), selection + 1)
        default: return false
        }
        return true
    }

    public enum Kind: Sendable, Hashable {
        case account
        case item
        /// A reply template for an answer (the Queue); matched by the console itself, not by the store.
        case template
        /// The user's saved views of a pane.
        case view(SavedView.Pane)
    }

    public struct Choice: Sendable, Hashable {
        public var code: String
        public var label: String
        public init(code: String, label: String) {
            self.code = code
            self.label = label
        }
    }

    public var kind: Kind
    public var field: TextField
    public var choices: [Choice] = []
    /// A saved views' picker: every view of the pane, which `choices` lists those matching the typed text of.
    public var views: [SavedView] = []
    public var selection = 0
    public var token = 0
    /// A template picker's request: the one its answer is for.
    public var answering: Int64?
    /// A template picker opened from an answer form (Ctrl-T): the form it goes back to, the template inserted in it.
    public var form: ActionForm?

    public init(kind: Kind) {
        self.kind = kind
        let placeholder = switch kind {
        case .account: "account code or name"
        case .item: "SKU, name or category"
        case .template: "template name or words in it"
        case .view: "a view's name; a new name saves this view"
        }
        let limit = if case .view = kind { SavedView.maxNameLength } else { 80 }
        field = TextField(placeholder: placeholder, width: 40, maxLength: limit)
    }

    public var title: String {
        switch kind {
        case .account: "Choose an account"
        case .item: "Choose an item"
        case .template: answering.map { "Reply template for #\($0)" } ?? "Choose a reply template"
        case .view(let pane): "Saved views · \(pane == .inventory ? "Inventory" : "Queue")"
        }
    }
}

// MARK: - Queue

public struct QueueState: Sendable {
    public var view: QueueView
    public var stateFilter: RequestStateFilter = .open
    public var sort: RequestListQuery.Sort = .due
    public var descending = false
    /// The view last written to the store as the one this pane was left in.
    public var remembered: RequestListQuery?
    public var list = PagedList<Request>(table: ConsoleState.listTable([
        TableColumn("#", width: .fixed(4), alignment: .right),
        TableColumn("STATE", width: .fixed(8)),
        TableColumn("PRI", width: .fixed(6)),
        TableColumn("ACCOUNT", width: .fixed(8)),
        TableColumn("ITEM", width: .fixed(10)),
        TableColumn("FROM", width: .fixed(7)),
        TableColumn("SLA", width: .fixed(11), alignment: .right),
        TableColumn("QUESTION", width: .fill),
    ], emptyMessage: "No requests here"))
    /// The order each of the list's columns sorts by; the question's text is not sortable.
    public static let columnSorts: [RequestListQuery.Sort?] = [.id, .state, .priority, .account, .item, .requester, .due, nil]
    public var detail: RequestDetail?
    /// The reply templates, for users who answer requests (`t`, Ctrl-T); nil until read.
    public var templates: [ReplyTemplate]?
    /// Set by `:req N`: the detail shows that request until the selection moves.
    public var detailPinned = false

    public init(view: QueueView) {
        self.view = view
    }

    /// What the list shows: its scope, state filter and sort.
    public var query: RequestListQuery {
        get { RequestListQuery(view: view, state: stateFilter, sort: sort, descending: descending) }
        set {
            view = newValue.view
            stateFilter = newValue.state
            sort = newValue.sort
            descending = newValue.descending
        }
    }
}

// MARK: - Forms

/// A form over a pane and what its values are for.
public struct ActionForm: Sendable {
    public enum Purpose: Sendable, Hashable {
        case movement(MovementKind)
        case hold
        case filter
        case newRequest
        case act(Int64, RequestAction)
        case quantity
        case date
        case startCount
    }

    public var title: String
    public var purpose: Purpose
    public var form: Form
    /// The item the form is about, for movements and holds.
    public var sku: String?
    /// Shown on the message line before the keys: what the form will do.
    public var note: String
    /// What submitting does, in a word, for the hints: "post", "send", "apply".
    public var submitVerb: String
    /// Set while asking whether to throw away typed input.
    public var discarding: ConfirmDialog?
    /// Whether saying yes to `discarding` quits the console (Ctrl-Q over typed input) rather than closing the form.
    public var quitsOnDiscard = false

    public init(title: String, purpose: Purpose, fields: [FormField], sku: String? = nil, note: String = "", submit verb: String = "submit") {
        self.title = title
        self.purpose = purpose
        form = Form(fields: fields)
        self.sku = sku
        self.note = note
        submitVerb = verb
    }
}

// MARK: - Messages and effects

/// Something that happened: a key, a resize, the clock, or the answer to an effect. A plain value: two messages with
/// the same payload compare equal, so `update` can be tested without a store.
public enum ConsoleMessage: Sendable, Equatable {
    case key(Key)
    case resized(width: Int, height: Int)
    /// The clock moved on; `live` says whether the store answered the last look for changes.
    case tick(Date, live: Bool)
    /// Another session or the command line changed the store.
    case storeChanged
    case locationsLoaded([Location])
    case itemsLoaded(PageRequest<ItemListRow>, [ItemListRow])
    case itemsCounted(generation: Int, count: Int, exact: Bool)
    case itemDetailLoaded(ItemDetail)
    /// A write went through; the text says what was done.
    case done(String)
    case quoted(token: Int, Quote?, StockAnswer?, problem: String?)
    /// When the quantity of the quote with this token is available to promise.
    case promised(token: Int, AvailableToPromise.Answer?)
    /// The answer to `:atp SKU N`.
    case promiseAnswered(AvailableToPromise.Answer)
    case pricingChosen(account: Account?, item: Item?, quantity: Int?)
    case pickerResults(token: Int, [Picker.Choice])
    case requestsLoaded(PageRequest<Request>, [Request])
    /// Where the item selected before a re-sort is in the list now (nil: no longer in it).
    case itemLocated(generation: Int, Int?)
    /// Where the request selected before a re-sort is in the list now (nil: no longer in it).
    case requestLocated(generation: Int, Int?)
    /// The views the user left the panes in, when the console opens.
    case lastViewsLoaded([SavedView.Settings])
    /// The user's saved views of a pane, for the picker with this token.
    case viewsListed(token: Int, [SavedView])
    /// A view was saved or deleted; the text says which.
    case viewsChanged(String)
    case requestLoaded(RequestDetail)
    /// A count session, fresh from the store; `select` names the line just counted.
    case countLoaded(CountSession, select: String?)
    /// Live stock and price to insert into an answer being written.
    case answerFacts(String)
    /// What needs the user in the Queue, read again after a change or as the minutes pass.
    case attentionLoaded(QueueAttention)
    case templatesLoaded([ReplyTemplate])
    /// A reply template filled from request N's live facts, for its answer.
    case templateFilled(Int64, String)
    /// An effect failed; the text is shown on the message line.
    case failed(String)
    /// The SSH server this console runs under is stopping: the session ends at the date.
    case serverStopping(Date)
}

/// The lists `E` writes out.
public enum ExportList: Sendable, Equatable {
    case inventory(ItemListQuery)
    case queue(RequestListQuery)
}

/// Work for the runtime: queries and writes against the store. `update` returns them; it never runs them. A plain value,
/// so a test asserts the exact effects a message asks for with `==`.
public enum ConsoleEffect: Sendable, Equatable {
    case loadLocations
    case loadItems(ItemListQuery, PageRequest<ItemListRow>)
    case countItems(ItemListQuery, generation: Int)
    case loadItemDetail(sku: String)
    case post(Movement, sku: String, reference: String?)
    case placeHold(sku: String, quantity: Int, location: String, account: String, days: Int)
    case quote(token: Int, sku: String, account: String, quantity: Int, date: Day?)
    /// `:atp SKU N`: when N are available to promise at the sellable locations.
    case promise(sku: String, quantity: Int)
    /// `:price SKU ACCOUNT QTY`: find the item and account, then quote.
    case choosePricing(sku: String?, account: String?, quantity: Int?)
    case searchPicker(Picker.Kind, text: String, token: Int)
    case loadRequests(RequestListQuery, PageRequest<Request>)
    /// Where an item is in a re-sorted list, so it stays selected.
    case locateItem(ItemListQuery, ItemListRow, generation: Int)
    /// Where a request is in a re-sorted queue, so it stays selected.
    case locateRequest(RequestListQuery, Int64, generation: Int)
    case loadLastViews
    case rememberView(SavedView.Settings)
    case listViews(SavedView.Pane, token: Int)
    case saveView(SavedView, replace: Bool)
    case deleteView(SavedView.Pane, name: String)
    case loadRequest(Int64)
    case act(Int64, RequestAction, text: String, assignTo: String?)
    case fileRequest(kind: RequestKind, account: String, sku: String?, quantity: Int?, text: String, priority: Priority)
    case answerFacts(Request)
    case loadTemplates
    /// Fills a reply template from the request's live facts (the answer basis Ctrl-L uses).
    case fillTemplate(Request, ReplyTemplate)
    case startCount(location: String, category: String?)
    case loadCount(Int64)
    case enterCount(Int64, sku: String, quantity: Int, add: Bool)
    case postCount(Int64)
    /// Reads what needs the user in the Queue (`QueueAttention`).
    case loadAttention
    /// Rings the terminal's bell.
    case ringBell
    /// Puts text (already made safe, `ViewExport.clipboard`) on the terminal's clipboard.
    case copy(String)
    /// Writes a list, all of it, to a new CSV file in the user's export folder.
    case export(ExportList)
    case quit
}
