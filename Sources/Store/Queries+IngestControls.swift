import GRDB

// The credit controller's reads (Ingest's `Controls`, `Promises`, `ExternalReminders`,
// `DebtorStatement`). `debtor show` also reads Dunning's `dunning_event`/`dunning_state` and
// Outbox's `outbox_message`, here by name.

/// A debtor as the controls see it.
package struct ControlDebtor: Sendable {
    package var id: Int64
    package var onHold: Bool
    package var holdReason: String?
    /// `YYYY-MM-DD`.
    package var holdUntil: String?
    package var directDebit: Bool
}

/// An invoice as the controls see it.
package struct ControlInvoice: Sendable {
    package var id: Int64
    package var debtorID: Int64
    package var disputed: Bool
    package var disputeReason: String?
    package var status: InvoiceStatus
    package var type: InvoiceType
    package var currency: String
    package var openMinor: Int64
}

/// An open promise that `Promises.review` checks.
package struct PromiseUnderReview: Sendable {
    package var id: Int64
    package var debtorID: Int64
    package var debtorKey: String
    package var amount: Int64
    /// The promised invoices as a JSON array (nil: the debtor's balance).
    package var invoices: String?
    package var madeOn: String
    package var pauseUntil: String
    package var until: String
}

/// One of a debtor's invoices with what was paid on it in a period.
package struct InvoicePaidInPeriod: Sendable {
    package var number: String
    package var status: InvoiceStatus
    package var paid: Int64
}

/// One promise as `promise list` shows it (text columns already defaulted).
package struct PromiseListRow: Sendable {
    package var debtorKey: String
    package var amount: Int64?
    /// Empty when unknown.
    package var currency: String
    package var until: String
    package var pauseUntil: String
    /// JSON array, or empty.
    package var invoices: String
    package var status: PromiseStatus
    package var madeOn: String
    package var madeBy: String
    package var source: PromiseSource
}

/// A debtor as `debtor show` heads it.
package struct StatementDebtor: Sendable {
    package var id: Int64
    package var name: String
    package var kind: String
    package var onHold: Bool
    package var holdReason, holdUntil: String?
    package var directDebit: Bool
    package var language: String
}

/// One open invoice or credit note of a debtor with its ladder state (empty texts when none).
package struct StatementItem: Sendable {
    package var number: String
    package var type: InvoiceType
    package var issue, due: String
    package var currency: String
    package var amount, open: Int64
    package var disputed: Bool
    package var disputeReason: String
    package var step: String
    package var lastReminder: String
}

/// A payment with something unapplied, on a debtor's statement.
package struct StatementPayment: Sendable {
    package var key, date, currency: String
    package var amount, unapplied: Int64
    package var reason: String
}

/// A debtor's note.
package struct DebtorNoteRow: Sendable {
    package var at, who, text: String
}

/// A reminder Relance decided for a debtor (Dunning's `dunning_event`, with its e-mail's state).
package struct ReminderMessage: Sendable {
    package var asOf, step, channels, status: String
    /// The outbox message's state, or empty.
    package var mailState: String
    package var currency: String
    package var total: Int64
    /// Or empty.
    package var document: String
}

/// Reminders sent outside Relance to a debtor, grouped by day, step and channel.
package struct ExternalReminderMessage: Sendable {
    package var day, step: String
    /// Or empty.
    package var channel: String
    /// The invoice numbers, space-separated.
    package var invoices: String
}

extension IngestQueries {
    /// The debtor with this key, as the controls see it.
    package static func controlDebtor(_ db: Database, key: String) throws -> ControlDebtor? {
        try Row.fetchOne(db, sql: """
            SELECT id, on_hold, hold_reason, hold_until, direct_debit FROM debtor WHERE debtor_key = ?
            """, arguments: [key]).map {
            ControlDebtor(id: $0[0], onHold: $0[1], holdReason: $0[2], holdUntil: $0[3], directDebit: $0[4])
        }
    }

    /// The invoice with this number, as the controls see it.
    package static func controlInvoice(_ db: Database, number: String) throws -> ControlInvoice? {
        try Row.fetchOne(db, sql: """
            SELECT id, debtor_id, disputed, dispute_reason, status, type, currency, open_minor FROM invoice WHERE invoice_number = ?
            """, arguments: [number]).map {
            ControlInvoice(id: $0[0], debtorID: $0[1], disputed: $0[2], disputeReason: $0[3], status: $0[4], type: $0[5],
                           currency: $0[6], openMinor: $0[7])
        }
    }

    /// The text of a debtor's last note.
    package static func lastNote(_ db: Database, debtorID: Int64) throws -> String? {
        try String.fetchOne(db, sql: "SELECT text FROM debtor_note WHERE debtor_id = ? ORDER BY id DESC LIMIT 1", arguments: [debtorID])
    }

    /// The currencies of a debtor's open invoices, in code order.
    package static func openInvoiceCurrencies(_ db: Database, debtorID: Int64) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT DISTINCT currency FROM invoice WHERE debtor_id = ? AND status = 'open' ORDER BY currency",
                            arguments: [debtorID])
    }

    /// True when the debtor has an open promise of this amount, day and invoices.
    package static func hasOpenPromise(_ db: Database, debtorID: Int64, amount: Int64, until: String, invoices: String?) throws -> Bool {
        try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM promise_to_pay WHERE debtor_id = ? AND status = 'open' AND amount_minor = ? AND until = ?
              AND invoices IS ?)
            """, arguments: [debtorID, amount, until, invoices]) ?? false
    }

    /// The open invoice (not credit note) with this number: id, debtor, open amount, currency.
    package static func openInvoice(_ db: Database, number: String) throws
        -> (id: Int64, debtorID: Int64, openMinor: Int64, currency: String)?
    {
        try Row.fetchOne(db, sql: """
            SELECT id, debtor_id, open_minor, currency FROM invoice WHERE invoice_number = ? AND status = 'open' AND type = 'invoice'
            """, arguments: [number]).map { ($0[0], $0[1], $0[2], $0[3]) }
    }

    /// The open promise an export made for exactly these invoices (a JSON array): its id and day.
    package static func openExportPromise(_ db: Database, invoices: String) throws -> (id: Int64, until: String)? {
        try Row.fetchOne(db, sql: """
            SELECT id, until FROM promise_to_pay WHERE source = 'export' AND status = 'open' AND invoices = ?
            """, arguments: [invoices]).map { ($0[0], $0[1]) }
    }

    /// The open promises with an amount, a day made and a pause, to review.
    package static func promisesToReview(_ db: Database) throws -> [PromiseUnderReview] {
        try Row.fetchAll(db, sql: """
            SELECT p.id, p.debtor_id, d.debtor_key, p.amount_minor, p.invoices, p.made_on, p.pause_until, p.until
            FROM promise_to_pay p JOIN debtor d ON d.id = p.debtor_id
            WHERE p.status = 'open' AND p.amount_minor IS NOT NULL AND p.made_on IS NOT NULL AND p.pause_until IS NOT NULL
            """).map {
            PromiseUnderReview(id: $0[0], debtorID: $0[1], debtorKey: $0[2], amount: $0[3], invoices: $0[4], madeOn: $0[5],
                               pauseUntil: $0[6], until: $0[7])
        }
    }

    /// A debtor's invoices with what was allocated to them from payments dated `from`…`to`.
    package static func invoicesPaidBetween(_ db: Database, debtorID: Int64, from: String, to: String) throws -> [InvoicePaidInPeriod] {
        try Row.fetchAll(db, sql: """
            SELECT i.invoice_number, i.status, COALESCE(SUM(CASE WHEN y.payment_date BETWEEN ? AND ? THEN a.amount_minor END), 0)
            FROM invoice i LEFT JOIN payment_allocation a ON a.invoice_id = i.id LEFT JOIN payment y ON y.id = a.payment_id
            WHERE i.debtor_id = ? AND i.type = 'invoice' GROUP BY i.id
            """, arguments: [from, to, debtorID]).map { InvoicePaidInPeriod(number: $0[0], status: $0[1], paid: $0[2]) }
    }

    /// What is unapplied of the payments naming this debtor dated `from`…`to`.
    package static func unappliedBetween(_ db: Database, debtorKey: String, from: String, to: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: """
            SELECT COALESCE(SUM(unapplied_minor), 0) FROM payment WHERE debtor_key = ? AND payment_date BETWEEN ? AND ?
            """, arguments: [debtorKey, from, to]) ?? 0
    }

    /// Every promise (one debtor's when `debtorKey` is given), open ones first, then by day.
    package static func promises(_ db: Database, debtorKey: String?) throws -> [PromiseListRow] {
        try Row.fetchAll(db, sql: """
            SELECT d.debtor_key, p.amount_minor, COALESCE(p.currency, ''), p.until, COALESCE(p.pause_until, p.until),
              COALESCE(p.invoices, ''), p.status, COALESCE(p.made_on, substr(p.created_at, 1, 10)), COALESCE(p.made_by, ''), p.source
            FROM promise_to_pay p JOIN debtor d ON d.id = p.debtor_id
            WHERE ?1 IS NULL OR d.debtor_key = ?1
            ORDER BY p.status <> 'open', p.until, p.id
            """, arguments: [debtorKey]).map {
            PromiseListRow(debtorKey: $0[0], amount: $0[1], currency: $0[2], until: $0[3], pauseUntil: $0[4], invoices: $0[5],
                           status: $0[6], madeOn: $0[7], madeBy: $0[8], source: $0[9])
        }
    }

    /// The invoice with this number for an external reminder: id, debtor, the debtor's kind, type.
    package static func reminderTarget(_ db: Database, invoiceNumber: String) throws
        -> (id: Int64, debtorID: Int64, kind: String, type: InvoiceType)?
    {
        try Row.fetchOne(db, sql: """
            SELECT i.id, i.debtor_id, d.kind, i.type FROM invoice i JOIN debtor d ON d.id = i.debtor_id WHERE i.invoice_number = ?
            """, arguments: [invoiceNumber]).map { ($0[0], $0[1], $0[2], $0[3]) }
    }

    /// The debtor with this key: id and kind.
    package static func debtorKind(_ db: Database, key: String) throws -> (id: Int64, kind: String)? {
        try Row.fetchOne(db, sql: "SELECT id, kind FROM debtor WHERE debtor_key = ?", arguments: [key]).map { ($0[0], $0[1]) }
    }

    /// A debtor's invoices (not credit notes) due before `day`, oldest due first.
    package static func invoicesDueBefore(_ db: Database, debtorID: Int64, day: String) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT id FROM invoice WHERE debtor_id = ? AND type = 'invoice' AND due_date < ? ORDER BY due_date, id
            """, arguments: [debtorID, day])
    }

    /// The debtor with this key, as `debtor show` heads it.
    package static func statementDebtor(_ db: Database, key: String) throws -> StatementDebtor? {
        try Row.fetchOne(db, sql: """
            SELECT id, name, kind, on_hold, hold_reason, hold_until, direct_debit, language FROM debtor WHERE debtor_key = ?
            """, arguments: [key]).map {
            StatementDebtor(id: $0[0], name: $0[1], kind: $0[2], onHold: $0[3], holdReason: $0[4], holdUntil: $0[5],
                            directDebit: $0[6], language: $0[7])
        }
    }

    /// A debtor's open invoices and credit notes with their ladder state, oldest due first.
    package static func statementItems(_ db: Database, debtorID: Int64) throws -> [StatementItem] {
        try Row.fetchAll(db, sql: """
            SELECT i.invoice_number, i.type, i.issue_date, i.due_date, i.currency, i.amount_minor, i.open_minor, i.disputed,
              COALESCE(i.dispute_reason, ''), COALESCE(s.step, ''), COALESCE(s.last_reminder, '')
            FROM invoice i INDEXED BY invoice_open LEFT JOIN dunning_state s ON s.invoice_id = i.id
            WHERE i.debtor_id = ? AND i.status = 'open' ORDER BY i.due_date, i.id
            """, arguments: [debtorID]).map {
            StatementItem(number: $0[0], type: $0[1], issue: $0[2], due: $0[3], currency: $0[4], amount: $0[5], open: $0[6],
                          disputed: $0[7], disputeReason: $0[8], step: $0[9], lastReminder: $0[10])
        }
    }

    /// The payments with something unapplied that name the debtor or were applied to one of its invoices.
    package static func statementPayments(_ db: Database, debtorKey: String, debtorID: Int64) throws -> [StatementPayment] {
        try Row.fetchAll(db, sql: """
            SELECT DISTINCT p.payment_key, p.payment_date, p.currency, p.amount_minor, p.unapplied_minor, COALESCE(p.unapplied_reason, '')
            FROM payment p WHERE p.unapplied_minor > 0 AND (p.debtor_key = ?1 OR p.id IN (
              SELECT a.payment_id FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id WHERE i.debtor_id = ?2))
            ORDER BY p.payment_date, p.id
            """, arguments: [debtorKey, debtorID]).map {
            StatementPayment(key: $0[0], date: $0[1], currency: $0[2], amount: $0[3], unapplied: $0[4], reason: $0[5])
        }
    }

    /// A debtor's notes, oldest first.
    package static func notes(_ db: Database, debtorID: Int64) throws -> [DebtorNoteRow] {
        try Row.fetchAll(db, sql: "SELECT at, who, text FROM debtor_note WHERE debtor_id = ? ORDER BY id", arguments: [debtorID])
            .map { DebtorNoteRow(at: $0[0], who: $0[1], text: $0[2]) }
    }

    /// The reminders Dunning decided for a debtor, with their e-mail's state, by day.
    package static func reminderMessages(_ db: Database, debtorID: Int64) throws -> [ReminderMessage] {
        try Row.fetchAll(db, sql: """
            SELECT e.as_of, e.step, e.channels, e.status, COALESCE(m.state, ''), e.currency, e.total_minor,
              COALESCE(\(DunningEventRecord.documentPathSQL("e")), '')
            FROM dunning_event e LEFT JOIN outbox_message m ON m.id = e.outbox_message_id
            WHERE e.debtor_id = ? ORDER BY e.as_of, e.id
            """, arguments: [debtorID]).map {
            ReminderMessage(asOf: $0[0], step: $0[1], channels: $0[2], status: $0[3], mailState: $0[4], currency: $0[5],
                            total: $0[6], document: $0[7])
        }
    }

    /// The reminders sent to a debtor outside Relance, by day; each one's invoices closed before open, by due
    /// date (the order `invoice_by_debtor` gave before 0048, stated since its key has no `status`).
    package static func externalReminderMessages(_ db: Database, debtorID: Int64) throws -> [ExternalReminderMessage] {
        try Row.fetchAll(db, sql: """
            SELECT x.day, x.step, COALESCE(x.channel, ''), GROUP_CONCAT(i.invoice_number, ' ')
            FROM (SELECT id, invoice_number FROM invoice WHERE debtor_id = ? ORDER BY status, due_date, id) i
            JOIN external_reminder x ON x.invoice_id = i.id
            GROUP BY x.day, x.step_index, x.channel ORDER BY x.day
            """, arguments: [debtorID]).map { ExternalReminderMessage(day: $0[0], step: $0[1], channel: $0[2], invoices: $0[3]) }
    }
}
