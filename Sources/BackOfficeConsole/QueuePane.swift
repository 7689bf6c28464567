import BackOfficeCore
import Foundation
import TerminalUI

/// The queue pane's keys: views, state filters, and the request actions.
enum QueuePane {
    static func reload(_ state: inout ConsoleState) -> [ConsoleEffect] {
        state.queue.list.reset()
        state.queue.detail = nil
        state.queue.detailPinned = false
        return state.queue.list.plan().map { [.loadRequests(state.queue.query, $0)] } ?? []
    }

    /// Starts the queue over in a new order, keeping the selected request selected where the order puts it.
    static func resort(_ state: inout ConsoleState) -> [ConsoleEffect] {
        let kept = state.queue.list.selected?.id
        let effects = reload(&state)
        guard let kept else { return effects }
        return [.locateRequest(state.queue.query, kept, generation: state.queue.list.generation)]
    }

    /// Loads the selected request's thread when the selection has moved to another request.
    static func followSelection(_ state: inout ConsoleState, moved: Bool = false) -> [ConsoleEffect] {
        if moved { state.queue.detailPinned = false }
        guard !state.queue.detailPinned, let selected = state.queue.list.selected else { return [] }
        if state.queue.detail?.request.id == selected.id { return [] }
        state.queue.detail = nil
        return [.loadRequest(selected.id)]
    }

    /// The request an action applies to: the one in the detail (`:req N` may show one outside the list), else the
    /// selected one.
    static func current(_ state: ConsoleState) -> Request? {
        state.queue.detail?.request ?? state.queue.list.selected
    }

    static func request(_ id: Int64, in state: ConsoleState) -> Request? {
        if let detail = state.queue.detail, detail.request.id == id { return detail.request }
        return state.queue.list.window.rows.first { $0.id == id }
    }

    /// Why the action cannot be taken on the request in view by this user, in the queue's own words (Core), or nil.
    static func refusal(_ action: RequestAction, _ state: ConsoleState) -> String? {
        guard let request = current(state) else { return "select a request first" }
        do {
            try Queue.authorize(action, on: request, by: state.user)
            _ = try Queue.next(request, action)
            return nil
        } catch let failure as any BackOfficeFailure {
            return failure.message
        } catch {
            return String(describing: error)
        }
    }

    static func act(_ action: RequestAction, _ state: inout ConsoleState) -> [ConsoleEffect] {
        // Refuse here what the queue's rules refuse, with the same words, before a form is typed for nothing.
        if let refusal = refusal(action, state) {
            state.message = .error(refusal)
            return []
        }
        guard let request = current(state) else { return [] }
        switch action {
        case .answer, .wait, .reply, .reassign:
            state.modal = .form(ActionForms.act(request, action))
            return []
        case .close:
            state.modal = .confirm(ConfirmDialog(title: "Close #\(request.id)", message: ["Close request #\(request.id) for \(request.account)?"]),
                                   then: .act(request.id, .close, text: "", assignTo: nil))
            return []
        case .claim, .reopen:
            return [.act(request.id, action, text: "", assignTo: nil)]
        }
    }

    /// The scopes of the queue a user switches between with `m`, the first being where the queue opens.
    static func scopes(for user: User) -> [QueueView] {
        user.may(.answerRequests) ? [.mine, .myAccounts, .unassigned, .all] : [.filed, .all]
    }

    static func cycleScope(_ state: inout ConsoleState) -> [ConsoleEffect] {
        let scopes = scopes(for: state.user)
        let index = scopes.firstIndex(of: state.queue.view).map { ($0 + 1) % scopes.count } ?? 0
        state.queue.view = scopes[index]
        return reload(&state)
    }

    static let stateCycle: [RequestStateFilter] = [.open] + RequestState.allCases.map { .only($0) } + [.any]

    static func cycleState(_ state: inout ConsoleState) -> [ConsoleEffect] {
        let index = stateCycle.firstIndex(of: state.queue.stateFilter).map { ($0 + 1) % stateCycle.count } ?? 0
        state.queue.stateFilter = stateCycle[index]
        return reload(&state)
    }

    static func describe(_ filter: RequestStateFilter) -> String {
        switch filter {
        case .open: "open"
        case .only(let s): s.rawValue
        case .any: "any state"
        }
    }

    static func describe(_ view: QueueView) -> String {
        switch view {
        case .mine: "mine"
        case .myAccounts: "my accounts"
        case .unassigned: "unassigned"
        case .all: "all"
        case .filed: "filed by me"
        }
    }

    /// The working time left by the business calendar (the store's clocks), "paused" while waiting on sales.
    static func sla(_ request: Request, now: Date) -> (String, StyleRole?) {
        let column = ServiceLevel.column(request, now: now)
        switch column.urgency {
        case .late: return (column.text, .overdue)
        case .soon: return (column.text, .dueSoon)
        case .paused: return (column.text, .muted)
        case .none: return (column.text, column.text.isEmpty ? .muted : nil)
        }
    }

}

enum QueueDrawing {
    static func areas(_ state: ConsoleState) -> (header: Rect, list: Rect, detail: Rect) {
        let pane = state.paneRect
        let (header, rest) = pane.dividedTop(1)
        if state.isWide {
            let (list, detail) = rest.dividedLeft(rest.width * 60 / 100)
            return (header, list, detail.inset(left: 1))
        }
        let (list, detail) = rest.dividedTop(max(4, rest.height * 9 / 20))
        return (header, list, detail)
    }

    static func listRect(_ state: ConsoleState) -> Rect { areas(state).list }

    static func draw(_ state: ConsoleState, into grid: inout Grid) {
        let q = state.queue
        let (header, listRect, detailRect) = areas(state)
        var x = grid.put(" View ", x: header.x, y: header.y, role: .muted)
        x = grid.put(QueuePane.describe(q.view), x: x, y: header.y, role: .title)
        x = grid.put(" · state ", x: x, y: header.y, role: .muted)
        x = grid.put(QueuePane.describe(q.stateFilter), x: x, y: header.y, role: .title)
        let hint = state.user.may(.viewAllRequests) ? "  (m scope, f state, v views)" : "  (f state, v views)"
        grid.put(hint, x: x, y: header.y, role: .muted, maxWidth: header.maxX - x)
        let list = q.list.table.list
        let count = list.isRowCountExact ? "\(list.rowCount) request\(list.rowCount == 1 ? "" : "s")" : "\(list.rowCount)+ requests"
        grid.put(count, x: header.maxX - TextWidth.of(count) - 1, y: header.y, role: .muted)

        let table = ListViews.marked(q.list.table, QueueState.columnSorts, q.sort, descending: q.descending, unicode: state.unicode)
        table.draw(into: &grid, in: listRect, focused: state.modal == nil, window: q.list.window) { request in
            let (due, dueRole) = QueuePane.sla(request, now: state.now)
            return TableRow([TableCell("\(request.id)"), TableCell(request.state.rawValue),
                             TableCell(request.priority.rawValue, role: request.priority >= .high ? .warning : nil),
                             TableCell(request.account), TableCell(request.sku ?? ""), TableCell(request.requester),
                             TableCell(due, role: dueRole), TableCell(request.text)],
                            role: request.state == .closed ? .muted : .normal)
        }
        drawDetail(state, in: detailRect, into: &grid)
    }

    static func drawDetail(_ state: ConsoleState, in rect: Rect, into grid: inout Grid) {
        guard rect.height > 1 else { return }
        Box(rect, title: "Request", unicode: state.unicode).draw(in: &grid)
        let inside = rect.inset(by: 1)
        guard let detail = state.queue.detail else {
            if state.queue.list.selected != nil { grid.put("loading…", x: inside.x, y: inside.y, role: .muted) }
            return
        }
        let r = detail.request
        var lines: [(String, StyleRole)] = []
        let (due, dueRole) = QueuePane.sla(r, now: state.now)
        lines.append(("#\(r.id) \(r.kind.rawValue) · \(r.account)" + (r.sku.map { " · \($0)" } ?? "") + (r.quantity.map { " × \($0)" } ?? ""), .title))
        // Wrapped like the thread, so the SLA at its end is never cut in the narrower detail of a wide screen.
        let status = "\(r.state.rawValue) · \(r.priority.rawValue) · from \(r.requester) · with \(r.assignee ?? "nobody")"
            + (due.isEmpty ? "" : " · \(due)")
        for part in Text.wrapped(status, toWidth: inside.width) { lines.append((part, dueRole ?? .muted)) }
        for event in detail.events {
            lines.append(("\(InventoryDrawing.shortTime(event.at)) \(event.actor) \(event.action)" + (event.text.isEmpty ? "" : ":"), .header))
            if !event.text.isEmpty {
                for part in Text.wrapped(event.text, toWidth: inside.width - 2) { lines.append(("  " + part, .normal)) }
            }
            if let snapshot = event.snapshot.flatMap(AnswerSnapshot.init(json:)) {
                for part in snapshotLines(snapshot).flatMap({ Text.wrapped($0, toWidth: inside.width - 2) }) { lines.append(("  " + part, .muted)) }
            }
        }
        // The newest events matter most: when the thread is long, show its end.
        let shown = lines.count > inside.height ? [lines[0]] + lines.suffix(max(0, inside.height - 1)) : lines
        for (index, line) in shown.enumerated() where index < inside.height {
            grid.put(line.0, x: inside.x, y: inside.y + index, role: line.1, maxWidth: inside.width)
        }
    }

    /// The stock and price an answer was based on, as one or two lines.
    static func snapshotLines(_ snapshot: AnswerSnapshot) -> [String] {
        var out: [String] = []
        if let stock = snapshot.stock {
            let sellable = stock.lines.filter(\.sellable)
            out.append("stock then: " + sellable.map { "\($0.location) \($0.position.available)" }.joined(separator: ", ")
                       + (stock.nextReceipt.map { "; next receipt \($0)" } ?? ""))
        }
        if let quote = snapshot.quote {
            out.append("price then: \(quote.unitPrice.formatted) each for \(quote.quantity) (\(quote.rule))"
                       + (quote.validThrough.map { ", valid through \($0)" } ?? ""))
        }
        if let promise = snapshot.promise { out.append("when then: \(promise.sentence)") }
        return out
    }
}
