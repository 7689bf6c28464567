import Foundation

/// A request with its thread.
public struct RequestDetail: Sendable, Codable, Equatable {
    public var request: Request
    public var events: [RequestEvent]

    public init(request: Request, events: [RequestEvent]) {
        self.request = request
        self.events = events
    }
}

/// What an answer was based on: the live stock and the quote at the moment of answering, as sales may see them.
public struct AnswerSnapshot: Sendable, Codable {
    public var takenAt: Date
    public var stock: StockAnswer?
    public var quote: Quote?
    /// When the requested quantity was available to promise (none in snapshots taken before there was an answer).
    public var promise: AvailableToPromise.Answer?

    /// The snapshot as the store keeps it with the answer: JSON with ISO 8601 times.
    public var json: String {
        get throws {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            return String(decoding: try encoder.encode(self), as: UTF8.self)
        }
    }

    /// A snapshot read back from what the store keeps; nil when the text is not one.
    public init?(json: String) {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let snapshot = try? decoder.decode(AnswerSnapshot.self, from: Data(json.utf8)) else { return nil }
        self = snapshot
    }

    public init(takenAt: Date, stock: StockAnswer?, quote: Quote?, promise: AvailableToPromise.Answer? = nil) {
        self.takenAt = takenAt
        self.stock = stock
        self.quote = quote
        self.promise = promise
    }
}

/// Which requests a queue lists by state.
public enum RequestStateFilter: Sendable, Hashable {
    /// Every state but closed.
    case open
    case only(RequestState)
    case any
}
