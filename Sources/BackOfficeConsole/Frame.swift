import BackOfficeCore
import Foundation
import TerminalUI

/// The parts of every screen around a pane: the tab bar at the top, the message line and the status bar at the
/// bottom, and the "make the terminal bigger" screen below 80x24.
public enum Frame {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    /// What the frame shows besides the pane.
    public struct Status: Sendable, Equatable {
        public var user: String
        public var role: Role
        public var store: String
        public var clock: String
        /// Shown while the store is being watched for changes from other sessions.
        public var live: Bool
        /// The message line; when empty it shows the pane's key hints instead.
        public var message: MessageLine
        /// Beside the Queue tab: what needs the user there ("2 to answer · 1 late"); nil when nothing does.
        public var badge: String?
        /// Whether the badge counts a late request (drawn as overdue rather than due soon).
        public var badgeLate: Bool

        public init(user: String, role: Role, store: String, clock: String, live: Bool, message: MessageLine = .empty,
                    badge: String? = nil, badgeLate: Bool = false) {
            self.user = user
            self.role = role
            self.store = store
            self.clock = clock
            self.live = live
            self.message = message
            self.badge = badge
            self.badgeLate = badgeLate
        }
    }

    /// Whether a terminal of this size can show the console.
    public static func fits(width: Int, height: Int) -> Bool {
        width >= minimumWidth && height >= minimumHeight
    }

    /// The screen for a terminal smaller than 80x24: a centred request to enlarge it, cut to whatever fits (1x1 too).
    public static func tooSmall(width: Int, height: Int) -> Grid {
        var grid = Grid(width: width, height: height)
        let lines = ["make the terminal at least \(minimumWidth)x\(minimumHeight)", "(it is \(width)x\(height) now)"]
        let top = max(0, (height - lines.count) / 2)
        for (offset, line) in lines.enumerated() where top + offset < height {
            let shown = Text.truncated(line, toWidth: width)
            grid.put(shown, x: max(0, (width - TextWidth.of(shown)) / 2), y: top + offset, role: offset == 0 ? .warning : .muted)
        }
        return grid
    }

    /// Draws the tab bar, message line and status bar, and returns the rect left for the pane.
    public static func draw(into grid: inout Grid, pane: Pane, status: Status, hints: String) -> Rect {
        let bounds = grid.bounds
        // Tab bar.
        grid.fill(Rect(x: 0, y: 0, width: bounds.width, height: 1), role: .tabInactive)
        var x = 1
        grid.put("BackOffice", x: x, y: 0, role: .title)
        x += 12
        for tab in Pane.allCases {
            let label = " \(tab.rawValue) \(tab.title) "
            x = grid.put(label, x: x, y: 0, role: tab == pane ? .tabActive : .tabInactive) + 1
            if tab == .queue, let badge = status.badge {
                x = grid.put("● " + badge, x: x, y: 0, role: status.badgeLate ? .overdue : .dueSoon, maxWidth: max(0, bounds.width - x - 1)) + 1
            }
        }
        // Message line and status bar.
        let messageRow = bounds.height - 2, statusRow = bounds.height - 1
        grid.fill(Rect(x: 0, y: messageRow, width: bounds.width, height: 1), role: .messageLine)
        if !status.message.text.isEmpty {
            status.message.draw(into: &grid, in: Rect(x: 0, y: messageRow, width: bounds.width, height: 1))
        } else {
            grid.put(hints, x: 1, y: messageRow, role: .keyHint, maxWidth: bounds.width - 2)
        }
        grid.fill(Rect(x: 0, y: statusRow, width: bounds.width, height: 1), role: .statusBar)
        let right = "\(status.clock) \(status.live ? "● live" : "○ reconnecting")"
        let left = " \(status.user) (\(status.role.rawValue)) · \(status.store)"
        let rightX = bounds.width - TextWidth.of(right) - 1
        grid.put(Text.truncated(left, toWidth: max(0, rightX - 1)), x: 0, y: statusRow, role: .statusBar)
        grid.put(right, x: rightX, y: statusRow, role: .statusBar)
        return Rect(x: 0, y: 1, width: bounds.width, height: max(0, bounds.height - 3))
    }
}
