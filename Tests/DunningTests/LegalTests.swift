import Dunning
import Foundation
import Ledger
import Store
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

    @Test func aHalfYearWithoutARateIsATypedErrorWithTheFixingCommand() throws {
        var rules = ClaimRules()
        rules.rates = try RateTable.parse("[b2b_late_payment]\n\"2026-H1\" = \"10.5\"\n")
        // Thrown as `MissingRate` itself (the planner holds the message that needs it), not as text.
        #expect(throws: RateTable.MissingRate(halfYear: HalfYear(year: 2026, half: 2))) {
            try ClaimCalculator.compute(kind: .b2b, principal: eur(10_000), due: day("2026-06-15"), asOf: day("2026-07-02"), rules: rules)
        }
        let missing = RateTable.MissingRate(halfYear: HalfYear(year: 2026, half: 2))
        #expect(missing.fixCommand == #"relance rates set 2026-H2 <percent> --source "<Belgisch Staatsblad notice>""#)
        #expect(missing.description.contains("2026-H2") && missing.description.hasSuffix(missing.fixCommand))
        // A consumer's capped rate needs the table too.
        rules.consumerContractRate = 8
        #expect(throws: RateTable.MissingRate.self) {
            try ClaimCalculator.compute(kind: .b2c, principal: eur(10_000), due: day("2026-06-15"), asOf: day("2026-08-02"),
                                        firstReminder: day("2026-06-20"), channel: .email, rules: rules)
        }
        // A B2B contractual rate does not.
        rules.contractRate = 8
        let c = try ClaimCalculator.compute(kind: .b2b, principal: eur(1_000_000), due: day("2026-06-15"), asOf: day("2026-07-02"), rules: rules)
        #expect(c.interest == eur(3_726) && c.rateBasis == .contractual)  // 10,000 × 8 % × 17 / 365
    }

    @Test func missingHalfYearsAndTheFifteenDayWarning() throws {
        let t = try RateTable.parse("[b2b_late_payment]\n\"2026-H1\" = \"10.5\"\n\"2025-H1\" = \"11.5\"\n")
        #expect(t.missing(for: day("2025-03-01")...day("2026-12-31")) == [HalfYear(year: 2025, half: 2), HalfYear(year: 2026, half: 2)])
        #expect(t.missing(for: day("2026-01-01")...day("2026-06-30")).isEmpty)
        // The gap 2025-H2 is reported with today's half-year; 2026-H1 itself is known.
        let june = t.coverage(on: day("2026-06-15"))
        #expect(june.missing == [HalfYear(year: 2025, half: 2)] && june.currentKnown && june.upcoming == nil)
        // 2026-H2 starts on 1 July: warned about from 16 June (15 days before), not on 15 June.
        #expect(t.coverage(on: day("2026-06-16")).upcoming == HalfYear(year: 2026, half: 2))
        let july = t.coverage(on: day("2026-07-01"))
        #expect(!july.currentKnown && july.missing.last == HalfYear(year: 2026, half: 2))
        // 2027-H1 from 17 December.
        let full = try RateTable.parse("[b2b_late_payment]\n\"2026-H2\" = \"10.5\"\n")
        #expect(full.coverage(on: day("2026-12-16")).upcoming == nil)
        #expect(full.coverage(on: day("2026-12-17")).upcoming == HalfYear(year: 2027, half: 1))
    }

    @Test func contractualB2BRateCompanyWideAndPerDebtor() throws {
        let company = ClaimRules(rates: .belgian, b2bContractRate: 8, b2cContractRate: nil, b2cDamagesClause: false, b2cDamagesBasis: .balance)
        let args = (principal: eur(1_000_000), due: day("2024-09-30"), asOf: day("2024-11-14"))
        let c = try ClaimCalculator.compute(kind: .b2b, principal: args.principal, due: args.due, asOf: args.asOf, rules: company)
        #expect(c.interest == eur(9_863) && c.rateBasis == .contractual)  // 10,000 × 8 % × 45 / 365 = 98.63
        #expect(c.rateWords(language: "nl") == "de contractuele rentevoet (8,00 %)")
        // The debtor's own rate wins over the company's.
        let own = try ClaimCalculator.compute(kind: .b2b, principal: args.principal, due: args.due, asOf: args.asOf,
                                              rules: company.forDebtor(kind: .b2b, contractRate: 6))
        #expect(own.interest == eur(7_397) && own.rateWords(language: "en") == "the contractual interest rate (6.00%)")
        // A public authority pays the statutory rate whatever the contract says (art. 5).
        let authority = try ClaimCalculator.compute(kind: .b2b, principal: args.principal, due: args.due, asOf: args.asOf,
                                                    rules: company.forDebtor(kind: .b2b, contractRate: 6, publicAuthority: true))
        #expect(authority.interest == eur(15_411) && authority.rateBasis == .statutory)
        #expect(authority.rateWords(language: "nl") == "de interestvoet van de wet van 2 augustus 2002 (12,50 %)")
        // The B2B rate is never used for consumers.
        #expect(company.forDebtor(kind: .b2c, contractRate: nil).consumerInterest == false)
    }

    @Test func theRateActuallyChargedInFourLanguages() throws {
        let b = try ClaimCalculator.compute(kind: .b2b, principal: eur(1_000_000), due: day("2024-12-15"), asOf: day("2025-01-29"))
        #expect(b.rateBasis == .statutory)
        #expect(b.rateWords(language: "nl") == "de interestvoet van de wet van 2 augustus 2002 (12,50 % / 11,50 %)")
        #expect(b.rateWords(language: "fr") == "le taux d'intérêt de la loi du 2 août 2002 (12,50 % / 11,50 %)")
        #expect(b.rateWords(language: "de") == "der Zinssatz des Gesetzes vom 2. August 2002 (12,50 % / 11,50 %)")
        #expect(b.rateWords(language: "en") == "the interest rate of the Law of 2 August 2002 (12.50% / 11.50%)")
        #expect(RateBasis.consumerCapped.words(language: "nl", rates: [10.5])
            == "de contractuele rentevoet, beperkt tot de interestvoet van de wet van 2 augustus 2002 (10,50 %)")
        #expect(RateBasis.contractual.words(language: "fr", rates: [8]) == "le taux d'intérêt contractuel (8,00 %)")
        #expect(RateBasis.contractual.words(language: "de", rates: [8]) == "der vertragliche Zinssatz (8,00 %)")
        let notLate = try ClaimCalculator.compute(kind: .b2b, principal: eur(100), due: day("2024-12-15"), asOf: day("2024-12-15"))
        #expect(notLate.rateWords(language: "nl") == nil)
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
        #expect(throws: ClaimError.consumerNeedsFirstReminder) {
            try ClaimCalculator.compute(kind: .b2c, principal: eur(10_000), due: day("2025-01-15"), asOf: day("2025-04-01"))
        }
    }

    @Test func aClaimErrorNamesWhatIsWrongAndHowToFixIt() {
        #expect(throws: ClaimError.principalNotPositive) {
            try ClaimCalculator.compute(kind: .b2b, principal: eur(0), due: day("2025-01-15"), asOf: day("2025-04-01"))
        }
        #expect(ClaimError.noLadder(.b2c).description.contains("add ladder-b2c.toml"))
        #expect(ClaimError.stepWithoutTemplate(step: "late").description.hasPrefix("step late has no template; give it `template ="))
    }

    @Test func belgianHolidays() {
        #expect(BelgianCalendar.easter(2025) == day("2025-04-20") && BelgianCalendar.easter(2026) == day("2026-04-05"))
        let h = BelgianCalendar.holidays(2025)
        #expect(h.contains(day("2025-04-21")) && h.contains(day("2025-05-29")) && h.contains(day("2025-06-09")) && h.count == 10)
        #expect(!BelgianCalendar.isWorkingDay(day("2025-11-11")) && BelgianCalendar.isWorkingDay(day("2025-11-12")))
    }

    // MARK: Book XIX (belgian-rules.md §2.3–2.5)

    /// The workspace rules for consumers: what `[legal]` says the terms contain.
    func consumerRules(rate: Decimal?, clause: Bool, basis: ConsumerDamagesBasis = .balance) -> ClaimRules {
        ClaimRules(rates: .belgian, b2bContractRate: nil, b2cContractRate: rate, b2cDamagesClause: clause, b2cDamagesBasis: basis)
    }

    /// §2.4's worked debt (1,234.56, 30 days of 2025-H1 after the waiting period) under each setting.
    func consumerClaim(_ rules: ClaimRules) throws -> ClaimResult {
        try ClaimCalculator.compute(kind: .b2c, principal: eur(123_456), due: day("2025-01-15"), asOf: day("2025-03-30"),
                                    firstReminder: day("2025-02-14"), channel: .email, rules: rules)
    }

    @Test func withoutAClauseAConsumerOwesNoDamagesAndNoInterest() throws {
        let c = try consumerClaim(consumerRules(rate: nil, clause: false))
        #expect(c.interest.isZero && c.flatCompensation.isZero && c.announcedDamages == eur(0) && c.total == eur(123_456))
        #expect(c.rateBasis == nil && c.rateWords(language: "nl") == nil)
        #expect(c.explanation.contains { $0.contains("no flat damages") } && c.explanation.contains { $0.contains("no interest") })
        // With the clause, the capped flat damages (§2.4: 101.73) and still no interest without a rate.
        let clause = try consumerClaim(consumerRules(rate: nil, clause: true))
        #expect(clause.flatCompensation == eur(10_173) && clause.interest.isZero)
    }

    @Test func aConsumersContractualRateIsCappedAtThe2002LawRate() throws {
        // 12 % in the terms, 11.5 % in 2025-H1: 11.5 % is charged (§2.4: 11.67 for 30 days).
        let capped = try consumerClaim(consumerRules(rate: 12, clause: true))
        #expect(capped.periods.first?.rate == 11.5 && capped.interest == eur(1_167) && capped.rateBasis == .consumerCapped)
        #expect(capped.rateWords(language: "nl") == "de contractuele rentevoet, beperkt tot de interestvoet van de wet van 2 augustus 2002 (11,50 %)")
        // 8 % in the terms is under the cap: 1,234.56 × 8 % × 30 / 365 = 8.12.
        let under = try consumerClaim(consumerRules(rate: 8, clause: false))
        #expect(under.interest == eur(812) && under.rateBasis == .contractual && under.flatCompensation.isZero)
        #expect(under.rateWords(language: "fr") == "le taux d'intérêt contractuel (8,00 %)")
        // Exactly at the cap: not "capped".
        #expect(try consumerClaim(consumerRules(rate: 11.5, clause: false)).rateBasis == .contractual)
    }

    @Test func consumerDamagesOnTheBalanceVersusPerInvoice() throws {
        // One reminder for 734.56 + 500.00 = 1,234.56: on the balance 101.73 (§2.4), per invoice 76.73 + 65.00 = 141.73.
        let rules = consumerRules(rate: nil, clause: true)
        #expect(ClaimCalculator.consumerDamages(balance: eur(123_456), rules: rules) == eur(10_173))
        let perInvoice = [eur(73_456), eur(50_000)].map { ClaimCalculator.consumerDamages(balance: $0, rules: rules) }
        #expect(perInvoice == [eur(7_673), eur(6_500)])
        #expect(consumerRules(rate: nil, clause: true, basis: .invoice).consumerDamagesBasis == .invoice)
        #expect(ClaimRules().consumerDamagesBasis == .balance)
        // No clause: nothing, on any basis; a lower contractual amount caps the cap.
        #expect(ClaimCalculator.consumerDamages(balance: eur(123_456), rules: consumerRules(rate: nil, clause: false)).isZero)
        var limited = rules
        limited.consumerFlatDamagesLimit = eur(5_000)
        #expect(ClaimCalculator.consumerDamages(balance: eur(123_456), rules: limited) == eur(5_000))
        #expect(ClaimCalculator.consumerDamages(balance: eur(0), rules: rules).isZero)
    }

    @Test func rateTableFile() throws {
        let t = try RateTable.parse("[b2b_late_payment]\n\"2026-H2\" = \"9.5\"\n")
        #expect(try t.rate(HalfYear(year: 2026, half: 2)) == Decimal(string: "9.5"))
        #expect(throws: RateTable.Problem.self) { try RateTable.parse("[b2b_late_payment]\n\"2026-H3\" = \"9.5\"\n") }
        #expect(RateTable.belgian.rates.count == 15)
    }
}
