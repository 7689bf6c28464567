import Testing
import TerminalUI

@Suite("Style roles")
struct StyleRoleTests {
    @Test("Given every role, when its fallbacks are followed, then they end at a base role without looping",
          arguments: StyleRole.allCases)
    func fallbacksEndAtABaseRole(_ role: StyleRole) {
        var seen: Set<StyleRole> = [role]
        var current = role
        while let next = current.fallback {
            #expect(!seen.contains(next), "\(role) loops at \(next)")
            if seen.contains(next) { return }
            seen.insert(next)
            current = next
        }
        #expect(current.fallback == nil)
    }

    @Test("Given a theme with only base roles, when overdue and dueSoon are resolved, then they use error and warning")
    func smallThemeBorrowsFromBaseRoles() {
        let base = Set(StyleRole.allCases.filter { $0.fallback == nil })
        #expect(StyleRole.overdue.resolved(where: base.contains) == .error)
        #expect(StyleRole.dueSoon.resolved(where: base.contains) == .warning)
        #expect(StyleRole.inputFocused.resolved(where: base.contains) == .input)
        #expect(StyleRole.tabActive.resolved(where: { $0 == .normal }) == .normal)
    }

    @Test("Given the role names, when read as theme keys, then the ones themes rely on are spelled as documented")
    func roleNamesAreThemeKeys() {
        #expect(StyleRole(rawValue: "selection") == .selection)
        #expect(StyleRole(rawValue: "overdue") == .overdue)
        #expect(StyleRole(rawValue: "tabActive") == .tabActive)
        #expect(StyleRole(rawValue: "Selection") == nil)
    }
}
