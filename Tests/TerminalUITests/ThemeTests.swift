import Foundation
import Testing
import TerminalUI

/// The checkout's `themes` folder, found the way a binary in `.build/debug` finds it: walking up from this file.
private let shippedThemes = ThemeLoader.shippedThemesDirectory(forExecutableAt: #filePath) ?? "themes-not-found"

/// The themes the console promises to ship.
private let shippedNames = ["default", "light", "high-contrast", "mono", "phosphor"]

/// A fresh folder holding `files` (name → text), removed after `body`.
private func withThemeFolder(_ files: [String: String], _ body: (String) throws -> Void) throws {
    let folder = FileManager.default.temporaryDirectory
        .appendingPathComponent("backoffice-themes-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (name, text) in files {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }
    try body(folder)
}

/// Parses `source` as the file `file` and returns the error it must raise, or records a failure when it parses.
private func themeError(_ source: String, file: String = "bad.toml") -> ThemeError? {
    do {
        _ = try Theme(toml: source, file: file)
        Issue.record("expected \(file) to be refused")
        return nil
    } catch {
        return error
    }
}

@Suite("Themes")
struct ThemeTests {
    // MARK: Shipped themes

    @Test("Given each shipped theme, when loaded by name, then it loads without a warning under its own name",
          arguments: shippedNames)
    func shippedThemeLoads(_ name: String) {
        let (theme, warning) = ThemeLoader.load(name: name, directories: [shippedThemes], environment: [:],
                                                colorsAvailable: 256)
        #expect(warning == nil)
        #expect(theme.name == name)
    }

    @Test("Given each shipped theme, when roles are resolved, then every base role is its own and the rest fall back",
          arguments: shippedNames)
    func shippedThemeCoversEveryRole(_ name: String) throws {
        let theme = try Theme(contentsOfFile: shippedThemes + "/\(name).toml")
        for role in StyleRole.allCases {
            let source = theme.definingRole(for: role)
            if role.fallback == nil {
                #expect(source == role, "\(name) leaves base role \(role) to fall back to \(source)")
            }
            #expect(theme.roles[source] != nil, "\(name) draws \(role) in no style of its own")
        }
    }

    @Test("Given the themes folder, when listed, then it holds exactly the shipped themes and each one parses")
    func themesFolderHoldsTheShippedThemes() throws {
        #expect(ThemeLoader.availableThemes(in: [shippedThemes]) == shippedNames.sorted())
        for name in ThemeLoader.availableThemes(in: [shippedThemes]) {
            #expect(throws: Never.self) { try Theme(contentsOfFile: shippedThemes + "/\(name).toml") }
        }
    }

    @Test("Given mono.toml, when read, then it is the compiled-in mono theme exactly")
    func monoFileMirrorsCompiledMono() throws {
        let file = try Theme(contentsOfFile: shippedThemes + "/mono.toml")
        #expect(file == Theme.mono)
        #expect(Theme.mono.roles.values.allSatisfy { $0.foreground == .default && $0.background == .default })
    }

    @Test("Given the phosphor theme, when every role is resolved, then all of them are green on black")
    func phosphorIsGreenOnBlack() throws {
        let theme = try Theme(contentsOfFile: shippedThemes + "/phosphor.toml")
        for role in StyleRole.allCases {
            let style = theme.style(for: role)
            #expect([.green, .brightGreen].contains(style.foreground), "\(role)")
            #expect(style.background == .black, "\(role)")
        }
        #expect(theme.style(for: .selection).reverse)
    }

    @Test("Given the high-contrast theme, when roles are resolved, then nothing is dim and the selection is reversed")
    func highContrastNeverDims() throws {
        let theme = try Theme(contentsOfFile: shippedThemes + "/high-contrast.toml")
        #expect(StyleRole.allCases.allSatisfy { !theme.style(for: $0).dim })
        #expect(theme.style(for: .selection).reverse)
    }

    @Test("Given the default theme, when overdue and warning are resolved, then overdue is bold red and warning yellow")
    func defaultThemeAccents() throws {
        let theme = try Theme(contentsOfFile: shippedThemes + "/default.toml")
        #expect(theme.style(for: .overdue) == ThemeStyle(foreground: .red, bold: true))
        #expect(theme.style(for: .warning).foreground == .yellow)
        #expect(theme.style(for: .selection).background == .cyan)
    }

    // MARK: Choosing a theme

    @Test("Given NO_COLOR set, even empty, when a colour theme is asked for, then mono is used without a warning")
    func noColorGivesMono() {
        for value in ["1", ""] {
            let (theme, warning) = ThemeLoader.load(name: "phosphor", directories: [shippedThemes],
                                                    environment: ["NO_COLOR": value], colorsAvailable: 256)
            #expect(theme == .mono)
            #expect(warning == nil)
        }
    }

    @Test("Given a terminal with no colours, when the default theme is asked for, then mono is used")
    func noColoursGivesMono() {
        let (theme, warning) = ThemeLoader.load(directories: [shippedThemes], environment: [:], colorsAvailable: 0)
        #expect(theme == .mono)
        #expect(warning == nil)
    }

    @Test("Given BACKOFFICE_THEME, when no name is passed, then the variable picks the theme and a name overrides it")
    func environmentPicksTheTheme() {
        let environment = ["BACKOFFICE_THEME": "phosphor"]
        let fromVariable = ThemeLoader.load(directories: [shippedThemes], environment: environment,
                                            colorsAvailable: 256)
        #expect(fromVariable.0.name == "phosphor")
        let fromArgument = ThemeLoader.load(name: "light", directories: [shippedThemes], environment: environment,
                                            colorsAvailable: 256)
        #expect(fromArgument.0.name == "light")
        let unset = ThemeLoader.load(directories: [shippedThemes], environment: [:], colorsAvailable: 256)
        #expect(unset.0.name == "default")
    }

    @Test("Given a theme name that does not exist, when loaded, then default is used and the warning names it")
    func missingThemeFallsBackToDefault() {
        let (theme, warning) = ThemeLoader.load(name: "solarised", directories: [shippedThemes], environment: [:],
                                                colorsAvailable: 256)
        #expect(theme.name == "default")
        #expect(warning == "theme \"solarised\" not found in \(shippedThemes); using the default theme")
    }

    @Test("Given a theme name that is a path, when loaded, then no file outside the theme folders is read")
    func pathIsNotAThemeName() {
        let (theme, warning) = ThemeLoader.load(name: "../themes/light", directories: [shippedThemes],
                                                environment: [:], colorsAvailable: 256)
        #expect(theme.name == "default")
        #expect(warning?.hasPrefix("\"../themes/light\" is not a theme name") == true)
    }

    @Test("Given a file with a TOML syntax error, when loaded, then default is used and the warning names file:line")
    func syntaxErrorFallsBackToDefault() throws {
        let source = """
            name = "broken"

            [roles]
            normal = { fg = "white" }
            selection = { fg = "black", bg = }
            """
        try withThemeFolder(["broken.toml": source]) { folder in
            let (theme, warning) = ThemeLoader.load(name: "broken", directories: [folder, shippedThemes],
                                                    environment: [:], colorsAvailable: 256)
            #expect(theme.name == "default")
            let warningText = try #require(warning)
            #expect(warningText.hasPrefix(folder + "/broken.toml:5: "))
            #expect(warningText.hasSuffix("; using the default theme"))
        }
    }

    @Test("Given an unknown colour, when loaded, then default is used and the warning names file, line, key and value")
    func unknownColourIsReported() throws {
        let source = """
            name = "light"

            [roles]
            normal    = { fg = "default" }
            title     = { fg = "blue", bold = true }
            selection = { fg = "purpel", bg = "blue" }
            """
        try withThemeFolder(["light.toml": source]) { folder in
            let (theme, warning) = ThemeLoader.load(name: "light", directories: [folder, shippedThemes],
                                                    environment: [:], colorsAvailable: 256)
            #expect(theme.name == "default")
            #expect(warning == folder
                + "/light.toml:6: roles.selection.fg: unknown colour \"purpel\"; using the default theme")
        }
    }

    @Test("Given an unknown role, when parsed, then the error names file, line, key and the role with a suggestion")
    func unknownRoleIsReported() throws {
        let error = try #require(themeError("""
            [roles]
            normal = {}
            selecton = { reverse = true }
            """))
        #expect(error.description
            == "bad.toml:3: roles.selecton: unknown role \"selecton\"; did you mean \"selection\"?")
    }

    @Test("Given values of the wrong type or out of range, when parsed, then each is refused with its key and value")
    func wrongTypesAreReported() throws {
        let cases: [(role: String, expected: String)] = [
            ("title = { bold = \"yes\" }", "2: roles.title.bold: expected true or false, found \"yes\""),
            ("title = { fg = 300 }", "2: roles.title.fg: colour 300 is outside the 256-colour palette 0–255"),
            ("title = { fg = true }",
             "2: roles.title.fg: expected a colour name or a palette number 0–255, found true"),
            ("title = \"cyan\"",
             "2: roles.title: expected a table like { fg = \"cyan\", bold = true }, found \"cyan\""),
            ("title = { fg = \"#fff\" }", "2: roles.title.fg: unknown colour \"#fff\""),
            ("title = { fg = 1.5 }", "2: roles.title.fg: expected a colour name or a palette number 0–255, found 1.5"),
        ]
        for (role, expected) in cases {
            #expect(themeError("[roles]\n" + role)?.description == "bad.toml:" + expected)
        }
        #expect(themeError("name = 3\n[roles]")?.description == "bad.toml:1: name: expected a string, found 3")
    }

    @Test("Given an unknown key in a role or at the top, when parsed, then the error names its line and key")
    func unknownKeysAreReported() throws {
        let inRole = try #require(themeError("""
            # A theme with a typo
            [roles]
            normal = {}
            title = { fg = "cyan", bolt = true }
            """))
        #expect(inRole.line == 4)
        #expect(inRole.key == "roles.title.bolt")
        #expect(inRole.problem.hasPrefix("unknown key \"bolt\"; did you mean \"bold\"?"))

        let atTop = try #require(themeError("name = \"x\"\ncolour = \"red\"\n[roles]\nnormal = {}"))
        #expect(atTop.description == "bad.toml:2: colour: unknown key \"colour\"; a theme file holds name and [roles]")
    }

    @Test("Given several problems, when parsed, then the first one in the file is reported whatever the key order")
    func firstProblemInTheFileWins() throws {
        let error = try #require(themeError("""
            [roles]
            warning = { fg = "yelow" }
            error   = { fg = "rd" }
            """))
        #expect(error.line == 2)
        #expect(error.key == "roles.warning.fg")
    }

    @Test("Given a problem inside a [roles.x] sub-table or a dotted key, when parsed, then its own line is named")
    func linesAreFoundInSubTablesAndDottedKeys() throws {
        let subTable = try #require(themeError("""
            [roles]
            normal = { fg = "red" }   # fg = "nonsense" in a comment is not a key

            [roles.selection]
            bg = "blue"
            fg = "nonsense"
            """))
        #expect(subTable.line == 6)
        #expect(subTable.key == "roles.selection.fg")

        let dotted = try #require(themeError("""
            name = \"\"\"
            fg = "a key inside a string"
            \"\"\"
            roles.normal.fg = "white"
            roles.muted.fg = "grey"
            """))
        #expect(dotted.line == 5)
        #expect(dotted.key == "roles.muted.fg")
    }

    @Test("Given a file without a [roles] table, when parsed, then it is refused")
    func rolesTableIsRequired() {
        #expect(themeError("name = \"empty\"")?.description == "bad.toml: no [roles] table")
    }

    @Test("Given a broken default theme, when a missing theme is asked for, then mono is used and both problems shown")
    func brokenDefaultFallsBackToMono() throws {
        try withThemeFolder(["default.toml": "[roles]\nnormal = { fg = \"blu\" }\n"]) { folder in
            let (theme, warning) = ThemeLoader.load(name: "nope", directories: [folder], environment: [:],
                                                    colorsAvailable: 256)
            #expect(theme == .mono)
            let text = try #require(warning)
            #expect(text.hasPrefix("theme \"nope\" not found in \(folder); "
                + "\(folder)/default.toml:2: roles.normal.fg: unknown colour \"blu\""))
            #expect(text.hasSuffix("; using mono"))
        }
    }

    @Test("Given the built-in themes, then they are the themes folder's files exactly, each one loading")
    func builtInThemesAreTheShippedFiles() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: shippedThemes).filter { $0.hasSuffix(".toml") }
        #expect(ThemeLoader.builtInThemes.keys.sorted() == files.map { String($0.dropLast(5)) }.sorted())
        for file in files {
            let text = try String(contentsOfFile: shippedThemes + "/" + file, encoding: .utf8)
            #expect(ThemeLoader.builtInThemes[String(file.dropLast(5))] == text, "\(file) differs from its built-in copy")
        }
        #expect(ThemeLoader.builtInThemes.keys.contains("default"))
    }

    @Test("Given no theme folders but the built-in themes, when loaded, then the theme asked for is used without a warning")
    func builtInThemesNeedNoFolder() throws {
        let (theme, warning) = ThemeLoader.load(directories: ["/nonexistent/themes"], builtIn: ThemeLoader.builtInThemes,
                                                environment: [:], colorsAvailable: 256)
        #expect(warning == nil)
        #expect(theme.name == "default" && theme != .mono)
        let light = ThemeLoader.load(name: "light", directories: [], builtIn: ThemeLoader.builtInThemes, environment: [:], colorsAvailable: 256)
        #expect(light.0.name == "light" && light.warning == nil)
        let missing = ThemeLoader.load(name: "solarised", directories: [], builtIn: ThemeLoader.builtInThemes, environment: [:],
                                       colorsAvailable: 256)
        #expect(missing.0.name == "default")
        #expect(missing.warning == "theme \"solarised\" not found in the built-in themes (default, high-contrast, light, mono, phosphor); "
                + "using the default theme")
        #expect(ThemeLoader.availableThemes(in: [], builtIn: ThemeLoader.builtInThemes) == ["default", "high-contrast", "light", "mono", "phosphor"])
    }

    @Test("Given a folder theme named like a built-in one, when loaded, then the folder's wins")
    func foldersOverrideBuiltIns() throws {
        try withThemeFolder(["default.toml": "name = \"site\"\n[roles]\nnormal = { fg = \"magenta\" }\n"]) { folder in
            let (theme, warning) = ThemeLoader.load(directories: [folder], builtIn: ThemeLoader.builtInThemes, environment: [:],
                                                    colorsAvailable: 256)
            #expect(warning == nil)
            #expect(theme.name == "site")
        }
    }

    @Test("Given no theme folders at all, when loaded, then mono is used with a warning")
    func noFoldersGivesMono() {
        let (theme, warning) = ThemeLoader.load(directories: [], environment: [:], colorsAvailable: 256)
        #expect(theme == .mono)
        #expect(warning == "theme \"default\" not found: no theme folders; using mono")
    }

    // MARK: Fallbacks

    @Test("Given a file without overdue, dueSoon or searchMatch, when resolved, then each takes its fallback's style")
    func rolesNotInTheFileFallBack() throws {
        let theme = try Theme(toml: """
            name = "small"
            [roles]
            normal  = { fg = "white" }
            error   = { fg = "red", bold = true }
            warning = { fg = "yellow" }
            """, file: "small.toml")
        #expect(theme.style(for: .overdue) == ThemeStyle(foreground: .red, bold: true))
        #expect(theme.definingRole(for: .dueSoon) == .warning)
        #expect(theme.style(for: .dueSoon) == ThemeStyle(foreground: .yellow))
        #expect(theme.definingRole(for: .searchMatch) == .normal)  // searchMatch → selection → (none) → normal
        #expect(theme.style(for: .searchMatch) == ThemeStyle(foreground: .white))
    }

    @Test("Given a theme without normal, when any undefined role is resolved, then it is drawn plain")
    func emptyThemeDrawsPlain() {
        let theme = Theme(name: "empty", roles: [.selection: ThemeStyle(reverse: true)])
        #expect(theme.style(for: .overdue) == .plain)
        #expect(theme.style(for: .tabActive) == ThemeStyle(reverse: true))
    }

    // MARK: Colours

    @Test("Given colour names and palette numbers, when parsed, then each becomes its colour and prints back the same")
    func colourNamesRoundTrip() throws {
        let theme = try Theme(toml: """
            [roles]
            normal = { fg = "bright-magenta", bg = "default" }
            muted  = { fg = 244, bg = "#17" }
            """, file: "colours.toml")
        #expect(theme.name == "colours")
        #expect(theme.roles[.normal] == ThemeStyle(foreground: .brightMagenta, background: .default))
        #expect(theme.roles[.muted] == ThemeStyle(foreground: .color256(244), background: .color256(17)))
        let all = [ThemeColor.default] + ThemeColor.named + [.color256(0), .color256(255)]
        #expect(all.allSatisfy { ThemeColor(name: $0.description) == $0 })
        #expect(ThemeColor(name: "#256") == nil)
        #expect(ThemeColor(name: "#+12") == nil)
        #expect(ThemeColor.brightRed.paletteIndex == 9)
        #expect(ThemeColor.default.paletteIndex == nil)
    }

    @Test("Given fewer colours, when a theme is fitted, then palette entries and bright colours step down")
    func themesFitSmallerPalettes() throws {
        #expect(ThemeColor.color256(196).fitted(toColors: 16) == .brightRed)
        #expect(ThemeColor.color256(136).fitted(toColors: 16) == .yellow)
        #expect(ThemeColor.color256(236).fitted(toColors: 8) == .black)
        #expect(ThemeColor.brightCyan.fitted(toColors: 256) == .brightCyan)
        #expect(ThemeStyle(foreground: .brightGreen, background: .brightBlack).fitted(toColors: 8)
            == ThemeStyle(foreground: .green, background: .black, bold: true))

        let (theme, warning) = ThemeLoader.load(name: "phosphor", directories: [shippedThemes], environment: [:],
                                                colorsAvailable: 8)
        #expect(warning == nil)
        #expect(theme.style(for: .title) == ThemeStyle(foreground: .green, background: .black, bold: true))
    }

    // MARK: Finding the folders

    @Test("Given a binary deep inside a checkout, when its themes are looked for, then the checkout's folder is found")
    func themesFolderIsFoundByWalkingUp() throws {
        try withThemeFolder([:]) { root in
            let manager = FileManager.default
            try manager.createDirectory(atPath: root + "/themes", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: root + "/.build/debug", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: root + "/prefix/bin", withIntermediateDirectories: true)
            try manager.createDirectory(atPath: root + "/prefix/share/backoffice/themes",
                                        withIntermediateDirectories: true)
            #expect(ThemeLoader.shippedThemesDirectory(forExecutableAt: root + "/.build/debug/backoffice") == nil)

            try "[roles]".write(toFile: root + "/themes/default.toml", atomically: true, encoding: .utf8)
            try "[roles]".write(toFile: root + "/prefix/share/backoffice/themes/default.toml", atomically: true,
                                encoding: .utf8)
            let resolvedRoot = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
            #expect(ThemeLoader.shippedThemesDirectory(forExecutableAt: root + "/.build/debug/backoffice")
                == resolvedRoot + "/themes")
            #expect(ThemeLoader.shippedThemesDirectory(forExecutableAt: root + "/prefix/bin/backoffice")
                == resolvedRoot + "/prefix/share/backoffice/themes")
        }
    }

    @Test("Given a theme of the user's own named default, when the standard folders are searched, then it wins")
    func userThemesComeFirst() throws {
        try withThemeFolder(["backoffice/themes/default.toml": ""]) { config in
            try "name = \"mine\"\n[roles]\nnormal = { fg = \"magenta\" }\n"
                .write(toFile: config + "/backoffice/themes/default.toml", atomically: true, encoding: .utf8)
            let environment = ["XDG_CONFIG_HOME": config, "HOME": "/nonexistent"]
            let folders = ThemeLoader.searchDirectories(executablePath: #filePath, environment: environment)
            #expect(folders == [config + "/backoffice/themes", ThemeLoader.systemThemesDirectory, shippedThemes])
            let (theme, warning) = ThemeLoader.load(directories: folders, environment: environment,
                                                    colorsAvailable: 256)
            #expect(warning == nil)
            #expect(theme.name == "mine")
        }
        #expect(ThemeLoader.userThemesDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/home/clerk"])
            == "/home/clerk/.config/backoffice/themes")
    }
}
