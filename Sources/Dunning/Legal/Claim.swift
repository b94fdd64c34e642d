import Foundation
import Ledger
import Store  // ReminderChannel, stored in dunning_state

/// Who owes: an enterprise (Law of 2 August 2002) or a consumer (Book XIX of the Code of Economic Law).
package enum DebtorKind: String, Sendable, CaseIterable {
    case b2b, b2c
}

/// How interest days are counted against the year (belgian-rules.md §1.3: 365 is practice, UNCONFIRMED as law).
package enum DayCount: String, Sendable, CaseIterable {
    /// Actual days / 365, leap years included (the default).
    case actual365 = "actual/365"
    /// Actual days / actual days of the year the period falls in (366 in leap years).
    case actualActual = "actual/actual"
}

/// Where a consumer's flat damages are capped (art. XIX.4 gives the brackets by "outstanding balance").
package enum ConsumerDamagesBasis: String, Sendable, CaseIterable {
    /// Once per reminder, on the outstanding balance of the reminded debt (the default).
    case balance
    /// Once per late invoice, each on its own open amount.
    case invoice
}

/// Settings of the legal computation. `ClaimRules()` is the maximum the law allows (what
/// `relance claim` shows); a workspace's rules come from `init(rates:b2bContractRate:…)`, whose
/// consumer defaults are the conservative ones (no clause: no damages, no interest).
package struct ClaimRules: Sendable, Equatable {
    package var rates: RateTable = .belgian
    package var dayCount: DayCount = .actual365
    /// Apply each half-year's rate to its days (default) or freeze the rate of the half-year after the due date.
    package var splitByHalfYear = true
    /// A contractual B2B rate (percent) replacing the statutory one (art. 5): never against a public authority.
    package var contractRate: Decimal? = nil
    /// The flat B2B recovery compensation per late invoice (€40, art. 6), or a lower contractual amount.
    package var flatCompensation = Money.eur(cents: 4_000)
    /// Consumers: claim late interest after the waiting period.
    package var consumerInterest = true
    /// Consumers: the contractual rate of the creditor's terms, capped at each half-year's 2002-law
    /// rate (art. XIX.4); nil: the cap itself.
    package var consumerContractRate: Decimal? = nil
    /// Consumers: claim the flat damages (capped by the balance brackets) after the waiting period;
    /// only when the creditor's terms contain a damages clause.
    package var consumerFlatDamages = true
    /// Consumers: a lower contractual flat amount than the cap.
    package var consumerFlatDamagesLimit: Money? = nil
    /// Consumers: cap the flat damages on the reminded balance (once per reminder) or per invoice.
    package var consumerDamagesBasis = ConsumerDamagesBasis.balance

    package init() {}

    /// A workspace's rules (`[legal]` in relance.toml): the company-wide B2B contractual rate; for
    /// consumers, interest only at a contractual rate (capped) and flat damages only with a damages clause.
    package init(rates: RateTable, b2bContractRate: Decimal?, b2cContractRate: Decimal?, b2cDamagesClause: Bool,
                b2cDamagesBasis: ConsumerDamagesBasis) {
        self.rates = rates
        contractRate = b2bContractRate
        consumerContractRate = b2cContractRate
        consumerInterest = b2cContractRate != nil
        consumerFlatDamages = b2cDamagesClause
        consumerDamagesBasis = b2cDamagesBasis
    }

    /// The rules for one debtor: its own contractual rate (the `debtor.interest_rate_percent` column)
    /// replaces the company's for an enterprise, and no contractual rate is applied to a public
    /// authority (art. 5: the statutory rate applies whatever the contract says).
    package func forDebtor(kind: DebtorKind, contractRate debtorRate: Decimal?, publicAuthority: Bool = false) -> ClaimRules {
        var r = self
        if kind == .b2b {
            r.contractRate = publicAuthority ? nil : (debtorRate ?? contractRate)
        } else if let debtorRate {
            r.consumerContractRate = debtorRate
            r.consumerInterest = true
        }
        return r
    }
}

/// One stretch of days at one rate.
package struct InterestPeriod: Sendable, Equatable {
    /// First day of interest (inclusive) and last day (inclusive).
    package var from: Day
    package var to: Day
    package var days: Int
    /// Percent per year.
    package var rate: Decimal
    /// Unrounded amount in major units.
    package var exact: Decimal
    /// The amount rounded for display (the total is rounded once from the exact sum).
    package var amount: Money
}

/// What may be claimed on one debt on a day, with how it was computed.
package struct ClaimResult: Sendable, Equatable {
    package var kind: DebtorKind
    package var principal: Money
    package var due: Day
    package var asOf: Day
    package var periods: [InterestPeriod]
    package var interest: Money
    /// B2B: the flat €40; B2C: the capped flat damages (zero before `claimableFrom`).
    package var flatCompensation: Money
    package var total: Money
    /// B2C only: the first day interest and damages may be claimed.
    package var claimableFrom: Day?
    /// B2C only: the flat damages the first reminder must announce (claimable from `claimableFrom`).
    package var announcedDamages: Money?
    /// How each amount was reached, in words, stored with reminder events.
    package var explanation: [String]
    /// The rate the interest was computed at; nil when no interest was computed.
    package var rateBasis: RateBasis? = nil

    /// The rate actually charged, in words, for a letter in `language`; nil without interest.
    package func rateWords(language: String) -> String? {
        guard let basis = rateBasis, !periods.isEmpty else { return nil }
        var seen: [Decimal] = []
        for p in periods where !seen.contains(p.rate) { seen.append(p.rate) }
        return basis.words(language: language, rates: seen)
    }
}

/// Why a claim, a plan or a reminder could not be computed: each case carries the facts, and
/// ``description`` says what is wrong and how to fix it.
package enum ClaimError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The principal is zero or negative.
    case principalNotPositive
    /// A consumer (B2C) claim without the first reminder's day or channel, which start its 14-day period.
    case consumerNeedsFirstReminder
    /// No ladder for a debtor of this kind.
    case noLadder(DebtorKind)
    /// A ladder step that sends something names no template (the step's name).
    case stepWithoutTemplate(step: String)

    package var description: String {
        switch self {
        case .principalNotPositive: "the principal must be above zero"
        case .consumerNeedsFirstReminder:
            "a consumer claim needs the first reminder's day and channel (--first-reminder, --channel)"
        case .noLadder(let kind):
            "no \(kind.rawValue) ladder; add ladder-\(kind.rawValue).toml to the workspace (`relance config check` lists the files)"
        case .stepWithoutTemplate(let step):
            "step \(step) has no template; give it `template = \"…\"` in its ladder file (`relance config check` names the file)"
        }
    }
}

/// The legal calculator: the same code serves `relance claim` and the letters.
package enum ClaimCalculator {
    /// Computes what may be claimed on `principal`, due on `due`, on `asOf`.
    ///
    /// B2B: interest from the day after the due date to `asOf` inclusive, per half-year rate (or the
    /// contractual rate), simple, on the amount incl. VAT, plus the flat compensation once late. B2C:
    /// nothing before the 14-day period after the first reminder has run (`firstReminder` and
    /// `channel` required); then the flat damages of this one debt (when the terms have a damages
    /// clause; `consumerDamages` caps them on a reminder's whole balance) and interest at the
    /// contractual rate capped at the 2002-law rate, from the day after the period.
    ///
    /// Throws `RateTable.MissingRate` (as that type) when a half-year it needs has no rate, and
    /// `ClaimError` for anything else.
    package static func compute(
        kind: DebtorKind, principal: Money, due: Day, asOf: Day, firstReminder: Day? = nil,
        channel: ReminderChannel? = nil, rules: ClaimRules = ClaimRules()
    ) throws -> ClaimResult {
        guard principal.isPositive else { throw ClaimError.principalNotPositive }
        let cur = principal.currency
        var explanation: [String] = []
        let zero = Money.zero(cur)
        switch kind {
        case .b2b:
            guard asOf > due else {
                return ClaimResult(kind: kind, principal: principal, due: due, asOf: asOf, periods: [], interest: zero,
                                   flatCompensation: zero, total: principal, claimableFrom: nil, announcedDamages: nil,
                                   explanation: ["not late on \(asOf): due \(due)"])
            }
            let (periods, basis) = try interest(on: principal, from: due.adding(days: 1), to: asOf, consumer: false, rules: rules,
                                                explanation: &explanation)
            let interest = MoneyRounding.round(periods.reduce(Decimal(0)) { $0 + $1.exact }, cur)
            explanation.append("interest \(interest.decimalString) = the periods' exact sum, \(MoneyRounding.mode)")
            let flat = rules.flatCompensation.currency == cur ? rules.flatCompensation : zero
            explanation.append("flat recovery compensation \(flat.decimalString) (law of 2 August 2002, art. 6)")
            let total = Money(minorUnits: principal.minorUnits + interest.minorUnits + flat.minorUnits, currency: cur)
            return ClaimResult(kind: kind, principal: principal, due: due, asOf: asOf, periods: periods, interest: interest,
                               flatCompensation: flat, total: total, claimableFrom: nil, announcedDamages: nil, explanation: explanation,
                               rateBasis: basis)
        case .b2c:
            guard let sent = firstReminder, let channel else {
                throw ClaimError.consumerNeedsFirstReminder
            }
            let from = ConsumerRules.claimableFrom(firstReminder: sent, channel: channel)
            explanation.append("first reminder \(sent) by \(channel.rawValue): the 14-day period ends \(from.adding(days: -1)); costs may be claimed from \(from) (Book XIX, art. XIX.2)")
            let announced = consumerDamages(balance: principal, rules: rules)
            if rules.consumerFlatDamages {
                explanation.append("flat damages capped at \(announced.decimalString) for a balance of \(principal.decimalString) (art. XIX.4)")
            } else {
                explanation.append("no flat damages: the terms contain no damages clause ([legal] b2c_damages_clause = false)")
            }
            guard asOf >= from else {
                explanation.append("nothing may be claimed on \(asOf)")
                return ClaimResult(kind: kind, principal: principal, due: due, asOf: asOf, periods: [], interest: zero,
                                   flatCompensation: zero, total: principal, claimableFrom: from, announcedDamages: announced,
                                   explanation: explanation)
            }
            var periods: [InterestPeriod] = []
            var basis: RateBasis? = nil
            if rules.consumerInterest {
                let start = max(from, due.adding(days: 1))
                if asOf >= start {
                    (periods, basis) = try interest(on: principal, from: start, to: asOf, consumer: true, rules: rules,
                                                    explanation: &explanation)
                }
            } else {
                explanation.append("no interest: the terms set no contractual rate ([legal] b2c_contract_rate)")
            }
            let interest = MoneyRounding.round(periods.reduce(Decimal(0)) { $0 + $1.exact }, cur)
            if !periods.isEmpty { explanation.append("interest \(interest.decimalString) at most at the 2002-law rate (art. XIX.4), \(MoneyRounding.mode)") }
            let total = Money(minorUnits: principal.minorUnits + interest.minorUnits + announced.minorUnits, currency: cur)
            return ClaimResult(kind: kind, principal: principal, due: due, asOf: asOf, periods: periods, interest: interest,
                               flatCompensation: announced, total: total, claimableFrom: from, announcedDamages: announced,
                               explanation: explanation, rateBasis: basis)
        }
    }

    /// A consumer's flat damages on `balance`: zero without a damages clause, else the art. XIX.4
    /// cap (or the lower contractual amount). The planner calls it once per reminder on the reminded
    /// balance (`consumerDamagesBasis == .balance`), or per invoice on its open amount (`.invoice`).
    package static func consumerDamages(balance: Money, rules: ClaimRules) -> Money {
        guard rules.consumerFlatDamages, balance.isPositive else { return .zero(balance.currency) }
        var cap = ConsumerRules.flatDamagesCap(balance: balance)
        if let limit = rules.consumerFlatDamagesLimit, limit.currency == balance.currency, limit.minorUnits < cap.minorUnits { cap = limit }
        return cap
    }

    /// Simple interest from `from` to `to` (both inclusive), split at half-year boundaries, and the
    /// basis of the rate used. A consumer's contractual rate is capped per half-year at the 2002-law rate.
    static func interest(on principal: Money, from: Day, to: Day, consumer: Bool, rules: ClaimRules,
                         explanation: inout [String]) throws(RateTable.MissingRate) -> ([InterestPeriod], RateBasis) {
        let base = MoneyRounding.decimal(principal)
        var periods: [InterestPeriod] = []
        let contract = consumer ? rules.consumerContractRate : rules.contractRate
        // The statutory rate of the half-year after the due date, when the rate is frozen there.
        let frozen: Decimal? = rules.splitByHalfYear || (contract != nil && !consumer) ? nil : try rules.rates.rate(HalfYear(containing: from))
        var basis: RateBasis = contract == nil ? .statutory : .contractual
        var start = from
        while start <= to {
            let h = HalfYear(containing: start)
            let end = min(to, h.last)
            let days = end.days(since: start) + 1
            let rate: Decimal
            if let contract, !consumer {
                rate = contract
            } else {
                let statutory: Decimal
                if let frozen { statutory = frozen } else { statutory = try rules.rates.rate(h) }
                if let contract, contract > statutory {
                    rate = statutory
                    basis = .consumerCapped
                    explanation.append("contractual rate \(MoneyRounding.plain(contract))% capped at the 2002-law rate \(MoneyRounding.plain(statutory))% for \(h) (art. XIX.4)")
                } else {
                    rate = contract ?? statutory
                }
            }
            let yearDays: Decimal = rules.dayCount == .actualActual && Day.isLeap(h.year) ? 366 : 365
            let exact = base * rate / 100 * Decimal(days) / yearDays
            let p = InterestPeriod(from: start, to: end, days: days, rate: rate, exact: exact,
                                   amount: MoneyRounding.round(exact, principal.currency))
            explanation.append("\(principal.decimalString) × \(MoneyRounding.plain(rate))% × \(days)/\(yearDays) (\(start) to \(end)) = \(p.amount.decimalString)")
            periods.append(p)
            start = end.adding(days: 1)
        }
        return (periods, basis)
    }
}

/// Book XIX rules for consumers.
package enum ConsumerRules {
    /// The first day costs may be claimed: the 14-day period starts on the day after an e-mail, or on
    /// the third working day after a letter was posted (that day is day 1); costs from day 15.
    package static func claimableFrom(firstReminder sent: Day, channel: ReminderChannel) -> Day {
        let dayOne = channel == .email ? sent.adding(days: 1) : BelgianCalendar.workingDay(3, after: sent)
        return dayOne.adding(days: 14)
    }

    /// The cap on flat damages for an outstanding balance (art. XIX.4): €20 up to €150.00;
    /// €30 + 10 % above €150 up to €500.00; €65 + 5 % above €500, at most €2,000; rounded once.
    package static func flatDamagesCap(balance: Money) -> Money {
        let b = MoneyRounding.decimal(balance)
        let cap: Decimal
        if b <= 150 { cap = 20 } else if b <= 500 { cap = 30 + (b - 150) / 10 } else { cap = min(2000, 65 + (b - 500) / 20) }
        return MoneyRounding.round(cap, balance.currency)
    }
}
