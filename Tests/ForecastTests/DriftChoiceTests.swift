import Foundation
import Ledger
import Testing

@testable import Forecast

/// The drift is learnt only when the ledger's own recent history prefers it (`DriftChoice`).
@Suite("Drift chosen by the ledger")
struct DriftChoiceTests {
    /// 60 debtors paying every 5 days for 600 days; their delays move by `perYear` days a year.
    func ledger(perYear: Double, seed: UInt64) -> LedgerBuilder {
        var rng = SplitMix(state: seed)
        var b = LedgerBuilder()
        for k in 0..<60 {
            let d = b.debtor("D\(k)")
            for issue in stride(from: k % 5, to: 600, by: 5) {
                let mean = Double(k % 6) * 2 + perYear * Double(issue) / 365
                b.invoice(d, issue: issue, delay: Int((mean + 2 * rng.normal()).rounded()))
            }
        }
        return b
    }

    @Test("a ledger whose delays drift keeps the drift; one that does not, leaves it out")
    func choosesByValidation() {
        let drifting = ledger(perYear: -12, seed: 3), steady = ledger(perYear: 0, seed: 3)
        let origin = drifting.day(560).daysSinceEpoch
        let d = LearntModel(facts: drifting.facts, origin: origin).drift
        #expect(d.drift, "a drift of −12 days a year wins the validation: \(d)")
        #expect(d.scored > 100)
        #expect(d.errorWith ?? .infinity < d.errorWithout ?? 0)
        let s = LearntModel(facts: steady.facts, origin: origin)
        #expect(!s.drift.drift, "no drift to learn: \(s.drift)")
        #expect(s.model.trendPerYear == 0)
        #expect(s.model.parametersJSON.contains("\"drift_validation\""))
    }

    @Test("reads nothing after the origin: invoices paid later change neither the choice nor the model")
    func noLeak() {
        let b = ledger(perYear: -12, seed: 4)
        let origin = b.day(500).daysSinceEpoch
        var truncated = b.facts
        for i in 0..<truncated.invoiceCount where truncated.paid[i] > origin && truncated.paid[i] != LedgerFacts.unpaid {
            truncated.paid[i] = LedgerFacts.unpaid
            truncated.firstPaid[i] = LedgerFacts.unpaid
        }
        let full = LearntModel(facts: b.facts, origin: origin), cut = LearntModel(facts: truncated, origin: origin)
        #expect(full.drift == cut.drift)
        #expect(full.model.trendPerYear == cut.model.trendPerYear)
    }

    @Test("a short history keeps the settings' default, and validation can be switched off")
    func defaults() {
        var b = LedgerBuilder()
        let d = b.debtor("ONLY")
        for k in 0..<10 { b.invoice(d, issue: k * 7, delay: 2) }
        let origin = b.day(200).daysSinceEpoch
        let l = LearntModel(facts: b.facts, origin: origin)
        #expect(l.drift == DriftChoice.unvalidated(DelayModel.Settings()))
        var off = DelayModel.Settings()
        off.validateTrend = false
        #expect(DriftChoice.choose(facts: ledger(perYear: 0, seed: 5).facts, origin: origin + 360,
                                   habitSettings: SettlementHabits.Settings(), modelSettings: off).errorWith == nil)
    }

    @Test("a debtor sample keeps every debtor and only their invoices")
    func sample() {
        let b = ledger(perYear: 0, seed: 6)
        let s = b.facts.sample(debtorStep: 3)
        #expect(s.debtorCount == b.facts.debtorCount)
        #expect(s.invoiceCount == (0..<b.facts.invoiceCount).filter { b.facts.debtor[$0] % 3 == 0 }.count)
        #expect(s.debtor.allSatisfy { $0 % 3 == 0 })
    }
}
