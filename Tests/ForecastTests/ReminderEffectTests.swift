import Foundation
import Ledger
import Testing

@testable import Forecast

/// Reminders already sent, as a time-varying effect on the days after them (`ReminderEffect`).
@Suite("Reminders already sent")
struct ReminderEffectTests {
    /// 60 debtors invoicing every 6 days for 560 days, due 30 days later, who pay late on their own.
    /// Two debtors in three are reminded: a first reminder 7–20 days after the due day (the ladder's
    /// nights vary) and a second 14 days later go to what is still unpaid, and `response` (first,
    /// second) of the reminded pay 1–4 days after the reminder. The others are never reminded.
    static func ledger(response: (Double, Double) = (0.6, 0.4), seed: UInt64 = 7) -> LedgerBuilder {
        var rng = SplitMix(state: seed)
        var b = LedgerBuilder()
        for k in 0..<60 {
            let d = b.debtor("D\(k)", consumer: k % 4 == 0)
            for issue in stride(from: k % 6, to: 560, by: 6) {
                var delay = Int((Double(5 + k % 16) + 8 * rng.normal()).rounded())
                var reminders: [(Int, Int)] = []
                let first = 7 + Int(rng.uniform() * 14)
                for (step, after, chance) in [(0, first, response.0), (1, first + 14, response.1)] where k % 3 != 0 && delay > after {
                    reminders.append((step, after))
                    if rng.uniform() < chance { delay = min(delay, after + 1 + Int(rng.uniform() * 4)) }
                }
                let i = b.invoice(d, issue: issue, delay: delay)
                for (step, after) in reminders { b.facts.addReminder(invoice: i, day: b.day(issue + 30 + after), step: step) }
            }
        }
        return b
    }

    @Test("learns that reminded invoices are paid sooner after the reminder, per step")
    func learnsTheResponse() {
        let b = ReminderEffectTests.ledger()
        let learnt = LearntModel(facts: b.facts, origin: b.day(500).daysSinceEpoch)
        let e = learnt.reminders
        print("reminder effect: factors \(e.factor), observed \(e.observed), expected \(e.expected)")
        #expect(e.factor[0] > 1.1 && e.factor[1] > 1, "\(e.factor)")
        #expect(e.observed[0] > 100)
    }

    @Test("the backtest gains from the reminders: MAE and late/not-late, no reminder read after the origin")
    func backtestGain() throws {
        let b = ReminderEffectTests.ledger()
        var without = b.facts
        without.reminderInvoice = []; without.reminderDay = []; without.reminderStep = []
        let from = b.day(300), to = b.day(510)
        let r = try Backtest.rollingOrigin(b.facts, from: from, to: to, step: 14)
        let o = try Backtest.rollingOrigin(without, from: from, to: to, step: 14)
        print("with reminders\n" + r.text + "\nwithout\n" + o.text)
        #expect(r.model.count == o.model.count && r.model.count > 300)
        #expect(r.model.meanAbsoluteError < o.model.meanAbsoluteError)
        #expect(r.model.lateAccuracy >= o.model.lateAccuracy)
        #expect(r.model.within3 > o.model.within3)
    }

    @Test("reminders sent after the origin change nothing")
    func noLeak() {
        let b = ReminderEffectTests.ledger()
        let origin = b.day(450).daysSinceEpoch
        var past = b.facts
        let keep = past.reminderDay.indices.filter { past.reminderDay[$0] <= origin }
        past.reminderInvoice = keep.map { b.facts.reminderInvoice[$0] }
        past.reminderDay = keep.map { b.facts.reminderDay[$0] }
        past.reminderStep = keep.map { b.facts.reminderStep[$0] }
        let all = LearntModel(facts: b.facts, origin: origin), known = LearntModel(facts: past, origin: origin)
        #expect(all.reminders.factor == known.reminders.factor)
        for i in 0..<b.facts.invoiceCount where b.facts.isOpen(i, on: origin) {
            #expect(all.outlook(i, on: origin, partlyPaid: false, through: origin).deciles()
                == known.outlook(i, on: origin, partlyPaid: false, through: origin).deciles())
        }
    }

    @Test("without reminders the outlook is the model's own, and the window's chances add up")
    func neutral() {
        let b = ReminderEffectTests.ledger()
        var without = b.facts
        without.reminderInvoice = []; without.reminderDay = []; without.reminderStep = []
        let origin = b.day(450).daysSinceEpoch
        let learnt = LearntModel(facts: without, origin: origin)
        #expect(learnt.reminders.isEmpty && learnt.reminders.factor == [1, 1, 1, 1])
        guard let i = (0..<without.invoiceCount).first(where: { without.isOpen($0, on: origin) && without.due[$0] < origin - 10 }) else {
            Issue.record("no overdue open invoice in the ledger")
            return
        }
        let plain = learnt.outlook(i, on: origin, partlyPaid: false, through: origin)
        var boosted = plain
        boosted.remind(through: origin + 7, factor: 2)
        #expect(boosted.paidBy(day: origin + 7) > plain.paidBy(day: origin + 7))
        #expect(boosted.deciles().p50 <= plain.deciles().p50)
        var same = plain
        same.remind(through: origin + 7, factor: 1)
        #expect(same.deciles() == plain.deciles())
        for day in origin + 1...origin + 60 { #expect(boosted.paidBy(day: day) <= boosted.paidBy(day: day + 1) + 1e-12) }
    }

    @Test("the store read: reminders of events queued or on the worklist, by invoice, day and step; held and cancelled ones are not read")
    func storeRead() throws {
        let t = try TempStore()
        try t.ingest(.debtors, "debtors.csv", "debtor_id,name,kind,language\nA,Alpha NV,b2b,nl")
        try t.ingest(.invoices, "invoices.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount
            I1,A,2026-01-02,2026-02-01,100.00
            I2,A,2026-01-09,2026-02-08,200.00
            """)
        try t.store.pool.write { db in
            let debtor = try Int64.fetchOne(db, sql: "SELECT id FROM debtor") ?? 0
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM invoice ORDER BY invoice_number")
            for (event, asOf, step, status) in [(1, "2026-02-10", 0, "queued"), (2, "2026-02-24", 1, "worklist"),
                                                (3, "2026-03-03", 2, "held"), (4, "2026-03-04", 2, "cancelled")] {
                try db.execute(sql: """
                    INSERT INTO dunning_event (id, idempotency_key, debtor_id, as_of, ladder, step, step_index, channels, language,
                      currency, balance_minor, interest_minor, fees_minor, total_minor, computation, status, created_at)
                    VALUES (?, ?, ?, ?, 'b2b', 's', ?, 'email', 'nl', 'EUR', 0, 0, 0, 0, '{}', ?, ?)
                    """, arguments: [event, "k\(event)", debtor, asOf, step, status, asOf + "T02:00:00.000Z"])
                try db.execute(sql: """
                    INSERT INTO dunning_event_item (event_id, invoice_id, step_index, advanced, open_minor, days_late, interest_minor, fee_minor)
                    VALUES (?, ?, ?, 1, 100, 9, 0, 0)
                    """, arguments: [event, ids[event == 2 ? 1 : 0], event == 2 ? nil : step])
            }
        }
        for facts in [try t.facts(asOf: "2026-03-31"), try LedgerFacts.read(store: t.store, asOf: Day(iso: "2026-03-31")!)] {
            #expect(facts.reminderInvoice == [0, 1])
            #expect(facts.reminderDay == [Day(iso: "2026-02-10")!.daysSinceEpoch, Day(iso: "2026-02-24")!.daysSinceEpoch])
            #expect(facts.reminderStep == [0, 1], "the item's step, else the event's")
        }
    }
}
