import Foundation
import Ledger
import TOMLKit

/// A calendar half-year: January–June (1) or July–December (2).
public struct HalfYear: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let half: Int

    public init(year: Int, half: Int) {
        self.year = year
        self.half = half
    }

    /// The half-year a day falls in.
    public init(containing day: Day) {
        year = day.year
        half = day.month <= 6 ? 1 : 2
    }

    /// Parses `2024-H2`.
    public init?(_ text: String) {
        let parts = text.uppercased().split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), parts[1] == "H1" || parts[1] == "H2" else { return nil }
        self.init(year: y, half: parts[1] == "H1" ? 1 : 2)
    }

    public var first: Day { Day(year: year, month: half == 1 ? 1 : 7, day: 1) ?? Day(daysSinceEpoch: 0) }
    public var last: Day { Day(year: year, month: half == 1 ? 6 : 12, day: half == 1 ? 30 : 31) ?? Day(daysSinceEpoch: 0) }
    public var next: HalfYear { half == 1 ? HalfYear(year: year, half: 2) : HalfYear(year: year + 1, half: 1) }
    public var description: String { "\(year)-H\(half)" }
    public static func < (a: HalfYear, b: HalfYear) -> Bool { (a.year, a.half) < (b.year, b.half) }
}

/// The late-payment interest rates of the Law of 2 August 2002, per half-year, in percent.
///
/// Shipped as data (`DefaultRates.toml`, copied into a workspace as `rates.toml`, which the user
/// updates when the Minister publishes a new rate). A half-year without a rate is an error that
/// names it: the rate is never guessed or carried forward.
public struct RateTable: Sendable, Equatable {
    public private(set) var rates: [HalfYear: Decimal]

    public init(rates: [HalfYear: Decimal]) { self.rates = rates }

    /// A half-year the table has no rate for.
    public struct MissingRate: Error, CustomStringConvertible, Equatable {
        public let halfYear: HalfYear
        /// The error for a half-year.
        public init(halfYear: HalfYear) { self.halfYear = halfYear }
        public var description: String {
            "no late-payment interest rate for \(halfYear) in the rate table; add the published rate to rates.toml"
        }
    }

    /// The rate of a half-year.
    public func rate(_ h: HalfYear) throws(MissingRate) -> Decimal {
        guard let r = rates[h] else { throw MissingRate(halfYear: h) }
        return r
    }

    /// Why a rates file was refused.
    public struct Problem: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// Reads `[b2b_late_payment] "2024-H2" = "12.5"` style TOML.
    public static func parse(_ text: String, file: String = "rates.toml") throws -> RateTable {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw Problem(message: "\(file):\(e.source.begin.line): \(e.description)")
        }
        guard let section = table["b2b_late_payment"]?.table else {
            throw Problem(message: "\(file): no [b2b_late_payment] table")
        }
        var rates: [HalfYear: Decimal] = [:]
        for (key, value) in section {
            guard let h = HalfYear(key) else { throw Problem(message: "\(file): b2b_late_payment.\(key): expected a half-year like \"2024-H2\"") }
            guard let s = value.string, let d = MoneyRounding.parse(s), d > 0, d < 100 else {
                throw Problem(message: "\(file): b2b_late_payment.\(key): expected a rate in percent as a string, e.g. \"12.5\"")
            }
            rates[h] = d
        }
        return RateTable(rates: rates)
    }

    /// The table shipped with Relance.
    public static let belgian: RateTable = {
        (try? parse(DefaultRates.toml, file: "DefaultRates.toml")) ?? RateTable(rates: [:])
    }()
}

/// The shipped rate table (belgian-rules.md §1.2; sources there).
public enum DefaultRates {
    public static let toml = """
        # Interest rate for late payment in commercial transactions (Law of 2 August 2002, art. 5):
        # the ECB main refinancing rate on 1 January / 1 July + 8 points, rounded up to the half point,
        # as published in the Belgisch Staatsblad / Moniteur belge. Percent per year.
        # Add each new half-year when it is published: a half-year without a rate stops the computation.
        [b2b_late_payment]
        "2019-H1" = "8.0"
        "2019-H2" = "8.0"
        "2020-H1" = "8.0"
        "2020-H2" = "8.0"
        "2021-H1" = "8.0"
        "2021-H2" = "8.0"
        "2022-H1" = "8.0"
        "2022-H2" = "8.0"
        "2023-H1" = "10.5"
        "2023-H2" = "12.0"
        "2024-H1" = "12.5"
        "2024-H2" = "12.5"
        "2025-H1" = "11.5"
        "2025-H2" = "10.5"
        "2026-H1" = "10.5"

        """
}
