import BackOfficeCore
import Foundation
import TerminalUI

/// The console's logic: `start` and `update` change the state and return the effects to run; `view` draws it.
/// No I/O happens here, so every screen and every key can be tested without a terminal or a store.
public enum Console {
    /// The effects that fill a fresh console: locations for the forms, the item list.
    public static func start(_ state: inout ConsoleState) -> [ConsoleEffect] {
        layout(&state)
        // The views the user left the panes in come before the list's first page, which they may change.
        var effects: [ConsoleEffect] = [.loadLocations, .loadLastViews]
        effects += Inventory.reload(&state)
        effects += readAttention(state)
        return effects
    }

    public static func update(_ state: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect] {
        var effects = dispatch(&state, message)
        fitModal(&state)
        // A key that changed a list's sort or filters, with the pane back in hand: remember the view it left.
        if case .key = message, state.keyContext == .pane { effects += ListViews.remember(&state) }
        return effects
    }

    /// Sizes an open form's inputs, or help, to where it is drawn (the terminal may have been resized), so text
    /// scrolls within what the user sees and help scrolls to its last line.
    static func fitModal(_ state: inout ConsoleState) {
        switch state.modal {
        case .form(var form):
            form.form.resize(to: formRects(form, state).fields)
            state.modal = .form(form)
        case .help(var help):
            let content = helpRects(state).content
            help.size = (content.width, content.height)
            state.modal = .help(help)
        default:
            break
        }
    }

    /// Where help goes: its box over the pane and, inside it, its text.
    static func helpRects(_ state: ConsoleState) -> (frame: Rect, content: Rect) {
        let frame = state.paneRect
        return (frame, frame.inset(by: 1).inset(left: 1, right: 1))
    }

    /// Where a form goes: its box and, inside it, its fields (its note is on the message line).
    static func formRects(_ form: ActionForm, _ state: ConsoleState) -> (frame: Rect, fields: Rect) {
        let area = state.paneRect
        let width = min(area.width - 4, 76)
        let errors = form.form.fields.filter { $0.error != nil }.count
        let height = min(area.height, form.form.fields.count + errors + 4)
        let frame = Rect(x: area.x + (area.width - width) / 2, y: area.y + max(0, (area.height - height) / 3), width: width, height: height)
        let fields = frame.inset(top: 2, left: 2, bottom: 1, right: 2)
        return (frame, fields)
    }

    static func dispatch(_ state: inout ConsoleState, _ message: ConsoleMessage) -> [ConsoleEffect] {
        switch message {
        case .key(let key):
            if key == .resize { return [] }
            return handle(key, &state)
        case .resized(let width, let height):
            state.width = width
            state.height = height
            layout(&state)
            return pageEffects(&state)
        case .tick(let now, let live):
            let newMinute = Int(now.timeIntervalSince1970 / 60) != Int(state.now.timeIntervalSince1970 / 60)
            state.now = now
            state.live = live
            // The store reads SLA clocks in working time, which passes with nothing committed: the Queue is read again
            // each new minute so "in 2h10m" counts down and turns late on time.
            guard newMinute else { return [] }
            // A request turns late with nothing committed, so the badge is read again each minute too.
            return (state.pane == .queue && state.modal == nil ? refresh(&state) : []) + readAttention(state)
        case .storeChanged:
            return refresh(&state) + readAttention(state)
        case .attentionLoaded(let attention):
            let previous = state.attention
            state.attention = attention
            // The bell rings for a request that newly needs the user, not for the first reading or one taken away.
            guard state.bell, let previous, attention.needsYou > previous.needsYou else { return [] }
            return [.ringBell]
        case .serverStopping(let end):
            let seconds = max(0, Int(end.timeIntervalSince(state.now).rounded()))
            // The time of day alone (UTC), so the line fits 80 columns.
            let time = UTC.iso(end).dropFirst(11).prefix(8)
            state.message = .error("The SSH server is stopping: this session ends in \(seconds) s, at \(time) UTC.")
            return []
        case .locationsLoaded(let locations):
            // The store gives only the locations the user may see.
            state.locations = locations
            return []
        case .itemsLoaded(let request, let rows):
            guard state.inventory.list.receive(rows, for: request) else { return [] }
            return Inventory.followSelection(&state) + (state.inventory.list.plan(screenOnly: true).map { [.loadItems(state.inventory.query, $0)] } ?? [])
        case .itemsCounted(let generation, let count, let exact):
            guard generation == state.inventory.list.generation else { return [] }
            state.inventory.list.setCount(count, exact: exact)
            return Inventory.followSelection(&state) + (state.inventory.list.plan(screenOnly: true).map { [.loadItems(state.inventory.query, $0)] } ?? [])
        case .itemDetailLoaded(let detail):
            if let selected = state.inventory.list.selected, selected.item.sku == detail.stock.item.sku {
                state.inventory.detail = detail
            }
            return []
        case .done(let text):
            state.message = .success(text)
            // The user's own write (an answer, a claim) changes what needs them as much as another session's does.
            return refresh(&state) + readAttention(state)
        case .quoted(let token, let quote, let stock, let problem):
            guard token == state.pricing.token else { return [] }
            state.pricing.quote = quote
            state.pricing.stock = stock
            state.pricing.problem = problem
            return []
        case .promiseAnswered(let promise):
            state.inventory.promise = promise
            state.message = .info("\(promise.sku): \(promise.sentence)")
            return []
        case .promised(let token, let promise):
            guard token == state.pricing.token else { return [] }
            state.pricing.promise = promise
            return []
        case .pricingChosen(let account, let item, let quantity):
            if let account { state.pricing.account = account }
            if let item { state.pricing.item = item }
            if let quantity { state.pricing.quantity = quantity }
            state.pane = .pricing
            return Pricing.requote(&state)
        case .pickerResults(let token, let choices):
            guard case .picker(var picker) = state.modal, picker.token == token else { return [] }
            picker.choices = choices
            picker.selection = min(picker.selection, max(0, choices.count - 1))
            state.modal = .picker(picker)
            return []
        case .requestsLoaded(let request, let rows):
            guard state.queue.list.receive(rows, for: request) else { return [] }
            return QueuePane.followSelection(&state)
                + (state.queue.list.plan(screenOnly: true).map { [.loadRequests(state.queue.query, $0)] } ?? [])
        case .itemLocated(let generation, let index):
            guard generation == state.inventory.list.generation else { return [] }
            state.inventory.list.reselect(index)
            return pageEffects(&state, pane: .inventory)
        case .requestLocated(let generation, let index):
            guard generation == state.queue.list.generation else { return [] }
            state.queue.list.reselect(index)
            return pageEffects(&state, pane: .queue)
        case .lastViewsLoaded(let views):
            return ListViews.lastLoaded(views, &state)
        case .viewsListed(let token, let views):
            ListViews.listed(token: token, views, &state)
            return []
        case .viewsChanged(let text):
            state.message = .success(text)
            return []
        case .requestLoaded(let detail):
            state.queue.detail = detail
            return []
        case .countLoaded(let session, let sku):
            return CountKeys.loaded(session, select: sku, &state)
        case .answerFacts(let text):
            guard case .form(var form) = state.modal, case .act(_, .answer) = form.purpose else { return [] }
            let current = form.form.values[0]
            form.form.setValue(current.isEmpty ? text : current + " " + text, at: 0)
            state.modal = .form(form)
            return []
        case .templatesLoaded(let templates):
            state.queue.templates = templates
            return []
        case .templateFilled(let id, let text):
            return ReplyTemplates.filled(id, text, &state)
        case .failed(let text):
            state.message = .error(text)
            return []
        }
    }

    // MARK: - Keys

    /// A key: the table says what it means where the keyboard is; a command that is not possible now says why
    /// instead of running; a printable character where there is a text field types.
    static func handle(_ key: Key, _ state: inout ConsoleState) -> [ConsoleEffect] {
        let context = state.keyContext
        if context == .pane && key != .escape { state.message = .empty }
        guard let binding = KeyTable.binding(for: key, in: context, pane: state.pane) else {
            return type(key, in: context, &state)
        }
        if let reason = disabledReason(binding, in: context, state) {
            state.message = .error(reason)
            return []
        }
        switch context {
        case .pane, .search, .count:
            return run(binding.command, key: key, in: context, &state)
        case .form, .picker, .commandLine, .question, .help:
            return Modals.run(binding.command, key: key, in: context, &state)
        }
    }

    /// A key the table leaves to a text field: printable characters, and the editing keys the table binds to it.
    static func type(_ key: Key, in context: KeyContext, _ state: inout ConsoleState) -> [ConsoleEffect] {
        switch context {
        case .search:
            guard state.inventory.searchField.handle(key) == .edited else { return [] }
            state.inventory.query.search = state.inventory.searchField.text
            return Inventory.reload(&state)
        case .count:
            guard var work = state.inventory.count else { return [] }
            _ = work.field.handle(key)
            state.inventory.count = work
            return []
        case .form, .picker, .commandLine:
            return Modals.type(key, &state)
        case .pane, .question, .help:
            return []
        }
    }

    /// Why a binding's command cannot run now, or nil when it can. The rules are Core's (permissions, the queue's
    /// transitions, what an item or a count accepts), asked here in its words; the console adds only what it alone
    /// knows (nothing selected, an empty box).
    static func disabledReason(_ binding: KeyBinding, in context: KeyContext, _ state: ConsoleState) -> String? {
        if let permission = binding.permission {
            do { try Permissions.require(permission, of: state.user) } catch { return error.message }
        }
        switch binding.command {
        case .receipt: return Inventory.refusal(.receipt, state)
        case .issue: return Inventory.refusal(.issue, state)
        case .transfer: return Inventory.refusal(.transfer, state)
        case .adjust: return Inventory.refusal(.adjustment, state)
        case .count where context == .pane: return Inventory.refusal(.count, state)
        case .hold, .open: return state.inventory.list.selected == nil ? Inventory.nothingSelected : nil
        case .copy: return copyRefusal(state)
        case .claim: return QueuePane.refusal(.claim, state)
        case .answer: return QueuePane.refusal(.answer, state)
        case .waitOnSales: return QueuePane.refusal(.wait, state)
        case .reply: return QueuePane.refusal(.reply, state)
        case .close: return QueuePane.refusal(.close, state)
        case .reopen: return QueuePane.refusal(.reopen, state)
        case .reassign: return QueuePane.refusal(.reassign, state)
        case .enterCount, .postCount: return CountKeys.refusal(binding.command, state)
        case .take:
            // In the saved views' picker, Enter on a name that matches no view saves the view under it.
            guard case .picker(let picker) = state.modal, picker.choices.isEmpty else { return nil }
            if case .template = picker.kind { return "no reply template matches what is typed" }
            if case .view = picker.kind { return nil }
            return "nothing to take yet: type part of a code or a name"
        case .answerWithTemplate, .insertTemplate:
            return ReplyTemplates.refusal(binding.command, key: binding.keys[0], state)
        case .insertFacts:
            guard case .form(let form) = state.modal, case .act(_, .answer) = form.purpose else {
                return "\(binding.keys[0]) inserts live stock and price into an answer, and this is not one"
            }
            return nil
        default:
            return nil
        }
    }

    /// Runs a command of the pane, the search box or a count.
    static func run(_ command: ConsoleCommand, key: Key, in context: KeyContext, _ state: inout ConsoleState) -> [ConsoleEffect] {
        switch command {
        case .quit:
            return quit(&state)
        case .help:
            let content = helpRects(state).content
            state.modal = .help(HelpView(sections: helpSections(for: state), width: content.width, height: content.height))
            return []
        case .back:
            if !state.message.text.isEmpty {
                state.message = .empty
                return []
            }
            if state.pane == .inventory && !state.inventory.query.search.isEmpty {
                return Inventory.search(for: "", &state)
            }
            return []
        case .nextPane:
            return show(state.pane.next, &state)
        case .previousPane:
            return show(state.pane.previous, &state)
        case .showPane(let pane):
            return show(pane, &state)
        case .commandLine:
            state.modal = .commandLine(commandLineField(state))
            return []
        case .findRequest:
            var field = commandLineField(state, text: "req ")
            _ = field.handle(.end)
            state.modal = .commandLine(field)
            return []
        case .moveUp, .moveDown, .pageUp, .pageDown, .top, .bottom:
            if context == .count { return CountKeys.move(command, &state) }
            return moveList(command, &state)
        case .search:
            state.inventory.searching = true
            return []
        case .keepSearch:
            state.inventory.searching = false
            return []
        case .clearSearch:
            state.inventory.searching = false
            guard !state.inventory.query.search.isEmpty else { return [] }
            return Inventory.search(for: "", &state)
        case .enterCount: return CountKeys.enter(&state)
        case .postCount: return CountKeys.post(&state)
        case .leaveCount: return CountKeys.leave(&state)
        case .open:
            return Inventory.priceSelected(&state)
        case .receipt: return Inventory.openMovement(.receipt, &state)
        case .issue: return Inventory.openMovement(.issue, &state)
        case .transfer: return Inventory.openMovement(.transfer, &state)
        case .adjust: return Inventory.openMovement(.adjustment, &state)
        case .count: return Inventory.openMovement(.count, &state)
        case .hold: return Inventory.openHold(&state)
        case .countSession:
            return CountKeys.open(&state)
        case .filter:
            state.modal = .form(ActionForms.filter(state.inventory.query, locations: state.locations))
            return []
        case .toggleBelowReorder:
            state.inventory.query.belowReorderOnly.toggle()
            state.message = .info(state.inventory.query.belowReorderOnly ? "only items below their reorder point" : "all items")
            return Inventory.reload(&state)
        case .sortNext, .sortPrevious, .reverseSort:
            return ListViews.sort(command, &state)
        case .views:
            return ListViews.open(&state)
        case .pickAccount:
            return Pricing.openPicker(.account, &state)
        case .pickItem:
            return Pricing.openPicker(.item, &state)
        case .setQuantity:
            state.modal = .form(ActionForms.quantity(state.pricing.quantity))
            return []
        case .setDate:
            state.modal = .form(ActionForms.date(state.pricing.date))
            return []
        case .newRequest:
            return openNewRequest(&state)
        case .export:
            return exportList(&state)
        case .copy:
            return copyShown(&state)
        case .claim:
            return QueuePane.act(.claim, &state)
        case .answer:
            return QueuePane.act(.answer, &state)
        case .waitOnSales:
            return QueuePane.act(.wait, &state)
        case .reply:
            return QueuePane.act(.reply, &state)
        case .close:
            return QueuePane.act(.close, &state)
        case .reopen:
            return QueuePane.act(.reopen, &state)
        case .reassign:
            return QueuePane.act(.reassign, &state)
        case .answerWithTemplate:
            return ReplyTemplates.open(from: nil, &state)
        case .cycleScope:
            return QueuePane.cycleScope(&state)
        case .cycleState:
            return QueuePane.cycleState(&state)
        case .editText:
            return type(key, in: context, &state)
        case .nextField, .previousField, .advance, .submit, .insertFacts, .insertTemplate, .cancel, .take, .saveView, .deleteView, .run,
             .yes, .no, .chooseButton, .switchButton, .closeHelp:
            // Commands of the windows over a pane; the table binds none of them here.
            return []
        }
    }

    /// The `:` command line, its placeholder naming the commands it knows.
    static func commandLineField(_ state: ConsoleState, text: String = "") -> TextField {
        TextField(text: text, placeholder: FastPath.syntax.joined(separator: KeyTable.modeHintSeparator), width: max(10, state.width - 4),
                  maxLength: 200)
    }

    /// `q`: quits at once, or asks first when a form holds typed input. The question sits over the form, so "Stay"
    /// goes back to it with what was typed.
    static func quit(_ state: inout ConsoleState) -> [ConsoleEffect] {
        if case .form(var form) = state.modal, form.form.isDirty {
            form.discarding = ConfirmDialog(title: "Quit", message: ["Quit and lose what you typed in \(form.title)?"],
                                            confirmLabel: "Quit", cancelLabel: "Stay", defaultButton: .cancel)
            form.quitsOnDiscard = true
            state.modal = .form(form)
            return []
        }
        state.quitting = true
        return [.quit]
    }

    static func show(_ pane: Pane, _ state: inout ConsoleState) -> [ConsoleEffect] {
        guard pane != state.pane else { return [] }
        state.pane = pane
        if pane == .queue && state.queue.list.table.list.rowCount == 0 && state.queue.list.window.rows.isEmpty {
            return QueuePane.reload(&state) + ReplyTemplates.load(state)
        }
        // The reply templates are read again each time the Queue shows: `t` says at once whether there are any.
        return pageEffects(&state) + (pane == .queue ? ReplyTemplates.load(state) : [])
    }

    /// Moves the selection of the pane's list.
    static func moveList(_ command: ConsoleCommand, _ state: inout ConsoleState) -> [ConsoleEffect] {
        // The list widget's own keys for each move.
        let key: Key = switch command {
        case .moveUp: .up
        case .moveDown: .down
        case .pageUp: .pageUp
        case .pageDown: .pageDown
        case .top: .home
        default: .end
        }
        switch state.pane {
        case .inventory:
            guard state.inventory.list.table.handle(key) == .moved else { return [] }
            return pageEffects(&state) + Inventory.followSelection(&state)
        case .queue:
            guard state.queue.list.table.handle(key) == .moved else { return [] }
            return pageEffects(&state) + QueuePane.followSelection(&state, moved: true)
        case .pricing:
            return []
        }
    }

    /// The page fetches the lists on screen (or of `pane`) need now.
    static func pageEffects(_ state: inout ConsoleState, pane: Pane? = nil, refresh: Bool = false) -> [ConsoleEffect] {
        switch pane ?? state.pane {
        case .inventory:
            return state.inventory.list.plan(refresh: refresh).map { [.loadItems(state.inventory.query, $0)] } ?? []
        case .queue:
            return state.queue.list.plan(refresh: refresh).map { [.loadRequests(state.queue.query, $0)] } ?? []
        case .pricing:
            return []
        }
    }

    /// After a write here or a change elsewhere: fetch again what is on screen.
    static func exportList(_ state: inout ConsoleState) -> [ConsoleEffect] {
        switch state.pane {
        case .inventory:
            state.message = .info("exporting the list…")
            return [.export(.inventory(state.inventory.query))]
        case .queue:
            state.message = .info("exporting the list…")
            return [.export(.queue(state.queue.query))]
        case .pricing:
            return []
        }
    }

    /// What `y` would copy here, or nil; `copyRefusal` says why not.
    static func shownText(_ state: ConsoleState) -> (what: String, text: String)? {
        switch state.pane {
        case .pricing:
            guard let quote = state.pricing.quote else { return nil }
            return ("the quote", ViewExport.quoteText(quote, itemName: state.pricing.item?.name))
        case .queue:
            guard let detail = state.queue.detail, let text = ViewExport.answerText(detail) else { return nil }
            return ("request #\(detail.request.id)'s answer", text)
        case .inventory:
            return nil
        }
    }

    static func copyRefusal(_ state: ConsoleState) -> String? {
        guard shownText(state) == nil else { return nil }
        switch state.pane {
        case .pricing: return "no quote to copy: choose an account (a) and an item (i)"
        case .queue:
            guard let request = state.queue.detail?.request else { return "no request selected" }
            return "request \(request.id) has no answer or question back to copy yet"
        case .inventory: return "nothing to copy here"
        }
    }

    static func copyShown(_ state: inout ConsoleState) -> [ConsoleEffect] {
        guard let shown = shownText(state) else { return [] }
        let text = ViewExport.clipboard(shown.text)
        state.message = .info("copied \(shown.what) to the clipboard (\(text.count) characters)")
        return [.copy(text)]
    }

    /// Reads the badge again, for a user with a side in the Queue (who files or answers requests).
    static func readAttention(_ state: ConsoleState) -> [ConsoleEffect] {
        state.user.may(.fileRequests) || state.user.may(.answerRequests) ? [.loadAttention] : []
    }

    static func refresh(_ state: inout ConsoleState) -> [ConsoleEffect] {
        var effects: [ConsoleEffect] = []
        switch state.pane {
        case .inventory:
            effects += [.countItems(state.inventory.query, generation: state.inventory.list.generation)]
            effects += pageEffects(&state, refresh: true)
            if let sku = state.inventory.list.selected?.item.sku { effects.append(.loadItemDetail(sku: sku)) }
        case .queue:
            effects += pageEffects(&state, refresh: true)
            if let id = state.queue.detail?.request.id { effects.append(.loadRequest(id)) }
            effects += ReplyTemplates.load(state)
        case .pricing:
            effects += Pricing.requote(&state)
        }
        return effects
    }

    static func openNewRequest(_ state: inout ConsoleState) -> [ConsoleEffect] {
        let p = state.pricing
        let fromPricing = state.pane == .pricing
        let sku = fromPricing ? p.item?.sku ?? "" : state.pane == .inventory ? state.inventory.list.selected?.item.sku ?? "" : ""
        let form = ActionForms.newRequest(account: fromPricing ? p.account?.code ?? "" : "", sku: sku,
                                          quantity: fromPricing && p.item != nil ? p.quantity : nil,
                                          kind: fromPricing ? .price : sku.isEmpty ? .other : .stock)
        state.modal = .form(form)
        return []
    }

    /// Sizes the lists and forms to the screen.
    static func layout(_ state: inout ConsoleState) {
        let listHeight = InventoryDrawing.listRect(state).height
        state.inventory.list.table.height = listHeight
        state.queue.list.table.height = QueueDrawing.listRect(state).height
    }

    static func helpSections(for state: ConsoleState) -> [HelpSection] {
        KeyTable.help(in: state.pane, for: state.user)
    }
}
