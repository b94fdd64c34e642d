import Foundation
import Ledger
import TOMLKit

/// A calendar half-year: January–June (1) or July–December (2).
package struct HalfYear: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let year: Int
    package let half: Int

    package init(year: Int, half: Int) {
        self.year = year
        self.half = half
    }

    /// The half-year a day falls in.
    package init(containing day: Day) {
        year = day.year
        half = day.month <= 6 ? 1 : 2
    }

    /// Parses `2024-H2` (four-digit year, `H1` or `H2`).
    package init?(_ text: String) {
        let parts = text.uppercased().split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[0].allSatisfy({ $0.isASCII && $0.isNumber }), let y = Int(parts[0]),
              parts[1] == "H1" || parts[1] == "H2" else { return nil }
        self.init(year: y, half: parts[1] == "H1" ? 1 : 2)
    }

    /// Its first day (1 January or 1 July).
    package var first: Day { Day(year: year, month: half == 1 ? 1 : 7, day: 1) ?? Day(daysSinceEpoch: 0) }
    /// Its last day (30 June or 31 December).
    package var last: Day { Day(year: year, month: half == 1 ? 6 : 12, day: half == 1 ? 30 : 31) ?? Day(daysSinceEpoch: 0) }
    /// The half-year after this one.
    package var next: HalfYear { half == 1 ? HalfYear(year: year, half: 2) : HalfYear(year: year + 1, half: 1) }
    package var description: String { "\(year)-H\(half)" }
    package static func < (a: HalfYear, b: HalfYear) -> Bool { (a.year, a.half) < (b.year, b.half) }
}

/// One published rate, with where it was read and the day it was entered.
package struct RateEntry: Sendable, Equatable {
    /// Percent per year, e.g. 10.5.
    package var percent: Decimal
    /// Where it was published (a Belgisch Staatsblad notice, a URL); nil for entries without one.
    package var source: String?
    /// The day `relance rates set` entered it; nil for the shipped entries.
    package var setOn: Day?

    /// An entry; the shipped ones have no `setOn`.
    package init(percent: Decimal, source: String? = nil, setOn: Day? = nil) {
        self.percent = percent
        self.source = source
        self.setOn = setOn
    }
}

/// The late-payment interest rates of the Law of 2 August 2002, per half-year, in percent.
///
/// The workspace's `rates.toml` is the one source of truth (`RateFile`); it starts as a copy of the
/// shipped table (`DefaultRates.toml`) and grows with `relance rates set`. A half-year without a
/// rate is a `MissingRate` that names it and the command that fixes it: the rate is never guessed
/// or carried forward.
package struct RateTable: Sendable, Equatable {
    /// The rates with their source and day, by half-year.
    package private(set) var entries: [HalfYear: RateEntry]

    /// The rates alone, by half-year.
    package var rates: [HalfYear: Decimal] { entries.mapValues(\.percent) }

    /// A table of bare rates, without sources (tests, older files).
    package init(rates: [HalfYear: Decimal]) { entries = rates.mapValues { RateEntry(percent: $0) } }
    /// A table of rates with their sources and days.
    package init(entries: [HalfYear: RateEntry]) { self.entries = entries }

    /// A half-year the table has no rate for: the messages that need it wait until it is set.
    package struct MissingRate: Error, CustomStringConvertible, Equatable, Sendable {
        /// The half-year without a rate.
        package let halfYear: HalfYear
        /// The error for `halfYear`.
        package init(halfYear: HalfYear) { self.halfYear = halfYear }

        /// The exact command that fixes it, once the rate is published in the Belgisch Staatsblad.
        package var fixCommand: String {
            "relance rates set \(halfYear) <percent> --source \"<Belgisch Staatsblad notice>\""
        }

        /// What happened and the command that fixes it.
        package var description: String {
            "no late-payment interest rate for \(halfYear) in the rate table (rates.toml); once it is published: \(fixCommand)"
        }
    }

    /// The rate of a half-year.
    package func rate(_ h: HalfYear) throws(MissingRate) -> Decimal {
        guard let r = entries[h] else { throw MissingRate(halfYear: h) }
        return r.percent
    }

    /// The half-years that overlap `days` and have no rate, in order.
    package func missing(for days: ClosedRange<Day>) -> [HalfYear] {
        var result: [HalfYear] = []
        var h = HalfYear(containing: days.lowerBound)
        let end = HalfYear(containing: days.upperBound)
        while h <= end {
            if entries[h] == nil { result.append(h) }
            h = h.next
        }
        return result
    }

    /// Enters or replaces one half-year's rate.
    mutating func set(_ h: HalfYear, _ entry: RateEntry) { entries[h] = entry }

    /// Why a rates file or a rate was refused.
    package struct Problem: Error, CustomStringConvertible, Equatable {
        package let message: String
        package init(message: String) { self.message = message }
        package var description: String { message }
    }

    /// Reads `[b2b_late_payment]` with `"2026-H2" = { rate = "10.50", source = "…", set_on = "2026-12-03" }`
    /// entries (or the older `"2024-H2" = "12.5"`).
    package static func parse(_ text: String, file: String = "rates.toml") throws -> RateTable {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let e as TOMLParseError {
            throw Problem(message: "\(file):\(e.source.begin.line):0: error: [rates] \(e.description)")
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        func fail(_ key: String, _ message: String) -> Problem {
            let line = (lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\"\(key)\"") }).map { $0 + 1 } ?? 0
            return Problem(message: "\(file):\(line):0: error: [rates] b2b_late_payment.\(key): \(message)")
        }
        guard let section = table["b2b_late_payment"]?.table else {
            throw Problem(message: "\(file):0:0: error: [rates] no [b2b_late_payment] table")
        }
        var entries: [HalfYear: RateEntry] = [:]
        for (key, value) in section {
            guard let h = HalfYear(key) else { throw fail(key, "expected a half-year like \"2024-H2\"") }
            let rateText: String?
            var entry = RateEntry(percent: 0)
            if let s = value.string {
                rateText = s
            } else if let t = value.table {
                rateText = t["rate"]?.string
                if let s = t["source"] {
                    guard let v = s.string else { throw fail(key, "source: expected a string") }
                    entry.source = v
                }
                if let s = t["set_on"] {
                    guard let v = s.string, let d = Day(iso: v) else { throw fail(key, "set_on: expected a day like \"2026-12-03\"") }
                    entry.setOn = d
                }
                for (k, _) in t where !["rate", "source", "set_on"].contains(k) { throw fail(key, "unknown key \(k)") }
            } else {
                rateText = nil
            }
            guard let text = rateText else { throw fail(key, "expected a rate in percent as a string, e.g. \"10.50\"") }
            switch percent(text) {
            case .success(let d): entry.percent = d
            case .failure(let p): throw fail(key, p.message)
            }
            entries[h] = entry
        }
        return RateTable(entries: entries)
    }

    /// Reads a rate in percent as a user types it: `10.5`, `10,50`, `10.50 %`; above 0, under 100,
    /// at most two decimals (the law rounds to the half point).
    package static func percent(_ text: String) -> Result<Decimal, Problem> {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") { t = String(t.dropLast()).trimmingCharacters(in: .whitespaces) }
        t = t.replacingOccurrences(of: ",", with: ".")
        guard let d = MoneyRounding.parse(t) else {
            return .failure(Problem(message: "\"\(text)\" is not a rate in percent (e.g. 10.50)"))
        }
        if let dot = t.firstIndex(of: "."), t[t.index(after: dot)...].count > 2 {
            return .failure(Problem(message: "\"\(text)\": at most two decimals (e.g. 10.50)"))
        }
        guard d > 0, d < 100 else { return .failure(Problem(message: "\"\(text)\": a rate must be above 0 and under 100 percent")) }
        return .success(d)
    }

    /// A rate as the tables print it: two decimals (`10.50`).
    package static func format(_ percent: Decimal) -> String {
        var v = percent
        var r = Decimal()
        NSDecimalRound(&r, &v, 2, .plain)
        let s = MoneyRounding.plain(r)
        guard let dot = s.firstIndex(of: ".") else { return s + ".00" }
        let decimals = s[s.index(after: dot)...].count
        return decimals >= 2 ? s : s + String(repeating: "0", count: 2 - decimals)
    }

    /// The table shipped with Relance.
    package static let belgian: RateTable = {
        (try? parse(DefaultRates.toml, file: "DefaultRates.toml")) ?? RateTable(rates: [:])
    }()
}

/// Which half-years a rate table lacks on a day: the ones already running (their reminders wait)
/// and the next one when it starts within the warning window.
package struct RateCoverage: Sendable, Equatable {
    /// Half-years from the table's first up to today's with no rate; today's last when it is missing.
    package var missing: [HalfYear]
    /// The next half-year, when it starts within the warning window and has no rate yet.
    package var upcoming: HalfYear?
    /// The half-year `today` falls in.
    package var current: HalfYear

    /// True when today's half-year has a rate.
    package var currentKnown: Bool { !missing.contains(current) }
}

extension RateTable {
    /// Days before a half-year starts from which a missing rate is warned about.
    package static let warningDays = 15

    /// What the table lacks on `today` (`config check`, `status`).
    package func coverage(on today: Day, warningDays: Int = RateTable.warningDays) -> RateCoverage {
        let current = HalfYear(containing: today)
        let first = entries.keys.min().map { min($0, current) } ?? current
        let next = current.next
        let warn = today >= next.first.adding(days: -warningDays) && entries[next] == nil
        return RateCoverage(missing: missing(for: first.first...today), upcoming: warn ? next : nil, current: current)
    }
}
