import BackOfficeCore
import Crypto
import Foundation
import SQLKit

extension Store {
    /// The fingerprint OpenSSH shows for a key: `SHA256:` and the unpadded base64 of the SHA-256 of its wire form.
    public static func fingerprint(ofKey blob: Data) -> String {
        UserKey.fingerprint(sha256: Data(SHA256.hash(data: blob)))
    }

    static let keySelect = """
        SELECT k.id, u.name AS user, k.algorithm, k.fingerprint, k.comment, k.added_at
        FROM user_keys k JOIN users u ON u.id = k.user_id
        """

    static func userKey(_ row: any SQLRow) throws -> UserKey {
        UserKey(id: try row.int("id"), user: try row.string("user"), algorithm: try row.string("algorithm"),
                fingerprint: try row.string("fingerprint"), comment: try row.string("comment"), addedAt: try row.date("added_at"))
    }

    /// Registers a public key (its wire form, `blob`) to a user. A key belongs to one user only.
    public func addUserKey(_ name: String, algorithm: String, blob: Data, comment: String, by actor: Actor) async throws -> UserKey {
        try actor.require(.administer)
        let fingerprint = Store.fingerprint(ofKey: blob)
        let comment = Sanitize.forTerminal(comment.trimmingCharacters(in: .whitespacesAndNewlines))
        return try await write {
            let user = try await requireUser(name)
            if let owner = try await row("\(unsafeRaw: Store.keySelect) WHERE k.fingerprint = \(bind: fingerprint)").map(Store.userKey) {
                throw Failure(.alreadyExists, "key \(fingerprint) is already registered to \(owner.user)")
            }
            try await run("""
                INSERT INTO user_keys (user_id, algorithm, key, fingerprint, comment, added_at)
                VALUES (\(bind: user.id), \(bind: algorithm), \(bind: blob.base64EncodedString()), \(bind: fingerprint), \(bind: comment),
                        \(bind: UTC.seconds(now)))
                """)
            try await audit(actor, "user.key.add", "user \(user.name)", after: "\(algorithm) \(fingerprint)")
            return try await row("\(unsafeRaw: Store.keySelect) WHERE k.fingerprint = \(bind: fingerprint)").map(Store.userKey)!
        }
    }

    /// The keys of one user (an admin, or the user themself), or of everyone (an admin).
    public func userKeys(_ name: String?, by actor: Actor) async throws -> [UserKey] {
        if name?.lowercased() != actor.user.name.lowercased() { try actor.require(.administer) }
        return try await read {
            if let name {
                let user = try await requireUser(name)
                return try await rows("\(unsafeRaw: Store.keySelect) WHERE k.user_id = \(bind: user.id) ORDER BY k.id").map(Store.userKey)
            }
            return try await rows("\(unsafeRaw: Store.keySelect) ORDER BY u.name, k.id").map(Store.userKey)
        }
    }

    /// Removes a user's key by its fingerprint.
    public func removeUserKey(_ name: String, fingerprint: String, by actor: Actor) async throws -> UserKey {
        try actor.require(.administer)
        return try await write {
            let user = try await requireUser(name)
            guard let key = try await row("""
                \(unsafeRaw: Store.keySelect) WHERE k.user_id = \(bind: user.id) AND k.fingerprint = \(bind: fingerprint)
                """).map(Store.userKey) else {
                throw Failure(.notFound, "\(user.name) has no key \(fingerprint); `backoffice users key list \(user.name)` shows them")
            }
            try await run("DELETE FROM user_keys WHERE id = \(bind: key.id)")
            try await audit(actor, "user.key.remove", "user \(user.name)", before: "\(key.algorithm) \(key.fingerprint)")
            return key
        }
    }

    /// Who a key belongs to, for the SSH server's authentication: the user (active or not, so the server can say which)
    /// and the key's fingerprint; nil for a key nobody registered.
    public func keyOwner(algorithm: String, blob: Data) async throws -> (user: User, fingerprint: String)? {
        let fingerprint = Store.fingerprint(ofKey: blob)
        return try await read {
            guard let key = try await row("""
                \(unsafeRaw: Store.keySelect) WHERE k.fingerprint = \(bind: fingerprint) AND k.algorithm = \(bind: algorithm)
                """).map(Store.userKey), let user = try await findUser(key.user) else { return nil }
            return (user, fingerprint)
        }
    }

    /// Every registered key's fingerprint and the user it belongs to (active or not), so the SSH server can end the
    /// sessions of removed keys and deactivated users with one read for all of them.
    public func keyHolders() async throws -> [String: User] {
        try await read {
            var holders: [String: User] = [:]
            for row in try await rows("SELECT k.fingerprint, u.* FROM user_keys k JOIN users u ON u.id = k.user_id") {
                holders[try row.string("fingerprint")] = try Store.user(row)
            }
            return holders
        }
    }

    /// Records that a session started over SSH: who, with which key, from where, and what it ran (the console or a
    /// command). What the session then does is audited by the child process like any other change, with source ssh.
    public func auditRemoteSession(user: User, fingerprint: String, address: String, command: String) async throws {
        let actor = Actor(user: user, source: .ssh, keyFingerprint: fingerprint)
        try await write {
            try await audit(actor, "ssh.session", "from \(address)", after: String(command.prefix(200)))
        }
    }
}
