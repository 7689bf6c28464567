import Foundation

/// A public key that lets its user in over SSH.
public struct UserKey: Sendable, Codable, Hashable {
    public var id: Int64
    public var user: String
    /// The SSH algorithm name: `ssh-ed25519`, `ecdsa-sha2-nistp256`, …
    public var algorithm: String
    /// `SHA256:` and the unpadded base64 of the key's SHA-256, as `ssh-keygen -l` prints it.
    public var fingerprint: String
    public var comment: String
    public var addedAt: Date

    public init(id: Int64, user: String, algorithm: String, fingerprint: String, comment: String, addedAt: Date) {
        self.id = id
        self.user = user
        self.algorithm = algorithm
        self.fingerprint = fingerprint
        self.comment = comment
        self.addedAt = addedAt
    }

    /// A fingerprint as OpenSSH shows it, from the SHA-256 of a key's wire form: `SHA256:` and the unpadded base64.
    /// Core has no hash of its own; whoever holds the key computes the digest.
    public static func fingerprint(sha256 digest: Data) -> String {
        "SHA256:" + digest.base64EncodedString().replacingOccurrences(of: "=", with: "")
    }
}
