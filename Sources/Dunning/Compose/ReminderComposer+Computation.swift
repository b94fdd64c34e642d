import Foundation
import Ledger

extension ReminderComposer {
    /// The computation behind every amount, as JSON with a fixed key order.
    static func computation(_ plan: DebtorPlan, ladder: Ladder, step: Ladder.Step, asOf: Day, payBy: Day, announced: Int64,
                            reminderFees: Int64, rules: ClaimRules) -> String {
        let cur = plan.balance.currency
        var w = JSONWriter()
        w.beginObject()
        w.field("as_of", asOf.description)
        w.field("kind", plan.debtor.kind.rawValue)
        w.field("ladder", "\(ladder.kind.rawValue)/v\(ladder.version)")
        w.field("step", step.name)
        w.field("currency", cur.code)
        w.field("balance", plan.balance.decimalString)
        w.field("unapplied", plan.debtor.unapplied.decimalString)
        w.field("demanded", plan.demanded.decimalString)
        w.field("interest", plan.interest.decimalString)
        w.field("fees", plan.fees.decimalString)
        w.field("reminder_fees", Money(minorUnits: reminderFees, currency: cur).decimalString)
        w.field("announced_damages", Money(minorUnits: announced, currency: cur).decimalString)
        w.field("total", plan.total.decimalString)
        w.field("pay_by", payBy.description)
        w.field("day_count", rules.dayCount.rawValue)
        w.field("contract_rate", rules.contractRate.map { "\($0)" })
        w.key("items")
        w.beginArray()
        for p in plan.items {
            w.beginObject()
            w.field("invoice", p.item.number)
            w.field("credit_note", p.item.isCreditNote)
            w.field("open", p.item.open.decimalString)
            w.field("due", p.item.due.description)
            w.field("days_late", p.daysLate)
            w.field("step", p.stepIndex.map { ladder.steps[$0].name })
            w.field("advances", p.advances)
            w.field("excluded", p.excluded?.rawValue)
            if let c = p.claim {
                w.field("interest", c.interest.decimalString)
                w.field("flat", c.flatCompensation.decimalString)
                w.field("claimable_from", c.claimableFrom?.description)
                w.key("periods")
                w.beginArray()
                for period in c.periods {
                    w.beginObject()
                    w.field("from", period.from.description)
                    w.field("to", period.to.description)
                    w.field("days", period.days)
                    w.field("rate", "\(period.rate)")
                    w.field("amount", period.amount.decimalString)
                    w.endObject()
                }
                w.endArray()
                w.key("explanation")
                w.array(c.explanation)
            }
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.take()
    }
}
