/// A run of consecutive rows fetched for a list: the rows from `start` on, and nothing else.
///
/// Lists never hold all their rows. The pane asks its list which rows it wants (`VirtualList.wantedWindow`), runs the
/// query for just those (`LIMIT … OFFSET …` or a keyset page), and hands the result back as a window. Rows outside the
/// window are drawn as placeholders until the next window arrives, so the screen never waits for the store.
public struct RowWindow<Row> {
    /// The index of the first row held.
    public var start: Int
    /// The rows held, in order: `rows[0]` is row `start`.
    public var rows: [Row]

    /// A window holding `rows` from row `start` on.
    public init(start: Int, rows: [Row]) {
        self.start = max(0, start)
        self.rows = rows
    }

    /// A window with no rows, for a list whose first page has not arrived yet.
    public static var empty: RowWindow { RowWindow(start: 0, rows: []) }

    /// The row indices this window holds.
    public var range: Range<Int> { start..<(start + rows.count) }

    /// Row `index` of the whole list, or nil when this window does not hold it.
    public subscript(index: Int) -> Row? {
        guard range.contains(index) else { return nil }
        return rows[index - start]
    }

    /// Whether every row of `wanted` is held.
    public func covers(_ wanted: Range<Int>) -> Bool {
        wanted.isEmpty || (wanted.lowerBound >= range.lowerBound && wanted.upperBound <= range.upperBound)
    }
}

extension RowWindow: Sendable where Row: Sendable {}
extension RowWindow: Equatable where Row: Equatable {}
extension RowWindow: Hashable where Row: Hashable {}
