import Foundation

/// How `request stats` groups requests.
public enum StatsGrouping: String, Sendable, Codable, CaseIterable {
    case manager
    case account
    case priority
}

/// The service figures of a group of requests, as a service desk reports them. Times are working seconds.
public struct RequestStatsRow: Hashable, Sendable, Codable {
    /// The manager, account or priority; `all` for every request.
    public var group: String
    public var count: Int
    /// Not yet answered or closed: new, claimed or waiting on sales.
    public var open: Int
    /// Requests with a first response; the median and 90th percentile of their first-response times.
    public var responded: Int
    public var responseMedian: Int?
    public var responseP90: Int?
    /// Of the requests whose response clock stopped or ran out, the share within target, in percent (one decimal).
    public var responseWithinTarget: Decimal?
    /// Requests answered or closed; the median and 90th percentile of their resolution times.
    public var resolved: Int
    public var resolutionMedian: Int?
    public var resolutionP90: Int?
    public var resolutionWithinTarget: Decimal?
    /// Requests with a late clock: responded or resolved after the target, or past it and still running.
    public var breaches: Int
    /// Open requests by age since filed (wall time): under a day, 1–3 days, 3–7 days, over 7 days.
    public var backlog: [Int]
}

/// `request stats`: count, first response and resolution (median, 90th percentile, share within target), breaches and
/// the open backlog by age, over requests whose SLA clocks the store has read (`Request.sla`).
public enum RequestStatistics {
    /// The backlog's age bands, in days: [0, 1), [1, 3), [3, 7), [7, ∞).
    public static let backlogBands = ["<1d", "1-3d", "3-7d", ">7d"]
    static let bandStarts: [TimeInterval] = [0, 86_400, 3 * 86_400, 7 * 86_400]

    /// One row for all requests, then one per group (sorted by name) when grouped.
    public static func summarize(_ requests: [Request], by grouping: StatsGrouping?, now: Date) -> [RequestStatsRow] {
        var rows = [row("all", requests, now: now)]
        guard let grouping else { return rows }
        let groups = Dictionary(grouping: requests) { request -> String in
            switch grouping {
            case .manager: request.assignee ?? "(unassigned)"
            case .account: request.account
            case .priority: request.priority.rawValue
            }
        }
        let order: [String] = grouping == .priority
            ? Priority.allCases.reversed().map(\.rawValue).filter { groups[$0] != nil }
            : groups.keys.sorted { $0.lowercased() < $1.lowercased() }
        rows += order.map { row($0, groups[$0] ?? [], now: now) }
        return rows
    }

    static func row(_ group: String, _ requests: [Request], now: Date) -> RequestStatsRow {
        var responseTimes: [Int] = [], resolutionTimes: [Int] = []
        var responseJudged = 0, responseWithin = 0, resolutionJudged = 0, resolutionWithin = 0, breaches = 0
        var backlog = Array(repeating: 0, count: bandStarts.count)
        var open = 0
        for request in requests {
            if request.state.awaitsManager || request.state == .waitingOnSales {
                open += 1
                let age = now.timeIntervalSince(request.createdAt)
                backlog[max(0, (bandStarts.lastIndex { age >= $0 } ?? 0))] += 1
            }
            guard let sla = request.sla else { continue }
            let response = sla.response, resolution = sla.resolution
            if response.status == .met || response.status == .missed { responseTimes.append(response.elapsed) }
            if resolution.status == .met || resolution.status == .missed { resolutionTimes.append(resolution.elapsed) }
            if [.met, .missed, .breached].contains(response.status) {
                responseJudged += 1
                if response.status == .met { responseWithin += 1 }
            }
            if [.met, .missed, .breached].contains(resolution.status) {
                resolutionJudged += 1
                if resolution.status == .met { resolutionWithin += 1 }
            }
            if response.isLate || resolution.isLate { breaches += 1 }
        }
        responseTimes.sort()
        resolutionTimes.sort()
        return RequestStatsRow(
            group: group, count: requests.count, open: open,
            responded: responseTimes.count, responseMedian: percentile(responseTimes, 50), responseP90: percentile(responseTimes, 90),
            responseWithinTarget: percent(responseWithin, of: responseJudged),
            resolved: resolutionTimes.count, resolutionMedian: percentile(resolutionTimes, 50),
            resolutionP90: percentile(resolutionTimes, 90), resolutionWithinTarget: percent(resolutionWithin, of: resolutionJudged),
            breaches: breaches, backlog: backlog)
    }

    /// The nearest-rank percentile of sorted values; nil for none.
    public static func percentile(_ sorted: [Int], _ p: Int) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let rank = (p * sorted.count + 99) / 100  // ceil(p/100 · n)
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }

    /// A share in percent, rounded half up to one decimal; nil when there is nothing to judge.
    public static func percent(_ part: Int, of whole: Int) -> Decimal? {
        guard whole > 0 else { return nil }
        var exact = Decimal(part) * 100 / Decimal(whole)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &exact, 1, .plain)
        return rounded
    }
}
