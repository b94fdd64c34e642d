import Foundation
import Ledger

/// Honest backtests on the ledger's own history: each forecast uses only what was known on its
/// origin day (invoices paid by then, the debtors' invoices issued by then), and is scored against
/// the payment that came later.
///
/// Known leak: the `disputed` flag is the invoice's state today, the ledger keeps no history of it.
package enum Backtest {
    /// Why a backtest cannot run.
    package struct Problem: Error, CustomStringConvertible {
        package let description: String
    }

    /// Rolling origin: forecasts every invoice open at the end of each origin day, `from` to `to`
    /// every `step` days, as the nightly run would have. Defaults: `to` 90 days before the last
    /// payment, `from` a year before `to` (never in the ledger's first 180 days), every 28 days.
    package static func rollingOrigin(_ facts: LedgerFacts, from: Day?, to: Day?, step: Int = 28) throws -> BacktestReport {
        try rollingOrigin(facts, from: from, to: to, step: step, habits: SettlementHabits.Settings())
    }

    /// The same with the habit learning's and the delay model's settings (a test switches the habits
    /// off to measure them; an experiment tries other model settings).
    static func rollingOrigin(_ facts: LedgerFacts, from: Day?, to: Day?, step: Int,
                              habits: SettlementHabits.Settings,
                              model: DelayModel.Settings = DelayModel.Settings()) throws -> BacktestReport {
        var first = Int32.max, last = Int32.min
        for i in 0..<facts.invoiceCount {
            first = min(first, facts.issue[i])
            if facts.paid[i] != LedgerFacts.unpaid && facts.paid[i] != LedgerFacts.unknownDay { last = max(last, facts.paid[i]) }
        }
        guard last > Int32.min else { throw Problem(description: "the ledger has no paid invoice to learn from or score against") }
        let end = to?.daysSinceEpoch ?? (last - 90)
        let start = from?.daysSinceEpoch ?? max(first + 180, end - 364)
        guard start <= end else {
            throw Problem(description: "no origin between \(Day(daysSinceEpoch: start)) and \(Day(daysSinceEpoch: end)); "
                + "the ledger's history is too short (give --from and --to)")
        }
        var report = emptyReport("", origins: [])
        var origin = start
        while origin <= end {
            let fitted = FittedModel(facts: facts, origin: origin, habits: habits, model: model)
            for i in 0..<facts.invoiceCount where facts.isOpen(i, on: origin) {
                if facts.paid[i] == LedgerFacts.unpaid { report.unscored += 1; continue }
                score(&report, fitted, i, on: origin, partlyPaid: facts.firstPaid[i] <= origin)
            }
            report.origins.append(origin)
            origin += Int32(max(1, step))
        }
        report.protocolDescription = "Rolling origin: \(report.origins.count) origins from \(Day(daysSinceEpoch: start)) "
            + "to \(Day(daysSinceEpoch: report.origins.last ?? start)) every \(step) days; every invoice open at the end of an "
            + "origin day is forecast from what was known then"
        return report
    }

    /// Issue-date split: learns from the invoices issued and paid before `split`, forecasts each
    /// invoice issued from `split` on (to `to` when given) on its issue day, before any payment that
    /// day. This is the protocol of the public IBM benchmark (docs/FORECAST.md).
    package static func issueDateSplit(_ facts: LedgerFacts, split: Day, to: Day? = nil) -> BacktestReport {
        issueDateSplit(facts, split: split, to: to, habits: SettlementHabits.Settings())
    }

    /// The same with the habit learning's and the delay model's settings.
    static func issueDateSplit(_ facts: LedgerFacts, split: Day, to: Day?, habits: SettlementHabits.Settings,
                               model: DelayModel.Settings = DelayModel.Settings()) -> BacktestReport {
        let origin = split.daysSinceEpoch - 1
        let end = to?.daysSinceEpoch ?? Int32.max
        let fitted = FittedModel(facts: facts, origin: origin, habits: habits, model: model)
        var report = emptyReport("", origins: [origin])
        for i in 0..<facts.invoiceCount where facts.issue[i] > origin && facts.issue[i] <= end {
            if facts.paid[i] == LedgerFacts.unpaid { report.unscored += 1; continue }
            if facts.paid[i] == LedgerFacts.unknownDay { continue }
            score(&report, fitted, i, on: facts.issue[i] - 1, partlyPaid: false)
        }
        report.protocolDescription = "Issue-date split at \(split): learnt from \(fitted.learnt.training.rowCount) invoices issued and "
            + "paid before it; each invoice issued from \(split) on" + (to.map { " to \($0)" } ?? "")
            + " is forecast on its issue day"
        return report
    }

    private static func emptyReport(_ text: String, origins: [Int32]) -> BacktestReport {
        BacktestReport(protocolDescription: text, origins: origins, unscored: 0,
                       model: BacktestMetrics(name: "relance (\(DelayModel.name))", hasInterval: true),
                       dueDate: BacktestMetrics(name: "pay on the due date", hasInterval: false),
                       debtorMedian: BacktestMetrics(name: "debtor's median delay", hasInterval: true))
    }

    /// Scores the model and both baselines on invoice `i`, forecast at the end of `day` (unpaid then),
    /// overall and in its horizon's and its segment's rows.
    private static func score(_ report: inout BacktestReport, _ f: FittedModel, _ i: Int, on day: Int32, partlyPaid: Bool) {
        let facts = f.learnt.facts, due = facts.due[i]
        let actual = Int(facts.paid[i] - due)
        let earliest = Int(day - due) + 1
        let q = f.learnt.outlook(i, on: day, partlyPaid: partlyPaid, through: day).deciles()
        let model = (p10: Int(q.p10 - due), p50: Int(q.p50 - due), p90: Int(q.p90 - due))
        report.model.add(p50: model.p50, p10: model.p10, p90: model.p90, actual: actual)
        report.dueDate.add(p50: max(0, earliest), actual: actual)
        let b = f.baseline.quantiles(debtor: Int(facts.debtor[i]))
        let median = (p10: max(b.p10, earliest), p50: max(b.p50, earliest), p90: max(b.p90, earliest))
        report.debtorMedian.add(p50: median.p50, p10: median.p10, p90: median.p90, actual: actual)
        let horizon = due - day
        let h = horizon < 0 ? 3 : (horizon <= 7 ? 0 : (horizon <= 30 ? 1 : 2))
        let kind = facts.debtorIsConsumer[Int(facts.debtor[i])] ? 5 : 4
        let history = f.learnt.model.paidCount[Int(facts.debtor[i])] < 5 ? 6 : 7
        for g in [h, kind, history] {
            report.groups[g].model.add(p50: model.p50, p10: model.p10, p90: model.p90, actual: actual)
            report.groups[g].debtorMedian.add(p50: median.p50, p10: median.p10, p90: median.p90, actual: actual)
        }
    }
}

/// A model learnt on one origin day, with the baseline it is compared with.
struct FittedModel {
    let learnt: LearntModel
    let baseline: MedianBaseline

    init(facts: LedgerFacts, origin: Int32, habits: SettlementHabits.Settings = SettlementHabits.Settings(),
         model: DelayModel.Settings = DelayModel.Settings()) {
        learnt = LearntModel(facts: facts, origin: origin, habitSettings: habits, modelSettings: model)
        baseline = MedianBaseline(learnt.training)
    }
}

/// The baseline "the debtor's median delay": each debtor's median delay so far (the ledger's when
/// it has none), and its 10th and 90th percentiles (nearest rank) once it has `minimumHistory` (5)
/// paid invoices, the ledger's before.
struct MedianBaseline {
    static let minimumHistory = 5
    private var perDebtor: [(p10: Int, p50: Int, p90: Int)?]
    private var ledger: (p10: Int, p50: Int, p90: Int)

    init(_ t: TrainingSet) {
        func ranks(_ sorted: [Float]) -> (p10: Int, p50: Int, p90: Int) {
            func at(_ q: Double) -> Int {
                let k = min(sorted.count - 1, max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1))
                return Int(sorted[k])
            }
            return (at(0.1), at(0.5), at(0.9))
        }
        let all = t.delay.sorted()
        let ledger = all.isEmpty ? (p10: 0, p50: 0, p90: 0) : ranks(all)
        self.ledger = ledger
        perDebtor = (0..<t.debtorCount).map { c in
            let rows = t.rowStart[c]..<t.rowStart[c + 1]
            guard !rows.isEmpty else { return nil }
            let own = ranks(t.delay[rows].sorted())
            return rows.count >= MedianBaseline.minimumHistory ? own : (ledger.p10, own.p50, ledger.p90)
        }
    }

    func quantiles(debtor c: Int) -> (p10: Int, p50: Int, p90: Int) {
        (c < perDebtor.count ? perDebtor[c] : nil) ?? ledger
    }
}
