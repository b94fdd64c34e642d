import Foundation
import GRDB
import Ledger
import Store
import Workspace

/// Where a contract stands in the suspension flow.
package struct SuspensionState: Sendable, Equatable {
    package var overdueSince: Day?
    package var noticeOn: Day?
    package var suspendedOn: Day?

    package init(overdueSince: Day? = nil, noticeOn: Day? = nil, suspendedOn: Day? = nil) {
        self.overdueSince = overdueSince
        self.noticeOn = noticeOn
        self.suspendedOn = suspendedOn
    }
}

/// What the suspension check does to a contract on a day.
package enum SuspensionAction: String, Sendable, Equatable {
    /// Nothing changes.
    case none
    /// An invoice is unpaid past its due date and the grace: flagged, and the formal notice queued.
    case notice
    /// Still unpaid more than `noticeDays` after the notice: suspended (no invoice while suspended).
    case suspend
    /// Paid before the suspension: the flag and notice are cleared.
    case cure
    /// A suspended contract whose overdue invoices are paid: active again, the next invoice carries
    /// the reactivation fee.
    case reactivate
}

/// The suspension flow of the subscription terms (`belgian-rules.md` §6.1) as a pure function.
package enum SuspensionPolicy {
    /// The action on `asOf` for a contract in `state` whose oldest unpaid (undisputed) billing
    /// invoice falls due on `oldestDue` (nil: nothing unpaid).
    ///
    /// Overdue means `asOf` is after `oldestDue + graceDays`; suspended means `asOf` is after
    /// `noticeOn + noticeDays` with an invoice still overdue.
    package static func decide(_ state: SuspensionState, oldestDue: Day?, asOf: Day, graceDays: Int, noticeDays: Int) -> SuspensionAction {
        let overdue = oldestDue.map { asOf > $0.adding(days: graceDays) } ?? false
        if state.suspendedOn != nil { return overdue ? .none : .reactivate }
        guard overdue else { return state.overdueSince != nil ? .cure : .none }
        guard let notice = state.noticeOn else { return .notice }
        return asOf > notice.adding(days: noticeDays) ? .suspend : .none
    }
}

/// One contract's change in a suspension check.
package struct SuspensionChange: Sendable, Equatable {
    package var contractKey: String
    package var action: SuspensionAction
    /// The oldest unpaid invoice, when there is one.
    package var invoiceNumber: String?

    /// `C-1001\tnotice\tF2027-000001`.
    package var row: String { [contractKey, action.rawValue, invoiceNumber ?? ""].joined(separator: "\t") }
}

/// `relance billing suspensions --as-of DAY`: flags, notices, suspends and reactivates contracts
/// after their billing invoices' payment status. Each contract's change and its message are
/// written in one transaction; running it twice on a day changes nothing the second time.
package enum SuspensionCheck {
    package static func run(store: LedgerStore, config: WorkspaceConfig, asOf: Day, dryRun: Bool = false,
                           now: () -> Date = Date.init) throws -> [SuspensionChange] {
        let b = config.billing
        struct Candidate {
            var id: Int64, key: String, state: SuspensionState, oldestDue: Day?, invoice: String?, openTotal: Int64, currency: String
            var addressee: Addressee
        }
        let candidates: [Candidate] = try store.pool.read { db in
            try BillingQueries.suspensionCandidates(db).map { r in
                Candidate(id: r.id, key: r.contractKey,
                          state: SuspensionState(overdueSince: r.overdueSince.flatMap { Day(iso: $0) },
                                                 noticeOn: r.noticeOn.flatMap { Day(iso: $0) },
                                                 suspendedOn: r.suspendedOn.flatMap { Day(iso: $0) }),
                          oldestDue: r.oldestDue.flatMap { Day(iso: $0) }, invoice: r.oldestInvoice, openTotal: r.openMinor,
                          currency: r.currency,
                          addressee: Addressee(key: r.debtorKey, name: r.name, street: r.street, postalCode: r.postalCode, city: r.city,
                                               country: r.country, email: r.email, language: r.language))
            }
        }
        var changes: [SuspensionChange] = []
        for c in candidates {
            let action = SuspensionPolicy.decide(c.state, oldestDue: c.oldestDue, asOf: asOf, graceDays: b.suspensionGraceDays,
                                                 noticeDays: b.suspensionNoticeDays)
            guard action != .none else { continue }
            changes.append(SuspensionChange(contractKey: c.key, action: action, invoiceNumber: c.invoice))
            if dryRun { continue }
            let day = asOf.description
            try store.pool.write { db in
                switch action {
                case .none: return
                case .notice: try BillingCommands.flagOverdue(db, contract: c.id, day: day)
                case .suspend: try BillingCommands.suspend(db, contract: c.id, day: day)
                case .cure: try BillingCommands.cure(db, contract: c.id)
                case .reactivate: try BillingCommands.reactivate(db, contract: c.id, day: day)
                }
                guard action == .notice || action == .suspend, let e = c.addressee.email, MailConfig.isUsableAddress(e),
                    let address = EmailAddress(e)
                else { return }
                let t = InvoiceTexts(language: c.addressee.language)
                let open = Money(minorUnits: c.openTotal, currency: Currency(stored: c.currency))
                let fee = Money(minorUnits: b.reactivationFeeMinor, currency: open.currency)
                let (subject, body) = action == .notice
                    ? t.noticeMail(contract: c.key, invoice: c.invoice ?? "", open: open, days: b.suspensionNoticeDays, fee: fee,
                                   company: config.company.name)
                    : t.suspendedMail(contract: c.key, open: open, fee: fee, company: config.company.name)
                var m = NewOutboxMessage(idempotencyKey: "billing:\(action.rawValue):\(c.key):\(day)", origin: .billing,
                                         to: [OutboxMailbox(address, name: c.addressee.name)], subject: subject, textBody: body)
                m.references = [.contract(c.key), .debtor(DebtorID(rawValue: c.addressee.key))]
                if let i = c.invoice { m.references.append(.invoice(InvoiceNumber(rawValue: i))) }
                try OutboxQueue.enqueue(db, m, at: now())
            }
        }
        return changes
    }
}
