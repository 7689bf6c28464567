@testable import CursesTerminal
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pseudo-terminal for driving `CursesTerminal` without a real one: the terminal under test reads and writes the
/// slave side; the test types into and reads from the master, as a terminal emulator would.
final class PseudoTerminal {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The emulator's side: what the test types goes in here, what ncurses wrote comes out.
    let master: Int32
    /// The terminal's input stream, for `CursesTerminal.start(input:)`.
    let input: UnsafeMutablePointer<FILE>
    /// The terminal's output stream, for `CursesTerminal.start(output:)`.
    let output: UnsafeMutablePointer<FILE>

    /// Opens a pseudo-terminal of `width` × `height`.
    init(width: Int, height: Int) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw Failure(description: "openpty failed: errno \(errno)")
        }
        guard let input = fdopen(slave, "r"), let output = fdopen(dup(slave), "w") else {
            throw Failure(description: "fdopen failed: errno \(errno)")
        }
        self.master = master
        self.input = input
        self.output = output
    }

    deinit {
        fclose(input)
        fclose(output)
        close(master)
    }

    /// Types `text` as if at the keyboard: its UTF-8 bytes go to the terminal's input.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
    }

    /// Changes the window size, as an emulator does when its window is resized.
    func resize(width: Int, height: Int) {
        var size = winsize(ws_row: UInt16(height), ws_col: UInt16(width), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Every byte the terminal has written since the last call, waiting until none has come for `quietMilliseconds`.
    func drain(quietMilliseconds: Int32 = 150) -> [UInt8] {
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&poller, 1, quietMilliseconds) > 0 {
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            collected += buffer[0..<count]
        }
        return collected
    }
}

extension PseudoTerminal {
    /// A curses terminal started on this pseudo-terminal; the test stops it.
    func startTerminal(term: String = "xterm-256color", locale: String = "C.UTF-8") throws -> CursesTerminal {
        let terminal = CursesTerminal()
        try terminal.start(term: term, input: input, output: output, locale: locale)
        return terminal
    }
}
