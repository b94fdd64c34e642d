import Foundation
import Ledger

/// Billing's decimals (indexed price, usage, VAT) and the one rounding step to money, Ledger's
/// `MinorUnitRounding`: half-up (away from zero) to the currency's minor unit, applied once, at the end.
package enum BillingRounding {
    /// The mode's name, stored with every indexed price (Ledger's `MinorUnitRounding.mode`).
    package static let mode = MinorUnitRounding.mode

    /// Rounds a decimal amount in major units of `currency` to minor units (Ledger's `MinorUnitRounding`).
    package static func round(_ value: Decimal, _ currency: Currency) -> Money {
        MinorUnitRounding.round(value, currency)
    }

    /// A money amount as a decimal in major units (`1234.56`).
    package static func decimal(_ m: Money) -> Decimal {
        Decimal(sign: m.minorUnits < 0 ? .minus : .plus, exponent: -m.currency.minorDigits,
                significand: Decimal(m.minorUnits.magnitude))
    }

    /// Parses a plain non-negative decimal (`115.5`, `10`, `0,75` with a comma) exactly; nil otherwise.
    package static func parse(_ text: some StringProtocol) -> Decimal? {
        let t = String(text).replacingOccurrences(of: ",", with: ".")
        guard !t.isEmpty, t.count <= 30, t.first != ".", t.last != ".",
            t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), t.filter({ $0 == "." }).count <= 1
        else { return nil }
        return Decimal(string: t, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Plain text of a decimal, no exponent and no trailing zeros (`1.04`, `8`).
    package static func plain(_ d: Decimal) -> String {
        NSDecimalNumber(decimal: d).stringValue
    }
}
