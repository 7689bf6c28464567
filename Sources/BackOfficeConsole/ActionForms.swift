import BackOfficeCore
import Foundation
import TerminalUI

/// The forms the console opens, each with its fields' rules, and the effect its values turn into.
///
/// Field rules call Core's validators, so a form refuses exactly what the store would refuse for the same input, but
/// before anything is sent; the ledger's own refusals (not enough stock, reserved stock) come back on the message line.
enum ActionForms {
    /// The message of the failure `check` throws, or nil when it passes.
    static func problem(_ check: () throws(Failure) -> Void) -> String? {
        do {
            try check()
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: - Field rules

    static func quantityRule(allowZero: Bool = false, allowNegative: Bool = false) -> @Sendable (String) -> String? {
        { text in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                return text.isEmpty ? "type a quantity" : "\(text) is not a whole number"
            }
            return problem { () throws(Failure) in _ = try Validate.quantity(value, allowZero: allowZero, allowNegative: allowNegative) }
        }
    }

    static func locationRule(_ locations: [Location], sellableOnly: Bool = false) -> @Sendable (String) -> String? {
        let codes = locations.filter { !sellableOnly || $0.sellable }.map(\.code)
        return { text in
            let code = text.trimmingCharacters(in: .whitespaces)
            if code.isEmpty { return "type a location: \(codes.joined(separator: " "))" }
            return codes.contains { $0.caseInsensitiveCompare(code) == .orderedSame } ? nil
                : "no location \(code); one of \(codes.joined(separator: " "))"
        }
    }

    /// Every reason code, as the adjustment form's placeholder: whole, so the clerk sees each choice.
    static let reasonCodeList = Ledger.reasonCodes.joined(separator: " ")

    static let reasonRule: @Sendable (String) -> String? = { text in
        Ledger.reasonCodes.contains(text.uppercased()) ? nil : "reason must be one of \(Ledger.reasonCodes.joined(separator: " "))"
    }

    static let referenceRule: @Sendable (String) -> String? = { text in
        return problem { () throws(Failure) in _ = try Validate.reference(text.isEmpty ? nil : text) }
    }

    static let requiredText: @Sendable (String) -> String? = { text in
        return problem { () throws(Failure) in _ = try Queue.checkText(text) }
    }

    static func codeRule(_ field: String, optional: Bool = false) -> @Sendable (String) -> String? {
        { text in
            if optional && text.isEmpty { return nil }
            return problem { () throws(Failure) in _ = try Validate.code(text, field: field) }
        }
    }

    static func choiceRule<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> @Sendable (String) -> String? where T.RawValue == String {
        let names = T.allCases.map(\.rawValue)
        return { text in names.contains(text.lowercased()) ? nil : "one of \(names.joined(separator: " "))" }
    }

    static func field(_ label: String, _ text: String = "", width: Int? = nil, filter: TextField.Filter? = nil,
                      placeholder: String = "", maxLength: Int = 200,
                      rule: @escaping @Sendable (String) -> String? = { _ in nil }) -> FormField {
        FormField(label, input: TextField(text: text, placeholder: placeholder, width: width ?? 20, maxLength: maxLength, filter: filter),
                  inputWidth: width, validate: rule)
    }

    // MARK: - Building

    /// The location a form starts on: where the item has most stock, else the first sellable one, else the first.
    static func defaultLocation(_ locations: [Location], preferred: String? = nil) -> String {
        if let preferred, locations.contains(where: { $0.code == preferred }) { return preferred }
        return (locations.first { $0.sellable } ?? locations.first)?.code ?? ""
    }

    static func movement(_ kind: MovementKind, item: Item, locations: [Location], preferred: String? = nil) -> ActionForm {
        let home = defaultLocation(locations, preferred: preferred)
        let location = field("Location", home, width: 12, rule: locationRule(locations))
        let reference = field("Reference", width: 30, placeholder: "PO, order or note (optional)", rule: referenceRule)
        let fields: [FormField]
        switch kind {
        case .receipt, .issue:
            fields = [location, field("Quantity", width: 12, filter: .digits, rule: quantityRule()), reference]
        case .transfer:
            let other = locations.first { $0.code != home }?.code ?? ""
            fields = [field("From", home, width: 12, rule: locationRule(locations)), field("To", other, width: 12, rule: locationRule(locations)),
                      field("Quantity", width: 12, filter: .digits, rule: quantityRule()), reference]
        case .adjustment:
            fields = [location, field("Change", width: 12, filter: .signedInteger, placeholder: "+5 or -3", rule: quantityRule(allowNegative: true)),
                      field("Reason", width: reasonCodeList.count, placeholder: reasonCodeList, rule: reasonRule), reference]
        case .count:
            fields = [location, field("Counted", width: 12, filter: .digits, rule: quantityRule(allowZero: true)), reference]
        }
        return ActionForm(title: "\(kind.rawValue.capitalized) · \(item.sku)", purpose: .movement(kind), fields: fields, sku: item.sku,
                          submit: "post")
    }

    static func hold(item: Item, locations: [Location], sellableOnly: Bool, preferred: String? = nil) -> ActionForm {
        let home = defaultLocation(sellableOnly ? locations.filter(\.sellable) : locations, preferred: preferred)
        return ActionForm(title: "Hold · \(item.sku)", purpose: .hold, fields: [
            field("Location", home, width: 12, rule: locationRule(locations, sellableOnly: sellableOnly)),
            field("Quantity", width: 12, filter: .digits, rule: quantityRule()),
            field("Account", width: 12, placeholder: "account code", rule: codeRule("account")),
            field("Days", "7", width: 4, filter: .digits, rule: { text in
                guard let days = Int(text), (1...Int(Hold.maximumDuration / 86_400)).contains(days) else {
                    return "days must be 1 to \(Int(Hold.maximumDuration / 86_400))"
                }
                return nil
            }),
        ], sku: item.sku, note: "Reserves stock for the account until it expires", submit: "place")
    }

    static func filter(_ query: ItemListQuery, locations: [Location]) -> ActionForm {
        ActionForm(title: "Filter the item list", purpose: .filter, fields: [
            field("Location", query.location ?? "", width: 12, placeholder: "any", rule: { text in
                text.isEmpty ? nil : locationRule(locations)(text)
            }),
            field("Category", query.category ?? "", width: 44, placeholder: "any (a category includes those below it)"),
            field("Below reorder", query.belowReorderOnly ? "yes" : "no", width: 4, rule: { text in
                ["yes", "no", "y", "n"].contains(text.lowercased()) ? nil : "yes or no"
            }),
        ], note: "Empty fields filter nothing", submit: "apply")
    }

    static func newRequest(account: String, sku: String, quantity: Int?, kind: RequestKind) -> ActionForm {
        ActionForm(title: "Ask the account manager", purpose: .newRequest, fields: [
            field("Account", account, width: 12, placeholder: "account code", rule: codeRule("account")),
            field("Item", sku, width: 16, placeholder: "SKU (optional)", rule: codeRule("item", optional: true)),
            field("Quantity", quantity.map(String.init) ?? "", width: 12, filter: .digits, placeholder: "(optional)", rule: { text in
                text.isEmpty ? nil : quantityRule()(text)
            }),
            field("Kind", kind.rawValue, width: 8, rule: choiceRule(RequestKind.self)),
            field("Priority", Priority.normal.rawValue, width: 8, rule: choiceRule(Priority.self)),
            field("Question", width: nil, placeholder: "what do you need to know?", rule: requiredText),
        ], note: "Goes to the account's manager", submit: "send")
    }

    static func act(_ request: Request, _ action: RequestAction) -> ActionForm {
        let (title, label, note, verb): (String, String, String, String) = switch action {
        case .answer: ("Answer #\(request.id)", "Answer", "Goes to \(request.requester)", "send")
        case .wait: ("Ask sales back on #\(request.id)", "Question", "The request waits for the salesperson", "send")
        case .reply: ("Reply on #\(request.id)", "Reply", "Goes back to the account manager", "send")
        case .reassign: ("Reassign #\(request.id) to another manager", "Manager", "Their user name", "reassign")
        default: ("\(action.rawValue.capitalized) #\(request.id)", "Note", "", "confirm")
        }
        let rule: @Sendable (String) -> String? = action == .reassign ? codeRule("manager") : requiredText
        // An answer may be as long as the queue takes (a reply template with its facts is often past 200 characters).
        return ActionForm(title: title, purpose: .act(request.id, action),
                          fields: [field(label, width: nil, maxLength: action == .reassign ? 200 : 4_000, rule: rule)],
                          sku: request.sku, note: note, submit: verb)
    }

    static func startCount(locations: [Location], preferred: String?) -> ActionForm {
        ActionForm(title: "Count session", purpose: .startCount, fields: [
            field("Location", defaultLocation(locations, preferred: preferred), width: 12, rule: locationRule(locations)),
            field("Category", width: 36, placeholder: "every item there (or a category)"),
            field("Resume #", width: 12, filter: .digits, placeholder: "a new count"),
        ], note: "Snapshots the books; then scan or type what you count", submit: "start")
    }

    static func quantity(_ current: Int) -> ActionForm {
        ActionForm(title: "Quantity to price", purpose: .quantity,
                   fields: [field("Quantity", String(current), width: 12, filter: .digits, rule: quantityRule())],
                   note: "Quantity breaks depend on it", submit: "apply")
    }

    static func date(_ current: Day?) -> ActionForm {
        ActionForm(title: "Price as of", purpose: .date, fields: [
            field("Date", current?.description ?? "", width: 12, placeholder: "YYYY-MM-DD", rule: { text in
                if text.isEmpty { return nil }
                return problem { () throws(Failure) in _ = try Day.parse(text) }
            }),
        ], note: "Prices valid on that day; empty for today", submit: "apply")
    }

    // MARK: - Submitting

    /// What a submitted form asks for: a question before a write, or a change of the console's own state.
    enum Submission {
        case confirm(ConfirmDialog, ConsoleEffect)
        case run(ConsoleEffect)
        case filter(ItemListQuery)
        case quantity(Int)
        case date(Day?)
    }

    /// Turns a validated form into what it asks for.
    static func submission(_ form: ActionForm, query: ItemListQuery) -> Submission? {
        let v = form.form.values.map { $0.trimmingCharacters(in: .whitespaces) }
        func int(_ index: Int) -> Int { Int(v[index]) ?? 0 }
        func ref(_ index: Int) -> String? { v[index].isEmpty ? nil : v[index] }
        switch form.purpose {
        case .movement(let kind):
            guard let sku = form.sku else { return nil }
            let movement: Movement
            let question: String
            switch kind {
            case .receipt:
                movement = .receipt(quantity: int(1), to: v[0].uppercased())
                question = "Receive \(int(1)) × \(sku) into \(v[0].uppercased())?"
            case .issue:
                movement = .issue(quantity: int(1), from: v[0].uppercased())
                question = "Issue \(int(1)) × \(sku) from \(v[0].uppercased())?"
            case .transfer:
                movement = .transfer(quantity: int(2), from: v[0].uppercased(), to: v[1].uppercased())
                question = "Move \(int(2)) × \(sku) from \(v[0].uppercased()) to \(v[1].uppercased())?"
            case .adjustment:
                movement = .adjustment(delta: int(1), at: v[0].uppercased(), reason: v[2].uppercased())
                question = "Adjust \(sku) at \(v[0].uppercased()) by \(int(1).signed) (\(v[2].uppercased()))?"
            case .count:
                movement = .count(counted: int(1), at: v[0].uppercased())
                question = "Record a count of \(int(1)) × \(sku) at \(v[0].uppercased())?"
            }
            let reference = ref(kind == .transfer ? 3 : kind == .adjustment ? 3 : 2)
            return .confirm(ConfirmDialog(title: "Post \(kind.rawValue)", message: [question] + (reference.map { ["Reference \($0)"] } ?? [])),
                            .post(movement, sku: sku, reference: reference))
        case .hold:
            guard let sku = form.sku else { return nil }
            let question = "Hold \(int(1)) × \(sku) at \(v[0].uppercased()) for \(v[2].uppercased()) for \(int(3)) days?"
            return .confirm(ConfirmDialog(title: "Place hold", message: [question]),
                            .placeHold(sku: sku, quantity: int(1), location: v[0].uppercased(), account: v[2].uppercased(), days: int(3)))
        case .filter:
            var next = query
            next.location = v[0].isEmpty ? nil : v[0].uppercased()
            next.category = v[1].isEmpty ? nil : v[1]
            next.belowReorderOnly = v[2].lowercased().hasPrefix("y")
            return .filter(next)
        case .newRequest:
            return .run(.fileRequest(kind: RequestKind(rawValue: v[3].lowercased()) ?? .other, account: v[0].uppercased(),
                                     sku: v[1].isEmpty ? nil : v[1], quantity: v[2].isEmpty ? nil : int(2), text: v[5],
                                     priority: Priority(rawValue: v[4].lowercased()) ?? .normal))
        case .act(let id, let action):
            return .run(.act(id, action, text: action == .reassign ? "" : form.form.values[0],
                             assignTo: action == .reassign ? v[0] : nil))
        case .quantity:
            return .quantity(int(0))
        case .date:
            return .date(v[0].isEmpty ? nil : try? Day.parse(v[0]))
        case .startCount:
            if let id = Int64(v[2]), id > 0 { return .run(.loadCount(id)) }
            return .run(.startCount(location: v[0].uppercased(), category: v[1].isEmpty ? nil : v[1]))
        }
    }
}
