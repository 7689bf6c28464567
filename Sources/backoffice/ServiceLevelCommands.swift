import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

/// `calendar`: when the business works, and the SLA targets the queue is measured against.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "The business calendar (working hours, holidays, time zone) and the SLA targets per priority.",
        discussion: """
            SLA clocks run only in working time: a request filed on Friday evening starts its clock on Monday morning. \
            The resolution clock stands still while a request waits on sales. A new store works Monday to Friday, \
            08:00–18:00 UTC. Managers and admins change it.
            """,
        subcommands: [Show.self, SetHours.self, AddHoliday.self, RemoveHoliday.self, Target.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "The week's hours, the holidays, the time zone and the targets.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let (calendar, targets) = try await global.withSession { session in
                (try await session.store.businessCalendar(), try await session.store.serviceTargets())
            }
            try CalendarCommand.print(calendar, targets, json: output.json)
        }
    }

    struct SetHours: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Set the time zone and the working hours of weekdays.",
            discussion: "Example: backoffice calendar set --time-zone Europe/Berlin --hours mon-fri=08:00-17:30 --hours sat=closed")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: ArgumentHelp("An IANA time zone, such as Europe/Berlin or America/Chicago.", valueName: "zone"))
        var timeZone: String?
        @Option(help: ArgumentHelp("Days and their hours: mon-fri=08:00-18:00, sat=09:00-13:00, sun=closed (repeat for more).",
                                   valueName: "days=hours"))
        var hours: [String] = []

        func validate() throws {
            if timeZone == nil && hours.isEmpty { throw ValidationError("nothing to set: give --time-zone or --hours") }
        }

        func run() async throws {
            let days = try hours.flatMap { try BusinessCalendar.parseHours($0, field: "hours") }
            let (calendar, targets) = try await global.withSession { session in
                (try await session.store.setCalendar(timeZone: timeZone, hours: days, by: session.actor), try await session.store.serviceTargets())
            }
            try CalendarCommand.print(calendar, targets, json: output.json)
        }
    }

    struct AddHoliday: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-holiday", abstract: "Add a day off: no SLA clock runs on it.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The date, YYYY-MM-DD.") var date: String
        @Argument(help: "Its name, such as \"Christmas Day\".") var name: String

        func run() async throws {
            let day = try Day.parse(date, field: "date")
            _ = try await global.withSession { try await $0.store.addHoliday(day, name: name, by: $0.actor) }
            Output.line("\(day) (\(Output.safe(name))) is a holiday; due times of open requests moved with it")
        }
    }

    struct RemoveHoliday: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-holiday", abstract: "Take a day off out of the calendar.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The date, YYYY-MM-DD.") var date: String

        func run() async throws {
            let day = try Day.parse(date, field: "date")
            _ = try await global.withSession { try await $0.store.removeHoliday(day, by: $0.actor) }
            Output.line("\(day) is a working day again (when its weekday is)")
        }
    }

    struct Target: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "target", abstract: "Set a priority's response and resolution targets, in working time (45m, 4h, 1h30m).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "urgent, high, normal or low.") var priority: String
        @Option(help: ArgumentHelp("Time to the first answer or question back.", valueName: "time")) var response: String?
        @Option(help: ArgumentHelp("Time to an answer or a close, pauses not counted.", valueName: "time")) var resolution: String?

        func validate() throws {
            if response == nil && resolution == nil { throw ValidationError("nothing to set: give --response or --resolution") }
        }

        func run() async throws {
            guard let level = Priority(rawValue: priority.lowercased()) else {
                throw Failure.invalid("priority", priority, "is not urgent, high, normal or low")
            }
            let response = try self.response.map { try ServiceLevel.parseDuration($0, field: "response") }
            let resolution = try self.resolution.map { try ServiceLevel.parseDuration($0, field: "resolution") }
            let targets = try await global.withSession {
                try await $0.store.setTarget(level, response: response, resolution: resolution, by: $0.actor)
            }
            Output.line("\(level.rawValue): respond within \(ServiceLevel.describe(targets.response(level))), "
                        + "resolve within \(ServiceLevel.describe(targets.resolution(level))) (working time)")
        }
    }

    struct CalendarJSON: Encodable {
        var timeZone: String
        var hours: [String: String]
        var holidays: [String: String]
        var targets: [String: [String: Int]]
    }

    static func print(_ calendar: BusinessCalendar, _ targets: ServiceTargets, json: Bool) throws {
        if json {
            try Output.json(CalendarJSON(
                timeZone: calendar.timeZone,
                hours: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0.name, calendar.hours[$0]?.description ?? "closed") }),
                holidays: Dictionary(uniqueKeysWithValues: calendar.holidays.map { ($0.key.description, $0.value) }),
                targets: Dictionary(uniqueKeysWithValues: Priority.allCases.map {
                    ($0.rawValue, ["responseSeconds": targets.response($0), "resolutionSeconds": targets.resolution($0)])
                })))
            return
        }
        Output.line("time zone \(calendar.timeZone)")
        Output.table(["DAY", "HOURS"], Weekday.allCases.map { [$0.name, calendar.hours[$0]?.description ?? "closed"] })
        if calendar.holidays.isEmpty {
            Output.line("\nno holidays")
        } else {
            Output.line("")
            Output.table(["HOLIDAY", "NAME"], calendar.holidays.sorted { $0.key < $1.key }.map { [$0.key.description, Output.safe($0.value)] })
        }
        Output.line("")
        Output.table(["PRIORITY", "RESPOND WITHIN", "RESOLVE WITHIN"], Priority.allCases.reversed().map {
            [$0.rawValue, ServiceLevel.describe(targets.response($0)), ServiceLevel.describe(targets.resolution($0))]
        })
    }
}

/// `request stats`: the queue measured like a service desk.
struct RequestStats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count, first response and resolution (median, 90th percentile, % within target), breaches and the open backlog.",
        discussion: """
            Over requests filed from --from up to (not including) --to. Times are working time by the business \
            calendar (backoffice calendar show), pauses while waiting on sales not counted. The backlog is open requests \
            by age since filed: under a day, 1–3 days, 3–7 days, over 7 days. Managers and admins.
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("Filed on or after: a date (YYYY-MM-DD) or a time.", valueName: "when")) var from: String?
    @Option(help: ArgumentHelp("Filed before: a date (YYYY-MM-DD, the day itself not included) or a time.", valueName: "when")) var to: String?
    @Option(help: ArgumentHelp("A row per manager, account or priority, after the total.", valueName: "manager|account|priority"))
    var by: String?
    @OptionGroup var table: TableOutputOptions

    func validate() throws {
        if let by, StatsGrouping(rawValue: by.lowercased()) == nil { throw ValidationError("--by must be manager, account or priority") }
    }

    /// A bound: a day is its midnight UTC, anything else a time.
    static func bound(_ text: String?, field: String) throws -> Date? {
        guard let text else { return nil }
        if text.count == 10 { return try Day.parse(text, field: field).start }
        return try parseMoment(text, field: field)
    }

    func run() async throws {
        let from = try Self.bound(from, field: "from"), to = try Self.bound(to, field: "to")
        if let from, let to, to <= from { throw Failure.invalid("to", self.to ?? "", "is not after --from") }
        let grouping = by.flatMap { StatsGrouping(rawValue: $0.lowercased()) }
        let sink = table.isCSV ? try table.sink(store: global.storePath) : nil
        do {
            let rows = try await global.withSession { try await $0.store.requestStats(from: from, to: to, by: grouping, actor: $0.actor) }
            if let sink {
                func cell(_ text: String) -> String { sink.isTerminal ? Sanitize.forTerminal(text) : text }
                let header = ["group", "requests", "open", "responded", "response_median_s", "response_p90_s", "response_within_target_pct",
                              "resolved", "resolution_median_s", "resolution_p90_s", "resolution_within_target_pct", "breaches"]
                    + RequestStatistics.backlogBands.map { "backlog_" + $0 }
                var text = header.joined(separator: ",") + "\r\n"
                for row in rows {
                    let values = [row.group, String(row.count), String(row.open), String(row.responded), Self.number(row.responseMedian),
                                  Self.number(row.responseP90), Self.percent(row.responseWithinTarget), String(row.resolved),
                                  Self.number(row.resolutionMedian), Self.number(row.resolutionP90), Self.percent(row.resolutionWithinTarget),
                                  String(row.breaches)] + row.backlog.map(String.init)
                    text += CSV.record(values.map(cell), numbers: [false] + Array(repeating: true, count: values.count - 1))
                }
                try sink.write(text)
                try sink.finish()
                if sink.isFile { FileHandle.standardError.write(Data("wrote \(rows.count) rows of request statistics\n".utf8)) }
                return
            }
            if table.json { try Output.json(rows); return }
            Output.table(["GROUP", "REQUESTS", "OPEN", "1ST RESPONSE p50/p90", "IN TARGET", "RESOLUTION p50/p90", "IN TARGET", "BREACHES",
                          "BACKLOG " + RequestStatistics.backlogBands.joined(separator: "/")], rows.map { row in
                [Output.safe(row.group), String(row.count), String(row.open),
                 Self.span(row.responseMedian) + " / " + Self.span(row.responseP90), Self.percentText(row.responseWithinTarget),
                 Self.span(row.resolutionMedian) + " / " + Self.span(row.resolutionP90), Self.percentText(row.resolutionWithinTarget),
                 String(row.breaches), row.backlog.map(String.init).joined(separator: "/")]
            }, right: [1, 2, 4, 6, 7])
            Output.line("\ntimes are working time (backoffice calendar show); p50 is the median")
        } catch {
            sink?.abandon()
            throw error
        }
    }

    static func number(_ value: Int?) -> String { value.map(String.init) ?? "" }
    static func percent(_ value: Decimal?) -> String { value.map { "\($0)" } ?? "" }
    static func percentText(_ value: Decimal?) -> String { value.map { "\($0)%" } ?? "–" }
    static func span(_ seconds: Int?) -> String { seconds.map(ServiceLevel.describe) ?? "–" }
}
