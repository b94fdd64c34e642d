import Testing

@testable import Ledger

private func parsed(_ text: String, _ order: DateOrder = .dmy) -> String? {
    switch DayParser.parse(text, order: order) {
    case .success(let d): return d.description
    case .failure: return nil
    }
}

private func message(_ text: String, _ order: DateOrder = .dmy) -> String? {
    switch DayParser.parse(text, order: order) {
    case .success: return nil
    case .failure(let p): return p.message
    }
}

@Suite("DayParser")
struct DayParserTests {
    @Test("every accepted format", arguments: [
        ("2024-03-31", "2024-03-31"),
        ("2024/03/31", "2024-03-31"),
        ("2024.03.31", "2024-03-31"),
        ("2024-3-5", "2024-03-05"),
        ("31/03/2024", "2024-03-31"),
        ("31-03-2024", "2024-03-31"),
        ("31.03.2024", "2024-03-31"),
        ("5/3/2024", "2024-03-05"),
        ("05/3/2024", "2024-03-05"),
        ("5/03/2024", "2024-03-05"),
        ("5-3-2024", "2024-03-05"),
        ("5.3.2024", "2024-03-05"),
        ("29/02/2024", "2024-02-29"),
        ("01/01/1900", "1900-01-01"),
        ("31/12/2199", "2199-12-31"),
        (" 31/03/2024 ", "2024-03-31"),
        ("\t2024-03-31", "2024-03-31"),
    ])
    func formats(text: String, expected: String) {
        #expect(parsed(text) == expected)
    }

    @Test("a year-first date reads the same whatever order the export declares", arguments: DateOrder.allCases)
    func isoUnderEveryOrder(order: DateOrder) {
        #expect(parsed("2024-03-31", order) == "2024-03-31")
        #expect(parsed("2024/3/5", order) == "2024-03-05")
    }

    @Test("a midnight time part is tolerated", arguments: [
        "31/03/2024 00:00:00", "31/03/2024 00:00", "2024-03-31T00:00:00", "2024-03-31T00:00:00Z",
        "2024-03-31T00:00:00.000Z", "2024-03-31 00:00:00", "31.03.2024 00:00:00", "2024-03-31T00:00",
    ])
    func midnight(text: String) {
        #expect(parsed(text) == "2024-03-31")
    }

    @Test("a time other than midnight is refused", arguments: [
        "31/03/2024 13:45:00", "2024-03-31T09:00:00", "2024-03-31 00:00:01", "31/03/2024 00", "31/03/2024 00:00:00 00:00",
    ])
    func notMidnight(text: String) {
        #expect(parsed(text) == nil)
    }

    @Test("MM/DD/YYYY only when asked", arguments: [
        ("03/31/2024", "2024-03-31"),
        ("3/31/2024", "2024-03-31"),
        ("12/01/2024", "2024-12-01"),
        ("02-29-2024", "2024-02-29"),
        ("1.2.2025", "2025-01-02"),
        ("2025-01-02", "2025-01-02"),  // ISO keeps its order
    ])
    func monthFirst(text: String, expected: String) {
        #expect(parsed(text, .mdy) == expected)
    }

    @Test("the same text under each order")
    func orders() {
        #expect(parsed("12/01/2024", .dmy) == "2024-01-12")
        #expect(parsed("12/01/2024", .mdy) == "2024-12-01")
        #expect(parsed("03/31/2024", .dmy) == nil)
        #expect(message("03/31/2024", .dmy) == "month 31 does not exist")
        #expect(parsed("31/03/2024", .mdy) == nil)
    }

    @Test("impossible dates say why", arguments: [
        ("31/04/2024", "April 2024 has 30 days"),
        ("2024-04-31", "April 2024 has 30 days"),
        ("29/02/2025", "February 2025 has 28 days"),
        ("29.02.1900", "February 1900 has 28 days"),
        ("30/02/2024", "February 2024 has 29 days"),
        ("32/01/2024", "January 2024 has 31 days"),
        ("00/01/2024", "day 0 does not exist"),
        ("15/13/2024", "month 13 does not exist"),
        ("15/00/2024", "month 0 does not exist"),
        ("2024-13-01", "month 13 does not exist"),
    ])
    func impossible(text: String, says: String) throws {
        let m = try #require(message(text))
        #expect(m.contains(says), "\(m)")
    }

    @Test("two-digit years are refused", arguments: ["31/03/24", "31-03-24", "31.03.24", "3/5/25", "24-03-31"])
    func twoDigitYear(text: String) throws {
        #expect(try #require(message(text)).contains("four digits"))
    }

    @Test("mixed separators are refused", arguments: ["31/03-2024", "31.03/2024", "2024-03/31", "2024/03.31", "31-03.2024"])
    func mixedSeparators(text: String) throws {
        #expect(try #require(message(text)) == "mixed separators in a date")
    }

    @Test("years outside 1900-2199 are refused", arguments: ["31/12/1899", "01/01/2200", "0001-01-01", "9999-12-31"])
    func yearRange(text: String) throws {
        #expect(try #require(message(text)).contains("out of range"))
    }

    @Test("not dates", arguments: [
        "", " ", "2024", "2024-03", "31/03", "31/03/2024/1", "2024-03-31-", "-2024-03-31", "2024--03-31",
        "31//03/2024", "a1/03/2024", "31/03/2O24", "31 03 2024", "20240331", "31032024", "2024-003-01",
        "2024-03-001", "123/03/2024", "31/003/2024", "31/03/02024", "99999999999999999999/1/2024",
        "1/99999999999999999999/2024", "1/1/99999999999999999999", "２０２４-03-31", "2024‐03‐31", "31 mars 2024",
        "+31/03/2024",
    ])
    func notDates(text: String) {
        #expect(parsed(text) == nil, "\(text)")
        #expect(parsed(text, .mdy) == nil, "\(text)")
    }

    @Test("Substring input")
    func substring() {
        let line = "INV-1;31/03/2024;x"
        #expect(DayParser.parse(line.split(separator: ";")[1]) == .success(Day(year: 2024, month: 3, day: 31)!))
    }
}
