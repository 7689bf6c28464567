import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import Testing

/// Reply templates as the store keeps them, on both engines: managers add, replace and remove them (audited), those
/// who answer list and use them, salespeople do neither, and an answer with one is filled from the same live facts
/// its snapshot keeps.
@Suite("Reply templates in the store")
struct ReplyTemplateStoreTests {
    static let inStock = "We have {available} of {sku} ({stock}); {price} each, {total} for {quantity}."

    @Test(arguments: TestEngine.all)
    func givenAManagerWhenTemplatesAreAddedReplacedAndRemovedThenTheListFollowsAndEachChangeIsAudited(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.addReplyTemplate(name: "in-stock", body: Self.inStock, by: f.manager)
        _ = try await f.store.addReplyTemplate(name: "Ask-Site", body: "Which site should {quantity} go to?", by: f.admin)
        #expect(try await f.store.replyTemplates(by: f.backup).map(\.name) == ["Ask-Site", "in-stock"])

        // The same name in another case is the same template: refused without --replace, changed with it.
        let again = await #expect(throws: Failure.self) {
            _ = try await f.store.addReplyTemplate(name: "IN-STOCK", body: "Other", by: f.manager)
        }
        #expect(again?.kind == .alreadyExists)
        #expect(again?.message == "reply template \"in-stock\" exists: give --replace to change its body")
        let replaced = try await f.store.addReplyTemplate(name: "IN-STOCK", body: "Yes: {available} now.", replace: true, by: f.backup)
        #expect(replaced.name == "in-stock" && replaced.body == "Yes: {available} now." && replaced.updatedBy == "dana")

        let removed = try await f.store.removeReplyTemplate(name: "ask-site", by: f.manager)
        #expect(removed.name == "Ask-Site")
        #expect(try await f.store.replyTemplates(by: f.manager).map(\.name) == ["in-stock"])
        let missing = await #expect(throws: Failure.self) { _ = try await f.store.removeReplyTemplate(name: "ask-site", by: f.manager) }
        #expect(missing?.kind == .notFound)

        let audit = try await f.store.auditLog(limit: 10, by: f.admin).filter { $0.action.hasPrefix("template.") }
        #expect(audit.map(\.action).sorted() == ["template.add", "template.add", "template.remove", "template.replace"])
        let replace = try #require(audit.first { $0.action == "template.replace" })
        #expect(replace.actor == "dana" && replace.entity == "reply template in-stock")
        #expect(replace.before == Self.inStock && replace.after == "Yes: {available} now.")
        #expect(audit.first { $0.action == "template.remove" }?.before == "Which site should {quantity} go to?")
    }

    @Test(arguments: TestEngine.all)
    func givenSalesAndClerksWhenTheyTouchTemplatesThenTheyAreRefusedAndBadOnesAreRefusedBeforeTheStore(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.addReplyTemplate(name: "in-stock", body: Self.inStock, by: f.manager)
        for actor in [f.sales, f.clerk] {
            let listed = await #expect(throws: PermissionDenied.self) { _ = try await f.store.replyTemplates(by: actor) }
            #expect(listed?.permission == .answerRequests)
            let added = await #expect(throws: PermissionDenied.self) {
                _ = try await f.store.addReplyTemplate(name: "mine", body: "Hello", by: actor)
            }
            #expect(added?.message == "permission denied: \(actor.user.name) (\(actor.user.role.rawValue)) may not add or remove reply templates")
            await #expect(throws: PermissionDenied.self) { _ = try await f.store.removeReplyTemplate(name: "in-stock", by: actor) }
        }
        let request = try await f.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 5, text: "5?", priority: .normal,
                                                    by: f.sales)
        let answered = await #expect(throws: PermissionDenied.self) { _ = try await f.store.answer(request.id, template: "in-stock", by: f.sales) }
        #expect(answered?.permission == .answerRequests)

        let unknown = await #expect(throws: Failure.self) {
            _ = try await f.store.addReplyTemplate(name: "cheap", body: "Our {cost} is low", by: f.manager)
        }
        #expect(unknown?.message.hasPrefix("body: cost and margin are never in an answer to sales") == true, "\(String(describing: unknown))")
        await #expect(throws: Failure.self) { _ = try await f.store.addReplyTemplate(name: "bad name", body: "Hi", by: f.manager) }
        await #expect(throws: Failure.self) { _ = try await f.store.addReplyTemplate(name: "esc", body: "a\u{1b}[2Jb", by: f.manager) }
        #expect(try await f.store.replyTemplates(by: f.manager).map(\.name) == ["in-stock"])
        #expect(try await f.store.auditLog(limit: 20, by: f.admin).filter { $0.action.hasPrefix("template.") }.count == 1)
    }

    @Test(arguments: TestEngine.all)
    func givenARequestWhenAnsweredWithATemplateThenTheTextIsFilledFromTheSnapshotItKeeps(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.post(.receipt(quantity: 40, to: "MAIN"), sku: "BOLT-1", reference: "PO-1", by: f.admin)
        _ = try await f.store.post(.receipt(quantity: 7, to: "QUAR"), sku: "BOLT-1", reference: "RMA-1", by: f.admin)
        _ = try await f.store.addReplyTemplate(name: "in-stock", body: Self.inStock, by: f.manager)
        let request = try await f.store.fileRequest(kind: .stock, account: "ACME", sku: "BOLT-1", quantity: 5, text: "5 today?",
                                                    priority: .normal, by: f.sales)

        let (answered, text) = try await f.store.answer(request.id, template: "IN-STOCK", by: f.manager)

        #expect(answered.state == .answered && answered.assignee == "morgan")
        #expect(text == "We have 40 of BOLT-1 (MAIN 40); 1.00 USD each, 5.00 USD for 5.", "\(text)")
        let detail = try await f.store.request(request.id, by: f.sales)
        let event = try #require(detail.events.last)
        #expect(event.action == "answer" && event.text == text)
        let snapshot = try #require(event.snapshot.flatMap(AnswerSnapshot.init(json:)))
        #expect(snapshot.stock?.lines.map(\.location) == ["MAIN"])
        #expect(snapshot.quote?.unitPrice.formatted == "1.00 USD" && snapshot.quote?.cost == nil)

        let none = await #expect(throws: Failure.self) { _ = try await f.store.answer(request.id, template: "nope", by: f.manager) }
        #expect(none?.kind == .notFound && none?.message == "no reply template \"nope\"")
    }

    @Test(arguments: TestEngine.all)
    func givenARequestWithoutAnItemWhenAnsweredWithATemplateThenTheMissingFactsAreSaid(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.addReplyTemplate(name: "in-stock", body: Self.inStock, by: f.manager)
        let request = try await f.store.fileRequest(kind: .other, account: "ACME", sku: nil, quantity: nil, text: "New address?",
                                                    priority: .low, by: f.sales)
        let (_, text) = try await f.store.answer(request.id, template: "in-stock", by: f.manager)
        #expect(text == "We have (no stock) of (no item) ((no stock)); (no price) each, (no price) for (no quantity).")
    }

    @Test(arguments: TestEngine.all)
    func givenTemplatesWhenTheStoreIsCopiedThenTheCopyHasThem(engine: TestEngine) async throws {
        let f = try await StoreFixture.make(engine)
        _ = try await f.store.addReplyTemplate(name: "in-stock", body: Self.inStock, by: f.manager)
        let destination = try await Store.open(path: try engine.newStore(in: f.folder, name: "copy"), mode: .create)
        let report = try await f.store.copy(to: destination, by: f.admin)
        #expect(report.rows.first { $0.table == "request_templates" }?.count == 1)
        let copied = try await destination.replyTemplates(by: Actor(user: try await destination.signIn("morgan"), source: .cli))
        #expect(copied.map(\.name) == ["in-stock"] && copied.first?.body == Self.inStock && copied.first?.updatedBy == "morgan")
        await destination.close()
    }
}
