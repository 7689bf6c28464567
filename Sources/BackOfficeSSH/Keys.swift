import BackOfficeCore
import Crypto
import Foundation
import NIOSSH

/// The server's host key: an ed25519 key kept in a file of its own, created on first run.
public enum HostKey {
    static let header = "backoffice ed25519 host key"

    /// Loads the key at `path`, or creates it there (mode 0600) when there is no file yet.
    public static func loadOrCreate(at path: String) throws(Failure) -> (key: NIOSSHPrivateKey, fingerprint: String, created: Bool) {
        if FileManager.default.fileExists(atPath: path) {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw Failure(.storeFailure, "cannot read the host key \(path)")
            }
            let lines = text.split(separator: "\n").map(String.init)
            guard lines.count >= 2, lines[0] == header, let seed = Data(base64Encoded: lines[1]),
                  let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
                throw Failure(.invalidInput, "\(path):1: not a BackOffice host key (expected \"\(header)\" and a base64 line)")
            }
            return (NIOSSHPrivateKey(ed25519Key: key), fingerprint(key), false)
        }
        let key = Curve25519.Signing.PrivateKey()
        let text = "\(header)\n\(key.rawRepresentation.base64EncodedString())\n"
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        // Created with no access for anyone else from the start, not chmod-ed afterwards.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw Failure(.storeFailure, "cannot create the host key \(path) (errno \(errno))") }
        let written = Array(text.utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        guard written == text.utf8.count else { throw Failure(.storeFailure, "cannot write the host key \(path)") }
        return (NIOSSHPrivateKey(ed25519Key: key), fingerprint(key), true)
    }

    static func fingerprint(_ key: Curve25519.Signing.PrivateKey) -> String {
        let line = String(openSSHPublicKey: NIOSSHPrivateKey(ed25519Key: key).publicKey)
        return (try? PublicKeyLine(line).fingerprint) ?? "?"
    }
}

/// One public key as OpenSSH writes it: `ssh-ed25519 AAAA… comment`.
public struct PublicKeyLine: Sendable, Hashable {
    public var algorithm: String
    /// The key's wire form (the base64 part, decoded).
    public var blob: Data
    public var comment: String

    /// The algorithms the server can check a signature for (swift-nio-ssh has no RSA).
    public static let supported = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521"]

    /// Reads the first key of an `authorized_keys`-style text, refusing anything the server could not verify.
    public init(_ text: String, source: String = "key") throws(Failure) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        guard let (number, line) = lines.enumerated().first(where: { !$0.element.isEmpty && !$0.element.hasPrefix("#") }) else {
            throw Failure(.invalidInput, "\(source): no public key in it")
        }
        let place = "\(source):\(number + 1)"
        let parts = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true).map(String.init)
        guard parts.count >= 2 else { throw Failure(.invalidInput, "\(place): expected \"TYPE BASE64 [COMMENT]\"") }
        guard Self.supported.contains(parts[0]) else {
            throw Failure(.invalidInput, "\(place): key type \(parts[0]) is not supported; use one of \(Self.supported.joined(separator: ", "))"
                          + (parts[0] == "ssh-rsa" ? " (ssh-keygen -t ed25519 makes one)" : ""))
        }
        guard let blob = Data(base64Encoded: parts[1]), (try? NIOSSHPublicKey(openSSHPublicKey: "\(parts[0]) \(parts[1])")) != nil else {
            throw Failure(.invalidInput, "\(place): the key data is not a valid \(parts[0]) key")
        }
        algorithm = parts[0]
        self.blob = blob
        comment = parts.count > 2 ? parts[2] : ""
    }

    /// The line for a key a client offered.
    init(_ key: NIOSSHPublicKey) throws(Failure) {
        try self.init(String(openSSHPublicKey: key))
    }

    public var fingerprint: String { UserKey.fingerprint(sha256: Data(SHA256.hash(data: blob))) }
}
