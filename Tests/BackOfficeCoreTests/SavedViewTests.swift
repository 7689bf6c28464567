import BackOfficeCore
import Testing

/// Moving a list's sort among its columns, and what a saved view's name may be.
@Suite("Sort columns and saved view names")
struct SavedViewTests {
    @Test func givenTheQueuesColumnsWhenTheSortMovesRightAndLeftThenItStepsThroughThemAndWrapsAtTheEnds() {
        let columns = RequestListQuery.Sort.allCases
        #expect(SortColumns.move(RequestListQuery.Sort.id, by: 1, among: columns) == .state)
        #expect(SortColumns.move(RequestListQuery.Sort.due, by: 1, among: columns) == .id)
        #expect(SortColumns.move(RequestListQuery.Sort.id, by: -1, among: columns) == .due)
        #expect(SortColumns.move(RequestListQuery.Sort.priority, by: -1, among: columns) == .state)
    }

    @Test func givenASortNotAmongTheColumnsShownWhenMovedThenTheFirstColumnIsTaken() {
        #expect(SortColumns.move(RequestListQuery.Sort.item, by: 1, among: [.id, .due]) == .id)
        #expect(SortColumns.move(ItemListQuery.Sort.name, by: 1, among: []) == .name)
    }

    @Test(arguments: [("Low stock", "Low stock"), ("  Padded  ", "Padded"), ("Überblick März", "Überblick März")])
    func givenAGoodNameWhenCheckedThenItIsKeptTrimmed(name: String, kept: String) throws {
        #expect(try SavedView.checkName(name) == kept)
    }

    @Test(arguments: ["", "  ", "nul\u{0}", "tab\tin", "esc\u{1b}[2J", "bidi\u{202e}", String(repeating: "n", count: 41)])
    func givenABadNameWhenCheckedThenOneLineNamesTheField(name: String) {
        do {
            _ = try SavedView.checkName(name)
            Issue.record("\(name.debugDescription) was accepted")
        } catch {
            #expect(error.kind == .invalidInput)
            #expect(error.message.hasPrefix("view name: ") && !error.message.contains("\n"), "\(error.message)")
        }
    }

    @Test func givenStateFiltersWhenNamedThenTheNameReadsBackAsTheSameFilter() {
        for filter in [RequestStateFilter.open, .any] + RequestState.allCases.map(RequestStateFilter.only) {
            #expect(RequestStateFilter(name: filter.name) == filter)
        }
        #expect(RequestStateFilter(name: "bogus") == nil)
    }
}
