import BackOfficeCore
import TerminalUI

/// The three panes of the console, in tab order.
public enum Pane: Int, CaseIterable, Sendable, Hashable {
    case inventory = 1
    case pricing = 2
    case queue = 3

    /// The name on the tab bar.
    public var title: String {
        switch self {
        case .inventory: "Inventory"
        case .pricing: "Pricing"
        case .queue: "Queue"
        }
    }

    public var next: Pane { Pane(rawValue: rawValue % Pane.allCases.count + 1)! }
    public var previous: Pane { Pane(rawValue: (rawValue + Pane.allCases.count - 2) % Pane.allCases.count + 1)! }
}

/// Everything a key can ask the console to do.
public enum ConsoleCommand: Hashable, Sendable {
    case quit
    case help
    case back
    case nextPane
    case previousPane
    case showPane(Pane)
    case search
    case commandLine
    case moveUp
    case moveDown
    case pageUp
    case pageDown
    case top
    case bottom
    case open
    // Inventory
    case receipt
    case issue
    case transfer
    case adjust
    case count
    case hold
    case toggleBelowReorder
    case filter
    case countSession
    case cycleSort
    // Pricing
    case pickAccount
    case pickItem
    case setQuantity
    case setDate
    // Queue
    case newRequest
    case claim
    case answer
    case waitOnSales
    case reply
    case close
    case reopen
    case reassign
    case cycleView
    case cycleState
}

/// One row of the key table: the keys, what they do, where, and who may use them.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var command: ConsoleCommand
    /// The help screen's section.
    public var section: String
    public var description: String
    /// The panes where the binding works; empty means everywhere.
    public var panes: Set<Pane>
    /// The permission the command needs; users without it neither see nor get the binding.
    public var permission: Permission?
    /// The word or two on the message line's hints, when the description is too long for it.
    public var hint: String

    public init(_ keys: [Key], _ command: ConsoleCommand, _ section: String, _ description: String,
                panes: Set<Pane> = [], needs permission: Permission? = nil, hint: String? = nil) {
        self.keys = keys
        self.command = command
        self.section = section
        self.description = description
        self.panes = panes
        self.permission = permission
        self.hint = hint ?? description
    }

    public func applies(in pane: Pane, for user: User) -> Bool {
        (panes.isEmpty || panes.contains(pane)) && (permission.map(user.may) ?? true)
    }
}

/// The console's one key table. Key handling, the help screen and the status-bar hints are all generated from it,
/// so they can never drift from what the keys do.
public enum KeyTable {
    public static let bindings: [KeyBinding] = [
        KeyBinding([.character("1"), .function(2)], .showPane(.inventory), "Everywhere", "Inventory pane"),
        KeyBinding([.character("2"), .function(3)], .showPane(.pricing), "Everywhere", "Pricing pane"),
        KeyBinding([.character("3"), .function(4)], .showPane(.queue), "Everywhere", "Queue pane"),
        KeyBinding([.tab], .nextPane, "Everywhere", "next pane"),
        KeyBinding([.backTab], .previousPane, "Everywhere", "previous pane"),
        KeyBinding([.character("?"), .function(1)], .help, "Everywhere", "this help"),
        KeyBinding([.character("/")], .search, "Everywhere", "search"),
        KeyBinding([.character(":")], .commandLine, "Everywhere", "command line (:stock SKU, :price SKU ACCOUNT QTY, :atp SKU QTY, :req N)"),
        KeyBinding([.escape], .back, "Everywhere", "back"),
        KeyBinding([.character("q"), .control("q")], .quit, "Everywhere", "quit (Ctrl-Q from a form too)"),
        KeyBinding([.character("k"), .up], .moveUp, "Moving", "up"),
        KeyBinding([.character("j"), .down], .moveDown, "Moving", "down"),
        KeyBinding([.pageUp], .pageUp, "Moving", "page up"),
        KeyBinding([.pageDown], .pageDown, "Moving", "page down"),
        KeyBinding([.home], .top, "Moving", "first"),
        KeyBinding([.end], .bottom, "Moving", "last"),
        KeyBinding([.enter], .open, "Inventory", "price this item", panes: [.inventory], needs: .viewPrices, hint: "price"),

        KeyBinding([.character("r")], .receipt, "Inventory", "receipt", panes: [.inventory], needs: .postMovements),
        KeyBinding([.character("i")], .issue, "Inventory", "issue", panes: [.inventory], needs: .postMovements),
        KeyBinding([.character("t")], .transfer, "Inventory", "transfer", panes: [.inventory], needs: .postMovements),
        KeyBinding([.character("a")], .adjust, "Inventory", "adjust", panes: [.inventory], needs: .postMovements),
        KeyBinding([.character("c")], .count, "Inventory", "count", panes: [.inventory], needs: .postMovements),
        KeyBinding([.character("h")], .hold, "Inventory", "hold for an account", panes: [.inventory], needs: .placeHolds, hint: "hold"),
        KeyBinding([.character("C")], .countSession, "Inventory", "count session: start or resume a cycle count", panes: [.inventory],
                   needs: .postMovements, hint: "count session"),
        KeyBinding([.character("f")], .filter, "Inventory", "filter by location, category", panes: [.inventory], hint: "filter"),
        KeyBinding([.character("b")], .toggleBelowReorder, "Inventory", "only items below reorder point", panes: [.inventory], hint: "below reorder"),
        KeyBinding([.character("s")], .cycleSort, "Inventory", "sort", panes: [.inventory]),

        KeyBinding([.character("a")], .pickAccount, "Pricing", "account", panes: [.pricing], needs: .viewPrices),
        KeyBinding([.character("i")], .pickItem, "Pricing", "item", panes: [.pricing], needs: .viewPrices),
        KeyBinding([.character("n")], .setQuantity, "Pricing", "quantity", panes: [.pricing], needs: .viewPrices),
        KeyBinding([.character("d")], .setDate, "Pricing", "price as of a date", panes: [.pricing], needs: .viewPrices, hint: "date"),

        KeyBinding([.character("n")], .newRequest, "Queue", "new request", panes: [.queue, .inventory], needs: .fileRequests, hint: "ask"),
        KeyBinding([.character("R")], .newRequest, "Pricing", "ask the account manager", panes: [.pricing], needs: .fileRequests, hint: "ask"),
        KeyBinding([.character("c")], .claim, "Queue", "claim", panes: [.queue], needs: .answerRequests),
        KeyBinding([.character("a")], .answer, "Queue", "answer", panes: [.queue], needs: .answerRequests),
        KeyBinding([.character("w")], .waitOnSales, "Queue", "ask sales back", panes: [.queue], needs: .answerRequests, hint: "ask back"),
        KeyBinding([.character("y")], .reply, "Queue", "reply to the manager", panes: [.queue], needs: .fileRequests, hint: "reply"),
        KeyBinding([.character("x")], .close, "Queue", "close", panes: [.queue]),
        KeyBinding([.character("o")], .reopen, "Queue", "reopen", panes: [.queue]),
        KeyBinding([.character("g")], .reassign, "Queue", "give to another manager", panes: [.queue], needs: .answerRequests, hint: "give"),
        KeyBinding([.character("v")], .cycleView, "Queue", "view: mine, my accounts, unassigned, all", panes: [.queue], hint: "view"),
        KeyBinding([.character("f")], .cycleState, "Queue", "state filter", panes: [.queue], hint: "state"),
    ]

    /// The command a key means in a pane for a user, if any.
    public static func command(for key: Key, in pane: Pane, for user: User) -> ConsoleCommand? {
        bindings.first { $0.keys.contains(key) && $0.applies(in: pane, for: user) }?.command
    }

    /// The bindings a user has in a pane, in table order.
    public static func bindings(in pane: Pane, for user: User) -> [KeyBinding] {
        bindings.filter { $0.applies(in: pane, for: user) }
    }

    /// The help screen's sections for a pane and user, generated from the table.
    public static func help(in pane: Pane, for user: User) -> [HelpSection] {
        var order: [String] = []
        var sections: [String: [HelpEntry]] = [:]
        for binding in bindings(in: pane, for: user) {
            if sections[binding.section] == nil { order.append(binding.section) }
            sections[binding.section, default: []].append(HelpEntry(keys: binding.keys, description: binding.description))
        }
        return order.map { HelpSection($0, entries: sections[$0]!) }
    }

    /// The short hints on the message line: help first (so it shows on any width), then the pane's own actions.
    public static func hints(in pane: Pane, for user: User) -> String {
        (["? help"] + bindings(in: pane, for: user).filter { !$0.panes.isEmpty }.map { "\($0.keys[0]) \($0.hint)" })
            .joined(separator: "  ")
    }
}
