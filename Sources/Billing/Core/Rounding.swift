import Foundation
import Ledger

/// The one rounding step between a `Decimal` computation (indexed price, usage, VAT) and money:
/// half-up (away from zero) to the currency's minor unit, applied once, at the end.
public enum BillingRounding {
    /// The mode's name, stored with every indexed price.
    public static let mode = "half-up to the minor unit, once"

    /// Rounds a decimal amount in major units of `currency` to minor units.
    public static func round(_ value: Decimal, _ currency: Currency) -> Money {
        var v = value
        for _ in 0..<currency.minorDigits { v *= 10 }
        var r = Decimal()
        NSDecimalRound(&r, &v, 0, .plain)
        return Money(minorUnits: Int64(exactly: r), currency: currency)
    }

    /// A money amount as a decimal in major units (`1234.56`).
    public static func decimal(_ m: Money) -> Decimal {
        Decimal(sign: m.minorUnits < 0 ? .minus : .plus, exponent: -m.currency.minorDigits,
                significand: Decimal(m.minorUnits.magnitude))
    }

    /// Parses a plain non-negative decimal (`115.5`, `10`, `0,75` with a comma) exactly; nil otherwise.
    public static func parse(_ text: some StringProtocol) -> Decimal? {
        let t = String(text).replacingOccurrences(of: ",", with: ".")
        guard !t.isEmpty, t.count <= 30, t.first != ".", t.last != ".",
            t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), t.filter({ $0 == "." }).count <= 1
        else { return nil }
        return Decimal(string: t, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Plain text of a decimal, no exponent and no trailing zeros (`1.04`, `8`).
    public static func plain(_ d: Decimal) -> String {
        NSDecimalNumber(decimal: d).stringValue
    }
}

extension Int64 {
    /// An integral `Decimal` as Int64 (the value is always small: minor units of a price).
    /// Goes through the decimal text, never through a binary float.
    init(exactly d: Decimal) {
        self = Int64(NSDecimalNumber(decimal: d).stringValue) ?? NSDecimalNumber(decimal: d).int64Value
    }
}
