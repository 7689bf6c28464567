import BackOfficeCore
import Foundation
import SQLKit

extension Store {
    static let requestSelect = """
        SELECT r.id, r.kind, a.code AS account, i.sku, r.quantity, r.text, r.priority, r.state, q.name AS requester,
               s.name AS assignee, r.created_at, r.due_at, r.updated_at, r.first_response_at, r.resolved_at
        FROM requests r JOIN accounts a ON a.id = r.account_id LEFT JOIN items i ON i.id = r.item_id
        JOIN users q ON q.id = r.requester_id LEFT JOIN users s ON s.id = r.assignee_id
        """

    static func request(_ row: any SQLRow) throws -> Request {
        Request(id: try row.int("id"), kind: RequestKind(rawValue: try row.string("kind")) ?? .other,
                account: try row.string("account"), sku: try row.optionalString("sku"),
                quantity: try row.optionalInt("quantity").map(Int.init), text: try row.string("text"),
                priority: Priority(rawValue: try row.string("priority")) ?? .normal,
                state: RequestState(rawValue: try row.string("state")) ?? .new, requester: try row.string("requester"),
                assignee: try row.optionalString("assignee"), createdAt: try row.date("created_at"),
                dueAt: try row.date("due_at"), updatedAt: try row.date("updated_at"),
                firstResponseAt: try row.optionalDate("first_response_at"), resolvedAt: try row.optionalDate("resolved_at"))
    }

    func requireRequest(_ id: Int64) async throws -> Request {
        guard let request = try await row("\(unsafeRaw: Store.requestSelect) WHERE r.id = \(bind: id)").map(Store.request) else {
            throw Failure.notFound("request", String(id))
        }
        return request
    }

    /// Files a request; it is routed to the account's manager, or the backup when the manager is away.
    public func fileRequest(kind: RequestKind, account code: String, sku: String?, quantity: Int?, text: String,
                            priority: Priority, by actor: Actor) async throws -> Request {
        try actor.require(.fileRequests)
        let text = try Queue.checkText(text)
        if let quantity { _ = try Validate.quantity(quantity) }
        return try await write {
            let account = try await requireAccount(code)
            var item: Item?, manager: User?, backup: User?, assignee: Int64?
            if let sku { item = try await requireItem(sku: sku) }
            if let name = account.manager { manager = try await findUser(name) }
            if let name = account.backupManager { backup = try await findUser(name) }
            if let name = Queue.route(manager: manager, backup: backup) { assignee = try await requireUser(name).id }
            let created = now
            let rules = try await serviceRules()
            let due = Store.firstDue(filed: created, priority: priority, rules: rules)
            let id = try await insertReturningID("""
                INSERT INTO requests (kind, account_id, item_id, quantity, text, priority, state, requester_id, assignee_id,
                                      created_at, due_at, updated_at)
                VALUES (\(bind: kind.rawValue), \(bind: account.id), \(bind: item?.id), \(bind: quantity), \(bind: text),
                        \(bind: priority.rawValue), 'new', \(bind: actor.user.id), \(bind: assignee), \(bind: UTC.seconds(created)),
                        \(bind: UTC.seconds(due)), \(bind: UTC.seconds(created)))
                """)
            try await addEvent(id, actor: actor, action: "file", from: nil, to: .new, text: text, snapshot: nil)
            let request = try await withSLA([try await requireRequest(id)], rules: rules)[0]
            try await audit(actor, "request.file", "request \(id) account \(account.code)",
                            after: "\(kind.rawValue) \(priority.rawValue) to \(request.assignee ?? "unassigned")")
            return request
        }
    }

    private func addEvent(_ id: Int64, actor: Actor, action: String, from: RequestState?, to: RequestState, text: String,
                          snapshot: String?) async throws {
        try await run("""
            INSERT INTO request_events (request_id, at, actor, action, from_state, to_state, text, snapshot)
            VALUES (\(bind: id), \(bind: UTC.seconds(now)), \(bind: actor.user.name), \(bind: action), \(bind: from?.rawValue),
                    \(bind: to.rawValue), \(bind: text), \(bind: snapshot))
            """)
    }

    /// Moves a request through the queue. An answer records the live stock and quote for the request's item,
    /// account and quantity, as the salesperson may see them.
    public func act(on id: Int64, _ action: RequestAction, text: String = "", assignTo: String? = nil,
                    by actor: Actor) async throws -> Request {
        let text = action.needsText ? try Queue.checkText(text) : try Queue.checkNote(text)
        return try await write { try await transition(id, action, text: { _, _ in text }, assignTo: assignTo, by: actor) }
    }

    /// Moves a request, inside the caller's write transaction. `text` gives the event's text from the request and, for
    /// an answer, the live basis the answer's snapshot keeps (a reply template is filled from that same basis).
    func transition(_ id: Int64, _ action: RequestAction, text makeText: (Request, AnswerSnapshot?) throws -> String,
                    assignTo: String?, by actor: Actor) async throws -> Request {
        let request = try await requireRequest(id)
        guard Queue.mayView(request, user: actor.user) else { throw Failure.notFound("request", String(id)) }
        try Queue.authorize(action, on: request, by: actor.user)
        let next = try Queue.next(request, action)
        var assignee = request.assignee
        switch action {
        case .claim: assignee = actor.user.name
        case .answer, .wait: if assignee == nil { assignee = actor.user.name }
        case .reassign:
            guard let target = assignTo else { throw Failure(.usage, "reassign: name the manager with --to") }
            let user = try await requireUser(target)
            guard user.may(.answerRequests), user.active else {
                throw Failure.invalid("to", target, "is not an active user who answers requests")
            }
            assignee = user.name
        case .close, .reopen, .reply: break
        }
        var snapshot: String?
        var basis: AnswerSnapshot?
        if action == .answer {
            basis = try await answerBasis(for: request)
            snapshot = try basis?.json
        }
        let text = try makeText(request, basis)
        var assigneeID: Int64?
        if let assignee { assigneeID = try await requireUser(assignee).id }
        try await run("""
            UPDATE requests SET state = \(bind: next.rawValue), assignee_id = \(bind: assigneeID), updated_at = \(bind: UTC.seconds(now))
            WHERE id = \(bind: id)
            """)
        let rules = try await serviceRules()
        try await recordSLA(of: request, after: action, to: next, rules: rules)
        try await addEvent(id, actor: actor, action: action.rawValue, from: request.state, to: next,
                           text: action == .reassign ? "to \(assignee ?? "")" + (text.isEmpty ? "" : ": \(text)") : text,
                           snapshot: snapshot)
        try await audit(actor, "request.\(action.rawValue)", "request \(id)",
                        before: "\(request.state.rawValue) \(request.assignee ?? "unassigned")",
                        after: "\(next.rawValue) \(assignee ?? "unassigned")")
        return try await withSLA([try await requireRequest(id)], rules: rules)[0]
    }

    /// The live stock and quote of a request's item, as its requester may see them: what an answer may quote (the
    /// console's answer facts). Sales sees only sellable locations, their receipts included, and no cost or margin.
    public func answerBasis(forRequest id: Int64, by actor: Actor) async throws -> AnswerSnapshot? {
        try actor.require(.viewStock)
        return try await snapshot {
            let request = try await requireRequest(id)
            guard Queue.mayView(request, user: actor.user) else { throw Failure.notFound("request", String(id)) }
            return try await answerBasis(for: request)
        }
    }

    func answerBasis(for request: Request) async throws -> AnswerSnapshot? {
        // The item's stock read once, for the stock answer and the promise both.
        guard let sku = request.sku, let found = try await itemStock(sku: sku) else { return nil }
        let reader = try await requireUser(request.requester)
        let stock = found.answer.visible(to: reader)
        let quote = (try? await makeQuote(sku: sku, account: request.account, quantity: request.quantity ?? 1, on: Day(now)))?.visible(to: reader)
        // Over the sellable locations, which is all a requester may see.
        let promise = try? await promiseAnswer(found, quantity: max(1, request.quantity ?? 1), at: nil, includeOverdue: false, for: reader)
        return AnswerSnapshot(takenAt: now, stock: stock, quote: quote, promise: promise)
    }

    /// A request and its thread, if the acting user may see it.
    public func request(_ id: Int64, by actor: Actor) async throws -> RequestDetail {
        try await snapshot {
            let request = try await requireRequest(id)
            guard Queue.mayView(request, user: actor.user) else { throw Failure.notFound("request", String(id)) }
            let events = try await rows("""
                SELECT * FROM request_events WHERE request_id = \(bind: id) ORDER BY id
                """).map { row in
                RequestEvent(at: try row.date("at"), actor: try row.string("actor"), action: try row.string("action"),
                             from: try row.optionalString("from_state").flatMap(RequestState.init(rawValue:)),
                             to: RequestState(rawValue: try row.string("to_state")) ?? .new, text: try row.string("text"),
                             snapshot: try row.optionalString("snapshot"))
            }
            return RequestDetail(request: try await withSLA([request])[0], events: events)
        }
    }

    /// Which requests to list (kept under this name for the command line).
    public typealias StateFilter = RequestStateFilter

    /// Requests in a view, oldest due first, a page at a time. Salespeople only ever see their own.
    public func requests(view: QueueView, state: StateFilter = .open, limit: Int = 100, offset: Int = 0,
                         by actor: Actor) async throws -> [Request] {
        try await requests(RequestListQuery(view: view, state: state), limit: limit, offset: offset, by: actor)
    }

    /// Requests in a view, in the query's order (ties broken by number, the same way), a page at a time.
    /// Salespeople only ever see their own.
    public func requests(_ query: RequestListQuery, limit: Int = 100, offset: Int = 0,
                         by actor: Actor) async throws -> [Request] {
        try await read {
            let order = Store.requestOrder(query.sort)
            let direction: SQLQueryString = query.descending ? " DESC" : ""
            var sql: SQLQueryString = "\(unsafeRaw: Store.requestSelect) WHERE \(requestFilter(query, for: actor))"
            sql += " ORDER BY \(order)\(direction), r.id\(direction) LIMIT \(bind: max(1, min(limit, 1_000))) OFFSET \(bind: max(0, offset))"
            return try await withSLA(try await rows(sql).map(Store.request))
        }
    }

    /// Where request `id` is in the list now (how many requests come before it), or nil when the list does not hold
    /// it: after the queue is sorted another way, the console keeps the same request selected.
    public func requestPosition(_ id: Int64, in query: RequestListQuery, by actor: Actor) async throws -> Int? {
        try await read {
            let filter = requestFilter(query, for: actor)
            guard try await row("SELECT r.id FROM requests r JOIN accounts a ON a.id = r.account_id WHERE \(filter) AND r.id = \(bind: id)") != nil else {
                return nil
            }
            // The same expressions on both sides, the request's own read in a subquery (its aliases hiding the outer
            // ones), so the comparison orders exactly as ORDER BY does, whatever the engine's collations.
            let order = Store.requestOrder(query.sort)
            return try await row("""
                SELECT COUNT(*) AS n FROM requests r JOIN accounts a ON a.id = r.account_id LEFT JOIN items i ON i.id = r.item_id
                JOIN users q ON q.id = r.requester_id
                WHERE \(filter) AND (\(order), r.id) \(unsafeRaw: query.descending ? ">" : "<") (
                    SELECT \(order), r.id FROM requests r JOIN accounts a ON a.id = r.account_id LEFT JOIN items i ON i.id = r.item_id
                    JOIN users q ON q.id = r.requester_id WHERE r.id = \(bind: id))
                """)?.integer("n") ?? 0
        }
    }

    /// The requests a query's view and state filter select, on `requests r JOIN accounts a`.
    private func requestFilter(_ query: RequestListQuery, for actor: Actor) -> SQLQueryString {
        let me = actor.user.id
        let view = actor.user.may(.viewAllRequests) ? query.view : .filed
        var sql: SQLQueryString = "1 = 1"
        switch view {
        case .mine: sql += " AND r.assignee_id = \(bind: me)"
        case .myAccounts: sql += " AND (a.manager_id = \(bind: me) OR a.backup_id = \(bind: me))"
        case .unassigned: sql += " AND r.assignee_id IS NULL"
        case .all: break
        case .filed: sql += " AND r.requester_id = \(bind: me)"
        }
        switch query.state {
        case .open: sql += " AND r.state <> 'closed'"
        case .only(let s): sql += " AND r.state = \(bind: s.rawValue)"
        case .any: break
        }
        return sql
    }

    /// The expression a queue column orders by, on `requestSelect`'s aliases. States go in the workflow's order and
    /// priorities most urgent first; a request without an item sorts first by item. No index serves these orders
    /// beyond the filters' own (a queue view holds hundreds of requests, not millions); the due time and the number
    /// were the queue's order before.
    static func requestOrder(_ sort: RequestListQuery.Sort) -> SQLQueryString {
        switch sort {
        case .id: "r.id"
        case .state: "CASE r.state WHEN 'new' THEN 0 WHEN 'claimed' THEN 1 WHEN 'answered' THEN 2 WHEN 'waiting' THEN 3 ELSE 4 END"
        case .priority: "CASE r.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END"
        case .account: "a.code"
        case .item: "COALESCE(i.sku, '')"
        case .requester: "q.name"
        case .due: "r.due_at"
        }
    }

    /// What the Queue holds that needs this user now, and how much of their side is late (see `QueueAttention`): the
    /// console's tab-bar badge. Reads only the user's open requests, through the assignee and requester indexes.
    public func attention(for actor: Actor, at now: Date) async throws -> QueueAttention {
        let side = QueueAttention.Side(actor.user)
        let column = side == .manager ? "assignee_id" : "requester_id"
        let states = QueueAttention.states(for: side).map(\.rawValue)
        return try await read {
            var query: SQLQueryString = """
                SELECT r.state, r.due_at,
                       (SELECT e.action FROM request_events e WHERE e.request_id = r.id ORDER BY e.id DESC LIMIT 1) AS last_action
                FROM requests r WHERE r.\(unsafeRaw: column) = \(bind: actor.user.id) AND r.state IN (
                """
            for (index, state) in states.enumerated() { query += index == 0 ? "\(bind: state)" : ", \(bind: state)" }
            query += ")"
            let rows = try await rows(query).map { row in
                QueueAttention.Row(state: RequestState(rawValue: try row.string("state")) ?? .new, dueAt: try row.date("due_at"),
                                   lastAction: try row.optionalString("last_action").flatMap(RequestAction.init(rawValue:)))
            }
            return QueueAttention.tally(rows, side: side, at: now)
        }
    }
}
