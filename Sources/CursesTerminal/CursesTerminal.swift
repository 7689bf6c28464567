import CNcursesw
import TerminalUI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The console's terminal: presents a `Grid`, reads `Key`s, follows resizes. The only code that calls ncurses.
///
/// The console builds every frame as a grid; `present` copies the cells that changed since the last frame into
/// ncurses' virtual screen and lets one `doupdate` send the minimal output, so moving a selection costs tens of bytes
/// even over a slow SSH link.
///
/// Typical use:
///
///     if let reason = CursesTerminal.unsupportedTerminal() { print(reason); exit(1) }
///     let terminal = CursesTerminal()
///     try terminal.start()
///     defer { terminal.stop() }
///     terminal.setStyles(theme)
///     while running {
///         terminal.present(view(state), cursor: state.cursor)
///         if let key = terminal.readKey(timeoutMilliseconds: 250) { ... }
///     }
///
/// Not thread-safe: ncurses is one global state, so use one instance from one thread.
public final class CursesTerminal {
    /// Columns and rows on screen; updated when `readKey` returns `.resize`.
    public private(set) var size: (width: Int, height: Int) = (0, 0)
    /// What the terminal can show, known after `start`.
    public private(set) var capabilities: TerminalCapabilities = .unknown
    /// Whether the terminal is in curses mode: between `start` and `stop`.
    public var isActive: Bool { screen != nil }

    /// ncurses' SCREEN for this terminal.
    private var screen: OpaquePointer?
    /// The one window everything is drawn in: stdscr of `screen`.
    private var window: UnsafeMutablePointer<WINDOW>?
    /// The terminal's output file descriptor, asked for the window size.
    private var outputDescriptor: Int32 = STDOUT_FILENO
    /// The descriptor keys come from, for a caller that waits on it together with other sources.
    public private(set) var inputDescriptor: Int32 = STDIN_FILENO
    /// The theme's styles, kept so they can be applied when `start` learns the colours.
    private var styles: [StyleRole: ThemeStyle] = Theme.mono.roles
    /// Each role as ncurses draws it on this terminal.
    private var roleAttributes: [StyleRole: CursesAttributes] = [:]
    /// Whether -1 means the user's own colours (`use_default_colors` succeeded).
    private var hasDefaultColors = false
    /// The grid last presented, so an unchanged cell is not copied again; nil forces a full copy.
    private var lastFrame: Grid?
    /// Whether the cursor is shown, or nil when not yet set.
    private var cursorShown: Bool?
    /// The handlers that were installed before ours, restored by `stop`.
    private var previousSignalHandlers: [(signal: Int32, handler: __sighandler_t?)] = []
    /// One cell's characters for `mvwaddnwstr`, reused so a frame allocates nothing per cell.
    private var scratch: [wchar_t] = []

    /// No attributes, the terminal's colours: for a role missing from the plan, which `StylePlan` never leaves out.
    private static let plainAttributes = CursesAttributes(attributes: backoffice_a_normal(), pair: 0)

    /// Signals that end the process: the terminal is restored before it goes.
    private static let fatalSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    public init() {}

    deinit { stop() }

    // MARK: - Before starting

    /// Why the full-screen console cannot run in this process's terminal, or nil when it can.
    ///
    /// Call before `start`: ncurses is never touched, so the caller can print a one-line message and answer on the
    /// command line instead.
    public static func unsupportedTerminal() -> UnsupportedTerminal? {
        unsupportedTerminal(
            term: getenv("TERM").map { String(cString: $0) }, inputIsTerminal: isatty(STDIN_FILENO) == 1,
            outputIsTerminal: isatty(STDOUT_FILENO) == 1)
    }

    /// Why the console cannot run with this TERM and these standard streams, or nil when it can.
    public static func unsupportedTerminal(term: String?, inputIsTerminal: Bool, outputIsTerminal: Bool)
        -> UnsupportedTerminal?
    {
        guard inputIsTerminal, outputIsTerminal else { return .notATerminal }
        guard let term, !term.isEmpty else { return .noTerminalType }
        // terminfo's "dumb" has no cursor addressing: ncurses would either refuse it or scribble line after line.
        if term.lowercased() == "dumb" { return .cannotAddressCursor(term: term) }
        return nil
    }

    // MARK: - Starting and stopping

    /// Puts the terminal in curses mode: full screen, keys unbuffered and unechoed, cursor hidden.
    ///
    /// - Parameters:
    ///   - term: the terminfo name; nil reads `TERM`.
    ///   - input, output: the terminal's streams; nil for standard input and output. Tests pass a pseudo-terminal.
    ///   - locale: for `setlocale(LC_ALL, …)`; "" takes it from the environment, as the user expects.
    /// - Throws: `CursesTerminalError.cannotOpenTerminal` when ncurses has no usable terminfo entry for the terminal.
    public func start(term: String? = nil, input: UnsafeMutablePointer<FILE>? = nil,
                      output: UnsafeMutablePointer<FILE>? = nil, locale: String = "") throws {
        guard screen == nil else { return }
        // Before anything else: ncurses decides at newterm whether to speak UTF-8.
        setlocale(LC_ALL, locale)
        let isUTF8 = Self.localeIsUTF8()
        // Size from the terminal itself: a LINES or COLUMNS left in the environment is overwritten with it rather than
        // pinning the size. (use_env(false) must not be used: ncurses 6.4 then stops asking the terminal on a resize.)
        use_tioctl(true)

        let termName = term ?? getenv("TERM").map { String(cString: $0) } ?? ""
        let outputStream = output ?? backoffice_stdout()
        // newterm, unlike initscr, returns NULL on an unknown terminal instead of exiting the process.
        guard let screen = newterm(term, outputStream, input ?? backoffice_stdin()),
              let window = backoffice_stdscr()
        else { throw CursesTerminalError.cannotOpenTerminal(term: termName) }
        self.screen = screen
        self.window = window
        outputDescriptor = fileno(outputStream)
        inputDescriptor = fileno(input ?? backoffice_stdin())

        cbreak()
        noecho()
        nonl()
        keypad(window, true)
        set_escdelay(25)
        // ncurses would abandon a frame halfway when keys are waiting and finish it only at the next doupdate; if no
        // next frame comes (the key changed nothing), the screen stays half drawn. A whole frame costs little more.
        typeahead(-1)
        letFlowControlKeysThrough(fileDescriptor: outputDescriptor)
        leaveok(window, true)
        setCursor(visible: false)

        var colors = 0
        var colorPairs = 0
        var canChangeColor = false
        hasDefaultColors = false
        if has_colors() {
            start_color()
            hasDefaultColors = use_default_colors() == OK
            colors = Int(backoffice_colors())
            colorPairs = Int(backoffice_color_pairs())
            canChangeColor = can_change_color()
        }
        capabilities = TerminalCapabilities(
            colors: colors, colorPairs: colorPairs, canChangeColor: canChangeColor, isUTF8: isUTF8,
            canDrawLines: TerminalCapabilities.canDrawLines(term: termName, isUTF8: isUTF8))
        updateSize()
        applyStyles()
        installSignalHandlers()
        _ = Self.exitHook
    }

    /// Gives the terminal back as it was: normal screen, cursor, echo. Safe to call any number of times.
    ///
    /// Keys typed but not read are left alone (no `flushinp`): they belong to whoever reads the terminal next.
    public func stop() {
        guard let screen else { return }
        restoreSignalHandlers()
        endwin()
        delscreen(screen)
        self.screen = nil
        window = nil
        lastFrame = nil
        cursorShown = nil
    }

    // MARK: - Styles

    /// Sets how each role looks; roles the theme leaves out follow `StyleRole.fallback`.
    ///
    /// May be called before `start` and again at any time (a theme switch); the next `present` repaints every cell.
    public func setStyles(_ styles: [StyleRole: ThemeStyle]) {
        self.styles = styles
        applyStyles()
    }

    /// Defines the colour pairs the styles need and records each role's attributes.
    private func applyStyles() {
        guard isActive else { return }
        let plan = StylePlan(
            styles: styles, colors: capabilities.colors, pairLimit: capabilities.colorPairs,
            defaultColors: hasDefaultColors)
        for (offset, pair) in plan.pairs.enumerated() {
            init_pair(Int16(offset + 1), pair.foreground, pair.background)
        }
        roleAttributes = plan.roles
        lastFrame = nil
    }

    // MARK: - Drawing

    /// Rings the bell: audible, or a flash where the terminal is set up that way (ncurses' `beep`).
    public func bell() {
        guard isActive else { return }
        beep()
    }

    /// Sets the clipboard of the terminal the user sits at with OSC 52 (`ESC ] 52 ; c ; BASE64 BEL`), which xterm,
    /// kitty, iTerm2, WezTerm and others honour, through SSH and through tmux with `set-clipboard on`. The text goes
    /// out base64-encoded, so no byte of it can act as a control; the caller sanitises it for whoever pastes it.
    public func copyToClipboard(_ text: String) {
        guard isActive else { return }
        let sequence = Array("\u{1b}]52;c;".utf8) + Self.base64(Array(text.utf8)) + [0x07]
        var written = 0
        while written < sequence.count {
            let result = sequence[written...].withUnsafeBytes { bytes in
                #if canImport(Glibc)
                Glibc.write(outputDescriptor, bytes.baseAddress, bytes.count)
                #else
                Darwin.write(outputDescriptor, bytes.baseAddress, bytes.count)
                #endif
            }
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { return }
            written += result
        }
    }

    /// Standard base64 (RFC 4648) with padding.
    static func base64(_ bytes: [UInt8]) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            let b0 = chunk[chunk.startIndex]
            let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
            let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(chunk.count > 1 ? alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "="))
            index += 3
        }
        return out
    }

    /// Shows `grid`, with the cursor at `cursor` (a text field being typed in) or hidden when nil.
    ///
    /// Only cells that differ from the last frame are copied, then one `doupdate` writes what changed on screen. A
    /// grid of another size than the screen (a frame built just before a resize) is clipped, and the screen outside
    /// it left blank.
    public func present(_ grid: Grid, cursor: (x: Int, y: Int)? = nil) {
        guard let window else { return }
        let width = min(grid.width, size.width)
        let height = min(grid.height, size.height)
        var previous = lastFrame
        if previous?.width != grid.width || previous?.height != grid.height {
            // Clears only ncurses' copy: doupdate still sends just the difference from what is on screen.
            werase(window)
            previous = nil
        }

        var currentRole: StyleRole?
        for y in 0..<height {
            for x in 0..<width {
                // A wide cell draws its continuation itself.
                guard let cell = grid[x, y], !cell.isContinuation else { continue }
                if let previous, previous[x, y] == cell { continue }
                if cell.role != currentRole {
                    let style = roleAttributes[cell.role] ?? Self.plainAttributes
                    wattr_set(window, style.attributes, style.pair, nil)
                    currentRole = cell.role
                }
                draw(cell, x: x, y: y, columnsLeft: width - x, in: window)
            }
        }

        let cursorCell = cursor.flatMap { $0.x >= 0 && $0.x < width && $0.y >= 0 && $0.y < height ? $0 : nil }
        if let cursorCell {
            leaveok(window, false)
            wmove(window, Int32(cursorCell.y), Int32(cursorCell.x))
        } else {
            // Hidden before drawing, so it does not flicker across the screen while the frame goes out; and with
            // leaveok ncurses need not send a move to park it.
            setCursor(visible: false)
            leaveok(window, true)
        }
        wnoutrefresh(window)
        doupdate()
        // Shown after drawing, so it appears only where it belongs.
        if cursorCell != nil { setCursor(visible: true) }
        lastFrame = grid
    }

    /// Repaints the whole screen at the next `present`, for when something else wrote on it (Ctrl-L).
    public func redrawAll() {
        guard isActive, let current = backoffice_curscr() else { return }
        clearok(current, true)
    }

    /// Copies one cell into ncurses' screen at (`x`, `y`), filling exactly `cell.width` columns.
    ///
    /// ncurses measures characters with the C library's `wcwidth`, which can disagree with the grid's measure (an
    /// emoji newer than the C library, a text-style emoji asking for emoji presentation). A cell the C library finds
    /// narrower is padded with a blank; one it finds wider, or cannot print, is shown as "?" so it never spills into
    /// the next cell.
    private func draw(_ cell: Cell, x: Int, y: Int, columnsLeft: Int, in window: UnsafeMutablePointer<WINDOW>) {
        let columns = max(1, cell.width)
        let text = capabilities.isUTF8 ? cell.text : AsciiFallback.text(for: cell)
        scratch.removeAll(keepingCapacity: true)
        for scalar in text.unicodeScalars { scratch.append(wchar_t(bitPattern: scalar.value)) }
        var cLibraryWidth = columns
        if text.utf8.count > 1 { cLibraryWidth = Int(backoffice_wcswidth(scratch, scratch.count)) }

        if columns > columnsLeft || cLibraryWidth < 0 || cLibraryWidth > columns {
            // Clipped at the screen's edge (a wide character in the last column) or not drawable as measured.
            let stand = String(repeating: columns > columnsLeft ? " " : "?", count: min(columns, columnsLeft))
            scratch = stand.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
            cLibraryWidth = scratch.count
        }
        mvwaddnwstr(window, Int32(y), Int32(x), scratch, Int32(scratch.count))
        if cLibraryWidth < columns {
            mvwaddnwstr(window, Int32(y), Int32(x + cLibraryWidth), [32, 32], Int32(columns - cLibraryWidth))
        }
    }

    /// Shows or hides the cursor, telling the terminal only when that changes.
    private func setCursor(visible: Bool) {
        guard cursorShown != visible else { return }
        curs_set(visible ? 1 : 0)
        cursorShown = visible
    }

    // MARK: - Keys

    /// The next key, waiting at most `timeoutMilliseconds` (nil waits for ever, 0 only looks).
    ///
    /// Nil when no key came in time, or for a key the console has no name for (a mouse event, Shift-F5). On `.resize`
    /// `size` is already the new size and the next `present` repaints in full.
    ///
    /// A resize is seen at once when the size-change signal interrupts this wait, which needs the signal to land on the
    /// waiting thread; when another thread takes it, the resize shows at the end of the timeout or at the next
    /// `present`. Poll with a timeout (the console's one-second refresh is enough) rather than waiting for ever.
    public func readKey(timeoutMilliseconds: Int? = nil) -> Key? {
        guard let window else { return nil }
        wtimeout(window, timeoutMilliseconds.map { Int32(clamping: max(0, $0)) } ?? -1)
        var value: wint_t = 0
        let status = wget_wch(window, &value)
        let key = KeyDecoder.key(status: status, value: UInt32(value))
        if key == .resize {
            followTerminalSize()
            lastFrame = nil
        }
        return key
    }

    /// Makes ncurses' screen the terminal's real size, then records it in `size`.
    ///
    /// ncurses reports the resize but, when LINES and COLUMNS are in the environment, keeps their stale values as the
    /// size; asking the terminal directly makes the console follow the window whatever the environment says.
    private func followTerminalSize() {
        guard let window else { return }
        var real = winsize()
        if ioctl(outputDescriptor, UInt(TIOCGWINSZ), &real) == 0, real.ws_row > 0, real.ws_col > 0,
           Int32(real.ws_row) != getmaxy(window) || Int32(real.ws_col) != getmaxx(window) {
            // ncurses queues one more .resize for this; the console only lays out again.
            resizeterm(Int32(real.ws_row), Int32(real.ws_col))
        }
        updateSize()
    }

    private func updateSize() {
        guard let window else { return }
        size = (Int(getmaxx(window)), Int(getmaxy(window)))
    }

    // MARK: - Terminal modes

    /// Whether the locale set by `setlocale` encodes text as UTF-8.
    private static func localeIsUTF8() -> Bool {
        guard let codeset = backoffice_codeset() else { return false }
        let name = String(cString: codeset).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// Turns off XON/XOFF flow control, so Ctrl-S and Ctrl-Q arrive as keys.
    ///
    /// cbreak leaves it on, and a clerk pressing Ctrl-S out of habit would freeze the screen with no hint of Ctrl-Q.
    /// `endwin` restores the user's own setting.
    private func letFlowControlKeysThrough(fileDescriptor: Int32) {
        var settings = termios()
        guard tcgetattr(fileDescriptor, &settings) == 0 else { return }
        settings.c_iflag &= ~tcflag_t(IXON)
        guard tcsetattr(fileDescriptor, TCSANOW, &settings) == 0 else { return }
        // Record it as curses' program mode, so resuming after Ctrl-Z brings it back.
        def_prog_mode()
    }

    // MARK: - Restoring the terminal on every exit path

    /// Registers `restoreTerminalAtExit` once per process, so `exit()` from anywhere leaves the terminal usable.
    private static let exitHook: Void = {
        atexit(restoreTerminalAtExit)
    }()

    private func installSignalHandlers() {
        previousSignalHandlers = Self.fatalSignals.map { ($0, signal($0, restoreTerminalAndExit)) }
    }

    private func restoreSignalHandlers() {
        for (number, handler) in previousSignalHandlers { signal(number, handler) }
        previousSignalHandlers = []
    }
}

/// Restores the terminal and ends the process as a shell reports a fatal signal: status 128 + its number.
///
/// `endwin` is not async-signal-safe; ncurses' own handlers call it from a signal handler too, and a half-sent frame
/// is nothing next to leaving the user's terminal raw, with no echo and no cursor.
private func restoreTerminalAndExit(_ signal: Int32) {
    endwin()
    _exit(128 + signal)
}

/// Restores the terminal if the process exits while curses still owns it.
private func restoreTerminalAtExit() {
    if !isendwin() { endwin() }
}
