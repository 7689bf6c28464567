import Foundation

/// What the console and the SSH server may ask of a store, whatever engine keeps it.
///
/// Every engine promises, for every method here:
/// - each write (a movement, a hold, a count line or posting, a request filed or acted on, a remote session audited)
///   is one transaction: it reads, applies the Core rule, appends the journal and audit rows and updates balances,
///   all or nothing;
/// - every method that takes an `Actor` checks that actor's permission (`Actor.require`) on every call, and answers
///   only what the actor's role may see (sales never sees cost or unsellable locations);
/// - the methods without an actor serve the SSH server itself (which key belongs to whom, auditing a session) and the
///   change counter; they answer no stock, price or request data.
///
/// Arguments are as the user typed them (SKUs and codes in any case); the store validates them and throws a
/// `Failure` a front end can show in one line.
public protocol StoreContract: Sendable {
    // MARK: - Changes

    /// A change counter that moves when another session (another console, the command line) commits a write; the
    /// console polls it to re-read what it shows.
    func dataVersion() async throws -> Int64

    // MARK: - Catalogue

    func locations(by actor: Actor) async throws -> [Location]
    /// Items in SKU order after `afterSKU`, optionally only one category and those below it.
    func items(after afterSKU: String, limit: Int, category: String?, by actor: Actor) async throws -> [Item]
    /// Prefix search over SKU, name and category: an exact SKU first, the rest in catalogue order.
    func search(_ text: String, limit: Int, offset: Int, by actor: Actor) async throws -> [Item]
    /// A page of the item list, starting at `anchor`.
    func itemRows(_ query: ItemListQuery, from anchor: PageAnchor<ItemListRow>, limit: Int,
                  by actor: Actor) async throws -> [ItemListRow]
    /// How many rows the query lists, counted up to `cap` (then `exact` is false).
    func itemCount(_ query: ItemListQuery, cap: Int, by actor: Actor) async throws -> (count: Int, exact: Bool)
    /// How many rows come before `row` in the query's list now; nil when the list no longer holds it.
    func itemPosition(_ query: ItemListQuery, of row: ItemListRow, by actor: Actor) async throws -> Int?
    func accounts(after code: String, limit: Int, search: String?, by actor: Actor) async throws -> [Account]
    func account(code: String, by actor: Actor) async throws -> Account?

    // MARK: - Stock

    func stock(sku: String, by actor: Actor) async throws -> StockAnswer
    /// The stock of the item a SKU or search text names.
    func stock(query: String, by actor: Actor) async throws -> StockAnswer
    /// The stock, the last `movements` journal entries and `days` days of on-hand history of one item.
    func itemDetail(sku: String, movements limit: Int, days: Int, by actor: Actor) async throws -> ItemDetail
    /// When `quantity` units are available to promise at the sellable locations (or at `location`).
    func promise(sku: String, quantity: Int, at location: String?, includeOverdue: Bool, by actor: Actor) async throws
        -> AvailableToPromise.Answer
    func post(_ movement: Movement, sku: String, reference: String?, by actor: Actor) async throws -> PostedMovement
    func placeHold(sku: String, quantity: Int, location code: String, account accountCode: String,
                   expiresAt: Date?, by actor: Actor) async throws -> Hold

    // MARK: - Pricing

    /// The price for an account and quantity on a date (today when nil), with its explanation.
    func quote(sku: String, account: String, quantity: Int, on date: Day?, by actor: Actor) async throws -> Quote

    // MARK: - Counts

    func startCount(location code: String, category: String?, by actor: Actor) async throws -> CountSession
    func count(_ id: Int64, by actor: Actor) async throws -> CountSession
    /// Records a counted quantity (or adds to it when `add`).
    func enterCount(_ id: Int64, sku: String, quantity: Int, add: Bool, by actor: Actor) async throws -> CountLine
    /// Posts every counted line that differs from the books as a count movement, all in one transaction, and closes
    /// the session.
    func postCount(_ id: Int64, by actor: Actor) async throws -> (session: CountSession, movements: Int)

    // MARK: - Requests

    /// A page of the queue's list, in the query's order.
    func requests(_ query: RequestListQuery, limit: Int, offset: Int, by actor: Actor) async throws -> [Request]
    /// How many requests come before request `id` in the query's list now; nil when the list does not hold it.
    func requestPosition(_ id: Int64, in query: RequestListQuery, by actor: Actor) async throws -> Int?
    func request(_ id: Int64, by actor: Actor) async throws -> RequestDetail
    func fileRequest(kind: RequestKind, account code: String, sku: String?, quantity: Int?, text: String,
                     priority: Priority, by actor: Actor) async throws -> Request
    func act(on id: Int64, _ action: RequestAction, text: String, assignTo: String?,
             by actor: Actor) async throws -> Request
    /// The live stock and quote of a request's item as its requester may see them (what an answer may quote); nil
    /// when the request names no item.
    func answerBasis(forRequest id: Int64, by actor: Actor) async throws -> AnswerSnapshot?
    /// What the Queue holds that needs the user now (the console's tab-bar badge).
    func attention(for actor: Actor, at now: Date) async throws -> QueueAttention
    /// The managers' reply templates, by name, for those who answer requests.
    func replyTemplates(by actor: Actor) async throws -> [ReplyTemplate]

    // MARK: - Saved views

    /// The acting user's saved views of a pane (never another user's), by name.
    func savedViews(_ pane: SavedView.Pane, by actor: Actor) async throws -> [SavedView]
    /// Saves a view for the acting user; one of the same name is replaced only when `replace`.
    func saveView(_ view: SavedView, replace: Bool, by actor: Actor) async throws -> SavedView
    func deleteView(_ pane: SavedView.Pane, named name: String, by actor: Actor) async throws
    /// The views the acting user left each pane in.
    func lastViews(by actor: Actor) async throws -> [SavedView.Settings]
    func rememberView(_ settings: SavedView.Settings, by actor: Actor) async throws

    // MARK: - SSH

    /// The user a public key (its wire form) is registered to, active or not, and the key's fingerprint; nil if none.
    func keyOwner(algorithm: String, blob: Data) async throws -> (user: User, fingerprint: String)?
    /// Every registered key's fingerprint and its user, for ending sessions whose key was removed.
    func keyHolders() async throws -> [String: User]
    /// Appends an audit entry for a remote session (who, which key, from where, what it ran).
    func auditRemoteSession(user: User, fingerprint: String, address: String, command: String) async throws
}
