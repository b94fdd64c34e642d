import Foundation
import GRDB
import Store

/// Keeps a queued reminder from going out once the ledger no longer agrees with it.
///
/// A reminder e-mail is written by the dunning run and sent later by `outbox flush`. When a payment,
/// a credit note or a corrected invoice arrives in between, the amounts in the e-mail are wrong, or
/// the debtor has paid: the e-mail is cancelled, the reminder event is marked `cancelled`, and the
/// ladder state of its items goes back to what it was before, so the next run decides again with
/// the new figures. Every ingest runs it in its own transaction, and so does the outbox before it
/// sends: they receive it as Store's `OutdatedReminderCancelling` in their options (Ingest's
/// `IngestOptions.reminderGuard`, Outbox's `FlushOptions.reminderGuard`), set by the `relance`
/// commands and the nightly; commands that change the ledger themselves call
/// ``cancelOutdated(_:at:)``.
package struct ReminderGuard: OutdatedReminderCancelling {
    /// One reminder that was stopped, with why.
    package struct Cancelled: Sendable, Equatable {
        package var eventID: Int64
        package var debtorID: Int64
        package var reason: String
    }

    /// The guard, to hand to Ingest and Outbox.
    package init() {}

    /// Cancels every queued reminder whose e-mail has not gone out yet and whose figures changed:
    /// an item's open amount or status, a new open credit note, or a new unapplied payment from
    /// the debtor since the reminder was written.
    @discardableResult
    package static func cancelOutdated(_ db: Database, at now: Date) throws -> [Cancelled] {
        var out: [Cancelled] = []
        for check in try DunningQueries.queuedReminderChecks(db) {
            guard let reason = reason(check) else { continue }
            guard try OutboxQueue.cancel(db, message: check.message, reason: reason, at: now) else { continue }
            try DunningCommands.cancelEvent(db, event: check.eventID, reason: reason)
            out.append(Cancelled(eventID: check.eventID, debtorID: check.debtorID, reason: reason))
        }
        return out
    }

    /// Why a reminder is outdated, first reason first; nil when it still holds.
    static func reason(_ check: QueuedReminderCheck) -> String? {
        if check.itemChanged { return "a payment or correction changed an invoice of this reminder" }
        if check.newCreditNote { return "a credit note arrived for this debtor" }
        if check.newPayment { return "a payment from this debtor arrived" }
        return nil
    }

    /// Cancels what is outdated (``cancelOutdated(_:at:)``), for Ingest and Outbox.
    package func cancelOutdatedReminders(_ db: Database, at now: Date) throws {
        try Self.cancelOutdated(db, at: now)
    }
}
