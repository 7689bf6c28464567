/// One line of help: the keys that do something, and what it is.
public struct HelpEntry: Hashable, Sendable {
    public var keys: [Key]
    public var description: String

    public init(keys: [Key], description: String) {
        self.keys = keys
        self.description = description
    }

    /// The keys as help shows them, separated by spaces: "j ↓".
    public var keyNames: String { keys.map(\.description).joined(separator: " ") }
}

/// A titled group of help entries: "Everywhere", "Inventory", "Forms".
public struct HelpSection: Hashable, Sendable {
    public var title: String
    public var entries: [HelpEntry]

    public init(_ title: String, entries: [HelpEntry]) {
        self.title = title
        self.entries = entries
    }
}

/// The `?` screen: every section of the app's key table laid out in as many columns as fit, scrolling when even
/// that is not enough.
///
/// The app builds the sections from its one key table, so help never drifts from what the keys do. Sections flow
/// down the first column and on into the next; a section's title is never left alone at the bottom of a column.
/// ↑ ↓ j k PgUp PgDn Home End scroll; Esc, `?` and `q` close.
public struct HelpView: Hashable, Sendable {
    /// What a key did to the help screen.
    public enum Outcome: Hashable, Sendable {
        /// The view scrolled.
        case scrolled
        /// A scrolling key at the end of the content.
        case unchanged
        /// Esc, `?` or `q`: the app closes help.
        case close
        /// Not a help key.
        case ignored
    }

    /// One line of the laid-out help.
    enum Line: Hashable {
        case title(String)
        case entry(HelpEntry)
        case blank
    }

    public var sections: [HelpSection]
    /// The first row shown.
    public private(set) var scrollOffset: Int
    /// The size help is drawn at; the app sets it from its layout, so scrolling knows where the content ends.
    public var size: (width: Int, height: Int) {
        get { (width, height) }
        set {
            width = max(0, newValue.width)
            height = max(0, newValue.height)
            scrollOffset = min(scrollOffset, maxScrollOffset(width: width, height: height))
        }
    }
    private var width: Int
    private var height: Int

    /// Blank columns between help columns.
    public static let columnGap = 3
    /// Blank columns between the keys and their description.
    public static let keyGap = 2

    public init(sections: [HelpSection], width: Int = 80, height: Int = 24) {
        self.sections = sections
        self.width = max(0, width)
        self.height = max(0, height)
        scrollOffset = 0
    }

    /// How an app's key table can scroll help, so the app decides which keys do it and its help says so.
    public enum Scroll: Hashable, Sendable {
        case lineUp
        case lineDown
        case pageUp
        case pageDown
        case top
        case bottom
    }

    /// Scrolls as `scroll` asks, no further than the content goes.
    public mutating func scroll(_ scroll: Scroll) -> Outcome {
        let before = scrollOffset
        let last = maxScrollOffset(width: width, height: height)
        let page = max(1, height)
        switch scroll {
        case .lineUp: scrollOffset -= 1
        case .lineDown: scrollOffset += 1
        case .pageUp: scrollOffset -= page
        case .pageDown: scrollOffset += page
        case .top: scrollOffset = 0
        case .bottom: scrollOffset = last
        }
        scrollOffset = min(max(0, scrollOffset), last)
        return scrollOffset == before ? .unchanged : .scrolled
    }

    /// Help's own keys, for an app without a key table.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .escape, .character("?"), .character("q"): return .close
        case .up, .character("k"): return scroll(.lineUp)
        case .down, .character("j"): return scroll(.lineDown)
        case .pageUp: return scroll(.pageUp)
        case .pageDown, .character(" "): return scroll(.pageDown)
        case .home, .character("g"): return scroll(.top)
        case .end, .character("G"): return scroll(.bottom)
        default: return .ignored
        }
    }

    // MARK: - Layout

    /// The columns the key names take: the widest set of keys, so every description starts in line.
    private var keysWidth: Int {
        sections.flatMap(\.entries).map { TextWidth.of($0.keyNames) }.max() ?? 0
    }

    /// The width of one help column: wide enough for every title and entry, no wider than `width`.
    func columnWidth(forWidth width: Int) -> Int {
        let keys = keysWidth
        let entries = sections.flatMap(\.entries).map { keys + Self.keyGap + TextWidth.of($0.description) }
        let titles = sections.map { TextWidth.of($0.title) }
        return min(width, (entries + titles).max() ?? 0)
    }

    /// How many columns fit side by side in `width`.
    func columnCount(forWidth width: Int) -> Int {
        let column = columnWidth(forWidth: width)
        guard column > 0 else { return 1 }
        return max(1, (width + Self.columnGap) / (column + Self.columnGap))
    }

    /// The lines of help flowed into columns for a view `width` columns wide.
    ///
    /// The columns are as short as the content allows, so a short help is balanced rather than one full column and a
    /// stub, but a little taller where that keeps every section in one column. When that is taller than the view, the
    /// view scrolls.
    func columns(width: Int) -> [[Line]] {
        let count = columnCount(forWidth: width)
        let total = sections.reduce(0) { $0 + $1.entries.count + 2 } - (sections.isEmpty ? 0 : 1)
        guard total > 0 else { return [] }
        // At `total` rows everything fits in one column, so this ends.
        var columnHeight = max(1, (total + count - 1) / count)
        var balanced: [[Line]]
        while true {
            balanced = flow(intoColumnsOf: columnHeight)!
            if balanced.count <= count { break }
            columnHeight += 1
        }
        // Columns a little taller that keep each section in one column read better than balanced ones that carry a
        // section over into the next: up to the view's height, or by the tallest section when help scrolls anyway.
        if count > 1 {
            let tallest = sections.map { $0.entries.count + 2 }.max() ?? 0
            for taller in columnHeight...max(columnHeight + tallest, height) {
                if let whole = flow(intoColumnsOf: taller, keepingSectionsWhole: true), whole.count <= count { return whole }
            }
        }
        return balanced
    }

    /// The sections flowed into columns of at most `columnHeight` lines, as many columns as that takes; nil when
    /// sections are to be kept whole and one is taller than a column.
    private func flow(intoColumnsOf columnHeight: Int, keepingSectionsWhole: Bool = false) -> [[Line]]? {
        var columns: [[Line]] = [[]]
        func room() -> Int { columnHeight - columns[columns.count - 1].count }
        for section in sections {
            if keepingSectionsWhole && 1 + section.entries.count > columnHeight { return nil }
            // A title needs its first entry under it; a separating blank is not worth starting a column with.
            let needed = keepingSectionsWhole ? 1 + section.entries.count : min(2, 1 + section.entries.count)
            if !columns[columns.count - 1].isEmpty {
                if room() >= needed + 1 {
                    columns[columns.count - 1].append(.blank)
                } else {
                    columns.append([])
                }
            }
            columns[columns.count - 1].append(.title(section.title))
            for entry in section.entries {
                if room() <= 0 { columns.append([]) }
                columns[columns.count - 1].append(.entry(entry))
            }
        }
        return columns
    }

    /// Rows of content at `width`, before scrolling.
    private func contentHeight(width: Int) -> Int {
        columns(width: width).map(\.count).max() ?? 0
    }

    private func maxScrollOffset(width: Int, height: Int) -> Int {
        max(0, contentHeight(width: width) - height)
    }

    // MARK: - Drawing

    /// Draws help into `rect`: section titles in `.title`, key names in `.keyHint`, descriptions in `.normal`.
    public func draw(into grid: inout Grid, in rect: Rect) {
        grid.fill(rect, role: .normal)
        guard !rect.isEmpty else { return }
        let laidOut = columns(width: rect.width)
        let columnWidth = columnWidth(forWidth: rect.width)
        let keys = min(keysWidth, columnWidth)
        let top = min(scrollOffset, max(0, (laidOut.map(\.count).max() ?? 0) - rect.height))
        for (index, column) in laidOut.enumerated() {
            let x = rect.x + index * (columnWidth + Self.columnGap)
            let width = min(columnWidth, rect.maxX - x)
            guard width > 0 else { break }
            for (row, line) in column.dropFirst(top).prefix(rect.height).enumerated() {
                let y = rect.y + row
                switch line {
                case .blank:
                    continue
                case .title(let title):
                    grid.put(Text.truncated(title, toWidth: width), x: x, y: y, role: .title)
                case .entry(let entry):
                    grid.put(Text.padded(entry.keyNames, toWidth: min(keys, width)), x: x, y: y, role: .keyHint)
                    let descriptionX = x + keys + Self.keyGap
                    let room = x + width - descriptionX
                    if room > 0 {
                        grid.put(Text.truncated(entry.description, toWidth: room), x: descriptionX, y: y,
                                 role: .normal)
                    }
                }
            }
        }
    }
}
