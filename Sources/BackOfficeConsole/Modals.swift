import BackOfficeCore
import Foundation
import TerminalUI

/// Commands while a window over the pane has the keyboard: help, the command line, a form, a question, a picker. A
/// window takes every key; none leaks to the pane below.
enum Modals {
    static func run(_ command: ConsoleCommand, key: Key, in context: KeyContext, _ state: inout ConsoleState) -> [ConsoleEffect] {
        if command == .quit { return Console.quit(&state) }
        if command == .editText { return type(key, &state) }
        guard let modal = state.modal else { return [] }
        switch modal {
        case .help(var help):
            let scroll: HelpView.Scroll
            switch command {
            case .closeHelp:
                state.modal = nil
                return []
            case .moveUp: scroll = .lineUp
            case .moveDown: scroll = .lineDown
            case .pageUp: scroll = .pageUp
            case .pageDown: scroll = .pageDown
            case .top: scroll = .top
            case .bottom: scroll = .bottom
            default: return []
            }
            _ = help.scroll(scroll)
            state.modal = .help(help)
            return []
        case .commandLine(let field):
            switch command {
            case .cancel:
                state.modal = nil
                return []
            case .run:
                state.modal = nil
                return runCommandLine(field.text, &state)
            default:
                return []
            }
        case .confirm(var dialog, let then):
            guard let action = questionAction(command) else { return [] }
            switch dialog.perform(action) {
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
            return runForm(command, form, &state)
        case .picker(let picker) where picker.kind == .template:
            return ReplyTemplates.run(command, picker, &state)
        case .picker(let picker):
            if case .view = picker.kind { return ListViews.run(command, picker, &state) }
            return Pricing.runPicker(command, picker, &state)
        }
    }

    /// A question's answer for a command, if it is one.
    static func questionAction(_ command: ConsoleCommand) -> ConfirmDialog.Action? {
        switch command {
        case .yes: .confirm
        case .no: .decline
        case .chooseButton: .choose
        case .switchButton: .switchButton
        default: nil
        }
    }

    /// A character or an editing key for the text field of the window on screen.
    static func type(_ key: Key, _ state: inout ConsoleState) -> [ConsoleEffect] {
        switch state.modal {
        case .commandLine(var field):
            _ = field.handle(key)
            state.modal = .commandLine(field)
            return []
        case .form(var form) where form.discarding == nil:
            _ = form.form.edit(key)
            state.modal = .form(form)
            return []
        case .picker(let picker) where picker.kind == .template:
            return ReplyTemplates.type(key, picker, &state)
        case .picker(let picker):
            if case .view = picker.kind { return ListViews.type(key, picker, &state) }
            return Pricing.typeInPicker(key, picker, &state)
        default:
            return []
        }
    }

    static func runForm(_ command: ConsoleCommand, _ form: ActionForm, _ state: inout ConsoleState) -> [ConsoleEffect] {
        var form = form
        if var dialog = form.discarding {
            guard let action = questionAction(command) else { return [] }
            switch dialog.perform(action) {
            case .confirmed:
                state.modal = nil
                if form.quitsOnDiscard {
                    state.quitting = true
                    return [.quit]
                }
                state.message = .info("\(form.title): nothing was posted")
            case .declined:
                form.discarding = nil
                form.quitsOnDiscard = false
                state.modal = .form(form)
            case .handled, .ignored:
                form.discarding = dialog
                state.modal = .form(form)
            }
            return []
        }
        let action: Form.Action
        switch command {
        case .insertFacts:
            guard case .act(let id, .answer) = form.purpose, let request = QueuePane.request(id, in: state) else { return [] }
            return [.answerFacts(request)]
        case .insertTemplate:
            return ReplyTemplates.open(from: form, &state)
        case .nextField: action = .nextField
        case .previousField: action = .previousField
        case .advance: action = .advance
        case .submit: action = .submit
        case .cancel: action = .cancel
        default: return []
        }
        switch form.form.perform(action) {
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
            return effects + ReplyTemplates.load(state)
        }
    }
}
