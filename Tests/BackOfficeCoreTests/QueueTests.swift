import Foundation
import Testing
@testable import BackOfficeCore

private let filedAt = Date(timeIntervalSince1970: 1_781_000_000)

private func request(_ state: RequestState = .new, assignee: String? = "manager", requester: String = "alice",
                     priority: Priority = .normal) -> Request {
    Request(id: 42, kind: .stock, account: "ACME", sku: "FAS-000001", quantity: 10, text: "Can we ship 10 by Friday?",
            priority: priority, state: state, requester: requester, assignee: assignee,
            createdAt: filedAt, dueAt: Queue.dueAt(createdAt: filedAt, priority: priority), updatedAt: filedAt)
}

private func user(_ name: String, _ role: Role, away: Bool = false, active: Bool = true) -> User {
    User(name: name, displayName: name.capitalized, role: role, away: away, active: active)
}

// MARK: - Transitions

@Suite("Queue transitions")
struct QueueTransitionTests {
    /// Every (state, action) pair, written out from the state diagram: the state it leads to, or nil when refused.
    static let expected: [RequestState: [RequestAction: RequestState?]] = [
        .new: [.claim: .claimed, .answer: .answered, .wait: .waitingOnSales, .close: .closed, .reopen: nil, .reassign: .new, .reply: nil],
        .claimed: [.claim: .claimed, .answer: .answered, .wait: .waitingOnSales, .close: .closed, .reopen: nil, .reassign: .claimed, .reply: nil],
        .waitingOnSales: [.claim: .claimed, .answer: .answered, .wait: nil, .close: .closed, .reopen: nil, .reassign: .waitingOnSales, .reply: .claimed],
        .answered: [.claim: nil, .answer: nil, .wait: nil, .close: .closed, .reopen: .claimed, .reassign: nil, .reply: nil],
        .closed: [.claim: nil, .answer: nil, .wait: nil, .close: nil, .reopen: .claimed, .reassign: nil, .reply: nil],
    ]

    struct Transition: Sendable, CustomTestStringConvertible {
        var from: RequestState
        var action: RequestAction
        var to: RequestState
        var testDescription: String { "\(from.rawValue) --\(action.rawValue)--> \(to.rawValue)" }
    }

    static let allowed: [Transition] = RequestState.allCases.flatMap { state in
        RequestAction.allCases.compactMap { action in expected[state]![action]!.map { Transition(from: state, action: action, to: $0) } }
    }

    static let refused: [(RequestState, RequestAction)] = RequestState.allCases.flatMap { state in
        RequestAction.allCases.compactMap { action in expected[state]![action]! == nil ? (state, action) : nil }
    }

    @Test func givenTheTableWhenCountingThenEveryStateAndActionPairIsCovered() {
        #expect(Self.allowed.count + Self.refused.count == RequestState.allCases.count * RequestAction.allCases.count)
        #expect(Self.allowed.count == 18)
    }

    @Test("Given an assigned request, when an allowed action is taken, then it moves to the right state", arguments: allowed)
    func allowedActionMoves(_ transition: Transition) throws {
        #expect(try Queue.next(request(transition.from), transition.action) == transition.to)
    }

    @Test("Given a request, when a disallowed action is taken, then InvalidTransition is thrown", arguments: refused)
    func disallowedActionThrows(_ from: RequestState, _ action: RequestAction) {
        #expect(throws: InvalidTransition(request: 42, state: from, action: action)) {
            try Queue.next(request(from), action)
        }
    }

    @Test("Given a state, when asking which actions it allows, then they match the table in a stable order",
          arguments: RequestState.allCases)
    func actionsFromState(_ state: RequestState) {
        let expected = RequestAction.allCases.filter { Self.expected[state]![$0]! != nil }
        #expect(Queue.actions(from: state) == expected)
    }

    @Test("Given an unassigned request, when it is reopened, then it goes back to new", arguments: [RequestState.answered, .closed])
    func reopenWithoutAssigneeGoesToNew(_ state: RequestState) throws {
        #expect(try Queue.next(request(state, assignee: nil), .reopen) == .new)
    }

    @Test("Given an assigned request, when it is reopened, then it goes back to claimed", arguments: [RequestState.answered, .closed])
    func reopenWithAssigneeGoesToClaimed(_ state: RequestState) throws {
        #expect(try Queue.next(request(state, assignee: "dana"), .reopen) == .claimed)
    }

    @Test func givenAnUnassignedRequestWhenAnActionOtherThanReopenIsTakenThenTheTableStands() throws {
        #expect(try Queue.next(request(.new, assignee: nil), .reassign) == .new)
        #expect(try Queue.next(request(.new, assignee: nil), .answer) == .answered)
    }

    @Test func givenAnAnsweredRequestWhenClaimedThenTheRefusalNamesWhatIsAllowed() {
        let refusal = InvalidTransition(request: 42, state: .answered, action: .claim)
        #expect(refusal.message == "request 42 is answered: cannot claim it (can close, reopen)")
        #expect(refusal.kind == .conflict)
    }

    @Test func givenAWaitingRequestWhenToldToWaitThenTheRefusalUsesTheStoredStateName() {
        let refusal = InvalidTransition(request: 7, state: .waitingOnSales, action: .wait)
        #expect(refusal.message == "request 7 is waiting: cannot wait it (can claim, answer, close, reassign, reply)")
    }
}

// MARK: - Routing

@Suite("Queue routing")
struct QueueRoutingTests {
    struct Route: Sendable, CustomTestStringConvertible {
        var name: String
        var manager: User?
        var backup: User?
        var expected: String?
        var testDescription: String { name }
    }

    static let cases: [Route] = [
        Route(name: "a present manager gets it", manager: user("manager", .manager), backup: user("dana", .manager), expected: "manager"),
        Route(name: "a present manager gets it even with no backup", manager: user("manager", .manager), backup: nil, expected: "manager"),
        Route(name: "the backup gets it when the manager is away", manager: user("manager", .manager, away: true),
              backup: user("dana", .manager), expected: "dana"),
        Route(name: "the backup gets it when the manager is inactive", manager: user("manager", .manager, active: false),
              backup: user("dana", .manager), expected: "dana"),
        Route(name: "the backup gets it when there is no manager", manager: nil, backup: user("dana", .manager), expected: "dana"),
        Route(name: "nobody gets it when both are away", manager: user("manager", .manager, away: true),
              backup: user("dana", .manager, away: true), expected: nil),
        Route(name: "nobody gets it when the manager is away and the backup inactive", manager: user("manager", .manager, away: true),
              backup: user("dana", .manager, active: false), expected: nil),
        Route(name: "nobody gets it when the manager is away and there is no backup", manager: user("manager", .manager, away: true),
              backup: nil, expected: nil),
        Route(name: "nobody gets it when the account has neither", manager: nil, backup: nil, expected: nil),
    ]

    @Test("Given an account's manager and backup, when routing a new request, then it goes to the right person", arguments: cases)
    func routes(_ row: Route) {
        #expect(Queue.route(manager: row.manager, backup: row.backup) == row.expected)
    }
}

// MARK: - SLA

@Suite("Queue SLA")
struct QueueSLATests {
    static let slas: [(Priority, TimeInterval)] = [(.urgent, 3_600), (.high, 4 * 3_600), (.normal, 24 * 3_600), (.low, 72 * 3_600)]

    @Test("Given a priority, when a request is filed, then it is due after the priority's SLA", arguments: slas)
    func dueAfterSLA(_ priority: Priority, _ sla: TimeInterval) {
        #expect(Queue.dueAt(createdAt: filedAt, priority: priority) == filedAt.addingTimeInterval(sla))
    }

    @Test func givenThePrioritiesWhenSortingThenUrgentIsHighest() {
        #expect(Priority.allCases.sorted() == [.low, .normal, .high, .urgent])
        #expect(Priority.urgent > .high)
    }

    @Test("Given a request awaiting the manager, when its due time has passed, then it is overdue", arguments: [RequestState.new, .claimed])
    func awaitingManagerPastDueIsOverdue(_ state: RequestState) {
        let due = request(state, priority: .urgent)
        #expect(due.isOverdue(at: filedAt.addingTimeInterval(3_601)))
    }

    @Test("Given a request awaiting the manager, when it is exactly due or earlier, then it is not overdue", arguments: [RequestState.new, .claimed])
    func awaitingManagerNotYetPastDueIsNotOverdue(_ state: RequestState) {
        let due = request(state, priority: .urgent)
        #expect(!due.isOverdue(at: filedAt.addingTimeInterval(3_600)))
        #expect(!due.isOverdue(at: filedAt))
    }

    @Test("Given a request not awaiting the manager, when its due time has long passed, then it is not overdue",
          arguments: [RequestState.answered, .waitingOnSales, .closed])
    func notAwaitingManagerIsNeverOverdue(_ state: RequestState) {
        #expect(!request(state, priority: .urgent).isOverdue(at: filedAt.addingTimeInterval(30 * 86_400)))
    }
}

// MARK: - Who may do what

@Suite("Queue permissions")
struct QueuePermissionTests {
    struct Authorization: Sendable, CustomTestStringConvertible {
        var user: User
        var action: RequestAction
        var allowed: Bool
        var testDescription: String { "\(user.name) (\(user.role.rawValue)) \(allowed ? "may" : "may not") \(action.rawValue)" }
    }

    /// The request was filed by alice (sales).
    static let cases: [Authorization] = {
        let alice = user("alice", .sales), aliceShouting = user("ALICE", .sales), bob = user("bob", .sales)
        let manager = user("manager", .manager), admin = user("admin", .admin), clerk = user("clerk", .clerk)
        var rows: [Authorization] = []
        for action in RequestAction.allCases {
            // Only the requester replies; managers act on everything else; the requester may also close and reopen.
            let ownAction = action == .close || action == .reopen || action == .reply
            let managersAction = action != .reply
            rows.append(Authorization(user: alice, action: action, allowed: ownAction))
            rows.append(Authorization(user: aliceShouting, action: action, allowed: ownAction))
            rows.append(Authorization(user: bob, action: action, allowed: false))
            rows.append(Authorization(user: clerk, action: action, allowed: false))
            rows.append(Authorization(user: manager, action: action, allowed: managersAction))
            rows.append(Authorization(user: admin, action: action, allowed: managersAction))
        }
        return rows
    }()

    @Test("Given a user and an action on alice's request, when authorizing, then it is allowed or denied", arguments: cases)
    func authorize(_ row: Authorization) {
        let filed = request(.answered, requester: "alice")
        if row.allowed {
            #expect(throws: Never.self) { try Queue.authorize(row.action, on: filed, by: row.user) }
        } else if row.action == .reply {
            #expect(throws: Failure(.permissionDenied, "permission denied: only alice, who filed request \(filed.id), may reply to it")) {
                try Queue.authorize(row.action, on: filed, by: row.user)
            }
        } else {
            #expect(throws: PermissionDenied(user: row.user.name, role: row.user.role, permission: .answerRequests)) {
                try Queue.authorize(row.action, on: filed, by: row.user)
            }
        }
    }

    @Test func givenASalespersonWhenDeniedThenTheMessageSaysWhatTheyMayNotDo() {
        let denied = PermissionDenied(user: "bob", role: .sales, permission: .answerRequests)
        #expect(denied.message == "permission denied: bob (sales) may not answer requests")
        #expect(denied.kind == .permissionDenied)
    }

    struct Viewing: Sendable, CustomTestStringConvertible {
        var user: User
        var mayView: Bool
        var testDescription: String { "\(user.name) (\(user.role.rawValue)) \(mayView ? "sees" : "does not see") alice's request" }
    }

    static let viewers: [Viewing] = [
        Viewing(user: user("alice", .sales), mayView: true),
        Viewing(user: user("Alice", .sales), mayView: true),
        Viewing(user: user("bob", .sales), mayView: false),
        Viewing(user: user("clerk", .clerk), mayView: false),
        Viewing(user: user("manager", .manager), mayView: true),
        Viewing(user: user("admin", .admin), mayView: true),
    ]

    @Test("Given a request, when a user looks, then only its requester and those who see all requests see it", arguments: viewers)
    func mayView(_ row: Viewing) {
        #expect(Queue.mayView(request(requester: "alice"), user: row.user) == row.mayView)
    }
}

// MARK: - Text

@Suite("Queue text")
struct QueueTextTests {
    @Test func givenTextWithSurroundingBlanksWhenCheckingThenItIsTrimmed() throws {
        #expect(try Queue.checkText("  Can we ship 10?\n") == "Can we ship 10?")
    }

    @Test("Given blank text, when checking, then it is refused", arguments: ["", "   ", "\n\t "])
    func blankTextIsRefused(_ text: String) {
        #expect(throws: Failure.self) { try Queue.checkText(text) }
    }

    @Test func givenTextOfFourThousandCharactersWhenCheckingThenItIsAcceptedButOneMoreIsRefused() throws {
        #expect(try Queue.checkText(String(repeating: "a", count: 4_000)).count == 4_000)
        #expect(throws: Failure.self) { try Queue.checkText(String(repeating: "a", count: 4_001)) }
    }
}

// MARK: - Attention

@Suite("What needs a user in the Queue")
struct QueueAttentionTests {
    static let now = Date(timeIntervalSince1970: 1_781_000_000)

    static func row(_ state: RequestState, late: Bool = false, last: RequestAction? = nil) -> QueueAttention.Row {
        QueueAttention.Row(state: state, dueAt: now.addingTimeInterval(late ? -60 : 60), lastAction: last)
    }

    @Test func givenAManagersRequestsWhenTalliedThenNewAndRepliedToNeedThemAndOnlyThoseStillWithThemCountAsLate() {
        let rows = [Self.row(.new), Self.row(.new, late: true), Self.row(.claimed, last: .claim), Self.row(.claimed, late: true, last: .reply)]
        let attention = QueueAttention.tally(rows, side: .manager, at: Self.now)
        #expect(attention == QueueAttention(needsYou: 3, late: 2))
        #expect(attention.badge(side: .manager) == "3 to answer · 2 late")
    }

    @Test func givenASalespersonsRequestsWhenTalliedThenAnswersAndQuestionsBackNeedThemAndLateOnesAreTheManagersLate() {
        let rows = [Self.row(.answered, late: true), Self.row(.waitingOnSales), Self.row(.new, late: true), Self.row(.claimed)]
        let attention = QueueAttention.tally(rows, side: .requester, at: Self.now)
        // A late answered request is not late any more: only the two still with the manager can be.
        #expect(attention == QueueAttention(needsYou: 2, late: 1))
        #expect(attention.badge(side: .requester) == "2 back to you · 1 late")
    }

    @Test func givenNothingThatNeedsTheUserWhenDrawnThenThereIsNoBadge() {
        #expect(QueueAttention().badge(side: .manager) == nil)
        #expect(QueueAttention(needsYou: 0, late: 1).badge(side: .requester) == "1 late")
        #expect(QueueAttention.Side(user("mo", .manager)) == .manager)
        #expect(QueueAttention.Side(user("sam", .sales)) == .requester)
        // The states read for a side: a closed request is never counted.
        #expect(!QueueAttention.states(for: .requester).contains(.closed))
        #expect(QueueAttention.states(for: .manager) == [.new, .claimed])
    }
}

// MARK: - Export and clipboard

@Suite("What E writes and y copies")
struct ViewExportTests {
    @Test func givenHostileTextWhenMadeSafeToCopyThenControlsBecomePlaceholdersLinesStayAndItIsCut() {
        let hostile = "Yes\u{1b}]52;c;ZXZpbA==\u{07} ok\u{202E}txt\nline two\tend\u{0}"
        let safe = ViewExport.clipboard(hostile)
        #expect(!safe.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || Sanitize.isBidiControl($0) })
        #expect(safe.contains("\nline two\tend"))
        #expect(safe.hasPrefix("Yes␛]52;c;ZXZpbA==␇ ok"))
        let huge = ViewExport.clipboard(String(repeating: "x", count: 100_000))
        #expect(huge.count == ViewExport.clipboardLimit && huge.hasSuffix("…"))
    }

    @Test func givenAQuoteWithCostWhenCopiedThenTheTextHasThePriceAndNeverTheCostOrMargin() {
        let usd = { (cents: Int64) in Money(minorUnits: cents, currency: "USD") }
        let quote = Quote(sku: "BOLT-1", account: "ACME", quantity: 30, date: Day(year: 2026, month: 12, day: 7), currency: "USD",
                          unitPrice: usd(95), extendedPrice: usd(2_850), rule: "contract price", adjustments: [], considered: [],
                          tiers: [], validThrough: Day(year: 2026, month: 12, day: 31), cost: usd(50), margin: nil)
        let text = ViewExport.quoteText(quote, itemName: "Hex Bolt M8")
        #expect(text == "BOLT-1 Hex Bolt M8 for ACME, 30 on 2026-12-07:\n0.95 USD each, 28.50 USD in all (contract price)\nvalid through 2026-12-31")
        #expect(!text.contains("0.50"))
    }

    @Test func givenARoleWhenTheInventoryIsExportedThenCostIsAColumnOnlyForThoseWhoMaySeeIt() {
        let item = Item(sku: "=SUM(A1)", name: "Bolt, \"hex\"", category: "Fasteners", cost: Money(minorUnits: 50, currency: "USD"))
        let row = ItemListRow(item: item, onHand: 10, reserved: 3)
        #expect(!ViewExport.inventoryHeader(for: user("sam", .sales)).contains("cost"))
        #expect(ViewExport.inventoryHeader(for: user("cleo", .clerk)).hasSuffix(",cost\r\n"))
        // A formula-like SKU is defused and quotes are doubled, as every CSV the system writes.
        #expect(ViewExport.inventoryRecord(row, for: user("sam", .sales)) == "'=SUM(A1),\"Bolt, \"\"hex\"\"\",Fasteners,EA,10,3,7,0\r\n")
        #expect(ViewExport.inventoryRecord(row, for: user("cleo", .clerk)).hasSuffix(",7,0,0.50\r\n"))
        #expect(ViewExport.fileName("queue", at: Date(timeIntervalSince1970: 1_796_000_000)) == "queue-20261130-005320.csv")
        // User names may hold / and .: their folders stay one level under exports, one per user.
        #expect(ViewExport.folderName(for: "sam") == "sam")
        #expect(ViewExport.folderName(for: "../../etc") == "%2E.%2F..%2Fetc")
        #expect(ViewExport.folderName(for: "..") == "%2E.")
        #expect(ViewExport.folderName(for: "a/b") != ViewExport.folderName(for: "a_b"))
        #expect(!ViewExport.folderName(for: "x/../y").contains("/"))
    }
}
