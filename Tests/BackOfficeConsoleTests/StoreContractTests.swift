@testable import BackOfficeConsole
import BackOfficeCore
import Foundation
import Testing

/// A store that is not SQLite and answers only its change counter: enough to show that the console's runtime takes
/// any store meeting the contract. Every other method throws, so a test that reaches one fails loudly.
private actor CounterOnlyStore: StoreContract {
    struct NotUsedHere: Error {}

    var answering = true

    func setAnswering(_ value: Bool) { answering = value }

    func dataVersion() async throws -> Int64 {
        guard answering else { throw Failure(.storeFailure, "the store is not answering") }
        return 7
    }

    func locations(by actor: Actor) async throws -> [Location] { throw NotUsedHere() }
    func items(after afterSKU: String, limit: Int, category: String?, by actor: Actor) async throws -> [Item] { throw NotUsedHere() }
    func search(_ text: String, limit: Int, offset: Int, by actor: Actor) async throws -> [Item] { throw NotUsedHere() }
    func itemRows(_ query: ItemListQuery, from anchor: PageAnchor<ItemListRow>, limit: Int,
                  by actor: Actor) async throws -> [ItemListRow] { throw NotUsedHere() }
    func itemCount(_ query: ItemListQuery, cap: Int, by actor: Actor) async throws -> (count: Int, exact: Bool) { throw NotUsedHere() }
    func accounts(after code: String, limit: Int, search: String?, by actor: Actor) async throws -> [Account] { throw NotUsedHere() }
    func account(code: String, by actor: Actor) async throws -> Account? { throw NotUsedHere() }
    func stock(sku: String, by actor: Actor) async throws -> StockAnswer { throw NotUsedHere() }
    func stock(query: String, by actor: Actor) async throws -> StockAnswer { throw NotUsedHere() }
    func itemDetail(sku: String, movements limit: Int, days: Int, by actor: Actor) async throws -> ItemDetail { throw NotUsedHere() }
    func promise(sku: String, quantity: Int, at location: String?, includeOverdue: Bool, by actor: Actor) async throws
        -> AvailableToPromise.Answer { throw NotUsedHere() }
    func post(_ movement: Movement, sku: String, reference: String?, by actor: Actor) async throws -> PostedMovement { throw NotUsedHere() }
    func placeHold(sku: String, quantity: Int, location code: String, account accountCode: String,
                   expiresAt: Date?, by actor: Actor) async throws -> Hold { throw NotUsedHere() }
    func quote(sku: String, account: String, quantity: Int, on date: Day?, by actor: Actor) async throws -> Quote { throw NotUsedHere() }
    func startCount(location code: String, category: String?, by actor: Actor) async throws -> CountSession { throw NotUsedHere() }
    func count(_ id: Int64, by actor: Actor) async throws -> CountSession { throw NotUsedHere() }
    func enterCount(_ id: Int64, sku: String, quantity: Int, add: Bool, by actor: Actor) async throws -> CountLine { throw NotUsedHere() }
    func postCount(_ id: Int64, by actor: Actor) async throws -> (session: CountSession, movements: Int) { throw NotUsedHere() }
    func requests(_ query: RequestListQuery, limit: Int, offset: Int, by actor: Actor) async throws -> [Request] { throw NotUsedHere() }
    func requestPosition(_ id: Int64, in query: RequestListQuery, by actor: Actor) async throws -> Int? { throw NotUsedHere() }
    func itemPosition(_ query: ItemListQuery, of row: ItemListRow, by actor: Actor) async throws -> Int? { throw NotUsedHere() }
    func savedViews(_ pane: SavedView.Pane, by actor: Actor) async throws -> [SavedView] { throw NotUsedHere() }
    func saveView(_ view: SavedView, replace: Bool, by actor: Actor) async throws -> SavedView { throw NotUsedHere() }
    func deleteView(_ pane: SavedView.Pane, named name: String, by actor: Actor) async throws { throw NotUsedHere() }
    func lastViews(by actor: Actor) async throws -> [SavedView.Settings] { throw NotUsedHere() }
    func rememberView(_ settings: SavedView.Settings, by actor: Actor) async throws { throw NotUsedHere() }
    func request(_ id: Int64, by actor: Actor) async throws -> RequestDetail { throw NotUsedHere() }
    func fileRequest(kind: RequestKind, account code: String, sku: String?, quantity: Int?, text: String,
                     priority: Priority, by actor: Actor) async throws -> Request { throw NotUsedHere() }
    func act(on id: Int64, _ action: RequestAction, text: String, assignTo: String?,
             by actor: Actor) async throws -> Request { throw NotUsedHere() }
    func answerBasis(forRequest id: Int64, by actor: Actor) async throws -> AnswerSnapshot? { throw NotUsedHere() }
    func attention(for actor: Actor, at now: Date) async throws -> QueueAttention { throw NotUsedHere() }
    func replyTemplates(by actor: Actor) async throws -> [ReplyTemplate] { throw NotUsedHere() }
    func keyOwner(algorithm: String, blob: Data) async throws -> (user: User, fingerprint: String)? { throw NotUsedHere() }
    func keyHolders() async throws -> [String: User] { throw NotUsedHere() }
    func auditRemoteSession(user: User, fingerprint: String, address: String, command: String) async throws { throw NotUsedHere() }
}

@Suite("The store contract")
struct StoreContractTests {
    @Test func givenAnyStoreMeetingTheContractWhenItStopsAnsweringThenTheConsoleShowsItIsNotLiveUntilItAnswersAgain() async {
        let store = CounterOnlyStore()
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        let state = ConsoleState(user: clerk, storeName: "elsewhere", width: 80, height: 24, now: now)
        let runtime = ConsoleRuntime(store: store, actor: Actor(user: clerk, source: .console), state: state, clock: { now })

        await runtime.checkForChanges(force: true)
        #expect(runtime.state.live)

        await store.setAnswering(false)
        await runtime.checkForChanges(force: true)
        #expect(!runtime.state.live)

        await store.setAnswering(true)
        await runtime.checkForChanges(force: true)
        #expect(runtime.state.live)
        #expect(runtime.state.message == .empty, "the counter did not move, so nothing else was asked of the store")
    }
}
