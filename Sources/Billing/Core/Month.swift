import Ledger

/// A calendar month (`YYYY-MM`): a billing period, a usage month, an index month.
package struct Month: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let year: Int
    /// 1 = January … 12 = December.
    package let month: Int

    /// A month; nil outside years 1900–2199 or months 1–12.
    package init?(year: Int, month: Int) {
        guard (1900...2199).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// The month a day falls in.
    package init(_ day: Day) {
        let c = day.components
        year = c.year
        month = c.month
    }

    /// Parses `YYYY-MM` exactly (seven characters); nil otherwise.
    package init?(text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 7, u[4] == UInt8(ascii: "-"), u[0..<4].allSatisfy(isDigit), u[5..<7].allSatisfy(isDigit),
            let y = Int(String(decoding: u[0..<4], as: UTF8.self)), let m = Int(String(decoding: u[5..<7], as: UTF8.self))
        else { return nil }
        self.init(year: y, month: m)
    }

    /// This month moved by `n` months (negative moves back).
    package func adding(months n: Int) -> Month {
        let total = year * 12 + (month - 1) + n
        return Month(unchecked: total / 12, total % 12 + 1)
    }

    private init(unchecked year: Int, _ month: Int) {
        self.year = year
        self.month = month
    }

    /// The first day of the month.
    package var firstDay: Day { Day(year: year, month: month, day: 1)! }
    /// The last day of the month.
    package var lastDay: Day { Day(year: year, month: month, day: Day.daysIn(month: month, year: year))! }
    /// Day `n` of the month, clamped to its last day.
    package func day(_ n: Int) -> Day { Day(year: year, month: month, day: min(max(1, n), Day.daysIn(month: month, year: year)))! }

    /// `2027-01`.
    package var description: String {
        let y = String(year), m = String(month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count == 1 ? "0" : "") + m
    }

    package static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
