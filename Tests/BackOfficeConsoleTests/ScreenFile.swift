import Foundation
import TerminalUI
import Testing

/// A whole screen saved as a text file, as tig's `.screen` tests and Bubble Tea's golden files do: the characters, then
/// a map of the same size with one letter per cell naming its `StyleRole`, under a legend a reviewer can read.
///
/// A test renders a screen and calls `expect`: the file under `Screens/` must hold exactly that screen, or the test
/// fails with the rows that differ. With `BACKOFFICE_RECORD_SCREENS=1` in the environment the file is written instead
/// (and nothing fails), so a change to the console is re-recorded in one run and reviewed in the diff of the files.
struct ScreenFile {
    static let recordVariable = "BACKOFFICE_RECORD_SCREENS"

    /// The saved screens, next to this source file: found from a clean clone with no resource bundle to build.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Screens")

    static var isRecording: Bool { ProcessInfo.processInfo.environment[recordVariable] == "1" }

    /// The letter of each role in the role map. `.normal` is a dot so the roles that mean something stand out.
    static func letter(_ role: StyleRole) -> Character {
        switch role {
        case .normal: "."
        case .muted: "m"
        case .title: "T"
        case .header: "H"
        case .searchMatch: "F"
        case .keyHint: "k"
        case .tabActive: "A"
        case .tabInactive: "a"
        case .border: "b"
        case .borderFocused: "B"
        case .dialog: "d"
        case .selection: "S"
        case .selectionUnfocused: "s"
        case .warning: "W"
        case .error: "E"
        case .overdue: "O"
        case .dueSoon: "o"
        case .success: "g"
        case .disabled: "x"
        case .statusBar: "Z"
        case .messageLine: "M"
        case .input: "i"
        case .inputFocused: "I"
        case .placeholder: "p"
        }
    }

    /// The legend at the top of every file, four roles a line.
    static let legend: [String] = {
        let entries = StyleRole.allCases.map { "\(letter($0)) \($0.rawValue)".padding(toLength: 24, withPad: " ", startingAt: 0) }
        return stride(from: 0, to: entries.count, by: 4).map { start in
            "#   " + entries[start..<min(start + 4, entries.count)].joined().trimmingTrailingSpaces
        }
    }()

    static let charactersMarker = "-- characters"
    static let rolesMarker = "-- roles"

    let name: String
    let text: String

    /// The file for a grid: a header naming the screen and the legend, the rows (trailing blanks left off, so the
    /// file has no trailing whitespace to lose), then the role of every cell.
    init(name: String, grid: Grid) {
        self.name = name
        var lines = ["# screen \(name) · \(grid.width)x\(grid.height)",
                     "# re-record: \(Self.recordVariable)=1 swift test --filter GoldenScreenTests, then review the diff",
                     "# roles, one letter a cell:"]
        lines += Self.legend
        lines.append(Self.charactersMarker)
        lines += grid.lines.map(\.trimmingTrailingSpaces)
        lines.append(Self.rolesMarker)
        for y in 0..<grid.height {
            lines.append(String((0..<grid.width).map { Self.letter(grid.role(x: $0, y: y) ?? .normal) }))
        }
        text = lines.joined(separator: "\n") + "\n"
    }

    var url: URL { Self.folder.appendingPathComponent("\(name).screen") }

    /// Compares the screen with its saved file, or writes the file when recording.
    func expect(sourceLocation: SourceLocation = #_sourceLocation) {
        let saved = try? String(contentsOf: url, encoding: .utf8)
        if Self.isRecording {
            guard saved != text else { return }
            do {
                try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
            } catch {
                Issue.record("could not record \(url.path): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let saved else {
            Issue.record("no saved screen \(url.path): run with \(Self.recordVariable)=1 to record it, then review it",
                         sourceLocation: sourceLocation)
            return
        }
        guard saved != text else { return }
        Issue.record(Comment(rawValue: Self.difference(saved: saved, now: text, name: name, path: url.path)), sourceLocation: sourceLocation)
    }

    /// The rows that differ, unified-diff style (`-` saved, `+` now), each under the row and section it belongs to,
    /// with carets under the columns that changed.
    static func difference(saved: String, now: String, name: String, path: String) -> String {
        let old = saved.components(separatedBy: "\n"), new = now.components(separatedBy: "\n")
        var out = ["screen \(name) differs from \(path)",
                   "(if the change is meant, re-record with \(recordVariable)=1 and review the file's diff)",
                   "--- saved", "+++ now"]
        let firstRow = (new.firstIndex(of: charactersMarker) ?? 0) + 1
        let rolesAt = new.firstIndex(of: rolesMarker) ?? new.count
        for index in 0..<max(old.count, new.count) {
            let before = index < old.count ? old[index] : nil, after = index < new.count ? new[index] : nil
            guard before != after else { continue }
            let label = index >= firstRow && index < rolesAt ? "row \(index - firstRow) characters"
                : index > rolesAt ? "row \(index - rolesAt - 1) roles" : "line \(index + 1)"
            out.append("@@ \(label) @@")
            if let before { out.append("-" + before) }
            if let after { out.append("+" + after) }
            if let before, let after { out.append(" " + carets(before, after)) }
        }
        return out.joined(separator: "\n")
    }

    /// `^` under each character that differs between two lines, by position in the line.
    static func carets(_ a: String, _ b: String) -> String {
        let a = Array(a), b = Array(b)
        let marks = (0..<max(a.count, b.count)).map { i -> Character in
            i < a.count && i < b.count && a[i] == b[i] ? " " : "^"
        }
        return String(marks).trimmingTrailingSpaces
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
