import CNcursesw
import TerminalUI
import Testing
@testable import CursesTerminal

@Suite("Translating theme styles into colour pairs and attributes")
struct StylePlanTests {
    private let bold = backoffice_a_bold()
    private let reverse = backoffice_a_reverse()

    @Test("Given two roles with the same colours, when planned, then they share one colour pair")
    func sameColoursShareAPair() {
        let styles: [StyleRole: ThemeStyle] = [
            .normal: .plain,
            .selection: ThemeStyle(foreground: .black, background: .cyan),
            .tabActive: ThemeStyle(foreground: .black, background: .cyan, bold: true),
            .error: ThemeStyle(foreground: .red),
        ]
        let plan = StylePlan(styles: styles, colors: 256, pairLimit: 256, defaultColors: true)
        #expect(plan.pairs == [ColorPair(foreground: 0, background: 6), ColorPair(foreground: 1, background: -1)])
        #expect(plan.roles[.selection] == CursesAttributes(attributes: 0, pair: 1))
        #expect(plan.roles[.tabActive] == CursesAttributes(attributes: bold, pair: 1))
        #expect(plan.roles[.error] == CursesAttributes(attributes: 0, pair: 2))
    }

    @Test("Given the terminal's own colours, when planned, then pair 0 is used and no pair is defined")
    func defaultColoursUsePairZero() {
        let plan = StylePlan(styles: [.normal: .plain, .title: ThemeStyle(bold: true)], colors: 8, pairLimit: 64,
                             defaultColors: true)
        #expect(plan.pairs.isEmpty)
        #expect(plan.roles[.title] == CursesAttributes(attributes: bold, pair: 0))
    }

    @Test("Given a role the theme leaves out, when planned, then it is drawn as its fallback role")
    func missingRolesFollowFallbacks() {
        let styles: [StyleRole: ThemeStyle] = [.normal: .plain, .error: ThemeStyle(foreground: .red, bold: true)]
        let plan = StylePlan(styles: styles, colors: 8, pairLimit: 64, defaultColors: true)
        #expect(plan.roles[.overdue] == plan.roles[.error])
        #expect(plan.roles[.warning] == plan.roles[.normal])
        #expect(plan.roles.count == StyleRole.allCases.count)
    }

    @Test("Given no colours, when planned, then only attributes are used and a background becomes reverse")
    func noColoursMeansAttributesOnly() {
        let styles: [StyleRole: ThemeStyle] = [
            .normal: .plain,
            .selection: ThemeStyle(foreground: .black, background: .cyan),
            .error: ThemeStyle(foreground: .red, underline: true),
        ]
        let plan = StylePlan(styles: styles, colors: 0, pairLimit: 0, defaultColors: false)
        #expect(plan.pairs.isEmpty)
        #expect(plan.roles[.selection] == CursesAttributes(attributes: reverse, pair: 0))
        #expect(plan.roles[.error] == CursesAttributes(attributes: backoffice_a_underline(), pair: 0))
    }

    @Test("Given more colour combinations than pairs, when planned, then the extra roles fall back to attributes")
    func pairsRunOut() {
        let styles: [StyleRole: ThemeStyle] = [
            .normal: .plain,
            .selection: ThemeStyle(background: .blue),
            .error: ThemeStyle(background: .red),
            .warning: ThemeStyle(background: .yellow),
        ]
        // Three pairs: pair 0 and two to define.
        let plan = StylePlan(styles: styles, colors: 8, pairLimit: 3, defaultColors: true)
        #expect(plan.pairs.count == 2)
        let drawnInReverse = [StyleRole.selection, .error, .warning].filter { plan.roles[$0]?.pair == 0 }
        #expect(drawnInReverse.count == 1)
        #expect(drawnInReverse.allSatisfy { plan.roles[$0]?.attributes == reverse })
    }

    @Test("Given no default colours, when planned, then default means white on black, which is pair 0")
    func withoutDefaultColours() {
        let styles: [StyleRole: ThemeStyle] = [.normal: .plain, .error: ThemeStyle(background: .red)]
        let plan = StylePlan(styles: styles, colors: 8, pairLimit: 64, defaultColors: false)
        #expect(plan.roles[.normal]?.pair == 0)
        #expect(plan.pairs == [ColorPair(foreground: 7, background: 1)])
    }

    @Test("Given a bright foreground on an 8-colour terminal, when planned, then it is the plain colour in bold")
    func brightOnEightColours() {
        let styles: [StyleRole: ThemeStyle] = [.normal: .plain, .warning: ThemeStyle(foreground: .brightYellow)]
        let eight = StylePlan(styles: styles, colors: 8, pairLimit: 64, defaultColors: true)
        #expect(eight.pairs == [ColorPair(foreground: 3, background: -1)])
        #expect(eight.roles[.warning]?.attributes == bold)
        let sixteen = StylePlan(styles: styles, colors: 16, pairLimit: 256, defaultColors: true)
        #expect(sixteen.pairs == [ColorPair(foreground: 11, background: -1)])
        #expect(sixteen.roles[.warning]?.attributes == 0)
    }

    @Test("Given 256-colour indexes on a smaller terminal, when mapped, then each becomes the nearest ANSI colour")
    func nearestColours() {
        #expect(StylePlan.nearestColor(196, colors: 256) == 196)
        #expect(StylePlan.nearestColor(196, colors: 16) == 9)  // pure red → bright red
        #expect(StylePlan.nearestColor(196, colors: 8) == 1)  // → red
        #expect(StylePlan.nearestColor(21, colors: 8) == 4)  // pure blue → blue
        #expect(StylePlan.nearestColor(232, colors: 8) == 0)  // darkest grey → black
        #expect(StylePlan.nearestColor(231, colors: 16) == 15)  // cube white → bright white
        #expect(StylePlan.nearestColor(255, colors: 16) == 7)  // lightest grey (238) → white (229)
        #expect(StylePlan.nearestColor(244, colors: 16) == 8)  // mid grey → bright black
    }

    @Test("Given a direct-colour terminal, when planned, then only the eight ANSI numbers are used")
    func directColour() {
        let styles: [StyleRole: ThemeStyle] = [.normal: .plain, .error: ThemeStyle(foreground: .color256(196))]
        let plan = StylePlan(styles: styles, colors: 0x1000000, pairLimit: 0x10000, defaultColors: true)
        #expect(plan.pairs == [ColorPair(foreground: 1, background: -1)])
    }
}
