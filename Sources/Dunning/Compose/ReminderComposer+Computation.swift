import Foundation
import Ledger

extension ReminderComposer {
    /// The computation behind every amount, as JSON with a fixed key order.
    static func computation(_ plan: DebtorPlan, ladder: Ladder, step: Ladder.Step, asOf: Day, payBy: Day, announced: Int64,
                            reminderFees: Int64, rules: ClaimRules) -> String {
        func money(_ m: Money) -> String { JSONText.quoted(m.decimalString) }
        func list(_ xs: [String]) -> String { "[" + xs.joined(separator: ",") + "]" }
        let items = plan.items.map { p -> String in
            var fields = [
                "\"invoice\":\(JSONText.quoted(p.item.number))", "\"credit_note\":\(p.item.isCreditNote)",
                "\"open\":\(money(p.item.open))", "\"due\":\(JSONText.quoted(p.item.due.description))", "\"days_late\":\(p.daysLate)",
                "\"step\":\(p.stepIndex.map { JSONText.quoted(ladder.steps[$0].name) } ?? "null")", "\"advances\":\(p.advances)",
                "\"excluded\":\(p.excluded.map { JSONText.quoted($0.rawValue) } ?? "null")",
            ]
            if let c = p.claim {
                fields.append("\"interest\":\(money(c.interest))")
                fields.append("\"flat\":\(money(c.flatCompensation))")
                fields.append("\"claimable_from\":\(c.claimableFrom.map { JSONText.quoted($0.description) } ?? "null")")
                fields.append("\"periods\":" + list(c.periods.map {
                    "{\"from\":\"\($0.from)\",\"to\":\"\($0.to)\",\"days\":\($0.days),\"rate\":\(JSONText.quoted("\($0.rate)")),\"amount\":\(money($0.amount))}"
                }))
                fields.append("\"explanation\":" + list(c.explanation.map(JSONText.quoted)))
            }
            return "{" + fields.joined(separator: ",") + "}"
        }
        let cur = plan.balance.currency
        let fields = [
            "\"as_of\":\"\(asOf)\"", "\"kind\":\"\(plan.debtor.kind.rawValue)\"", "\"ladder\":\"\(ladder.kind.rawValue)/v\(ladder.version)\"",
            "\"step\":\(JSONText.quoted(step.name))", "\"currency\":\"\(cur.code)\"", "\"balance\":\(money(plan.balance))",
            "\"unapplied\":\(money(plan.debtor.unapplied))", "\"demanded\":\(money(plan.demanded))", "\"interest\":\(money(plan.interest))", "\"fees\":\(money(plan.fees))",
            "\"reminder_fees\":\(money(Money(minorUnits: reminderFees, currency: cur)))",
            "\"announced_damages\":\(money(Money(minorUnits: announced, currency: cur)))", "\"total\":\(money(plan.total))",
            "\"pay_by\":\"\(payBy)\"", "\"day_count\":\"\(rules.dayCount.rawValue)\"",
            "\"contract_rate\":\(rules.contractRate.map { JSONText.quoted("\($0)") } ?? "null")", "\"items\":" + list(items),
        ]
        return "{" + fields.joined(separator: ",") + "}"
    }
}
