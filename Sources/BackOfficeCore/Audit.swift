import Foundation

/// One change, as the audit log records it: who, when, what (before → after), from where.
public struct AuditEntry: Hashable, Sendable, Codable {
    public var sequence: Int64
    public var at: Date
    public var actor: String
    public var source: String
    /// `movement.post`, `item.edit`, `request.answer` …
    public var action: String
    /// `item FAS-00012`, `request 42` …
    public var entity: String
    public var before: String?
    public var after: String?
    public var previousHash: String
    public var hash: String

    public init(sequence: Int64, at: Date, actor: String, source: String, action: String, entity: String,
                before: String?, after: String?, previousHash: String, hash: String) {
        self.sequence = sequence
        self.at = at
        self.actor = actor
        self.source = source
        self.action = action
        self.entity = entity
        self.before = before
        self.after = after
        self.previousHash = previousHash
        self.hash = hash
    }

    /// Which rule an entry's hash follows. Entries written before the store's migration 6 keep the first rule (they
    /// cannot be re-chained without losing what made them evidence); every later entry uses the second.
    public enum Format: Int, Sendable, Codable, Comparable {
        /// Fields joined by a unit separator: ambiguous when a field holds U+001F. Kept for old entries only.
        case joined = 1
        /// Length-prefixed fields (`ChainEncoder`): no two different entries encode to the same bytes.
        case lengthPrefixed = 2

        public static func < (a: Format, b: Format) -> Bool { a.rawValue < b.rawValue }
    }

    /// The exact bytes the chain hash covers under `format`.
    public static func chainInput(format: Format, sequence: Int64, at: Int64, actor: String, source: String, action: String,
                                  entity: String, before: String?, after: String?, previousHash: String) -> [UInt8] {
        switch format {
        case .joined:
            return chainInput(sequence: sequence, at: at, actor: actor, source: source, action: action, entity: entity,
                              before: before, after: after, previousHash: previousHash)
        case .lengthPrefixed:
            var encoder = ChainEncoder(domain: "backoffice.audit.v2")
            encoder.append(sequence)
            encoder.append(at)
            for field in [actor, source, action, entity, before, after, previousHash] { encoder.append(field) }
            return encoder.bytes
        }
    }

    /// The bytes of the first rule: every field, separated by a unit separator.
    public static func chainInput(sequence: Int64, at: Int64, actor: String, source: String, action: String,
                                  entity: String, before: String?, after: String?, previousHash: String) -> [UInt8] {
        let fields = [String(sequence), String(at), actor, source, action, entity, before ?? "\u{0}", after ?? "\u{0}", previousHash]
        return Array(fields.joined(separator: "\u{1f}").utf8)
    }

    public static let genesisHash = String(repeating: "0", count: 64)
}

/// The unambiguous encoding the hash chains cover: a domain tag, then each field as a type byte (0 absent, 1 integer,
/// 2 text, 3 bytes) followed, when present, by its length as 8 bytes big-endian and its bytes (an integer as 8 bytes
/// big-endian). No two different field lists encode to the same bytes, whatever the fields hold, and the encoding
/// depends only on values, so any engine holding the same history computes the same hashes.
public struct ChainEncoder: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(domain: String) {
        bytes.reserveCapacity(256)
        append(domain)
    }

    public mutating func append(_ value: Int64?) {
        guard let value else { bytes.append(0); return }
        bytes.append(1)
        appendLength(8)
        appendBigEndian(UInt64(bitPattern: value))
    }

    public mutating func append(_ value: String?) {
        guard let value else { bytes.append(0); return }
        bytes.append(2)
        let utf8 = value.utf8
        appendLength(utf8.count)
        bytes.append(contentsOf: utf8)
    }

    public mutating func append(bytes value: [UInt8]) {
        bytes.append(3)
        appendLength(value.count)
        bytes.append(contentsOf: value)
    }

    private mutating func appendLength(_ count: Int) { appendBigEndian(UInt64(count)) }

    private mutating func appendBigEndian(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}

/// A journal row as the movement chain covers it: exactly the values the store holds (ids, not codes), so an edit of
/// any column of any row changes its hash.
public struct ChainedMovement: Hashable, Sendable {
    public var id: Int64
    public var kind: String
    public var itemID: Int64
    public var locationID: Int64
    public var toLocationID: Int64?
    /// The item's SKU and the locations' codes, which the ids stand for: the chain proves what a movement meant, so two
    /// items' SKUs swapped in the file, or a location recoded, break it (SKUs and codes never change in BackOffice).
    public var sku: String
    public var location: String
    public var toLocation: String?
    public var quantity: Int64
    public var counted: Int64?
    public var reason: String?
    public var reference: String?
    public var actor: String
    public var source: String
    public var at: Int64

    public init(id: Int64, kind: String, itemID: Int64, locationID: Int64, toLocationID: Int64?, sku: String, location: String,
                toLocation: String?, quantity: Int64, counted: Int64?, reason: String?, reference: String?, actor: String,
                source: String, at: Int64) {
        self.id = id
        self.kind = kind
        self.itemID = itemID
        self.locationID = locationID
        self.toLocationID = toLocationID
        self.sku = sku
        self.location = location
        self.toLocation = toLocation
        self.quantity = quantity
        self.counted = counted
        self.reason = reason
        self.reference = reference
        self.actor = actor
        self.source = source
        self.at = at
    }

    /// The bytes this row's hash covers: the previous row's hash, then every column.
    public func chainInput(previous: [UInt8]) -> [UInt8] {
        var encoder = ChainEncoder(domain: "backoffice.movement.v1")
        encoder.append(bytes: previous)
        encoder.append(id)
        encoder.append(kind)
        encoder.append(itemID)
        encoder.append(locationID)
        encoder.append(toLocationID)
        encoder.append(sku)
        encoder.append(location)
        encoder.append(toLocation)
        encoder.append(quantity)
        encoder.append(counted)
        encoder.append(reason)
        encoder.append(reference)
        encoder.append(actor)
        encoder.append(source)
        encoder.append(at)
        return encoder.bytes
    }

    /// The hash before the first movement.
    public static let genesis = [UInt8](repeating: 0, count: 32)
}

/// The heads of the store's two chains (the last movement and the last audit entry, each with its hash), to keep
/// somewhere the store's writers cannot reach. A later store proves it extends this history when the entries at these
/// sequence numbers still have these hashes and both chains are intact up to its own heads.
public struct ChainDigest: Hashable, Sendable, Codable, CustomStringConvertible {
    public struct Head: Hashable, Sendable, Codable {
        public var sequence: Int64
        /// Lowercase hex of the entry's hash; 64 zeros before the first entry.
        public var hash: String

        public init(sequence: Int64, hash: String) {
            self.sequence = sequence
            self.hash = hash
        }
    }

    public var movements: Head
    public var audit: Head

    public init(movements: Head, audit: Head) {
        self.movements = movements
        self.audit = audit
    }

    /// `backoffice-digest v1 movements=N:HEX audit=M:HEX`
    public var description: String {
        "backoffice-digest v1 movements=\(movements.sequence):\(movements.hash) audit=\(audit.sequence):\(audit.hash)"
    }

    /// Reads a digest as `description` writes it.
    public static func parse(_ text: String) throws -> ChainDigest {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
        func problem() -> Failure {
            Failure.invalid("digest", String(text.prefix(200)), "not a digest; expected backoffice-digest v1 movements=N:HEX audit=M:HEX")
        }
        guard words.count == 4, words[0] == "backoffice-digest", words[1] == "v1" else { throw problem() }
        func head(_ word: String, _ name: String) throws -> Head {
            guard word.hasPrefix(name + "=") else { throw problem() }
            let parts = word.dropFirst(name.count + 1).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let sequence = Int64(parts[0]), sequence >= 0, parts[1].count == 64,
                  parts[1].allSatisfy({ ("0"..."9").contains($0) || ("a"..."f").contains($0) }) else { throw problem() }
            return Head(sequence: sequence, hash: String(parts[1]))
        }
        return ChainDigest(movements: try head(words[2], "movements"), audit: try head(words[3], "audit"))
    }
}

extension ChainDigest {
    /// Lowercase hex of bytes, as hashes are shown and kept.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return text
    }
}
