import Foundation
import Ledger
import Testing

@testable import Forecast

/// The delay model on synthetic ledgers whose truth is known.
@Suite("Delay model")
struct DelayModelTests {
    /// A ledger of 40 debtors with various habits, and the debtors under test.
    func ledger(_ rng: inout SplitMix) -> LedgerBuilder {
        var b = LedgerBuilder()
        for k in 0..<40 {
            let d = b.debtor("D\(k)")
            b.history(d, count: 20, from: k, mean: Double(k % 5) * 2, sd: 3, rng: &rng)
        }
        return b
    }

    func forecast(_ b: LedgerBuilder, asOf: Int) -> ForecastResult {
        Forecaster.forecast(b.facts, asOf: b.day(asOf))
    }

    func delays(_ r: ForecastResult, _ b: LedgerBuilder, invoice i: Int) throws -> (p10: Int, p50: Int, p90: Int) {
        let f = try #require(r.invoices.first { $0.invoiceID == b.facts.invoiceIDs[i] })
        let due = b.facts.due[i]
        return (Int(f.p10.daysSinceEpoch - due), Int(f.p50.daysSinceEpoch - due), Int(f.p90.daysSinceEpoch - due))
    }

    @Test("learns a debtor's habit from its own history, early payment included")
    func habit() throws {
        var rng = SplitMix(state: 1)
        var b = ledger(&rng)
        let late = b.debtor("LATE"), early = b.debtor("EARLY")
        b.history(late, count: 40, mean: 12, sd: 2, rng: &rng)
        b.history(early, count: 40, mean: -6, sd: 1, rng: &rng)
        let i = b.invoice(late, issue: 300, delay: nil), j = b.invoice(early, issue: 300, delay: nil)
        let r = forecast(b, asOf: 300)
        let l = try delays(r, b, invoice: i), e = try delays(r, b, invoice: j)
        #expect((10...14).contains(l.p50))
        #expect((-8...(-4)).contains(e.p50), "early payment is not floored at the due date")
        #expect(l.p10 < l.p50 && l.p50 < l.p90)
    }

    @Test("shrinks a debtor with little history toward its segment, in proportion to how little is known")
    func shrinkage() throws {
        var rng = SplitMix(state: 2)
        var b = ledger(&rng)
        let one = b.debtor("ONE"), many = b.debtor("MANY")
        b.invoice(one, issue: 10, delay: 40)
        b.history(many, count: 40, mean: 40, sd: 2, rng: &rng)
        let i = b.invoice(one, issue: 300, delay: nil), j = b.invoice(many, issue: 300, delay: nil)
        let r = forecast(b, asOf: 300)
        let p1 = try delays(r, b, invoice: i).p50, p2 = try delays(r, b, invoice: j).p50
        #expect(p1 > 8 && p1 < p2 - 3, "one paid invoice moves the forecast, but not all the way: \(p1)")
        #expect((37...43).contains(p2))
    }

    @Test("a debtor without history borrows from its segment")
    func coldStart() throws {
        var rng = SplitMix(state: 3)
        var b = ledger(&rng)
        for k in 0..<30 {
            let c = b.debtor("C\(k)", consumer: true, language: "fr")
            b.history(c, count: 10, from: k, mean: 25, sd: 3, rng: &rng)
        }
        let newConsumer = b.debtor("NEWC", consumer: true, language: "fr"), newCompany = b.debtor("NEWB")
        let i = b.invoice(newConsumer, issue: 300, delay: nil), j = b.invoice(newCompany, issue: 300, delay: nil)
        let r = forecast(b, asOf: 300)
        let consumer = try delays(r, b, invoice: i).p50, company = try delays(r, b, invoice: j).p50
        #expect(consumer > company + 10)
        let score = try #require(r.debtors.first { $0.debtorKey == "NEWC" })
        #expect(score.paidInvoices == 0)
        #expect(score.reasons.contains { $0.hasPrefix("no payment history yet: judged like similar debtors (consumers, fr") })
    }

    @Test("an invoice still unpaid 40 days after its due date is forecast from the as-of day on")
    func survival() throws {
        var rng = SplitMix(state: 4)
        var b = ledger(&rng)
        let d = b.debtor("PROMPT")
        b.history(d, count: 40, mean: 2, sd: 2, rng: &rng)
        let old = b.invoice(d, issue: 230, delay: nil), fresh = b.invoice(d, issue: 300, delay: nil)
        let asOf = 300
        let r = forecast(b, asOf: asOf)
        let f = try #require(r.invoices.first { $0.invoiceID == b.facts.invoiceIDs[old] })
        #expect(f.p10 > b.day(asOf))
        #expect(f.paidByDue == 0 && f.paidByDue30 == 0)
        #expect(f.p90 > f.p10)
        let n = try #require(r.invoices.first { $0.invoiceID == b.facts.invoiceIDs[fresh] })
        #expect(n.paidByDue30 > 0.95)
        #expect(n.paidByDue <= n.paidByDue30 && n.paidByDue30 <= n.paidByDue60)
    }

    @Test("a dispute pushes the forecast out as the ledger's disputes did")
    func dispute() throws {
        var rng = SplitMix(state: 5)
        var b = ledger(&rng)
        let d = b.debtor("DISP")
        for k in 0..<40 {
            let disputed = k % 4 == 0
            b.invoice(d, issue: k * 7, delay: disputed ? 30 + k % 3 : 1 + k % 3, disputed: disputed)
        }
        let plain = b.invoice(d, issue: 300, delay: nil), contested = b.invoice(d, issue: 300, delay: nil, disputed: true)
        let r = forecast(b, asOf: 300)
        let c = try delays(r, b, invoice: contested).p50, p = try delays(r, b, invoice: plain).p50
        #expect(c >= p + 20)
    }

    @Test("invoices that go badly now and then show as the late regime and in the reasons")
    func lateRegime() throws {
        var rng = SplitMix(state: 6)
        var b = ledger(&rng)
        let d = b.debtor("MOODY")
        for k in 0..<60 { b.invoice(d, issue: k * 5, delay: k % 3 == 0 ? 35 + k % 4 : k % 3) }
        b.invoice(d, issue: 300, delay: nil)
        let r = forecast(b, asOf: 300)
        let s = try #require(r.debtors.first { $0.debtorKey == "MOODY" })
        #expect(s.lateShare > 0.2 && s.lateShare < 0.5)
        #expect(s.reasons.contains { $0.hasPrefix("about 3 in 10 invoices go badly: paid some") })
    }

    @Test("the same ledger and day give the same forecast, bit for bit")
    func deterministic() {
        var rng = SplitMix(state: 7)
        var b = ledger(&rng)
        for k in 0..<40 { b.invoice(Int32(k), issue: 290, delay: nil, amount: Int64(1_000 + k * 37)) }
        let r1 = forecast(b, asOf: 300), r2 = forecast(b, asOf: 300)
        #expect(r1.invoices == r2.invoices)
        #expect(r1.debtors == r2.debtors)
        #expect(r1.cash == r2.cash)
        #expect(r1.parameters == r2.parameters)
    }

    @Test("an empty ledger, and one without any payment yet, still forecast")
    func noHistory() throws {
        #expect(Forecaster.forecast(LedgerFacts(), asOf: Day(year: 2026, month: 1, day: 1)!).invoices.isEmpty)
        var b = LedgerBuilder()
        let d = b.debtor("NEW")
        let i = b.invoice(d, issue: 0, delay: nil)
        let r = Forecaster.forecast(b.facts, asOf: b.day(5))
        let f = try #require(r.invoices.first)
        #expect(f.invoiceID == b.facts.invoiceIDs[i])
        #expect(f.p10 <= f.p50 && f.p50 <= f.p90 && f.p10 > b.day(5))
        #expect(r.paidInvoices == 0)
    }
}
