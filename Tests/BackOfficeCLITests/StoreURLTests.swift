import BackOfficeTestSupport
import Foundation
import Testing

/// `--db` and `BACKOFFICE_DB` take a postgres:// URL, which is never taken for a file path and whose password is never
/// printed back.
@Suite("A store URL is not a file path")
struct StoreURLTests {
    // Nothing listens on port 1: the server is unreachable at once, and the command says so in one line.
    @Test(arguments: [["--db", "postgresql://bo:s3cret@127.0.0.1:1/backoffice"], ["--db=postgres://bo:s3cret@127.0.0.1:1/backoffice"]])
    func givenAPostgresURLWhenACommandRunsThenNoFolderIsMadeAndThePasswordIsNotShown(_ db: [String]) throws {
        let folder = TemporaryFolder()
        let result = try runBackoffice(db + ["--user", "admin", "stock", "ANY-1"], in: folder, workingDirectory: folder.path(""))
        #expect(result.status == 74, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("backoffice: cannot reach the store at postgres://bo@127.0.0.1:1/backoffice: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!(result.stdout + result.stderr).contains("s3cret"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("postgresql:")))
        #expect(!FileManager.default.fileExists(atPath: folder.path("postgres:")))
    }

    @Test(arguments: [["init"], ["restore", "backup.sqlite"]])
    func givenAnUnreachablePostgresURLInTheEnvironmentWhenInitOrRestoreRunsThenNothingIsWritten(_ command: [String]) throws {
        let folder = TemporaryFolder()
        let result = try runBackoffice(command, environment: ["BACKOFFICE_DB": "postgresql://bo:s3cret@127.0.0.1:1/backoffice",
                                                             "BACKOFFICE_USER": "admin"],
                                       in: folder, workingDirectory: folder.path(""))
        // init cannot reach the server; restore replaces SQLite files only.
        #expect(result.status == (command == ["init"] ? 74 : 64), "\(result.stderr)")
        #expect(!result.stderr.contains("s3cret"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path("postgresql:")))
    }

    @Test func givenAnotherSchemeWhenACommandRunsThenItIsRefusedAsNotAStore() throws {
        let folder = TemporaryFolder()
        let result = try runBackoffice(["--db", "mysql://bo:pw@db/x", "--user", "admin", "stock", "ANY-1"], in: folder,
                                       workingDirectory: folder.path(""))
        #expect(result.status == 64)
        #expect(result.stderr == "backoffice: --db mysql://…: a store is a file path or a postgres:// URL\n")
    }
}
