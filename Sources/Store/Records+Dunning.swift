import Foundation
import GRDB

/// Keeps a queued reminder from going out once the ledger no longer agrees with it.
///
/// A reminder e-mail is written by the dunning run and sent later by `outbox flush`. When a payment,
/// a credit note or a corrected invoice arrives in between, the amounts in the e-mail are wrong, or
/// the debtor has paid: the e-mail is cancelled, the reminder event is marked `cancelled`, and the
/// ladder state of its items goes back to what it was before, so the next run decides again with
/// the new figures. Every ingest calls ``cancelOutdated(_:at:)`` in its own transaction, and so
/// does the outbox before it sends (owner of the tables: Dunning; see `Sources/Store/README.md`).
public enum ReminderGuard {
    /// One reminder that was stopped, with why.
    public struct Cancelled: Sendable, Equatable {
        public var eventID: Int64
        public var debtorID: Int64
        public var reason: String
    }

    /// Cancels every queued reminder whose e-mail has not gone out yet and whose figures changed:
    /// an item's open amount or status, a new open credit note, or a new unapplied payment from
    /// the debtor since the reminder was written.
    @discardableResult
    public static func cancelOutdated(_ db: Database, at now: Date) throws -> [Cancelled] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT e.id, e.debtor_id, e.outbox_message_id,
              EXISTS (SELECT 1 FROM dunning_event_item it JOIN invoice i ON i.id = it.invoice_id
                      WHERE it.event_id = e.id AND (i.open_minor != it.open_minor OR i.status != 'open')) AS item_changed,
              EXISTS (SELECT 1 FROM invoice i WHERE i.debtor_id = e.debtor_id AND i.status = 'open' AND i.type = 'credit_note'
                      AND NOT EXISTS (SELECT 1 FROM dunning_event_item it WHERE it.event_id = e.id AND it.invoice_id = i.id)) AS new_credit,
              EXISTS (SELECT 1 FROM payment p JOIN debtor d ON d.debtor_key = p.debtor_key
                      WHERE d.id = e.debtor_id AND p.unapplied_minor > 0
                        AND COALESCE(p.updated_batch_id, p.created_batch_id) > COALESCE(e.seen_batch_id, 0)) AS new_payment
            FROM dunning_event e JOIN outbox_message m ON m.id = e.outbox_message_id
            WHERE e.status = 'queued' AND m.state IN ('queued', 'deferred', 'hold')
            """)
        var out: [Cancelled] = []
        for r in rows {
            let reason: String
            if r["item_changed"] as Bool { reason = "a payment or correction changed an invoice of this reminder" }
            else if r["new_credit"] as Bool { reason = "a credit note arrived for this debtor" }
            else if r["new_payment"] as Bool { reason = "a payment from this debtor arrived" }
            else { continue }
            let event: Int64 = r[0]
            guard try OutboxQueue.cancel(db, message: MessageID(rawValue: r[2]), reason: reason, at: now) else { continue }
            try undo(db, event: event, reason: reason)
            out.append(Cancelled(eventID: event, debtorID: r[1], reason: reason))
        }
        return out
    }

    /// Marks a reminder cancelled and puts its items back on the step they were on before it.
    static func undo(_ db: Database, event: Int64, reason: String) throws {
        try db.execute(sql: "UPDATE dunning_event SET status = 'cancelled', cancel_reason = ? WHERE id = ?", arguments: [reason, event])
        // Only where the state is still the one this reminder wrote (a later reminder is never undone).
        try db.execute(sql: """
            DELETE FROM dunning_state WHERE invoice_id IN (
              SELECT it.invoice_id FROM dunning_event_item it JOIN dunning_event e ON e.id = it.event_id
              JOIN dunning_state s ON s.invoice_id = it.invoice_id
              WHERE it.event_id = ? AND it.advanced = 1 AND it.prev_step_index IS NULL
                AND s.last_reminder = e.as_of AND s.step_index = it.step_index)
            """, arguments: [event])
        try db.execute(sql: """
            UPDATE dunning_state SET
              step_index = (SELECT it.prev_step_index FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id),
              step = (SELECT it.prev_step FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id),
              last_reminder = (SELECT it.prev_last_reminder FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id),
              first_reminder = (SELECT it.prev_first_reminder FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id),
              first_channel = (SELECT it.prev_first_channel FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id)
            WHERE invoice_id IN (
              SELECT it.invoice_id FROM dunning_event_item it JOIN dunning_event e ON e.id = it.event_id
              JOIN dunning_state s ON s.invoice_id = it.invoice_id
              WHERE it.event_id = ?1 AND it.advanced = 1 AND it.prev_step_index IS NOT NULL
                AND s.last_reminder = e.as_of AND s.step_index = it.step_index)
            """, arguments: [event])
    }
}
