import BackOfficeCore
import TerminalUI

/// One fetch of rows for a list: which query it belongs to, where the rows go, and where the store starts reading.
public struct PageRequest<Row: Sendable>: Sendable {
    /// The list's generation when the fetch was planned; rows for an older query are dropped.
    public var generation: Int
    public var start: Int
    public var count: Int
    public var anchor: PageAnchor<Row>
}

extension PageRequest: Equatable where Row: Equatable {}

/// A table whose rows live in the store: the table's navigation, the window of rows fetched, and the bookkeeping
/// that turns "the screen moved" into the cheapest fetch.
///
/// A step or a page next to rows already held reads by keyset from the neighbouring row; Home reads from the start and
/// End from the tail; only a jump into the unknown middle uses an offset. So scrolling a million-item list costs
/// what scrolling a hundred does.
public struct PagedList<Row: Sendable>: Sendable {
    public var table: TableView
    public private(set) var window: RowWindow<Row> = .empty
    /// Bumped when the list's query changes, so pages for the old query are dropped when they arrive.
    public private(set) var generation = 0
    /// The rows being fetched now, so a key pressed while a fetch is on its way does not ask for them again.
    private var pending: Range<Int>?

    public init(table: TableView) {
        self.table = table
    }

    /// The selected row, when it has been fetched.
    public var selected: Row? { table.selection.flatMap { window[$0] } }

    /// Starts over for a new query: no rows, the first row selected, a row count to be learned.
    public mutating func reset(emptyMessage: String? = nil) {
        generation += 1
        window = .empty
        pending = nil
        let height = table.height
        var fresh = TableView(columns: table.columns, rowCount: 0, isRowCountExact: false, height: height,
                              columnSpacing: table.columnSpacing, emptyMessage: emptyMessage ?? table.list.emptyMessage)
        fresh.list.prefetch = table.list.prefetch
        table = fresh
    }

    /// Selects row `index` of a list just reset (the row a re-sorted list keeps selected), its rows still to be
    /// fetched: until it is counted the list holds at least that many rows. Forgets the fetch planned at the reset, so
    /// the next `plan` asks for the rows around the selection; nil (the row is no longer listed) keeps the first row.
    public mutating func reselect(_ index: Int?) {
        pending = nil
        guard let index, index >= 0 else { return }
        if table.list.rowCount <= index { table.list.setRowCount(index + 1, exact: false) }
        table.list.select(index)
    }

    /// Sets the number of rows after a count, keeping the selection where it can.
    public mutating func setCount(_ count: Int, exact: Bool) {
        table.list.setRowCount(exact ? count : max(count, table.list.rowCount), exact: exact)
    }

    /// The fetch the list needs now, if any; `refresh` asks again for what is on screen (after another session
    /// changed the store).
    ///
    /// A new query fetches its first screen alone, so the frame after a keystroke in the search box waits for the rows
    /// it shows and no more; the rows either side come with the next move. `screenOnly` (after rows or a count
    /// arrived) asks only for rows on screen still missing.
    public mutating func plan(refresh: Bool = false, screenOnly: Bool = false) -> PageRequest<Row>? {
        let screen = table.list.screenWindow
        if screenOnly, screen.isEmpty || (screen.lowerBound >= window.range.lowerBound && screen.upperBound <= window.range.upperBound) {
            return nil
        }
        let wanted = screenOnly || (window.range.isEmpty && !refresh) ? screen : table.wantedWindow
        guard !wanted.isEmpty else { return nil }
        if !refresh {
            guard screenOnly || table.list.needsRows(loaded: window.range), pending != wanted else { return nil }
        }
        let anchor: PageAnchor<Row>
        if wanted.lowerBound == 0 {
            anchor = .offset(0)
        } else if let before = window[wanted.lowerBound - 1] {
            anchor = .after(before)
        } else if let after = window[wanted.upperBound] {
            anchor = .before(after)
        } else if table.list.isRowCountExact && wanted.upperBound >= table.list.rowCount {
            anchor = .tail
        } else {
            anchor = .offset(wanted.lowerBound)
        }
        pending = wanted
        return PageRequest(generation: generation, start: wanted.lowerBound, count: wanted.count, anchor: anchor)
    }

    /// Takes the rows of a fetch; false when they belong to an older query and were dropped.
    @discardableResult
    public mutating func receive(_ rows: [Row], for request: PageRequest<Row>) -> Bool {
        guard request.generation == generation else { return false }
        if pending == request.start..<(request.start + request.count) { pending = nil }
        let end = request.start + rows.count
        switch request.anchor {
        case .before, .tail:
            // Rows counted back from a known row: a short page means the list starts later than thought.
            window = RowWindow(start: request.start + (request.count - rows.count), rows: rows)
        case .offset, .after:
            window = RowWindow(start: request.start, rows: rows)
            if rows.count < request.count {
                // The list ends here: fewer rows than the count said, or the end of a list still being counted.
                if !table.list.isRowCountExact || end < table.list.rowCount { table.list.setRowCount(end, exact: true) }
            } else if !table.list.isRowCountExact && end > table.list.rowCount {
                table.list.setRowCount(end, exact: false)
            }
        }
        return true
    }
}
