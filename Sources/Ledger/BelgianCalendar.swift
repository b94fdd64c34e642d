/// Belgian public holidays and working days: the Book XIX waiting period of a posted reminder
/// (Dunning) and the days on which payments are booked (Forecast, relance-gen).
///
/// A working day is Monday to Friday and not one of the ten legal public holidays (New Year,
/// Easter Monday, Labour Day, Ascension, Whit Monday, National Day, Assumption, All Saints,
/// Armistice, Christmas). Book XIX does not define "werkdag"; excluding Saturdays is the
/// conservative reading (belgian-rules.md §2.2), as it gives the later date.
package enum BelgianCalendar {
    /// Easter Sunday of a year (anonymous Gregorian algorithm).
    package static func easter(_ year: Int) -> Day {
        let a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return Day(year: year, month: month, day: day) ?? Day(daysSinceEpoch: 0)
    }

    /// The seven holidays on the same day every year (month, day): New Year, Labour Day, National
    /// Day, Assumption, All Saints, Armistice, Christmas.
    static let fixedHolidays = [(1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25)]
    /// The three that follow Easter Sunday, in days after it: Easter Monday, Ascension, Whit Monday.
    static let easterOffsets = [1, 39, 50]

    /// The public holidays of a year.
    package static func holidays(_ year: Int) -> Set<Day> {
        let e = easter(year)
        let fixed = fixedHolidays.compactMap { Day(year: year, month: $0.0, day: $0.1) }
        return Set(fixed + easterOffsets.map { e.adding(days: $0) })
    }

    /// True for Monday to Friday outside public holidays.
    ///
    /// The day is compared with the holidays' rules rather than looked up in ``holidays(_:)``: no set
    /// is built, Easter is a few integer operations, so loops over days need no cache of their own.
    package static func isWorkingDay(_ d: Day) -> Bool {
        guard d.isoWeekday <= 5 else { return false }
        let c = d.components
        for (month, day) in fixedHolidays where month == c.month && day == c.day { return false }
        return !easterOffsets.contains(d.days(since: easter(c.year)))
    }

    /// The `n`-th working day after `d` (`d` itself not counted).
    package static func workingDay(_ n: Int, after d: Day) -> Day {
        var day = d
        var count = 0
        while count < n {
            day = day.adding(days: 1)
            if isWorkingDay(day) { count += 1 }
        }
        return day
    }
}
