/// A rectangle of cells on screen, in columns and rows, with the layout helpers panes are built from.
///
/// Sizes never go negative: a rect made too small is empty rather than inside out, so layouts at 1x1 produce empty
/// areas instead of crashes.
public struct Rect: Hashable, Sendable, CustomStringConvertible {
    /// The leftmost column.
    public var x: Int
    /// The top row.
    public var y: Int
    /// Columns across, never negative.
    public var width: Int { didSet { width = max(0, width) } }
    /// Rows down, never negative.
    public var height: Int { didSet { height = max(0, height) } }

    /// A rect at (`x`, `y`); a negative width or height is taken as zero.
    public init(x: Int = 0, y: Int = 0, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// The column just right of the rect (exclusive).
    public var maxX: Int { x + width }
    /// The row just below the rect (exclusive).
    public var maxY: Int { y + height }
    /// Whether the rect holds no cells at all.
    public var isEmpty: Bool { width == 0 || height == 0 }

    public var description: String { "\(width)x\(height) at (\(x), \(y))" }

    /// Whether the cell at (`x`, `y`) is inside the rect.
    public func contains(x column: Int, y row: Int) -> Bool {
        column >= x && column < maxX && row >= y && row < maxY
    }

    /// The cells in both rects; empty (at this rect's origin) when they do not overlap.
    public func intersection(_ other: Rect) -> Rect {
        let left = max(x, other.x)
        let top = max(y, other.y)
        let right = min(maxX, other.maxX)
        let bottom = min(maxY, other.maxY)
        guard right > left, bottom > top else { return Rect(x: x, y: y, width: 0, height: 0) }
        return Rect(x: left, y: top, width: right - left, height: bottom - top)
    }

    /// The rect shrunk by the given number of cells on each side; empty when the insets meet.
    public func inset(top: Int = 0, left: Int = 0, bottom: Int = 0, right: Int = 0) -> Rect {
        let width = max(0, self.width - left - right)
        let height = max(0, self.height - top - bottom)
        return Rect(x: x + min(left, self.width), y: y + min(top, self.height), width: width, height: height)
    }

    /// The rect shrunk by `amount` cells on every side: the inside of a box is `rect.inset(by: 1)`.
    public func inset(by amount: Int) -> Rect {
        inset(top: amount, left: amount, bottom: amount, right: amount)
    }

    /// The one-row rect for row `index` of this one (0 is the top row), or nil when there is no such row.
    public func row(_ index: Int) -> Rect? {
        guard index >= 0, index < height else { return nil }
        return Rect(x: x, y: y + index, width: width, height: 1)
    }

    // MARK: - Layout

    /// How long one part of a split is, along the direction of the split.
    public enum Length: Hashable, Sendable {
        /// Exactly this many cells, as far as room allows; fixed parts get room first, in order.
        case fixed(Int)
        /// This percentage of the room left after spacing, rounded down; served after the fixed parts.
        case percent(Int)
        /// A share of what the fixed and percentage parts leave, in proportion to the weight.
        case weight(Int)

        /// An equal share of whatever is left.
        public static let fill = Length.weight(1)
    }

    /// The rect split top to bottom into rows of the given lengths, with `spacing` empty rows between them.
    ///
    /// Always one rect per length, touching or `spacing` apart, all inside this one. When the room runs out, the last
    /// parts served are empty: fixed parts are served first (so a status bar of `.fixed(1)` survives), then
    /// percentages, then weights. Rows the weights cannot share evenly go to the earliest weighted parts.
    public func splitRows(_ lengths: [Length], spacing: Int = 0) -> [Rect] {
        Self.split(total: height, lengths, spacing: spacing).map { start, length in
            Rect(x: x, y: y + start, width: width, height: length)
        }
    }

    /// The rect split left to right into columns of the given lengths, with `spacing` empty columns between them.
    ///
    /// Shares out room exactly as `splitRows` does.
    public func splitColumns(_ lengths: [Length], spacing: Int = 0) -> [Rect] {
        Self.split(total: width, lengths, spacing: spacing).map { start, length in
            Rect(x: x + start, y: y, width: length, height: height)
        }
    }

    /// The top `rows` rows (as many as there are), and the rest below them.
    public func dividedTop(_ rows: Int) -> (top: Rect, rest: Rect) {
        let taken = min(max(0, rows), height)
        return (Rect(x: x, y: y, width: width, height: taken),
                Rect(x: x, y: y + taken, width: width, height: height - taken))
    }

    /// The bottom `rows` rows (as many as there are), and the rest above them.
    public func dividedBottom(_ rows: Int) -> (bottom: Rect, rest: Rect) {
        let taken = min(max(0, rows), height)
        return (Rect(x: x, y: maxY - taken, width: width, height: taken),
                Rect(x: x, y: y, width: width, height: height - taken))
    }

    /// The left `columns` columns (as many as there are), and the rest right of them.
    public func dividedLeft(_ columns: Int) -> (left: Rect, rest: Rect) {
        let taken = min(max(0, columns), width)
        return (Rect(x: x, y: y, width: taken, height: height),
                Rect(x: x + taken, y: y, width: width - taken, height: height))
    }

    /// The right `columns` columns (as many as there are), and the rest left of them.
    public func dividedRight(_ columns: Int) -> (right: Rect, rest: Rect) {
        let taken = min(max(0, columns), width)
        return (Rect(x: maxX - taken, y: y, width: taken, height: height),
                Rect(x: x, y: y, width: width - taken, height: height))
    }

    /// Offsets and lengths for `lengths` along a line of `total` cells.
    static func split(total: Int, _ lengths: [Length], spacing: Int) -> [(start: Int, length: Int)] {
        guard !lengths.isEmpty else { return [] }
        let gap = max(0, spacing)
        let gaps = gap * (lengths.count - 1)
        let room = max(0, total - gaps)
        var sizes = Array(repeating: 0, count: lengths.count)
        var left = room

        for (index, length) in lengths.enumerated() {
            guard case .fixed(let cells) = length else { continue }
            sizes[index] = min(max(0, cells), left)
            left -= sizes[index]
        }
        for (index, length) in lengths.enumerated() {
            guard case .percent(let percent) = length else { continue }
            sizes[index] = min(room * min(max(0, percent), 100) / 100, left)
            left -= sizes[index]
        }
        let weights = lengths.map { length -> Int in
            if case .weight(let weight) = length { return max(0, weight) }
            return 0
        }
        let totalWeight = weights.reduce(0, +)
        if totalWeight > 0 {
            let share = left
            for index in sizes.indices where weights[index] > 0 {
                sizes[index] = share * weights[index] / totalWeight
                left -= sizes[index]
            }
            // Rounding leaves fewer cells than weighted parts; hand them out one each, first come.
            for index in sizes.indices where weights[index] > 0 && left > 0 {
                sizes[index] += 1
                left -= 1
            }
        }

        var result: [(start: Int, length: Int)] = []
        var start = 0
        for size in sizes {
            // With less room than the gaps need, later parts pile up at the end, empty, rather than fall outside.
            result.append((min(start, total), size))
            start += size + gap
        }
        return result
    }
}
