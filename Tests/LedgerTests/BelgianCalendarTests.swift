import Testing

@testable import Ledger

@Suite("BelgianCalendar")
struct BelgianCalendarTests {
    /// The definition `isWorkingDay` had before it stopped building the year's set: Monday to Friday
    /// and not among `holidays(_:)` (the set built once per year here).
    @Test("every day of 2000–2100 is a working day exactly when the set-based definition says so")
    func agreesWithTheHolidaySet() throws {
        var working = 0, mismatches: [Day] = []
        for year in 2000...2100 {
            let holidays = BelgianCalendar.holidays(year)
            let first = try #require(Day(year: year, month: 1, day: 1)), next = try #require(Day(year: year + 1, month: 1, day: 1))
            var day = first
            while day < next {
                let reference = day.isoWeekday <= 5 && !holidays.contains(day)
                if BelgianCalendar.isWorkingDay(day) != reference { mismatches.append(day) }
                if reference { working += 1 }
                day = day.adding(days: 1)
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(10))")
        #expect(working > 101 * 240 && working < 101 * 255)
    }

    @Test("each holiday of 2026 on a weekday is closed; the next working day follows it", arguments: [
        ("2026-01-01", "2026-01-02"), ("2026-04-06", "2026-04-07"), ("2026-05-01", "2026-05-04"), ("2026-05-14", "2026-05-15"),
        ("2026-05-25", "2026-05-26"), ("2026-07-21", "2026-07-22"), ("2026-11-11", "2026-11-12"), ("2026-12-25", "2026-12-28"),
    ])
    func holidays2026(iso: String, next: String) throws {
        let d = try #require(Day(iso: iso))
        #expect(!BelgianCalendar.isWorkingDay(d))
        #expect(BelgianCalendar.holidays(2026).contains(d))
        #expect(BelgianCalendar.workingDay(1, after: d) == Day(iso: next))
    }
}
