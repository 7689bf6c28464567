import BackOfficeCore
import SQLKit

/// A piece of a shared query that the two engines spell differently: it writes the SQLite or the PostgreSQL text as
/// the statement is serialised for one or the other. Every such piece is made here, so a query reads the same for
/// both and the differences sit in one list.
struct Dialect: SQLExpression {
    var sqlite: SQLQueryString
    var postgres: SQLQueryString

    func serialize(to serializer: inout SQLSerializer) {
        if serializer.dialect.name == "postgresql" {
            postgres.serialize(to: &serializer)
        } else {
            sqlite.serialize(to: &serializer)
        }
    }

    /// The words of a search, each matched as a prefix of a word of the SKU, name or category.
    struct Search {
        var words: [String]

        init?(_ text: String) {
            words = ItemListQuery.searchWords(text)
            if words.isEmpty { return nil }
        }

        /// FTS5: every word a prefix query.
        var fts: String { words.map { "\"\($0)\"*" }.joined(separator: " ") }

        /// The list's order among the matches: the item id. On PostgreSQL the planner may walk the id index and test
        /// each item until a page is found, which is quick for common words and slow when a word is rare but guessed
        /// common, as a fragment of a SKU's number is ("fas 0001": 1.4 s at a million items). With a word of three or
        /// more digits, `id + 0` hides that index, so the few matches come from the search index and are sorted (0.1 s);
        /// other prefixes can match a great many words ("pipe co", "m8": 0.7 s that way, 1 ms the other), so they are
        /// left to the planner.
        var rowID: Dialect {
            let skuNumber = words.contains(where: Search.isNumber)
            return Dialect(sqlite: "f.rowid", postgres: skuNumber ? "(i.id + 0)" : "i.id")
        }

        /// PostgreSQL's condition for a match on `column` (the words unaccented as the index is). With a SKU number
        /// among the words, the index is asked for the numbers alone and the other words are tested on the few rows
        /// it gives (`|| ''` hides the column from the index): the index's answer for "fas & 0001" merges every item
        /// whose words start with "fas" (a whole category, 29 ms at a million items), for "0001" alone a hundred rows
        /// (0.2 ms).
        func matched(_ column: String) -> SQLQueryString {
            let numbers = words.filter(Search.isNumber)
            guard !numbers.isEmpty, numbers.count < words.count else { return "\(unsafeRaw: column) @@ \(query(words))" }
            return "\(unsafeRaw: column) @@ \(query(numbers)) AND (\(unsafeRaw: column) || ''::tsvector) @@ \(query(words))"
        }

        /// A word of three or more digits: a fragment of a SKU's number, which few items share.
        static func isNumber(_ word: String) -> Bool { word.count >= 3 && word.allSatisfy(\.isNumber) }

        /// The function every search condition calls on PostgreSQL. A statement holding it is planned each time it runs,
        /// never prepared: its best plan depends on its words (how many items a prefix matches).
        static let plannedEachTime = "to_tsquery("

        /// `words` as a `tsquery`, unaccented as the index is. `unaccent` leaves ASCII as it is, and is not immutable,
        /// so the server would run it once per row it tests (a third of a search's time); ASCII words (nearly all)
        /// skip it, and the query is then a constant the planner folds once.
        func query(_ words: [String]) -> SQLQueryString {
            let text = words.map { "\($0):*" }.joined(separator: " & ")
            return words.allSatisfy { $0.allSatisfy(\.isASCII) }
                ? "to_tsquery('simple', \(bind: text))"
                : "to_tsquery('simple', unaccent(\(bind: text)))"
        }

        /// `FROM` the matching items as `i` (`WHERE` already opened), with `rowID` as the list's order.
        var from: Dialect {
            Dialect(sqlite: "items_fts f JOIN items i ON i.id = f.rowid WHERE f.items_fts MATCH \(bind: fts)",
                    postgres: "items i WHERE \(matched("i.search"))")
        }

        /// The ids of matching items in id order, as `rowid`.
        func ids(limit: Int, offset: Int) -> Dialect {
            Dialect(sqlite: "SELECT rowid FROM items_fts WHERE items_fts MATCH \(bind: fts) ORDER BY rowid LIMIT \(bind: limit) OFFSET \(bind: offset)",
                    postgres: """
                        SELECT id AS rowid FROM items i WHERE \(matched("search"))
                        ORDER BY \(rowID) LIMIT \(bind: limit) OFFSET \(bind: offset)
                        """)
        }

        /// One row per match, touching the index alone where the engine can.
        var matches: Dialect {
            Dialect(sqlite: "SELECT 1 FROM items_fts WHERE items_fts MATCH \(bind: fts)",
                    postgres: "SELECT 1 FROM items i WHERE \(matched("i.search"))")
        }

        /// The best-ranked of the first 200 matches, as `rowid`: FTS5's bm25 rank; PostgreSQL's `ts_rank`.
        var best: Dialect {
            Dialect(sqlite: """
                        SELECT rowid FROM (SELECT rowid, rank FROM items_fts WHERE items_fts MATCH \(bind: fts) LIMIT 200)
                        ORDER BY rank, rowid LIMIT 1
                        """,
                    postgres: """
                        SELECT id AS rowid FROM (
                            SELECT id, ts_rank(search, \(query(words))) AS rank FROM items
                            WHERE \(matched("search")) LIMIT 200) AS best
                        ORDER BY rank DESC, id LIMIT 1
                        """)
        }
    }


    /// LIKE that ignores ASCII case, as SQLite's LIKE does.
    static let like = Dialect(sqlite: "LIKE", postgres: "ILIKE")

    /// An item's name as the list sorts it, without ASCII case (the index `items_name_sku` holds it so).
    static let nameKey = Dialect(sqlite: "i.name COLLATE NOCASE", postgres: "(i.name::citext COLLATE \"C\")")
}
