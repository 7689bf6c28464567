import Testing
import TerminalUI

/// Every scalar that must never reach the terminal: C0, DEL, C1, bidi controls and the zero-width characters.
private func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: true
    case 0x061C, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064, 0x2066...0x2069, 0xFEFF: true
    default: false
    }
}

/// Whether every wide cell is followed by its continuation and every continuation follows a wide cell.
private func wideCharactersAreWhole(_ grid: Grid) -> Bool {
    for y in 0..<grid.height {
        for x in 0..<grid.width {
            let cell = grid[x, y]!
            if cell.isWide, grid[x + 1, y]?.isContinuation != true { return false }
            if cell.isContinuation, grid[x - 1, y]?.isWide != true { return false }
        }
    }
    return true
}

@Suite("Grid: writing text")
struct GridPutTests {
    @Test("Given an empty grid, when ASCII is put, then it appears at the position in the role asked for")
    func putWritesTextAndRole() {
        var grid = Grid(width: 10, height: 2)
        let end = grid.put("Hex", x: 2, y: 1, role: .title)
        #expect(grid.lines == ["          ", "  Hex     "])
        #expect(end == 5)
        #expect(grid.role(x: 2, y: 1) == .title)
        #expect(grid.role(x: 5, y: 1) == .normal)
    }

    @Test("Given wide characters, when put, then each fills a cell and its continuation")
    func wideCharactersTakeTwoCells() {
        var grid = Grid(width: 6, height: 1)
        let end = grid.put("価格", x: 1, y: 0, role: .header)
        #expect(grid.text(row: 0) == " 価格 ")
        #expect(end == 5)
        #expect(grid[1, 0]?.isWide == true)
        #expect(grid[2, 0]?.isContinuation == true)
        #expect(grid.role(x: 2, y: 0) == .header)
        #expect(grid[3, 0]?.text == "格")
    }

    @Test("Given a decomposed accent, when put, then letter and accent share one cell")
    func combiningMarkSharesItsLettersCell() {
        var grid = Grid(width: 4, height: 1)
        grid.put("e\u{301}x", x: 0, y: 0)
        #expect(grid[0, 0]?.text == "e\u{301}")
        #expect(grid[1, 0]?.text == "x")
    }

    @Test("Given text longer than the row, when put, then it is clipped at the right edge")
    func clipsAtTheRightEdge() {
        var grid = Grid(width: 6, height: 1)
        let end = grid.put("Hex bolt M8", x: 2, y: 0)
        #expect(grid.text(row: 0) == "  Hex ")
        #expect(end == 6)
    }

    @Test("Given a wide character that would straddle the right edge, when put, then the last column is blank")
    func wideCharacterAtTheRightEdgeIsNotSplit() {
        var grid = Grid(width: 6, height: 1)
        grid.put("......", x: 0, y: 0)
        grid.put("a価", x: 4, y: 0, role: .selection)
        #expect(grid.text(row: 0) == "....a ")
        #expect(grid[5, 0]?.isWide == false)
        #expect(grid.role(x: 5, y: 0) == .selection)
        #expect(wideCharactersAreWhole(grid))
    }

    @Test("Given a maximum width, when a wide character would straddle it, then it stops there with a blank")
    func maxWidthClipsWithoutSplitting() {
        var grid = Grid(width: 8, height: 1)
        grid.put("........", x: 0, y: 0)
        let end = grid.put("価格表", x: 1, y: 0, maxWidth: 3)
        #expect(grid.text(row: 0) == ".価 ....")
        #expect(end == 4)
    }

    @Test("Given a negative x, when a wide character straddles the left edge, then its visible half is blank")
    func clipsAtTheLeftEdge() {
        var grid = Grid(width: 5, height: 1)
        grid.put("価格", x: -1, y: 0)
        #expect(grid.text(row: 0) == " 格  ")
        #expect(wideCharactersAreWhole(grid))
    }

    @Test("Given rows outside the grid, when text is put there, then nothing changes")
    func clipsAtTheBottomAndTop() {
        var grid = Grid(width: 4, height: 2)
        grid.put("ab", x: 0, y: 1)
        let before = grid
        grid.put("zz", x: 0, y: 2)
        grid.put("価", x: 0, y: 2)
        grid.put("zz", x: 0, y: -1)
        #expect(grid == before)
        #expect(grid.lines == ["    ", "ab  "])
    }

    @Test("Given a one-cell grid, when a wide character is put, then the cell is blank and nothing crashes")
    func tinyGrid() {
        var grid = Grid(width: 1, height: 1)
        grid.put("価格", x: 0, y: 0)
        #expect(grid.lines == [" "])
        var empty = Grid(width: 0, height: 0)
        empty.put("x", x: 0, y: 0)
        #expect(empty.lines.isEmpty)
    }
}

@Suite("Grid: wide characters stay whole")
struct GridWideOverwriteTests {
    @Test("Given a wide character, when its right half is overwritten, then its left half is blanked")
    func overwritingTheRightHalfBlanksTheLeft() {
        var grid = Grid(width: 6, height: 1)
        grid.put("価格", x: 0, y: 0, role: .header)
        grid.put("x", x: 1, y: 0)
        #expect(grid.text(row: 0) == " x格  ")
        #expect(grid[0, 0]?.isWide == false)
        #expect(grid.role(x: 0, y: 0) == .header)
        #expect(wideCharactersAreWhole(grid))
    }

    @Test("Given a wide character, when its left half is overwritten, then its right half is blanked")
    func overwritingTheLeftHalfBlanksTheRight() {
        var grid = Grid(width: 6, height: 1)
        grid.put("価格", x: 0, y: 0)
        grid.put("y", x: 2, y: 0)
        #expect(grid.text(row: 0) == "価y   ")
        #expect(grid[3, 0]?.isContinuation == false)
        #expect(wideCharactersAreWhole(grid))
    }

    @Test("Given two wide characters, when a wide one is put across both, then neither leaves a half behind")
    func wideOverTwoWideHalves() {
        var grid = Grid(width: 6, height: 1)
        grid.put("価格", x: 0, y: 0)
        grid.put("表", x: 1, y: 0)
        #expect(grid.text(row: 0) == " 表   ")
        #expect(wideCharactersAreWhole(grid))
    }

    @Test("Given seeded random writes of wide and narrow text, when done, then every wide character is whole",
          arguments: [1, 7, 42, 2026])
    func randomWritesKeepWideCharactersWhole(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let samples = ["価格", "x", "表", "ab", "한국", "📦!", "e\u{301}", "Ｚ", "\u{1B}", " "]
        var grid = Grid(width: 9, height: 3)
        for _ in 0..<500 {
            let text = samples[Int(random.next() % UInt64(samples.count))]
            let x = Int(random.next() % 11) - 1
            let y = Int(random.next() % 3)
            switch random.next() % 3 {
            case 0: grid.fill(Rect(x: x, y: y, width: Int(random.next() % 3), height: 1), role: .selection)
            case 1: grid.paint(Rect(x: x, y: y, width: Int(random.next() % 3) + 1, height: 1), role: .muted)
            default: grid.put(text, x: x, y: y, maxWidth: Int(random.next() % 5))
            }
            #expect(wideCharactersAreWhole(grid), "after \(text) at \(x),\(y):\n\(grid)")
        }
        #expect(grid.lines.allSatisfy { TextWidth.of($0) == 9 })
    }
}

@Suite("Grid: fill and paint")
struct GridFillTests {
    @Test("Given text, when a rect is filled, then its cells are blank in the role and the rest is kept")
    func fillBlanksTheRect() {
        var grid = Grid(width: 5, height: 3)
        grid.put("abcde", x: 0, y: 0)
        grid.put("fghij", x: 0, y: 1)
        grid.fill(Rect(x: 1, y: 1, width: 3, height: 5), role: .dialog)
        #expect(grid.lines == ["abcde", "f   j", "     "])
        #expect(grid.role(x: 1, y: 2) == .dialog)
        #expect(grid.role(x: 0, y: 2) == .normal)
        #expect(grid.role(x: 4, y: 1) == .normal)
    }

    @Test("Given a wide character cut by a fill's edge, when filled, then its outside half is blanked too")
    func fillAcrossAWideCharacter() {
        var grid = Grid(width: 4, height: 1)
        grid.put("価格", x: 0, y: 0)
        grid.fill(Rect(x: 1, y: 0, width: 2, height: 1), role: .selection)
        #expect(grid.text(row: 0) == "    ")
        #expect(grid.role(x: 0, y: 0) == .normal)
        #expect(grid.role(x: 1, y: 0) == .selection)
        #expect(wideCharactersAreWhole(grid))
    }

    @Test("Given a drawn row, when painted as the selection, then its text stays and its roles change")
    func paintKeepsTextAndChangesRoles() {
        var grid = Grid(width: 6, height: 1)
        grid.put("a価格", x: 0, y: 0)
        grid.paint(Rect(x: 0, y: 0, width: 2, height: 1), role: .selection)
        #expect(grid.text(row: 0) == "a価格 ")
        // The wide character the rect cut through is painted whole.
        #expect((0...2).map { grid.role(x: $0, y: 0) } == [.selection, .selection, .selection])
        #expect(grid.role(x: 3, y: 0) == .normal)
    }
}

@Suite("Grid: hostile data")
struct GridSanitiserTests {
    static let hostile: [(String, String)] = [
        ("\u{1B}]52;c;aGk=\u{7}", "␛]52;c;aGk=␇"),  // OSC 52: would write the clipboard
        ("A\u{202E}B", "A\u{FFFD}B"),  // right-to-left override: would reverse what follows
        ("x\u{200B}y", "x\u{FFFD}y"),  // zero-width space: would hide a difference between two names
        ("\u{1B}[2J\u{1B}[H", "␛[2J␛[H"),  // clear screen, cursor home
        ("bell\u{7}\u{7F}\u{9B}31m", "bell␇␡\u{FFFD}31m"),  // BEL, DEL, and CSI as a C1 control
        ("\u{2067}evil\u{2069}\r\n", "\u{FFFD}evil\u{FFFD}␍␊"),  // bidi isolate, and a line break that would scroll
    ]

    @Test("Given a hostile name, when put in the grid, then it shows visible placeholders and no forbidden scalar",
          arguments: hostile)
    func hostileNamesAreShownNotObeyed(_ name: String, _ shown: String) {
        var grid = Grid(width: 20, height: 1)
        grid.put(name, x: 0, y: 0)
        #expect(grid.text(row: 0).hasPrefix(shown))
        #expect(!grid.text(row: 0).unicodeScalars.contains { isForbidden($0) })
    }

    @Test("Given every hostile name, when drawn truncated and padded, then no cell holds a forbidden scalar")
    func noForbiddenScalarAnywhere() {
        var grid = Grid(width: 14, height: Self.hostile.count * 2 + 1)
        for (row, (name, _)) in Self.hostile.enumerated() {
            grid.put(Text.truncated(name, toWidth: 7), x: 0, y: row * 2)
            grid.put(Text.padded(name, toWidth: 14, alignment: .right), x: 0, y: row * 2 + 1)
        }
        // A cell made directly from a control character gets its placeholder too.
        #expect(Cell("\u{1B}").text == "␛")
        for y in 0..<grid.height {
            for x in 0..<grid.width {
                let text = grid[x, y]!.text
                #expect(!text.unicodeScalars.contains { isForbidden($0) }, "cell \(x),\(y): \(text.debugDescription)")
            }
        }
    }
}

/// A small seeded generator, so random tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
