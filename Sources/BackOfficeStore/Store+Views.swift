import BackOfficeCore
import Foundation
import SQLKit

/// Saved views: each user's named sorts and filters of the Inventory and the Queue, and the view each pane was left
/// in. They are the user's own settings, not business records, so they are written without audit entries (as the
/// console's theme or key table would be), and one user never reads another's.
extension Store {
    /// The name the view a pane was left in is kept under; a saved view's name is never empty (`SavedView.checkName`).
    static let lastViewName = ""

    /// The user's saved views of a pane, by name.
    public func savedViews(_ pane: SavedView.Pane, by actor: Actor) async throws -> [SavedView] {
        try await read {
            try await rows("""
                SELECT * FROM saved_views WHERE user_id = \(bind: actor.user.id) AND pane = \(bind: pane.rawValue)
                AND name <> \(bind: Store.lastViewName) ORDER BY name, id
                """).map(Store.savedView)
        }
    }

    /// Saves a view under its name for the acting user. A view of that name (in any case) is replaced when `replace`,
    /// else refused, so the console can ask first.
    @discardableResult
    public func saveView(_ view: SavedView, replace: Bool, by actor: Actor) async throws -> SavedView {
        let name = try SavedView.checkName(view.name)
        try SavedView.checkSettings(view.settings)
        let saved = SavedView(name: name, settings: view.settings)
        return try await write {
            let existing = try await row("""
                SELECT id FROM saved_views WHERE user_id = \(bind: actor.user.id) AND pane = \(bind: view.pane.rawValue) AND name = \(bind: name)
                """)
            if existing != nil && !replace {
                throw Failure(.alreadyExists, "a view named \(name.debugDescription) is saved already; replace it or choose another name")
            }
            if existing == nil {
                let count = try await row("""
                    SELECT COUNT(*) AS n FROM saved_views WHERE user_id = \(bind: actor.user.id) AND pane = \(bind: view.pane.rawValue)
                    AND name <> \(bind: Store.lastViewName)
                    """)?.integer("n") ?? 0
                guard count < SavedView.maxPerPane else {
                    throw Failure(.invalidInput, "view name: \(view.pane.rawValue) holds \(SavedView.maxPerPane) views already; delete one first")
                }
            }
            try await keep(saved.settings, as: name, for: actor)
            return saved
        }
    }

    /// Deletes one of the user's saved views; refused when there is none of that name.
    public func deleteView(_ pane: SavedView.Pane, named name: String, by actor: Actor) async throws {
        let name = try SavedView.checkName(name)
        try await write {
            guard try await row("""
                SELECT id FROM saved_views WHERE user_id = \(bind: actor.user.id) AND pane = \(bind: pane.rawValue) AND name = \(bind: name)
                """) != nil else {
                throw Failure.notFound("saved view", name)
            }
            try await run("""
                DELETE FROM saved_views WHERE user_id = \(bind: actor.user.id) AND pane = \(bind: pane.rawValue) AND name = \(bind: name)
                """)
        }
    }

    /// The views the user left each pane in, for the console to open the same way.
    public func lastViews(by actor: Actor) async throws -> [SavedView.Settings] {
        try await read {
            try await rows("""
                SELECT * FROM saved_views WHERE user_id = \(bind: actor.user.id) AND name = \(bind: Store.lastViewName) ORDER BY pane
                """).map { try Store.savedView($0).settings }
        }
    }

    /// Remembers the view the user has a pane in now.
    public func rememberView(_ settings: SavedView.Settings, by actor: Actor) async throws {
        try SavedView.checkSettings(settings)
        try await write { try await keep(settings, as: Store.lastViewName, for: actor) }
    }

    /// Inserts or replaces the user's view of a pane under `name`.
    private func keep(_ settings: SavedView.Settings, as name: String, for actor: Actor) async throws {
        var sort: String, descending: Bool
        var search = "", location: String?, category: String?, below = false, scope: String?, state: String?
        switch settings {
        case .inventory(let query):
            (sort, descending) = (query.sort.rawValue, query.descending)
            (search, location, category, below) = (query.search, query.location, query.category, query.belowReorderOnly)
        case .queue(let query):
            (sort, descending) = (query.sort.rawValue, query.descending)
            (scope, state) = (query.view.rawValue, query.state.name)
        }
        try await run("""
            INSERT INTO saved_views (user_id, pane, name, sort, descending, search, location, category, below_reorder, scope,
                                     state_filter, updated_at)
            VALUES (\(bind: actor.user.id), \(bind: settings.pane.rawValue), \(bind: name), \(bind: sort), \(bind: descending ? 1 : 0),
                    \(bind: search), \(bind: location), \(bind: category), \(bind: below ? 1 : 0), \(bind: scope), \(bind: state),
                    \(bind: UTC.seconds(now)))
            ON CONFLICT (user_id, pane, name) DO UPDATE SET
                name = excluded.name, sort = excluded.sort, descending = excluded.descending, search = excluded.search,
                location = excluded.location, category = excluded.category, below_reorder = excluded.below_reorder,
                scope = excluded.scope, state_filter = excluded.state_filter, updated_at = excluded.updated_at
            """)
    }

    /// A view as kept. Values this version does not know (a sort column a later one added) fall back to the defaults.
    static func savedView(_ row: any SQLRow) throws -> SavedView {
        let descending = try row.bool("descending")
        let settings: SavedView.Settings
        switch SavedView.Pane(rawValue: try row.string("pane")) {
        case .queue:
            settings = .queue(RequestListQuery(view: QueueView(rawValue: try row.optionalString("scope") ?? "") ?? .mine,
                                               state: RequestStateFilter(name: try row.optionalString("state_filter") ?? "") ?? .open,
                                               sort: RequestListQuery.Sort(rawValue: try row.string("sort")) ?? .due,
                                               descending: descending))
        case .inventory, nil:
            settings = .inventory(ItemListQuery(search: try row.string("search"), belowReorderOnly: try row.bool("below_reorder"),
                                                location: try row.optionalString("location"), category: try row.optionalString("category"),
                                                sort: ItemListQuery.Sort(rawValue: try row.string("sort")) ?? .sku, descending: descending))
        }
        return SavedView(name: try row.string("name"), settings: settings)
    }
}
