import Foundation
import Ledger
import Testing

@testable import Forecast

/// Payment days as real ledgers have them: working days only, weekly runs, month ends, paydays.
@Suite("Settlement habits")
struct SettlementHabitTests {
    /// The first working day on or after `d` that `fits`.
    static func next(_ d: Day, _ fits: (Day) -> Bool) -> Day {
        var x = d
        while !(BelgianCalendar.isWorkingDay(x) && fits(x)) { x = x.adding(days: 1) }
        return x
    }

    /// True for the last working day of its month.
    static func isMonthEnd(_ d: Day) -> Bool {
        var x = d.adding(days: 1)
        while x.month == d.month {
            if BelgianCalendar.isWorkingDay(x) { return false }
            x = x.adding(days: 1)
        }
        return true
    }

    /// A ledger of debtors with known habits: 0 pays on Tuesdays, 1 at month end, 2 (a consumer)
    /// after payday, 3 on any working day, 4…11 on any working day too. Invoices every 9 days over
    /// two years from 2025-01-01, due 30 days later, ready to pay around 4 days after the due date;
    /// each debtor's last invoice (issued on day 700) is still open.
    static func ledger(seed: UInt64 = 5) -> (facts: LedgerFacts, open: [Int]) {
        var rng = SplitMix(state: seed)
        var facts = LedgerFacts()
        let start = Day(year: 2025, month: 1, day: 1)!
        let rules: [(Day) -> Bool] = [{ $0.isoWeekday == 2 }, isMonthEnd, { $0.day >= 25 || $0.day <= 3 }] + Array(repeating: { _ in true }, count: 9)
        var open: [Int] = []
        var id: Int64 = 1
        for (k, fits) in rules.enumerated() {
            let c = facts.addDebtor(id: Int64(k + 1), key: "D\(k)", consumer: k == 2, language: "nl")
            for issue in stride(from: k, to: 700, by: 9) {
                let due = start.adding(days: issue + 30)
                let ready = due.adding(days: Int((4 + 3 * rng.normal()).rounded()))
                let paid = next(ready, fits).daysSinceEpoch
                facts.addInvoice(id: id, debtor: c, issue: start.adding(days: issue), due: due, paid: paid, firstPaid: paid,
                                 amountMinor: 100_00, openMinor: 0, currency: "EUR", disputed: false)
                id += 1
            }
            facts.addInvoice(id: id, debtor: c, issue: start.adding(days: 700), due: start.adding(days: 730), paid: LedgerFacts.unpaid,
                             firstPaid: LedgerFacts.unpaid, amountMinor: 100_00, openMinor: 100_00, currency: "EUR", disputed: false)
            open.append(facts.invoiceCount - 1)
            id += 1
        }
        return (facts, open)
    }

    @Test("the calendar knows Belgian working days, month ends and the payday window")
    func calendar() {
        let d = { (s: String) in Day(iso: s)!.daysSinceEpoch }
        let cal = PaymentCalendar(first: d("2026-01-01"), last: d("2026-12-31"))
        #expect(cal.flag(d("2026-05-14")) & PaymentCalendar.working == 0, "Ascension")
        #expect(cal.flag(d("2026-05-25")) & PaymentCalendar.working == 0, "Whit Monday")
        #expect(cal.flag(d("2026-05-30")) & PaymentCalendar.working == 0, "a Saturday")
        #expect(cal.flag(d("2026-05-29")) & PaymentCalendar.monthEnd != 0, "Friday 29 May is May's last working day")
        #expect(cal.flag(d("2026-05-28")) & PaymentCalendar.monthEnd == 0)
        #expect(cal.flag(d("2026-12-31")) & PaymentCalendar.monthEnd != 0)
        #expect(cal.flag(d("2026-05-26")) & PaymentCalendar.payday != 0 && cal.flag(d("2026-06-03")) & PaymentCalendar.payday != 0)
        #expect(cal.flag(d("2026-06-04")) & PaymentCalendar.payday == 0 && cal.flag(d("2026-05-22")) & PaymentCalendar.payday == 0)
        #expect(cal.flag(d("2026-07-15")) & PaymentCalendar.summer != 0 && cal.flag(d("2026-12-20")) & PaymentCalendar.yearEnd != 0)
        #expect(PaymentCalendar.weekday(d("2026-05-26")) == 2)
    }

    @Test("learns a Tuesday run, a month end and a payday habit; a debtor paying on any working day keeps none")
    func learns() {
        let (facts, _) = SettlementHabitTests.ledger()
        let origin = Day(iso: "2026-12-01")!.daysSinceEpoch
        let learnt = LearntModel(facts: facts, origin: origin)
        let h = learnt.habits
        #expect(h.closedDay == 0, "this ledger books on working days only")
        #expect(h.perDebtor[0].kind == .weekly && h.perDebtor[0].runDays == 1 << 2)
        #expect(h.perDebtor[1].kind == .monthEnd)
        #expect(h.perDebtor[2].kind == .payday)
        #expect((3..<12).allSatisfy { h.perDebtor[$0].kind == .anyDay })
        #expect(h.perDebtor[0].words == "pays on Tuesdays (100 % of \(h.perDebtor[0].evidence) paid invoices)")
        #expect(h.perDebtor[1].words?.hasPrefix("pays at month end, on the last working day") == true)
        #expect(h.perDebtor[0].offHabit < 0.1)
    }

    @Test("the P10, P50 and P90 dates fall on days the debtor pays")
    func datesOnPaymentDays() {
        let (facts, open) = SettlementHabitTests.ledger()
        let origin = Day(iso: "2026-12-01")!.daysSinceEpoch
        let learnt = LearntModel(facts: facts, origin: origin)
        let tuesday = learnt.outlook(open[0], on: origin, partlyPaid: false, through: origin).deciles()
        for d in [tuesday.p10, tuesday.p50, tuesday.p90] { #expect(Day(daysSinceEpoch: d).isoWeekday == 2) }
        let monthEnd = learnt.outlook(open[1], on: origin, partlyPaid: false, through: origin).deciles()
        #expect(SettlementHabitTests.isMonthEnd(Day(daysSinceEpoch: monthEnd.p50)))
        for slot in 3..<12 {
            let q = learnt.outlook(open[slot], on: origin, partlyPaid: false, through: origin).deciles()
            for d in [q.p10, q.p50, q.p90] { #expect(BelgianCalendar.isWorkingDay(Day(daysSinceEpoch: d))) }
        }
        // The chance of payment only grows, and reaches the P90 at the P90 day.
        let days = learnt.outlook(open[0], on: origin, partlyPaid: false, through: origin + 120)
        var last = 0.0
        for t in origin...(origin + 120) {
            #expect(days.paidBy(day: t) >= last)
            last = days.paidBy(day: t)
        }
        #expect(days.paidBy(day: tuesday.p90) >= 0.9 && days.paidBy(day: tuesday.p90 - 1) < 0.9)
    }

    @Test("the habits win in the backtest against the same model without them")
    func habitsWin() throws {
        let (facts, _) = SettlementHabitTests.ledger()
        let from = Day(iso: "2025-09-01")!, to = Day(iso: "2026-10-01")!
        var off = SettlementHabits.Settings()
        off.enabled = false
        let with = try Backtest.rollingOrigin(facts, from: from, to: to, step: 14, habits: SettlementHabits.Settings())
        let without = try Backtest.rollingOrigin(facts, from: from, to: to, step: 14, habits: off)
        #expect(with.model.count == without.model.count && with.model.count > 100)
        #expect(with.model.meanAbsoluteError < without.model.meanAbsoluteError)
        #expect(with.model.within3 > without.model.within3)
    }

    @Test("a ledger that books payments on any day learns no habit, and forecasts as the delay model alone")
    func anyDayLedger() {
        var rng = SplitMix(state: 3)
        var b = LedgerBuilder()
        for k in 0..<10 {
            let d = b.debtor("D\(k)")
            b.history(d, count: 50, from: k, every: 5, mean: Double(k), sd: 3, rng: &rng)
        }
        let open = b.invoice(0, issue: 260, delay: nil)
        let origin = b.day(270).daysSinceEpoch
        let learnt = LearntModel(facts: b.facts, origin: origin)
        #expect(learnt.habits.closedDay == 1)
        #expect(learnt.habits.perDebtor.allSatisfy { $0.kind == .anyDay })
        #expect(learnt.training.lower.isEmpty, "no payment waited for a payment day")
        let q = learnt.outlook(open, on: origin, partlyPaid: false, through: origin).deciles()
        let mixture = learnt.model.distribution(debtor: 0, amountZ: learnt.training.amountZ(of: open, in: b.facts), bits: 0)
        let due = b.facts.due[open]
        let plain = ConditionalDelay(mixture, tail: learnt.tail, unpaidThrough: Int(origin - due)).deciles()
        #expect([q.p10, q.p50, q.p90] == [plain.p10, plain.p50, plain.p90].map { due + Int32($0) })
    }

    @Test("a season is learnt only from two years of it")
    func seasons() {
        let (facts, _) = SettlementHabitTests.ledger()
        let oneSummer = TrainingSet(facts: facts, origin: Day(iso: "2025-12-01")!.daysSinceEpoch)
        #expect(oneSummer.seasons == 0)
        let twoSummers = TrainingSet(facts: facts, origin: Day(iso: "2026-11-30")!.daysSinceEpoch)
        #expect(twoSummers.seasons & PaymentCalendar.summer != 0)
        #expect(twoSummers.covariates.contains("due in July–August"))
    }

    @Test("an off-habit day's acceptance follows the adherence; a truncated mean stays in its interval")
    func helpers() {
        #expect(SettlementHabits.offHabitAcceptance(adherence: 1, gap: 5) < 0.001)
        #expect(SettlementHabits.offHabitAcceptance(adherence: 0.2, gap: 5) > 0.999)
        let mid = SettlementHabits.offHabitAcceptance(adherence: 0.6, gap: 5)
        #expect(mid > 0.05 && mid < 0.9)
        #expect(abs(DelayModel.truncatedMean(mean: 0, sd: 1, from: -1, to: 1)) < 1e-9)
        let m = DelayModel.truncatedMean(mean: 10, sd: 2, from: -5, to: 3)
        #expect(m > 2 && m <= 3)
        #expect(abs(NormalTable.cdf(1.281_551_565_544_600_4) - 0.9) < 1e-6)
    }

    @Test("the backtest's groups split the same forecasts by horizon and by kind of debtor")
    func groups() throws {
        let (facts, _) = SettlementHabitTests.ledger()
        let r = try Backtest.rollingOrigin(facts, from: Day(iso: "2025-09-01")!, to: Day(iso: "2026-10-01")!, step: 28)
        #expect(r.groups[0..<4].map(\.model.count).reduce(0, +) == r.model.count)
        #expect(r.groups[4..<6].map(\.model.count).reduce(0, +) == r.model.count)
        #expect(r.groups[6..<8].map(\.model.count).reduce(0, +) == r.model.count)
        #expect(r.groups[5].model.count > 0 && r.groups[3].model.count > 0)
        #expect(r.text.contains("By horizon") && r.text.contains("overdue") && r.text.contains("consumers"))
    }
}
