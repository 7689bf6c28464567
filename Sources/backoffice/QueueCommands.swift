import ArgumentParser
import BackOfficeCore
import BackOfficeStore
import Foundation

struct HoldCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "hold", abstract: "Reserve stock for a customer.",
                                                    subcommands: [Add.self, Release.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Place a hold; refused when it would take more than is available.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "SKU.") var sku: String
        @Argument(help: "Quantity.") var quantity: Int
        @Option(help: "Location.") var at: String
        @Option(help: "Account the stock is held for.") var account: String
        @Option(help: "Expiry: a date, a time, or a duration such as 3d (default 7d, at most 90d).") var expires: String?

        func run() async throws {
            let expiry = try expires.map { try parseMoment($0, field: "expires") }
            let hold = try await global.withSession {
                try await $0.store.placeHold(sku: sku, quantity: quantity, location: at, account: account, expiresAt: expiry, by: $0.actor)
            }
            if output.json { try Output.json(hold); return }
            Output.line("hold #\(hold.id): \(hold.quantity) \(hold.sku) at \(hold.location) for \(hold.account) until \(Output.time(hold.expiresAt))")
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "release", abstract: "Release a hold.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Hold number.") var id: Int64
        func run() async throws {
            let hold = try await global.withSession { try await $0.store.releaseHold(id, by: $0.actor) }
            Output.line("released hold #\(hold.id) (\(hold.quantity) \(hold.sku) at \(hold.location))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Active holds (sales see their own).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Only this SKU.") var sku: String?
        @Option(help: "Only this account.") var account: String?
        @Flag(help: "Include released and expired holds.") var all = false
        @Option(help: "At most this many.") var limit = 100

        func run() async throws {
            let holds = try await global.withSession {
                try await $0.store.holds(sku: sku, account: account, activeOnly: !all, limit: limit, by: $0.actor)
            }
            if output.json { try Output.json(holds); return }
            let now = Date()
            Output.table(["ID", "SKU", "AT", "QTY", "ACCOUNT", "OWNER", "EXPIRES", "STATE"], holds.map {
                [String($0.id), $0.sku, $0.location, String($0.quantity), $0.account, $0.owner, Output.time($0.expiresAt),
                 $0.releasedAt != nil ? "released" : ($0.isActive(at: now) ? "active" : "expired")]
            }, right: [0, 3])
        }
    }
}

struct RequestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "The account-manager queue.",
        subcommands: [New.self, List.self, Show.self, Watch.self, Claim.self, Answer.self, Wait.self, Reply.self, Close.self, Reopen.self, Reassign.self,
                      RequestStats.self, Template.self])

    struct New: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "new", abstract: "Ask a customer's account manager a question.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "Account code.") var account: String
        @Option(help: "stock, price, quote or other.") var kind = "other"
        @Option(help: "The item it is about.") var sku: String?
        @Option(name: .customLong("qty"), help: "Quantity.") var quantity: Int?
        @Option(help: "low, normal, high or urgent.") var priority = "normal"
        @Argument(help: "The question.") var text: String
        @Flag(help: "Stay until the manager answers or asks back, and print that (for one-shot use over SSH).") var wait = false
        @Option(help: ArgumentHelp("With --wait: how long to wait (such as 10m or 1h).", valueName: "time")) var timeout = "10m"

        func run() async throws {
            let limit = try ServiceLevel.parseDuration(timeout, field: "timeout")
            guard let kind = RequestKind(rawValue: kind.lowercased()) else {
                throw Failure.invalid("kind", kind, "use one of \(RequestKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let priority = Priority(rawValue: priority.lowercased()) else {
                throw Failure.invalid("priority", priority, "use one of \(Priority.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let request = try await global.withSession { session in
                try await session.store.fileRequest(kind: kind, account: account, sku: sku, quantity: quantity, text: text,
                                                    priority: priority, by: session.actor)
            }
            if !output.json {
                Output.line("filed request #\(request.id) for \(request.account), assigned to \(request.assignee ?? "nobody (both managers away)"), due \(Output.time(request.dueAt))")
            }
            guard wait else {
                if output.json { try Output.json(request) }
                return
            }
            if !output.json { Output.line("waiting up to \(ServiceLevel.describe(limit)) for the answer…") }
            Output.flush()
            // Waited for on a session of its own, as `request watch` does.
            try await global.withSession { session in
                try RequestCommand.printSettled(try await RequestCommand.waitUntilSettled(request.id, session: session, seconds: limit),
                                                json: output.json)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Requests in a view, the soonest due first.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Option(help: "mine, accounts, unassigned, all, filed (sales always see what they filed).") var view = "all"
        @Option(help: "open (default), any, or one state: new, claimed, answered, waiting, closed.") var state = "open"
        @Option(help: "At most this many.") var limit = 100

        func run() async throws {
            guard let view = QueueView(rawValue: view.lowercased()) else {
                throw Failure.invalid("view", view, "use one of \(QueueView.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let filter: Store.StateFilter
            switch state.lowercased() {
            case "open": filter = .open
            case "any": filter = .any
            default:
                guard let s = RequestState(rawValue: state.lowercased()) else {
                    throw Failure.invalid("state", state, "use open, any, or one of \(RequestState.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                filter = .only(s)
            }
            let requests = try await global.withSession { try await $0.store.requests(view: view, state: filter, limit: limit, by: $0.actor) }
            if output.json { try Output.json(requests); return }
            let now = Date()
            Output.table(Render.requestHeader, requests.map { Render.request($0, now: now) }, right: [0, 6])
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A request with its thread and the snapshot of each answer.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Request number.") var id: Int64

        func run() async throws {
            let detail = try await global.withSession { try await $0.store.request(id, by: $0.actor) }
            if output.json { try Output.json(detail); return }
            let r = detail.request
            Output.line("request #\(r.id) · \(r.state.rawValue) · \(r.priority.rawValue) · \(r.kind.rawValue) · account \(r.account)"
                        + (r.sku.map { " · \($0)" } ?? "") + (r.quantity.map { " × \($0)" } ?? ""))
            Output.line("from \(r.requester), assigned to \(r.assignee ?? "nobody"), due \(Output.time(r.dueAt))"
                        + (r.isOverdue(at: Date()) ? " (OVERDUE)" : ""))
            if let sla = r.sla {
                Output.line("SLA in working time: response \(Self.describe(sla.response)); resolution \(Self.describe(sla.resolution))")
            }
            for event in detail.events {
                Output.line("")
                Self.print(event)
            }
        }

        /// "met, 1h05m of 4h", "3h20m left of 4h", "late by 45m", "paused, 1h of 10h used".
        static func describe(_ clock: SLAClock) -> String {
            let used = ServiceLevel.describe(clock.elapsed), target = ServiceLevel.describe(clock.target)
            switch clock.status {
            case .met: return "met, \(used) of \(target)"
            case .missed: return "missed, \(used) against \(target)"
            case .running, .breachingSoon: return "\(ServiceLevel.describe(clock.remaining)) left of \(target)"
            case .breached: return "late by \(ServiceLevel.describe(-clock.remaining)) (target \(target))"
            case .paused: return "paused, \(used) of \(target) used"
            }
        }

        /// One step of a thread: who did what when, its text, and what an answer was based on.
        static func print(_ event: RequestEvent) {
            Output.line("\(Output.time(event.at))  \(event.actor)  \(event.action)  → \(event.to.rawValue)")
            if !event.text.isEmpty { Output.line("  " + Output.safe(event.text).replacingOccurrences(of: "\u{240A}", with: "\n  ")) }
            guard let snapshot = event.snapshot, let parsed = AnswerSnapshot(json: snapshot) else { return }
            if let stock = parsed.stock {
                Output.line("  stock then: " + stock.lines.map { "\($0.location) \($0.position.available) available" }.joined(separator: ", "))
            }
            if let quote = parsed.quote {
                Output.line("  price then: \(quote.unitPrice.formatted) each, \(quote.extendedPrice.formatted) for \(quote.quantity) (\(quote.rule))")
            }
            if let promise = parsed.promise { Output.line("  when then: \(Output.safe(promise.sentence))") }
        }
    }

    /// Waits until a request is back with its requester (answered, asked back or closed), watching the store's change
    /// counter; gives the request and its thread. Refuses after `seconds` with exit status 75 (try again).
    static func waitUntilSettled(_ id: Int64, session: Session, seconds: Int) async throws -> RequestDetail {
        let deadline = ContinuousClock.now + .seconds(seconds)
        // The change counter first, then the request: a change committed between the two reads is seen again, never
        // missed.
        var version = try await session.store.dataVersion()
        var detail = try await session.store.request(id, by: session.actor)
        var polls = 0
        while !detail.request.state.isBackWithRequester {
            guard ContinuousClock.now < deadline else {
                throw Failure(.busy, "no answer to request #\(id) within \(ServiceLevel.describe(seconds)): it is \(detail.request.state.rawValue)"
                              + (detail.request.assignee.map { " with \($0)" } ?? "") + "; `request watch \(id)` waits again")
            }
            try await Task.sleep(for: .milliseconds(250))
            polls += 1
            let now = try await session.store.dataVersion()
            // A change another session committed moves the counter; the request is read again once a second as well.
            if now != version || polls % 4 == 0 {
                version = now
                detail = try await session.store.request(id, by: session.actor)
            }
        }
        return detail
    }

    /// What a waiting requester is told: the last step of the thread (the answer with what it was based on, or the
    /// question back).
    static func printSettled(_ detail: RequestDetail, json: Bool) throws {
        if json { try Output.json(detail); return }
        let r = detail.request
        let headline = switch r.state {
        case .answered: "answered"
        case .waitingOnSales: "asked back (reply with `request reply \(r.id) TEXT`)"
        default: r.state.rawValue
        }
        Output.line("request #\(r.id) \(headline)")
        if let last = detail.events.last { Show.print(last) }
    }

    /// `request watch N`: the answer when it comes.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "watch", abstract: "Wait for the answer to a request (or the manager's question back) and print it.",
            discussion: "Returns at once when the request is already answered, asked back or closed. Exit status 75 when the time runs out.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "Request number.") var id: Int64
        @Option(help: ArgumentHelp("How long to wait (such as 10m or 1h).", valueName: "time")) var timeout = "10m"

        func run() async throws {
            let limit = try ServiceLevel.parseDuration(timeout, field: "timeout")
            try await global.withSession { session in
                try RequestCommand.printSettled(try await RequestCommand.waitUntilSettled(id, session: session, seconds: limit), json: output.json)
            }
        }
    }

    /// The shared shape of the transition commands.
    static func act(_ id: Int64, _ action: RequestAction, text: String = "", to: String? = nil, global: GlobalOptions) async throws {
        let request = try await global.withSession { try await $0.store.act(on: id, action, text: text, assignTo: to, by: $0.actor) }
        Output.line("request #\(request.id) is \(request.state.rawValue)" + (request.assignee.map { ", assigned to \($0)" } ?? ""))
    }

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "claim", abstract: "Take a request.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Request number.") var id: Int64
        func run() async throws { try await RequestCommand.act(id, .claim, global: global) }
    }

    struct Answer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "answer", abstract: "Answer a request; the live stock and price are kept with the answer.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Request number.") var id: Int64
        @Argument(help: "The answer (or give --template).") var text: String?
        @Option(help: ArgumentHelp("Answer with this reply template, filled from the request's live facts.", valueName: "name"))
        var template: String?

        func run() async throws {
            // Checked here rather than in validate(), so the mistake is one line like every other.
            if (text == nil) == (template == nil) { throw Failure(.usage, "give the answer's text or --template NAME (one of them)") }
            guard let template else { return try await RequestCommand.act(id, .answer, text: text ?? "", global: global) }
            let (request, sent) = try await global.withSession { try await $0.store.answer(id, template: template, by: $0.actor) }
            Output.line("request #\(request.id) is \(request.state.rawValue)" + (request.assignee.map { ", assigned to \($0)" } ?? ""))
            Output.line(sent.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n"))
        }
    }

    struct Wait: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "wait", abstract: "Ask the salesperson something back; the request waits on sales.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Request number.") var id: Int64
        @Argument(help: "The question back.") var text: String
        func run() async throws { try await RequestCommand.act(id, .wait, text: text, global: global) }
    }

    struct Reply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reply", abstract: "Answer the manager's question back (the requester only); the request returns to the manager.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Request number.") var id: Int64
        @Argument(help: "The reply.") var text: String
        func run() async throws { try await RequestCommand.act(id, .reply, text: text, global: global) }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "close", abstract: "Close a request.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Request number.") var id: Int64
        @Argument(help: "An optional note.") var text: String = ""
        func run() async throws { try await RequestCommand.act(id, .close, text: text, global: global) }
    }

    struct Reopen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reopen", abstract: "Reopen an answered or closed request.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Request number.") var id: Int64
        @Argument(help: "Why.") var text: String = ""
        func run() async throws { try await RequestCommand.act(id, .reopen, text: text, global: global) }
    }

    struct Reassign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reassign", abstract: "Give a request to another manager.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Request number.") var id: Int64
        @Option(help: "The manager to give it to.") var to: String
        func run() async throws { try await RequestCommand.act(id, .reassign, to: to, global: global) }
    }
}
