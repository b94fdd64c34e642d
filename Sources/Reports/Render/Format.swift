import Foundation
import Ledger

/// Number and text formatting shared by the renderers. Money is formatted from integer minor
/// units by digit manipulation only: no floating point anywhere on the way to the reader.
enum Format {
    /// `1,234,567.89` in en, `1.234.567,89` in nl, fr and de (Ledger's `LocalFormat`).
    static func grouped(minor: Int64, digits: Int, language: String = "en") -> String {
        LocalFormat.number(minor: minor, digits: digits, language: language)
    }

    /// `€ 1,234.56` for euros, `USD 1,234.56` otherwise (`€ 1.234,56` in nl, fr and de).
    static func money(_ minor: Int64, _ currency: Currency, language: String = "en") -> String {
        LocalFormat.symbol(currency) + "\u{00A0}" + grouped(minor: minor, digits: currency.minorDigits, language: language)
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

    /// `2026-11-21` as `21 Nov 2026` (en) or `21 november 2026`, `21 novembre 2026`, `21. November 2026`.
    static func longDay(_ d: Day, language: String = "en") -> String {
        language == "en" ? "\(d.day) \(monthNames[d.month - 1]) \(d.year)" : LocalFormat.long(d, language: language)
    }

    /// A day in a table: `2026-11-21` (en) or `21/11/2026`, `21.11.2026` (de).
    static func tableDay(_ iso: String, language: String) -> String {
        guard language != "en", let d = Day(iso: iso) else { return iso }
        return LocalFormat.short(d, language: language)
    }

    /// `2026-11-21` as `21 Nov` (en) or `21/11` (nl, fr), `21.11` (de).
    static func shortDay(_ d: Day, language: String = "en") -> String {
        if language == "en" { return "\(d.day) \(monthNames[d.month - 1])" }
        return String(LocalFormat.short(d, language: language).prefix(5))
    }

    static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
