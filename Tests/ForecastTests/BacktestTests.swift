import Foundation
import Ledger
import Testing

@testable import Forecast

/// Backtests use only what was known at each origin, and score the model and both baselines the same way.
@Suite("Backtest")
struct BacktestTests {
    @Test("the training set at an origin holds exactly the invoices paid by then")
    func noLookAhead() {
        var b = LedgerBuilder()
        let d = b.debtor("A")
        for k in 0..<10 { b.invoice(d, issue: k * 10, delay: k) }  // paid on day 10k + 30 + k
        let origin = b.day(75).daysSinceEpoch
        let t = TrainingSet(facts: b.facts, origin: origin)
        let known = (0..<10).filter { 10 * $0 + 30 + $0 <= 75 }.count
        #expect(t.rowCount == known)
        #expect(t.delay.map { Int($0) } == Array(0..<known))
    }

    @Test("baselines are computed as defined: due date, and the debtor's median delay so far")
    func baselines() throws {
        var b = LedgerBuilder()
        let d = b.debtor("A")
        for (k, delay) in [0, 2, 4, 6, 8].enumerated() { b.invoice(d, issue: k * 5, delay: delay) }
        b.invoice(d, issue: 100, delay: 4)
        b.invoice(d, issue: 101, delay: 10)
        b.invoice(d, issue: 102, delay: nil)
        let r = Backtest.issueDateSplit(b.facts, split: b.day(100))
        #expect(r.model.count == 2 && r.unscored == 1)
        #expect(r.dueDate.meanAbsoluteError == 7)
        #expect(r.dueDate.lateAccuracy == 0)
        #expect(r.dueDate.coverage == nil)
        #expect(r.debtorMedian.meanAbsoluteError == 3)
        #expect(r.debtorMedian.within3 == 0.5 && r.debtorMedian.within7 == 1)
        #expect(r.debtorMedian.coverage == 0.5, "P10–P90 of 0…8 holds 4, not 10")
    }

    @Test("rolling origin forecasts what was open at each origin and scores it against the later payment")
    func rolling() throws {
        var rng = SplitMix(state: 11)
        var b = LedgerBuilder()
        for k in 0..<20 {
            let d = b.debtor("D\(k)")
            b.history(d, count: 40, from: k, every: 9, mean: Double(k % 4) * 5, sd: 2, rng: &rng)
        }
        b.invoice(0, issue: 380, delay: nil)
        let r = try Backtest.rollingOrigin(b.facts, from: b.day(200), to: b.day(300), step: 50)
        #expect(r.origins.count == 3)
        var expected = 0
        for o in r.origins {
            expected += (0..<b.facts.invoiceCount).filter { b.facts.isOpen($0, on: o) && b.facts.paid[$0] != LedgerFacts.unpaid }.count
        }
        #expect(r.model.count == expected && r.dueDate.count == expected && r.debtorMedian.count == expected)
        #expect(r.model.meanAbsoluteError < r.dueDate.meanAbsoluteError)
        #expect(r.model.meanAbsoluteError < r.debtorMedian.meanAbsoluteError)
        let coverage = try #require(r.model.coverage)
        #expect(coverage > 0.6)
        #expect(r.text.contains("pay on the due date") && r.text.contains("debtor's median delay"))
    }

    @Test("a ledger without paid history cannot be backtested, and says why")
    func tooShort() {
        var b = LedgerBuilder()
        b.invoice(b.debtor("A"), issue: 0, delay: nil)
        #expect(throws: Backtest.Problem.self) { try Backtest.rollingOrigin(b.facts, from: nil, to: nil) }
    }
}

@Suite("Debtor scores")
struct DebtorScoringTests {
    @Test("grades at their thresholds", arguments: [(100, Grade.a), (80, .a), (79, .b), (70, .b), (69, .c), (50, .c),
                                                    (49, .d), (30, .d), (29, .e), (0, .e)])
    func grades(score: Int, grade: Grade) {
        #expect(Grade(score: score) == grade)
    }

    @Test("the payment-index scale", arguments: [(-45, 100.0), (-30, 100), (-20, 90), (-10, 85), (0, 80), (15, 70), (30, 50),
                                                   (45, 45), (60, 40), (90, 30), (120, 20), (180, 10), (240, 0), (400, 0)])
    func points(delay: Int, points: Double) {
        #expect(DebtorScoring.points(delay: delay) == points)
    }

    @Test("the habit in words")
    func habit() {
        #expect(DebtorScoring.usually(0) == "usually pays on the due date")
        #expect(DebtorScoring.usually(1) == "usually pays 1 day after the due date")
        #expect(DebtorScoring.usually(12) == "usually pays 12 days after the due date")
        #expect(DebtorScoring.usually(-3) == "usually pays 3 days before the due date")
    }

    @Test("a poor score names what is wrong first; a good one the habit")
    func reasons() {
        let prompt = DelayMixture(lateWeight: 0, regularMean: -1, regularSD: 2, lateMean: -1, lateSD: 2)
        var s = DebtorSnapshot(paid: 30)
        let next = prompt.deciles()
        let tuesdays = SettlementHabit(kind: .weekly, runDays: 1 << 2, offHabit: 0.05, adherence: 0.9, evidence: 30)
        let good = DebtorScoring.score(debtorID: 1, key: "A", snapshot: s, typical: prompt, next: next, habit: tuesdays,
                                       segment: "companies, nl, small invoices")
        #expect(good.grade == .a && good.score == 80)
        #expect(good.reasons == ["usually pays 1 day before the due date (learnt from 30 paid invoices)",
                                 "pays on Tuesdays (90 % of 30 paid invoices)"])
        s.add(overdue: 95, points: 20, disputed: false, partlyPaid: false)
        s.add(overdue: 45, points: 40, disputed: true, partlyPaid: false)
        let bad = DebtorScoring.score(debtorID: 1, key: "A", snapshot: s, typical: prompt, next: next, habit: SettlementHabit(),
                                      segment: "companies, nl, small invoices")
        #expect(bad.score == 47 && bad.grade == .d)
        #expect(bad.reasons.first == "2 open invoices more than 30 days overdue, the oldest 95 days")
        #expect(bad.reasons.dropFirst().first == "1 open invoice disputed")
        #expect(bad.overdue30Invoices == 2 && bad.openInvoices == 2)
    }
}

@Suite("Ledger facts")
struct LedgerFactsTests {
    @Test("days are parsed from YYYY-MM-DD text", arguments: [("2026-03-31", true), ("1970-01-01", true), ("2026-02-30", false),
                                                              ("2026-3-31", false), ("", false), ("31/03/2026", false)])
    func days(text: String, valid: Bool) {
        let d = LedgerFacts.dayNumber(text)
        #expect((d != nil) == valid)
        if let d { #expect(Day(daysSinceEpoch: d).description == text) }
    }

    @Test("the table of days gives what Day gives, inside its years, at their edges and outside them")
    func dayTable() {
        var texts: [String] = []
        for year in [1, 1899, 1900, 1901, 1970, 2000, 2024, 2025, 2100, 2299, 2300, 9999] {
            for month in 0...13 {
                for day in 0...32 {
                    texts.append(String(format: "%04d-%02d-%02d", year, month, day))
                }
            }
        }
        texts += ["2026-1a-01", "2026-01-0:", "20x6-01-01", "2026/01/01", "2026-01-011", "0000-01-01"]
        for text in texts {
            #expect(LedgerFacts.dayNumber(text) == Day(iso: text)?.daysSinceEpoch, "\(text)")
        }
        var day = Day(year: 1899, month: 12, day: 1)!, wrong: [Day] = []
        while day <= Day(year: 2300, month: 1, day: 31)! {
            if LedgerFacts.dayNumber(day.description) != day.daysSinceEpoch { wrong.append(day) }
            day = day.adding(days: 1)
        }
        #expect(wrong.isEmpty)
    }
}
