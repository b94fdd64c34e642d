import Dunning
import Foundation
import Ledger
import Testing

/// The worked examples of belgian-rules.md §1.4, §2.2, §2.4, turned into tests, with the boundaries.
@Suite struct LegalTests {
    func day(_ s: String) -> Day { Day(iso: s)! }
    func eur(_ cents: Int64) -> Money { .eur(cents: cents) }

    @Test func exampleA_45DaysLateIn2024H2() throws {
        let c = try ClaimCalculator.compute(kind: .b2b, principal: eur(1_000_000), due: day("2024-09-30"), asOf: day("2024-11-14"))
        #expect(c.periods.map(\.days) == [45] && c.periods.first?.rate == 12.5)
        #expect(c.interest == eur(15_411) && c.flatCompensation == eur(4_000) && c.total == eur(1_019_411))
        #expect(c.claimableFrom == nil)
    }

    @Test func exampleB_acrossAHalfYearBoundary() throws {
        let c = try ClaimCalculator.compute(kind: .b2b, principal: eur(1_000_000), due: day("2024-12-15"), asOf: day("2025-01-29"))
        #expect(c.periods.map { "\($0.from)…\($0.to) \($0.days)d \($0.rate)% \($0.amount.decimalString)" } == [
            "2024-12-16…2024-12-31 16d 12.5% 54.79", "2025-01-01…2025-01-29 29d 11.5% 91.37",
        ])
        #expect(c.interest == eur(14_616))
    }

    @Test func exampleC_smallInvoice() throws {
        let c = try ClaimCalculator.compute(kind: .b2b, principal: eur(123_456), due: day("2024-09-30"), asOf: day("2024-11-14"))
        #expect(c.interest == eur(1_903) && c.flatCompensation == eur(4_000))
    }

    @Test func notLateOnTheDueDateLateTheDayAfter() throws {
        let onDue = try ClaimCalculator.compute(kind: .b2b, principal: eur(10_000), due: day("2024-09-30"), asOf: day("2024-09-30"))
        #expect(onDue.interest.isZero && onDue.flatCompensation.isZero && onDue.total == eur(10_000))
        let dayAfter = try ClaimCalculator.compute(kind: .b2b, principal: eur(10_000), due: day("2024-09-30"), asOf: day("2024-10-01"))
        #expect(dayAfter.periods.map(\.days) == [1] && dayAfter.flatCompensation == eur(4_000))
    }

    @Test func aHalfYearWithoutARateIsAnErrorNamingIt() {
        #expect(throws: RateTable.MissingRate(halfYear: HalfYear(year: 2026, half: 2))) {
            try ClaimCalculator.compute(kind: .b2b, principal: eur(10_000), due: day("2026-06-15"), asOf: day("2026-07-02"))
        }
    }

    @Test func contractRateAndFrozenRateAndDayCount() throws {
        var rules = ClaimRules()
        rules.contractRate = 6
        let c = try ClaimCalculator.compute(kind: .b2b, principal: eur(1_000_000), due: day("2024-12-15"), asOf: day("2025-01-29"), rules: rules)
        #expect(c.periods.allSatisfy { $0.rate == 6 } && c.interest == eur(7_397))
        var frozen = ClaimRules()
        frozen.splitByHalfYear = false
        let f = try ClaimCalculator.compute(kind: .b2b, principal: eur(1_000_000), due: day("2024-12-15"), asOf: day("2025-01-29"), rules: frozen)
        #expect(f.periods.allSatisfy { $0.rate == 12.5 } && f.interest == eur(15_411))
        var actual = ClaimRules()
        actual.dayCount = .actualActual
        let a = try ClaimCalculator.compute(kind: .b2b, principal: eur(1_000_000), due: day("2024-09-30"), asOf: day("2024-11-14"), rules: actual)
        #expect(a.interest == eur(15_369))  // 10,000 × 12.5 % × 45 / 366
    }

    @Test(arguments: [
        // §2.2: first reminder Monday 2025-03-03.
        ("2025-03-03", ReminderChannel.email, "2025-03-18"),
        ("2025-03-03", .post, "2025-03-20"),
        // Posted Thursday 2025-04-17, Easter Monday 2025-04-21 a holiday: period ends Tuesday 2025-05-06.
        ("2025-04-17", .post, "2025-05-07"),
    ])
    func consumerWaitingPeriod(sent: String, channel: ReminderChannel, from: String) {
        #expect(ConsumerRules.claimableFrom(firstReminder: day(sent), channel: channel) == day(from))
    }

    @Test func day14VersusDay15() throws {
        let onDay14 = try ClaimCalculator.compute(kind: .b2c, principal: eur(123_456), due: day("2025-02-28"), asOf: day("2025-03-17"),
                                                  firstReminder: day("2025-03-03"), channel: .email)
        #expect(onDay14.total == eur(123_456) && onDay14.interest.isZero && onDay14.flatCompensation.isZero)
        #expect(onDay14.announcedDamages == eur(10_173) && onDay14.claimableFrom == day("2025-03-18"))
        let onDay15 = try ClaimCalculator.compute(kind: .b2c, principal: eur(123_456), due: day("2025-02-28"), asOf: day("2025-03-18"),
                                                  firstReminder: day("2025-03-03"), channel: .email)
        #expect(onDay15.flatCompensation == eur(10_173) && onDay15.periods.map(\.days) == [1] && onDay15.periods.first?.from == day("2025-03-18"))
    }

    @Test func consumerInterestIsAtMostTheB2BRate() throws {
        // §2.4: 1,234.56 at the 2025-H1 rate of 11.5 % for 30 days = 11.67.
        let c = try ClaimCalculator.compute(kind: .b2c, principal: eur(123_456), due: day("2025-01-15"), asOf: day("2025-03-31"),
                                            firstReminder: day("2025-02-14"), channel: .email)
        #expect(c.claimableFrom == day("2025-03-01"))
        #expect(c.periods.map(\.days) == [31] && c.periods.first?.rate == 11.5)
        let thirty = try ClaimCalculator.compute(kind: .b2c, principal: eur(123_456), due: day("2025-01-15"), asOf: day("2025-03-30"),
                                                 firstReminder: day("2025-02-14"), channel: .email)
        #expect(thirty.interest == eur(1_167))
    }

    @Test(arguments: [
        (Int64(10_000), Int64(2_000)), (15_000, 2_000), (15_001, 3_000), (30_000, 4_500), (50_000, 6_500), (50_001, 6_500),
        (123_456, 10_173), (1_000_000, 54_000), (3_850_000, 196_500), (3_920_000, 200_000), (5_000_000, 200_000),
    ])
    func consumerFlatDamagesBrackets(balance: Int64, cap: Int64) {
        #expect(ConsumerRules.flatDamagesCap(balance: eur(balance)) == eur(cap))
    }

    @Test func consumerClaimNeedsTheFirstReminder() {
        #expect(throws: ClaimError.self) {
            try ClaimCalculator.compute(kind: .b2c, principal: eur(10_000), due: day("2025-01-15"), asOf: day("2025-04-01"))
        }
    }

    @Test func belgianHolidays() {
        #expect(BelgianCalendar.easter(2025) == day("2025-04-20") && BelgianCalendar.easter(2026) == day("2026-04-05"))
        let h = BelgianCalendar.holidays(2025)
        #expect(h.contains(day("2025-04-21")) && h.contains(day("2025-05-29")) && h.contains(day("2025-06-09")) && h.count == 10)
        #expect(!BelgianCalendar.isWorkingDay(day("2025-11-11")) && BelgianCalendar.isWorkingDay(day("2025-11-12")))
    }

    @Test func rateTableFile() throws {
        let t = try RateTable.parse("[b2b_late_payment]\n\"2026-H2\" = \"9.5\"\n")
        #expect(try t.rate(HalfYear(year: 2026, half: 2)) == Decimal(string: "9.5"))
        #expect(throws: RateTable.Problem.self) { try RateTable.parse("[b2b_late_payment]\n\"2026-H3\" = \"9.5\"\n") }
        #expect(RateTable.belgian.rates.count == 15)
    }
}
