import Foundation
import Ledger
import Testing

/// Ledger's one rounding from a `Decimal` to money, and its equality with the two roundings it
/// replaced (Dunning's `MoneyRounding` and Billing's `BillingRounding`, both through `NSDecimalRound`).
@Suite struct MinorUnitRoundingTests {
    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? .nan }

    @Test(arguments: [
        ("2.675", "EUR", 268), ("2.665", "EUR", 267), ("2.6749999", "EUR", 267), ("-0.005", "EUR", -1),
        ("-0.004", "EUR", 0), ("0", "EUR", 0), ("12", "EUR", 1200), ("1234.5", "EUR", 123_450),
        ("0.5", "JPY", 1), ("-0.5", "JPY", -1), ("1.2345", "KWD", 1235), ("99999999999.995", "EUR", 10_000_000_000_000),
    ] as [(String, String, Int64)])
    func halfUpAwayFromZero(text: String, code: String, minor: Int64) throws {
        let currency = try #require(Currency(code: code))
        #expect(MinorUnitRounding.round(Self.decimal(text), currency) == Money(minorUnits: minor, currency: currency))
    }

    @Test func outOfRangeIsNilAndNaNIsNil() {
        #expect(MinorUnitRounding.minorUnits(Self.decimal("92233720368547758.08"), digits: 2) == nil)
        #expect(MinorUnitRounding.minorUnits(Self.decimal("92233720368547758.07"), digits: 2) == Int64.max)
        #expect(MinorUnitRounding.minorUnits(.nan, digits: 2) == nil)
        #expect(MinorUnitRounding.mode == "half-up to the minor unit, once")
    }

    /// Dunning's former rounding: round to the minor digits, then scale.
    static func dunningBefore(_ value: Decimal, _ digits: Int) -> Int64 {
        var v = value
        var r = Decimal()
        NSDecimalRound(&r, &v, digits, .plain)
        for _ in 0..<digits { r *= 10 }
        return NSDecimalNumber(decimal: r).int64Value
    }

    /// Billing's former rounding: scale, then round to a whole number.
    static func billingBefore(_ value: Decimal, _ digits: Int) -> Int64 {
        var v = value
        for _ in 0..<digits { v *= 10 }
        var r = Decimal()
        NSDecimalRound(&r, &v, 0, .plain)
        return Int64(NSDecimalNumber(decimal: r).stringValue) ?? NSDecimalNumber(decimal: r).int64Value
    }

    /// 20,000 seeded values of every shape an interest or index computation makes: the same minor
    /// units as both former roundings, so no stored amount changes.
    @Test func sameResultsAsBothFormerRoundings() {
        var seed: UInt64 = 0x5eed_2026
        func next() -> UInt64 {
            seed &+= 0x9e37_79b9_7f4a_7c15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        for _ in 0..<20_000 {
            let significand = Decimal(next() % 10_000_000_000_000)
            let scale = Int(next() % 12)
            var value = significand
            for _ in 0..<scale { value /= 10 }
            if next() % 2 == 0 { value = -value }
            // A computed value: a rate applied over a number of days, as Dunning's interest does.
            if next() % 4 == 0 { value = value * Self.decimal("10.5") / 100 * Decimal(Int(next() % 400)) / 365 }
            for digits in [0, 2, 3] {
                let now = MinorUnitRounding.minorUnits(value, digits: digits)
                #expect(now == Self.dunningBefore(value, digits), "\(value) to \(digits) digits")
                #expect(now == Self.billingBefore(value, digits), "\(value) to \(digits) digits")
            }
        }
    }
}
