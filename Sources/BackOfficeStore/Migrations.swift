import BackOfficeCore
import Foundation
import SQLKit

/// A numbered schema change. Once shipped, a migration's text never changes: add a new one instead.
struct Migration: Sendable {
    var version: Int
    var name: String
    var statements: [String]
    /// A step that needs Swift (hashes computed from values), run after `statements` in the same transaction.
    var step: (@Sendable (isolated Store) async throws -> Void)? = nil
    /// Statements run after `step`, still in the same transaction.
    var then: [String] = []
}

/// The SQLite schema, migration by migration; PostgreSQL's, with the same numbers, is `PostgresSchema`.
enum Migrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "initial schema", statements: [
            """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                display_name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('admin', 'clerk', 'manager', 'sales')),
                away INTEGER NOT NULL DEFAULT 0,
                active INTEGER NOT NULL DEFAULT 1,
                created_at INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE locations (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE COLLATE NOCASE,
                name TEXT NOT NULL,
                sellable INTEGER NOT NULL DEFAULT 1
            )
            """,
            """
            CREATE TABLE items (
                id INTEGER PRIMARY KEY,
                sku TEXT NOT NULL UNIQUE COLLATE NOCASE,
                name TEXT NOT NULL,
                uom TEXT NOT NULL,
                category TEXT NOT NULL DEFAULT '',
                active INTEGER NOT NULL DEFAULT 1,
                cost INTEGER,
                cost_currency TEXT,
                reorder_point INTEGER NOT NULL DEFAULT 0 CHECK (reorder_point >= 0)
            )
            """,
            "CREATE INDEX items_category ON items (category)",
            """
            CREATE VIRTUAL TABLE items_fts USING fts5 (
                sku, name, category,
                content = 'items', content_rowid = 'id',
                tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4 5 6 7 8'
            )
            """,
            """
            CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
                INSERT INTO items_fts (rowid, sku, name, category) VALUES (new.id, new.sku, new.name, new.category);
            END
            """,
            """
            CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
                INSERT INTO items_fts (items_fts, rowid, sku, name, category) VALUES ('delete', old.id, old.sku, old.name, old.category);
            END
            """,
            """
            CREATE TRIGGER items_fts_update AFTER UPDATE OF sku, name, category ON items BEGIN
                INSERT INTO items_fts (items_fts, rowid, sku, name, category) VALUES ('delete', old.id, old.sku, old.name, old.category);
                INSERT INTO items_fts (rowid, sku, name, category) VALUES (new.id, new.sku, new.name, new.category);
            END
            """,
            """
            CREATE TABLE balances (
                item_id INTEGER NOT NULL REFERENCES items (id),
                location_id INTEGER NOT NULL REFERENCES locations (id),
                on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
                PRIMARY KEY (item_id, location_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE movements (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('receipt', 'issue', 'transfer', 'adjustment', 'count')),
                item_id INTEGER NOT NULL REFERENCES items (id),
                location_id INTEGER NOT NULL REFERENCES locations (id),
                to_location_id INTEGER REFERENCES locations (id),
                quantity INTEGER NOT NULL,
                counted INTEGER,
                reason TEXT,
                ref TEXT,
                actor TEXT NOT NULL,
                source TEXT NOT NULL,
                at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX movements_item ON movements (item_id, at)",
            """
            CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements BEGIN
                SELECT RAISE(ABORT, 'the movement journal is append-only: post a reversing movement instead');
            END
            """,
            """
            CREATE TRIGGER movements_no_delete BEFORE DELETE ON movements BEGIN
                SELECT RAISE(ABORT, 'the movement journal is append-only: post a reversing movement instead');
            END
            """,
            """
            CREATE TABLE price_lists (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE COLLATE NOCASE,
                name TEXT NOT NULL,
                currency TEXT NOT NULL,
                is_default INTEGER NOT NULL DEFAULT 0
            )
            """,
            "CREATE UNIQUE INDEX price_lists_one_default ON price_lists (is_default) WHERE is_default = 1",
            """
            CREATE TABLE accounts (
                id INTEGER PRIMARY KEY,
                code TEXT NOT NULL UNIQUE COLLATE NOCASE,
                name TEXT NOT NULL,
                manager_id INTEGER REFERENCES users (id),
                backup_id INTEGER REFERENCES users (id),
                price_list_id INTEGER NOT NULL REFERENCES price_lists (id)
            )
            """,
            "CREATE INDEX accounts_manager ON accounts (manager_id)",
            "CREATE INDEX accounts_backup ON accounts (backup_id)",
            """
            CREATE TABLE holds (
                id INTEGER PRIMARY KEY,
                item_id INTEGER NOT NULL REFERENCES items (id),
                location_id INTEGER NOT NULL REFERENCES locations (id),
                account_id INTEGER NOT NULL REFERENCES accounts (id),
                quantity INTEGER NOT NULL CHECK (quantity > 0),
                owner TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                expires_at INTEGER NOT NULL,
                released_at INTEGER,
                released_by TEXT
            )
            """,
            "CREATE INDEX holds_open ON holds (item_id, location_id, expires_at) WHERE released_at IS NULL",
            "CREATE INDEX holds_owner ON holds (owner, expires_at)",
            """
            CREATE TABLE incoming (
                id INTEGER PRIMARY KEY,
                item_id INTEGER NOT NULL REFERENCES items (id),
                location_id INTEGER NOT NULL REFERENCES locations (id),
                quantity INTEGER NOT NULL CHECK (quantity >= 0),
                due TEXT NOT NULL,
                ref TEXT NOT NULL,
                created_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX incoming_open ON incoming (item_id, location_id, due) WHERE quantity > 0",
            """
            CREATE TABLE list_prices (
                price_list_id INTEGER NOT NULL REFERENCES price_lists (id),
                item_id INTEGER NOT NULL REFERENCES items (id),
                price INTEGER NOT NULL CHECK (price >= 0),
                PRIMARY KEY (price_list_id, item_id)
            ) WITHOUT ROWID
            """,
            """
            CREATE TABLE price_rules (
                id INTEGER PRIMARY KEY,
                price_list_id INTEGER REFERENCES price_lists (id),
                account_id INTEGER REFERENCES accounts (id),
                scope TEXT NOT NULL CHECK (scope IN ('item', 'category', 'all')),
                scope_item_id INTEGER REFERENCES items (id),
                scope_category TEXT,
                min_qty INTEGER NOT NULL DEFAULT 1 CHECK (min_qty >= 1),
                valid_from TEXT,
                valid_to TEXT,
                action TEXT NOT NULL CHECK (action IN ('fixed', 'percent_off', 'markup')),
                amount TEXT NOT NULL,
                rounding_step INTEGER NOT NULL DEFAULT 0,
                margin_floor TEXT,
                note TEXT NOT NULL DEFAULT '',
                CHECK ((price_list_id IS NULL) <> (account_id IS NULL))
            )
            """,
            "CREATE INDEX price_rules_list ON price_rules (price_list_id, scope, scope_item_id)",
            "CREATE INDEX price_rules_account ON price_rules (account_id, scope, scope_item_id)",
            """
            CREATE TABLE contract_prices (
                id INTEGER PRIMARY KEY,
                account_id INTEGER NOT NULL REFERENCES accounts (id),
                item_id INTEGER NOT NULL REFERENCES items (id),
                price INTEGER NOT NULL CHECK (price >= 0),
                min_qty INTEGER NOT NULL DEFAULT 1 CHECK (min_qty >= 1),
                valid_from TEXT,
                valid_to TEXT
            )
            """,
            "CREATE INDEX contract_prices_account_item ON contract_prices (account_id, item_id)",
            """
            CREATE TABLE requests (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('stock', 'price', 'quote', 'other')),
                account_id INTEGER NOT NULL REFERENCES accounts (id),
                item_id INTEGER REFERENCES items (id),
                quantity INTEGER,
                text TEXT NOT NULL,
                priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
                state TEXT NOT NULL CHECK (state IN ('new', 'claimed', 'answered', 'waiting', 'closed')),
                requester_id INTEGER NOT NULL REFERENCES users (id),
                assignee_id INTEGER REFERENCES users (id),
                created_at INTEGER NOT NULL,
                due_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX requests_assignee ON requests (assignee_id, state)",
            "CREATE INDEX requests_requester ON requests (requester_id, state)",
            "CREATE INDEX requests_account ON requests (account_id, state)",
            "CREATE INDEX requests_state ON requests (state, due_at)",
            """
            CREATE TABLE request_events (
                id INTEGER PRIMARY KEY,
                request_id INTEGER NOT NULL REFERENCES requests (id),
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                from_state TEXT,
                to_state TEXT NOT NULL,
                text TEXT NOT NULL DEFAULT '',
                snapshot TEXT
            )
            """,
            "CREATE INDEX request_events_request ON request_events (request_id, id)",
            """
            CREATE TABLE audit (
                seq INTEGER PRIMARY KEY,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL,
                source TEXT NOT NULL,
                action TEXT NOT NULL,
                entity TEXT NOT NULL,
                before TEXT,
                after TEXT,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL
            )
            """,
            """
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN
                SELECT RAISE(ABORT, 'the audit log is append-only');
            END
            """,
            """
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN
                SELECT RAISE(ABORT, 'the audit log is append-only');
            END
            """,
        ]),
        // The console's item list sorts by name or by category and pages by keyset; without these a million-item
        // list would sort the whole table for every page.
        Migration(version: 2, name: "item list sort indexes", statements: [
            "CREATE INDEX items_name_sku ON items (name COLLATE NOCASE, sku)",
            "CREATE INDEX items_category_sku ON items (category, sku)",
        ]),
        // Public keys that let users in over SSH; a key belongs to one user.
        Migration(version: 3, name: "user ssh keys", statements: [
            """
            CREATE TABLE user_keys (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users (id),
                algorithm TEXT NOT NULL,
                key TEXT NOT NULL UNIQUE,
                fingerprint TEXT NOT NULL UNIQUE,
                comment TEXT NOT NULL DEFAULT '',
                added_at INTEGER NOT NULL
            )
            """,
            "CREATE INDEX user_keys_user ON user_keys (user_id)",
        ]),
        // Cycle counts: a session snapshots what the books say for a location (or a category there), the counted
        // quantities are typed in, and posting turns the differences into count movements in one transaction.
        Migration(version: 4, name: "count sessions", statements: [
            """
            CREATE TABLE count_sessions (
                id INTEGER PRIMARY KEY,
                location_id INTEGER NOT NULL REFERENCES locations (id),
                category TEXT NOT NULL DEFAULT '',
                state TEXT NOT NULL CHECK (state IN ('open', 'posted', 'cancelled')),
                created_by TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                posted_at INTEGER
            )
            """,
            """
            CREATE TABLE count_lines (
                session_id INTEGER NOT NULL REFERENCES count_sessions (id),
                item_id INTEGER NOT NULL REFERENCES items (id),
                expected INTEGER NOT NULL,
                counted INTEGER CHECK (counted >= 0),
                counted_at INTEGER,
                PRIMARY KEY (session_id, item_id)
            ) WITHOUT ROWID
            """,
        ]),
        // Stock and count files already posted, by the SHA-256 of their content: importing the same file again (by
        // any name) posts nothing, and a new file that happens to have an old one's name posts.
        Migration(version: 5, name: "import batches", statements: [
            """
            CREATE TABLE import_batches (
                sha256 TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                file TEXT NOT NULL,
                rows INTEGER NOT NULL,
                at INTEGER NOT NULL,
                actor TEXT NOT NULL
            ) WITHOUT ROWID
            """,
        ]),
        // The journal becomes a hash chain: each movement carries the SHA-256 of its values and of the movement before
        // it (`ChainedMovement`, computed in Swift from values so every engine agrees). Rows already there are chained
        // in id order in this transaction, the append-only trigger set aside only for that. Audit entries written from
        // now on use the length-prefixed rule (format 2); older ones keep format 1 and verify under the rule they were
        // written with, since re-chaining them would erase what made them evidence.
        Migration(version: 6, name: "journal hash chain", statements: [
            "ALTER TABLE movements ADD COLUMN hash BLOB",
            "ALTER TABLE audit ADD COLUMN format INTEGER NOT NULL DEFAULT 1",
            "DROP TRIGGER movements_no_update",
        ], step: { store in try await store.chainExistingMovements() }, then: [
            """
            CREATE TRIGGER movements_no_update BEFORE UPDATE ON movements BEGIN
                SELECT RAISE(ABORT, 'the movement journal is append-only: post a reversing movement instead');
            END
            """,
            """
            CREATE TRIGGER movements_chained BEFORE INSERT ON movements
            WHEN new.hash IS NULL OR typeof(new.hash) <> 'blob' OR length(new.hash) <> 32 BEGIN
                SELECT RAISE(ABORT, 'a journal row must carry its chain hash');
            END
            """,
        ]),
        // Each migration from here on records the release that applied it: a newer store names its release when an
        // older backoffice refuses it.
        Migration(version: 7, name: "release of each migration", statements: [
            "ALTER TABLE schema_migrations ADD COLUMN release TEXT",
        ]),
        // Reorder suggestions: order up to a level, in multiples (a case, a pallet).
        Migration(version: 8, name: "order-up-to level and order multiple", statements: [
            "ALTER TABLE items ADD COLUMN reorder_to INTEGER NOT NULL DEFAULT 0 CHECK (reorder_to >= 0)",
            "ALTER TABLE items ADD COLUMN order_multiple INTEGER NOT NULL DEFAULT 1 CHECK (order_multiple >= 1)",
        ]),
        // The SLA on business time: a calendar (hours per weekday, holidays, a time zone), response and resolution
        // targets per priority, and each request's first response, resolution and pauses, stored as they happen. The
        // times of requests already in the store are read back from their threads.
        Migration(version: 9, name: "business calendar and SLA times", statements: [
            "CREATE TABLE business_calendar (id INTEGER PRIMARY KEY CHECK (id = 1), time_zone TEXT NOT NULL)",
            "INSERT INTO business_calendar (id, time_zone) VALUES (1, 'UTC')",
            """
            CREATE TABLE business_hours (
                weekday INTEGER PRIMARY KEY CHECK (weekday BETWEEN 1 AND 7),
                opens INTEGER NOT NULL,
                closes INTEGER NOT NULL,
                CHECK (0 <= opens AND opens < closes AND closes <= 1440)
            )
            """,
            "INSERT INTO business_hours (weekday, opens, closes) VALUES (1, 480, 1080), (2, 480, 1080), (3, 480, 1080), (4, 480, 1080), (5, 480, 1080)",
            "CREATE TABLE holidays (day TEXT PRIMARY KEY, name TEXT NOT NULL)",
            """
            CREATE TABLE sla_targets (
                priority TEXT PRIMARY KEY CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
                response_seconds INTEGER NOT NULL CHECK (response_seconds > 0),
                resolution_seconds INTEGER NOT NULL CHECK (resolution_seconds > 0)
            )
            """,
            """
            INSERT INTO sla_targets (priority, response_seconds, resolution_seconds)
            VALUES ('urgent', 3600, 14400), ('high', 14400, 36000), ('normal', 36000, 108000), ('low', 108000, 180000)
            """,
            "ALTER TABLE requests ADD COLUMN first_response_at INTEGER",
            "ALTER TABLE requests ADD COLUMN resolved_at INTEGER",
            """
            CREATE TABLE request_pauses (
                id INTEGER PRIMARY KEY,
                request_id INTEGER NOT NULL REFERENCES requests (id),
                started_at INTEGER NOT NULL,
                ended_at INTEGER,
                reason TEXT NOT NULL CHECK (reason IN ('waiting', 'resolved'))
            )
            """,
            "CREATE INDEX request_pauses_request ON request_pauses (request_id, started_at)",
            """
            UPDATE requests SET first_response_at = (
                SELECT MIN(e.at) FROM request_events e WHERE e.request_id = requests.id AND e.action IN ('answer', 'wait'))
            """,
            """
            UPDATE requests SET resolved_at = (
                SELECT MAX(e.at) FROM request_events e
                WHERE e.request_id = requests.id AND e.to_state IN ('answered', 'closed')
                  AND COALESCE(e.from_state, '') NOT IN ('answered', 'closed'))
            WHERE state IN ('answered', 'closed')
            """,
            """
            INSERT INTO request_pauses (request_id, started_at, ended_at, reason)
            SELECT e.request_id, e.at,
                   (SELECT MIN(n.at) FROM request_events n WHERE n.request_id = e.request_id AND n.id > e.id AND n.to_state <> 'waiting'),
                   'waiting'
            FROM request_events e WHERE e.to_state = 'waiting' AND COALESCE(e.from_state, '') <> 'waiting'
            """,
            """
            INSERT INTO request_pauses (request_id, started_at, ended_at, reason)
            SELECT e.request_id,
                   (SELECT MAX(p.at) FROM request_events p
                    WHERE p.request_id = e.request_id AND p.id < e.id AND p.to_state IN ('answered', 'closed')
                      AND COALESCE(p.from_state, '') NOT IN ('answered', 'closed')),
                   e.at, 'resolved'
            FROM request_events e WHERE e.action = 'reopen' AND e.from_state IN ('answered', 'closed')
            """,
        ], step: { store in try await store.refreshDueTimes(calendar: .standard(), targets: .standard) }),
        // Managers' canned answers, by name (unique without regard to case).
        Migration(version: 10, name: "reply templates", statements: [
            """
            CREATE TABLE request_templates (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                body TEXT NOT NULL,
                updated_by TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            )
            """,
        ]),
        // Saved views: each user's named sorts and filters of the Inventory and the Queue, and (under the empty name)
        // the view each pane was left in.
        Migration(version: 11, name: "saved views", statements: [
            """
            CREATE TABLE saved_views (
                id INTEGER PRIMARY KEY,
                user_id INTEGER NOT NULL REFERENCES users (id),
                pane TEXT NOT NULL CHECK (pane IN ('inventory', 'queue')),
                name TEXT NOT NULL COLLATE NOCASE,
                sort TEXT NOT NULL,
                descending INTEGER NOT NULL DEFAULT 0,
                search TEXT NOT NULL DEFAULT '',
                location TEXT,
                category TEXT,
                below_reorder INTEGER NOT NULL DEFAULT 0,
                scope TEXT,
                state_filter TEXT,
                updated_at INTEGER NOT NULL,
                UNIQUE (user_id, pane, name)
            )
            """,
        ]),
    ]

    /// The version of the newest migration (versions may skip numbers between branches being merged).
    static var latest: Int { all.map(\.version).max() ?? 0 }

    /// The first migration recorded with the release that applied it.
    static let recordsRelease = 7
}

extension Migrations {
    /// The statement the newest migration that creates `trigger` created it with, as SQLite keeps it in sqlite_master.
    static func triggerDefinition(_ trigger: String) -> String? {
        all.reversed().lazy.flatMap(\.statements).first { words($0).hasPrefix("CREATE TRIGGER \(trigger) ") }
    }

    /// A statement with every run of whitespace made one space: the same definition however it was indented.
    static func words(_ sql: String) -> String {
        sql.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

extension Store {
    /// The migrations of this store's engine.
    nonisolated var migrations: [Migration] { isPostgres ? PostgresSchema.migrations : Migrations.all }

    /// The schema version the store is at.
    public func schemaVersion() async throws -> Int {
        try await read { try await row("SELECT MAX(version) AS v FROM schema_migrations")?.optionalInt("v").map(Int.init) ?? 0 }
    }

    /// Applies the migrations not yet applied, each in its own write transaction, so two processes opening a new
    /// store at once apply each migration exactly once. A store that is up to date is only read: opening it takes no
    /// write lock. A store made by a newer release is refused before anything is written to it; upgrading one made by
    /// an older release leaves `upgradeNotice` saying so.
    func migrate() async throws {
        let before = try await appliedMigration()
        try refuseIfNewer(before)
        if before.version == Migrations.latest { return }
        try await write {
            try await execute(isPostgres
                ? "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
                : "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)")
        }
        for migration in migrations {
            try await write {
                guard try await row("SELECT 1 AS one FROM schema_migrations WHERE version = \(bind: migration.version)") == nil else { return }
                for statement in migration.statements {
                    try await execute(statement)
                }
                try await migration.step?(self)
                for statement in migration.then {
                    try await execute(statement)
                }
                if migration.version >= Migrations.recordsRelease {
                    try await run("""
                        INSERT INTO schema_migrations (version, name, applied_at, release)
                        VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: UTC.seconds(now)), \(bind: BackOfficeRelease.version))
                        """)
                } else {
                    try await run("""
                        INSERT INTO schema_migrations (version, name, applied_at)
                        VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: UTC.seconds(now)))
                        """)
                }
            }
        }
        let after = try await appliedMigration()
        try refuseIfNewer(after)
        if before.version > 0 {
            let from = "schema \(before.version)" + (before.release.map { " (backoffice \($0))" } ?? "")
            upgradeNotice = "upgraded the store at \(path) from \(from) to schema \(after.version) (backoffice \(BackOfficeRelease.version))"
        }
    }

    /// Refuses a store whose newest migration this release does not know, naming both releases.
    private func refuseIfNewer(_ applied: (version: Int, release: String?)) throws {
        guard applied.version > Migrations.latest else { return }
        let made = applied.release.map { "backoffice \($0) (schema \(applied.version))" } ?? "a newer backoffice (schema \(applied.version))"
        throw Failure(.storeFailure, """
            the store at \(path) was made by \(made); this is backoffice \(BackOfficeRelease.version) \
            (schema \(Migrations.latest)): upgrade backoffice to open it
            """)
    }

    /// The newest migration applied and the release that applied it (none before `Migrations.recordsRelease`);
    /// version 0 for an empty file or database.
    private func appliedMigration() async throws -> (version: Int, release: String?) {
        let version = try await appliedVersion()
        guard version >= Migrations.recordsRelease else { return (version, nil) }
        let release = try await read {
            try await row("SELECT release FROM schema_migrations WHERE version = \(bind: version)")?.optionalString("release")
        }
        return (version, release)
    }

    /// The newest migration applied; 0 for an empty file or database.
    private func appliedVersion() async throws -> Int {
        try await read {
            let exists: SQLQueryString = isPostgres ? "SELECT 1 AS one WHERE to_regclass('schema_migrations') IS NOT NULL"
                : "SELECT 1 AS one FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
            guard try await row(exists) != nil else { return 0 }
            return try await row("SELECT MAX(version) AS v FROM schema_migrations")?.optionalInt("v").map(Int.init) ?? 0
        }
    }
}
