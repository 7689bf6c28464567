import Foundation

/// Where a store lives, as `--db` or `BACKOFFICE_DB` names it: a SQLite file, or a PostgreSQL database by URL.
///
/// A URL is never taken for a file path: `--db postgresql://u:p@host/db` must not create a folder named
/// `postgresql:` beside the user, and its password must never be printed back.
public enum StoreAddress: Equatable, Sendable {
    case file(String)
    case postgres(PostgresAddress)

    /// Reads `--db` text: `postgres://` and `postgresql://` URLs (any case) name a PostgreSQL database; any other
    /// `scheme://` is refused; everything else is a file path.
    public static func parse(_ text: String) throws(Failure) -> StoreAddress {
        guard let schemeEnd = text.range(of: "://") else { return .file(text) }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        // A path such as `./a://b` or `/srv/x://y` is a file; a scheme is letters, digits, + - . from a letter.
        guard let first = scheme.first, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else {
            return .file(text)
        }
        guard scheme == "postgres" || scheme == "postgresql" else {
            throw Failure(.usage, "--db \(scheme)://…: a store is a file path or a postgres:// URL")
        }
        return .postgres(try PostgresAddress(url: text))
    }

    /// How messages name the store: the path, or the URL without its password.
    public var description: String {
        switch self {
        case .file(let path): path
        case .postgres(let address): address.redacted
        }
    }
}

/// A PostgreSQL database named by URL: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE]`.
///
/// The password comes from the URL, else the engine's usual places (`PGPASSWORD`, `~/.pgpass`); `redacted` is the
/// only form that may reach a message, a log or the audit log.
public struct PostgresAddress: Equatable, Sendable {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode

    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public init(url text: String) throws(Failure) {
        // Foundation's parser takes the userinfo apart and percent-decodes it; the text itself never reaches a message.
        guard let parts = URLComponents(string: text), let host = parts.host, !host.isEmpty else {
            throw Failure(.usage, "--db: not a postgres URL; use postgres://USER@HOST[:PORT]/DATABASE")
        }
        guard let user = parts.user, !user.isEmpty else {
            throw Failure(.usage, "--db postgres://…@\(host): name the user, as in postgres://USER@\(host)/DATABASE")
        }
        let database = String(parts.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw Failure(.usage, "--db postgres://\(user)@\(host)…: name one database, as in postgres://\(user)@\(host)/DATABASE")
        }
        var sslMode = SSLMode.prefer
        for item in parts.queryItems ?? [] {
            guard item.name == "sslmode" else {
                throw Failure(.usage, "--db postgres://\(user)@\(host)/\(database): unknown parameter \(item.name); only sslmode is read")
            }
            guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
                throw Failure(.usage, "--db: sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            sslMode = mode
        }
        self.user = user
        self.password = parts.password
        self.host = host
        self.port = parts.port ?? 5432
        self.database = database
        self.sslMode = sslMode
    }

    /// The URL as it may be shown: never the password.
    public var redacted: String {
        let user = user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user
        return "postgres://\(user)@\(host):\(port)/\(database)" + (sslMode == .prefer ? "" : "?sslmode=\(sslMode.rawValue)")
    }

    /// The password a libpq password file (`~/.pgpass`) gives this address: the first line whose host, port,
    /// database and user match (`*` matches anything; `\:` and `\\` are a colon and a backslash); nil when none does.
    public static func password(inPassFile text: String, for address: PostgresAddress) -> String? {
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = [], field = "", escaped = false
            for character in line {
                if escaped { field.append(character); escaped = false }
                else if character == "\\" { escaped = true }
                else if character == ":" && fields.count < 4 { fields.append(field); field = "" }
                else { field.append(character) }
            }
            fields.append(field)
            guard fields.count == 5 else { continue }
            let wanted = [address.host, String(address.port), address.database, address.user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}
