/// A colour as a theme names it: the terminal's own, one of the 16 ANSI colours, or an entry of the 256-colour palette.
///
/// Only palette colours, never RGB: every terminal we support (xterm, screen, tmux, linux, vt100) draws a palette, and
/// curses speaks palette indexes. `fitted(toColors:)` brings a colour down to what a smaller terminal can show.
public enum ThemeColor: Hashable, Sendable, CustomStringConvertible {
    /// The terminal's own foreground or background, whatever the user set it to.
    case `default`
    case black, red, green, yellow, blue, magenta, cyan, white
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite
    /// An entry of the 256-colour palette, 0–255 (16–231 a 6×6×6 cube, 232–255 greys).
    case color256(Int)

    /// The 16 named colours in palette order, so `named[n]` is palette entry `n`.
    public static let named: [ThemeColor] = [
        .black, .red, .green, .yellow, .blue, .magenta, .cyan, .white,
        .brightBlack, .brightRed, .brightGreen, .brightYellow, .brightBlue, .brightMagenta, .brightCyan, .brightWhite,
    ]

    /// The palette entry curses is given (0–255), or nil for the terminal's default (curses' -1).
    public var paletteIndex: Int? {
        switch self {
        case .default: nil
        case .color256(let n): n
        default: Self.named.firstIndex(of: self)
        }
    }

    /// The name a theme file uses: "cyan", "bright-red", "default", or "#NNN" for a palette entry.
    public var description: String {
        switch self {
        case .default: "default"
        case .black: "black"
        case .red: "red"
        case .green: "green"
        case .yellow: "yellow"
        case .blue: "blue"
        case .magenta: "magenta"
        case .cyan: "cyan"
        case .white: "white"
        case .brightBlack: "bright-black"
        case .brightRed: "bright-red"
        case .brightGreen: "bright-green"
        case .brightYellow: "bright-yellow"
        case .brightBlue: "bright-blue"
        case .brightMagenta: "bright-magenta"
        case .brightCyan: "bright-cyan"
        case .brightWhite: "bright-white"
        case .color256(let n): "#\(n)"
        }
    }

    /// The colour a theme file names: a colour name, "default", or "#NNN" with NNN a palette entry 0–255 in decimal.
    ///
    /// "#NNN" is a palette index, not hex RGB: "#196" is palette red, and "#fff" is no colour at all.
    public init?(name: String) {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            guard (1...3).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let n = Int(digits), (0...255).contains(n)
            else { return nil }
            self = .color256(n)
            return
        }
        if name == "default" {
            self = .default
            return
        }
        guard let color = Self.named.first(where: { $0.description == name }) else { return nil }
        self = color
    }

    /// Whether this is one of the bright eight (palette 8–15), which an 8-colour terminal cannot show.
    public var isBright: Bool {
        Self.named[8...].contains(self)
    }

    /// The nearest colour a terminal with `colors` colours can show: 256 and up keep everything, 16 turn a palette
    /// entry into the nearest named colour, 8 also turn a bright colour into its plain one.
    public func fitted(toColors colors: Int) -> ThemeColor {
        guard colors < 256, let index = paletteIndex else { return self }
        let named = index < 16 ? Self.named[index] : Self.named[Self.nearestNamed(toPaletteEntry: index)]
        guard colors < 16, let plainIndex = named.paletteIndex, plainIndex >= 8 else { return named }
        return Self.named[plainIndex - 8]
    }

    /// xterm's stock RGB for the 16 named colours, the yardstick `fitted` measures palette entries against.
    private static let namedRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
        (255, 255, 255),
    ]

    /// The named colour closest (in RGB distance) to palette entry 16–255 as xterm draws it.
    private static func nearestNamed(toPaletteEntry index: Int) -> Int {
        let rgb: (Int, Int, Int)
        if index >= 232 {
            let level = 8 + 10 * (index - 232)
            rgb = (level, level, level)
        } else {
            let levels = [0, 95, 135, 175, 215, 255]
            let cube = index - 16
            rgb = (levels[cube / 36], levels[cube / 6 % 6], levels[cube % 6])
        }
        func distance(_ other: (Int, Int, Int)) -> Int {
            let (r, g, b) = (rgb.0 - other.0, rgb.1 - other.1, rgb.2 - other.2)
            return r * r + g * g + b * b
        }
        return namedRGB.indices.min { distance(namedRGB[$0]) < distance(namedRGB[$1]) } ?? 0
    }
}

/// How one role is drawn: two colours and four attributes.
///
/// A style is complete on its own: a role does not inherit colours from `.normal`, so a theme with a background
/// (phosphor's black) writes it on every role it defines. Roles it leaves out borrow a whole style along the fallbacks.
public struct ThemeStyle: Hashable, Sendable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var bold: Bool
    public var dim: Bool
    public var reverse: Bool
    public var underline: Bool

    public init(foreground: ThemeColor = .default, background: ThemeColor = .default, bold: Bool = false,
                dim: Bool = false, reverse: Bool = false, underline: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
        self.dim = dim
        self.reverse = reverse
        self.underline = underline
    }

    /// The terminal's own colours, no attributes.
    public static let plain = ThemeStyle()

    /// This style as a terminal with `colors` colours can draw it.
    ///
    /// On 8 colours a bright foreground becomes its plain colour drawn bold, the way the Linux console and old xterms
    /// show bright text; a bright background just loses its brightness.
    public func fitted(toColors colors: Int) -> ThemeStyle {
        var style = self
        style.foreground = foreground.fitted(toColors: colors)
        style.background = background.fitted(toColors: colors)
        if colors < 16, foreground.fitted(toColors: 16).isBright { style.bold = true }
        return style
    }
}

/// A named mapping from semantic roles to styles: what `.selection` or `.overdue` looks like on screen.
///
/// A theme need not define every role. `style(for:)` follows `StyleRole.fallback` to the nearest role the theme does
/// define and ends at `.normal` (or the terminal's plain colours), so a dozen base roles draw every screen.
public struct Theme: Hashable, Sendable {
    /// The theme's name, as `--theme` and `BACKOFFICE_THEME` spell it.
    public var name: String
    /// The roles this theme defines itself; the others fall back.
    public var roles: [StyleRole: ThemeStyle]

    public init(name: String, roles: [StyleRole: ThemeStyle]) {
        self.name = name
        self.roles = roles
    }

    /// The style `role` is drawn in: its own, or the one its fallback chain reaches first, or plain.
    public func style(for role: StyleRole) -> ThemeStyle {
        roles[role.resolved(where: { roles[$0] != nil })] ?? .plain
    }

    /// The role whose style `role` is drawn in, for tests and for a theme preview that shows where a style came from.
    public func definingRole(for role: StyleRole) -> StyleRole {
        role.resolved(where: { roles[$0] != nil })
    }

    /// This theme as a terminal with `colors` colours can draw it (see `ThemeStyle.fitted(toColors:)`).
    public func fitted(toColors colors: Int) -> Theme {
        Theme(name: name, roles: roles.mapValues { $0.fitted(toColors: colors) })
    }

    /// Attributes only, no colour: for `NO_COLOR`, terminals without colours, and when no theme file can be read.
    ///
    /// Compiled in because it is the fallback of last resort; `themes/mono.toml` mirrors it, and a test keeps the two
    /// equal.
    public static let mono = Theme(name: "mono", roles: [
        .normal: ThemeStyle(),
        .muted: ThemeStyle(dim: true),
        .title: ThemeStyle(bold: true),
        .header: ThemeStyle(bold: true),
        .searchMatch: ThemeStyle(bold: true, underline: true),
        .keyHint: ThemeStyle(bold: true),
        .tabActive: ThemeStyle(bold: true, reverse: true),
        .tabInactive: ThemeStyle(),
        .border: ThemeStyle(),
        .borderFocused: ThemeStyle(bold: true),
        .selection: ThemeStyle(reverse: true),
        .selectionUnfocused: ThemeStyle(underline: true),
        .warning: ThemeStyle(bold: true),
        .error: ThemeStyle(bold: true),
        .overdue: ThemeStyle(bold: true, underline: true),
        .success: ThemeStyle(),
        .statusBar: ThemeStyle(reverse: true),
        .input: ThemeStyle(underline: true),
        .inputFocused: ThemeStyle(bold: true, underline: true),
        .placeholder: ThemeStyle(dim: true, underline: true),
    ])
}
