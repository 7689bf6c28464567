import BackOfficeCore
import Foundation
import SQLKit

// MARK: - The business calendar and SLA targets

extension Store {
    /// When the business works: the SLA clocks run only then.
    public func businessCalendar() async throws -> BusinessCalendar {
        try await read { try await loadCalendar() }
    }

    /// The response and resolution targets per priority.
    public func serviceTargets() async throws -> ServiceTargets {
        try await read { try await loadTargets() }
    }

    func loadCalendar() async throws -> BusinessCalendar {
        let zone = try await row("SELECT time_zone FROM business_calendar WHERE id = 1")?.string("time_zone") ?? "UTC"
        var hours: [Weekday: WorkingHours] = [:]
        for row in try await rows("SELECT weekday, opens, closes FROM business_hours") {
            guard let day = Weekday(rawValue: Int(try row.int("weekday"))) else { continue }
            hours[day] = WorkingHours(opens: Int(try row.int("opens")), closes: Int(try row.int("closes")))
        }
        var holidays: [Day: String] = [:]
        for row in try await rows("SELECT day, name FROM holidays") {
            holidays[try Day.parse(try row.string("day"))] = try row.string("name")
        }
        return BusinessCalendar(timeZone: zone, hours: hours, holidays: holidays)
    }

    func loadTargets() async throws -> ServiceTargets {
        var targets = ServiceTargets.standard
        for row in try await rows("SELECT priority, response_seconds, resolution_seconds FROM sla_targets") {
            guard let priority = Priority(rawValue: try row.string("priority")) else { continue }
            targets.response[priority] = Int(try row.int("response_seconds"))
            targets.resolution[priority] = Int(try row.int("resolution_seconds"))
        }
        return targets
    }

    /// Sets the time zone and the hours of the weekdays named (nil hours: closed). Open requests' due times follow.
    public func setCalendar(timeZone: String?, hours: [(Weekday, WorkingHours?)], by actor: Actor) async throws -> BusinessCalendar {
        try actor.require(.manageServiceLevels)
        let zone = try timeZone.map { name throws(Failure) in try BusinessCalendar.checkTimeZone(name) }
        return try await write {
            let before = try await loadCalendar()
            if let zone { try await storeTimeZone(zone) }
            for (day, working) in hours { try await storeHours(day, working) }
            return try await calendarChanged(from: before, by: actor)
        }
    }

    /// Inside a write: the calendar's time zone, checked by the caller.
    func storeTimeZone(_ zone: String) async throws {
        try await run("UPDATE business_calendar SET time_zone = \(bind: zone) WHERE id = 1")
    }

    /// Inside a write: one weekday's hours (nil: closed).
    func storeHours(_ day: Weekday, _ working: WorkingHours?) async throws {
        try await run("DELETE FROM business_hours WHERE weekday = \(bind: day.rawValue)")
        if let working {
            try await run("""
                INSERT INTO business_hours (weekday, opens, closes)
                VALUES (\(bind: day.rawValue), \(bind: working.opens), \(bind: working.closes))
                """)
        }
    }

    /// Inside a write: a day off added, or renamed.
    func storeHoliday(_ day: Day, name: String) async throws {
        try await run("DELETE FROM holidays WHERE day = \(bind: day.description)")
        try await run("INSERT INTO holidays (day, name) VALUES (\(bind: day.description), \(bind: name))")
    }

    /// Inside a write, after the week or the zone changed (`calendar set`, `import calendar`): the audit entry with the
    /// week before and after, and open requests' due times moved to the new calendar.
    func calendarChanged(from before: BusinessCalendar, by actor: Actor) async throws -> BusinessCalendar {
        let after = try await loadCalendar()
        try await audit(actor, "calendar.set", "business calendar", before: Store.describe(before), after: Store.describe(after))
        try await refreshDueTimes(calendar: after, targets: try await loadTargets())
        return after
    }

    /// Adds a day off (or renames one).
    public func addHoliday(_ day: Day, name: String, by actor: Actor) async throws -> BusinessCalendar {
        try actor.require(.manageServiceLevels)
        let name = try Validate.name(name, field: "name")
        return try await write {
            let before = try await row("SELECT name FROM holidays WHERE day = \(bind: day.description)")?.string("name")
            try await storeHoliday(day, name: name)
            try await audit(actor, "calendar.holiday.add", "holiday \(day)", before: before, after: name)
            let calendar = try await loadCalendar()
            try await refreshDueTimes(calendar: calendar, targets: try await loadTargets())
            return calendar
        }
    }

    /// Takes a day off out of the calendar.
    public func removeHoliday(_ day: Day, by actor: Actor) async throws -> BusinessCalendar {
        try actor.require(.manageServiceLevels)
        return try await write {
            guard let name = try await row("SELECT name FROM holidays WHERE day = \(bind: day.description)")?.string("name") else {
                throw Failure.notFound("holiday", day.description)
            }
            try await run("DELETE FROM holidays WHERE day = \(bind: day.description)")
            try await audit(actor, "calendar.holiday.remove", "holiday \(day)", before: name)
            let calendar = try await loadCalendar()
            try await refreshDueTimes(calendar: calendar, targets: try await loadTargets())
            return calendar
        }
    }

    /// Sets a priority's response and/or resolution target (working seconds).
    public func setTarget(_ priority: Priority, response: Int?, resolution: Int?, by actor: Actor) async throws -> ServiceTargets {
        try actor.require(.manageServiceLevels)
        return try await write {
            let before = try await loadTargets()
            let newResponse = response ?? before.response(priority), newResolution = resolution ?? before.resolution(priority)
            guard newResponse <= newResolution else {
                throw Failure.invalid("response", ServiceLevel.describe(newResponse),
                                      "is longer than the resolution target (\(ServiceLevel.describe(newResolution)))")
            }
            try await run("DELETE FROM sla_targets WHERE priority = \(bind: priority.rawValue)")
            try await run("""
                INSERT INTO sla_targets (priority, response_seconds, resolution_seconds)
                VALUES (\(bind: priority.rawValue), \(bind: newResponse), \(bind: newResolution))
                """)
            try await audit(actor, "sla.target", "priority \(priority.rawValue)",
                            before: "response \(ServiceLevel.describe(before.response(priority))) resolution \(ServiceLevel.describe(before.resolution(priority)))",
                            after: "response \(ServiceLevel.describe(newResponse)) resolution \(ServiceLevel.describe(newResolution))")
            let targets = try await loadTargets()
            try await refreshDueTimes(calendar: try await loadCalendar(), targets: targets)
            return targets
        }
    }

    static func describe(_ calendar: BusinessCalendar) -> String {
        "\(calendar.timeZone); " + calendar.weekLines.joined(separator: ", ")
    }

    // MARK: - Each request's SLA times

    /// The stored SLA times of requests (filed, first response, resolved) with their pauses, by request.
    func slaTimes(_ requests: [Request]) async throws -> [Int64: SLATimes] {
        var times: [Int64: SLATimes] = [:]
        for request in requests {
            times[request.id] = SLATimes(filed: request.createdAt, firstResponse: request.firstResponseAt, resolved: request.resolvedAt)
        }
        let ids = requests.map(\.id)
        guard let low = ids.min(), let high = ids.max() else { return times }
        // A page's ids by name; a whole report's (`request stats`) in one query over their range, where 100,000
        // requests took 112 queries of 900 ids. Pauses of requests not asked for are skipped.
        var query: SQLQueryString = "SELECT request_id, started_at, ended_at, reason FROM request_pauses WHERE "
        query += ids.count <= 900 ? "request_id IN (\(binds: ids))" : "request_id BETWEEN \(bind: low) AND \(bind: high)"
        query += " ORDER BY request_id, started_at, id"
        for row in try await rows(query) {
            let id = try row.int("request_id")
            times[id]?.pauses.append(SLAPause(start: try row.date("started_at"), end: try row.optionalDate("ended_at"),
                                              reason: SLAPause.Reason(rawValue: try row.string("reason")) ?? .waitingOnSales))
        }
        return times
    }

    /// The requests with their SLA clocks read at the store's now.
    func withSLA(_ requests: [Request], rules: (BusinessCalendar, ServiceTargets)? = nil) async throws -> [Request] {
        guard !requests.isEmpty else { return requests }
        let (calendar, targets) = if let rules { rules } else { try await serviceRules() }
        let times = try await slaTimes(requests)
        let now = self.now
        return requests.map { request in
            var request = request
            if let times = times[request.id] {
                request.sla = ServiceLevel.reading(times, priority: request.priority, calendar: calendar, targets: targets, now: now)
            }
            return request
        }
    }

    /// The calendar and the targets, read together for one request's or one list's clocks.
    func serviceRules() async throws -> (BusinessCalendar, ServiceTargets) {
        (try await loadCalendar(), try await loadTargets())
    }

    /// The due time of a new request: its response target in working time (wall time when the calendar has none).
    static func firstDue(filed: Date, priority: Priority, rules: (BusinessCalendar, ServiceTargets)) -> Date {
        rules.0.adding(rules.1.response(priority), to: filed) ?? Queue.dueAt(createdAt: filed, priority: priority)
    }

    /// Records what a transition does to a request's SLA times (first response, resolution, pauses) and moves its due
    /// time to the clock that runs now.
    func recordSLA(of request: Request, after action: RequestAction, to next: RequestState,
                   rules: (BusinessCalendar, ServiceTargets)) async throws {
        let before = try await slaTimes([request])[request.id] ?? SLATimes(filed: request.createdAt)
        let at = now
        let after = ServiceLevel.times(before, after: action, from: request.state, to: next, at: at)
        guard after != before else { return }
        for (index, pause) in after.pauses.enumerated() {
            if index < before.pauses.count {
                guard before.pauses[index].end == nil, let end = pause.end else { continue }
                try await run("""
                    UPDATE request_pauses SET ended_at = \(bind: UTC.seconds(end))
                    WHERE request_id = \(bind: request.id) AND ended_at IS NULL
                    """)
            } else {
                try await run("""
                    INSERT INTO request_pauses (request_id, started_at, ended_at, reason)
                    VALUES (\(bind: request.id), \(bind: UTC.seconds(pause.start)), \(bind: pause.end.map(UTC.seconds)),
                            \(bind: pause.reason.rawValue))
                    """)
            }
        }
        let reading = ServiceLevel.reading(after, priority: request.priority, calendar: rules.0, targets: rules.1, now: at)
        let due = ServiceLevel.dueAt(reading) ?? request.dueAt
        try await run("""
            UPDATE requests SET first_response_at = \(bind: after.firstResponse.map(UTC.seconds)),
                                resolved_at = \(bind: after.resolved.map(UTC.seconds)), due_at = \(bind: UTC.seconds(due))
            WHERE id = \(bind: request.id)
            """)
    }

    /// After the calendar or a target changes: every request whose clock runs gets the due time it now has.
    func refreshDueTimes(calendar: BusinessCalendar, targets: ServiceTargets) async throws {
        let open = try await rows("\(unsafeRaw: Store.requestSelect) WHERE r.state IN ('new', 'claimed')").map(Store.request)
        let times = try await slaTimes(open)
        for request in open {
            guard let times = times[request.id] else { continue }
            let reading = ServiceLevel.reading(times, priority: request.priority, calendar: calendar, targets: targets, now: now)
            guard let due = ServiceLevel.dueAt(reading), UTC.seconds(due) != UTC.seconds(request.dueAt) else { continue }
            try await run("UPDATE requests SET due_at = \(bind: UTC.seconds(due)) WHERE id = \(bind: request.id)")
        }
    }

    // MARK: - Statistics

    /// `request stats`: the service figures of the requests filed in `from..<to`, for those who see every request.
    public func requestStats(from: Date?, to: Date?, by grouping: StatsGrouping?, actor: Actor) async throws -> [RequestStatsRow] {
        try actor.require(.viewAllRequests)
        return try await snapshot {
            var query: SQLQueryString = "\(unsafeRaw: Store.requestSelect) WHERE 1 = 1"
            if let from { query += " AND r.created_at >= \(bind: UTC.seconds(from))" }
            if let to { query += " AND r.created_at < \(bind: UTC.seconds(to))" }
            query += " ORDER BY r.id"
            let requests = try await withSLA(try await rows(query).map(Store.request))
            return RequestStatistics.summarize(requests, by: grouping, now: now)
        }
    }
}
