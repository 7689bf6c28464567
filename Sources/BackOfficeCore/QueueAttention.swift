import Foundation

/// What the Queue holds for one user that needs them now, shown on the console's tab bar.
///
/// - An account manager (who may answer requests) is needed by a request assigned to them that is new, or that the
///   salesperson has just replied to (its last step is a reply).
/// - A salesperson is needed by a request they filed that was answered or asked back, until they close or reply.
/// - Late: of the requests still with the manager (new or claimed) on the user's side — assigned to a manager, filed by
///   a salesperson — those past their due time (the due time of the SLA clock that runs).
public struct QueueAttention: Hashable, Sendable, Codable {
    public var needsYou: Int
    public var late: Int

    public init(needsYou: Int = 0, late: Int = 0) {
        self.needsYou = needsYou
        self.late = late
    }

    /// Whose side of the queue a user is on: answering, or asking.
    public enum Side: Sendable, Equatable {
        case manager
        case requester

        public init(_ user: User) {
            self = user.may(.answerRequests) ? .manager : .requester
        }
    }

    /// One request as the tally needs it: assigned to the manager (on the manager's side) or filed by the requester.
    public struct Row: Hashable, Sendable {
        public var state: RequestState
        public var dueAt: Date
        public var lastAction: RequestAction?

        public init(state: RequestState, dueAt: Date, lastAction: RequestAction?) {
            self.state = state
            self.dueAt = dueAt
            self.lastAction = lastAction
        }
    }

    /// The states a side's rows are read in: the others can neither need the user nor be late.
    public static func states(for side: Side) -> [RequestState] {
        switch side {
        case .manager: [.new, .claimed]
        case .requester: [.new, .claimed, .answered, .waitingOnSales]
        }
    }

    public static func tally(_ rows: [Row], side: Side, at now: Date) -> QueueAttention {
        var attention = QueueAttention()
        for row in rows {
            if needs(row, side: side) { attention.needsYou += 1 }
            if row.state.awaitsManager && row.dueAt < now { attention.late += 1 }
        }
        return attention
    }

    static func needs(_ row: Row, side: Side) -> Bool {
        switch side {
        case .manager: row.state == .new || (row.state == .claimed && row.lastAction == .reply)
        case .requester: row.state == .answered || row.state == .waitingOnSales
        }
    }

    /// The tab bar's badge: "2 to answer · 1 late", "1 back to you", or nothing when nothing needs the user.
    public func badge(side: Side) -> String? {
        var parts: [String] = []
        if needsYou > 0 { parts.append("\(needsYou) \(side == .manager ? "to answer" : "back to you")") }
        if late > 0 { parts.append("\(late) late") }
        return parts.isEmpty ? nil : parts.joined(separator: " · ")
    }
}
