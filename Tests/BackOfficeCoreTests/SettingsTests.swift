import BackOfficeCore
import Testing

/// The configuration schema's precedence (flag, environment, --config, system file, default) and its checks.
struct SettingsTests {
    static let file = (path: "/home/a/bo.toml", values: [String: Settings.Value](
        uniqueKeysWithValues: [("ssh.listen", .text("10.0.0.2:22")), ("ssh.idle_timeout", .integer(200)), ("ssh.max_startups", .integer(6)),
                               ("theme", .text("light"))]))
    static let system = (path: "/etc/backoffice/config.toml", values: [String: Settings.Value](
        uniqueKeysWithValues: [("ssh.listen", .text("10.0.0.1:22")), ("ssh.idle_timeout", .integer(100)), ("ssh.max_startups", .integer(5)),
                               ("log.format", .text("json")), ("db", .text("/var/lib/backoffice/backoffice.sqlite"))]))

    /// Each row: the key, what is given where, and the value and source expected.
    @Test(arguments: [
        ("ssh.idle_timeout", Settings.Value.integer(9), Settings.Source.flag("--idle-timeout")),
        ("ssh.max_startups", .integer(7), .environment("BACKOFFICE_SSH_MAX_STARTUPS")),
        ("ssh.listen", .text("10.0.0.2:22"), .file("/home/a/bo.toml")),
        ("log.format", .text("json"), .systemFile("/etc/backoffice/config.toml")),
        ("db", .text("/var/lib/backoffice/backoffice.sqlite"), .systemFile("/etc/backoffice/config.toml")),
        ("ssh.max_sessions", .integer(64), .defaultValue),
        ("ssh.host_key", .text("/home/a/.local/share/backoffice/ssh_host_ed25519_key"), .defaultValue),
        ("theme", .text("high-contrast"), .environment("BACKOFFICE_THEME")),
    ])
    func givenEveryLayerWhenResolvedThenTheFirstThatGivesAKeyWins(key: String, value: Settings.Value, source: Settings.Source) throws {
        let resolved = try Settings.resolve(
            flags: ["ssh.idle_timeout": .integer(9)],
            environment: ["BACKOFFICE_SSH_MAX_STARTUPS": "7", "BACKOFFICE_SSH_IDLE_TIMEOUT": "300", "BACKOFFICE_THEME": "high-contrast",
                          "BACKOFFICE_LOG_FILE": ""],
            file: Self.file, system: Self.system,
            defaults: ["ssh.host_key": .text("/home/a/.local/share/backoffice/ssh_host_ed25519_key")])
        #expect(resolved[key]?.value == value)
        #expect(resolved[key]?.source == source)
        // An empty environment variable is as if unset.
        #expect(resolved["log.file"]?.source == .defaultValue)
    }

    @Test func givenAFileWithAnUnknownKeyOrABadValueThenTheFileLineKeyAndValueAreNamed() {
        let lines = ["ssh.idle_timout": 4, "ssh.max_sessions": 7, "log.format": 9, "ssh.listen": 2]
        let line = { (name: String) in lines[name] }
        #expect(throws: Failure(.invalidInput, "/etc/bo.toml line 4: ssh.idle_timout: no such setting; the settings are "
                                + Settings.keys.map(\.name).joined(separator: ", "))) {
            try Settings.checked(["ssh.idle_timout": .integer(5), "log.format": .text("xml")], file: "/etc/bo.toml", line: line)
        }
        #expect(throws: Failure(.invalidInput, "/etc/bo.toml line 7: ssh.max_sessions: 0 is out of range; it must be between 1 and 10000")) {
            try Settings.checked(["ssh.max_sessions": .integer(0)], file: "/etc/bo.toml", line: line)
        }
        #expect(throws: Failure(.invalidInput, "/etc/bo.toml line 9: log.format: \"xml\" is not one of logfmt, json")) {
            try Settings.checked(["log.format": .text("xml")], file: "/etc/bo.toml", line: line)
        }
        #expect(throws: Failure(.invalidInput, "/etc/bo.toml line 2: ssh.listen: expected text in quotes, got the number 22")) {
            try Settings.checked(["ssh.listen": .integer(22)], file: "/etc/bo.toml", line: line)
        }
        #expect(throws: Failure.self) { try Settings.checked(["db": .text("a\u{1B}[2Jb")], file: "f", line: line) }
        #expect(throws: Failure(.invalidInput, "BACKOFFICE_SSH_IDLE_TIMEOUT: expected a whole number, got \"soon\"")) {
            try Settings.resolve(flags: [:], environment: ["BACKOFFICE_SSH_IDLE_TIMEOUT": "soon"], file: nil, system: nil, defaults: [:])
        }
    }

    @Test func everyKeyHasItsEnvironmentNameAndAFlagWhereOneSetsIt() {
        #expect(Settings.key("db")?.environmentName == "BACKOFFICE_DB")
        #expect(Settings.key("ssh.max_sessions_per_user")?.environmentName == "BACKOFFICE_SSH_MAX_SESSIONS_PER_USER")
        #expect(Set(Settings.keys.map(\.name)).count == Settings.keys.count)
        for key in Settings.keys where key.name != "db" && key.name != "ssh.host_key" {
            #expect(Settings.defaults[key.name] != nil, "\(key.name) has no default")
        }
    }
}
