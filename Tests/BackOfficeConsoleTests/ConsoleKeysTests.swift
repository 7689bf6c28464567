@testable import BackOfficeConsole
import BackOfficeCore
@testable import BackOfficeStore
import Foundation
import TerminalUI
import Testing

/// The one key table: every mode's keys in it, one meaning per key where the keyboard is, help and hints generated
/// from it, and a key whose action is not possible now saying why.
@Suite("Console keys, help and hints")
struct ConsoleKeysTests {
    // MARK: - The table

    @Test func givenTheKeyTableWhenWalkedThenEveryKeyMeansOneThingInEachContextAndPane() {
        for context in KeyContext.allCases {
            for pane in Pane.allCases {
                var seen: [Key: String] = [:]
                for binding in KeyTable.bindings where binding.contexts.contains(context) && binding.works(in: pane) {
                    for key in binding.keys {
                        // Where there is a text field, a printable character types; the table cannot bind it there.
                        if context.takesTyping, case .character = key { continue }
                        if let earlier = seen[key] {
                            Issue.record("\(key) in \(context) on \(pane) means both \(earlier) and \(binding.description)")
                        }
                        seen[key] = binding.description
                    }
                }
            }
        }
    }

    @Test func givenTheKeyTableWhenWalkedThenEveryBindingHasAKeyThatReachesItInEachOfItsContexts() {
        for binding in KeyTable.bindings {
            for context in binding.contexts {
                let reachable = binding.keys.contains { key in
                    Pane.allCases.contains { KeyTable.binding(for: key, in: context, pane: $0)?.description == binding.description }
                }
                #expect(reachable, "\(binding.description) can never be reached in \(context)")
            }
        }
    }

    @Test func givenTheQueueWhenGAndRAreLookedUpThenGIsTheTopForEveryoneAndRReassigns() {
        for user in [clerk, sales, manager, admin] {
            #expect(KeyTable.command(for: .character("g"), in: .queue, for: user) == .top)
            #expect(KeyTable.command(for: .character("G"), in: .queue, for: user) == .bottom)
        }
        #expect(KeyTable.command(for: .character("r"), in: .queue, for: manager) == .reassign)
        #expect(KeyTable.command(for: .character("r"), in: .queue, for: sales) == nil)
    }

    @Test func givenEachModeWhenItsKeysAreLookedUpThenTheTableHasThem() {
        #expect(KeyTable.binding(for: .control("p"), in: .count, pane: .inventory)?.command == .postCount)
        #expect(KeyTable.binding(for: .control("l"), in: .form, pane: .queue)?.command == .insertFacts)
        #expect(KeyTable.binding(for: .control("s"), in: .form, pane: .pricing)?.command == .submit)
        #expect(KeyTable.binding(for: .enter, in: .picker, pane: .pricing)?.command == .take)
        #expect(KeyTable.binding(for: .escape, in: .search, pane: .inventory)?.command == .clearSearch)
        #expect(KeyTable.binding(for: .enter, in: .commandLine, pane: .queue)?.command == .run)
        #expect(KeyTable.binding(for: .character("y"), in: .question, pane: .queue)?.command == .yes)
        // In a field, a letter types: `q` in the search box is part of the search, not quit.
        #expect(KeyTable.binding(for: .character("q"), in: .search, pane: .inventory) == nil)
        #expect(KeyTable.binding(for: .control("q"), in: .search, pane: .inventory)?.command == .quit)
    }

    // MARK: - Help

    @Test func givenAClerkInInventoryWhenHelpOpensThenTheSearchCountAndFormKeysAreListedWithCtrlP() async throws {
        let console = try await ConsoleFixture.make(user: "clerk", width: 160, height: 48)
        await console.start()
        await console.type("?")

        #expect(console.text.contains("Help · Inventory"))
        for entry in ["Ctrl-P", "post the count", "Searching", "keep the results", "Counting", "Forms", "Ctrl-S",
                      "submit from any field", "Shift-Tab ↑", "Typing", "Ctrl-W", "Questions", "Command line", "receipt"] {
            #expect(console.text.contains(entry), "help lacks \(entry)\n\(console.text)")
        }
        // Manager-only keys and other panes' modes are not there.
        #expect(!console.text.contains("Ctrl-L"))
        #expect(!console.text.contains("Pickers"))
    }

    @Test func givenAManagerInTheQueueWhenHelpOpensThenCtrlLAndReassignAreListedAndGIsFirst() async throws {
        let console = try await ConsoleFixture.make(user: "morgan", width: 160, height: 48)
        await console.start()
        await console.type("3")
        await console.type("?")

        #expect(console.text.contains("Help · Queue"))
        #expect(console.text.contains("Ctrl-L"))
        #expect(console.text.contains("live facts in an answer"))
        #expect(console.grid.lines.contains { $0.range(of: #"[│ ]r +reassign to a manager"#, options: .regularExpression) != nil },
                "\(console.text)")
        #expect(console.grid.lines.contains { $0.range(of: #"[│ ]g Home +first"#, options: .regularExpression) != nil }, "\(console.text)")
        #expect(!console.text.contains("give"))
        #expect(!console.text.contains("Ctrl-P"))
    }

    @Test func givenTheHelpForEachPaneAndRoleWhenDrawnAt160x48ThenEveryEntryFitsOnOneScreen() async throws {
        for user in ["clerk", "morgan", "sam", "admin"] {
            let console = try await ConsoleFixture.make(user: user, width: 160, height: 48)
            await console.start()
            for pane in ["1", "2", "3"] {
                await console.type(pane)
                await console.type("?")
                for entry in Console.helpSections(for: console.state).flatMap(\.entries) {
                    #expect(console.text.contains(entry.description), "\(user) in \(console.state.pane): \(entry.description) is off screen")
                }
                await console.press(.escape)
            }
        }
    }

    @Test func givenASalespersonInPricingWhenHelpOpensThenThePickerKeysAreListed() async throws {
        let console = try await ConsoleFixture.make(user: "sam", width: 160, height: 48)
        await console.start()
        await console.type("2")
        await console.type("?")

        #expect(console.text.contains("Pickers"))
        #expect(console.text.contains("take the match"))
        #expect(console.text.contains("i /"))
        #expect(!console.text.contains("Counting"))
    }

    @Test func givenTheSearchBoxWhenF1IsPressedThenHelpOpensAndEscGoesBackToTheSearch() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("/bo")
        await console.press(.function(1))
        #expect(console.text.contains("Help · Inventory"))
        await console.press(.escape)
        #expect(console.state.inventory.searching)
        await console.type("lt")
        #expect(console.state.inventory.searchField.text == "bolt")
    }

    // MARK: - Hints

    /// The queue at 80x24 for a user, with request #1 (filed by sam for morgan's account) in view where they may see it.
    func queue(for user: String, width: Int = 80, height: Int = 24) async throws -> ConsoleFixture {
        let console = try await ConsoleFixture.make(user: user, width: width, height: height)
        await console.start()
        await console.type("3")
        return console
    }

    /// The hints of what is possible now, before any is left out for want of room.
    func possibleHints(_ console: ConsoleFixture) -> [String] {
        let state = console.state
        return KeyTable.hinted(in: state.keyContext, pane: state.pane, for: state.user)
            .filter { Console.disabledReason($0, in: state.keyContext, state) == nil }
            .compactMap { Console.hintText($0, in: state.keyContext, state) }
    }

    @Test(arguments: ["clerk", "morgan", "sam", "admin"])
    func givenEachRoleInTheQueueAt80x24WhenNothingIsOpenThenEveryPossibleHintShowsWhole(user: String) async throws {
        let console = try await queue(for: user)
        let line = console.messageLine.trimmingCharacters(in: .whitespaces)

        #expect(TextWidth.of(line) <= 78)
        for hint in possibleHints(console) {
            #expect(line.contains(hint), "\(user): \(hint) is missing from \(line)")
        }
        #expect(line.hasPrefix("? help"))
    }

    @Test func givenANewRequestWhenItsManagerLooksAtTheQueueThenTheHintsAreItsPossibleActions() async throws {
        let console = try await queue(for: "morgan")
        let line = console.messageLine

        for hint in ["c claim", "a answer", "w ask back", "x close", "r reassign"] { #expect(line.contains(hint), "\(line)") }
        // Not possible on a new request, or not for a manager who did not file it.
        #expect(!line.contains("o reopen"))
        #expect(!line.contains("y reply"))
    }

    @Test func givenTheSalespersonWhoFiledARequestWhenTheQueueOpensThenOnlyTheirActionsAreHinted() async throws {
        let console = try await queue(for: "sam")
        let line = console.messageLine

        #expect(line.contains("x close"))
        #expect(line.contains("n ask"))
        #expect(!line.contains("claim") && !line.contains("answer") && !line.contains("reassign"))
    }

    @Test(arguments: ["clerk", "morgan", "sam", "admin"])
    func givenEachRoleInEveryPaneAt80x24ThenTheHintLineIsWholeHintsWithinTheWidth(user: String) async throws {
        let console = try await ConsoleFixture.make(user: user)
        await console.start()
        for pane in ["1", "2", "3"] {
            await console.type(pane)
            let line = console.messageLine.trimmingCharacters(in: .whitespaces)
            #expect(TextWidth.of(line) <= 78)
            let shown = line.components(separatedBy: KeyTable.paneHintSeparator)
            let possible = possibleHints(console)
            for hint in shown { #expect(possible.contains(hint), "\(user): '\(hint)' is cut or not possible in \(line)") }
        }
    }

    @Test(arguments: ["clerk", "morgan", "sam", "admin"])
    func givenEachRoleInPricingAt80x24ThenEveryHintAndTheWholeEmptyStateShow(user: String) async throws {
        let console = try await ConsoleFixture.make(user: user)
        await console.start()
        await console.type("2")

        let line = console.messageLine
        for hint in possibleHints(console) { #expect(line.contains(hint), "\(user): \(hint) is missing from \(line)") }
        let start = try #require(console.find("Choose an account and an item"), "\(console.text)")
        let lines = (start.y..<console.grid.height - 2).map { console.row($0).trimmingCharacters(in: .whitespaces) }
        let paragraph = lines.prefix { !$0.isEmpty }.joined(separator: " ")
        #expect(paragraph == "Choose an account and an item to see the price, how it was reached, and the stock to sell from.")
        for row in start.y..<start.y + 2 { #expect(TextWidth.of(console.row(row).trimmingCharacters(in: .whitespaces)) <= 78) }
    }

    @Test func givenPricingAt160x48ThenTheEmptyStateIsOneLine() async throws {
        let console = try await ConsoleFixture.make(user: "sam", width: 160, height: 48)
        await console.start()
        await console.type("2")
        #expect(console.text.contains("Choose an account and an item to see the price, how it was reached, and the stock to sell from."))
    }

    @Test func givenAFormWhenItsFieldsAreVisitedThenEnterNamesWhatItDoesThere() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        await console.start()
        await console.type("r")
        #expect(console.messageLine.contains("Enter next field · Ctrl-S post · Esc cancel"), "\(console.messageLine)")
        await console.press(.tab, .tab)
        #expect(console.messageLine.contains("Enter post · Esc cancel"), "\(console.messageLine)")
        #expect(!console.messageLine.contains("Ctrl-S"))
    }

    @Test func givenAManagerAnsweringWhenTheFormIsOpenThenCtrlLIsHintedAndInAnotherFormItSaysWhyNot() async throws {
        let console = try await queue(for: "morgan")
        await console.type("a")
        #expect(console.messageLine.contains("Ctrl-L live facts"), "\(console.messageLine)")
        await console.press(.escape)

        await console.type("w")
        #expect(!console.messageLine.contains("Ctrl-L"))
        await console.press(.control("l"))
        #expect(console.messageLine.contains("Ctrl-L inserts live stock and price into an answer"), "\(console.messageLine)")
        let form = try #require({ if case .form(let form) = console.state.modal { return form } else { return nil } }())
        #expect(form.form.values[0].isEmpty)
    }

    // MARK: - Why not

    @Test func givenAnAnsweredRequestWhenItsManagerPressesClaimThenTheQueueSaysWhyInCoresWords() async throws {
        let console = try await queue(for: "morgan")
        await console.runtime.checkForChanges(force: true)
        // The manager answers from another session.
        let other = try await Store.open(path: console.path)
        let morgan = Actor(user: try await other.signIn("morgan"), source: .cli)
        _ = try await other.act(on: 1, .answer, text: "Yes, 30 by Friday.", by: morgan)
        await other.close()
        await console.runtime.checkForChanges(force: true)
        console.runtime.render(on: console.screen)
        #expect(console.messageLine.contains("o reopen"), "\(console.messageLine)")
        #expect(!console.messageLine.contains("c claim"))

        await console.type("c")

        #expect(console.messageLine.contains("request 1 is answered: cannot claim it"), "\(console.messageLine)")
        #expect(console.grid.role(x: 1, y: 22) == .error)
        #expect(try await console.store.request(1, by: console.admin).request.state == .answered)
    }

    @Test func givenASalespersonWhenPressingAManagersKeyThenThePermissionIsNamed() async throws {
        let console = try await queue(for: "sam")
        await console.type("c")
        #expect(console.messageLine.contains("permission denied: sam (sales) may not answer requests"), "\(console.messageLine)")
        await console.type("1")
        await console.type("r")
        #expect(console.messageLine.contains("may not post stock movements"), "\(console.messageLine)")
        #expect(console.state.modal == nil)
    }

    @Test func givenAnInactiveItemWhenAReceiptIsAskedForThenTheLedgersRuleSaysWhyAndNoFormOpens() async throws {
        let console = try await ConsoleFixture.make(user: "clerk")
        _ = try await console.store.editItem(sku: "BOLT-1", Store.ItemChanges(active: false), by: console.admin)
        await console.start()
        #expect(!console.messageLine.contains("r receipt"), "\(console.messageLine)")
        #expect(console.messageLine.contains("a adjust"))

        await console.type("r")

        #expect(console.messageLine.contains("item BOLT-1 is inactive"), "\(console.messageLine)")
        #expect(console.state.modal == nil)
    }

    @Test func givenAPostedCountWhenCtrlPIsPressedAgainThenItSaysTheCountIsPosted() async throws {
        let console = try await ConsoleFixture.make(user: "clerk", width: 100, height: 30)
        await console.start()
        await console.type("C")
        await console.press(.control("s"))
        await console.type("BOLT-1")
        await console.press(.enter)
        #expect(console.messageLine.contains("Ctrl-P post"), "\(console.messageLine)")
        await console.press(.control("p"))
        await console.type("y")
        #expect(console.messageLine.contains("count 1 posted"))

        await console.press(.control("p"))

        #expect(console.messageLine.contains("count 1 is already posted"), "\(console.messageLine)")
        #expect(console.state.modal == nil)
    }
}
