import BackOfficeCore
import BackOfficeTestSupport
import Foundation
import Testing

/// `request template add|list|remove` and `request answer N --template NAME`, run as the real binary on the demo
/// store (which comes with three templates).
@Suite("request template", .serialized)
struct ReplyTemplateCLITests {
    /// A mistake is one line on standard error with the exit code of its kind.
    static func refused(_ result: CommandResult, _ status: Int32, _ words: String) {
        #expect(result.status == status, "\(result.status): \(result.stderr)")
        #expect(result.stderr.hasPrefix("backoffice: "), "\(result.stderr)")
        #expect(result.stderr.contains(words), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "one line: \(result.stderr)")
    }

    @Test func givenAManagerWhenTemplatesAreAddedListedAndRemovedThenEachStepReadsBackAndEachMistakeIsNamed() throws {
        let demo = try DemoStore()
        let listed = try demo.run(["request", "template", "list", "--json"], as: "manager")
        #expect(listed.status == 0, "\(listed.stderr)")
        let demoNames = try #require(listed.json as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(demoNames == ["facts", "stock-price", "when"])

        let added = try demo.run(["request", "template", "add", "price-only", "--body", "{price} each for {quantity} of {sku}."], as: "manager")
        #expect(added.status == 0 && added.stdout == "reply template price-only added (37 characters)\n", "\(added.stdout)\(added.stderr)")
        Self.refused(try demo.run(["request", "template", "add", "PRICE-ONLY", "--body", "Other"], as: "manager"), 73,
                     "reply template \"price-only\" exists: give --replace to change its body")
        let replaced = try demo.run(["request", "template", "add", "price-only", "--body", "{price} each.", "--replace"], as: "manager")
        #expect(replaced.status == 0 && replaced.stdout.contains("saved"), "\(replaced.stderr)")

        Self.refused(try demo.run(["request", "template", "add", "typo", "--body", "We have {stok}"], as: "manager"), 65,
                     "body: unknown placeholder {stok}; use one of {sku}")
        Self.refused(try demo.run(["request", "template", "add", "cheap", "--body", "Cost is {cost}"], as: "manager"), 65,
                     "cost and margin are never in an answer to sales")
        Self.refused(try demo.run(["request", "template", "add", "evil", "--body", "ring \u{7} \u{1b}]0;pwned"], as: "manager"), 65,
                     "a control character (U+0007)")
        Self.refused(try demo.run(["request", "template", "add", "bad name", "--body", "Hi"], as: "manager"), 65, "name: use letters, digits")
        Self.refused(try demo.run(["request", "template", "add", "both", "--body", "Hi", "--body-file", "x.txt"], as: "manager"), 64,
                     "give the text with --body or --body-file (one of them)")
        Self.refused(try demo.run(["request", "template", "add", "neither"], as: "manager"), 64, "give the text with --body or --body-file")
        Self.refused(try demo.run(["request", "template", "add", "lost", "--body-file", demo.folder.path("none.txt")], as: "manager"), 66,
                     "body-file: cannot read")

        let file = demo.folder.path("body.txt")
        try "Hello {requester},\nwe can promise {promise}.\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try demo.run(["request", "template", "add", "promise", "--body-file", file], as: "manager").status == 0)
        let piped = try runProgram("/bin/sh", ["-c", "printf 'Next receipt: {receipt}' | \"$0\" request template add piped --body-file - --db \"$1\" --user manager",
                                               backofficeBinary.path, demo.path], in: demo.folder)
        #expect(piped.status == 0, "\(piped.stderr)")

        let table = try demo.run(["request", "template", "list"], as: "manager")
        #expect(table.stdout.hasPrefix("NAME "), "\(table.stdout)")
        #expect(table.stdout.contains("promise ") && table.stdout.contains("Hello {requester}, ⏎ we can promise {promise}."), "\(table.stdout)")
        #expect(table.stdout.contains("Next receipt: {receipt}"))

        #expect(try demo.run(["request", "template", "remove", "Price-Only"], as: "manager").stdout == "removed reply template price-only\n")
        Self.refused(try demo.run(["request", "template", "remove", "price-only"], as: "manager"), 66, "no reply template \"price-only\"")
        let after = try #require(try demo.run(["request", "template", "list", "--json"], as: "admin").json as? [[String: Any]])
        #expect(after.compactMap { $0["name"] as? String } == ["facts", "piped", "promise", "stock-price", "when"])
    }

    @Test func givenASalespersonWhenTouchingTemplatesThenEachIsRefusedWithThePermission() throws {
        let demo = try DemoStore()
        Self.refused(try demo.run(["request", "template", "list"], as: "sales"), 77, "permission denied: sales (sales) may not answer requests")
        Self.refused(try demo.run(["request", "template", "add", "mine", "--body", "Hi"], as: "sales"), 77,
                     "may not add or remove reply templates")
        Self.refused(try demo.run(["request", "template", "remove", "stock-price"], as: "clerk"), 77, "may not add or remove reply templates")
    }

    @Test func givenARequestWhenAnsweredWithATemplateThenTheFilledTextIsSentAndKeptWithItsSnapshot() throws {
        let demo = try DemoStore()
        let sku = try demo.firstSKU()
        let filed = try demo.run(["request", "new", "--account", "ACME", "--sku", sku, "--qty", "2", "--json", "Two today?"], as: "sales")
        let id = String(try #require((filed.json as? [String: Any])?["id"] as? Int))

        Self.refused(try demo.run(["request", "answer", id], as: "manager"), 64, "give the answer's text or --template NAME")
        Self.refused(try demo.run(["request", "answer", id, "Yes", "--template", "stock-price"], as: "manager"), 64, "(one of them)")
        Self.refused(try demo.run(["request", "answer", id, "--template", "nope"], as: "manager"), 66, "no reply template \"nope\"")
        Self.refused(try demo.run(["request", "answer", id, "--template", "stock-price"], as: "sales"), 77, "may not answer requests")

        let answered = try demo.run(["request", "answer", id, "--template", "stock-price"], as: "manager")
        #expect(answered.status == 0, "\(answered.stderr)")
        #expect(answered.stdout.hasPrefix("request #\(id) is answered"), "\(answered.stdout)")
        #expect(answered.stdout.contains("  We have ") && answered.stdout.contains(" of \(sku) available now ("), "\(answered.stdout)")
        #expect(answered.stdout.contains(" each for 2, ") && !answered.stdout.contains("{"), "\(answered.stdout)")

        let shown = try #require(try demo.run(["request", "show", id, "--json"], as: "sales").json as? [String: Any])
        let last = try #require((shown["events"] as? [[String: Any]])?.last)
        let text = try #require(last["text"] as? String)
        #expect(answered.stdout.contains("  " + text), "\(text)")
        let json = try #require(last["snapshot"] as? String)
        let snapshot = try #require(AnswerSnapshot(json: json))
        let stock = try #require(snapshot.stock)
        let available = stock.lines.filter(\.sellable).reduce(0) { $0 + $1.position.available }
        #expect(text.hasPrefix("We have \(available) of \(sku)"), "\(text)")
        let price = try #require(snapshot.quote?.unitPrice.formatted)
        #expect(text.contains(price), "\(text)")
    }
}
