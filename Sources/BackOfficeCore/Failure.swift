import Foundation

/// What went wrong, in the categories a caller acts on. The command line maps each to its own exit code.
public enum FailureKind: String, Sendable, Codable {
    case usage
    case invalidInput
    case notFound
    case unknownUser
    case permissionDenied
    case conflict
    case alreadyExists
    case storeFailure
    case busy

    /// The exit code a process reports for this kind of failure (sysexits-style; see README), on the command line and
    /// over SSH alike.
    public var exitCode: Int32 {
        switch self {
        case .usage: 64
        case .invalidInput: 65
        case .notFound: 66
        case .unknownUser: 67
        case .alreadyExists: 73
        case .storeFailure: 74
        case .busy: 75
        case .permissionDenied: 77
        case .conflict: 79
        }
    }
}

/// An error the user can read: one line that names the problem, never a stack trace.
public protocol BackOfficeFailure: Error, CustomStringConvertible, Sendable {
    var kind: FailureKind { get }
    var message: String { get }
}

extension BackOfficeFailure {
    public var description: String { message }
}

/// A failure that needs no type of its own: a bad field value, a missing record.
public struct Failure: BackOfficeFailure, Equatable {
    public var kind: FailureKind
    public var message: String

    public init(_ kind: FailureKind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public static func invalid(_ field: String, _ value: String, _ problem: String) -> Failure {
        Failure(.invalidInput, "\(field): \(problem) (\(value.debugDescription))")
    }

    public static func notFound(_ what: String, _ key: String) -> Failure {
        Failure(.notFound, "no \(what) \(key.debugDescription)")
    }
}
