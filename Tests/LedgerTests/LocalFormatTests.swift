import Testing

@testable import Ledger

/// `LocalFormat.number` and `money` written as bytes (issue 17, tenth round) give the text the
/// `Character`-by-`Character` grouping of `Money.decimalString` gave: every language, 0 to 3
/// decimals, zero, the extremes, every length of the whole part.
@Suite struct LocalFormatTests {
    /// The grouping as it was before, from `Money.decimalString`.
    static func reference(minor: Int64, digits: Int, language: String) -> String {
        let (group, decimal) = LocalFormat.separators(language)
        let plain = Money.decimalString(minorUnits: minor, digits: digits)
        let negative = plain.hasPrefix("-")
        let body = negative ? String(plain.dropFirst()) : plain
        let parts = body.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(parts[0])
        var out = ""
        for (i, c) in whole.enumerated() {
            if i > 0 && (whole.count - i) % 3 == 0 { out += group }
            out.append(c)
        }
        if parts.count == 2 { out += decimal + parts[1] }
        return (negative ? "-" : "") + out
    }

    @Test func theSameTextAsTheCharacterGrouping() {
        var values: [Int64] = [0, 1, -1, 9, 10, 99, 100, 999, 1_000, -1_000, 12_345, 123_456, 1_234_567, 76_348_178, -100_000_000,
                               Int64.max, Int64.min, Int64.min + 1]
        var power: Int64 = 1
        for _ in 0..<18 {
            values += [power, power - 1, -power, power * 7 + 3]
            power *= 10
        }
        var g = SystemRandomNumberGenerator()
        values += (0..<2_000).map { _ in Int64.random(in: -10_000_000_000...10_000_000_000, using: &g) }
        values += (0..<200).map { _ in Int64.random(in: Int64.min...Int64.max, using: &g) }
        let currencies = [Currency.eur, Currency(code: "JPY")!, Currency(code: "KWD")!, Currency(code: "USD")!]
        for language in ["nl", "fr", "de", "en", "xx"] {
            for v in values {
                for digits in 0...3 {
                    #expect(LocalFormat.number(minor: v, digits: digits, language: language) == Self.reference(minor: v, digits: digits, language: language),
                            "\(v) \(digits) \(language)")
                }
                for c in currencies {
                    let m = Money(minorUnits: v, currency: c)
                    let signed = Self.reference(minor: v, digits: c.minorDigits, language: language)
                    let number = signed.hasPrefix("-") ? String(signed.dropFirst()) : signed
                    let sign = v < 0 ? "−" : ""
                    let english = !(language == "nl" || language == "fr" || language == "de")
                    let expected = english && c == .eur ? "\(sign)€\(number)" : "\(sign)\(LocalFormat.symbol(c)) \(number)"
                    #expect(LocalFormat.money(m, language: language) == expected, "\(v) \(c) \(language)")
                }
            }
        }
    }
}
