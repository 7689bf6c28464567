import BackOfficeCore

/// Random SSH command lines for fuzzing what a remote user may run: words of the command tree mixed with what an
/// attacker would try (help flags, `--`, the store and user options, quotes, backslashes, control characters) and
/// random bytes.
public enum CommandLineFuzz {
    public static let attackTokens: [String] = [
        "--", "--help", "-h", "-help", "help", "--user", "--user=admin", "--user=", "admin", "--db", "--db=", "--db=/tmp/x.sqlite",
        "/tmp/x.sqlite", "'", "\"", "\\", "\\\\", "\u{0}", "\u{1}", "\u{1B}", "\u{7F}", "\u{85}", "\u{9B}", "\t", " ", "=", "-",
        "--json", "SKU-1", "-3", "5", "--account", "ACME", "--qty", "10", "--default", "--to", "MAIN", "--theme", "--version",
        "--experimental-dump-help", "--generate-completion-script", "bash", "'--help'", "\"--user\"", "--us\\er", "-u",
    ]

    /// A line that often starts with one of `starts` (command paths) and goes on with up to eight of `tokens` or short
    /// runs of random bytes, sometimes glued to the word before.
    public static func line(starts: [String], tokens: [String], random: inout SeededRandom) -> String {
        var line = ""
        if !starts.isEmpty && Int.random(in: 0..<3, using: &random) > 0 {
            line = starts[Int.random(in: 0..<starts.count, using: &random)]
        }
        for _ in 0..<Int.random(in: 0...8, using: &random) {
            let separator = Int.random(in: 0..<6, using: &random) == 0 ? "" : " "
            if Int.random(in: 0..<8, using: &random) == 0 {
                let bytes = (0..<Int.random(in: 1...6, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                line += separator + String(decoding: bytes, as: UTF8.self)
            } else {
                line += separator + tokens[Int.random(in: 0..<tokens.count, using: &random)]
            }
        }
        return line
    }
}
