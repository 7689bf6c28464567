import CNcursesw
import TerminalUI

/// How ncurses draws one role: the attribute bits and the colour pair number to pass to `wattr_set`.
struct CursesAttributes: Hashable {
    var attributes: attr_t
    var pair: Int16
}

/// A foreground and background as ncurses numbers colours: 0–255, or -1 for the terminal's default.
struct ColorPair: Hashable {
    var foreground: Int16
    var background: Int16
}

/// A theme's styles translated for one terminal: what each role draws with, and the colour pairs to define first.
///
/// Pure, so the translation is tested without a terminal. Pairs are shared: two roles with the same colours use one
/// pair, because a terminal has few (64 on an 8-colour console) and a theme has dozens of roles.
struct StylePlan {
    /// Every role, resolved through its fallbacks to a style the theme defines.
    var roles: [StyleRole: CursesAttributes]
    /// The pairs to define with `init_pair`: pair `n` is `pairs[n - 1]`. Pair 0 is the terminal's default colours and
    /// is never redefined.
    var pairs: [ColorPair]

    /// Translates `styles` for a terminal with `colors` colours (0 when it has none) and `pairLimit` colour pairs.
    ///
    /// `defaultColors` says whether `use_default_colors` succeeded, so -1 means the user's own colours; without it
    /// "default" is white on black, as ncurses defines pair 0.
    init(styles: [StyleRole: ThemeStyle], colors: Int, pairLimit: Int, defaultColors: Bool) {
        roles = [:]
        pairs = []
        var numbers: [ColorPair: Int16] = [:]
        let defaultPair = defaultColors
            ? ColorPair(foreground: -1, background: -1) : ColorPair(foreground: 7, background: 0)
        // A direct-colour terminfo (COLORS = 2^24) reads numbers above 7 as RGB values, not palette indexes.
        let usableColors = colors > 256 ? 8 : colors
        // Pair numbers travel as a C short.
        let lastPair = min(pairLimit - 1, Int(Int16.max))

        for role in StyleRole.allCases {
            let style = styles[role.resolved { styles[$0] != nil }] ?? .plain
            var attributes = Self.attributes(of: style)
            var pairNumber: Int16?
            if usableColors > 0 {
                let foreground = Self.colorNumber(
                    style.foreground, colors: usableColors, default: defaultPair.foreground)
                let background = Self.colorNumber(
                    style.background, colors: usableColors, default: defaultPair.background)
                // On 8 colours a bright foreground becomes its plain colour in bold, as consoles have always shown it.
                if foreground.lostBrightness { attributes |= backoffice_a_bold() }
                let pair = ColorPair(foreground: foreground.number, background: background.number)
                if pair == defaultPair {
                    pairNumber = 0
                } else if let known = numbers[pair] {
                    pairNumber = known
                } else if pairs.count < lastPair {
                    pairs.append(pair)
                    let number = Int16(pairs.count)
                    numbers[pair] = number
                    pairNumber = number
                }
            }
            if pairNumber == nil, style.background != .default, !style.reverse {
                // No colour to show it: a role that stands out only by its background (a selection bar) would vanish,
                // so it is drawn in reverse video instead.
                attributes |= backoffice_a_reverse()
            }
            roles[role] = CursesAttributes(attributes: attributes, pair: pairNumber ?? 0)
        }
    }

    /// The attribute bits a style asks for.
    static func attributes(of style: ThemeStyle) -> attr_t {
        var bits = backoffice_a_normal()
        if style.bold { bits |= backoffice_a_bold() }
        if style.dim { bits |= backoffice_a_dim() }
        if style.reverse { bits |= backoffice_a_reverse() }
        if style.underline { bits |= backoffice_a_underline() }
        return bits
    }

    /// The ncurses number for `color` on a terminal with `colors` colours, and whether a bright colour had to give up
    /// its brightness (8-colour terminals).
    static func colorNumber(_ color: ThemeColor, colors: Int, default defaultNumber: Int16)
        -> (number: Int16, lostBrightness: Bool)
    {
        guard let index = color.paletteIndex else { return (defaultNumber, false) }
        let nearest = nearestColor(index, colors: colors)
        return (Int16(nearest), index >= 8 && index < 16 && nearest < 8)
    }

    /// The palette index closest to `index` among the first `colors`: itself when the terminal has it, the plain
    /// colour for a bright one on 8 colours, else the nearest of the ANSI colours by RGB distance.
    static func nearestColor(_ index: Int, colors: Int) -> Int {
        if index < colors { return index }
        if index < 16 { return index - 8 }
        let target = rgb(ofPaletteIndex: index)
        let candidates = 0..<min(colors, 16)
        return candidates.min { distance(rgb(ofPaletteIndex: $0), target) < distance(rgb(ofPaletteIndex: $1), target) }
            ?? 0
    }

    /// xterm's default RGB for a palette index.
    static func rgb(ofPaletteIndex index: Int) -> (Int, Int, Int) {
        switch index {
        case 0..<16:
            return ansiRGB[index]
        case 16..<232:
            let levels = [0, 95, 135, 175, 215, 255]
            let cube = index - 16
            return (levels[cube / 36], levels[(cube / 6) % 6], levels[cube % 6])
        default:
            let grey = 8 + 10 * (index - 232)
            return (grey, grey, grey)
        }
    }

    /// xterm's sixteen ANSI colours.
    private static let ansiRGB = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255),
        (255, 255, 255),
    ]

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        let (dr, dg, db) = (a.0 - b.0, a.1 - b.1, a.2 - b.2)
        return dr * dr + dg * dg + db * db
    }
}
