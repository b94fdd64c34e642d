/// A calendar day with no time of day and no time zone: invoice, due and payment dates.
///
/// Stored as the number of days since 1970-01-01 (proleptic Gregorian), so comparisons and
/// day arithmetic are integer operations and never drift with the machine's time zone.
/// The text form is ISO 8601 `YYYY-MM-DD`, which is also how the store keeps it.
package struct Day: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    /// Days since 1970-01-01.
    package let daysSinceEpoch: Int32

    /// A day from its number of days since 1970-01-01.
    package init(daysSinceEpoch: Int32) { self.daysSinceEpoch = daysSinceEpoch }

    /// A day from its civil components, or nil when the date does not exist (31 April, 29 February 2025).
    package init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            day >= 1, day <= Day.daysIn(month: month, year: year)
        else { return nil }
        self.daysSinceEpoch = Int32(Day.epochDays(year: year, month: month, day: day))
    }

    /// Days since 1970-01-01 of a valid civil date in any year (H. Hinnant's `days_from_civil`,
    /// shifted so March is the first month and leap days fall at the end of the shifted year).
    static func epochDays(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Parses `YYYY-MM-DD` exactly (ten characters, zero-padded); nil otherwise.
    package init?(iso text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
            let y = Day.digits(u[0..<4]), let m = Day.digits(u[5..<7]), let d = Day.digits(u[8..<10])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v
    }

    /// The civil (year, month, day) of this day.
    package var components: (year: Int, month: Int, day: Int) {
        let z = Int(daysSinceEpoch) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (y, m, d)
    }

    /// The civil year.
    package var year: Int { components.year }
    /// The month, 1 = January … 12 = December.
    package var month: Int { components.month }
    /// The day of the month, 1…31.
    package var day: Int { components.day }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    package var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (Int(daysSinceEpoch) + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// This day moved by `n` days (negative moves back).
    package func adding(days n: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + Int32(n)) }

    /// Days from `other` to `self` (positive when `self` is later).
    package func days(since other: Day) -> Int { Int(daysSinceEpoch) - Int(other.daysSinceEpoch) }

    /// The same day of month `n` months later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb).
    package func adding(months n: Int) -> Day {
        let c = components
        let total = c.year * 12 + (c.month - 1) + n
        // Floor division, so that months before year 1 still land in 1...12.
        let y = total >= 0 ? total / 12 : (total - 11) / 12
        let m = total - y * 12 + 1
        let d = min(c.day, Day.daysIn(month: m, year: y))
        return Day(daysSinceEpoch: Int32(Day.epochDays(year: y, month: m, day: d)))
    }

    /// Number of days in a month of a year.
    package static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Gregorian leap-year rule.
    package static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// Earlier days sort first.
    package static func < (a: Day, b: Day) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }

    /// `YYYY-MM-DD`.
    package var description: String {
        let c = components
        guard (0...9999).contains(c.year) else {
            return Day.pad(c.year, 4) + "-" + Day.pad(c.month, 2) + "-" + Day.pad(c.day, 2)
        }
        // Ten ASCII bytes written in place: this runs for every date of every row ingested.
        return String(unsafeUninitializedCapacity: 10) { b in
            var y = c.year
            for i in (0..<4).reversed() { b[i] = UInt8(48 + y % 10); y /= 10 }
            b[4] = 45
            b[5] = UInt8(48 + c.month / 10); b[6] = UInt8(48 + c.month % 10)
            b[7] = 45
            b[8] = UInt8(48 + c.day / 10); b[9] = UInt8(48 + c.day % 10)
            return 10
        }
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Decodes a `YYYY-MM-DD` string; anything else is `DecodingError.dataCorrupted`.
    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = Day(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a YYYY-MM-DD day: \(text)"))
        }
        self = day
    }

    /// Encodes as a `YYYY-MM-DD` string.
    package func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
