import Foundation

/// How long an account manager has, per priority, in working time: to respond (a first answer or a question back) and
/// to resolve (answer or close). Stored in whole seconds.
public struct ServiceTargets: Hashable, Sendable {
    public var response: [Priority: Int]
    public var resolution: [Priority: Int]

    public init(response: [Priority: Int], resolution: [Priority: Int]) {
        self.response = response
        self.resolution = resolution
    }

    /// What a new store starts with, in working hours (a working day is ten hours in the standard calendar):
    /// urgent 1 h / 4 h, high 4 h / 10 h, normal 10 h / 30 h, low 30 h / 50 h.
    public static let standard = ServiceTargets(
        response: [.urgent: 3_600, .high: 4 * 3_600, .normal: 10 * 3_600, .low: 30 * 3_600],
        resolution: [.urgent: 4 * 3_600, .high: 10 * 3_600, .normal: 30 * 3_600, .low: 50 * 3_600])

    public func response(_ priority: Priority) -> Int { response[priority] ?? ServiceTargets.standard.response[priority]! }
    public func resolution(_ priority: Priority) -> Int { resolution[priority] ?? ServiceTargets.standard.resolution[priority]! }
}

/// A stretch of time when a request's resolution clock stood still.
public struct SLAPause: Hashable, Sendable, Codable {
    public enum Reason: String, Sendable, Codable {
        /// The manager asked sales a question back; the clock waits for the reply.
        case waitingOnSales = "waiting"
        /// The request was answered or closed, then reopened: the time between does not count.
        case resolved
    }

    public var start: Date
    /// Nil while the pause lasts.
    public var end: Date?
    public var reason: Reason

    public init(start: Date, end: Date?, reason: Reason) {
        self.start = start
        self.end = end
        self.reason = reason
    }
}

/// The times a request's SLA is measured from, as stored: filed, first response, resolved, and each pause.
public struct SLATimes: Hashable, Sendable, Codable {
    public var filed: Date
    public var firstResponse: Date?
    public var resolved: Date?
    public var pauses: [SLAPause]

    public init(filed: Date, firstResponse: Date? = nil, resolved: Date? = nil, pauses: [SLAPause] = []) {
        self.filed = filed
        self.firstResponse = firstResponse
        self.resolved = resolved
        self.pauses = pauses
    }

    /// Whether a pause is running now.
    public var isPaused: Bool { pauses.last.map { $0.end == nil } ?? false }
}

/// Where one SLA clock (response or resolution) stands.
public struct SLAClock: Hashable, Sendable, Codable {
    public enum Status: String, Sendable, Codable {
        /// Running, with at least a quarter of the target left.
        case running
        /// Running, with less than a quarter of the target left.
        case breachingSoon = "soon"
        /// Running, past its target.
        case breached
        /// Stopped within the target.
        case met
        /// Stopped after the target.
        case missed
        /// Standing still: waiting on sales.
        case paused
    }

    public var status: Status
    /// Working seconds counted so far (or until the clock stopped).
    public var elapsed: Int
    /// The target in working seconds.
    public var target: Int
    /// When the target is reached if the clock keeps running from now; nil when it has stopped or stands still.
    public var due: Date?

    /// Working seconds left (negative once breached).
    public var remaining: Int { target - elapsed }
    /// Whether the clock stopped or runs past its target.
    public var isLate: Bool { status == .breached || status == .missed }
}

/// A request's two SLA clocks.
public struct SLAReading: Hashable, Sendable, Codable {
    public var response: SLAClock
    public var resolution: SLAClock

    /// The clock that matters now: response until the first response, then resolution.
    public var current: SLAClock { response.status == .met || response.status == .missed ? resolution : response }
}

/// The SLA rules: working time only, the resolution clock paused while a request waits on sales (and between a
/// resolution and a reopen), "breaching soon" under a quarter of the target left.
public enum ServiceLevel {
    /// The share of a target under which a running clock is breaching soon.
    public static let soonShare = 4

    /// Both clocks of a request at `now`.
    public static func reading(_ times: SLATimes, priority: Priority, calendar: BusinessCalendar, targets: ServiceTargets,
                               now: Date) -> SLAReading {
        let responseEnd = times.firstResponse ?? now
        let response = clock(elapsed: calendar.businessSeconds(from: times.filed, to: responseEnd),
                             target: targets.response(priority), stopped: times.firstResponse != nil, paused: false,
                             calendar: calendar, now: now)
        let resolutionEnd = times.resolved ?? now
        var elapsed = calendar.businessSeconds(from: times.filed, to: resolutionEnd)
        for pause in times.pauses {
            let end = min(pause.end ?? resolutionEnd, resolutionEnd)
            elapsed -= calendar.businessSeconds(from: max(pause.start, times.filed), to: end)
        }
        let resolution = clock(elapsed: max(0, elapsed), target: targets.resolution(priority), stopped: times.resolved != nil,
                               paused: times.resolved == nil && times.isPaused, calendar: calendar, now: now)
        return SLAReading(response: response, resolution: resolution)
    }

    private static func clock(elapsed: Int, target: Int, stopped: Bool, paused: Bool, calendar: BusinessCalendar,
                              now: Date) -> SLAClock {
        if stopped { return SLAClock(status: elapsed <= target ? .met : .missed, elapsed: elapsed, target: target, due: nil) }
        if paused { return SLAClock(status: .paused, elapsed: elapsed, target: target, due: nil) }
        let remaining = target - elapsed
        let status: SLAClock.Status = remaining < 0 ? .breached : (remaining * soonShare < target ? .breachingSoon : .running)
        let due = remaining > 0 ? calendar.adding(remaining, to: now) : nil
        return SLAClock(status: status, elapsed: elapsed, target: target, due: due)
    }

    /// The times after a request moves from one state to another at `at`: the first answer or question back is the
    /// first response; answering or closing resolves; waiting on sales starts a pause and leaving it ends the pause; a
    /// reopen turns the time since the resolution into a pause and lets the clock run again.
    public static func times(_ times: SLATimes, after action: RequestAction, from: RequestState, to: RequestState,
                             at: Date) -> SLATimes {
        var next = times
        if next.firstResponse == nil, action == .answer || action == .wait { next.firstResponse = at }
        if from == .waitingOnSales, to != .waitingOnSales, let last = next.pauses.indices.last, next.pauses[last].end == nil {
            next.pauses[last].end = at
        }
        let resolvedStates: Set<RequestState> = [.answered, .closed]
        if resolvedStates.contains(from), !resolvedStates.contains(to), let resolved = next.resolved {
            next.pauses.append(SLAPause(start: resolved, end: at, reason: .resolved))
            next.resolved = nil
        }
        if resolvedStates.contains(to), next.resolved == nil { next.resolved = at }
        if to == .waitingOnSales, from != .waitingOnSales { next.pauses.append(SLAPause(start: at, end: nil, reason: .waitingOnSales)) }
        return next
    }

    /// The due time stored with a request for sorting: when the clock that matters now reaches its target, or nil when
    /// no clock runs (paused or resolved: the stored time is kept).
    public static func dueAt(_ reading: SLAReading) -> Date? {
        let clock = reading.current
        switch clock.status {
        case .running, .breachingSoon: return clock.due
        case .breached, .met, .missed, .paused: return nil
        }
    }

    /// Working time as people say it: `45m`, `3h20m`, `26h`. Hours are never turned into days: a working day's length
    /// depends on the calendar.
    public static func describe(_ seconds: Int) -> String {
        let minutes = abs(seconds) / 60
        let sign = seconds < 0 ? "-" : ""
        if minutes == 0 && seconds != 0 { return sign + "\(abs(seconds))s" }
        if minutes < 60 { return sign + "\(minutes)m" }
        let hours = minutes / 60, rest = minutes % 60
        if hours >= 10 || rest == 0 { return sign + "\(hours)h" }
        return sign + "\(hours)h" + padded(rest, 2) + "m"
    }

    /// Parses a time such as `45m`, `4h`, `1h30m` or `90s` (an SLA target in working time, or how long to wait). Days
    /// are refused: a working day's length depends on the calendar.
    public static func parseDuration(_ text: String, field: String) throws(Failure) -> Int {
        var total = 0, number = "", sawUnit = false
        for character in text.lowercased() {
            if character.isASCII, character.isNumber { number.append(character); continue }
            guard let value = Int(number), value <= 100_000 else {
                throw Failure.invalid(field, text, "not a duration; write working time as 45m, 4h or 1h30m")
            }
            switch character {
            case "h": total += value * 3_600
            case "m": total += value * 60
            case "s": total += value
            default: throw Failure.invalid(field, text, "not a duration; write working time as 45m, 4h or 1h30m (hours, not days)")
            }
            number = ""
            sawUnit = true
        }
        guard number.isEmpty, sawUnit, total > 0 else {
            throw Failure.invalid(field, text, "not a duration; write working time as 45m, 4h or 1h30m")
        }
        return total
    }
}

extension ServiceLevel {
    /// How a queue line's SLA should stand out.
    public enum Urgency: Sendable, Hashable {
        case none, soon, late, paused
    }

    /// A queue line's SLA: working time left ("in 3h20m"), "late 45m", "paused" while waiting on sales, nothing once
    /// the manager's part is done. Without the store's clocks, wall time to the stored due time.
    public static func column(_ request: Request, now: Date) -> (text: String, urgency: Urgency) {
        if request.state == .waitingOnSales { return ("paused", .paused) }
        guard request.state.awaitsManager else { return ("", .none) }
        guard let clock = request.sla?.current else {
            let left = Int(request.dueAt.timeIntervalSince(now))
            return left < 0 ? ("late " + describe(-left), .late) : ("in " + describe(left), .none)
        }
        switch clock.status {
        case .breached, .missed: return ("late " + describe(-clock.remaining), .late)
        case .breachingSoon: return ("in " + describe(clock.remaining), .soon)
        case .running: return ("in " + describe(clock.remaining), .none)
        case .paused: return ("paused", .paused)
        case .met: return ("", .none)
        }
    }
}
