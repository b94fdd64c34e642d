import Foundation
import GRDB
import Ledger

/// A debtor with open items, as the dunning planner reads it (`debtor`, written by Ingest).
package struct DunningDebtorRow: Sendable, Equatable {
    package var id: Int64
    package var key: String
    package var name: String
    /// `debtor.kind` as stored (`b2b`, `b2c`).
    package var kind: String
    package var language: String
    /// On hold on the as-of day (a hold without an end, or one that ends on or after it).
    package var onHold: Bool
    package var directDebit: Bool
    package var hasEmail: Bool
    /// A street and a city: a letter can be posted.
    package var hasPostalAddress: Bool
    package var email: String?
    package var street: String?
    package var postalCode: String?
    package var city: String?
    package var country: String?
    /// The debtor's contractual interest rate in percent, as stored (`debtor.interest_rate_percent`).
    package var interestRatePercent: String?
    package var publicAuthority: Bool
}

/// One open invoice or credit note of a debtor, with its ladder state (`invoice` left-joined with
/// `dunning_state`).
package struct DunningOpenItemRow: Sendable, Equatable {
    package var invoiceID: Int64
    package var number: String
    package var isCreditNote: Bool
    /// Nil when the stored day cannot be read (the planner skips such a row).
    package var issue: Day?
    package var due: Day?
    package var currency: String
    package var amountMinor: Int64
    package var openMinor: Int64
    package var disputed: Bool
    package var onHold: Bool
    /// The ladder step reached (`dunning_state.step_index`), nil when never reminded.
    package var stepIndex: Int?
    package var lastReminder: Day?
    package var firstReminder: Day?
    package var firstChannel: ReminderChannel?
}

/// A queued reminder whose e-mail has not left yet, and what changed since it was written.
package struct QueuedReminderCheck: Sendable, Equatable {
    package var eventID: Int64
    package var debtorID: Int64
    package var message: MessageID
    /// An item's open amount or status changed.
    package var itemChanged: Bool
    /// The debtor has an open credit note the reminder did not list.
    package var newCreditNote: Bool
    /// An unapplied payment of the debtor came in a batch after the reminder's.
    package var newPayment: Bool
}

/// The reads the dunning stage makes: its own tables and, for the planner, the ledger Ingest
/// writes (debtors, invoices, payments, promises). Set-based statements, one per question; the open
/// items stream one debtor at a time.
package enum DunningQueries {
    /// Money received and not applied, per debtor id: payments of the debtor's key, or applied in
    /// part to one of its invoices (a payment counts once per debtor). Both halves start from the
    /// payments with money left (`payment_unapplied`); the `CROSS JOIN` keeps SQLite from walking
    /// every allocation of the ledger first.
    package static func unappliedByDebtor(_ db: Database) throws -> [Int64: Int64] {
        var out: [Int64: Int64] = [:]
        let rows = try Row.fetchCursor(db, sql: """
            SELECT debtor_id, SUM(unapplied_minor) FROM (
              SELECT DISTINCT p.id, p.unapplied_minor, d.id AS debtor_id FROM payment p JOIN debtor d ON d.debtor_key = p.debtor_key
              WHERE p.unapplied_minor > 0
              UNION
              SELECT DISTINCT p.id, p.unapplied_minor, i.debtor_id FROM payment p CROSS JOIN payment_allocation a ON a.payment_id = p.id
                JOIN invoice i ON i.id = a.invoice_id WHERE p.unapplied_minor > 0
            ) GROUP BY debtor_id
            """)
        while let r = try rows.next() { out[r[0]] = r[1] }
        return out
    }

    /// Per debtor id, the last day its open promises pause the ladder (`pause_until`, else the
    /// promised day).
    package static func openPromisesUntil(_ db: Database) throws -> [Int64: Day] {
        try days(db, sql: """
            SELECT debtor_id, MAX(COALESCE(pause_until, until)) FROM promise_to_pay WHERE status = 'open' GROUP BY debtor_id
            """)
    }

    /// Per debtor id, the promised day of its latest broken promise that no reminder has followed
    /// yet (cancelled reminders do not count).
    package static func brokenPromisesNotFollowed(_ db: Database) throws -> [Int64: Day] {
        try days(db, sql: """
            SELECT p.debtor_id, MAX(p.until) FROM promise_to_pay p WHERE p.status = 'broken' AND NOT EXISTS (
              SELECT 1 FROM dunning_event e WHERE e.debtor_id = p.debtor_id AND e.as_of >= p.status_on AND e.status <> ?)
            GROUP BY p.debtor_id
            """, arguments: [DunningEventStatus.cancelled])
    }

    /// Per debtor id, the day of its last message before `day`: an event written and not
    /// cancelled, or a cancelled one with a letter (which may have been posted before the cancel).
    /// Reads only the partial index `dunning_event_last_message`.
    package static func lastMessageDays(_ db: Database, before day: Day, debtor: Int64? = nil) throws -> [Int64: Day] {
        // The condition is spelled as the partial index's, so that SQLite uses it.
        try days(db, sql: """
            SELECT debtor_id, MAX(as_of) FROM dunning_event
            WHERE as_of < ? AND (status IN ('queued', 'held') OR (status = 'cancelled' AND document_path IS NOT NULL))
            \(debtor == nil ? "" : "AND debtor_id = ?") GROUP BY debtor_id
            """, arguments: StatementArguments([day.description] + (debtor.map { [$0] } ?? [])))
    }

    /// Calls `body` with each debtor that has an open invoice or credit note, and its open items
    /// (due date order), streaming in debtor order: memory stays that of one debtor.
    ///
    /// Two ordered passes merged here rather than a join: the open items in debtor order from the
    /// covering `invoice_open` index (0024: no look-up in the 6M-row `invoice` table), each with its
    /// ladder state (`dunning_state`, by primary key), and the debtors in id order, read once each.
    /// Nothing here reads the dunning history (`dunning_event`): the cost does not grow with the nights.
    package static func forEachDebtorWithOpenItems(_ db: Database, asOf: Day, only debtor: Int64? = nil,
                                                  _ body: (DunningDebtorRow, [DunningOpenItemRow]) throws -> Void) throws {
        let debtors = try Row.fetchCursor(db, sql: """
            SELECT id, debtor_key, name, kind, language, on_hold = 1 AND (hold_until IS NULL OR hold_until >= ?), direct_debit,
              email IS NOT NULL, (street IS NOT NULL AND city IS NOT NULL), email, street, postal_code, city, country,
              interest_rate_percent, public_authority
            FROM debtor \(debtor == nil ? "" : "WHERE id = ?") ORDER BY id
            """, arguments: debtor.map { [asOf.description, $0] } ?? [asOf.description])
        let rows = try Row.fetchCursor(db, sql: openItemsSQL(onlyOneDebtor: debtor != nil), arguments: debtor.map { [$0] } ?? [])
        var current: DunningDebtorRow? = nil
        var currentID: Int64 = .min
        var items: [DunningOpenItemRow] = []
        var ahead: DunningDebtorRow? = nil  // the debtor cursor's row, read up to the items' debtor
        var debtorsDone = false
        while let r = try rows.next() {
            let debtorID: Int64 = r[0]
            if debtorID != currentID {
                if let c = current, !items.isEmpty { try body(c, items) }
                items.removeAll(keepingCapacity: true)
                currentID = debtorID
                // The debtor cursor moves forward to this id; debtors with nothing open are passed over unread.
                while !debtorsDone, (ahead?.id ?? .min) < debtorID {
                    guard let d = try debtors.next() else {
                        debtorsDone = true
                        break
                    }
                    let id: Int64 = d[0]
                    guard id >= debtorID else { continue }
                    ahead = DunningDebtorRow(
                        id: id, key: d[1], name: d[2], kind: d[3], language: d[4], onHold: d[5], directDebit: d[6], hasEmail: d[7],
                        hasPostalAddress: d[8], email: d[9], street: d[10], postalCode: d[11], city: d[12], country: d[13],
                        interestRatePercent: d[14], publicAuthority: d[15])
                }
                current = ahead?.id == debtorID ? ahead : nil
            }
            guard current != nil else { continue }  // an invoice whose debtor row is missing: left out, as a join would
            items.append(DunningOpenItemRow(
                invoiceID: r[1], number: r[2], isCreditNote: (r[3] as String) == "credit_note", issue: Day(iso: r[4] as String),
                due: Day(iso: r[5] as String), currency: r[6], amountMinor: r[7], openMinor: r[8], disputed: r[9], onHold: r[10],
                stepIndex: r[11], lastReminder: (r[12] as String?).flatMap { Day(iso: $0) },
                firstReminder: (r[13] as String?).flatMap { Day(iso: $0) }, firstChannel: r[14]))
        }
        if let c = current, !items.isEmpty { try body(c, items) }
    }

    /// The open items in debtor order with their ladder state, as the walk reads them. `INDEXED BY`:
    /// without statistics SQLite may prefer `invoice_by_debtor`, which needs a look-up in `invoice`
    /// per row; `invoice_open` holds every column read here, so the table is never touched. An
    /// item's description is not among them (0046): only a reminder's text shows it, and
    /// `openItemDescriptions` reads it for the items of the debtors who get one.
    package static func openItemsSQL(onlyOneDebtor: Bool) -> String {
        """
        SELECT i.debtor_id, i.id, i.invoice_number, i.type, i.issue_date, i.due_date, i.currency, i.amount_minor, i.open_minor,
          i.disputed, i.on_hold, s.step_index, s.last_reminder, s.first_reminder, s.first_channel
        FROM invoice i INDEXED BY invoice_open LEFT JOIN dunning_state s ON s.invoice_id = i.id
        WHERE i.status = 'open' \(onlyOneDebtor ? "AND i.debtor_id = ?" : "") ORDER BY i.debtor_id, i.due_date, i.id
        """
    }

    /// The descriptions of the invoices `ids` (by primary key, one cached statement), for the items
    /// of a debtor whose reminder shows them; an invoice without one (or not found) is left out.
    package static func openItemDescriptions(_ db: Database, ids: some Sequence<Int64>) throws -> [Int64: String] {
        let statement = try db.cachedStatement(sql: "SELECT description FROM invoice WHERE id = ?")
        var out: [Int64: String] = [:]
        for id in ids {
            if let text = try String.fetchOne(statement, arguments: [id]) { out[id] = text }
        }
        return out
    }

    /// The debtors with a reminder (or worklist item) on `day` that was not cancelled: a rerun of
    /// the day leaves them alone.
    package static func remindedDebtors(_ db: Database, on day: Day) throws -> Set<Int64> {
        Set(try Int64.fetchAll(db, sql: "SELECT debtor_id FROM dunning_event WHERE as_of = ? AND status != ?",
                               arguments: [day.description, DunningEventStatus.cancelled]))
    }

    /// The newest ingest batch (`ingest_batch.id`), which each event records as the last one it saw.
    package static func lastIngestBatchID(_ db: Database) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM ingest_batch")
    }

    /// When the last ingest finished (UTC instant text, as stored), for the data-freshness gate.
    package static func lastIngestFinishedAt(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT MAX(finished_at) FROM ingest_batch")
    }

    /// Every reminder still `queued` whose e-mail is queued, deferred or held, with what changed in
    /// the ledger since it was written (one statement; `ReminderGuard` decides).
    package static func queuedReminderChecks(_ db: Database) throws -> [QueuedReminderCheck] {
        try Row.fetchAll(db, sql: """
            SELECT e.id, e.debtor_id, e.outbox_message_id,
              EXISTS (SELECT 1 FROM dunning_event_item it JOIN invoice i ON i.id = it.invoice_id
                      WHERE it.event_id = e.id AND (i.open_minor != it.open_minor OR i.status != 'open')) AS item_changed,
              EXISTS (SELECT 1 FROM invoice i INDEXED BY invoice_open WHERE i.debtor_id = e.debtor_id AND i.status = 'open' AND i.type = 'credit_note'
                      AND NOT EXISTS (SELECT 1 FROM dunning_event_item it WHERE it.event_id = e.id AND it.invoice_id = i.id)) AS new_credit,
              EXISTS (SELECT 1 FROM payment p JOIN debtor d ON d.debtor_key = p.debtor_key
                      WHERE d.id = e.debtor_id AND p.unapplied_minor > 0
                        AND COALESCE(p.updated_batch_id, p.created_batch_id) > COALESCE(e.seen_batch_id, 0)) AS new_payment
            FROM dunning_event e JOIN outbox_message m ON m.id = e.outbox_message_id
            WHERE e.status = 'queued' AND m.state IN ('queued', 'deferred', 'hold')
            """).map { r in
            QueuedReminderCheck(eventID: r[0], debtorID: r[1], message: MessageID(rawValue: r[2]), itemChanged: r[3],
                                newCreditNote: r[4], newPayment: r[5])
        }
    }

    /// Per debtor id, a day column of a two-column statement; rows whose day cannot be read are
    /// left out (as the planner did when it parsed them).
    static func days(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws -> [Int64: Day] {
        var out: [Int64: Day] = [:]
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let r = try rows.next() {
            if let text: String = r[1], let day = Day(iso: text) { out[r[0]] = day }
        }
        return out
    }
}
