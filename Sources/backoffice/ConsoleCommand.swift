import ArgumentParser
import BackOfficeConsole
import BackOfficeCore
import BackOfficeStore
import CursesTerminal
import Foundation
import TerminalUI

extension CursesTerminal: ConsoleScreen {}

/// `--theme` and `--bell` for the commands that open the console.
struct ConsoleOptions: ParsableArguments {
    @Option(help: "Colour theme: default, light, high-contrast, mono, phosphor, or one of yours (else $BACKOFFICE_THEME).")
    var theme: String?

    @Flag(help: "Ring the terminal's bell when a request newly needs you (else $BACKOFFICE_CONSOLE_BELL or console.bell).")
    var bell = false

    /// The settings these options give, for `HostConfiguration.resolved`.
    var flags: [String: Settings.Value] {
        var flags: [String: Settings.Value] = [:]
        if let theme { flags["theme"] = .text(theme) }
        if bell { flags["console.bell"] = .text("on") }
        return flags
    }
}

struct OpenConsole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "console",
        abstract: "Open the full-screen console (what `backoffice` with no subcommand does).")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var console: ConsoleOptions

    func run() async throws {
        try await ConsoleLauncher.run(global, console)
    }
}

/// An export the console's `E` writes: a new file in the user's own folder under the data directory
/// (`exports/USER/`, made 0700), never replacing one (a second export in the same second gets `-2`), through the
/// same all-or-nothing writer as `backoffice export -o`.
final class ConsoleExport: ConsoleExportFile {
    let path: String
    private let sink: OutputSink

    init(folder: String, name: String, store: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw Failure(.storeFailure, "cannot make the export folder \(folder): \((error as NSError).localizedDescription)")
        }
        var path = folder + "/" + name
        var suffix = 2
        while FileManager.default.fileExists(atPath: path) {
            path = folder + "/" + (name as NSString).deletingPathExtension + "-\(suffix).csv"
            suffix += 1
        }
        // Told as ~/… when under the home folder, so the message line shows the file's name at 80 columns.
        var home = GlobalOptions.homeDirectory
        while home.count > 1 && home.hasSuffix("/") { home.removeLast() }
        self.path = path.hasPrefix(home + "/") ? "~" + path.dropFirst(home.count) : path
        sink = try OutputSink(path: path, force: false, store: store)
    }

    func write(_ text: String) throws { try sink.write(text) }
    func finish() throws { try sink.finish() }
    func abandon() { sink.abandon() }
}

enum ConsoleLauncher {
    /// Opens the console for the acting user on the store, and gives the terminal back however it ends.
    static func run(_ global: GlobalOptions, _ options: ConsoleOptions) async throws {
        if let problem = CursesTerminal.unsupportedTerminal() {
            throw Failure(.usage, "\(problem); for answers without it use `backoffice stock SKU`, `backoffice price SKU --account CODE`"
                          + " or `backoffice request list` (see backoffice --help)")
        }
        // --theme, else $BACKOFFICE_THEME, else a configuration file's `theme`; the loader's own default after that.
        let settings = try HostConfiguration.resolved(flags: options.flags, only: ["theme", "console.bell"])
        let setting = settings["theme"]
        let named = setting?.source == .defaultValue ? nil : setting?.text
        try await global.withSession(source: .console) { session in
            let terminal = CursesTerminal()
            do {
                try terminal.start()
            } catch {
                throw Failure(.usage, "\(error); set TERM to your terminal's type, or use the command-line answers (backoffice --help)")
            }
            defer { terminal.stop() }
            let environment = ProcessInfo.processInfo.environment
            let directories = ThemeLoader.searchDirectories(executablePath: CommandLine.arguments[0], environment: environment)
            let (chosen, warning) = ThemeLoader.load(name: named, directories: directories, builtIn: ThemeLoader.builtInThemes,
                                                     environment: environment, colorsAvailable: terminal.capabilities.colors)
            terminal.setStyles(chosen.roles)
            var state = ConsoleState(user: session.actor.user, storeName: (session.store.path as NSString).lastPathComponent,
                                     width: terminal.size.width, height: terminal.size.height, now: Date())
            state.unicode = terminal.capabilities.canDrawLines
            state.bell = settings["console.bell"]?.text == "on"
            if let warning { state.message = .error("theme: \(warning)") }
            let runtime = ConsoleRuntime(store: session.store, actor: session.actor, state: state)
            let exports = GlobalOptions.dataDirectory + "/exports/" + ViewExport.folderName(for: session.actor.user.name)
            let storePath = session.store.path
            runtime.openExport = { name in try ConsoleExport(folder: exports, name: name, store: storePath) }
            if let notice = environment[RemoteAccess.Handoff.stopNotice], !notice.isEmpty {
                // Written by serve-ssh when it is stopping: the time this session ends.
                runtime.stopNotice = {
                    guard let data = FileManager.default.contents(atPath: notice), data.count < 32,
                          let seconds = Int64(String(decoding: data, as: UTF8.self)) else { return nil }
                    return UTC.date(seconds)
                }
            }
            await runtime.run(on: terminal)
        }
    }
}
