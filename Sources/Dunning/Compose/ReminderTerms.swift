import Foundation
import Ledger

/// What a reminder asks and announces, worked out once from the plan: the payment period, what a
/// consumer's first reminder announces, the rate charged and the fees by kind. Amounts in the
/// plan's currency.
struct ReminderTerms {
    /// The last day of the payment period.
    var payBy: Day
    /// The reminder goes by letter tonight (a consumer's period then counts from the posting).
    var letterSent: Bool
    /// A consumer's flat damages announced by the first reminder (zero otherwise).
    var announcedDamages: Money
    /// The rate a consumer's first reminder announces, in words.
    var announcedRate: String?
    /// The rate charged, in words (that of the first item charged interest).
    var chargedRate: String?
    /// Every rate the interest periods used, ascending.
    var rates: [Decimal]
    /// A consumer's reminder fee for this step (zero for B2B).
    var reminderFees: Money
    /// The other fees: the 2002 law's flat compensation, or a consumer's damages.
    var flatFees: Money
    /// The items charged a flat compensation.
    var flatCount: Int

    /// The terms of `plan` at `step`, sent on `asOf` by `channels`, under the debtor's `rules`.
    init(_ plan: DebtorPlan, step: Ladder.Step, asOf: Day, channels: [Ladder.Channel], paymentDays: Int, rules: ClaimRules) {
        let d = plan.debtor
        let currency = plan.balance.currency
        let fresh = plan.items.filter { $0.advances && $0.item.firstReminder == nil }
        // A consumer's first reminder: the 14-day period, and the damages it announces.
        let firstConsumerReminder = d.kind == .b2c && !fresh.isEmpty
        letterSent = channels.contains(.letter)
        payBy = firstConsumerReminder
            ? ConsumerRules.claimableFrom(firstReminder: asOf, channel: letterSent ? .post : .email).adding(days: -1)
            : asOf.adding(days: paymentDays)
        announcedDamages = firstConsumerReminder ? Self.damages(of: fresh, rules: rules, currency: currency) : Money(minorUnits: 0, currency: currency)
        announcedRate = firstConsumerReminder ? Self.announcedRate(rules: rules, payBy: payBy, language: d.language) : nil
        chargedRate = plan.items.compactMap(\.claim).first { $0.interest.isPositive }?.rateWords(language: d.language)
        rates = Set(plan.items.compactMap(\.claim).flatMap(\.periods).map(\.rate)).sorted()
        let reminderFee = d.kind == .b2c ? (Planner.reminderFee(step, plan.items)?.minorUnits ?? 0) : 0
        reminderFees = Money(minorUnits: reminderFee, currency: currency)
        flatFees = Money(minorUnits: plan.fees.minorUnits - reminderFee, currency: currency)
        flatCount = plan.items.filter { ($0.claim?.flatCompensation.minorUnits ?? 0) > 0 }.count
    }

    /// The rate the letter names: the one announced, else the one charged.
    var rateInWords: String? { announcedRate ?? chargedRate }

    /// A consumer's flat damages on the items reminded for the first time: only with a damages
    /// clause, capped on the reminded balance or per invoice.
    static func damages(of fresh: [PlannedItem], rules: ClaimRules, currency: Currency) -> Money {
        let minor: Int64
        if rules.consumerDamagesBasis == .balance {
            let base = fresh.reduce(Int64(0)) { $0 + $1.item.open.minorUnits }
            minor = ClaimCalculator.consumerDamages(balance: Money(minorUnits: base, currency: currency), rules: rules).minorUnits
        } else {
            minor = fresh.reduce(Int64(0)) { $0 + ClaimCalculator.consumerDamages(balance: $1.item.open, rules: rules).minorUnits }
        }
        return Money(minorUnits: minor, currency: currency)
    }

    /// The rate a consumer's first reminder announces: only a contractual rate, capped at the
    /// 2002-law rate of the half-year the period ends in; while that rate is not published, the cap
    /// is named without a figure.
    static func announcedRate(rules: ClaimRules, payBy: Day, language: String) -> String? {
        guard rules.consumerInterest, let contract = rules.consumerContractRate else { return nil }
        switch try? rules.rates.rate(HalfYear(containing: payBy.adding(days: 1))) {
        case let statutory? where contract > statutory: return RateBasis.consumerCapped.words(language: language, rates: [statutory])
        case .some: return RateBasis.contractual.words(language: language, rates: [contract])
        case nil: return RateBasis.consumerCapped.words(language: language, rates: [])
        }
    }
}

extension Statement {
    /// The statement of `plan`: every item in its section, and the totals under the demanded ones
    /// (unapplied payments, the overdue principal, interest, flat fees, the reminder fee, the total due).
    init(_ plan: DebtorPlan, terms: ReminderTerms, rules: ClaimRules) {
        lines = plan.items.map(StatementLine.init)
        var totals: [StatementTotal] = []
        let d = plan.debtor
        if d.unapplied.isPositive { totals.append(.init(role: .unapplied, amount: d.unapplied.negated, emphasised: false)) }
        totals.append(.init(role: .overdue, amount: plan.demanded, emphasised: plan.interest.isZero && plan.fees.isZero))
        if plan.interest.isPositive {
            totals.append(.init(role: .interest(rateInWords: terms.chargedRate, rates: terms.rates), amount: plan.interest, emphasised: false))
        }
        if terms.flatFees.isPositive {
            let role: StatementTotal.Role = d.kind == .b2b ? .flatCompensation(count: terms.flatCount, each: rules.flatCompensation) : .damages
            totals.append(.init(role: role, amount: terms.flatFees, emphasised: false))
        }
        if terms.reminderFees.isPositive { totals.append(.init(role: .reminderFee, amount: terms.reminderFees, emphasised: false)) }
        if plan.interest.isPositive || plan.fees.isPositive { totals.append(.init(role: .totalDue, amount: plan.total, emphasised: true)) }
        self.totals = totals
    }
}
