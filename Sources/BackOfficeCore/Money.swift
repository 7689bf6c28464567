import Foundation

/// An amount of money: an integer count of minor units (cents) and an ISO 4217 currency code.
///
/// Money never touches floating point. Arithmetic on percentages is done in `Decimal` and brought back to minor units
/// by `Money.rounded(_:currency:)`, which rounds half away from zero — the one rounding rule BackOffice uses.
public struct Money: Hashable, Sendable, Comparable, Codable {
    public var minorUnits: Int64
    public var currency: String

    public init(minorUnits: Int64, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.minorUnits < rhs.minorUnits }

    /// Digits after the decimal point for a currency (ISO 4217 minor unit).
    public static func exponent(of currency: String) -> Int {
        switch currency.uppercased() {
        case "JPY", "KRW", "CLP", "ISK", "VND", "HUF": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND": return 3
        default: return 2
        }
    }

    /// Whether a currency code has the shape of an ISO 4217 code (three letters).
    public static func isCurrencyCode(_ code: String) -> Bool {
        code.count == 3 && code.allSatisfy { $0.isASCII && $0.isLetter }
    }

    /// Parses a decimal amount such as `12.34`, `12`, `-0.5` in the currency's major units.
    /// Refuses more fraction digits than the currency has, thousands separators, exponents and anything else.
    public static func parse(_ text: String, currency: String, field: String = "amount") throws(Failure) -> Money {
        let trimmed = text.trimmingSpaces
        let exponent = exponent(of: currency)
        var digits = Substring(trimmed)
        var negative = false
        if digits.first == "-" { negative = true; digits = digits.dropFirst() } else if digits.first == "+" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard !digits.isEmpty, parts.count <= 2,
              let whole = parts.first, !whole.isEmpty, whole.utf8.allSatisfy(Money.isDigit) else {
            throw Failure.invalid(field, text, "not an amount; write it like 12.34")
        }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.utf8.allSatisfy(Money.isDigit), parts.count == 1 || !fraction.isEmpty else {
            throw Failure.invalid(field, text, "not an amount; write it like 12.34")
        }
        guard fraction.count <= exponent else {
            throw Failure.invalid(field, text, "\(currency) has \(exponent) decimal places")
        }
        fraction += String(repeating: "0", count: exponent - fraction.count)
        guard whole.count + fraction.count <= 15, let value = Int64(whole + fraction) else {
            throw Failure.invalid(field, text, "amount too large")
        }
        return Money(minorUnits: negative ? -value : value, currency: currency.uppercased())
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// The amount as a plain decimal string in major units (`12.30`), the form JSON and CSV carry.
    public var decimalString: String {
        Money.decimalString(minorUnits, exponent: Money.exponent(of: currency))
    }

    static func decimalString(_ minor: Int64, exponent: Int) -> String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        guard exponent > 0 else { return sign + String(magnitude) }
        var scale: UInt64 = 1
        for _ in 0..<exponent { scale *= 10 }
        let fraction = String(magnitude % scale)
        return sign + String(magnitude / scale) + "." + String(repeating: "0", count: exponent - fraction.count) + fraction
    }

    /// `12.30 EUR`
    public var formatted: String { "\(decimalString) \(currency)" }

    /// The amount in major units as an exact `Decimal`.
    public var decimal: Decimal {
        Decimal(minorUnits) / Money.scale(of: currency)
    }

    static func scale(of currency: String) -> Decimal {
        var scale = Decimal(1)
        for _ in 0..<exponent(of: currency) { scale *= 10 }
        return scale
    }

    /// Brings a computed amount in major units back to minor units, rounding half away from zero.
    public static func rounded(_ amount: Decimal, currency: String) -> Money {
        Money(minorUnits: roundHalfAwayFromZero(amount * scale(of: currency)), currency: currency)
    }

    /// Rounds to the nearest multiple of `step` minor units (half away from zero); a step of 0 or 1 changes nothing.
    public func rounded(toStep step: Int64) -> Money {
        guard step > 1 else { return self }
        let magnitude = (minorUnits.magnitude + UInt64(step) / 2) / UInt64(step) * UInt64(step)
        return Money(minorUnits: minorUnits < 0 ? -Int64(magnitude) : Int64(magnitude), currency: currency)
    }

    /// Rounds up to the next multiple of `step` minor units (used where a floor must not be undercut).
    public func roundedUp(toStep step: Int64) -> Money {
        guard step > 1, minorUnits > 0 else { return self }
        let units = (minorUnits + step - 1) / step * step
        return Money(minorUnits: units, currency: currency)
    }

}

/// Rounds a decimal to an integer, half away from zero.
func roundHalfAwayFromZero(_ value: Decimal) -> Int64 {
    var input = value
    var result = Decimal()
    NSDecimalRound(&result, &input, 0, .plain)
    return NSDecimalNumber(decimal: result).int64Value
}

/// A percentage such as `12.5` meaning 12.5 %, kept as an exact decimal.
public struct Percent: Hashable, Sendable, Codable, CustomStringConvertible {
    public var value: Decimal

    public init(_ value: Decimal) { self.value = value }

    public static func parse(_ text: String, field: String = "percent", range: ClosedRange<Decimal> = 0...100) throws(Failure) -> Percent {
        let trimmed = text.trimmingSpaces.replacingOccurrences(of: "%", with: "")
        // Digits with at most one decimal point and an optional leading minus: nothing that Decimal would half-read.
        let unsigned = trimmed.hasPrefix("-") ? trimmed.dropFirst() : Substring(trimmed)
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        guard !unsigned.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let value = Decimal(string: trimmed) else {
            throw Failure.invalid(field, text, "not a percentage; write it like 12.5")
        }
        guard range.contains(value) else {
            throw Failure.invalid(field, text, "must be between \(range.lowerBound) and \(range.upperBound)")
        }
        return Percent(value)
    }

    /// `12.5`
    public var description: String { NSDecimalNumber(decimal: value).stringValue }
}
