import Dunning
import Foundation
import Ledger
import RelanceTestSupport
import Testing

/// `rates.toml` as `relance rates set` keeps it: validated, with source and day, edited in place.
@Suite final class RateFileTests {
    func day(_ s: String) -> Day { Day(iso: s)! }
    let h2 = HalfYear(year: 2026, half: 2)
    /// One folder per test, removed with the suite's instance.
    let folder = TemporaryDirectory.make("rates")

    deinit { try? FileManager.default.removeItem(atPath: folder) }

    func tempFile(_ text: String?) throws -> String {
        let dir = folder + "/" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = dir + "/rates.toml"
        if let text { try text.write(toFile: path, atomically: true, encoding: .utf8) }
        return path
    }

    @Test func setAddsInOrderKeepsCommentsAndReadsBack() throws {
        let path = try tempFile(DefaultRates.toml + "# my own note\n")
        let out = try RateFile.set(path: path, halfYear: "2026-h2", percent: "10,5", source: "BS 2026-07-15 \"p. 3\"", today: day("2026-12-03"),
                                   replace: false)
        #expect(out == .added)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.hasPrefix(DefaultRates.header) && text.hasSuffix("# my own note\n"))
        #expect(text.contains(#""2026-H1" = { rate = "10.50", source = "https://embuild.be (le taux applicable en 2026)" }"# + "\n"
            + #""2026-H2" = { rate = "10.50", source = "BS 2026-07-15 \"p. 3\"", set_on = "2026-12-03" }"#))
        let table = try RateFile.load(path: path)
        #expect(table.entries[h2] == RateEntry(percent: 10.5, source: "BS 2026-07-15 \"p. 3\"", setOn: day("2026-12-03")))
        #expect(table.entries.count == 16)
        // An earlier gap goes before the later half-years.
        let gap = try tempFile("[b2b_late_payment]\n\"2025-H1\" = \"11.5\"\n\"2026-H1\" = \"10.5\"\n")
        _ = try RateFile.set(path: gap, halfYear: "2025-H2", percent: "10.50", source: nil, today: day("2026-03-01"), replace: false)
        #expect(try String(contentsOfFile: gap, encoding: .utf8)
            == "[b2b_late_payment]\n\"2025-H1\" = \"11.5\"\n\"2025-H2\" = { rate = \"10.50\", set_on = \"2026-03-01\" }\n\"2026-H1\" = \"10.5\"\n")
    }

    @Test func theSameValueChangesNothingAndADifferentOneNeedsReplace() throws {
        let path = try tempFile(nil)  // no file yet: starts from the shipped table
        #expect(try RateFile.set(path: path, halfYear: "2026-H2", percent: "10.50", source: "BS", today: day("2026-12-03"), replace: false) == .added)
        let before = try String(contentsOfFile: path, encoding: .utf8)
        let again = try RateFile.set(path: path, halfYear: "2026-H2", percent: "10.5", source: "other", today: day("2026-12-04"), replace: false)
        #expect(again == .unchanged(RateEntry(percent: 10.5, source: "BS", setOn: day("2026-12-03"))))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        #expect(throws: RateFile.Refusal(message: "2026-H2 already has 10.50 % (source: BS); to change it to 10.00 % add --replace")) {
            try RateFile.set(path: path, halfYear: "2026-H2", percent: "10", source: nil, today: day("2026-12-04"), replace: false)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == before)
        let replaced = try RateFile.set(path: path, halfYear: "2026-H2", percent: "10", source: "BS erratum", today: day("2026-12-04"), replace: true)
        #expect(replaced == .replaced(old: RateEntry(percent: 10.5, source: "BS", setOn: day("2026-12-03"))))
        #expect(try RateFile.load(path: path).entries[h2] == RateEntry(percent: 10, source: "BS erratum", setOn: day("2026-12-04")))
        // A shipped rate is replaced the same way.
        #expect(throws: RateFile.Refusal.self) {
            try RateFile.set(path: path, halfYear: "2024-H2", percent: "12.25", source: nil, today: day("2026-12-04"), replace: false)
        }
    }

    @Test(arguments: [
        ("2026-H3", "10.50", "\"2026-H3\" is not a half-year: write it as 2026-H2 (H1: January–June, H2: July–December)"),
        ("26-H2", "10.50", "\"26-H2\" is not a half-year: write it as 2026-H2 (H1: January–June, H2: July–December)"),
        ("2027-H2", "10.50", "2027-H2 starts after 2027-H1, the next half-year: its rate cannot be published yet (typo in the year?)"),
        ("2026-H2", "0", "\"0\": a rate must be above 0 and under 100 percent"),
        ("2026-H2", "100", "\"100\": a rate must be above 0 and under 100 percent"),
        ("2026-H2", "10.505", "\"10.505\": at most two decimals (e.g. 10.50)"),
        ("2026-H2", "ten", "\"ten\" is not a rate in percent (e.g. 10.50)"),
        ("2026-H2", "-1", "\"-1\" is not a rate in percent (e.g. 10.50)"),
    ])
    func refusedArguments(halfYear: String, percent: String, message: String) throws {
        let path = try tempFile(DefaultRates.toml)
        #expect(throws: RateFile.Refusal(message: message)) {
            try RateFile.set(path: path, halfYear: halfYear, percent: percent, source: nil, today: day("2026-12-03"), replace: false)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == DefaultRates.toml)
    }

    @Test func percentAcceptsWhatPeopleType() throws {
        #expect(try RateTable.percent("10,50 %").get() == 10.5)
        #expect(try RateTable.percent(" 8 ").get() == 8)
        #expect(RateTable.format(10.5) == "10.50" && RateTable.format(8) == "8.00" && RateTable.format(12.25) == "12.25")
        #expect(throws: RateFile.Refusal(message: "--source must be one line of text, e.g. \"BS 2026-07-15, Mededeling FOD Financien\"")) {
            try RateFile.set(path: try tempFile(nil), halfYear: "2026-H2", percent: "10.5", source: "a\nb", today: day("2026-12-03"), replace: false)
        }
    }

    @Test func aBrokenFileIsRefusedWithItsLine() throws {
        let text = "[b2b_late_payment]\n\"2026-H1\" = \"10.5\"\n\"2026-H2\" = { rate = \"10.5\", colour = \"red\" }\n"
        #expect(throws: RateTable.Problem(message: "rates.toml:3:0: error: [rates] b2b_late_payment.2026-H2: unknown key colour")) {
            try RateTable.parse(text)
        }
        #expect(throws: RateTable.Problem.self) { try RateTable.parse("[b2b_late_payment]\n\"2026-H1\" = \"10.555\"\n") }
        #expect(throws: RateTable.Problem.self) { try RateTable.parse("[b2b_late_payment]\n\"2026-H1\" = { rate = \"10.5\", set_on = \"soon\" }\n") }
        // The shipped table is the same file format, with a source for every rate.
        #expect(RateTable.belgian.entries.values.allSatisfy { $0.source != nil && $0.setOn == nil })
        #expect(try RateFile.load(path: "/nonexistent/rates.toml") == .belgian)
    }
}
