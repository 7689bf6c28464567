import Foundation

/// A day of the week, Monday first (ISO 8601), named as people type them: mon, tue, … sun.
public enum Weekday: Int, Sendable, Codable, CaseIterable, Comparable {
    case monday = 1, tuesday, wednesday, thursday, friday, saturday, sunday

    public var name: String {
        switch self {
        case .monday: "mon"
        case .tuesday: "tue"
        case .wednesday: "wed"
        case .thursday: "thu"
        case .friday: "fri"
        case .saturday: "sat"
        case .sunday: "sun"
        }
    }

    /// The weekday of a calendar day (1970-01-01 was a Thursday).
    public init(_ day: Day) {
        let index = ((day.ordinal + 3) % 7 + 7) % 7  // 0 = Monday
        self = Weekday(rawValue: index + 1)!
    }

    public static func named(_ text: String) -> Weekday? {
        let word = text.lowercased()
        return allCases.first { word == $0.name || (word.count > 3 && String(describing: $0).hasPrefix(word)) }
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The working hours of one weekday, in minutes after local midnight: opens before closes, both within the day.
public struct WorkingHours: Hashable, Sendable, Codable {
    public var opens: Int
    public var closes: Int

    public init(opens: Int, closes: Int) {
        self.opens = opens
        self.closes = closes
    }

    /// `08:00-18:00`.
    public var description: String { WorkingHours.clock(opens) + "-" + WorkingHours.clock(closes) }

    public static func clock(_ minutes: Int) -> String { padded(minutes / 60, 2) + ":" + padded(minutes % 60, 2) }

    /// Parses `08:00-18:00` (24:00 may close a day).
    public static func parse(_ text: String, field: String = "hours") throws(Failure) -> WorkingHours {
        let ends = text.split(separator: "-", omittingEmptySubsequences: false)
        guard ends.count == 2, let opens = minutes(ends[0]), let closes = minutes(ends[1]) else {
            throw Failure.invalid(field, text, "not working hours; write them as 08:00-18:00")
        }
        guard opens < closes else { throw Failure.invalid(field, text, "the day must open before it closes") }
        return WorkingHours(opens: opens, closes: closes)
    }

    /// Parses one end of the working hours, `08:00` (24:00 may close a day), into minutes after midnight.
    public static func clock(_ text: String, field: String) throws(Failure) -> Int {
        guard let minutes = minutes(Substring(text)) else { throw Failure.invalid(field, text, "is not a time of day; write it as 08:00") }
        return minutes
    }

    private static func minutes(_ text: Substring) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hours = Int(parts[0]), let minutes = Int(parts[1]), minutes < 60,
              hours < 24 || (hours == 24 && minutes == 0) else { return nil }
        return hours * 60 + minutes
    }
}

/// When the business works: hours per weekday and holidays, in one time zone. SLA clocks run only inside it.
///
/// Times are stored in UTC; the calendar says which UTC instants are working time by turning each local working day
/// into its UTC window, so a clock change (daylight saving) moves the window, not the hours people work.
public struct BusinessCalendar: Hashable, Sendable {
    /// An IANA time zone name (`Europe/Berlin`, `America/Chicago`, `UTC`).
    public var timeZone: String {
        didSet { zone = BusinessCalendar.zone(named: timeZone) }
    }
    /// The zone itself, looked up once: `request stats` turns hundreds of thousands of instants into local days.
    private var zone: TimeZone
    /// Working hours per weekday; a weekday missing is closed.
    public var hours: [Weekday: WorkingHours]
    /// Days off, by date, with their names.
    public var holidays: [Day: String]

    public init(timeZone: String, hours: [Weekday: WorkingHours], holidays: [Day: String] = [:]) {
        self.timeZone = timeZone
        zone = BusinessCalendar.zone(named: timeZone)
        self.hours = hours
        self.holidays = holidays
    }

    /// Monday to Friday, 08:00–18:00, no holidays: what a new store starts with.
    public static func standard(timeZone: String = "UTC") -> BusinessCalendar {
        let day = WorkingHours(opens: 8 * 60, closes: 18 * 60)
        return BusinessCalendar(timeZone: timeZone, hours: [.monday: day, .tuesday: day, .wednesday: day, .thursday: day, .friday: day])
    }

    /// Checks a time zone name against the system's time zone database.
    public static func checkTimeZone(_ name: String, field: String = "time-zone") throws(Failure) -> String {
        guard !name.isEmpty, name.count <= 64, TimeZone(identifier: name) != nil else {
            throw Failure.invalid(field, name, "not a time zone; write an IANA name such as Europe/Berlin or UTC")
        }
        return name
    }

    private static func zone(named name: String) -> TimeZone { TimeZone(identifier: name) ?? TimeZone(identifier: "UTC")! }

    /// The local calendar day an instant falls on.
    public func day(of date: Date) -> Day {
        let local = date.timeIntervalSince1970 + TimeInterval(zone.secondsFromGMT(for: date))
        return Day(ordinal: Int((local / 86_400).rounded(.down)))
    }

    /// The UTC instant of a local wall-clock time on a day (in a daylight-saving gap, the instant the clock jumps to).
    func instant(_ day: Day, minutes: Int) -> Date {
        let wall = TimeInterval(day.ordinal) * 86_400 + TimeInterval(minutes * 60)
        let guess = Date(timeIntervalSince1970: wall - TimeInterval(zone.secondsFromGMT(for: Date(timeIntervalSince1970: wall))))
        return Date(timeIntervalSince1970: wall - TimeInterval(zone.secondsFromGMT(for: guess)))
    }

    /// The working window of a local day in UTC, or nil when the business is closed that day.
    public func window(on day: Day) -> (start: Date, end: Date)? {
        guard holidays[day] == nil, let hours = hours[Weekday(day)] else { return nil }
        let start = instant(day, minutes: hours.opens), end = instant(day, minutes: hours.closes)
        return end > start ? (start, end) : nil
    }

    /// Whether the calendar has any working time at all.
    public var hasWorkingTime: Bool { !hours.isEmpty }

    /// Working seconds between two instants (0 when `to` is not after `from`).
    public func businessSeconds(from: Date, to: Date) -> Int {
        guard to > from, hasWorkingTime else { return 0 }
        var total = 0.0
        var day = self.day(of: from).adding(days: -1)  // a window may start on the local day before `from` in UTC terms
        let last = self.day(of: to).adding(days: 1)
        while day <= last {
            if let window = window(on: day) {
                let start = max(window.start, from), end = min(window.end, to)
                if end > start { total += end.timeIntervalSince(start) }
            }
            day = day.adding(days: 1)
        }
        return Int(total.rounded(.down))
    }

    /// The instant when `seconds` of working time have passed after `start`; nil when the calendar has no working
    /// time within ten years (every weekday closed, or holidays all the way).
    public func adding(_ seconds: Int, to start: Date) -> Date? {
        guard hasWorkingTime else { return nil }
        var remaining = TimeInterval(max(0, seconds))
        var day = self.day(of: start).adding(days: -1)
        let limit = day.adding(days: 3_660)
        while day < limit {
            if let window = window(on: day), window.end > start {
                let from = max(window.start, start)
                let available = window.end.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            day = day.adding(days: 1)
        }
        return nil
    }

    /// Parses one `--hours` setting: `mon-fri=08:00-18:00`, `sat=09:00-13:00`, `sun=closed`, `sat,sun=closed`.
    /// Gives the weekdays it names and their hours (nil for closed).
    public static func parseHours(_ text: String, field: String = "hours") throws(Failure) -> [(Weekday, WorkingHours?)] {
        let sides = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        guard sides.count == 2, !sides[0].isEmpty else {
            throw Failure.invalid(field, text, "write the days and their hours as mon-fri=08:00-18:00 or sun=closed")
        }
        var days: [Weekday] = []
        for part in sides[0].split(separator: ",") {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(ends.count), let first = Weekday.named(String(ends[0])),
                  let last = Weekday.named(String(ends[ends.count - 1])), first <= last else {
                throw Failure.invalid(field, text, "'\(part)' is not a weekday or a range of them (mon, tue, … sun; mon-fri)")
            }
            days += Weekday.allCases.filter { $0 >= first && $0 <= last }
        }
        let value = String(sides[1])
        let hours: WorkingHours? = value.lowercased() == "closed" ? nil : try WorkingHours.parse(value, field: field)
        return days.map { ($0, hours) }
    }

    /// The week as one line per weekday: `mon 08:00-18:00`, `sat closed`.
    public var weekLines: [String] {
        Weekday.allCases.map { $0.name + " " + (hours[$0]?.description ?? "closed") }
    }
}
