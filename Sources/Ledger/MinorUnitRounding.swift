#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The one rounding step between a `Decimal` computation (interest, capped damages, indexed prices,
/// usage, VAT) and money: half-up (a tie goes away from zero) to the currency's minor unit, applied
/// once, at the end. Dunning's `MoneyRounding` and Billing's `BillingRounding` both round here.
///
/// Works on the decimal digits of the value, never through a binary float, so `2.675` EUR is
/// 268 cents and `-0.005` EUR is -1 cent.
package enum MinorUnitRounding {
    /// The mode's name, stored with every computed amount.
    package static let mode = "half-up to the minor unit, once"

    /// `value` (in major units) rounded half-up to `digits` decimals, as an integer count of
    /// 10^-digits; nil for NaN or when the result does not fit in an `Int64`.
    package static func minorUnits(_ value: Decimal, digits: Int) -> Int64? {
        guard !value.isNaN, digits >= 0 else { return nil }
        var text = Substring(value.description)
        let negative = text.first == "-"
        if negative { text = text.dropFirst() }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0]
        let fraction = parts.count > 1 ? parts[1] : ""
        guard whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber), fraction.allSatisfy(\.isASCII),
            fraction.allSatisfy(\.isNumber)
        else { return nil }
        let kept = Array(fraction.prefix(digits)) + Array(repeating: Character("0"), count: max(0, digits - fraction.count))
        var magnitude: Int64 = 0
        for c in Array(whole) + kept {
            guard let d = c.wholeNumberValue else { return nil }
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(Int64(d))
            guard !o1, !o2 else { return nil }
            magnitude = next
        }
        if fraction.count > digits, let first = fraction.dropFirst(digits).first?.wholeNumberValue, first >= 5 {
            let (up, overflow) = magnitude.addingReportingOverflow(1)
            guard !overflow else { return nil }
            magnitude = up
        }
        return negative ? -magnitude : magnitude
    }

    /// Rounds a decimal amount in major units of `currency` to money. A value beyond `Int64` minor
    /// units (a computation gone wrong, never an amount) saturates at `Int64.min`/`Int64.max`, and
    /// NaN is zero; callers validate their inputs before computing.
    package static func round(_ value: Decimal, _ currency: Currency) -> Money {
        let units = minorUnits(value, digits: currency.minorDigits)
            ?? (value.isNaN ? 0 : (value < 0 ? Int64.min : Int64.max))
        return Money(minorUnits: units, currency: currency)
    }
}
