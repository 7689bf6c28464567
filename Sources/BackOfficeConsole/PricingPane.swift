import BackOfficeCore
import Foundation
import TerminalUI

/// The pricing pane's keys: choose an account and an item, a quantity and a day, and see the quote.
enum Pricing {
    /// Asks for a quote for what is chosen now; a quote already on its way for older inputs is ignored when it lands.
    static func requote(_ state: inout ConsoleState) -> [ConsoleEffect] {
        state.pricing.token += 1
        let p = state.pricing
        guard let account = p.account, let item = p.item else {
            state.pricing.quote = nil
            state.pricing.problem = nil
            return []
        }
        return [.quote(token: p.token, sku: item.sku, account: account.code, quantity: p.quantity, date: p.date)]
    }

    static func openPicker(_ kind: Picker.Kind, _ state: inout ConsoleState) -> [ConsoleEffect] {
        guard state.user.may(.viewPrices) else { return [] }
        var picker = Picker(kind: kind)
        picker.token = 1
        state.modal = .picker(picker)
        return [.searchPicker(kind, text: "", token: picker.token)]
    }

    static func runPicker(_ command: ConsoleCommand, _ picker: Picker, _ state: inout ConsoleState) -> [ConsoleEffect] {
        var picker = picker
        if picker.step(command) {
            state.modal = .picker(picker)
            return []
        }
        switch command {
        case .cancel:
            state.modal = nil
            return []
        case .take:
            guard picker.choices.indices.contains(picker.selection) else { return [] }
            state.modal = nil
            let code = picker.choices[picker.selection].code
            return [.choosePricing(sku: picker.kind == .item ? code : nil, account: picker.kind == .account ? code : nil, quantity: nil)]
        default:
            return []
        }
    }

    /// Typing in a picker searches again at once.
    static func typeInPicker(_ key: Key, _ picker: Picker, _ state: inout ConsoleState) -> [ConsoleEffect] {
        var picker = picker
        guard picker.field.handle(key) == .edited else {
            state.modal = .picker(picker)
            return []
        }
        picker.token += 1
        picker.selection = 0
        state.modal = .picker(picker)
        return [.searchPicker(picker.kind, text: picker.field.text, token: picker.token)]
    }
}

enum PricingDrawing {
    static func draw(_ state: ConsoleState, into grid: inout Grid) {
        let pane = state.paneRect
        let p = state.pricing
        guard state.user.may(.viewPrices) else {
            grid.put("\(state.user.role.rawValue) may not view prices", x: pane.x + 1, y: pane.y + 1, role: .muted)
            return
        }
        // The inputs with their keys: account and item on the left, quantity and day on the right.
        let inputs: [(key: String, label: String, value: String, missing: Bool)] = [
            ("a", "Account", p.account.map { "\($0.code)  \($0.name)" } ?? "none: press a to choose", p.account == nil),
            ("n", "Qty", String(p.quantity), false),
            ("i", "Item", p.item.map { "\($0.sku)  \($0.name)" } ?? "none: press i (or /) to choose", p.item == nil),
            ("d", "As of", p.date?.description ?? "today (\(Day(state.now)))", false),
        ]
        let rightX = pane.x + max(40, pane.width - 28)
        var y = pane.y
        for (index, input) in inputs.enumerated() where y < pane.maxY {
            let left = index % 2 == 0
            let startX = left ? pane.x : rightX
            let endX = left ? rightX - 1 : pane.maxX
            var x = grid.put(" \(input.key) ", x: startX, y: y, role: .keyHint)
            x = grid.put(Text.padded(input.label, toWidth: left ? 8 : 6), x: x, y: y, role: .header)
            grid.put(input.value, x: x + 1, y: y, role: input.missing ? .muted : .normal, maxWidth: max(0, endX - x - 1))
            if !left { y += 1 }
        }
        let body = Rect(x: pane.x, y: y + 1, width: pane.width, height: max(0, pane.maxY - y - 1))
        guard p.isComplete else {
            let text = "Choose an account and an item to see the price, how it was reached, and the stock to sell from."
            for (offset, line) in Text.wrapped(text, toWidth: max(1, body.width - 2)).enumerated() where offset < body.height {
                grid.put(line, x: body.x + 1, y: body.y + offset, role: .muted, maxWidth: body.width - 2)
            }
            return
        }
        let (quoteRect, stockRect): (Rect, Rect)
        if state.isWide {
            let split = body.dividedLeft(body.width * 62 / 100)
            (quoteRect, stockRect) = (split.left, split.rest.inset(left: 1))
        } else {
            // Borders, the header, each sellable location and the total.
            let stockHeight = min(max(4, (p.stock?.lines.filter(\.sellable).count ?? 1) + 4 + (p.promise == nil ? 0 : 2)), body.height / 2)
            let split = body.dividedBottom(stockHeight)
            (quoteRect, stockRect) = (split.rest, split.bottom)
        }
        drawQuote(state, in: quoteRect, into: &grid)
        drawStock(state, in: stockRect, into: &grid)
    }

    static func drawQuote(_ state: ConsoleState, in rect: Rect, into grid: inout Grid) {
        let p = state.pricing
        Box(rect, title: "Quote", unicode: state.unicode).draw(in: &grid)
        let inside = rect.inset(by: 1)
        guard !inside.isEmpty else { return }
        guard let quote = p.quote else {
            grid.put(p.problem ?? "pricing…", x: inside.x, y: inside.y, role: p.problem == nil ? .muted : .error, maxWidth: inside.width)
            return
        }
        var y = inside.y
        func pair(_ label: String, _ value: String, role: StyleRole = .normal) {
            guard y < inside.maxY else { return }
            let x = grid.put(Text.padded(label, toWidth: 15), x: inside.x, y: y, role: .muted)
            grid.put(value, x: x, y: y, role: role, maxWidth: inside.maxX - x)
            y += 1
        }
        pair("Unit price", "\(quote.unitPrice.formatted)   × \(quote.quantity) = \(quote.extendedPrice.formatted)", role: .title)
        pair("Set by", quote.rule + (quote.adjustments.isEmpty ? "" : " (\(quote.adjustments.map(\.description).joined(separator: "; ")))"))
        let ending = quote.validThrough.map { day -> (String, StyleRole) in
            let left = day.ordinal - Day(state.now).ordinal
            return ("\(day)" + (left <= 7 ? " (ends in \(left) day\(left == 1 ? "" : "s"))" : ""), left <= 7 ? .warning : .normal)
        } ?? ("no end date", .normal)
        var validity = ending.0
        if let cost = quote.cost {
            validity += "   cost \(cost.formatted) · margin \(quote.margin.map { "\($0)%" } ?? "-")"
        }
        pair("Valid through", validity, role: ending.1)
        if y < inside.maxY - 1 {
            let considered = quote.considered.map { source in
                TableRow([TableCell(source.won ? "✓" : " ", role: source.won ? .success : nil), TableCell(source.source),
                          TableCell(source.description), TableCell(source.unitPrice?.decimalString ?? "-"),
                          TableCell(source.won ? "won" : source.reason ?? "", role: source.won ? .success : .muted)])
            }
            y += StaticTable.draw(columns: [TableColumn("", width: .fixed(1)), TableColumn("SOURCE", width: .fixed(10)),
                                            TableColumn("RULE", width: .weight(1)), TableColumn("UNIT", width: .fixed(10), alignment: .right),
                                            TableColumn("OUTCOME", width: .weight(1))],
                                  rows: considered, in: Rect(x: inside.x, y: y, width: inside.width, height: max(0, inside.maxY - y)),
                                  into: &grid)
        }
        if y < inside.maxY - 1, !quote.tiers.isEmpty {
            let ladder = quote.tiers.map { tier in
                let current = tier.minQuantity <= quote.quantity && !quote.tiers.contains { $0.minQuantity > tier.minQuantity && $0.minQuantity <= quote.quantity }
                return TableRow([TableCell("\(tier.minQuantity)+"), TableCell(tier.unitPrice.decimalString), TableCell(tier.source)],
                                role: current ? .searchMatch : .normal)
            }
            StaticTable.draw(columns: [TableColumn("QTY BREAK", width: .fixed(10), alignment: .right),
                                      TableColumn("UNIT", width: .fixed(10), alignment: .right), TableColumn("FROM", width: .fill)],
                             rows: ladder, in: Rect(x: inside.x, y: y, width: inside.width, height: max(0, inside.maxY - y)), into: &grid)
        }
    }

    static func drawStock(_ state: ConsoleState, in rect: Rect, into grid: inout Grid) {
        Box(rect, title: "Available to sell", unicode: state.unicode).draw(in: &grid)
        var inside = rect.inset(by: 1)
        guard !inside.isEmpty else { return }
        // The last lines answer "when can the customer have this many?", wrapped to the box (two lines at most).
        if let promise = state.pricing.promise, promise.quantity == state.pricing.quantity, inside.height > 2 {
            let role: StyleRole = promise.date == nil ? .warning : (promise.availableNow >= promise.quantity ? .success : .normal)
            let lines = Array(Text.wrapped("When: " + promise.sentence, toWidth: inside.width).prefix(inside.height > 4 ? 2 : 1))
            for (offset, text) in lines.enumerated() {
                grid.put(text, x: inside.x, y: inside.maxY - lines.count + offset, role: role, maxWidth: inside.width)
            }
            inside = Rect(x: inside.x, y: inside.y, width: inside.width, height: inside.height - lines.count)
        }
        guard let stock = state.pricing.stock else { return }
        let sellable = stock.lines.filter(\.sellable)
        var rows = sellable.map { line in
            TableRow([TableCell(line.location), TableCell(String(line.position.available), role: line.position.available < state.pricing.quantity ? .warning : nil),
                      TableCell(String(line.position.incoming)), TableCell(line.nextReceipt?.description ?? "")])
        }
        let available = sellable.reduce(0) { $0 + $1.position.available }
        rows.append(TableRow([TableCell("TOTAL"), TableCell(String(available), role: available < state.pricing.quantity ? .warning : .success),
                              TableCell(String(sellable.reduce(0) { $0 + $1.position.incoming })),
                              TableCell(sellable.compactMap(\.nextReceipt).min()?.description ?? "")], role: .header))
        StaticTable.draw(columns: [TableColumn("LOCATION", width: .fill), TableColumn("AVAIL", width: .fixed(8), alignment: .right),
                                   TableColumn("INCOM", width: .fixed(7), alignment: .right), TableColumn("NEXT", width: .fixed(10))],
                         rows: rows, in: inside, into: &grid)
    }

    /// The picker over the pane: the typed text and the matches.
    static func drawPicker(_ picker: Picker, state: ConsoleState, into grid: inout Grid) -> (x: Int, y: Int)? {
        let area = state.paneRect
        let width = min(area.width - 4, 70), height = min(area.height - 2, 16)
        let frame = Rect(x: area.x + (area.width - width) / 2, y: area.y + 1, width: width, height: height)
        grid.fill(frame, role: .dialog)
        Box(frame, title: picker.title, unicode: state.unicode, role: .borderFocused).draw(in: &grid)
        let inside = frame.inset(by: 1)
        guard inside.height > 1 else { return nil }
        let fieldRect = Rect(x: inside.x, y: inside.y, width: inside.width, height: 1)
        picker.field.draw(into: &grid, in: fieldRect, focused: true)
        let listRect = Rect(x: inside.x, y: inside.y + 2, width: inside.width, height: max(0, inside.height - 2))
        if picker.choices.isEmpty {
            let empty: String = switch picker.kind {
            case .view where picker.field.text.isEmpty: "no saved views: type a name and press Enter to save this view"
            case .view: "no view of that name: Enter saves this view under it"
            default: picker.field.text.isEmpty ? "type to search" : "nothing matches"
            }
            grid.put(empty, x: listRect.x, y: listRect.y, role: .muted, maxWidth: listRect.width)
        }
        let top = max(0, picker.selection - listRect.height + 1)
        for (offset, choice) in picker.choices.dropFirst(top).prefix(listRect.height).enumerated() {
            let y = listRect.y + offset
            let row = Rect(x: listRect.x, y: y, width: listRect.width, height: 1)
            grid.fill(row, role: .dialog)
            let x = grid.put(Text.padded(choice.code, toWidth: 14), x: row.x, y: y, role: .title, maxWidth: row.width)
            grid.put(choice.label, x: x + 1, y: y, role: .dialog, maxWidth: row.maxX - x - 1)
            if top + offset == picker.selection { grid.paint(row, role: .selection) }
        }
        return picker.field.cursorPosition(in: fieldRect)
    }
}
