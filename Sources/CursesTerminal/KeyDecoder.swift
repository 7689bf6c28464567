import CNcursesw
import TerminalUI

/// Turns what `wget_wch` returns into the console's `Key`.
///
/// Pure, so every mapping is tested without a terminal.
enum KeyDecoder {
    /// The key for one `wget_wch` result: `status` is `OK` for a character in `value`, `KEY_CODE_YES` for a curses
    /// key code in `value`, `ERR` for none. Nil when there was no key or the console has no name for it (a mouse
    /// event, Shift-F5, a NUL).
    static func key(status: Int32, value: UInt32) -> Key? {
        switch status {
        case OK: character(value)
        case KEY_CODE_YES: keyCode(Int32(bitPattern: value))
        default: nil
        }
    }

    /// A curses key code: arrows, editing and function keys, resize.
    private static func keyCode(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: .up
        case KEY_DOWN: .down
        case KEY_LEFT: .left
        case KEY_RIGHT: .right
        // The keypad's corners, and the Find/Select keys some terminfo entries give Home and End (VT220 layout).
        case KEY_HOME, KEY_A1, KEY_FIND: .home
        case KEY_END, KEY_C1, KEY_SELECT: .end
        case KEY_PPAGE, KEY_A3: .pageUp
        case KEY_NPAGE, KEY_C3: .pageDown
        case KEY_DC: .delete
        case KEY_IC: .insert
        case KEY_BTAB: .backTab
        case KEY_BACKSPACE: .backspace
        case KEY_ENTER: .enter
        case KEY_RESIZE: .resize
        case (KEY_F0 + 1)...(KEY_F0 + 12): .function(Int(code - KEY_F0))
        default: nil
        }
    }

    /// A character code: the control keys the console names, control letters, printable characters.
    private static func character(_ value: UInt32) -> Key? {
        switch value {
        case 27: return .escape
        case 9: return .tab
        // Return arrives as CR (nonl keeps it from being translated); a terminal in another mode may send LF.
        case 13, 10: return .enter
        // Terminals disagree on Backspace: DEL on most, Ctrl-H on some (and Ctrl-Backspace on others).
        case 127, 8: return .backspace
        case 1...26: return .control(Character(UnicodeScalar(UInt8(value) + 0x60)))
        default: break
        }
        guard let scalar = Unicode.Scalar(value), scalar.properties.generalCategory != .control else { return nil }
        return .character(Character(scalar))
    }
}
