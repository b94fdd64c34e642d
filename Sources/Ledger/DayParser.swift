/// The order of day, month and year in an export's dates.
package enum DateOrder: String, Sendable, Hashable, CaseIterable {
    /// `2024-03-31` (ISO). A year-first date is accepted under every order; under this one, other
    /// dates read day first.
    case ymd = "YYYY-MM-DD"
    /// `31/03/2024`, `31-03-2024`, `31.03.2024`: the Belgian and European default.
    case dmy = "DD/MM/YYYY"
    /// `03/31/2024`: only when a mapping file says so.
    case mdy = "MM/DD/YYYY"
}

/// Why a text is not a day.
package struct DayProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for a diagnostic.
    package let message: String

    /// A problem with its message.
    package init(message: String) { self.message = message }

    /// The message.
    package var description: String { message }
}

/// Reads dates as exports write them: `YYYY-MM-DD`, `DD/MM/YYYY`, `DD-MM-YYYY`, `DD.MM.YYYY`
/// (one-digit day and month allowed; `YYYY/MM/DD` and `YYYY.MM.DD` too), optionally followed by a
/// midnight time (` 00:00[:00]`, `T00:00[:00][.000][Z]`). Two-digit years are refused as
/// ambiguous, as are mixed separators and years outside 1900–2199; impossible dates say why.
package enum DayParser {
    /// Parses a day; `order` applies to dates that do not start with a four-digit year.
    package static func parse(_ text: some StringProtocol, order: DateOrder = .dmy) -> Result<Day, DayProblem> {
        func fail(_ m: String) -> Result<Day, DayProblem> { .failure(DayProblem(message: m)) }
        var s = Substring(text).trimmingASCIISpaces()
        // Tolerate a midnight time part from spreadsheet exports (longest first, at most one).
        if let suffix = midnightSuffixes.first(where: { s.hasSuffix($0) }) { s = s.dropLast(suffix.count) }
        if s.contains(":") { return fail("a time of day other than midnight; expected a date") }
        let parts = s.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        // At most four digits per part, so the numbers below always fit.
        guard parts.count == 3, parts.allSatisfy({ (1...4).contains($0.utf8.count) && $0.utf8.allSatisfy(isDigit) })
        else {
            return fail("not a date; expected YYYY-MM-DD or \(order == .mdy ? "MM/DD/YYYY" : "DD/MM/YYYY")")
        }
        let seps = s.filter { $0 == "-" || $0 == "/" || $0 == "." }
        guard seps.first == seps.last else { return fail("mixed separators in a date") }
        let n = parts.map { Day.digits(ArraySlice($0.utf8)) ?? 0 }
        let y: Int, m: Int, d: Int
        if parts[0].utf8.count == 4 {
            guard parts[1].utf8.count <= 2, parts[2].utf8.count <= 2 else {
                return fail("not a date; expected YYYY-MM-DD")
            }
            (y, m, d) = (n[0], n[1], n[2])
        } else {
            guard parts[2].utf8.count == 4 else {
                return fail(
                    parts[2].utf8.count <= 2
                        ? "two-digit year; write the year with four digits" : "not a date; the year has four digits")
            }
            guard parts[0].utf8.count <= 2, parts[1].utf8.count <= 2 else {
                return fail("not a date; expected \(order == .mdy ? "MM/DD/YYYY" : "DD/MM/YYYY")")
            }
            switch order {
            case .mdy: (y, m, d) = (n[2], n[0], n[1])
            case .dmy, .ymd: (y, m, d) = (n[2], n[1], n[0])
            }
        }
        guard (1...12).contains(m) else { return fail("month \(m) does not exist") }
        guard (1900...2199).contains(y) else { return fail("year \(y) is out of range (1900-2199)") }
        guard d >= 1 else { return fail("day 0 does not exist") }
        guard let day = Day(year: y, month: m, day: d) else {
            return fail("day \(d) does not exist: \(monthNames[m - 1]) \(y) has \(Day.daysIn(month: m, year: y)) days")
        }
        return .success(day)
    }

    static let midnightSuffixes = ["T00:00:00.000Z", "T00:00:00Z", "T00:00:00", " 00:00:00", "T00:00", " 00:00"]

    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
}
