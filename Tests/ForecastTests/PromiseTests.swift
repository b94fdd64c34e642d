import Foundation
import GRDB
import Ledger
import Testing

@testable import Forecast

/// An open promise to pay weighs on the forecast as much as the debtor's promises were kept.
@Suite("Promises to pay")
struct PromiseTests {
    /// Debtor 0 pays about 20 days late (its last payment around day 340); it made four earlier
    /// promises, kept (each made two days before one of its payments, for that day) or broken (made
    /// on days 350–380, when it paid nothing); on day 400 it promises to pay by day 410 for its open
    /// invoice, due on day 380.
    /// `status`: the earlier promises carry that status in the ledger (set on `settled`) instead of
    /// being judged by the payments.
    static func ledger(kept: Bool, history: Bool = true, status: Bool? = nil, settled: Int = 395) -> (b: LedgerBuilder, open: Int) {
        var rng = SplitMix(state: 9)
        var b = LedgerBuilder()
        let d = b.debtor("A")
        var paid: [Int32] = []
        for k in 0..<30 { paid.append(b.facts.paid[b.invoice(d, issue: k * 10, delay: Int((20 + 2 * rng.normal()).rounded()))]) }
        let filler = b.debtor("B")
        b.history(filler, count: 30, every: 10, mean: 5, sd: 2, rng: &rng)
        if history {
            for k in 0..<4 {
                if let status {
                    b.facts.addPromise(debtor: d, until: b.day(353 + 10 * k), made: b.day(350 + 10 * k), kept: status, settled: b.day(settled))
                } else if kept {
                    let day = Day(daysSinceEpoch: paid[5 * k + 5])
                    b.facts.addPromise(debtor: d, until: day, made: day.adding(days: -2))
                } else {
                    b.facts.addPromise(debtor: d, until: b.day(353 + 10 * k), made: b.day(350 + 10 * k))
                }
            }
        }
        let open = b.invoice(d, issue: 350, delay: nil)
        b.facts.addPromise(debtor: d, until: b.day(410), made: b.day(400))
        return (b, open)
    }

    @Test("a debtor whose promises were kept is forecast to pay on the day it promised")
    func kept() {
        let (b, open) = PromiseTests.ledger(kept: true)
        let origin = b.day(401).daysSinceEpoch
        let learnt = LearntModel(facts: b.facts, origin: origin)
        #expect(learnt.promises.open[0]?.until == b.day(410).daysSinceEpoch)
        let q = learnt.outlook(open, on: origin, partlyPaid: false, through: origin).deciles()
        #expect(q.p50 == b.day(410).daysSinceEpoch)
        let days = learnt.outlook(open, on: origin, partlyPaid: false, through: origin)
        #expect(days.paidBy(day: b.day(410).daysSinceEpoch) - days.paidBy(day: b.day(409).daysSinceEpoch) > 0.5)
    }

    @Test("kept promises weigh more than none, none more than broken ones; a promise made later is not known")
    func weights() {
        let origin = PromiseTests.ledger(kept: true).b.day(401).daysSinceEpoch
        let kept = PromiseRecord(facts: PromiseTests.ledger(kept: true).b.facts, origin: origin).open[0]?.weight ?? 0
        let none = PromiseRecord(facts: PromiseTests.ledger(kept: true, history: false).b.facts, origin: origin).open[0]?.weight ?? 0
        let broken = PromiseRecord(facts: PromiseTests.ledger(kept: false).b.facts, origin: origin).open[0]?.weight ?? 1
        #expect(abs(kept - 0.9 * 4.5 / 6) < 1e-9 && abs(none - 0.225) < 1e-9 && abs(broken - 0.9 * 0.5 / 6) < 1e-9)
        let (b, open) = PromiseTests.ledger(kept: false)
        let learnt = LearntModel(facts: b.facts, origin: origin)
        #expect(learnt.outlook(open, on: origin, partlyPaid: false, through: origin).deciles().p50 != b.day(410).daysSinceEpoch,
                "a debtor who broke its promises is not believed")
        let before = PromiseTests.ledger(kept: true).b.day(399).daysSinceEpoch
        #expect(PromiseRecord(facts: PromiseTests.ledger(kept: true).b.facts, origin: before).open[0] == nil)
    }

    @Test("a promise's status in the ledger decides, from the day it was set: a backtest before that day sees it open")
    func liveStatus() {
        let origin = PromiseTests.ledger(kept: false).b.day(401).daysSinceEpoch
        func weight(_ status: Bool, settled: Int) -> Double {
            PromiseRecord(facts: PromiseTests.ledger(kept: false, status: status, settled: settled).b.facts, origin: origin).open[0]?.weight ?? -1
        }
        // Broken by the payments (none came), but the ledger says kept: the status wins.
        #expect(abs(weight(true, settled: 395) - 0.9 * 4.5 / 6) < 1e-9)
        #expect(abs(weight(false, settled: 395) - 0.9 * 0.5 / 6) < 1e-9)
        // Set after the origin: not known then, so no earlier promise counts either way.
        #expect(abs(weight(true, settled: 402) - 0.225) < 1e-9)
        #expect(abs(weight(false, settled: 402) - 0.225) < 1e-9)
    }

    @Test("promises are read from promise_to_pay by its debtor, date and creation time")
    func read() throws {
        let t = try TempStore()
        try t.ingest(.debtors, "debtors.csv", "debtor_id,name,kind,language\nA,Alpha NV,b2b,nl")
        try t.store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO promise_to_pay (debtor_id, until, note, created_at)
                VALUES ((SELECT id FROM debtor WHERE debtor_key = 'A'), '2026-04-10', 'by phone', '2026-03-30T09:12:00.000Z')
                """)
        }
        let f = try t.facts(asOf: "2026-03-31")
        #expect(f.promiseDebtor == [0])
        #expect(f.promiseUntil == [Day(iso: "2026-04-10")!.daysSinceEpoch] && f.promiseMade == [Day(iso: "2026-03-30")!.daysSinceEpoch])
        #expect(f.promiseKept == [nil] && f.promiseSettled == [LedgerFacts.unpaid])
    }

    @Test("a promise's status, the day it was set and the day it was made are read from promise_to_pay")
    func readStatus() throws {
        let t = try TempStore()
        try t.ingest(.debtors, "debtors.csv", "debtor_id,name,kind,language\nA,Alpha NV,b2b,nl")
        try t.store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO promise_to_pay (debtor_id, until, created_at, made_on, status, status_on)
                VALUES ((SELECT id FROM debtor WHERE debtor_key = 'A'), '2026-03-10', '2026-03-02T09:12:00.000Z', '2026-03-01', 'kept', '2026-03-12'),
                       ((SELECT id FROM debtor WHERE debtor_key = 'A'), '2026-03-20', '2026-03-15T09:12:00.000Z', NULL, 'broken', NULL)
                """)
        }
        let f = try t.facts(asOf: "2026-03-31")
        #expect(f.promiseMade == [Day(iso: "2026-03-01")!.daysSinceEpoch, Day(iso: "2026-03-15")!.daysSinceEpoch])
        #expect(f.promiseKept == [true, false])
        #expect(f.promiseSettled == [Day(iso: "2026-03-12")!.daysSinceEpoch, Day(iso: "2026-03-23")!.daysSinceEpoch],
                "a status without its day counts from the end of the grace")
    }
}
