import BackOfficeCore
import Foundation
import Logging
import NIOConcurrencyHelpers

/// Where log lines go: standard error, or a file opened for appending that SIGHUP reopens (after logrotate moved it).
public final class LogDestination: @unchecked Sendable {
    private let lock = NIOLock()
    private let path: String?
    private var descriptor: Int32

    /// Standard error when `path` is nil or empty.
    public init(path: String?) throws(Failure) {
        self.path = (path?.isEmpty ?? true) ? nil : path
        descriptor = 2
        if let file = self.path { descriptor = try Self.open(file) }
    }

    private static func open(_ path: String) throws(Failure) -> Int32 {
        let descriptor = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o640)
        guard descriptor >= 0 else {
            throw Failure(.storeFailure, "cannot open the log file \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    /// Opens the file again by its name; on failure keeps writing where it was and says why.
    @discardableResult
    public func reopen() -> String? {
        guard let path else { return nil }
        do {
            let fresh = try Self.open(path)
            lock.withLock {
                Glibc.close(descriptor)
                descriptor = fresh
            }
            return nil
        } catch {
            return error.message
        }
    }

    /// Writes one whole line with one write call, so lines of concurrent events never interleave.
    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        lock.withLock {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}

/// swift-log's handler for `serve-ssh`: one line per event, as logfmt (`ts=… level=info event=session.start user=…
/// msg="…"`) or one JSON object, with the event's fields in a fixed order. Every value is escaped: a client's bytes
/// (a login name, a command) can neither start a new line nor reach a terminal reading the log as an escape sequence.
public struct LogLineHandler: LogHandler {
    public enum Format: String, Sendable {
        case logfmt, json
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let format: Format
    let destination: LogDestination

    public init(format: Format, destination: LogDestination) {
        self.format = format
        self.destination = destination
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The fields first in every line, in this order; others follow by name, and the message ends it.
    static let order = ["event", "user", "key", "addr", "cmd", "pid", "status", "duration", "reason"]

    public func log(event: LogEvent) {
        var fields = metadata
        if let extra = event.metadata { fields.merge(extra) { $1 } }
        var pairs: [(String, String)] = [("ts", UTC.iso(Date())), ("level", event.level.rawValue)]
        for name in Self.order { if let value = fields.removeValue(forKey: name) { pairs.append((name, "\(value)")) } }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) { pairs.append((name, "\(value)")) }
        pairs.append(("msg", "\(event.message)"))
        destination.write(Self.line(pairs, format: format))
    }

    public static func line(_ pairs: [(String, String)], format: Format) -> String {
        switch format {
        case .logfmt:
            return pairs.map { "\(LogText.key($0.0))=\(LogText.logfmtValue($0.1))" }.joined(separator: " ")
        case .json:
            return "{" + pairs.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",") + "}"
        }
    }
}
