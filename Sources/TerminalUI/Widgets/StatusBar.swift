/// The bottom bar: who is working (user, role, store) on the left, the clock and whether the screen is live on the
/// right.
///
/// When the bar is too narrow, it gives up the middle first: the blank between the two sides, then the left
/// segments from the innermost outwards (store, then role), then the right ones from the innermost outwards (live
/// indicator, then clock), and the user last. A segment is cut with "…" while two columns of it still fit, and
/// dropped whole after that, so what remains is always readable.
public struct StatusBar: Hashable, Sendable {
    /// One piece of text on the bar, in its own role.
    public struct Segment: Hashable, Sendable {
        public var text: String
        public var role: StyleRole

        public init(_ text: String, role: StyleRole = .statusBar) {
            self.text = text
            self.role = role
        }
    }

    /// Segments from the left edge inwards.
    public var left: [Segment]
    /// Segments from the middle outwards to the right edge.
    public var right: [Segment]
    /// Drawn between adjacent segments on the same side.
    public var separator: String

    public init(left: [Segment], right: [Segment], separator: String = " · ") {
        self.left = left
        self.right = right
        self.separator = separator
    }

    /// The console's bar: "alice · clerk · main.sqlite" on the left, "● live  14:05" on the right.
    ///
    /// `isLive` says whether changes from other sessions are being followed; when not, the indicator reads "○ stale"
    /// in `.warning`. The clock is text the app formats from its injected clock.
    public init(user: String, role: String, store: String, clock: String, isLive: Bool) {
        let live = isLive ? Segment("● live", role: .success) : Segment("○ stale", role: .warning)
        self.init(left: [Segment(user), Segment(role), Segment(store)], right: [live, Segment(clock)])
    }

    /// The columns each segment gets in a bar `width` columns wide; 0 for a dropped one. Left segments first.
    public func segmentWidths(forWidth width: Int) -> [Int] {
        let segments = left + right
        var widths = segments.map { TextWidth.of($0.text) }
        // Innermost first on each side, the left side before the right, the user (leftmost) last of all.
        let order = Array(left.indices.dropFirst().reversed())
            + right.indices.map { left.count + $0 }
            + Array(left.indices.prefix(1))
        let room = width - 2  // one blank at each edge
        for index in order {
            let excess = used(widths) - room
            guard excess > 0 else { break }
            let kept = widths[index] - excess
            widths[index] = kept >= 2 ? kept : 0
        }
        return used(widths) <= room ? widths : widths.map { _ in 0 }
    }

    /// Columns taken by segments of `widths` with their separators and at least one blank between the sides.
    private func used(_ widths: [Int]) -> Int {
        let separatorWidth = TextWidth.of(separator)
        func side(_ part: ArraySlice<Int>) -> Int {
            let shown = part.filter { $0 > 0 }
            return shown.reduce(0, +) + max(0, shown.count - 1) * separatorWidth
        }
        let leftWidth = side(widths.prefix(left.count))
        let rightWidth = side(widths.dropFirst(left.count))
        return leftWidth + rightWidth + (leftWidth > 0 && rightWidth > 0 ? 1 : 0)
    }

    /// Draws the bar into the first row of `rect`, filled in `.statusBar`.
    public func draw(into grid: inout Grid, in rect: Rect) {
        guard let bar = rect.row(0) else { return }
        grid.fill(bar, role: .statusBar)
        let widths = segmentWidths(forWidth: bar.width)
        let segments = left + right
        let shown = zip(segments, widths).enumerated().filter { $0.element.1 > 0 }
        let leftShown = shown.filter { $0.offset < left.count }.map(\.element)
        let rightShown = shown.filter { $0.offset >= left.count }.map(\.element)

        var x = bar.x + 1
        for (position, (segment, width)) in leftShown.enumerated() {
            if position > 0 { x = grid.put(separator, x: x, y: bar.y, role: .statusBar) }
            x = grid.put(Text.truncated(segment.text, toWidth: width), x: x, y: bar.y, role: segment.role)
        }
        let separatorWidth = TextWidth.of(separator)
        let rightWidth = rightShown.map(\.1).reduce(0, +) + max(0, rightShown.count - 1) * separatorWidth
        x = bar.maxX - 1 - rightWidth
        for (position, (segment, width)) in rightShown.enumerated() {
            if position > 0 { x = grid.put(separator, x: x, y: bar.y, role: .statusBar) }
            x = grid.put(Text.truncated(segment.text, toWidth: width), x: x, y: bar.y, role: segment.role)
        }
    }
}

/// The one-line area above the status bar for the last confirmation or error: "Receipt posted: 40 × FAS-0001",
/// "Refused: not enough available at MAIN (12)".
public struct MessageLine: Hashable, Sendable {
    /// How the message reads.
    public enum Kind: Hashable, Sendable {
        /// Neutral news, in `.messageLine`.
        case info
        /// Something done, in `.success`.
        case success
        /// A refusal or failure, in `.error`.
        case error
    }

    public var text: String
    public var kind: Kind

    public init(_ text: String = "", kind: Kind = .info) {
        self.text = text
        self.kind = kind
    }

    public static func info(_ text: String) -> MessageLine { MessageLine(text, kind: .info) }
    public static func success(_ text: String) -> MessageLine { MessageLine(text, kind: .success) }
    public static func error(_ text: String) -> MessageLine { MessageLine(text, kind: .error) }
    /// No message: the line is blank.
    public static let empty = MessageLine()

    /// The role the text is drawn in.
    public var role: StyleRole {
        switch kind {
        case .info: .messageLine
        case .success: .success
        case .error: .error
        }
    }

    /// Draws the message into the first row of `rect`, cut with "…" when too long, after one blank column.
    public func draw(into grid: inout Grid, in rect: Rect) {
        guard let line = rect.row(0) else { return }
        grid.fill(line, role: .messageLine)
        guard !text.isEmpty, line.width > 1 else { return }
        grid.put(Text.truncated(text, toWidth: line.width - 1), x: line.x + 1, y: line.y, role: role)
    }
}
