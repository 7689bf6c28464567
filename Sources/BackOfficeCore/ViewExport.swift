import Foundation

/// What the console's `E` writes: the list a pane shows, as CSV, with what the user's role may see (cost only for
/// roles with `seeCost`), and what `y` puts on the clipboard.
public enum ViewExport {
    /// The name of a new export: the pane and the time to the second (UTC), as `inventory-20261207-165502.csv`.
    public static func fileName(_ pane: String, at date: Date) -> String {
        let stamp = UTC.iso(date).filter { $0.isNumber || $0 == "T" }.replacingOccurrences(of: "T", with: "-").prefix(15)
        return "\(pane)-\(stamp).csv"
    }

    /// A user's own export folder's name: the user name, with `/` written `%2F` and a leading `.` written `%2E`, so no
    /// name (`../x`, `a/b`, `..`) reaches outside the exports folder or into another user's, and no two users share one
    /// (`%` is not allowed in user names).
    public static func folderName(for user: String) -> String {
        var name = user.replacingOccurrences(of: "/", with: "%2F")
        if name.hasPrefix(".") { name = "%2E" + name.dropFirst() }
        return name
    }

    // MARK: - Inventory

    public static func inventoryHeader(for user: User) -> String {
        var header = ["sku", "name", "category", "unit", "on_hand", "reserved", "available", "reorder_point"]
        if user.may(.seeCost) { header.append("cost") }
        return CSV.record(header, numbers: Array(repeating: false, count: header.count))
    }

    public static func inventoryRecord(_ row: ItemListRow, for user: User) -> String {
        var cells = [row.item.sku, row.item.name, row.item.category, row.item.unit, String(row.onHand), String(row.reserved),
                     String(row.available), String(row.item.reorderPoint)]
        var numbers = [false, false, false, false, true, true, true, true]
        if user.may(.seeCost) {
            cells.append(row.item.cost?.decimalString ?? "")
            numbers.append(true)
        }
        return CSV.record(cells, numbers: numbers)
    }

    // MARK: - Queue

    public static let queueHeader = CSV.record(
        ["id", "state", "priority", "kind", "account", "sku", "quantity", "requester", "assignee", "filed_at", "due_at", "sla", "question"],
        numbers: Array(repeating: false, count: 13))

    public static func queueRecord(_ request: Request, now: Date) -> String {
        CSV.record([String(request.id), request.state.rawValue, request.priority.rawValue, request.kind.rawValue, request.account,
                    request.sku ?? "", request.quantity.map(String.init) ?? "", request.requester, request.assignee ?? "",
                    UTC.iso(request.createdAt), UTC.iso(request.dueAt), ServiceLevel.column(request, now: now).text, request.text],
                   numbers: [true, false, false, false, false, false, true, false, false, false, false, false, false])
    }

    // MARK: - Clipboard

    /// The most a copy holds: terminals refuse longer OSC 52 sequences (xterm's default limit is about 100 KB).
    public static let clipboardLimit = 8_000

    /// Text made safe to copy: control and invisible characters become visible placeholders as on screen (line breaks
    /// and tabs stay), and it is cut to `clipboardLimit` characters.
    public static func clipboard(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar == "\t" {
                result.append(scalar)
            } else if let placeholder = Sanitize.placeholder(for: scalar) {
                result.append(contentsOf: placeholder.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        let safe = String(result)
        return safe.count > clipboardLimit ? String(safe.prefix(clipboardLimit - 1)) + "…" : safe
    }

    /// A quote as it may be pasted to a customer: the price, what set it and how long it holds. Never cost or margin,
    /// whoever copies it.
    public static func quoteText(_ quote: Quote, itemName: String?) -> String {
        var lines = ["\(quote.sku)\(itemName.map { " \($0)" } ?? "") for \(quote.account), \(quote.quantity) on \(quote.date):",
                     "\(quote.unitPrice.formatted) each, \(quote.extendedPrice.formatted) in all (\(quote.rule))"]
        if let end = quote.validThrough { lines.append("valid through \(end)") }
        return lines.joined(separator: "\n")
    }

    /// A request's last answer, or question back, with what it answers: nil when nothing was said back yet.
    public static func answerText(_ detail: RequestDetail) -> String? {
        guard let answer = detail.events.last(where: { $0.action == RequestAction.answer.rawValue || $0.action == RequestAction.wait.rawValue })
        else { return nil }
        let r = detail.request
        let about = [r.sku, r.quantity.map { "× \($0)" }].compactMap { $0 }.joined(separator: " ")
        return "Request #\(r.id) (\(r.account)\(about.isEmpty ? "" : ", \(about)")): \(r.text)\n\(answer.actor), \(UTC.iso(answer.at)):\n\(answer.text)"
    }
}
