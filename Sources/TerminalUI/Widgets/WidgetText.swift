/// Text measuring the widgets share beyond what `Text` offers: word wrapping, and the columns of a string one
/// grapheme cluster at a time.
enum WidgetText {
    /// The columns each grapheme cluster of `text` fills as the grid draws it.
    static func columnWidths(_ text: String) -> [Int] {
        text.map { TextWidth.of(character: $0) }
    }

    /// `text` broken into lines of at most `width` columns: at spaces where it can, inside a word only when the word
    /// alone is wider than a line. Line breaks in the text start a new line; a wide character is never split.
    static func wrapped(_ text: String, toWidth width: Int) -> [String] {
        guard width > 0 else { return [] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                let wordWidth = TextWidth.of(word)
                let gap = line.isEmpty ? 0 : 1
                if lineWidth + gap + wordWidth <= width {
                    line += (gap == 1 ? " " : "") + word
                    lineWidth += gap + wordWidth
                    continue
                }
                if !line.isEmpty {
                    lines.append(line)
                    line = ""
                    lineWidth = 0
                }
                // A word longer than a line is broken wherever the line is full.
                for character in word {
                    let characterWidth = TextWidth.of(character: character)
                    if lineWidth + characterWidth > width, !line.isEmpty {
                        lines.append(line)
                        line = ""
                        lineWidth = 0
                    }
                    line.append(character)
                    lineWidth += characterWidth
                }
            }
            lines.append(line)
        }
        return lines
    }
}
