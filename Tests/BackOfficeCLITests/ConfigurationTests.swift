import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// The configuration files as an admin writes them, read by the real binary: `doctor` shows each setting in force and
/// where it came from; a bad file is refused naming the file, the line and the key.
@Suite("Configuration files", .serialized)
struct ConfigurationTests {
    /// The repository's packaging folder, from this file's path.
    static let packaging = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("packaging").path

    /// `doctor`'s configuration lines, by key: (value as shown, source).
    func settings(_ doctor: CommandResult) -> [String: (value: String, source: String)] {
        var settings: [String: (String, String)] = [:]
        for line in doctor.stdout.split(separator: "\n") {
            guard let match = line.wholeMatch(of: #/^  ([a-z_.]+) += (\S+) +(.+)$/#) else { continue }
            settings[String(match.output.1)] = (String(match.output.2), String(match.output.3))
        }
        return settings
    }

    @Test func givenEveryLayerWhenDoctorRunsThenEachSettingShowsTheFirstLayerThatGivesItAndWhich() throws {
        let demo = try DemoStore()
        let folder = demo.folder
        let system = folder.path("system.toml"), mine = folder.path("mine.toml")
        try """
            db = "\(folder.path("elsewhere.sqlite"))"
            theme = "light"
            [ssh]
            listen = "10.0.0.1:22"
            max_startups = 5
            idle_timeout = 100
            [log]
            format = "json"
            """.write(toFile: system, atomically: true, encoding: .utf8)
        try """
            db = "\(folder.path("mine.sqlite"))"
            [ssh]
            listen = "10.0.0.2:22"
            max_startups = 6
            """.write(toFile: mine, atomically: true, encoding: .utf8)
        let doctor = try runBackoffice(["doctor", "--db", demo.path, "--user", "admin", "--config", mine],
                                       environment: ["BACKOFFICE_SYSTEM_CONFIG": system, "BACKOFFICE_SSH_MAX_STARTUPS": "7",
                                                     "BACKOFFICE_DB": folder.path("env.sqlite")], in: folder)
        #expect(doctor.status == 0, "\(doctor.stderr)")
        let shown = settings(doctor)
        #expect(shown["db"]?.value == "\"\(demo.path)\"" && shown["db"]?.source == "flag --db", "\(doctor.stdout)")
        #expect(shown["ssh.max_startups"]?.value == "7" && shown["ssh.max_startups"]?.source == "environment BACKOFFICE_SSH_MAX_STARTUPS")
        #expect(shown["ssh.listen"]?.value == "\"10.0.0.2:22\"" && shown["ssh.listen"]?.source == "--config \(mine)")
        #expect(shown["ssh.idle_timeout"]?.value == "100" && shown["ssh.idle_timeout"]?.source == system)
        #expect(shown["log.format"]?.value == "\"json\"" && shown["log.format"]?.source == system)
        #expect(shown["ssh.max_sessions"]?.value == "64" && shown["ssh.max_sessions"]?.source == "default")
        #expect(shown.count == Settings.keys.count, "\(doctor.stdout)")

        // Without the flag, the store is the environment's; without that, the --config file's.
        let byFile = try runBackoffice(["search", "bolt", "--user", "admin", "--config", mine], in: folder)
        #expect(byFile.status == 66)
        #expect(byFile.stderr.contains("no store at \(folder.path("mine.sqlite"))"), "\(byFile.stderr)")
        let byEnvironment = try runBackoffice(["search", "bolt", "--user", "admin", "--config", mine], environment: ["BACKOFFICE_DB": demo.path],
                                              in: folder)
        #expect(byEnvironment.status == 0, "\(byEnvironment.stderr)")
    }

    @Test func givenAHostWhoseSettingsNameItsStoreWhenDemoRunsThenItMakesItsOwnStoreAndLeavesTheHostsAlone() throws {
        let folder = TemporaryFolder()
        let system = folder.path("system.toml")
        try "db = \"\(folder.path("business.sqlite"))\"\n".write(toFile: system, atomically: true, encoding: .utf8)
        let demo = try runBackoffice(["demo", "--items", "50"], environment: ["BACKOFFICE_SYSTEM_CONFIG": system], in: folder)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path("xdg") + "/backoffice/demo.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("business.sqlite")))
    }

    @Test func givenABadFileThenTheCommandStopsNamingTheFileLineKeyAndValue() throws {
        let folder = TemporaryFolder()
        func run(_ text: String) throws -> CommandResult {
            let file = folder.path("bad.toml")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return try runBackoffice(["search", "bolt", "--config", file, "--db", folder.path("none.sqlite")], in: folder)
        }
        let file = folder.path("bad.toml")
        let unknown = try run("db = \"x.sqlite\"\n[ssh]\nlisten = \"0.0.0.0:22\"\nidle_timout = 5\n")
        #expect(unknown.status == 65)
        #expect(unknown.stderr.hasPrefix("backoffice: \(file) line 4: ssh.idle_timout: no such setting; the settings are db, theme, console.bell, ssh.listen"),
                "\(unknown.stderr)")
        let wrongType = try run("[ssh]\nmax_sessions = \"many\"\n")
        #expect(wrongType.stderr == "backoffice: \(file) line 2: ssh.max_sessions: expected a whole number, got \"many\"\n")
        let range = try run("[ssh]\n\nmax_sessions = 0\n")
        #expect(range.stderr == "backoffice: \(file) line 3: ssh.max_sessions: 0 is out of range; it must be between 1 and 10000\n")
        let syntax = try run("[ssh\nlisten = 1\n")
        #expect(syntax.status == 65)
        #expect(syntax.stderr.hasPrefix("backoffice: \(file) line 1: "), "\(syntax.stderr)")
        let array = try run("theme = [\"a\"]\n")
        #expect(array.stderr == "backoffice: \(file) line 1: theme: expected text in quotes or a whole number\n")
        let escape = try run("theme = \"dark\\u001b[2J\"\n")
        #expect(escape.status == 65)
        #expect(!escape.stderr.contains("\u{1B}"))
        let binary = try run("db = \"a\"\0\n")
        #expect(binary.stderr == "backoffice: \(file): is not UTF-8 text\n")

        let missing = try runBackoffice(["search", "bolt", "--config", folder.path("nope.toml")], in: folder)
        #expect(missing.status == 66)
        #expect(missing.stderr == "backoffice: --config \(folder.path("nope.toml")): no such file\n")
        let directory = try runBackoffice(["search", "bolt", "--config", folder.path("")], in: folder)
        #expect(directory.status == 65)
        #expect(directory.stderr.contains("is a folder, not a configuration file"), "\(directory.stderr)")
        let demo = try DemoStore()
        let environment = try runBackoffice(["doctor", "--db", demo.path, "--user", "admin"],
                                            environment: ["BACKOFFICE_SSH_IDLE_TIMEOUT": "soon"], in: demo.folder)
        #expect(environment.status == 65)
        #expect(environment.stderr.contains("BACKOFFICE_SSH_IDLE_TIMEOUT: expected a whole number, got \"soon\""), "\(environment.stderr)")
    }

    @Test func givenThePackagedConfigurationThenItIsValidAndNamesEveryKeyOfTheSchema() throws {
        let path = Self.packaging + "/config.toml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for key in Settings.keys {
            let name = key.name.split(separator: ".").last!
            #expect(text.contains("\n\(name) = ") || text.contains("\n# \(name) = "), "\(key.name) is not in \(path)")
        }
        let demo = try DemoStore()
        let doctor = try runBackoffice(["doctor", "--db", demo.path, "--user", "admin", "--config", path], in: demo.folder)
        #expect(doctor.status == 0, "\(doctor.stderr)")
        #expect(settings(doctor)["ssh.host_key"]?.value == "\"/var/lib/backoffice/ssh_host_ed25519_key\"")
        #expect(settings(doctor)["ssh.host_key"]?.source == "--config \(path)")
    }

    /// On an office host the packaged settings name the service's store, in a folder other users cannot enter: they are
    /// told they may not reach it, not that it is missing.
    @Test(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"), "needs root and runuser"))
    func givenAStoreClosedToTheUserThenTheErrorSaysSoRatherThanMissing() throws {
        let folder = TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path("bin"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder.path("state"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: backofficeBinary.path, toPath: folder.path("bin/backoffice"))
        for (path, mode) in [(folder.url.path, 0o755), (folder.path("bin"), 0o755), (folder.path("bin/backoffice"), 0o755)] {
            chmod(path, mode_t(mode))
        }
        let store = folder.path("state/store.sqlite")
        #expect(try runBackoffice(["init", "--db", store, "--admin", "ops"], in: folder).status == 0)
        func asNobody() throws -> CommandResult {
            try runProgram("/usr/sbin/runuser", ["-u", "nobody", "--", folder.path("bin/backoffice"), "search", "bolt", "--db", store], in: folder)
        }
        chmod(folder.path("state"), 0o750)
        let closedFolder = try asNobody()
        #expect(closedFolder.status == 77)
        #expect(closedFolder.stderr == "backoffice: cannot reach the store at \(store): a folder on the way is closed to you; "
                + "run as its owner (sudo -u backoffice …) or pass --db\n")
        chmod(folder.path("state"), 0o755)
        let closedFile = try asNobody()
        #expect(closedFile.status == 77)
        #expect(closedFile.stderr.contains("the store at \(store) is not open to you for reading and writing"), "\(closedFile.stderr)")
    }
}
