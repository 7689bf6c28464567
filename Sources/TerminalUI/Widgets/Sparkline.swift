/// A row of block characters showing how a series rises and falls: an item's stock level over 90 days.
///
/// The lowest value of the series sits on the bottom block and the highest on the top one, so a small change in a
/// large stock still shows; a flat series is drawn as a flat line at mid height. Terminals that cannot draw the
/// blocks get ASCII steps.
public enum Sparkline {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    public static let asciiSteps: [Character] = ["_", ".", "-", "~", "=", "+", "*", "#"]

    /// The series squeezed (each column the last value of its bucket) or kept to `width` columns.
    public static func render(_ values: [Int], width: Int, unicode: Bool = true) -> String {
        guard width > 0, !values.isEmpty else { return "" }
        let steps = unicode ? blocks : asciiSteps
        let sampled: [Int] = values.count <= width ? values : (0..<width).map { column in
            values[min(values.count - 1, (column + 1) * values.count / width - 1)]
        }
        let low = sampled.min()!, high = sampled.max()!
        guard high > low else { return String(repeating: steps[steps.count / 2 - 1], count: sampled.count) }
        return String(sampled.map { value in
            steps[(value - low) * (steps.count - 1) / (high - low)]
        })
    }
}
