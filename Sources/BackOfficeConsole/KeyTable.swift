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

/// What has the keyboard: the pane itself, or a mode or window over it. A key means one thing in one context.
public enum KeyContext: String, CaseIterable, Sendable, Hashable {
    /// The pane, nothing open over it.
    case pane
    /// Inventory's search box, while typing in it.
    case search
    /// A count session on screen in Inventory.
    case count
    case form
    /// Choosing an account or an item in Pricing.
    case picker
    /// The `:` command line.
    case commandLine
    /// A yes/no question.
    case question
    /// The help screen.
    case help

    /// Contexts with a text field: a printable character always types there, whatever the table binds it to
    /// elsewhere, so the table binds only keys that cannot be typed in them.
    public var takesTyping: Bool {
        switch self {
        case .search, .count, .form, .picker, .commandLine: true
        case .pane, .question, .help: false
        }
    }
}

/// Everything a key can ask the console to do.
public enum ConsoleCommand: Hashable, Sendable {
    case quit
    case help
    case back
    case nextPane
    case previousPane
    case showPane(Pane)
    case commandLine
    /// `E`: the list on screen to a CSV file.
    case export
    /// `y`: the quote or answer on screen to the terminal's clipboard.
    case copy
    case moveUp
    case moveDown
    case pageUp
    case pageDown
    case top
    case bottom
    // Inventory
    case search
    case open
    case receipt
    case issue
    case transfer
    case adjust
    case count
    case hold
    case toggleBelowReorder
    case filter
    case countSession
    // Inventory and Queue: sorting and saved views
    case sortNext
    case sortPrevious
    case reverseSort
    case views
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
    case cycleScope
    case cycleState
    case findRequest
    case answerWithTemplate
    // The search box
    case keepSearch
    case clearSearch
    // A count session
    case enterCount
    case postCount
    case leaveCount
    // Forms
    case nextField
    case previousField
    case advance
    case submit
    case insertFacts
    case insertTemplate
    // Forms, pickers and the command line
    case cancel
    // Pickers
    case take
    // The saved views' picker
    case saveView
    case deleteView
    // The command line
    case run
    // Questions
    case yes
    case no
    case chooseButton
    case switchButton
    // Help
    case closeHelp
    // Any text field: an editing key goes to the field
    case editText
}

/// One row of the key table: the keys, what they do, where, and who may use them.
public struct KeyBinding: Sendable {
    public var keys: [Key]
    public var command: ConsoleCommand
    /// The help screen's section.
    public var section: String
    public var description: String
    /// What must have the keyboard for the binding to work.
    public var contexts: Set<KeyContext>
    /// The panes where the binding works; empty means every pane.
    public var panes: Set<Pane>
    /// The permission the command needs: help and hints leave the binding out for users without it, and pressing its
    /// key says so.
    public var permission: Permission?
    /// The word or two on the message line's hints; nil keeps the binding off the hint line.
    public var hint: String?
    /// The keys the hint names, when not the first of `keys` ("↑ ↓" for a pair of bindings).
    public var hintKeys: [Key]?
    /// Where the hint shows, when not in all of `contexts`.
    public var hintContexts: Set<KeyContext>

    public init(_ keys: [Key], _ command: ConsoleCommand, _ section: String, _ description: String,
                in contexts: Set<KeyContext> = [.pane], panes: Set<Pane> = [], needs permission: Permission? = nil,
                hint: String? = nil, hintKeys: [Key]? = nil, hintedIn hintContexts: Set<KeyContext>? = nil) {
        self.keys = keys
        self.command = command
        self.section = section
        self.description = description
        self.contexts = contexts
        self.panes = panes
        self.permission = permission
        self.hint = hint
        self.hintKeys = hintKeys
        self.hintContexts = hintContexts ?? contexts
    }

    /// Whether the binding works in the pane, whatever has the keyboard there.
    public func works(in pane: Pane) -> Bool { panes.isEmpty || panes.contains(pane) }

    /// Whether the user has the binding in the pane (in some context).
    public func applies(in pane: Pane, for user: User) -> Bool {
        works(in: pane) && (permission.map(user.may) ?? true)
    }

    /// The hint as the message line shows it in a context: "c claim", "↑ ↓ move"; "F1 help" where `?` would type.
    public func hintText(in context: KeyContext) -> String? {
        guard let hint, let key = keys.first(where: { key in
            if context.takesTyping, case .character = key { return false }
            return true
        }) else { return nil }
        return ((hintKeys ?? [key]).map(\.description) + [hint]).joined(separator: " ")
    }
}

/// The console's one key table. Key handling, the help screen and the message line's hints are all generated from
/// it, in every pane and every mode, so they can never drift from what the keys do.
public enum KeyTable {
    static let browsing: Set<KeyContext> = [.pane, .search, .count]
    /// The panes with a list to move in.
    static let lists: Set<Pane> = [.inventory, .queue]
    static let typing: Set<KeyContext> = Set(KeyContext.allCases.filter(\.takesTyping))
    /// The panes with a picker: accounts and items in Pricing, reply templates in the Queue.
    static let pickers: Set<Pane> = [.pricing, .queue]

    public static let bindings: [KeyBinding] = [
        KeyBinding([.character("1"), .function(2)], .showPane(.inventory), "Everywhere", "Inventory pane", in: browsing),
        KeyBinding([.character("2"), .function(3)], .showPane(.pricing), "Everywhere", "Pricing pane", in: browsing),
        KeyBinding([.character("3"), .function(4)], .showPane(.queue), "Everywhere", "Queue pane", in: browsing),
        KeyBinding([.tab], .nextPane, "Everywhere", "next pane", in: [.pane, .count]),
        KeyBinding([.backTab], .previousPane, "Everywhere", "previous pane", in: browsing),
        KeyBinding([.character("?"), .function(1)], .help, "Everywhere", "this help", in: browsing, hint: "help"),
        KeyBinding([.character(":")], .commandLine, "Everywhere", "command line"),
        KeyBinding([.character("E")], .export, "Everywhere", "write the list to a CSV file", panes: [.inventory, .queue]),
        KeyBinding([.character("y")], .copy, "Everywhere", "copy the quote or answer", panes: [.pricing, .queue], hint: "copy"),
        KeyBinding([.escape], .back, "Everywhere", "clear message or search"),
        KeyBinding([.character("q")], .quit, "Everywhere", "quit"),
        KeyBinding([.control("q")], .quit, "Everywhere", "quit, from a form too", in: Set(KeyContext.allCases)),

        KeyBinding([.character("r")], .receipt, "Inventory", "receipt", panes: [.inventory], needs: .postMovements, hint: "receipt"),
        KeyBinding([.character("i")], .issue, "Inventory", "issue", panes: [.inventory], needs: .postMovements, hint: "issue"),
        KeyBinding([.character("t")], .transfer, "Inventory", "transfer", panes: [.inventory], needs: .postMovements, hint: "transfer"),
        KeyBinding([.character("a")], .adjust, "Inventory", "adjust", panes: [.inventory], needs: .postMovements, hint: "adjust"),
        KeyBinding([.character("c")], .count, "Inventory", "count one item", panes: [.inventory], needs: .postMovements, hint: "count"),
        KeyBinding([.character("h")], .hold, "Inventory", "hold for an account", panes: [.inventory], needs: .placeHolds, hint: "hold"),
        KeyBinding([.enter], .open, "Inventory", "price this item", panes: [.inventory], needs: .viewPrices, hint: "price"),
        KeyBinding([.character("/")], .search, "Inventory", "search as you type", panes: [.inventory], hint: "search"),
        KeyBinding([.character("C")], .countSession, "Inventory", "start or resume a count", panes: [.inventory],
                   needs: .postMovements, hint: "count session"),
        KeyBinding([.character("f")], .filter, "Inventory", "filter the list", panes: [.inventory], hint: "filter"),
        KeyBinding([.character("b")], .toggleBelowReorder, "Inventory", "below reorder point", panes: [.inventory], hint: "below"),
        KeyBinding([.character("n")], .newRequest, "Inventory", "ask the account manager", panes: [.inventory], needs: .fileRequests, hint: "ask"),

        KeyBinding([.character("a")], .pickAccount, "Pricing", "choose the account", panes: [.pricing], needs: .viewPrices, hint: "account"),
        KeyBinding([.character("i"), .character("/")], .pickItem, "Pricing", "choose the item", panes: [.pricing], needs: .viewPrices, hint: "item"),
        KeyBinding([.character("n")], .setQuantity, "Pricing", "quantity", panes: [.pricing], needs: .viewPrices, hint: "quantity"),
        KeyBinding([.character("d")], .setDate, "Pricing", "price as of a date", panes: [.pricing], needs: .viewPrices, hint: "date"),
        KeyBinding([.character("R")], .newRequest, "Pricing", "ask the account manager", panes: [.pricing], needs: .fileRequests, hint: "ask"),

        // The queue's actions: whether one is possible for the request in view is Core's to say (Queue.authorize, Queue.next).
        KeyBinding([.character("c")], .claim, "Queue", "claim", panes: [.queue], needs: .answerRequests, hint: "claim"),
        KeyBinding([.character("a")], .answer, "Queue", "answer", panes: [.queue], needs: .answerRequests, hint: "answer"),
        KeyBinding([.character("t")], .answerWithTemplate, "Queue", "answer with a reply template", panes: [.queue],
                   needs: .answerRequests, hint: "template"),
        KeyBinding([.character("w")], .waitOnSales, "Queue", "ask sales back", panes: [.queue], needs: .answerRequests, hint: "ask back"),
        KeyBinding([.character("R")], .reply, "Queue", "reply to the manager", panes: [.queue], needs: .fileRequests, hint: "reply"),
        KeyBinding([.character("x")], .close, "Queue", "close", panes: [.queue], hint: "close"),
        KeyBinding([.character("o")], .reopen, "Queue", "reopen", panes: [.queue], hint: "reopen"),
        KeyBinding([.character("r")], .reassign, "Queue", "reassign to a manager", panes: [.queue], needs: .answerRequests, hint: "reassign"),
        KeyBinding([.character("n")], .newRequest, "Queue", "new request", panes: [.queue], needs: .fileRequests, hint: "ask"),
        // The queue's header names m, f and v, so the hint line keeps its room for the request's actions.
        KeyBinding([.character("m")], .cycleScope, "Queue", "scope: mine, accounts…", panes: [.queue], needs: .viewAllRequests),
        KeyBinding([.character("f")], .cycleState, "Queue", "state: open, each, any", panes: [.queue]),
        KeyBinding([.character("/")], .findRequest, "Queue", "go to request N", panes: [.queue]),

        // No hints: the list's header marks the sort column, the queue's header names v, and help lists them all (the
        // inventory's hint line is full at 80 columns already).
        KeyBinding([.character(">")], .sortNext, "Sorting", "sort by the next column", panes: lists),
        KeyBinding([.character("<")], .sortPrevious, "Sorting", "sort by the previous column", panes: lists),
        KeyBinding([.character("s")], .reverseSort, "Sorting", "reverse the sort", panes: lists),
        KeyBinding([.character("v")], .views, "Sorting", "saved views: apply, save", panes: lists),

        KeyBinding([.character("k"), .up], .moveUp, "Moving", "up", in: browsing, panes: lists),
        // With nothing open the list's selection shows the arrows' use; in a box that takes typing it is worth saying.
        KeyBinding([.character("j"), .down], .moveDown, "Moving", "down", in: browsing, panes: lists, hint: "move", hintKeys: [.up, .down],
                   hintedIn: [.search, .count]),
        KeyBinding([.pageUp], .pageUp, "Moving", "page up", in: browsing, panes: lists),
        KeyBinding([.pageDown], .pageDown, "Moving", "page down", in: browsing, panes: lists),
        KeyBinding([.character("g"), .home], .top, "Moving", "first", panes: lists),
        KeyBinding([.character("G"), .end], .bottom, "Moving", "last", panes: lists),

        KeyBinding([.enter, .tab], .keepSearch, "Searching", "keep the results", in: [.search], panes: [.inventory], hint: "keep"),
        KeyBinding([.escape], .clearSearch, "Searching", "clear the search", in: [.search], panes: [.inventory], hint: "clear"),

        KeyBinding([.enter], .enterCount, "Counting", "scan +1; number sets it", in: [.count], panes: [.inventory],
                   needs: .postMovements, hint: "count"),
        KeyBinding([.control("p")], .postCount, "Counting", "post the count", in: [.count], panes: [.inventory], needs: .postMovements, hint: "post"),
        KeyBinding([.escape], .leaveCount, "Counting", "leave; it stays open", in: [.count], panes: [.inventory], hint: "leave"),

        KeyBinding([.up], .moveUp, "Pickers", "previous match", in: [.picker], panes: pickers),
        KeyBinding([.down], .moveDown, "Pickers", "next match", in: [.picker], panes: pickers, hint: "choose", hintKeys: [.up, .down]),
        KeyBinding([.enter], .take, "Pickers", "take the match", in: [.picker], panes: pickers, hint: "take"),
        KeyBinding([.escape], .cancel, "Pickers", "cancel", in: [.picker], panes: pickers, hint: "cancel"),

        // The Queue's pickers (templates, saved views) share the Pickers keys above; the Inventory has only this one.
        KeyBinding([.up], .moveUp, "Saved views", "previous view", in: [.picker], panes: [.inventory]),
        KeyBinding([.down], .moveDown, "Saved views", "next view", in: [.picker], panes: [.inventory], hint: "choose", hintKeys: [.up, .down]),
        KeyBinding([.enter], .take, "Saved views", "apply it; a new name saves", in: [.picker], panes: [.inventory], hint: "apply"),
        KeyBinding([.control("s")], .saveView, "Saved views", "save as the typed name", in: [.picker], panes: lists, hint: "save"),
        KeyBinding([.control("x")], .deleteView, "Saved views", "delete the chosen view", in: [.picker], panes: lists, hint: "delete"),
        KeyBinding([.escape], .cancel, "Saved views", "close", in: [.picker], panes: [.inventory], hint: "close"),

        KeyBinding([.tab, .down], .nextField, "Forms", "next field", in: [.form]),
        KeyBinding([.backTab, .up], .previousField, "Forms", "previous field", in: [.form]),
        KeyBinding([.enter], .advance, "Forms", "next field, or submit", in: [.form], hint: "next field"),
        KeyBinding([.control("s")], .submit, "Forms", "submit from any field", in: [.form], hint: "submit"),
        KeyBinding([.control("l")], .insertFacts, "Forms", "live facts in an answer", in: [.form], panes: [.queue],
                   needs: .answerRequests, hint: "live facts"),
        // Ctrl-T, not t: in the answer's text field a t types.
        KeyBinding([.control("t")], .insertTemplate, "Forms", "a reply template in an answer", in: [.form], panes: [.queue],
                   needs: .answerRequests, hint: "template"),
        KeyBinding([.escape], .cancel, "Forms", "cancel (asks if typed)", in: [.form], hint: "cancel"),

        KeyBinding([.enter], .run, "Command line", "run it", in: [.commandLine], hint: "run"),
        KeyBinding([.escape], .cancel, "Command line", "cancel", in: [.commandLine], hint: "cancel"),

        KeyBinding([.character("y")], .yes, "Questions", "yes", in: [.question], hint: "yes"),
        KeyBinding([.character("n"), .escape], .no, "Questions", "no", in: [.question], hint: "no"),
        KeyBinding([.enter], .chooseButton, "Questions", "the selected button", in: [.question], hint: "selected button"),
        KeyBinding([.left, .right, .tab], .switchButton, "Questions", "the other button", in: [.question]),

        KeyBinding([.left, .control("b")], .editText, "Typing", "back a character", in: typing),
        KeyBinding([.right, .control("f")], .editText, "Typing", "forward a character", in: typing),
        KeyBinding([.home, .control("a")], .editText, "Typing", "to the start", in: typing),
        KeyBinding([.end, .control("e")], .editText, "Typing", "to the end", in: typing),
        KeyBinding([.backspace], .editText, "Typing", "delete back a character", in: typing),
        KeyBinding([.delete, .control("d")], .editText, "Typing", "delete at the cursor", in: typing),
        KeyBinding([.control("u")], .editText, "Typing", "delete to the start", in: typing),
        KeyBinding([.control("k")], .editText, "Typing", "delete to the end", in: typing),
        KeyBinding([.control("w")], .editText, "Typing", "delete the word before", in: typing),

        KeyBinding([.character("k"), .up], .moveUp, "In help", "scroll up", in: [.help]),
        KeyBinding([.character("j"), .down], .moveDown, "In help", "scroll down", in: [.help], hint: "scroll", hintKeys: [.up, .down]),
        KeyBinding([.pageUp], .pageUp, "In help", "page up", in: [.help]),
        KeyBinding([.pageDown, .character(" ")], .pageDown, "In help", "page down", in: [.help]),
        KeyBinding([.character("g"), .home], .top, "In help", "top", in: [.help]),
        KeyBinding([.character("G"), .end], .bottom, "In help", "bottom", in: [.help]),
        KeyBinding([.escape, .character("?"), .character("q")], .closeHelp, "In help", "close help", in: [.help], hint: "close"),
    ]

    /// The binding a key has in a context and pane, whoever the user is (permissions are checked when it runs, so
    /// the console can say why a key does nothing). A printable character in a context that takes typing has none.
    public static func binding(for key: Key, in context: KeyContext, pane: Pane) -> KeyBinding? {
        if context.takesTyping, case .character = key { return nil }
        return bindings.first { $0.contexts.contains(context) && $0.works(in: pane) && $0.keys.contains(key) }
    }

    /// The command a key means in a pane, nothing open, for a user, if any.
    public static func command(for key: Key, in pane: Pane, for user: User) -> ConsoleCommand? {
        binding(for: key, in: .pane, pane: pane).flatMap { $0.applies(in: pane, for: user) ? $0.command : nil }
    }

    /// The bindings a user has in a pane, in every context, in table order.
    public static func bindings(in pane: Pane, for user: User) -> [KeyBinding] {
        bindings.filter { $0.applies(in: pane, for: user) }
    }

    /// The help screen's sections for a pane and user, generated from the table: every mode that can be reached there.
    public static func help(in pane: Pane, for user: User) -> [HelpSection] {
        var order: [String] = []
        var sections: [String: [HelpEntry]] = [:]
        for binding in bindings(in: pane, for: user) {
            if sections[binding.section] == nil { order.append(binding.section) }
            sections[binding.section, default: []].append(HelpEntry(keys: binding.keys, description: binding.description))
        }
        return order.map { HelpSection($0, entries: sections[$0]!) }
    }

    /// The bindings whose hints the message line shows in a context, in table order.
    public static func hinted(in context: KeyContext, pane: Pane, for user: User) -> [KeyBinding] {
        bindings.filter { binding in
            binding.hint != nil && binding.contexts.contains(context) && binding.hintContexts.contains(context)
                && binding.applies(in: pane, for: user)
        }
    }

    /// Every hint a user may see in a pane with nothing open, whatever is selected, on one line.
    public static func hints(in pane: Pane, for user: User) -> String {
        hinted(in: .pane, pane: pane, for: user).compactMap { $0.hintText(in: .pane) }.joined(separator: paneHintSeparator)
    }

    static let paneHintSeparator = "  "
    static let modeHintSeparator = " · "

    /// As many whole items as fit in `width`, in order: a hint is never cut in the middle.
    static func fit(_ items: [String], separator: String, width: Int) -> String {
        var line = ""
        for item in items where !item.isEmpty {
            let next = line.isEmpty ? item : line + separator + item
            guard TextWidth.of(next) <= width else { break }
            line = next
        }
        return line
    }
}
