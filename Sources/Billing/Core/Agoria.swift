import Foundation
import Ledger

/// One published index value: the text as published and its exact decimal.
package struct IndexValue: Sendable, Hashable {
    /// As in the series file, normalised to a point (`115.50`).
    package let text: String
    package let value: Decimal

    /// A value from its published text; nil unless a plain positive decimal.
    package init?(text: String) {
        guard let v = BillingRounding.parse(text), v > 0 else { return nil }
        self.text = text.replacingOccurrences(of: ",", with: ".")
        self.value = v
    }
}

/// The published values of the index series, by series and month.
package struct IndexTable: Sendable {
    private var values: [String: [Month: IndexValue]] = [:]

    /// An empty table.
    package init() {}

    /// Adds (or replaces) a value.
    package mutating func set(_ series: String, _ month: Month, _ value: IndexValue) {
        values[series, default: [:]][month] = value
    }

    /// The value of `series` in `month`, or nil when it is not (yet) published.
    package func value(_ series: String, _ month: Month) -> IndexValue? { values[series]?[month] }
}

/// An index month the series does not have: the run stops, naming it (never guessed or carried forward).
package struct MissingIndex: Error, Sendable, Hashable, CustomStringConvertible {
    package let series: String
    package let month: Month

    /// A missing month of a series.
    package init(series: String, month: Month) {
        self.series = series
        self.month = month
    }

    /// `index series "agoria-digital" has no value for 2026-11; add it to the index file and ingest it`.
    package var description: String {
        "index series \"\(series)\" has no value for \(month); add it to the index file (relance ingest index FILE)"
    }
}

/// The result of indexing one price: everything the billing line stores.
package struct Indexation: Sendable, Equatable {
    package var series: String
    package var oldPrice: Money
    /// The price after indexation: rounded once, half-up to the cent; the old one when a floor held.
    package var newPrice: Money
    /// `0.2 + 0.8 × actual / base`, exact to Decimal's 38 digits.
    package var factor: Decimal
    package var actualMonth: Month
    package var actual: IndexValue
    package var baseMonth: Month
    package var base: IndexValue
    /// True when the index fell and the contract's floor kept the old price.
    package var floored: Bool
    /// The price the formula gives (the new price unless a floor held).
    package var computedPrice: Money
    /// The indexation date: the day the new price is in force (the contract's new `price_adjusted_on`).
    package var effective: Day
}

/// The Agoria price-revision clause (`belgian-rules.md` §6.1):
/// `new price = current price × (0.2 + 0.8 × actual index / base index)`.
package enum Agoria {
    /// The actual index's month: two months before the indexation date (1 January 2027 → November 2026).
    package static func actualMonth(indexationDate: Day) -> Month { Month(indexationDate).adding(months: -2) }

    /// The base index's month: the month before the month the price was last set
    /// (15 March 2025 → February 2025; January 2026 → December 2025).
    package static func baseMonth(priceAdjustedOn: Day) -> Month { Month(priceAdjustedOn).adding(months: -1) }

    /// The indexation date of a year: the first day of the indexation month.
    package static func indexationDate(year: Int, month: Int) -> Day { Day(year: year, month: month, day: 1)! }

    /// `0.2 + 0.8 × actual / base`, computed as `(0.2 × base + 0.8 × actual) / base` (one division).
    package static func factor(actual: Decimal, base: Decimal) -> Decimal {
        (Decimal(string: "0.2")! * base + Decimal(string: "0.8")! * actual) / base
    }

    /// The new price, rounded once half-up to the minor unit: `price × (0.2 × base + 0.8 × actual) / base`.
    package static func newPrice(_ price: Money, actual: Decimal, base: Decimal) -> Money {
        let numerator = BillingRounding.decimal(price) * (Decimal(string: "0.2")! * base + Decimal(string: "0.8")! * actual)
        return BillingRounding.round(numerator / base, price.currency)
    }

    /// Indexes `price`, set on `priceAdjustedOn`, at `indexationDate` with `series`.
    /// - Throws: every ``MissingIndex`` (actual first, then base) when a month is not published.
    package static func index(
        price: Money, priceAdjustedOn: Day, indexationDate: Day, series: String, floor: Bool, table: IndexTable
    ) throws(IndexationFailure) -> Indexation {
        let am = actualMonth(indexationDate: indexationDate)
        let bm = baseMonth(priceAdjustedOn: priceAdjustedOn)
        let actual = table.value(series, am)
        let base = table.value(series, bm)
        guard let actual, let base else {
            var missing: [MissingIndex] = []
            if actual == nil { missing.append(MissingIndex(series: series, month: am)) }
            if base == nil { missing.append(MissingIndex(series: series, month: bm)) }
            throw IndexationFailure(missing: missing)
        }
        let f = factor(actual: actual.value, base: base.value)
        let computed = newPrice(price, actual: actual.value, base: base.value)
        let floored = floor && computed.minorUnits < price.minorUnits
        return Indexation(series: series, oldPrice: price, newPrice: floored ? price : computed, factor: f, actualMonth: am,
                          actual: actual, baseMonth: bm, base: base, floored: floored, computedPrice: computed,
                          effective: indexationDate)
    }
}

/// The index months an indexation needs and the series lacks.
package struct IndexationFailure: Error, Sendable, CustomStringConvertible {
    package let missing: [MissingIndex]
    package var description: String { missing.map(\.description).joined(separator: "; ") }
}
