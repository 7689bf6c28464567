import BackOfficeCore
import Foundation
import SQLKit

// MARK: - Reply templates

extension Store {
    /// The reply templates, by name: for those who answer requests (salespeople never see them).
    public func replyTemplates(by actor: Actor) async throws -> [ReplyTemplate] {
        try actor.require(.answerRequests)
        return try await read {
            try await rows("SELECT name, body, updated_by, updated_at FROM request_templates ORDER BY name, id").map(Store.template)
        }
    }

    /// Adds a reply template; one with the same name (in any case) is an error unless `replace`, which changes its body.
    public func addReplyTemplate(name: String, body: String, replace: Bool = false, by actor: Actor) async throws -> ReplyTemplate {
        try actor.require(.manageTemplates)
        let name = try ReplyTemplate.checkName(name)
        let body = try ReplyTemplate.checkBody(body)
        return try await write {
            let existing = try await findTemplate(name)
            if let existing {
                guard replace else {
                    throw Failure(.alreadyExists, "reply template \(existing.name.debugDescription) exists: give --replace to change its body")
                }
                try await run("""
                    UPDATE request_templates SET body = \(bind: body), updated_by = \(bind: actor.user.name), updated_at = \(bind: UTC.seconds(now))
                    WHERE name = \(bind: existing.name)
                    """)
            } else {
                try await run("""
                    INSERT INTO request_templates (name, body, updated_by, updated_at)
                    VALUES (\(bind: name), \(bind: body), \(bind: actor.user.name), \(bind: UTC.seconds(now)))
                    """)
            }
            let kept = existing?.name ?? name
            try await audit(actor, existing == nil ? "template.add" : "template.replace", "reply template \(kept)",
                            before: existing?.body, after: body)
            guard let saved = try await findTemplate(kept) else { throw Failure.notFound("reply template", kept) }
            return saved
        }
    }

    /// Removes a reply template by name (in any case).
    public func removeReplyTemplate(name: String, by actor: Actor) async throws -> ReplyTemplate {
        try actor.require(.manageTemplates)
        return try await write {
            guard let existing = try await findTemplate(name) else { throw Failure.notFound("reply template", name) }
            try await run("DELETE FROM request_templates WHERE name = \(bind: existing.name)")
            try await audit(actor, "template.remove", "reply template \(existing.name)", before: existing.body)
            return existing
        }
    }

    /// Answers a request with a reply template filled from the request's live facts, read in the same transaction as
    /// the snapshot the answer keeps: the text and the snapshot say the same stock, price and date.
    public func answer(_ id: Int64, template name: String, by actor: Actor) async throws -> (request: Request, text: String) {
        try actor.require(.answerRequests)
        return try await write {
            guard let template = try await findTemplate(name) else { throw Failure.notFound("reply template", name) }
            var sent = ""
            let request = try await transition(id, .answer, text: { request, basis in
                sent = try Queue.checkText(template.filled(for: request, basis: basis), field: "template \(template.name)")
                return sent
            }, assignTo: nil, by: actor)
            return (request, sent)
        }
    }

    func findTemplate(_ name: String) async throws -> ReplyTemplate? {
        try await row("SELECT name, body, updated_by, updated_at FROM request_templates WHERE name = \(bind: name)").map(Store.template)
    }

    static func template(_ row: any SQLRow) throws -> ReplyTemplate {
        ReplyTemplate(name: try row.string("name"), body: try row.string("body"), updatedBy: try row.string("updated_by"),
                      updatedAt: try row.date("updated_at"))
    }
}
