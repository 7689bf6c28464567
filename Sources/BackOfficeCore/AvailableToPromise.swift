import Foundation

/// "When can the customer have N?": the earliest day N units are available, from the stock available now, holds
/// returning when they expire and expected receipts by their due date. A pure function of its inputs, so the answer
/// is the same in the command, the console and an answer snapshot.
public enum AvailableToPromise {
    /// What the answer is computed from, at the locations it covers (the sellable ones, or the one asked about).
    public struct Input: Sendable, Equatable {
        public struct Hold: Sendable, Codable, Equatable {
            public var id: Int64
            public var location: String
            public var quantity: Int
            /// The day the hold's units return (the day it expires, UTC).
            public var expires: Day

            public init(id: Int64, location: String, quantity: Int, expires: Day) {
                self.id = id
                self.location = location
                self.quantity = quantity
                self.expires = expires
            }
        }

        public struct Receipt: Sendable, Codable, Equatable {
            public var location: String
            /// What is still to come (an expected receipt partly received counts its rest).
            public var quantity: Int
            public var due: Day
            public var reference: String

            public init(location: String, quantity: Int, due: Day, reference: String) {
                self.location = location
                self.quantity = quantity
                self.due = due
                self.reference = reference
            }
        }

        /// Available now (on hand less active holds) at each location covered; a location with nothing now but a
        /// receipt or a hold to come may be missing.
        public var available: [String: Int]
        public var holds: [Hold]
        public var receipts: [Receipt]

        public init(available: [String: Int], holds: [Hold], receipts: [Receipt]) {
            self.available = available
            self.holds = holds
            self.receipts = receipts
        }
    }

    /// One thing that adds stock on a day, and what is available in all after it.
    public struct Event: Sendable, Codable, Equatable {
        public var date: Day
        /// `hold #12 expires`, `PO-4456 due`, `PO-4410 overdue since 2026-11-28`.
        public var event: String
        public var location: String
        public var change: Int
        public var available: Int
    }

    public struct LocationDate: Sendable, Codable, Equatable {
        public var location: String
        /// The earliest day this location alone has the quantity; nil when it never does on what is known.
        public var date: Day?

        /// "No date" is an answer: it is written as null, not left out.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(location, forKey: .location)
            try container.encode(date, forKey: .date)
        }
    }

    public struct Answer: Sendable, Codable, Equatable {
        public var sku: String
        public var quantity: Int
        /// The earliest day the quantity is available over the locations covered; nil when no known event gets there.
        public var date: Day?
        public var availableNow: Int
        public var locations: [LocationDate]
        /// The events up to the day the quantity is reached (all of them when it is not), in order.
        public var timeline: [Event]
        /// When the quantity is never reached: the most that can be promised, and the day it can.
        public var atMost: Int
        public var atMostBy: Day
        /// Expected receipts whose due day has passed without them arriving: shown, and left out of the date unless
        /// asked for (then counted as arriving today).
        public var overdue: [Input.Receipt]
        /// The event the date waits for (the last one of the reaching day), for a one-line answer.
        public var after: String? { date.flatMap { day in timeline.last { $0.date == day }?.event } }

        /// As `atp --json` writes it: dates as YYYY-MM-DD, a date of null when the quantity is not reached.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(sku, forKey: .sku)
            try container.encode(quantity, forKey: .quantity)
            try container.encode(date, forKey: .date)
            try container.encode(availableNow, forKey: .availableNow)
            try container.encode(locations, forKey: .locations)
            try container.encode(timeline, forKey: .timeline)
            try container.encode(atMost, forKey: .atMost)
            try container.encode(atMostBy, forKey: .atMostBy)
            try container.encode(overdue, forKey: .overdue)
        }
    }

    /// The answer for `quantity` units of `sku`, as of `today`.
    public static func answer(sku: String, quantity: Int, input: Input, today: Day, includeOverdue: Bool = false) -> Answer {
        let overdue = input.receipts.filter { $0.due < today }
        let events = self.events(input, today: today, includeOverdue: includeOverdue)
        let now = input.available.values.reduce(0, +)

        var timeline: [Event] = []
        var running = now
        var date: Day? = now >= quantity ? today : nil
        // Enough now needs no timeline; else every event up to and including the day the quantity is reached.
        for event in events where now < quantity {
            if let date, event.date > date { break }
            running += event.change
            timeline.append(Event(date: event.date, event: event.event, location: event.location, change: event.change, available: running))
            if date == nil && running >= quantity { date = event.date }
        }

        var locations: [LocationDate] = []
        let codes = Set(input.available.keys).union(events.map(\.location)).sorted()
        for code in codes {
            var here = input.available[code] ?? 0
            var reached: Day? = here >= quantity ? today : nil
            for event in events where reached == nil && event.location == code {
                here += event.change
                if here >= quantity { reached = event.date }
            }
            locations.append(LocationDate(location: code, date: reached))
        }

        let total = now + events.reduce(0) { $0 + $1.change }
        return Answer(sku: sku, quantity: quantity, date: date, availableNow: now, locations: locations, timeline: timeline,
                      atMost: date == nil ? total : quantity, atMostBy: date ?? events.last?.date ?? today, overdue: overdue)
    }

    /// Every future addition in order: by day, then receipts before hold expiries, then by name.
    static func events(_ input: Input, today: Day, includeOverdue: Bool) -> [(date: Day, event: String, location: String, change: Int)] {
        var events: [(date: Day, event: String, location: String, change: Int, order: Int)] = []
        for receipt in input.receipts where receipt.quantity > 0 {
            if receipt.due < today {
                guard includeOverdue else { continue }
                events.append((today, "\(receipt.reference) overdue since \(receipt.due)", receipt.location, receipt.quantity, 0))
            } else {
                events.append((receipt.due, "\(receipt.reference) due", receipt.location, receipt.quantity, 0))
            }
        }
        for hold in input.holds where hold.quantity > 0 {
            events.append((max(hold.expires, today), "hold #\(hold.id) expires", hold.location, hold.quantity, 1))
        }
        events.sort { ($0.date, $0.order, $0.event, $0.location) < ($1.date, $1.order, $1.event, $1.location) }
        return events.map { ($0.date, $0.event, $0.location, $0.change) }
    }
}

extension AvailableToPromise.Answer {
    /// "500 by 2026-12-11 at MAIN, after PO-4456 due", "500 now", or "never on what is known: at most 320 by 2026-12-20".
    public var sentence: String {
        guard let date else {
            return "\(quantity) not reached on what is known: at most \(atMost) by \(atMostBy)"
        }
        if availableNow >= quantity { return "\(quantity) now (\(availableNow) available)" }
        let soonest = locations.filter { $0.date == date }.map(\.location)
        let place = soonest.count == 1 ? " at \(soonest[0])" : ""
        return "\(quantity) by \(date)\(place)" + (after.map { ", after \($0)" } ?? "")
    }
}
