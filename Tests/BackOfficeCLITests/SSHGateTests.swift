import BackOfficeCore
import BackOfficeTestSupport
@testable import backoffice
import Foundation
import Testing

/// `backoffice ssh-gate` as sshd runs it from authorized_keys, with the command in SSH_ORIGINAL_COMMAND; and the
/// check a session's own process makes again before it runs what it parsed.
@Suite("ssh-gate and the session's own check", .serialized)
struct SSHGateTests {
    func gate(_ demo: DemoStore, as user: String, _ command: String) throws -> CommandResult {
        try runBackoffice(["ssh-gate", "--user", user, "--db", demo.path], environment: ["SSH_ORIGINAL_COMMAND": command], in: demo.folder)
    }

    /// The binary run as an SSH session's process: store, user and key handed over in the environment.
    func session(_ demo: DemoStore, as user: String, _ arguments: [String]) throws -> CommandResult {
        try runBackoffice(arguments, environment: RemoteAccess.Handoff.environment(store: demo.path, user: user, key: "SHA256:test"),
                          in: demo.folder)
    }

    func priceLists(_ demo: DemoStore) throws -> String {
        let lists = try demo.run(["prices", "lists"], as: "admin")
        guard lists.status == 0, lists.stdout.contains("KEY") else { throw Failure(.storeFailure, "prices lists: \(lists.stderr)") }
        return lists.stdout
    }

    @Test func givenAManagerWhenHelpFollowsDashDashThenTheGateRefusesAndNoPriceListIsCreated() throws {
        let demo = try DemoStore()
        let before = try priceLists(demo)
        let sneaked = try gate(demo, as: "manager", "prices add-list --default -- --help")
        #expect(sneaked.status == 77)
        #expect(sneaked.stderr.hasPrefix("backoffice: manager may not run `prices add-list` over SSH"), "\(sneaked.stderr)")
        #expect(try priceLists(demo) == before)
    }

    @Test func givenControlCharactersOrTheFixedOptionsThenTheGateRefusesWithOneLine() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let control = try gate(demo, as: "sales", "price \(sku) --account ACME --qty 10 --user\u{1} admin")
        #expect(control.status == 64)
        #expect(control.stderr == "backoffice: the command holds a control character (U+0001) in word 7\n")

        let user = try gate(demo, as: "sales", "price \(sku) --account ACME --qty 10 --user=admin")
        #expect(user.status == 77)
        #expect(user.stderr == "backoffice: --user is fixed by the server over SSH\n")
        #expect(user.stdout.isEmpty)

        let store = try gate(demo, as: "admin", "--db /tmp/elsewhere.sqlite verify")
        #expect(store.status == 77)
        #expect(store.stderr == "backoffice: --db is fixed by the server over SSH\n")
    }

    @Test func givenAnAllowedCommandWhenPassedThroughTheGateThenItRunsAsTheKeysUser() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let answer = try gate(demo, as: "sales", "stock '\(sku)' --json")
        #expect(answer.status == 0, "\(answer.stderr)")
        #expect(answer.stdout == (try demo.run(["stock", sku, "--json"], as: "sales")).stdout)
        #expect(!answer.stdout.isEmpty)
    }

    @Test func givenASessionsProcessWhenItParsesTheFixedOptionsOrAnotherRolesCommandThenItRefusesBeforeRunning() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let before = try priceLists(demo)

        let user = try session(demo, as: "sales", ["price", sku, "--account", "ACME", "--qty", "10", "--user", "admin"])
        #expect(user.status == 77)
        #expect(user.stderr == "backoffice: --user is fixed by the server over SSH\n")
        #expect(!user.stdout.contains("cost"))

        let sneaked = try session(demo, as: "manager", ["prices", "add-list", "--default", "--", "--help"])
        #expect(sneaked.status == 77)
        #expect(sneaked.stderr.hasPrefix("backoffice: manager may not run `prices add-list` over SSH"), "\(sneaked.stderr)")
        #expect(try priceLists(demo) == before)

        let receipt = try session(demo, as: "sales", ["move", "receipt", sku, "1", "--to", "MAIN"])
        #expect(receipt.status == 77)
        #expect(receipt.stderr.hasPrefix("backoffice: sales may not run `move receipt` over SSH"))

        let allowed = try session(demo, as: "sales", ["stock", sku, "--json"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        // The console is what a session without a command runs: allowed, and here it needs the terminal it lacks.
        let console = try session(demo, as: "sales", ["console"])
        #expect(console.stderr.contains("must be a terminal"), "\(console.stderr)")
    }

    @Test func givenRandomCommandLinesThroughTheGateThenEachRefusalIsTheGatesOneLineAndNothingElseRuns() throws {
        let demo = try DemoStore()
        let audit = try demo.run(["audit", "--json", "--limit", "1000"], as: "admin").stdout
        #expect(audit.contains("\"action\""))
        let sales = (RemoteAccess.commands[.sales] ?? []).sorted()
        let others = RemoteAccess.commands.values.flatMap { $0 }.filter { !sales.contains($0) }.sorted()
        var random = SeededRandom(seed: 10)
        var refused = 0
        for _ in 0..<40 {
            // Environment variables cannot hold a NUL; every other byte can reach the gate.
            let line = CommandLineFuzz.line(starts: others + ["stock", "price", "hold add"], tokens: CommandLineFuzz.attackTokens,
                                            random: &random).filter { $0 != "\u{0}" }
            let result = try gate(demo, as: "sales", line)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            do throws(Failure) {
                try RemotePolicy.check(try RemoteAccess.words(trimmed), role: .sales)
            } catch {
                #expect(result.status == error.kind.exitCode, "\(line.debugDescription): \(result.stderr)")
                #expect(result.stderr == "backoffice: \(Sanitize.forTerminal(error.message))\n", "\(line.debugDescription)")
                #expect(result.stdout.isEmpty)
                refused += 1
            }
        }
        #expect(refused > 20)
        // Nothing the gate refused (nor anything a salesperson may run with these words) changed the store.
        #expect(try demo.run(["audit", "--json", "--limit", "1000"], as: "admin").stdout == audit)
    }
}
