/// A key press, as the console sees it, whatever terminal it came from.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable character (letters, digits, punctuation, CJK…).
    case character(Character)
    case enter
    case tab
    case backTab
    case escape
    case backspace
    case delete
    case up
    case down
    case left
    case right
    case home
    case end
    case pageUp
    case pageDown
    case insert
    /// F1 … F12.
    case function(Int)
    /// Ctrl plus a letter, lower-case: `.control("c")`.
    case control(Character)
    /// The terminal changed size; the backend reports the new size separately.
    case resize

    /// The key's name as help and the status bar show it: `q`, `Enter`, `F2`, `Ctrl-R`, `PgDn`.
    public var description: String {
        switch self {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .enter: "Enter"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .delete: "Del"
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .home: "Home"
        case .end: "End"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .insert: "Ins"
        case .function(let n): "F\(n)"
        case .control(let c): "Ctrl-\(String(c).uppercased())"
        case .resize: "resize"
        }
    }
}
