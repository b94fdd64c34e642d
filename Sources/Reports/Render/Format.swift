import Foundation
import Ledger

/// Number and text formatting shared by the renderers. Money is formatted from integer minor
/// units by digit manipulation only: no floating point anywhere on the way to the reader.
enum Format {
    /// `1,234,567.89` (grouped; `-` in front of a negative amount).
    static func grouped(minor: Int64, digits: Int) -> String {
        let plain = Money.decimalString(minorUnits: minor, digits: digits)
        let negative = plain.hasPrefix("-")
        let body = negative ? String(plain.dropFirst()) : plain
        let parts = body.split(separator: ".", maxSplits: 1)
        let whole = Array(parts[0])
        var out = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        if parts.count == 2 { out += "." + parts[1] }
        return (negative ? "-" : "") + out
    }

    /// `€ 1,234.56` for euros, `USD 1,234.56` otherwise.
    static func money(_ minor: Int64, _ currency: Currency) -> String {
        let symbol = currency.code == "EUR" ? "€" : currency.code
        return symbol + "\u{00A0}" + grouped(minor: minor, digits: currency.minorDigits)
    }

    /// A short axis label in major units: `0`, `950`, `12k`, `1.5M`.
    static func compact(minor: Int64, _ currency: Currency) -> String {
        var scale: Int64 = 1
        for _ in 0..<currency.minorDigits { scale *= 10 }
        let major = minor / scale
        let m = major.magnitude
        let sign = major < 0 ? "-" : ""
        if m >= 1_000_000 {
            let tenths = (m * 10 + 500_000) / 1_000_000
            return sign + (tenths % 10 == 0 ? "\(tenths / 10)M" : "\(tenths / 10).\(tenths % 10)M")
        }
        if m >= 1_000 {
            let tenths = (m * 10 + 500) / 1_000
            if tenths >= 10_000 { return sign + "\(tenths / 10)k" }
            return sign + (tenths % 10 == 0 ? "\(tenths / 10)k" : "\(tenths / 10).\(tenths % 10)k")
        }
        return sign + "\(m)"
    }

    /// `numerator / denominator` as a decimal with `places` digits, rounded half away from zero
    /// (integer arithmetic); nil when the denominator is zero.
    static func ratio(_ numerator: Int64, _ denominator: Int64, places: Int) -> String? {
        guard denominator != 0 else { return nil }
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let n = Decimal(numerator) * Decimal(scale), d = Decimal(denominator)
        var q = n / d
        var rounded = Decimal()
        NSDecimalRound(&rounded, &q, 0, .plain)
        let scaled = NSDecimalNumber(decimal: rounded).int64Value
        return Money.decimalString(minorUnits: scaled, digits: places)
    }

    /// `12.5%` from a decimal text.
    static func percent(_ decimal: String) -> String { decimal + "%" }

    /// `2026-11-21` as `21 Nov 2026`.
    static func longDay(_ d: Day) -> String {
        "\(d.day) \(monthNames[d.month - 1]) \(d.year)"
    }

    /// `2026-11-21` as `21 Nov`.
    static func shortDay(_ d: Day) -> String { "\(d.day) \(monthNames[d.month - 1])" }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
