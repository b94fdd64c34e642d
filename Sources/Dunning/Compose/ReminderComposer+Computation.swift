import Foundation
import Ledger
import Store

extension ReminderComposer {
    /// The computation behind every amount, as JSON with a fixed key order.
    static func computation(_ plan: DebtorPlan, ladder: Ladder, step: Ladder.Step, asOf: Day, payBy: Day, announced: Int64,
                            reminderFees: Int64, rules: ClaimRules) -> String {
        computationFacts(plan, ladder: ladder, step: step, asOf: asOf, payBy: payBy, announced: announced, reminderFees: reminderFees,
                         rules: rules).json()
    }

    /// The figures of ``computation(_:ladder:step:asOf:payBy:announced:reminderFees:rules:)``, which
    /// the store writes its stored form from without reading the JSON back (issue 17, twelfth round).
    static func computationFacts(_ plan: DebtorPlan, ladder: Ladder, step: Ladder.Step, asOf: Day, payBy: Day, announced: Int64,
                                 reminderFees: Int64, rules: ClaimRules) -> DunningComputation.Facts {
        let cur = plan.balance.currency
        return DunningComputation.Facts(
            asOf: asOf.description, kind: plan.debtor.kind.rawValue, ladder: "\(ladder.kind.rawValue)/v\(ladder.version)", step: step.name,
            currency: cur.code, balance: plan.balance.decimalString, unapplied: plan.debtor.unapplied.decimalString,
            demanded: plan.demanded.decimalString, interest: plan.interest.decimalString, fees: plan.fees.decimalString,
            reminderFees: Money(minorUnits: reminderFees, currency: cur).decimalString,
            announcedDamages: Money(minorUnits: announced, currency: cur).decimalString, total: plan.total.decimalString,
            payBy: payBy.description, dayCount: rules.dayCount.rawValue, contractRate: rules.contractRate.map { "\($0)" },
            items: plan.items.map { p in
                DunningComputation.FactsItem(
                    number: p.item.number, creditNote: p.item.isCreditNote, open: p.item.open.decimalString, due: p.item.due.description,
                    daysLate: p.daysLate, step: p.stepIndex.map { ladder.steps[$0].name }, advances: p.advances,
                    excluded: p.excluded?.rawValue,
                    claim: p.claim.map { c in
                        DunningComputation.FactsClaim(
                            interest: c.interest.decimalString, flat: c.flatCompensation.decimalString,
                            claimableFrom: c.claimableFrom?.description,
                            periods: c.periods.map {
                                DunningComputation.FactsPeriod(from: $0.from.description, to: $0.to.description, days: $0.days,
                                                               rate: "\($0.rate)", amount: $0.amount.decimalString)
                            },
                            explanation: c.explanation)
                    })
            })
    }
}
