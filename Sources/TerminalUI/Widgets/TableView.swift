/// One column of a table: its heading, how wide it is, and how its cells align.
public struct TableColumn: Hashable, Sendable {
    /// The heading in the header row.
    public var title: String
    /// A fixed number of columns, a percentage, or a flexible share of what is left (`.fill`), as `Rect` splits.
    public var width: Rect.Length
    /// Where heading and cells sit in the column; quantities and money align right.
    public var alignment: Text.Alignment

    public init(_ title: String, width: Rect.Length = .fill, alignment: Text.Alignment = .left) {
        self.title = title
        self.width = width
        self.alignment = alignment
    }
}

/// The text of one table cell and, when it differs from its row's, its role (a quantity below reorder point in
/// `.warning`).
public struct TableCell: Hashable, Sendable, ExpressibleByStringLiteral {
    public var text: String
    /// The cell's own role, or nil to take the row's.
    public var role: StyleRole?

    public init(_ text: String, role: StyleRole? = nil) {
        self.text = text
        self.role = role
    }

    public init(stringLiteral text: String) {
        self.init(text)
    }
}

/// One row of a table as drawn: a cell per column, and the role of the row as a whole (an overdue request in
/// `.overdue`).
public struct TableRow: Hashable, Sendable, ExpressibleByArrayLiteral {
    public var cells: [TableCell]
    public var role: StyleRole

    public init(_ cells: [TableCell], role: StyleRole = .normal) {
        self.cells = cells
        self.role = role
    }

    public init(arrayLiteral cells: TableCell...) {
        self.init(cells)
    }
}

/// A virtual list drawn as columns under a header row: the item list, the movements, the request queue.
///
/// The table holds its columns and a `VirtualList` for navigation, never the rows: it draws from a `RowWindow` the
/// pane fetched for `wantedWindow`. Every cell is padded or cut with "…" to its column, so wide or hostile data never
/// pushes the next column out of line.
public struct TableView: Hashable, Sendable {
    public var columns: [TableColumn]
    /// Selection, scrolling and the rows wanted; its `visibleHeight` excludes the header row.
    public var list: VirtualList
    /// Blank columns between adjacent columns.
    public var columnSpacing: Int

    /// A table of `rowCount` rows, `height` rows tall including its header.
    public init(columns: [TableColumn], rowCount: Int = 0, isRowCountExact: Bool = true, height: Int = 11,
                columnSpacing: Int = 1, emptyMessage: String = "Nothing to show") {
        self.columns = columns
        self.columnSpacing = columnSpacing
        list = VirtualList(rowCount: rowCount, isRowCountExact: isRowCountExact, visibleHeight: max(0, height - 1),
                           emptyMessage: emptyMessage)
    }

    /// Rows on screen including the header; the pane sets it from its layout.
    public var height: Int {
        get { list.visibleHeight + 1 }
        set { list.visibleHeight = max(0, newValue - 1) }
    }

    /// The selected row, or nil when the table is empty.
    public var selection: Int? { list.selection }
    /// The rows to fetch now (see `VirtualList.wantedWindow`).
    public var wantedWindow: Range<Int> { list.wantedWindow }
    /// The rows on screen now.
    public var visibleRange: Range<Int> { list.visibleRange }

    /// Moves the selection for a navigation key, as `VirtualList.handle` does.
    public mutating func handle(_ key: Key) -> VirtualList.Outcome {
        list.handle(key)
    }

    /// Where each column goes across `rect`, in the order of `columns`.
    public func columnRects(in rect: Rect) -> [Rect] {
        rect.splitColumns(columns.map(\.width), spacing: columnSpacing)
    }

    /// Draws the header and the rows of `window` on screen into `rect`.
    public func draw(into grid: inout Grid, in rect: Rect, focused: Bool, window: RowWindow<TableRow>) {
        draw(into: &grid, in: rect, focused: focused, window: window) { $0 }
    }

    /// Draws the header and the rows of `window` on screen, turning each record into cells with `cells` as it is drawn,
    /// so the pane can keep its window in domain types.
    public func draw<Row>(into grid: inout Grid, in rect: Rect, focused: Bool, window: RowWindow<Row>,
                          cells: (Row) -> TableRow) {
        guard !rect.isEmpty else { return }
        let (header, body) = rect.dividedTop(1)
        grid.fill(header, role: .header)
        let slots = columnRects(in: header)
        for (column, slot) in zip(columns, slots) where slot.width > 0 {
            grid.put(Text.padded(column.title, toWidth: slot.width, alignment: column.alignment), x: slot.x, y: slot.y,
                     role: .header)
        }
        list.draw(into: &grid, in: body, focused: focused, window: window) { record, line, grid in
            let row = cells(record)
            grid.fill(line, role: row.role)
            for (index, slot) in slots.enumerated() where slot.width > 0 && index < row.cells.count {
                let cell = row.cells[index]
                let text = Text.padded(cell.text, toWidth: slot.width, alignment: columns[index].alignment)
                grid.put(text, x: slot.x, y: line.y, role: cell.role ?? row.role)
            }
        }
    }
}
