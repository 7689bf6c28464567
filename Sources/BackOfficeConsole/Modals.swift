import BackOfficeCore
import Foundation
import TerminalUI

/// Keys while a modal has the keyboard: help, the command line, a form, a question, a picker. A modal takes every key;
/// none leaks to the pane below.
enum Modals {
    static func handle(_ key: Key, _ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let modal = state.modal else { return [] }
        switch modal {
        case .help(var help):
            if help.handle(key) == .close { state.modal = nil } else { state.modal = .help(help) }
            return []
        case .commandLine(var field):
            switch key {
            case .escape:
                state.modal = nil
                return []
            case .enter:
                state.modal = nil
                return runCommandLine(field.text, &state)
            default:
                _ = field.handle(key)
                state.modal = .commandLine(field)
                return []
            }
        case .confirm(var dialog, let then):
            switch dialog.handle(key) {
            case .confirmed:
                state.modal = nil
                if case .quit = then { state.quitting = true }
                return [then]
            case .declined:
                state.modal = nil
                state.message = .info("nothing was changed")
                return []
            case .handled, .ignored:
                state.modal = .confirm(dialog, then: then)
                return []
            }
        case .form(let form):
            return handleForm(key, form, &state)
        case .picker(let picker):
            return Pricing.handlePickerKey(key, picker, &state)
        }
    }

    static func handleForm(_ key: Key, _ form: ActionForm, _ state: inout ConsoleState) -> [ConsoleEffect] {
        var form = form
        if var dialog = form.discarding {
            switch dialog.handle(key) {
            case .confirmed:
                state.modal = nil
                state.message = .info("\(form.title): nothing was posted")
            case .declined:
                form.discarding = nil
                state.modal = .form(form)
            case .handled, .ignored:
                form.discarding = dialog
                state.modal = .form(form)
            }
            return []
        }
        if key == .control("l"), case .act(let id, .answer) = form.purpose {
            state.modal = .form(form)
            guard let request = QueuePane.request(id, in: state) else { return [] }
            return [.answerFacts(request)]
        }
        switch form.form.handle(key) {
        case .cancel:
            if form.form.isDirty {
                form.discarding = ConfirmDialog(title: "Discard", message: ["Throw away what you typed in \(form.title)?"],
                                                confirmLabel: "Discard", cancelLabel: "Keep editing", defaultButton: .cancel)
                state.modal = .form(form)
            } else {
                state.modal = nil
            }
            return []
        case .invalid:
            state.modal = .form(form)
            state.message = .error("\(form.title): \(form.form.fields.compactMap(\.error).first ?? "check the fields")")
            return []
        case .submit:
            state.message = .empty
            return submit(form, &state)
        case .handled, .ignored:
            state.modal = .form(form)
            return []
        }
    }

    static func submit(_ form: ActionForm, _ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let submission = ActionForms.submission(form, query: state.inventory.query) else {
            state.modal = nil
            return []
        }
        switch submission {
        case .confirm(let dialog, let effect):
            state.modal = .confirm(dialog, then: effect)
            return []
        case .run(let effect):
            state.modal = nil
            return [effect]
        case .filter(let query):
            state.modal = nil
            state.inventory.query = query
            return Inventory.reload(&state)
        case .quantity(let quantity):
            state.modal = nil
            state.pricing.quantity = quantity
            return Pricing.requote(&state)
        case .date(let day):
            state.modal = nil
            state.pricing.date = day
            return Pricing.requote(&state)
        }
    }

    /// `:stock SKU`, `:price SKU ACCOUNT QTY`, `:atp SKU QTY`, `:req N`, `:q`.
    static func runCommandLine(_ line: String, _ state: inout ConsoleState) -> [ConsoleEffect] {
        switch FastPath.parse(line) {
        case .failure(let failure):
            state.message = .error(failure.message)
            return []
        case .success(.quit):
            return Console.quit(&state)
        case .success(.stock(let text)):
            state.pane = .inventory
            return Inventory.search(for: text, &state)
        case .success(.price(let sku, let account, let quantity)):
            guard state.user.may(.viewPrices) else {
                state.message = .error("\(state.user.name) (\(state.user.role.rawValue)) may not view prices")
                return []
            }
            return [.choosePricing(sku: sku, account: account, quantity: quantity)]
        case .success(.promise(let sku, let quantity)):
            state.pane = .inventory
            return Inventory.search(for: sku, &state) + [.promise(sku: sku, quantity: quantity)]
        case .success(.request(let id)):
            state.pane = .queue
            state.queue.detailPinned = true
            var effects: [ConsoleEffect] = [.loadRequest(id)]
            if state.queue.list.window.rows.isEmpty {
                effects = QueuePane.reload(&state) + effects
                state.queue.detailPinned = true
            }
            return effects
        }
    }
}
