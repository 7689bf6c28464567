@testable import BackOfficeConsole
import BackOfficeCore
@testable import BackOfficeStore
import BackOfficeTestSupport
import Foundation
import TerminalUI
import Testing

/// Reply templates in the console: `t` in the Queue answers with one, Ctrl-T puts one into the answer being written;
/// both filled from the request's live facts.
@Suite("Reply templates in the console", .serialized)
struct ReplyTemplateConsoleTests {
    static let inStock = "We have {available} of {sku} ({stock}); {price} each for {quantity}."
    /// What `inStock` reads for the fixture's request #1 (sam asks for 30 BOLT-1 for ACME; 100 at MAIN, 5 in QUAR).
    static let inStockFilled = "We have 100 of BOLT-1 (MAIN 100); 1.00 USD each for 30."

    /// Morgan's Queue at 80x24 with two templates in the store, request #1 in view.
    func queue(templates: Bool = true, user: String = "morgan") async throws -> ConsoleFixture {
        let console = try await ConsoleFixture.make(user: user)
        let morgan = Actor(user: try await console.store.signIn("morgan"), source: .cli)
        if templates {
            _ = try await console.store.addReplyTemplate(name: "in-stock", body: Self.inStock, by: morgan)
            _ = try await console.store.addReplyTemplate(name: "ask-site", body: "Which site should the\n{quantity} go to?", by: morgan)
        }
        await console.start()
        await console.type("3")
        return console
    }

    func answerForm(_ console: ConsoleFixture) throws -> ActionForm {
        try #require({ if case .form(let form) = console.state.modal { return form } else { return nil } }(), "\(console.text)")
    }

    @Test func givenTemplatesWhenAManagerPressesTPicksOneAndSendsThenTheRequestIsAnsweredWithTheFilledText() async throws {
        let console = try await queue()
        #expect(console.messageLine.contains("t template"), "\(console.messageLine)")
        #expect(TextWidth.of(console.messageLine.trimmingCharacters(in: .whitespaces)) <= 78)

        await console.type("t")

        #expect(console.text.contains("Reply template for #1"), "\(console.text)")
        #expect(console.text.contains("ask-site") && console.text.contains("in-stock"))
        #expect(console.text.contains("Which site should the {quantity} go to?"), "a body's line break is a space in the list")
        await console.type("stock")
        guard case .picker(let picker) = console.state.modal else { Issue.record("no picker"); return }
        #expect(picker.choices.map(\.code) == ["in-stock"])
        await console.press(.enter)

        let form = try answerForm(console)
        #expect(form.title == "Answer #1")
        #expect(form.form.values[0] == Self.inStockFilled)
        await console.press(.control("s"))

        #expect(console.state.modal == nil)
        #expect(console.messageLine.contains("request #1 answered"), "\(console.messageLine)")
        let detail = try await console.store.request(1, by: console.admin)
        #expect(detail.request.state == .answered)
        #expect(detail.events.last?.action == "answer" && detail.events.last?.text == Self.inStockFilled)
    }

    @Test func givenAnAnswerBeingTypedWhenCtrlTInsertsATemplateThenItGoesInAtTheCursorAndABareTTypes() async throws {
        let console = try await queue()
        await console.type("a")
        #expect(console.messageLine.contains("Ctrl-T template"), "\(console.messageLine)")
        await console.type("Hi sam,")
        // Esc in the picker goes back to the answer as it was.
        await console.press(.control("t"))
        #expect(console.text.contains("Reply template for #1"))
        await console.press(.escape)
        #expect(try answerForm(console).form.values[0] == "Hi sam,")

        await console.press(.control("t"))
        await console.press(.down, .enter)

        #expect(try answerForm(console).form.values[0] == "Hi sam, " + Self.inStockFilled)
        await console.type(" Best, morgan (t)")
        let text = try answerForm(console).form.values[0]
        #expect(text == "Hi sam, \(Self.inStockFilled) Best, morgan (t)")
        await console.press(.control("s"))
        #expect(try await console.store.request(1, by: console.admin).events.last?.text == text)
    }

    @Test func givenATemplateWithALineBreakWhenChosenThenTheOneLineAnswerHasASpace() async throws {
        let console = try await queue()
        await console.type("t")
        await console.press(.enter)  // ask-site, first by name
        #expect(try answerForm(console).form.values[0] == "Which site should the 30 go to?")
    }

    @Test func givenNoTemplatesWhenTIsPressedThenTheQueueSaysHowToAddOneAndNoHintOffersIt() async throws {
        let console = try await queue(templates: false)
        #expect(!console.messageLine.contains("t template"), "\(console.messageLine)")

        await console.type("t")

        #expect(console.state.modal == nil)
        #expect(console.messageLine.contains("no reply templates: add one with `backoffice request template add`"), "\(console.messageLine)")
        await console.type("a")
        await console.press(.control("t"))
        #expect(console.messageLine.contains("no reply templates: add one with"), "\(console.messageLine)")
        #expect(try answerForm(console).form.values[0].isEmpty)
    }

    @Test func givenTemplatesWhenASalespersonPressesTThenThePermissionIsNamed() async throws {
        let console = try await queue(user: "sam")
        #expect(!console.messageLine.contains("template"))
        await console.type("t")
        #expect(console.messageLine.contains("permission denied: sam (sales) may not answer requests"), "\(console.messageLine)")
        #expect(console.state.modal == nil)
    }

    @Test func givenAManagerWhenHelpOpensInTheQueueThenTAndCtrlTAreListed() async throws {
        let console = try await ConsoleFixture.make(user: "morgan", width: 160, height: 48)
        await console.start()
        await console.type("3")
        await console.type("?")
        #expect(console.text.contains("answer with a reply template"), "\(console.text)")
        #expect(console.text.contains("Ctrl-T") && console.text.contains("a reply template in an answer"), "\(console.text)")
    }

    @Test func givenTheKeyTableWhenTAndCtrlTAreLookedUpThenTheyAreTheTemplateCommandsOnlyInTheQueue() {
        #expect(KeyTable.binding(for: .character("t"), in: .pane, pane: .queue)?.command == .answerWithTemplate)
        #expect(KeyTable.binding(for: .character("t"), in: .pane, pane: .inventory)?.command == .transfer)
        #expect(KeyTable.binding(for: .control("t"), in: .form, pane: .queue)?.command == .insertTemplate)
        // In a form a printable t types: the table binds nothing to it there.
        #expect(KeyTable.binding(for: .character("t"), in: .form, pane: .queue) == nil)
        #expect(KeyTable.binding(for: .enter, in: .picker, pane: .queue)?.command == .take)
    }
}
