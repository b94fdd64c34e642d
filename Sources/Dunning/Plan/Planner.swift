import Foundation
import Ledger

/// Why a debtor or an item is left out of tonight's reminders; each shows in the plan.
package enum Exclusion: String, Sendable, Equatable, CaseIterable {
    case debtorOnHold = "debtor on hold"
    case directDebit = "paid by direct debit"
    case promiseToPay = "promise to pay"
    case noChannel = "no e-mail and no postal address"
    case inCredit = "debtor in credit"
    case belowMinimum = "balance under the minimum"
    case invoiceOnHold = "invoice on hold"
    case disputed = "disputed invoice"
}

/// One item of a planned reminder. Every open item is listed (the statement of account); the
/// message demands only the overdue ones, and those move to the message's step tonight.
package struct PlannedItem: Sendable, Equatable {
    package var item: OpenItem
    /// The step the item is at after tonight (nil: never reminded, e.g. not yet due).
    package var stepIndex: Int?
    /// True when tonight's message demands this item: it moves to the message's step.
    package var advances: Bool
    package var daysLate: Int
    /// Left out of the claim, with why (disputed, on hold).
    package var excluded: Exclusion?
    /// The legal computation when the step claims interest or fees.
    package var claim: ClaimResult?

    /// Not yet due on the plan's day: listed "for your information", never demanded.
    package func notYetDue(asOf: Day) -> Bool { !item.isCreditNote && item.due >= asOf }
}

/// What tonight does for one debtor.
package struct DebtorPlan: Sendable, Equatable {
    package enum Action: Sendable, Equatable {
        /// Send the step's e-mail and/or letter.
        case remind(stepIndex: Int)
        /// A manual step: a worklist item (call, hand-over).
        case worklist(stepIndex: Int)
        /// Left out, with why.
        case excluded(Exclusion)
        /// Nothing is due tonight.
        case nothing
    }

    package var debtor: DebtorSnapshot
    package var action: Action
    package var items: [PlannedItem]
    /// The whole open balance (the statement): invoices less credit notes and unapplied payments.
    package var balance: Money
    /// What the message demands: the overdue items (or, for a courtesy notice, the items falling
    /// due) less credit notes and unapplied payments; never the items not yet due.
    package var demanded: Money
    package var interest: Money
    package var fees: Money
    /// What the reminder claims: demanded + interest + fees.
    package var total: Money
    /// Why, in words (catch-up after missed nights included).
    package var reasons: [String]
    /// The debtor's level before tonight: the highest step any of its open invoices reached (nil:
    /// none, the ladder starts at its first step), and why.
    package var level: Int?
    package var levelReason: String
    /// The earliest day the debtor's next message may go (the cadence and the ladder's trigger), when known.
    package var nextMessageFrom: Day?
}

/// The ladder evaluated by a pure function, per debtor: one level, one cadence.
///
/// - The debtor's level is the highest step any of its open invoices reached. A message goes at the
///   next step, one step per message, and demands every overdue item (each moves to that step).
///   The level falls back (resets) only when every invoice that carried it has been settled.
/// - At most one message per `min_days_between_messages` (ladder, default 7); after a consumer's
///   first reminder, the next message waits until the legal 14-day period has run out.
/// - The courtesy notice (a `before_due_days` first step) goes only to debtors with nothing overdue.
/// - Manual steps (call, hand-over) become worklist items and do not count as messages.
package struct Planner: Sendable {
    package var ladders: [DebtorKind: Ladder]
    package var rules: ClaimRules

    package init(ladders: [DebtorKind: Ladder], rules: ClaimRules = ClaimRules()) {
        self.ladders = ladders
        self.rules = rules
    }

    /// Decides tonight for one debtor.
    package func plan(_ d: DebtorSnapshot, asOf: Day) throws -> DebtorPlan {
        guard let ladder = ladders[d.kind] else { throw ClaimError.noLadder(d.kind) }
        let rules = self.rules.forDebtor(kind: d.kind, contractRate: d.contractRate, publicAuthority: d.publicAuthority)
        let cur = d.unapplied.currency
        var balanceMinor = -d.unapplied.minorUnits
        for i in d.items where i.open.currency == cur { balanceMinor += i.open.minorUnits }
        let balance = Money(minorUnits: balanceMinor, currency: cur)
        let listed = d.items.sorted { ($0.due, $0.number) < ($1.due, $1.number) }.map {
            PlannedItem(item: $0, stepIndex: $0.stepIndex, advances: false, daysLate: max(0, asOf.days(since: $0.due)),
                        excluded: $0.onHold ? .invoiceOnHold : ($0.disputed ? .disputed : nil), claim: nil)
        }
        // The level: the highest step an open invoice reached, and since when.
        let stepped = d.items.filter { !$0.isCreditNote && $0.stepIndex != nil }
        let level = stepped.compactMap(\.stepIndex).max()
        let levelSince = stepped.filter { $0.stepIndex == level }.compactMap(\.lastReminder).max()
        let levelReason = level.map { l in
            "at \(l < ladder.steps.count ? ladder.steps[l].name : "step \(l + 1)") since \(levelSince?.description ?? "?")"
                + " (the highest step of its open invoices)"
        } ?? "no open invoice has been reminded: the ladder starts at its first step"
        func result(_ action: DebtorPlan.Action, _ items: [PlannedItem], _ reasons: [String], demanded: Int64 = 0, interest: Int64 = 0,
                    fees: Int64 = 0, next: Day? = nil) -> DebtorPlan {
            DebtorPlan(debtor: d, action: action, items: items, balance: balance, demanded: Money(minorUnits: demanded, currency: cur),
                       interest: Money(minorUnits: interest, currency: cur), fees: Money(minorUnits: fees, currency: cur),
                       total: Money(minorUnits: demanded + interest + fees, currency: cur), reasons: reasons, level: level,
                       levelReason: levelReason, nextMessageFrom: next)
        }
        // Debtor-level exclusions, in order.
        if d.onHold { return result(.excluded(.debtorOnHold), listed, ["the debtor is on hold"]) }
        if d.directDebit { return result(.excluded(.directDebit), listed, ["the debtor pays by direct debit"]) }
        if let until = d.promisedUntil, asOf <= until {
            return result(.excluded(.promiseToPay), listed, ["promised to pay by \(until)"], next: until.adding(days: 1))
        }
        if balanceMinor <= 0 { return result(.excluded(.inCredit), listed, ["the balance is \(balance.decimalString): nothing is owed"]) }

        let claimable: (PlannedItem) -> Bool = { !$0.item.isCreditNote && $0.excluded == nil && $0.item.open.isPositive && $0.item.open.currency == cur }
        let anyOverdue = listed.contains { !$0.item.isCreditNote && $0.item.open.isPositive && $0.item.due < asOf }
        let overdue = listed.indices.filter { claimable(listed[$0]) && listed[$0].item.due < asOf }
        let credits = listed.filter { $0.item.isCreditNote && $0.item.open.currency == cur }.reduce(Int64(0)) { $0 + $1.item.open.minorUnits }
        // The cadence: one message per interval; a consumer's first reminder keeps its 14-day period.
        var earliest = d.lastMessage.map { $0.adding(days: ladder.minDaysBetweenMessages) }
        if d.kind == .b2c, let first = d.firstReminder, first.day == d.lastMessage {
            let end = ConsumerRules.claimableFrom(firstReminder: first.day, channel: first.channel)
            earliest = max(earliest ?? end, end)
        }

        // Which step, and which items it demands.
        var stepIndex: Int
        var demandedItems: [Int]
        // A broken promise: the ladder resumes where it stood, and the plan says why.
        var reasons: [String] = d.brokenPromise.map { ["broken promise (promised by \($0)): the ladder resumes"] } ?? []
        var since: Day
        if overdue.isEmpty {
            // The courtesy notice: only with nothing overdue, for the items falling due soon never noticed.
            guard !anyOverdue, case .beforeDue(let n) = ladder.steps.first?.trigger else {
                let leftOut = listed.compactMap { p in p.excluded.map { "\(p.item.number) left out: \($0.rawValue)" } }
                return result(.nothing, listed, anyOverdue && !leftOut.isEmpty ? leftOut : ["nothing is overdue"])
            }
            demandedItems = listed.indices.filter { claimable(listed[$0]) && listed[$0].item.stepIndex == nil && asOf >= listed[$0].item.due.adding(days: -n) }
            guard !demandedItems.isEmpty else { return result(.nothing, listed, ["nothing is overdue"]) }
            stepIndex = 0
            since = demandedItems.map { listed[$0].item.due.adding(days: -n) }.min() ?? asOf
        } else {
            let first = ladder.steps.firstIndex { if case .beforeDue = $0.trigger { return false }; return true } ?? 0
            stepIndex = max(first, (level ?? -1) + 1)
            guard stepIndex < ladder.steps.count else {
                return result(.nothing, listed, ["the debtor is at the last step (\(ladder.steps[ladder.steps.count - 1].name))"])
            }
            demandedItems = overdue
            let oldestDue = overdue.map { listed[$0].item.due }.min() ?? asOf
            switch ladder.steps[stepIndex].trigger {
            case .beforeDue: since = asOf
            case .afterDue(let n): since = oldestDue.adding(days: n)
            case .afterPrevious(let n): since = (levelSince ?? oldestDue).adding(days: n)
            }
        }
        let step = ladder.steps[stepIndex]
        let when = step.isManual ? since : max(since, earliest ?? since)
        guard asOf >= when else {
            let why = step.isManual || since >= (earliest ?? since) ? "\(step.name) is due on \(since)" : "one message per \(ladder.minDaysBetweenMessages) days (or the consumer's 14-day period): the next from \(when)"
            return result(.nothing, listed, [why], next: when)
        }
        var items = listed
        for n in demandedItems {
            items[n].stepIndex = stepIndex
            items[n].advances = true
        }
        let missed = asOf.days(since: when)
        let numbers = demandedItems.prefix(5).map { listed[$0].item.number }.joined(separator: ", ")
            + (demandedItems.count > 5 ? " and \(demandedItems.count - 5) more" : "")
        reasons.append("\(step.name) for \(numbers)" + (missed > 0 ? " (due since \(when): \(missed) night(s) missed, one step only)" : ""))
        for p in items where p.excluded != nil { reasons.append("\(p.item.number) left out: \(p.excluded?.rawValue ?? "")") }
        // The demand: what it covers, less credit notes and payments not yet applied.
        let demanded = demandedItems.reduce(Int64(0)) { $0 + listed[$1].item.open.minorUnits } + credits - d.unapplied.minorUnits
        if demanded <= 0 {
            return result(.nothing, listed, ["credit notes and unapplied payments cover what is overdue"])
        }
        if demanded < ladder.minimumBalance.minorUnits {
            return result(.excluded(.belowMinimum), listed, ["the amount due \(Money(minorUnits: demanded, currency: cur).decimalString) is under the ladder's minimum \(ladder.minimumBalance.decimalString)"])
        }
        if step.isManual { return result(.worklist(stepIndex: stepIndex), items, reasons, demanded: demanded) }
        if !d.hasEmail && !d.hasPostalAddress { return result(.excluded(.noChannel), listed, ["no e-mail and no postal address"]) }
        // The legal amounts, per demanded item, when the step claims them (a consumer's item only
        // once its first reminder has been sent).
        var interest: Int64 = 0
        var fees: Int64 = 0
        if step.claimInterest || step.claimFees {
            for n in demandedItems where asOf > items[n].item.due {
                let o = items[n].item
                if d.kind == .b2c && o.firstReminder == nil { continue }
                let c = try ClaimCalculator.compute(kind: d.kind, principal: o.open, due: o.due, asOf: asOf,
                                                    firstReminder: o.firstReminder, channel: o.firstReminderChannel, rules: rules)
                items[n].claim = c
                if step.claimInterest { interest += c.interest.minorUnits }
                if step.claimFees { fees += c.flatCompensation.minorUnits }
            }
        }
        // Book XIX: a consumer's flat damages are capped once on the reminded balance (by default),
        // not per invoice; only the items whose 14-day period has run count.
        if d.kind == .b2c && step.claimFees && rules.consumerDamagesBasis == .balance {
            let claimed = items.filter { ($0.claim?.flatCompensation.minorUnits ?? 0) > 0 }
            fees -= claimed.reduce(Int64(0)) { $0 + ($1.claim?.flatCompensation.minorUnits ?? 0) }
            let base = claimed.reduce(Int64(0)) { $0 + $1.item.open.minorUnits }
            fees += ClaimCalculator.consumerDamages(balance: Money(minorUnits: base, currency: cur), rules: rules).minorUnits
        }
        // A consumer's later reminder may cost a fee, once per message (never the first reminder).
        if d.kind == .b2c, let fee = Self.reminderFee(step, items) { fees += fee.minorUnits }
        return result(.remind(stepIndex: stepIndex), items, reasons, demanded: demanded, interest: interest, fees: fees)
    }

    /// The step's consumer reminder fee, charged once per message when it demands an item whose
    /// first reminder was already sent.
    static func reminderFee(_ step: Ladder.Step, _ items: [PlannedItem]) -> Money? {
        guard let fee = step.reminderFee, fee.isPositive, items.contains(where: { $0.advances && $0.item.firstReminder != nil }) else { return nil }
        return fee
    }
}
