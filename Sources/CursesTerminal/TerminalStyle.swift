import TerminalUI

/// A colour as a theme names it: the terminal's own default, one of the sixteen ANSI colours, or an xterm 256-colour
/// palette index.
///
/// The backend turns it into the nearest colour the terminal has, so a theme written for 256 colours still draws on an
/// 8-colour console.
public enum TerminalColor: Hashable, Sendable {
    /// Whatever the user's terminal is set to: their own background and text colour.
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
    /// An entry of the xterm 256-colour palette: 0–15 the ANSI colours, 16–231 a 6×6×6 cube, 232–255 greys.
    case indexed(UInt8)

    /// The sixteen ANSI colours in palette order, so a colour's index is its position here.
    private static let ansi: [TerminalColor] = [
        .black, .red, .green, .yellow, .blue, .magenta, .cyan, .white,
        .brightBlack, .brightRed, .brightGreen, .brightYellow, .brightBlue, .brightMagenta, .brightCyan, .brightWhite,
    ]

    /// The names a theme file uses, in palette order: "black" … "white", then "bright-black" … "bright-white".
    private static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan",
        "bright-white",
    ]

    /// The colour a theme file names: "default", an ANSI name ("red", "bright-red"; "brightRed" and "bright_red" are
    /// accepted too), or a palette index "0" … "255"; nil for anything else.
    public init?(name: String) {
        let lowered = name.lowercased()
        if lowered == "default" {
            self = .default
            return
        }
        if let index = UInt8(lowered) {
            self = index < 16 ? Self.ansi[Int(index)] : .indexed(index)
            return
        }
        var normalised = String(lowered.map { $0 == "_" ? "-" : $0 })
        if normalised.hasPrefix("bright"), !normalised.hasPrefix("bright-") {
            normalised = "bright-" + normalised.dropFirst("bright".count)
        }
        guard let index = Self.names.firstIndex(of: normalised) else { return nil }
        self = Self.ansi[index]
    }

    /// The xterm palette number (0–255), or nil for the terminal's default.
    public var paletteIndex: Int? {
        switch self {
        case .default: nil
        case .indexed(let index): Int(index)
        default: Self.ansi.firstIndex(of: self)
        }
    }
}

/// How one semantic role looks: colours and attributes.
///
/// Deliberately plain so a theme file maps onto it field by field. On a terminal without colours only the attributes
/// are used (see `StylePlan`).
public struct TerminalStyle: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(foreground: TerminalColor = .default, background: TerminalColor = .default, bold: Bool = false,
                dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    /// The terminal's default colours, no attributes.
    public static let plain = TerminalStyle()

    /// Attributes only, used until a theme is set: enough to tell the selection, titles and errors apart on any
    /// terminal.
    public static let monochrome: [StyleRole: TerminalStyle] = [
        .normal: .plain,
        .muted: TerminalStyle(dim: true),
        .title: TerminalStyle(bold: true),
        .header: TerminalStyle(underline: true),
        .border: .plain,
        .selection: TerminalStyle(reverse: true),
        .selectionUnfocused: TerminalStyle(underline: true),
        .warning: TerminalStyle(bold: true),
        .error: TerminalStyle(bold: true, reverse: true),
        .success: TerminalStyle(bold: true),
        .statusBar: TerminalStyle(reverse: true),
        .input: TerminalStyle(underline: true),
        .inputFocused: TerminalStyle(reverse: true),
    ]
}
