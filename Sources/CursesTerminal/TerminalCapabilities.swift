/// What the terminal the console runs on can show, known once `CursesTerminal.start` has run.
public struct TerminalCapabilities: Hashable, Sendable {
    /// Colours the terminal has: 0 when none, 8, 16, 256.
    public var colors: Int
    /// Colour pairs ncurses can define.
    public var colorPairs: Int
    /// Whether the terminal can redefine its palette; themes only pick from the palette, so this is only reported.
    public var canChangeColor: Bool
    /// Whether the locale's character set is UTF-8, so wide and accented text reaches the terminal intact.
    public var isUTF8: Bool
    /// Whether boxes can be drawn with Unicode line characters; ASCII `+-|` otherwise.
    public var canDrawLines: Bool

    /// Whether the terminal shows colours at all; a theme falls back to monochrome when not.
    public var hasColors: Bool { colors > 0 }

    public init(colors: Int, colorPairs: Int, canChangeColor: Bool, isUTF8: Bool, canDrawLines: Bool) {
        self.colors = colors
        self.colorPairs = colorPairs
        self.canChangeColor = canChangeColor
        self.isUTF8 = isUTF8
        self.canDrawLines = canDrawLines
    }

    /// Before `start`: nothing known, so nothing but ASCII assumed.
    public static let unknown = TerminalCapabilities(
        colors: 0, colorPairs: 0, canChangeColor: false, isUTF8: false, canDrawLines: false)

    /// Whether Unicode box lines will show on terminal `term` with a locale that is (or is not) UTF-8.
    ///
    /// A UTF-8 locale is the real condition: the Linux console and every emulator draw the box characters then. TERM
    /// vt100 and its kin are the exception, because they are chosen for real or emulated VT terminals, serial consoles
    /// and old clients that have no Unicode, whatever the locale of the host says.
    public static func canDrawLines(term: String, isUTF8: Bool) -> Bool {
        isUTF8 && !term.hasPrefix("vt")
    }
}

/// Why the full-screen console cannot run here; the caller prints it on one line and points to the command line.
public enum UnsupportedTerminal: Error, Hashable, Sendable, CustomStringConvertible {
    /// TERM is unset or empty.
    case noTerminalType
    /// A terminal that cannot move its cursor: TERM=dumb (Emacs shell buffers, some CI logs).
    case cannotAddressCursor(term: String)
    /// Standard input or output is a pipe or a file, not a terminal.
    case notATerminal

    public var description: String {
        switch self {
        case .noTerminalType: "TERM is not set, so the full-screen console cannot run"
        case .cannotAddressCursor(let term): "TERM=\(term) cannot show the full-screen console"
        case .notATerminal: "standard input and output must be a terminal for the full-screen console"
        }
    }
}

/// Why `start` failed once the terminal looked usable.
public enum CursesTerminalError: Error, Hashable, Sendable, CustomStringConvertible {
    /// ncurses has no terminfo entry for TERM, or cannot drive it.
    case cannotOpenTerminal(term: String)

    public var description: String {
        switch self {
        case .cannotOpenTerminal(let term): "cannot open terminal type \"\(term)\": no usable terminfo entry"
        }
    }
}
