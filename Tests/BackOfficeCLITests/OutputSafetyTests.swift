import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// A file named for output never destroys anything, and text from the store never reaches a terminal raw: the built
/// binary against real store files, the sqlite3 shell for rows written before request text was checked.
@Suite("Output safety", .serialized)
struct OutputSafetyTests {
    /// Runs `executable` in `directory` (so a relative path lands there) and waits for it.
    func run(_ executable: String, _ arguments: [String], in directory: String) throws -> CommandResult {
        try runProgram(executable, arguments, in: TemporaryFolder(), workingDirectory: directory)
    }

    /// The store still opens, verifies and answers.
    func expectIntact(_ demo: DemoStore, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let verified = try demo.run(["verify"], as: "admin")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)", sourceLocation: sourceLocation)
        #expect(try demo.run(["export", "items"], as: "admin").stdout.hasPrefix("sku,"), sourceLocation: sourceLocation)
    }

    func leftovers(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".partial") }
    }

    // MARK: - Item 4: the file named by -o

    @Test(arguments: ["reports", "reports/"])
    func givenAFolderHoldingAFileWhenExportedOntoItThenBothSurviveAndTheRefusalNamesIt(target: String) throws {
        let demo = try DemoStore()
        let reports = demo.folder.path("reports")
        try FileManager.default.createDirectory(atPath: reports, withIntermediateDirectories: true)
        try Data("q1 figures\n".utf8).write(to: URL(fileURLWithPath: reports + "/q1.txt"))

        let result = try demo.run(["export", "items", "-o", demo.folder.path(target)], as: "admin")

        #expect(result.status == 73, "\(result.stderr)")
        #expect(result.stderr.contains(demo.folder.path(target)) && result.stderr.contains("is a folder"), "\(result.stderr)")
        #expect(try String(contentsOfFile: reports + "/q1.txt", encoding: .utf8) == "q1 figures\n")
        #expect(try leftovers(in: demo.folder.url.path).isEmpty)
    }

    @Test(arguments: ["store", "wal", "shm", "symlink", "hardlink", "relative"])
    func givenTheStoreUnderAnyNameWhenExportedOntoThenItIsRefusedAndTheStoreStillVerifies(name: String) throws {
        let demo = try DemoStore()
        let folder = demo.folder.url.path
        var target: String
        switch name {
        case "store": target = demo.path
        case "wal": target = demo.path + "-wal"
        case "shm": target = demo.path + "-shm"
        case "symlink":
            target = demo.folder.path("store-link.csv")
            try FileManager.default.createSymbolicLink(atPath: target, withDestinationPath: demo.path)
        case "hardlink":
            target = demo.folder.path("store-hardlink.csv")
            try FileManager.default.linkItem(atPath: demo.path, toPath: target)
        default:
            try FileManager.default.createDirectory(atPath: folder + "/sub", withIntermediateDirectories: true)
            target = "sub/../demo.sqlite"
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: demo.path))

        // Refused as it is, and with --force too: the store is never an export's target.
        for force in [[], ["--force"]] {
            let result = try run(backofficeBinary.path, ["export", "stock", "-o", target, "--db", demo.path, "--user", "admin"] + force,
                                 in: folder)

            #expect(result.status == 73, "\(force): \(result.stderr)")
            let reason = name == "symlink" ? "is a symbolic link" : "is the store"
            #expect(result.stderr.contains("\(target) \(reason)"), "\(force): \(result.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: demo.path)) == before, "\(force)")
            #expect(try leftovers(in: folder).isEmpty)
            try expectIntact(demo)
        }
    }

    @Test func givenAnExistingFileWhenExportedWithoutForceThenItIsKeptAndWithForceItIsReplaced() throws {
        let demo = try DemoStore()
        let file = demo.folder.path("items.csv")
        try Data("last month's figures\n".utf8).write(to: URL(fileURLWithPath: file))

        let refused = try demo.run(["export", "items", "-o", file], as: "admin")
        #expect(refused.status == 73, "\(refused.stderr)")
        #expect(refused.stderr.contains("\(file) already exists; pass --force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "last month's figures\n")

        let forced = try demo.run(["export", "items", "-o", file, "--force"], as: "admin")
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == demo.run(["export", "items"], as: "admin").stdout)
        #expect(try leftovers(in: demo.folder.url.path).isEmpty)
    }

    @Test func givenALinkToAnotherFileWhenExportedOntoWithForceThenTheLinkIsNotFollowed() throws {
        let demo = try DemoStore()
        let elsewhere = demo.folder.path("precious.txt"), link = demo.folder.path("out.csv")
        try Data("precious\n".utf8).write(to: URL(fileURLWithPath: elsewhere))
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: elsewhere)

        let result = try demo.run(["export", "items", "-o", link, "--force"], as: "admin")

        #expect(result.status == 73 && result.stderr.contains("symbolic link"), "\(result.stderr)")
        #expect(try String(contentsOfFile: elsewhere, encoding: .utf8) == "precious\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == elsewhere)
    }

    @Test func givenADashWhenExportedThenTheRowsGoToStandardOutputAndNoFileIsMade() throws {
        let demo = try DemoStore()
        let folder = demo.folder.url.path

        let result = try run(backofficeBinary.path, ["export", "items", "-o", "-", "--db", demo.path, "--user", "admin"], in: folder)

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == (try demo.run(["export", "items"], as: "admin").stdout))
        #expect(result.stdout.hasPrefix("sku,"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/-"))
    }

    @Test func givenADashWhenBackedUpThenTheBackupGoesToStandardOutputWholeAndNothingIsLeftBehind() throws {
        let demo = try DemoStore()
        let scratch = demo.folder.path("tmp")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)

        let (process, out, err) = try startBackoffice(["backup", "-", "--db", demo.path, "--user", "admin"], environment: ["TMPDIR": scratch],
                                                      in: demo.folder)
        process.waitUntilExit()

        let said = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "\(said)")
        #expect(said.contains("to standard output") && said.contains("backoffice-digest v1"), "\(said)")
        // What came out is a whole store: it verifies, with the items of the original.
        let verified = try runBackoffice(["verify", "--db", out.path, "--user", "admin"], in: demo.folder)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        let copied = try runBackoffice(["export", "items", "--db", out.path, "--user", "admin"], in: demo.folder).stdout
        let original = try demo.run(["export", "items"], as: "admin").stdout
        #expect(copied.hasPrefix("sku,") && copied == original)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: demo.folder.path("-")))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script"))
    func givenATerminalWhenBackedUpToADashThenItIsRefusedAndNothingIsWritten() throws {
        let demo = try DemoStore()
        let command = "\(backofficeBinary.path) backup - --db \(demo.path) --user admin"

        let terminal = try run("/usr/bin/script", ["-qec", command, "/dev/null"], in: demo.folder.url.path)

        #expect(terminal.stdout.contains("standard output is a terminal"), "\(terminal.stdout)")
        #expect(!terminal.stdout.contains("SQLite format 3"))
    }

    @Test func givenANewFileWhenExportedThenOnlyItsOwnerMayReadIt() throws {
        let demo = try DemoStore()
        let file = demo.folder.path("new.csv")
        #expect(try demo.run(["export", "items", "-o", file], as: "admin").status == 0)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int)
        #expect(mode == 0o600, "mode \(String(mode, radix: 8))")
    }

    // MARK: - The store's own mode

    @Test func givenANewStoreWhenCreatedThenOnlyItsOwnerMayReadIt() throws {
        let folder = TemporaryFolder()
        let store = folder.path("new.sqlite")
        #expect(try runBackoffice(["init", "--db", store], in: folder).status == 0)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: store)[.posixPermissions] as? Int)
        #expect(mode == 0o600, "mode \(String(mode, radix: 8))")
    }

    // MARK: - Item 10: request text on terminals

    @Test func givenRequestTextWithAnEscapeWhenFiledThenItIsRefusedByCharacterAndPosition() throws {
        let demo = try DemoStore()
        let result = try demo.run(["request", "new", "--account", "ACME", "hi \u{1b}]0;pwned\u{7}"], as: "sales")
        #expect(result.status == 65, "\(result.stderr)")
        #expect(result.stderr.contains("U+001B") && result.stderr.contains("at character 4"), "\(result.stderr)")
        #expect(!result.stderr.contains("\u{1b}"))
        #expect(!(try demo.run(["export", "requests"], as: "admin").stdout.contains("pwned")))
        // Several lines are still a question.
        #expect(try demo.run(["request", "new", "--account", "ACME", "Two lines:\n\tfirst\nsecond"], as: "sales").status == 0)
    }

    static let sqlite3 = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }

    /// A demo store where request 1's text was written raw, as a store from before the check may hold it.
    func storeWithAnOldHostileRequest() throws -> DemoStore {
        let demo = try DemoStore()
        let update = try run(Self.sqlite3!, [demo.path, """
            UPDATE requests SET text = 'csi ' || char(155) || '31m rlo ' || char(8238) || 'txt.exe title ' || char(27) || ']0;pwned' || char(7)
            WHERE id = 1
            """], in: demo.folder.url.path)
        precondition(update.status == 0, update.stderr)
        return demo
    }

    @Test(.enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func givenAnOldRequestHoldingC1AndBidiControlsWhenExportedAsJSONThenTheyAreEscapedAndTheValueKept() throws {
        let demo = try storeWithAnOldHostileRequest()
        let expected = "csi \u{9b}31m rlo \u{202e}txt.exe title \u{1b}]0;pwned\u{7}"

        for arguments in [["export", "requests", "--format", "json"], ["request", "list", "--view", "all", "--state", "any", "--json"]] {
            let result = try demo.run(arguments, as: "admin")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("csi \\u009b31m rlo \\u202etxt.exe"), "\(arguments): \(result.stdout.prefix(400))")
            #expect(!result.stdout.unicodeScalars.contains { $0.value == 0x9B || $0.value == 0x202E || $0.value == 0x1B }, "\(arguments)")
            let rows = try #require(result.json as? [[String: Any]], "\(arguments)")
            #expect(rows.contains { $0["text"] as? String == expected }, "\(arguments): the parsed value is unchanged")
        }
    }

    @Test(.enabled(if: sqlite3 != nil, "the sqlite3 shell is not installed"))
    func givenAnOldPriceListCodeHoldingAnEscapeWhenAnAccountIsShownThenTheLineShowsAPlaceholder() throws {
        let demo = try DemoStore()
        let update = try run(Self.sqlite3!, [demo.path, """
            UPDATE price_lists SET code = code || char(27) || ']0;pwned' || char(7)
            WHERE id = (SELECT price_list_id FROM accounts WHERE code = 'ACME')
            """], in: demo.folder.url.path)
        try #require(update.status == 0, "\(update.stderr)")

        let shown = try demo.run(["accounts", "show", "ACME"], as: "admin")

        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("\u{241B}]0;pwned\u{2407}"), "\(shown.stdout)")
        #expect(!shown.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    @Test(.enabled(if: sqlite3 != nil && FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs sqlite3 and script"))
    func givenAnOldHostileRequestWhenExportedAsCSVThenATerminalGetsPlaceholdersAndAFileTheExactText() throws {
        let demo = try storeWithAnOldHostileRequest()
        let command = "\(backofficeBinary.path) export requests --db \(demo.path) --user admin"

        // script(1) runs the export with a pseudo-terminal as its standard output.
        let terminal = try run("/usr/bin/script", ["-qec", command, "/dev/null"], in: demo.folder.url.path)

        #expect(terminal.status == 0, "\(terminal.stderr)")
        #expect(terminal.stdout.contains("title \u{241B}]0;pwned\u{2407}"), "\(terminal.stdout.suffix(300))")
        #expect(!terminal.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x9B || $0.value == 0x202E })

        let file = demo.folder.path("requests.csv")
        #expect(try demo.run(["export", "requests", "-o", file], as: "admin").status == 0)
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("csi \u{9b}31m rlo \u{202e}txt.exe title \u{1b}]0;pwned\u{7}"))
    }
}
