import Foundation
import TOMLKit

/// A theme file that cannot be used, with where and why: `themes/light.toml:12: roles.selection.fg: unknown colour
/// "purpel"`.
public struct ThemeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The file as it was found (a search folder plus the file name).
    public var file: String
    /// The 1-based line of the problem, or nil when it has none (an unreadable file, a missing `[roles]` table).
    public var line: Int?
    /// The dotted key at fault ("roles.selection.fg"), or nil for a syntax error.
    public var key: String?
    /// What is wrong, with the offending value: `unknown colour "purpel"`.
    public var problem: String

    public init(file: String, line: Int?, key: String?, problem: String) {
        self.file = file
        self.line = line
        self.key = key
        self.problem = problem
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + problem
    }
}

// MARK: - Reading a theme file

extension Theme {
    /// The keys a role's table may hold.
    static let styleKeys = ["fg", "bg", "bold", "dim", "reverse", "underline"]

    /// Reads a theme from TOML text; `file` names it in errors, and its base name is the theme's name when the text
    /// has no `name`.
    ///
    /// Strict on purpose: an unknown key, role or colour is an error rather than ignored, because a typo that silently
    /// drew the selection in the terminal's default colours would look like a bug in the console. When a file has
    /// several problems the error is the first in the file, so fixing them top to bottom works.
    public init(toml source: String, file: String) throws(ThemeError) {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            throw ThemeError(file: file, line: error.source.begin.line, key: nil, problem: error.description)
        } catch {
            throw ThemeError(file: file, line: nil, key: nil, problem: "\(error)")
        }

        var reader = ThemeFileReader(file: file, locator: TOMLKeyLocator(source: source))
        let fallbackName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let theme = reader.theme(from: table, fallbackName: fallbackName)
        if let first = reader.firstProblem { throw first }
        self = theme
    }

    /// Reads the theme file at `path` (see `init(toml:file:)`).
    public init(contentsOfFile path: String) throws(ThemeError) {
        let source: String
        do {
            source = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ThemeError(file: path, line: nil, key: nil, problem: "cannot be read as UTF-8 text")
        }
        try self.init(toml: source, file: path)
    }
}

/// Turns a parsed TOML table into a theme, noting every problem with the line its key is on.
private struct ThemeFileReader {
    let file: String
    let locator: TOMLKeyLocator
    private(set) var problems: [ThemeError] = []

    init(file: String, locator: TOMLKeyLocator) {
        self.file = file
        self.locator = locator
    }

    /// The problem nearest the top of the file; problems without a line come last.
    var firstProblem: ThemeError? {
        problems.enumerated().min { a, b in
            (a.element.line ?? .max, a.offset) < (b.element.line ?? .max, b.offset)
        }?.element
    }

    mutating func theme(from table: TOMLTable, fallbackName: String) -> Theme {
        var name = fallbackName
        var roles: [StyleRole: ThemeStyle] = [:]
        for (key, value) in table {
            switch key {
            case "name":
                if let string = value.string { name = string } else { report(["name"], expected: "a string", value) }
            case "roles":
                if let rolesTable = value.table {
                    roles = readRoles(rolesTable)
                } else {
                    report(["roles"], expected: "a table of roles", value)
                }
            default:
                report([key], "unknown key \"\(key)\"; a theme file holds name and [roles]")
            }
        }
        if table["roles"] == nil {
            problems.append(ThemeError(file: file, line: nil, key: nil, problem: "no [roles] table"))
        }
        return Theme(name: name, roles: roles)
    }

    private mutating func readRoles(_ table: TOMLTable) -> [StyleRole: ThemeStyle] {
        var roles: [StyleRole: ThemeStyle] = [:]
        for (roleName, entry) in table {
            let path = ["roles", roleName]
            guard let role = StyleRole(rawValue: roleName) else {
                let hint = suggestion(for: roleName, among: StyleRole.allCases.map(\.rawValue))
                report(path, "unknown role \"\(roleName)\"\(hint)")
                continue
            }
            guard let attributes = entry.table else {
                report(path, expected: "a table like { fg = \"cyan\", bold = true }", entry)
                continue
            }
            roles[role] = readStyle(attributes, path: path)
        }
        return roles
    }

    private mutating func readStyle(_ table: TOMLTable, path: [String]) -> ThemeStyle {
        var style = ThemeStyle()
        for (key, value) in table {
            let keyPath = path + [key]
            switch key {
            case "fg": style.foreground = readColor(value, path: keyPath) ?? style.foreground
            case "bg": style.background = readColor(value, path: keyPath) ?? style.background
            case "bold", "dim", "reverse", "underline":
                guard let flag = value.bool else {
                    report(keyPath, expected: "true or false", value)
                    continue
                }
                switch key {
                case "bold": style.bold = flag
                case "dim": style.dim = flag
                case "reverse": style.reverse = flag
                default: style.underline = flag
                }
            default:
                let hint = suggestion(for: key, among: Theme.styleKeys)
                report(keyPath, "unknown key \"\(key)\"\(hint); a role takes fg, bg, bold, dim, reverse, underline")
            }
        }
        return style
    }

    private mutating func readColor(_ value: TOMLValueConvertible, path: [String]) -> ThemeColor? {
        if let name = value.string {
            if let color = ThemeColor(name: name) { return color }
            let hint = suggestion(for: name, among: ["default"] + ThemeColor.named.map(\.description))
            report(path, "unknown colour \"\(name)\"\(hint)")
            return nil
        }
        if let number = value.int {
            guard (0...255).contains(number) else {
                report(path, "colour \(number) is outside the 256-colour palette 0–255")
                return nil
            }
            return .color256(number)
        }
        report(path, expected: "a colour name or a palette number 0–255", value)
        return nil
    }

    private mutating func report(_ path: [String], _ problem: String) {
        let key = path.joined(separator: ".")
        problems.append(ThemeError(file: file, line: locator.line(of: path), key: key, problem: problem))
    }

    private mutating func report(_ path: [String], expected: String, _ value: TOMLValueConvertible) {
        report(path, "expected \(expected), found \(Self.describe(value))")
    }

    /// A value as the user wrote it, short enough for the message line.
    private static func describe(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .string: "\"\(value.string ?? "")\""
        case .int: value.int.map(String.init) ?? "an integer"
        case .bool: value.bool.map(String.init) ?? "a boolean"
        case .double: value.double.map { String($0) } ?? "a number"
        case .table: "a table"
        case .array: "an array"
        case .date, .time, .dateTime: "a date or time"
        }
    }

    /// `; did you mean "selection"?` when one known word is a typo away from `word`, else nothing.
    private func suggestion(for word: String, among known: [String]) -> String {
        let close = known.map { ($0, Self.editDistance(word.lowercased(), $0.lowercased())) }
            .filter { $0.1 <= 2 }
            .min { $0.1 < $1.1 }
        return close.map { "; did you mean \"\($0.0)\"?" } ?? ""
    }

    /// Levenshtein distance, enough for names of a dozen letters.
    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// Finds the line a key is on in TOML text.
///
/// TOMLKit gives a position only for syntax errors, so the line of a key found wrong after parsing (an unknown colour,
/// a value of the wrong type) comes from scanning the text: a key is a bare word or a quoted string followed by `=`,
/// `.` or `]`, outside comments and values. Known limit: a quoted key is compared as written, escapes and all; when a
/// key is not found the line of the nearest enclosing key is used instead.
public struct TOMLKeyLocator {
    private struct KeyMention {
        let name: String
        let line: Int
    }

    /// Every key in the text, in order.
    private let mentions: [KeyMention]

    public init(source: String) {
        mentions = Self.scan(Array(source))
    }

    /// The line of the key at `path` (["roles", "selection", "fg"]): its parts are found in order, each after the one
    /// before, which follows `[roles]` tables, `[roles.selection]` headers, dotted keys and inline tables alike.
    public func line(of path: [String]) -> Int? {
        var line: Int?
        var next = path.startIndex
        for mention in mentions where next < path.endIndex && mention.name == path[next] {
            line = mention.line
            next += 1
        }
        return line
    }

    private static func scan(_ text: [Character]) -> [KeyMention] {
        var mentions: [KeyMention] = []
        var line = 1
        var i = 0
        func isBare(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-") }

        while i < text.count {
            let c = text[i]
            let startLine = line
            var word = ""
            if c.isNewline {
                line += 1
                i += 1
                continue
            } else if c == "#" {
                while i < text.count, !text[i].isNewline { i += 1 }
                continue
            } else if c == "\"" || c == "'" {
                if i + 2 < text.count, text[i + 1] == c, text[i + 2] == c {
                    // A multi-line string is always a value; step over it, counting its lines.
                    i += 3
                    func closes(at j: Int) -> Bool { j + 2 < text.count && text[j...(j + 2)].allSatisfy { $0 == c } }
                    while i < text.count, !closes(at: i) {
                        if c == "\"", text[i] == "\\", i + 1 < text.count {
                            i += 1
                        }
                        if text[i].isNewline { line += 1 }
                        i += 1
                    }
                    i = min(i + 3, text.count)
                    continue
                }
                i += 1
                while i < text.count, text[i] != c, !text[i].isNewline {
                    if c == "\"", text[i] == "\\", i + 1 < text.count, !text[i + 1].isNewline {
                        word.append(text[i])
                        i += 1
                    }
                    word.append(text[i])
                    i += 1
                }
                if i < text.count, text[i] == c { i += 1 }
            } else if isBare(c) {
                while i < text.count, isBare(text[i]) {
                    word.append(text[i])
                    i += 1
                }
            } else {
                i += 1
                continue
            }
            var after = i
            while after < text.count, text[after] == " " || text[after] == "\t" { after += 1 }
            if after < text.count, ["=", ".", "]"].contains(text[after]) {
                mentions.append(KeyMention(name: word, line: startLine))
            }
        }
        return mentions
    }
}

// MARK: - Finding and loading themes

/// Picks the console's theme: by name from the theme folders, or mono when the terminal should not get colours.
///
/// Loading never fails: a theme that is missing or broken gives the default theme and a warning for the message line,
/// and a broken default gives mono, so a bad file can slow a user down but never keeps the console from starting.
public enum ThemeLoader {
    /// The theme used when none is named, and when the named one cannot be used.
    public static let defaultThemeName = "default"
    /// The environment variable naming a theme when `--theme` is not given.
    public static let themeVariable = "BACKOFFICE_THEME"

    /// The theme to draw with, and a warning to show when it is not the one asked for.
    ///
    /// - Parameters:
    ///   - name: `--theme`, if given; else `BACKOFFICE_THEME`; else "default". A trailing ".toml" is ignored.
    ///   - directories: folders holding `NAME.toml`, searched in order; the first that has the file wins.
    ///   - environment: read for `NO_COLOR` and `BACKOFFICE_THEME`.
    ///   - colorsAvailable: the terminal's colour count (curses' `COLORS`). 0 or less gives mono; fewer than 256 fits
    ///     the theme's colours to the palette (see `Theme.fitted(toColors:)`).
    /// - Returns: the theme, and nil or one line saying what went wrong and what is used instead.
    public static func load(name: String? = nil, directories: [String], builtIn: [String: String] = [:],
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            colorsAvailable: Int) -> (Theme, warning: String?) {
        // Any value counts, even empty (stricter than no-color.org, which ignores an empty NO_COLOR): a user who
        // exported it at all wants no colour. An explicit --theme does not override it either.
        if environment["NO_COLOR"] != nil || colorsAvailable <= 0 { return (.mono, nil) }

        let requested = [name, environment[themeVariable]].compactMap { $0 }.first { !$0.isEmpty } ?? defaultThemeName
        var problems: [String] = []
        switch theme(named: requested, in: directories, builtIn: builtIn) {
        case .success(let theme): return (theme.fitted(toColors: colorsAvailable), nil)
        case .failure(let problem): problems.append(problem.description)
        }
        if requested != defaultThemeName {
            switch theme(named: defaultThemeName, in: directories, builtIn: builtIn) {
            case .success(let theme):
                let warning = (problems + ["using the default theme"]).joined(separator: "; ")
                return (theme.fitted(toColors: colorsAvailable), warning)
            case .failure(let problem): problems.append(problem.description)
            }
        }
        return (.mono, (problems + ["using mono"]).joined(separator: "; "))
    }

    /// The themes compiled into the binary, by name: the files of the `themes` folder it was built from.
    public static var builtInThemes: [String: String] { BuiltInThemes.files }

    /// The theme called `name` from the first folder holding `name.toml`, else from `builtIn` (name → TOML text).
    public static func theme(named name: String, in directories: [String],
                             builtIn: [String: String] = [:]) -> Result<Theme, ThemeLoadError> {
        let name = name.hasSuffix(".toml") ? String(name.dropLast(5)) : name
        guard isThemeName(name) else { return .failure(.notAName(name)) }
        guard let path = directories.map({ join($0, name + ".toml") }).first(where: isFile) else {
            guard let text = builtIn[name] else {
                let builtInNames = builtIn.isEmpty ? [] : ["the built-in themes (\(builtIn.keys.sorted().joined(separator: ", ")))"]
                return .failure(.notFound(name, searched: directories + builtInNames))
            }
            do {
                return .success(try Theme(toml: text, file: "built-in theme \(name)"))
            } catch {
                return .failure(.invalid(error))
            }
        }
        do {
            return .success(try Theme(contentsOfFile: path))
        } catch {
            return .failure(.invalid(error))
        }
    }

    /// The names of the themes in `directories` (each `NAME.toml`) and of `builtIn`, sorted, each once.
    public static func availableThemes(in directories: [String], builtIn: [String: String] = [:]) -> [String] {
        let names = Array(builtIn.keys) + directories.flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
                .filter { $0.hasSuffix(".toml") }
                .map { String($0.dropLast(5)) }
                .filter(isThemeName)
        }
        return Set(names).sorted()
    }

    /// The system's theme folder: an admin's themes for every user of the host.
    public static let systemThemesDirectory = "/etc/backoffice/themes"

    /// The folders to search, before the built-in themes: the user's own first, so a file there replaces a theme of
    /// the same name, then the system's, then a `themes` folder found from the executable (a checkout, or
    /// `PREFIX/share/backoffice/themes`).
    public static func searchDirectories(executablePath: String, environment: [String: String]) -> [String] {
        [userThemesDirectory(environment: environment), systemThemesDirectory, shippedThemesDirectory(forExecutableAt: executablePath)]
            .compactMap { $0 }
    }

    /// `$XDG_CONFIG_HOME/backoffice/themes`, or `~/.config/backoffice/themes` when that is unset or not absolute (as
    /// the XDG spec asks); nil when neither variable is set.
    public static func userThemesDirectory(environment: [String: String]) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return join(config, "backoffice/themes")
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return join(home, ".config/backoffice/themes")
    }

    /// The shipped themes for an executable: the first folder, walking up from the executable's own, that holds
    /// `themes/default.toml` (a checkout: `.build/debug/backoffice` finds `./themes`) or
    /// `share/backoffice/themes/default.toml` (an install: `PREFIX/bin/backoffice` finds `PREFIX/share/...`).
    ///
    /// Symbolic links are resolved first, so a link in `~/bin` to a checkout's binary still finds the checkout.
    /// Requiring `default.toml` keeps an unrelated `themes` folder higher up (in a home folder, say) from being taken.
    public static func shippedThemesDirectory(forExecutableAt executablePath: String) -> String? {
        let resolved = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().path
        var folder = (resolved as NSString).deletingLastPathComponent
        while true {
            for candidate in [join(folder, "themes"), join(folder, "share/backoffice/themes")]
            where isFile(join(candidate, defaultThemeName + ".toml")) {
                return candidate
            }
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || parent.isEmpty { return nil }
            folder = parent
        }
    }

    /// Letters, digits, "-" and "_": a theme name is a file name in a known folder, never a path.
    static func isThemeName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy {
            $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_")
        }
    }

    private static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static func isFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }
}

/// Why a named theme could not be loaded.
public enum ThemeLoadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No folder holds `NAME.toml`.
    case notFound(String, searched: [String])
    /// The name is not a plain theme name (it has a "/", say).
    case notAName(String)
    /// The file was found and is wrong.
    case invalid(ThemeError)

    public var description: String {
        switch self {
        case .notFound(let name, let searched) where searched.isEmpty:
            "theme \"\(name)\" not found: no theme folders"
        case .notFound(let name, let searched):
            "theme \"\(name)\" not found in \(searched.joined(separator: ", "))"
        case .notAName(let name):
            "\"\(name)\" is not a theme name (letters, digits, - and _)"
        case .invalid(let error):
            error.description
        }
    }
}
