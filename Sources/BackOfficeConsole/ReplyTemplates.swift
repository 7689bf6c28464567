import BackOfficeCore
import Foundation
import TerminalUI

/// Reply templates in the Queue: `t` answers the request in view with one, Ctrl-T puts one into the answer being
/// written. Both open a picker of the templates; the one taken is filled from the request's live facts (the answer
/// basis Ctrl-L inserts) by Core, then goes into the answer's text.
enum ReplyTemplates {
    static let noTemplates = "no reply templates: add one with `backoffice request template add`"

    /// Reads the templates, for users who answer (the Queue shows, or something changed).
    static func load(_ state: ConsoleState) -> [ConsoleEffect] {
        state.user.may(.answerRequests) ? [.loadTemplates] : []
    }

    /// Why `t` or Ctrl-T cannot run now, or nil.
    static func refusal(_ command: ConsoleCommand, key: Key, _ state: ConsoleState) -> String? {
        if command == .insertTemplate {
            guard case .form(let form) = state.modal, case .act(_, .answer) = form.purpose else {
                return "\(key) inserts a reply template into an answer, and this is not one"
            }
        } else if let refusal = QueuePane.refusal(.answer, state) {
            return refusal
        }
        return (state.queue.templates ?? []).isEmpty ? noTemplates : nil
    }

    /// Opens the picker: for the request in view (`t`), or for the answer form on screen (Ctrl-T), which it returns to.
    static func open(from form: ActionForm?, _ state: inout ConsoleState) -> [ConsoleEffect] {
        let id: Int64?
        if let form, case .act(let answering, .answer) = form.purpose { id = answering } else { id = QueuePane.current(state)?.id }
        guard let id else { return [] }
        var picker = Picker(kind: .template)
        picker.answering = id
        picker.form = form
        picker.choices = matches("", state.queue.templates ?? [])
        state.modal = .picker(picker)
        return []
    }

    /// The templates whose name or body holds the typed text (any case), by name.
    static func matches(_ text: String, _ templates: [ReplyTemplate]) -> [Picker.Choice] {
        let words = text.trimmingCharacters(in: .whitespaces).lowercased()
        return templates.filter { words.isEmpty || $0.name.lowercased().contains(words) || $0.body.lowercased().contains(words) }
            .map { Picker.Choice(code: $0.name, label: oneLine($0.body)) }
    }

    /// The picker's keys: move, take, cancel (back to the answer form when it came from one).
    static func run(_ command: ConsoleCommand, _ picker: Picker, _ state: inout ConsoleState) -> [ConsoleEffect] {
        var picker = picker
        if picker.step(command) {
            state.modal = .picker(picker)
            return []
        }
        switch command {
        case .cancel:
            state.modal = picker.form.map(Modal.form)
            return []
        case .take:
            guard picker.choices.indices.contains(picker.selection), let id = picker.answering else { return [] }
            let name = picker.choices[picker.selection].code
            state.modal = picker.form.map(Modal.form)
            guard let template = state.queue.templates?.first(where: { $0.name == name }) else {
                state.message = .error("reply template \(name) was removed meanwhile")
                return []
            }
            guard let request = QueuePane.request(id, in: state) else {
                state.message = .error("request #\(id) is no longer in view")
                return []
            }
            return [.fillTemplate(request, template)]
        default:
            return []
        }
    }

    /// Typing in the picker narrows the list at once (the templates are already read).
    static func type(_ key: Key, _ picker: Picker, _ state: inout ConsoleState) -> [ConsoleEffect] {
        var picker = picker
        if picker.field.handle(key) == .edited {
            picker.choices = matches(picker.field.text, state.queue.templates ?? [])
            picker.selection = 0
        }
        state.modal = .picker(picker)
        return []
    }

    /// The filled template arrives: into the answer form it was chosen from, at the cursor; or, chosen with `t`, as the
    /// text of a new answer form for the request.
    static func filled(_ id: Int64, _ text: String, _ state: inout ConsoleState) -> [ConsoleEffect] {
        let line = oneLine(text)
        if case .form(var form) = state.modal, case .act(id, .answer) = form.purpose {
            let field = form.form.fields[form.form.focus].input
            let before = field.text.prefix(field.cursor).last
            let spaced = before.map { $0.isWhitespace ? line : " " + line } ?? line
            if form.form.insert(spaced) == .refused {
                state.message = .error("the answer would be longer than \(field.maxLength ?? 0) characters with the template")
            }
            state.modal = .form(form)
            return []
        }
        guard state.modal == nil, let request = QueuePane.request(id, in: state) else { return [] }
        var form = ActionForms.act(request, .answer)
        form.form.setValue(line, at: 0)
        state.modal = .form(form)
        return []
    }

    /// The answer field is one line: a template's line breaks and tabs become spaces there (the command line keeps them).
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline || $0 == "\t" }).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ")
    }
}
