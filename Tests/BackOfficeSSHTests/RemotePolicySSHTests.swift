import BackOfficeTestSupport
import Foundation
import Testing

/// What a remote user may run, over the real OpenSSH client. OpenSSH cannot send a NUL (its arguments are C strings),
/// so the NUL case is in `RemotePolicyTests`; C0 and C1 controls do cross, and are refused the same way.
extension SSHServerTests {
    /// Registers a key for the demo company's manager on a running server.
    func addManagerKey(_ server: Server) throws {
        try Server.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "manager@test", "-f", server.folder.path("id_manager")])
        let added = try server.local(["--user", "admin", "users", "key", "add", "manager", server.folder.path("id_manager.pub")])
        guard added.status == 0 else { throw Failed("key add: \(added.stderr)") }
    }

    @Test func givenAManagerWhenHelpFollowsDashDashOverSSHThenTheCommandIsRefusedAndNoPriceListIsCreated() throws {
        let server = try Server()
        try addManagerKey(server)
        let before = try server.local(["--user", "admin", "prices", "lists"])
        #expect(before.status == 0 && before.stdout.contains("KEY"), "\(before.stderr)")

        let sneaked = try server.ssh("manager", ["prices", "add-list", "--default", "--", "--help"])
        #expect(sneaked.status == 77)
        #expect(sneaked.stderr.hasPrefix("backoffice: manager may not run `prices add-list` over SSH"), "\(sneaked.stderr)")
        #expect(sneaked.stderr.split(separator: "\n").count == 1)
        let after = try server.local(["--user", "admin", "prices", "lists"])
        #expect(after.stdout == before.stdout)
        #expect(!after.stdout.contains("--HELP"))

        // The help of a command the manager may run is still there.
        let help = try server.ssh("manager", ["prices", "lists", "--help"])
        #expect(help.status == 0, "\(help.stderr)")
        #expect(help.stdout.contains("USAGE: backoffice prices lists"), "\(help.stdout)")
    }

    @Test func givenControlCharactersInAnExecCommandWhenSentOverSSHThenItIsRefusedWithOneLineNamingTheWord() throws {
        let server = try Server()
        let sku = try firstSKU(server)

        let startOfHeading = try server.ssh("sales", ["price \(sku) --account ACME --qty 10 --user\u{1} admin"])
        #expect(startOfHeading.status == 64)
        #expect(startOfHeading.stderr == "backoffice: the command holds a control character (U+0001) in word 7\n")

        let titleEscape = try server.ssh("sales", ["stock '\(sku)\u{1B}]0;owned\u{7}'"])
        #expect(titleEscape.status == 64)
        #expect(titleEscape.stderr == "backoffice: the command holds a control character (U+001B) in word 2\n")
        #expect(titleEscape.stdout.isEmpty)

        let c1 = try server.ssh("sales", ["stock \(sku)\u{9B}2J"])
        #expect(c1.status == 64)
        #expect(c1.stderr == "backoffice: the command holds a control character (U+009B) in word 2\n")
        #expect(server.serverLog.contains("refused `stock \(sku)"), "\(server.serverLog)")
    }
}
