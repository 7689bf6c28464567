import BackOfficeCore

/// What the `:` command line asks for.
public enum FastPath: Equatable, Sendable {
    /// `:stock SKU-or-words`
    case stock(String)
    /// `:price SKU ACCOUNT [QTY]`
    case price(sku: String, account: String, quantity: Int)
    /// `:atp SKU N`
    case promise(sku: String, quantity: Int)
    /// `:req N`
    case request(Int64)
    /// `:q`
    case quit

    /// The commands, as the command line's placeholder names them.
    public static let syntax = ["stock SKU", "price SKU ACCOUNT QTY", "atp SKU QTY", "req N", "q"]

    /// Reads a command line (without its leading `:`); the error names what is wrong and shows the right form.
    public static func parse(_ line: String) -> Result<FastPath, Failure> {
        let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let verb = words.first?.lowercased() else { return .failure(Failure(.usage, "type a command: stock, price, atp, req or q")) }
        let rest = Array(words.dropFirst())
        switch verb {
        case "stock", "s":
            guard !rest.isEmpty else { return .failure(Failure(.usage, ":stock needs a SKU or words, as in :stock FAS-000006")) }
            return .success(.stock(rest.joined(separator: " ")))
        case "price", "p":
            guard (2...3).contains(rest.count) else {
                return .failure(Failure(.usage, ":price needs SKU ACCOUNT [QTY], as in :price FAS-000006 ACME 50"))
            }
            var quantity = 1
            if rest.count == 3 {
                guard let q = Int(rest[2]), q > 0, q <= Ledger.maximumQuantity else {
                    return .failure(Failure.invalid("quantity", rest[2], "must be a whole number above zero"))
                }
                quantity = q
            }
            return .success(.price(sku: rest[0], account: rest[1], quantity: quantity))
        case "atp", "when":
            guard rest.count == 2 else { return .failure(Failure(.usage, ":atp needs SKU QTY, as in :atp FAS-000006 500")) }
            guard let quantity = Int(rest[1]), quantity > 0, quantity <= Ledger.maximumQuantity else {
                return .failure(Failure.invalid("quantity", rest[1], "must be a whole number above zero"))
            }
            return .success(.promise(sku: rest[0], quantity: quantity))
        case "req", "r", "request":
            guard rest.count == 1, let id = Int64(rest[0].trimmingPrefix("#")), id > 0 else {
                return .failure(Failure(.usage, ":req needs a request number, as in :req 42"))
            }
            return .success(.request(id))
        case "q", "quit":
            return .success(.quit)
        default:
            return .failure(Failure(.usage, "unknown command :\(verb); use :stock, :price, :atp, :req or :q"))
        }
    }
}
