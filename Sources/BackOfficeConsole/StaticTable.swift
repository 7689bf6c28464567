import TerminalUI

/// A short table drawn whole, with no selection: the stock per location, the prices considered, the quantity breaks.
enum StaticTable {
    /// Draws the header and as many rows as fit; returns the rows of the screen used.
    @discardableResult
    static func draw(columns: [TableColumn], rows: [TableRow], in rect: Rect, into grid: inout Grid, spacing: Int = 1) -> Int {
        guard rect.height > 0, rect.width > 0 else { return 0 }
        let slots = Rect(x: rect.x, y: rect.y, width: rect.width, height: 1).splitColumns(columns.map(\.width), spacing: spacing)
        grid.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: .header)
        for (column, slot) in zip(columns, slots) where slot.width > 0 {
            grid.put(Text.padded(column.title, toWidth: slot.width, alignment: column.alignment), x: slot.x, y: rect.y, role: .header)
        }
        var used = 1
        for row in rows where used < rect.height {
            let y = rect.y + used
            grid.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: row.role)
            for (index, slot) in slots.enumerated() where slot.width > 0 && index < row.cells.count {
                let cell = row.cells[index]
                grid.put(Text.padded(cell.text, toWidth: slot.width, alignment: columns[index].alignment), x: slot.x, y: y,
                         role: cell.role ?? row.role)
            }
            used += 1
        }
        return used
    }
}
