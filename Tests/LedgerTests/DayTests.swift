import Foundation
import Testing

@testable import Ledger

@Suite("Day")
struct DayTests {
    @Test("1970-01-01 is epoch day 0")
    func epoch() throws {
        let d = try #require(Day(year: 1970, month: 1, day: 1))
        #expect(d.daysSinceEpoch == 0)
        #expect(d.description == "1970-01-01")
        #expect(Day(daysSinceEpoch: -1).description == "1969-12-31")
        #expect(Day(daysSinceEpoch: 1).description == "1970-01-02")
    }

    @Test("known epoch days", arguments: [
        ("2000-01-01", 10_957),
        ("2000-03-01", 11_017),
        ("2024-02-29", 19_782),
        ("2025-03-03", 20_150),
        ("1900-01-01", -25_567),
        ("2100-12-31", 47_846),
        ("0001-01-01", -719_162),
        ("9999-12-31", 2_932_896),
    ])
    func knownEpochDays(iso: String, days: Int32) throws {
        let d = try #require(Day(iso: iso))
        #expect(d.daysSinceEpoch == days)
        #expect(Day(daysSinceEpoch: days).description == iso)
    }

    @Test("every day 1900-2100 round-trips through components, ISO text and epoch days")
    func roundTripEveryDay() throws {
        var expected = try #require(Day(year: 1900, month: 1, day: 1)).daysSinceEpoch
        var count = 0
        for year in 1900...2100 {
            for month in 1...12 {
                for dayOfMonth in 1...Day.daysIn(month: month, year: year) {
                    let d = try #require(Day(year: year, month: month, day: dayOfMonth))
                    // Consecutive civil days are consecutive epoch days.
                    #expect(d.daysSinceEpoch == expected)
                    expected += 1
                    let c = d.components
                    #expect(c.year == year && c.month == month && c.day == dayOfMonth)
                    #expect(d.year == year && d.month == month && d.day == dayOfMonth)
                    #expect(Day(iso: d.description) == d)
                    count += 1
                }
            }
        }
        #expect(count == 73_414)  // 201 years, 49 of them leap (2000 is, 1900 and 2100 are not)
    }

    @Test("weekday advances by one every day, 1900-2100")
    func weekdayCycle() throws {
        let start = try #require(Day(year: 1900, month: 1, day: 1))
        #expect(start.isoWeekday == 1)  // 1 January 1900 was a Monday
        for offset in 0..<73_414 {
            #expect(start.adding(days: offset).isoWeekday == offset % 7 + 1)
        }
    }

    @Test("leap years", arguments: [
        (1900, false), (2000, true), (2024, true), (2025, false), (2100, false), (1600, true), (2023, false),
        (2028, true), (2400, true),
    ])
    func leapYears(year: Int, leap: Bool) {
        #expect(Day.isLeap(year) == leap)
        #expect(Day.daysIn(month: 2, year: year) == (leap ? 29 : 28))
        #expect((Day(year: year, month: 2, day: 29) != nil) == leap)
    }

    @Test("days in each month")
    func daysInMonths() {
        let expected = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        for (i, n) in expected.enumerated() {
            #expect(Day.daysIn(month: i + 1, year: 2025) == n)
        }
    }

    @Test("impossible civil dates are nil", arguments: [
        (2025, 2, 29), (2024, 2, 30), (1900, 2, 29), (2100, 2, 29), (2024, 4, 31), (2024, 6, 31), (2024, 9, 31),
        (2024, 11, 31), (2024, 1, 32), (2024, 1, 0), (2024, 0, 1), (2024, 13, 1), (2024, -1, 1), (0, 1, 1),
        (10_000, 1, 1),
    ])
    func impossibleDates(year: Int, month: Int, day: Int) {
        #expect(Day(year: year, month: month, day: day) == nil)
    }

    @Test("ISO text that is not exactly YYYY-MM-DD is refused", arguments: [
        "2025-02-29", "2024-04-31", "2024-4-01", "2024-04-1", "24-04-01", "2024/04/01", "2024-04-01 ",
        " 2024-04-01", "2024-04-01T00:00", "2024-0a-01", "", "2024-13-01", "2024-00-10", "+024-01-01",
        "２０２４-01-01", "2024--1-01",
    ])
    func invalidISO(text: String) {
        #expect(Day(iso: text) == nil)
    }

    @Test("ISO parsing accepts Substrings")
    func isoSubstring() {
        let line = "due=2024-02-29;"
        let start = line.index(line.startIndex, offsetBy: 4)
        let end = line.index(start, offsetBy: 10)
        #expect(Day(iso: line[start..<end]) == Day(year: 2024, month: 2, day: 29))
    }

    @Test("weekday of known days", arguments: [
        ("2025-03-03", 1),  // Monday: the first-reminder example of belgian-rules.md §2.2
        ("2025-03-18", 2),  // Tuesday
        ("2025-03-20", 4),  // Thursday
        ("2025-04-17", 4),  // Thursday
        ("2025-04-21", 1),  // Easter Monday 2025
        ("1970-01-01", 4),  // Thursday
        ("1969-12-28", 7),  // Sunday, before the epoch
        ("2000-01-01", 6),  // Saturday
        ("2024-02-29", 4),  // Thursday
        ("1900-01-01", 1),  // Monday
        ("2100-12-31", 5),  // Friday
    ])
    func weekdays(iso: String, weekday: Int) throws {
        #expect(try #require(Day(iso: iso)).isoWeekday == weekday)
    }

    @Test("adding and counting days")
    func dayArithmetic() throws {
        let due = try #require(Day(iso: "2024-09-30"))
        let paid = try #require(Day(iso: "2024-11-14"))
        #expect(paid.days(since: due) == 45)  // belgian-rules.md §1.4 example A
        #expect(due.days(since: paid) == -45)
        #expect(due.adding(days: 45) == paid)
        #expect(paid.adding(days: -45) == due)
        #expect(due.adding(days: 0) == due)
        let dec15 = try #require(Day(iso: "2024-12-15"))
        #expect(try #require(Day(iso: "2025-01-29")).days(since: dec15) == 45)  // example B
        #expect(try #require(Day(iso: "2024-02-28")).adding(days: 1).description == "2024-02-29")
        #expect(try #require(Day(iso: "2023-02-28")).adding(days: 1).description == "2023-03-01")
        #expect(try #require(Day(iso: "2024-12-31")).adding(days: 1).description == "2025-01-01")
        #expect(try #require(Day(iso: "2025-01-01")).adding(days: 365).description == "2026-01-01")
        #expect(try #require(Day(iso: "2024-01-01")).adding(days: 366).description == "2025-01-01")
    }

    @Test("adding months clamps to the month's last day", arguments: [
        ("2024-01-31", 1, "2024-02-29"),
        ("2025-01-31", 1, "2025-02-28"),
        ("2024-01-31", 2, "2024-03-31"),
        ("2024-01-31", 3, "2024-04-30"),
        ("2024-03-31", -1, "2024-02-29"),
        ("2024-02-29", 12, "2025-02-28"),
        ("2024-02-29", 48, "2028-02-29"),
        ("2024-11-15", 2, "2025-01-15"),
        ("2024-12-31", 1, "2025-01-31"),
        ("2025-01-15", -1, "2024-12-15"),
        ("2025-01-15", -13, "2023-12-15"),
        ("2025-03-15", -24, "2023-03-15"),
        ("2025-06-30", 0, "2025-06-30"),
        ("2000-01-01", 1200, "2100-01-01"),
        ("2000-01-01", -1200, "1900-01-01"),
    ])
    func addingMonths(start: String, months: Int, expected: String) throws {
        #expect(try #require(Day(iso: start)).adding(months: months).description == expected)
    }

    @Test("ordering, equality and hashing")
    func ordering() throws {
        let a = try #require(Day(iso: "2024-12-31"))
        let b = try #require(Day(iso: "2025-01-01"))
        #expect(a < b)
        #expect(!(b < a))
        #expect(a == Day(year: 2024, month: 12, day: 31))
        #expect([b, a].sorted() == [a, b])
        #expect(Set([a, b, a.adding(days: 1)]).count == 2)
        #expect(max(a, b) == b)
    }

    @Test("description pads years, months and days")
    func description() throws {
        #expect(try #require(Day(year: 1, month: 2, day: 3)).description == "0001-02-03")
        #expect(try #require(Day(year: 987, month: 10, day: 9)).description == "0987-10-09")
        #expect("\(try #require(Day(year: 2025, month: 3, day: 3)))" == "2025-03-03")
    }

    struct Invoice: Codable, Equatable {
        var due: Day
        var paid: Day?
    }

    @Test("Codable round trip as a YYYY-MM-DD string")
    func codable() throws {
        let invoice = Invoice(due: try #require(Day(iso: "2024-02-29")), paid: Day(iso: "2025-03-03"))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(invoice)
        #expect(String(decoding: data, as: UTF8.self) == #"{"due":"2024-02-29","paid":"2025-03-03"}"#)
        #expect(try JSONDecoder().decode(Invoice.self, from: data) == invoice)
        let many = (0..<500).map { Day(daysSinceEpoch: Int32($0 * 97 - 20_000)) }
        #expect(try JSONDecoder().decode([Day].self, from: JSONEncoder().encode(many)) == many)
    }

    @Test("decoding refuses anything but a YYYY-MM-DD string", arguments: [
        #"{"due":"2025-02-29"}"#, #"{"due":"29/02/2024"}"#, #"{"due":19782}"#, #"{"due":null}"#,
    ])
    func decodingRefuses(json: String) {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Invoice.self, from: Data(json.utf8))
        }
    }
}

@Suite("Day edges")
struct DayEdgeTests {
    @Test("adding months never traps at the ends of the calendar")
    func addingMonthsAtTheEdges() throws {
        let last = try #require(Day(iso: "9999-12-15"))
        #expect(last.adding(months: 1).days(since: last) == 31)
        let first = try #require(Day(iso: "0001-01-15"))
        #expect(first.days(since: first.adding(months: -1)) == 31)
        #expect(first.adding(months: -1).adding(months: 1) == first)
    }
}
