/// An ISO 4217 currency code with its number of minor-unit digits.
package struct Currency: Sendable, Hashable, CustomStringConvertible {
    /// Three upper-case letters, e.g. `EUR`.
    package let code: String
    /// Digits after the decimal point (2 for EUR, 0 for JPY).
    package let minorDigits: Int

    /// The euro.
    package static let eur = Currency(validCode: "EUR", minorDigits: 2)

    private init(validCode: String, minorDigits: Int) {
        self.code = validCode
        self.minorDigits = minorDigits
    }

    /// A currency from its code (case-insensitive); nil unless three ASCII letters.
    package init?(code raw: some StringProtocol) {
        let up = asciiUppercased(raw, droppingSpaces: false)
        guard up.utf8.count == 3, up.utf8.allSatisfy({ $0 >= 65 && $0 <= 90 }) else { return nil }
        self.code = up
        self.minorDigits = Currency.zeroDecimal.contains(up) ? 0 : (Currency.threeDecimal.contains(up) ? 3 : 2)
    }

    /// The currency of a code read back from the store; EUR when the code is malformed.
    ///
    /// No CHECK guards the store's currency columns (`invoice`, `payment`, `bank_statement`,
    /// `contract`, `promise_to_pay`, `dunning_event`, `dunning_exclusion`, `cash_forecast`,
    /// `report_snapshot`, `report_snapshot_step`: plain `TEXT`). What keeps them valid is that
    /// every writer binds the ``code`` of a currency that ingest, billing or the controls accepted
    /// through ``init(code:)``, and the other tables copy those columns. The fallback therefore only
    /// serves a store edited by hand: it reads as EUR, as the readers each had it before, now in this
    /// one place, and never traps.
    package init(stored code: String) {
        self = Currency(code: code) ?? .eur
    }

    static let zeroDecimal: Set<String> = ["JPY", "KRW", "ISK", "CLP", "VND", "XAF", "XOF", "XPF", "UGX", "PYG"]
    static let threeDecimal: Set<String> = ["BHD", "KWD", "OMR", "JOD", "TND", "LYD", "IQD"]

    /// The code, `EUR`.
    package var description: String { code }
}

/// Thrown when two amounts in different currencies meet in one operation.
package struct CurrencyMismatch: Error, CustomStringConvertible, Equatable {
    /// The currency code of the amount the operation was called on.
    package let left: String
    /// The currency code of the other amount.
    package let right: String
    /// `cannot combine EUR and USD amounts`.
    package var description: String { "cannot combine \(left) and \(right) amounts" }
}

/// An exact amount of money: integer minor units (cents) and a currency.
///
/// Arithmetic is defined only between amounts of the same currency and throws
/// ``CurrencyMismatch`` otherwise; ratios (interest, indexation) are computed elsewhere in
/// `Decimal` and turned into minor units by one named rounding step. Sums trap on `Int64`
/// overflow (about 92 quadrillion euros), which input capped by ``AmountParser`` cannot reach.
package struct Money: Sendable, Hashable, CustomStringConvertible {
    /// The amount in minor units (cents for EUR); negative for credits.
    package let minorUnits: Int64
    /// The currency.
    package let currency: Currency

    /// An amount from its minor units (cents for EUR) and currency.
    package init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Zero in a currency.
    package static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    /// Euros from cents.
    package static func eur(cents: Int64) -> Money { Money(minorUnits: cents, currency: .eur) }

    /// True for zero.
    package var isZero: Bool { minorUnits == 0 }
    /// True below zero (a credit).
    package var isNegative: Bool { minorUnits < 0 }
    /// True above zero.
    package var isPositive: Bool { minorUnits > 0 }
    /// The same amount with the opposite sign.
    package var negated: Money { Money(minorUnits: -minorUnits, currency: currency) }

    /// The sum of two amounts of the same currency.
    package func adding(_ other: Money) throws(CurrencyMismatch) -> Money {
        guard other.currency == currency else { throw CurrencyMismatch(left: currency.code, right: other.currency.code) }
        return Money(minorUnits: minorUnits + other.minorUnits, currency: currency)
    }

    /// The difference of two amounts of the same currency.
    package func subtracting(_ other: Money) throws(CurrencyMismatch) -> Money {
        try adding(other.negated)
    }

    /// Compares two amounts of the same currency: -1, 0 or 1.
    package func compare(_ other: Money) throws(CurrencyMismatch) -> Int {
        guard other.currency == currency else { throw CurrencyMismatch(left: currency.code, right: other.currency.code) }
        return minorUnits < other.minorUnits ? -1 : (minorUnits == other.minorUnits ? 0 : 1)
    }

    /// Plain decimal text with a point and all minor digits, no grouping: `1234.56`, `-0.05`.
    package var decimalString: String {
        Money.decimalString(minorUnits: minorUnits, digits: currency.minorDigits)
    }

    /// Plain decimal text of a minor-unit count.
    package static func decimalString(minorUnits: Int64, digits: Int) -> String {
        let negative = minorUnits < 0
        let magnitude = minorUnits.magnitude
        guard digits > 0 else { return (negative ? "-" : "") + String(magnitude) }
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        var frac = String(magnitude % scale)
        if frac.count < digits { frac = String(repeating: "0", count: digits - frac.count) + frac }
        return (negative ? "-" : "") + String(magnitude / scale) + "." + frac
    }

    /// `EUR 1234.56`.
    package var description: String { currency.code + " " + decimalString }
}

/// A bag of amounts keyed by currency, for totals over mixed-currency ledgers.
package struct MoneyBag: Sendable, Hashable {
    /// Minor units per currency code.
    package private(set) var totals: [String: Int64] = [:]
    private var currencies: [String: Currency] = [:]

    /// An empty bag.
    package init() {}

    /// Adds an amount to its currency's total.
    package mutating func add(_ m: Money) {
        totals[m.currency.code, default: 0] += m.minorUnits
        currencies[m.currency.code] = m.currency
    }

    /// True when nothing has been added.
    package var isEmpty: Bool { totals.isEmpty }

    /// The total in one currency (zero when nothing in it was added).
    package func total(_ currency: Currency) -> Money {
        Money(minorUnits: totals[currency.code] ?? 0, currency: currency)
    }

    /// The totals as amounts, sorted by currency code.
    package var amounts: [Money] {
        currencies.values.sorted { $0.code < $1.code }.map(total)
    }
}
