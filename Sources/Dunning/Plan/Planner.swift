import Foundation
import Ledger

/// Why a debtor or an item is left out of tonight's reminders; each shows in the plan.
public enum Exclusion: String, Sendable, Equatable, CaseIterable {
    case debtorOnHold = "debtor on hold"
    case directDebit = "paid by direct debit"
    case promiseToPay = "promise to pay"
    case noChannel = "no e-mail and no postal address"
    case inCredit = "debtor in credit"
    case belowMinimum = "balance under the minimum"
    case invoiceOnHold = "invoice on hold"
    case disputed = "disputed invoice"
}

/// One item of a planned reminder: every open item is listed (a statement of account); those
/// that move up the ladder tonight say so.
public struct PlannedItem: Sendable, Equatable {
    public var item: OpenItem
    /// The step the item is at after tonight (nil: never reminded, e.g. not yet due).
    public var stepIndex: Int?
    /// True when tonight moves the item one step.
    public var advances: Bool
    public var daysLate: Int
    /// Left out of the claim, with why (disputed, on hold).
    public var excluded: Exclusion?
    /// The legal computation when the step claims interest or fees.
    public var claim: ClaimResult?
}

/// What tonight does for one debtor.
public struct DebtorPlan: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Send the step's e-mail and/or letter.
        case remind(stepIndex: Int)
        /// A manual step: a worklist item (call, hand-over).
        case worklist(stepIndex: Int)
        /// Left out, with why.
        case excluded(Exclusion)
        /// Nothing is due tonight.
        case nothing
    }

    public var debtor: DebtorSnapshot
    public var action: Action
    public var items: [PlannedItem]
    /// Open balance: invoices less credit notes and unapplied payments.
    public var balance: Money
    public var interest: Money
    public var fees: Money
    /// What the reminder claims: balance + interest + fees.
    public var total: Money
    /// Why, in words (catch-up after missed nights included).
    public var reasons: [String]
}

/// The ladder evaluated by a pure function: a debtor snapshot and a day in, the decision out.
public struct Planner: Sendable {
    public var ladders: [DebtorKind: Ladder]
    public var rules: ClaimRules

    public init(ladders: [DebtorKind: Ladder], rules: ClaimRules = ClaimRules()) {
        self.ladders = ladders
        self.rules = rules
    }

    /// The next step an invoice may take on `asOf`, and since when it was due (for catch-up).
    func nextStep(for item: OpenItem, in ladder: Ladder, asOf: Day) -> (index: Int, dueSince: Day)? {
        var index = (item.stepIndex ?? -1) + 1
        // A late invoice never gets the courtesy notice: its first step is the first one after the due date.
        if item.stepIndex == nil, case .beforeDue = ladder.steps.first?.trigger, asOf > item.due { index = 1 }
        guard index < ladder.steps.count else { return nil }
        let since: Day
        switch ladder.steps[index].trigger {
        case .beforeDue(let n):
            guard asOf <= item.due else { return nil }
            since = item.due.adding(days: -n)
        case .afterDue(let n):
            since = item.due.adding(days: n)
            if let last = item.lastReminder, since <= last { return asOf > last ? (index, last.adding(days: 1)) : nil }
        case .afterPrevious(let n):
            since = (item.lastReminder ?? item.due).adding(days: n)
        }
        return asOf >= since ? (index, since) : nil
    }

    /// Decides tonight for one debtor.
    public func plan(_ d: DebtorSnapshot, asOf: Day) throws -> DebtorPlan {
        guard let ladder = ladders[d.kind] else { throw ClaimError("no \(d.kind.rawValue) ladder") }
        let cur = d.unapplied.currency
        var balanceMinor = -d.unapplied.minorUnits
        for i in d.items where i.open.currency == cur { balanceMinor += i.open.minorUnits }
        let balance = Money(minorUnits: balanceMinor, currency: cur)
        func result(_ action: DebtorPlan.Action, _ items: [PlannedItem], _ reasons: [String], interest: Int64 = 0, fees: Int64 = 0) -> DebtorPlan {
            DebtorPlan(debtor: d, action: action, items: items, balance: balance, interest: Money(minorUnits: interest, currency: cur),
                       fees: Money(minorUnits: fees, currency: cur),
                       total: Money(minorUnits: balanceMinor + interest + fees, currency: cur), reasons: reasons)
        }
        let listed = d.items.sorted { ($0.due, $0.number) < ($1.due, $1.number) }.map {
            PlannedItem(item: $0, stepIndex: $0.stepIndex, advances: false, daysLate: max(0, asOf.days(since: $0.due)),
                        excluded: $0.onHold ? .invoiceOnHold : ($0.disputed ? .disputed : nil), claim: nil)
        }
        // Debtor-level exclusions, in order.
        if d.onHold { return result(.excluded(.debtorOnHold), listed, ["the debtor is on hold"]) }
        if d.directDebit { return result(.excluded(.directDebit), listed, ["the debtor pays by direct debit"]) }
        if let until = d.promisedUntil, asOf <= until { return result(.excluded(.promiseToPay), listed, ["promised to pay by \(until)"]) }
        if balanceMinor <= 0 { return result(.excluded(.inCredit), listed, ["the balance is \(balance.decimalString): nothing is owed"]) }
        // Which items move one step tonight.
        var items = listed
        var reasons: [String] = []
        var top: Int? = nil
        for (n, p) in items.enumerated() where !p.item.isCreditNote && p.excluded == nil && p.item.open.isPositive {
            guard let (index, since) = nextStep(for: p.item, in: ladder, asOf: asOf) else { continue }
            items[n].stepIndex = index
            items[n].advances = true
            top = max(top ?? index, index)
            let missed = asOf.days(since: since)
            reasons.append("\(p.item.number): \(ladder.steps[index].name)"
                + (missed > 0 ? " (due since \(since): \(missed) night(s) missed, one step only)" : ""))
        }
        for p in items where p.excluded != nil { reasons.append("\(p.item.number) left out: \(p.excluded?.rawValue ?? "")") }
        guard let step = top else { return result(.nothing, items, reasons.isEmpty ? ["nothing is due tonight"] : reasons) }
        let due = items.filter { $0.excluded == nil && !$0.item.isCreditNote }.reduce(Int64(0)) { $0 + $1.item.open.minorUnits }
        if due - d.unapplied.minorUnits < ladder.minimumBalance.minorUnits {
            return result(.excluded(.belowMinimum), items, ["the balance \(balance.decimalString) is under the ladder's minimum \(ladder.minimumBalance.decimalString)"])
        }
        let s = ladder.steps[step]
        if s.isManual { return result(.worklist(stepIndex: step), items, reasons) }
        if !d.hasEmail && !d.hasPostalAddress { return result(.excluded(.noChannel), items, ["no e-mail and no postal address"]) }
        // The legal amounts, per late item, where that item's own step claims them (a consumer's
        // item only once its first reminder has been sent).
        var interest: Int64 = 0
        var fees: Int64 = 0
        for (n, p) in items.enumerated() where p.excluded == nil && !p.item.isCreditNote && p.item.open.isPositive && asOf > p.item.due {
            guard let i = p.stepIndex, i < ladder.steps.count else { continue }
            let itemStep = ladder.steps[i]
            guard itemStep.claimInterest || itemStep.claimFees else { continue }
            if d.kind == .b2c && p.item.firstReminder == nil { continue }
            let c = try ClaimCalculator.compute(kind: d.kind, principal: p.item.open, due: p.item.due, asOf: asOf,
                                                firstReminder: p.item.firstReminder, channel: p.item.firstReminderChannel, rules: rules)
            items[n].claim = c
            if itemStep.claimInterest { interest += c.interest.minorUnits }
            if itemStep.claimFees { fees += c.flatCompensation.minorUnits }
            if p.advances, let fee = itemStep.reminderFee, d.kind == .b2c { fees += fee.minorUnits }
        }
        return result(.remind(stepIndex: step), items, reasons, interest: interest, fees: fees)
    }
}
