import Foundation

/// A calendar date in UTC, such as a price rule's first or last valid day. Stored and written as `YYYY-MM-DD`.
public struct Day: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    public init(year: Int, month: Int, day: Int) {
        // Days from civil (proleptic Gregorian), after Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        ordinal = era * 146097 + doe - 719468
    }

    /// The UTC day a moment falls on.
    public init(_ date: Date) {
        ordinal = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    public var components: (year: Int, month: Int, day: Int) {
        let z = ordinal + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Midnight UTC at the start of the day.
    public var start: Date { Date(timeIntervalSince1970: TimeInterval(ordinal) * 86_400) }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    public static func < (lhs: Day, rhs: Day) -> Bool { lhs.ordinal < rhs.ordinal }

    public var description: String {
        let c = components
        return padded(c.year, 4) + "-" + padded(c.month, 2) + "-" + padded(c.day, 2)
    }

    /// Parses `YYYY-MM-DD` and refuses dates that do not exist (2026-02-30).
    public static func parse(_ text: String, field: String = "date") throws(Failure) -> Day {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else {
            throw Failure.invalid(field, text, "not a date; write it as YYYY-MM-DD")
        }
        let day = Day(year: y, month: m, day: d)
        guard day.components == (y, m, d) else {
            throw Failure.invalid(field, text, "no such day")
        }
        return day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self = try Day.parse(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }
}

/// A moment as stored: whole seconds since 1970 in UTC.
public enum UTC {
    /// Whole seconds, clamped to ±10,000 years so that no date a user types can overflow.
    public static func seconds(_ date: Date) -> Int64 {
        let limit = 315_576_000_000.0
        return Int64(min(max(date.timeIntervalSince1970.rounded(.down), -limit), limit))
    }
    public static func date(_ seconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    /// `2026-11-29T14:03:00Z`
    public static func iso(_ date: Date) -> String {
        let seconds = seconds(date)
        let day = Day(ordinal: Int((Double(seconds) / 86_400).rounded(.down)))
        let secondOfDay = Int(seconds - Int64(day.ordinal) * 86_400)
        return day.description + "T" + padded(secondOfDay / 3600, 2) + ":" + padded(secondOfDay / 60 % 60, 2) + ":" + padded(secondOfDay % 60, 2) + "Z"
    }
}

/// Zero-pads a non-negative number (String(format:) is slow on Linux, and dates are formatted on hot paths).
func padded(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}
