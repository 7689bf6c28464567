import Foundation

/// What a salesperson is asking about.
public enum RequestKind: String, Sendable, Codable, CaseIterable {
    case stock
    case price
    case quote
    case other
}

/// How soon an answer is owed. Each priority carries its SLA.
public enum Priority: String, Sendable, Codable, CaseIterable, Comparable {
    case low
    case normal
    case high
    case urgent

    /// Time from filing to the SLA due time.
    public var sla: TimeInterval {
        switch self {
        case .urgent: 1 * 3600
        case .high: 4 * 3600
        case .normal: 24 * 3600
        case .low: 72 * 3600
        }
    }

    private var rank: Int { Priority.allCases.firstIndex(of: self)! }
    public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rank < rhs.rank }
}

/// Where a request stands.
public enum RequestState: String, Sendable, Codable, CaseIterable {
    case new
    case claimed
    case answered
    case waitingOnSales = "waiting"
    case closed

    /// Whether the SLA clock still runs: the request waits on the account manager.
    public var awaitsManager: Bool { self == .new || self == .claimed }

    /// Whether the requester has something to read: an answer, a question back, or a close.
    public var isBackWithRequester: Bool { self == .answered || self == .waitingOnSales || self == .closed }
}

/// Something done to a request.
public enum RequestAction: String, Sendable, Codable, CaseIterable {
    case claim
    case answer
    case wait
    case close
    case reopen
    case reassign
    /// The salesperson answers the manager's question back; the request returns to the manager.
    case reply
}

/// A question from a salesperson about a customer, routed to that customer's account manager.
public struct Request: Hashable, Sendable, Codable {
    public var id: Int64
    public var kind: RequestKind
    public var account: String
    public var sku: String?
    public var quantity: Int?
    public var text: String
    public var priority: Priority
    public var state: RequestState
    public var requester: String
    public var assignee: String?
    public var createdAt: Date
    /// When the SLA clock that matters now reaches its target (kept as it was while no clock runs); the list's order.
    public var dueAt: Date
    public var updatedAt: Date
    /// The first answer or question back.
    public var firstResponseAt: Date?
    /// When it was answered or closed; nil again after a reopen.
    public var resolvedAt: Date?
    /// Both SLA clocks, as the store read them (nil where a request was made without a store).
    public var sla: SLAReading?

    public init(id: Int64, kind: RequestKind, account: String, sku: String?, quantity: Int?, text: String,
                priority: Priority, state: RequestState, requester: String, assignee: String?,
                createdAt: Date, dueAt: Date, updatedAt: Date, firstResponseAt: Date? = nil, resolvedAt: Date? = nil,
                sla: SLAReading? = nil) {
        self.id = id
        self.kind = kind
        self.account = account
        self.sku = sku
        self.quantity = quantity
        self.text = text
        self.priority = priority
        self.state = state
        self.requester = requester
        self.assignee = assignee
        self.createdAt = createdAt
        self.dueAt = dueAt
        self.updatedAt = updatedAt
        self.firstResponseAt = firstResponseAt
        self.resolvedAt = resolvedAt
        self.sla = sla
    }

    /// Overdue: still waiting on the manager past its SLA target (in working time when the store gave the clocks).
    public func isOverdue(at now: Date) -> Bool {
        guard state.awaitsManager else { return false }
        if let sla { return sla.current.status == .breached || (sla.current.due.map { now > $0 } ?? false) }
        return now > dueAt
    }
}

/// One entry in a request's thread: a transition, with the text and the stock/price snapshot of an answer.
public struct RequestEvent: Hashable, Sendable, Codable {
    public var at: Date
    public var actor: String
    public var action: String
    public var from: RequestState?
    public var to: RequestState
    public var text: String
    /// For answers: the live stock and quote the answer was based on, as JSON.
    public var snapshot: String?

    public init(at: Date, actor: String, action: String, from: RequestState?, to: RequestState, text: String, snapshot: String?) {
        self.at = at
        self.actor = actor
        self.action = action
        self.from = from
        self.to = to
        self.text = text
        self.snapshot = snapshot
    }
}

/// A transition that the queue does not allow from the request's state.
public struct InvalidTransition: BackOfficeFailure, Equatable {
    public var request: Int64
    public var state: RequestState
    public var action: RequestAction
    public var kind: FailureKind { .conflict }
    public var message: String {
        let allowed = Queue.actions(from: state).map(\.rawValue)
        return "request \(request) is \(state.rawValue): cannot \(action.rawValue) it"
            + (allowed.isEmpty ? "" : " (can \(allowed.joined(separator: ", ")))")
    }
}

/// The rules of the account-manager queue.
///
/// ```
/// new ──claim──▶ claimed ──answer──▶ answered ──close──▶ closed
///  │               │  ▲                 │                   │
///  │             wait claim/reply     reopen ◀──────────────┘
///  │               ▼  │                 ▼
///  └──answer──▶  waiting ──answer──▶ answered      (reopen leads back to claimed, or to new when unassigned)
/// ```
/// Any open request can be closed or reassigned; answering or waiting on an unclaimed request claims it.
public enum Queue {
    static let table: [RequestState: [RequestAction: RequestState]] = [
        .new: [.claim: .claimed, .answer: .answered, .wait: .waitingOnSales, .close: .closed, .reassign: .new],
        .claimed: [.claim: .claimed, .answer: .answered, .wait: .waitingOnSales, .close: .closed, .reassign: .claimed],
        .waitingOnSales: [.claim: .claimed, .answer: .answered, .close: .closed, .reassign: .waitingOnSales, .reply: .claimed],
        .answered: [.close: .closed, .reopen: .claimed],
        .closed: [.reopen: .claimed],
    ]

    /// The actions allowed from a state, in a stable order.
    public static func actions(from state: RequestState) -> [RequestAction] {
        RequestAction.allCases.filter { table[state]?[$0] != nil }
    }

    /// The state an action leads to, or the refusal.
    public static func next(_ request: Request, _ action: RequestAction) throws(InvalidTransition) -> RequestState {
        guard var next = table[request.state]?[action] else {
            throw InvalidTransition(request: request.id, state: request.state, action: action)
        }
        if (action == .reopen || action == .reply) && request.assignee == nil { next = .new }
        return next
    }

    /// Who may take an action on a request: managers act on the queue, the requester may close or reopen their own.
    public static func authorize(_ action: RequestAction, on request: Request, by user: User) throws {
        let isRequester = request.requester.lowercased() == user.name.lowercased()
        switch action {
        case .close, .reopen:
            if isRequester { return }
            try Permissions.require(.answerRequests, of: user)
        case .reply:
            guard isRequester else {
                throw Failure(.permissionDenied, "permission denied: only \(request.requester), who filed request \(request.id), may reply to it")
            }
        case .claim, .answer, .wait, .reassign:
            try Permissions.require(.answerRequests, of: user)
        }
    }

    /// Who sees a request: its requester, and anyone who may see all requests.
    public static func mayView(_ request: Request, user: User) -> Bool {
        request.requester.lowercased() == user.name.lowercased() || user.may(.viewAllRequests)
    }

    /// The manager a new request goes to: the account's manager, the backup when the manager is away or inactive,
    /// nobody (unassigned) when both are.
    public static func route(manager: User?, backup: User?) -> String? {
        if let manager, manager.active, !manager.away { return manager.name }
        if let backup, backup.active, !backup.away { return backup.name }
        return nil
    }

    public static func dueAt(createdAt: Date, priority: Priority) -> Date {
        createdAt.addingTimeInterval(priority.sla)
    }

    /// Checks the text of a new request or an answer.
    ///
    /// Line breaks and tabs are kept (a question may have several lines); every other control character (C0, DEL, C1)
    /// and the bidi overrides and isolates are refused, as in item names: the text is shown on other people's
    /// terminals, where `ESC ]0;…` would retitle the window and `U+202E` would reverse what follows.
    public static func checkText(_ text: String, field: String = "text") throws(Failure) -> String {
        // A line break typed or pasted on Windows is a line break.
        let trimmed = text.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Failure.invalid(field, text, "must not be empty") }
        guard trimmed.count <= 4000 else { throw Failure.invalid(field, String(trimmed.prefix(20)) + "…", "longer than 4000 characters") }
        for (offset, scalar) in trimmed.unicodeScalars.enumerated()
        where (scalar.isControl && scalar != "\n" && scalar != "\t") || Sanitize.isBidiControl(scalar) {
            let what = scalar.isControl ? "a control character" : "a bidi control"
            throw Failure.invalid(field, String(String.UnicodeScalarView(trimmed.unicodeScalars.prefix(offset + 1).suffix(20))),
                                  "holds \(what) (\(Sanitize.codePoint(scalar))) at character \(offset + 1); of those only line breaks and tabs are allowed")
        }
        return trimmed
    }

    /// Checks the optional note on closing or reopening a request: empty, or text as `checkText` allows it.
    public static func checkNote(_ text: String, field: String = "text") throws(Failure) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "" : try checkText(text, field: field)
    }
}

/// The views of the queue a manager switches between.
public enum QueueView: String, Sendable, Codable, CaseIterable {
    /// Requests assigned to me.
    case mine
    /// Requests on accounts I manage or back up.
    case myAccounts = "accounts"
    /// Requests nobody holds.
    case unassigned
    /// Everything I may see.
    case all
    /// Requests I filed.
    case filed
}

extension RequestAction {
    /// Whether the action must carry text: an answer, a question back, a reply.
    public var needsText: Bool { self == .answer || self == .wait || self == .reply }
}
