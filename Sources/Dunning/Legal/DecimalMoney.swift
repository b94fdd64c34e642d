import Foundation
import Ledger

/// Dunning's decimals (interest, capped damages) and the one rounding step to money, Ledger's
/// `MinorUnitRounding`: half-up (away from zero) to the currency's minor unit, applied once, at the end.
package enum MoneyRounding {
    /// The rounding mode's name, stored with every computed amount (Ledger's `MinorUnitRounding.mode`).
    package static let mode = MinorUnitRounding.mode

    /// Rounds a decimal amount of `currency` to minor units (Ledger's `MinorUnitRounding`).
    package static func round(_ value: Decimal, _ currency: Currency) -> Money {
        MinorUnitRounding.round(value, currency)
    }

    /// A money amount as a decimal in major units (`1234.56`).
    package static func decimal(_ m: Money) -> Decimal {
        var d = Decimal(m.minorUnits)
        for _ in 0..<m.currency.minorDigits { d /= 10 }
        return d
    }

    /// Parses a plain decimal (`12.5`, `10`) exactly.
    package static func parse(_ text: String) -> Decimal? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), text.filter({ $0 == "." }).count <= 1
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }

    /// Plain text of a decimal with up to `digits` decimals and no trailing zeros (`12.5`, `8`).
    package static func plain(_ d: Decimal) -> String {
        NSDecimalNumber(decimal: d).stringValue
    }
}
