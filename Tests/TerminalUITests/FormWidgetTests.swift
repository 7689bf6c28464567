import Testing
import TerminalUI

/// The receipt form's two fields: a SKU that must be given, and a positive whole quantity.
private func receiptForm(sku: String = "") -> Form {
    Form(fields: [
        FormField("SKU", input: TextField(text: sku)) { $0.isEmpty ? "Enter a SKU" : nil },
        FormField("Quantity", input: TextField(filter: .signedInteger), inputWidth: 6) { text in
            guard let quantity = Int(text) else { return "Enter a quantity" }
            return quantity > 0 ? nil : "Must be more than 0"
        },
    ])
}

private func typed(_ text: String, into form: inout Form) {
    for character in text { _ = form.handle(.character(character)) }
}

@Suite("Form")
struct FormWidgetTests {
    @Test("Given empty fields, when Enter is pressed on the last, then submit is refused and the first invalid field has focus")
    func submitRefusedWhileInvalid() {
        var form = receiptForm()
        _ = form.handle(.tab)
        #expect(form.focus == 1)
        #expect(form.handle(.enter) == .invalid)
        #expect(form.focus == 0)
        #expect(form.fields.map(\.error) == ["Enter a SKU", "Enter a quantity"])
    }

    @Test("Given a refused submit, when drawn at 30x4, then each error shows under its field in the error role")
    func errorsAreDrawnUnderTheirFields() {
        var form = receiptForm()
        _ = form.submit()
        var grid = Grid(width: 30, height: 4)
        form.draw(into: &grid, in: grid.bounds, focused: true)
        #expect(grid.lines == [
            "SKU                           ",
            "         Enter a SKU          ",
            "Quantity                      ",
            "         Enter a quantity     ",
        ])
        #expect(grid.role(x: 9, y: 1) == .error)
        #expect(grid.role(x: 9, y: 3) == .error)
        #expect(grid.role(x: 0, y: 0) == .title)
        #expect(grid.role(x: 9, y: 0) == .inputFocused)
        #expect(grid.role(x: 9, y: 2) == .input)
        #expect(grid.role(x: 15, y: 2) == .normal)
        #expect(form.cursorPosition(in: grid.bounds)! == (9, 0))
    }

    @Test("Given a refused submit, when the fields are corrected, then the errors clear and submit is accepted")
    func submitAcceptedOnceValid() {
        var form = receiptForm()
        _ = form.handle(.control("s"))
        typed("FAS-0001", into: &form)
        #expect(form.fields[0].error == nil)
        _ = form.handle(.down)
        typed("0", into: &form)
        #expect(form.fields[1].error == "Must be more than 0")
        _ = form.handle(.backspace)
        typed("40", into: &form)
        #expect(form.fields[1].error == nil)
        #expect(form.handle(.enter) == .submit)
        #expect(form.values == ["FAS-0001", "40"])
        #expect(form.value(of: "Quantity") == "40")
    }

    @Test("Given a field changed to something invalid, when focus leaves it, then its error shows at once")
    func errorShownOnLeavingAChangedField() {
        var form = receiptForm(sku: "FAS-0001")
        _ = form.handle(.tab)
        typed("-", into: &form)
        _ = form.handle(.backTab)
        #expect(form.focus == 0)
        #expect(form.fields[1].error == "Enter a quantity")
        #expect(form.fields[0].error == nil)
    }

    @Test("Given a fresh form, when a field is edited and then put back, then the form is dirty and then clean")
    func dirtyFlag() {
        var form = receiptForm(sku: "FAS-0001")
        #expect(!form.isDirty)
        typed("2", into: &form)
        #expect(form.isDirty)
        _ = form.handle(.backspace)
        #expect(!form.isDirty)
        form.setValue("7", at: 1)
        #expect(form.isDirty)
    }

    @Test("Given two fields, when moving focus, then Tab wraps round and the arrows stop at the ends")
    func focusMovement() {
        var form = receiptForm()
        _ = form.handle(.up)
        #expect(form.focus == 0)
        _ = form.handle(.backTab)
        #expect(form.focus == 1)
        _ = form.handle(.down)
        #expect(form.focus == 1)
        _ = form.handle(.tab)
        #expect(form.focus == 0)
        _ = form.handle(.enter)
        #expect(form.focus == 1)
    }

    @Test("Given a form, when Esc is pressed, then it asks to cancel whatever was typed")
    func escapeCancels() {
        var form = receiptForm()
        typed("FAS", into: &form)
        #expect(form.handle(.escape) == .cancel)
        #expect(form.isDirty)
    }

    @Test("Given an app's key table, when it asks for the next field on the last, then focus wraps, and advance submits there")
    func actionsForAKeyTable() {
        var form = receiptForm(sku: "FAS-1")
        #expect(form.perform(.previousField) == .handled)
        #expect(form.focus == 1 && form.isOnLastField)
        #expect(form.perform(.nextField) == .handled)
        #expect(form.focus == 0)
        _ = form.perform(.advance)
        #expect(form.edit(.character("7")) == .handled)
        #expect(form.edit(.function(5)) == .ignored)
        #expect(form.perform(.advance) == .submit)
        #expect(form.values == ["FAS-1", "7"])
        #expect(form.perform(.cancel) == .cancel)
    }
}
