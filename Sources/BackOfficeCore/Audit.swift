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

    /// The exact bytes the chain hash covers: every field, separated by a unit separator.
    public static func chainInput(sequence: Int64, at: Int64, actor: String, source: String, action: String,
                                  entity: String, before: String?, after: String?, previousHash: String) -> [UInt8] {
        let fields = [String(sequence), String(at), actor, source, action, entity, before ?? "\u{0}", after ?? "\u{0}", previousHash]
        return Array(fields.joined(separator: "\u{1f}").utf8)
    }

    public static let genesisHash = String(repeating: "0", count: 64)
}
