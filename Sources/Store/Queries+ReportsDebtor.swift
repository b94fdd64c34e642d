import GRDB
import Ledger

/// The facts a debtor page opens with.
package struct DebtorPageHeader: FetchableRecord, Sendable {
    /// `debtor_key`, name and kind (`b2b`, `b2c`).
    package var key: String, name: String, kind: String
    /// Contact data.
    package var email: String?, phone: String?, language: String?
    /// Whether it is on hold or pays by direct debit.
    package var onHold: Bool?, directDebit: Bool?

    /// Decodes the columns of `ReportQueries.debtorHeader` by name.
    package init(row: Row) throws {
        key = row["debtor_key"]
        name = row["name"]
        kind = row["kind"]
        email = row["email"]
        phone = row["phone"]
        language = row["language"]
        onHold = row["on_hold"]
        directDebit = row["direct_debit"]
    }
}

/// A debtor's open, overdue and disputed figures in one currency.
package struct DebtorOpenFigures: FetchableRecord, Sendable {
    /// ISO currency code.
    package var currency: String
    /// Open and overdue (invoices due before the day), minor units.
    package var open: Int64, overdue: Int64
    /// Disputed open items.
    package var disputed: Int?

    /// Decodes `currency, open, overdue, disputed`.
    package init(row: Row) throws {
        currency = row[0]
        open = row[1]
        overdue = row[2]
        disputed = row[3]
    }
}

/// A debtor's score in a forecast run.
package struct DebtorScoreLine: FetchableRecord, Sendable {
    /// Grade A–E and score 0–100.
    package var grade: String, score: Int
    /// The main reasons, a JSON array of strings.
    package var reasons: String?
    /// Typical delay in days.
    package var typicalDelayDays: Int

    /// Decodes `grade, score, reasons, typical_delay_days`.
    package init(row: Row) throws {
        grade = row[0]
        score = row[1]
        reasons = row[2]
        typicalDelayDays = row[3]
    }
}

/// One open item of a debtor's statement.
package struct DebtorStatementLine: FetchableRecord, Sendable {
    /// Invoice number, issue and due date, ISO currency code.
    package var invoiceNumber: String, issueDate: String, dueDate: String, currency: String
    /// Amount and open amount, minor units.
    package var amount: Int64, open: Int64
    /// Flags from the ERP export.
    package var disputed: Bool?, onHold: Bool?
    /// `invoice` or `credit_note`.
    package var type: String
    /// The forecast's median payment day.
    package var expectedPaid: String?

    /// Decodes the columns of `ReportQueries.statementCursor`.
    package init(row: Row) throws {
        invoiceNumber = row[0]
        issueDate = row[1]
        dueDate = row[2]
        currency = row[3]
        amount = row[4]
        open = row[5]
        disputed = row[6]
        onHold = row[7]
        type = row[8]
        expectedPaid = row[9]
    }
}

/// One reminder of a debtor's timeline.
package struct DebtorMessageLine: FetchableRecord, Sendable {
    /// As-of day, step name, channels as stored, status, ISO currency code.
    package var asOf: String, step: String, channels: String, status: String, currency: String
    /// Demanded, minor units.
    package var demanded: Int64
    /// The pay-by day, the letter's path.
    package var payBy: String?, documentPath: String?
    /// Why it was held or cancelled.
    package var heldReason: String?, cancelReason: String?

    /// Decodes the columns of `ReportQueries.messagesCursor`.
    package init(row: Row) throws {
        asOf = row[0]
        step = row[1]
        channels = row[2]
        status = row[3]
        currency = row[4]
        demanded = row[5]
        payBy = row[6]
        documentPath = row[7]
        heldReason = row[8]
        cancelReason = row[9]
    }
}

/// A promise to pay as a debtor page lists it.
package struct DebtorPromiseLine: FetchableRecord, Sendable {
    /// The promised day, the note, when it was recorded.
    package var until: String, note: String?, createdAt: String

    /// Decodes `until, note, created_at`.
    package init(row: Row) throws {
        until = row[0]
        note = row[1]
        createdAt = row[2]
    }
}

/// A disputed open invoice, with the day of the import that marked it.
package struct DebtorDisputeLine: FetchableRecord, Sendable {
    /// Invoice number, due date, ISO currency code.
    package var invoiceNumber: String, dueDate: String, currency: String
    /// Open, minor units.
    package var open: Int64
    /// The as-of day of the latest import that set its disputed flag.
    package var since: String?

    /// Decodes `invoice_number, due_date, currency, open_minor, since`.
    package init(row: Row) throws {
        invoiceNumber = row[0]
        dueDate = row[1]
        currency = row[2]
        open = row[3]
        since = row[4]
    }
}

extension ReportQueries {
    /// The debtor with id `id`; nil when there is none.
    package static func debtorHeader(_ db: Database, id: Int64) throws -> DebtorPageHeader? {
        try DebtorPageHeader.fetchOne(db, sql: """
            SELECT debtor_key, name, kind, email, phone, language, on_hold, direct_debit FROM debtor WHERE id = ?
            """, arguments: [id])
    }

    /// Debtor `id`'s open items per currency: open, overdue on `asOf`, disputed.
    package static func debtorOpenFigures(_ db: Database, id: Int64, asOf: Day) throws -> [DebtorOpenFigures] {
        try DebtorOpenFigures.fetchAll(db, sql: """
            SELECT currency, SUM(open_minor), SUM(CASE WHEN due_date < ?2 AND type = 'invoice' THEN open_minor ELSE 0 END),
              SUM(disputed)
            FROM invoice WHERE debtor_id = ?1 AND status = 'open' GROUP BY currency ORDER BY currency
            """, arguments: [id, asOf.description])
    }

    /// Debtor `id`'s score in forecast run `runID`, if it has one.
    package static func debtorScore(_ db: Database, id: Int64, runID: Int64) throws -> DebtorScoreLine? {
        try DebtorScoreLine.fetchOne(db, sql: """
            SELECT grade, score, reasons, typical_delay_days, late_share FROM debtor_score WHERE forecast_run_id = ? AND debtor_id = ?
            """, arguments: [runID, id])
    }

    /// Debtor `id`'s open items by due date, with run `runID`'s median payment day; streamed.
    package static func statementCursor(_ db: Database, id: Int64, runID: Int64) throws -> RecordCursor<DebtorStatementLine> {
        try DebtorStatementLine.fetchCursor(db, sql: """
            SELECT i.invoice_number, i.issue_date, i.due_date, i.currency, i.amount_minor, i.open_minor, i.disputed, i.on_hold,
              i.type, f.p50_date
            FROM invoice i INDEXED BY invoice_open LEFT JOIN invoice_forecast f ON f.forecast_run_id = ?2 AND f.invoice_id = i.id
            WHERE i.debtor_id = ?1 AND i.status = 'open' ORDER BY i.due_date, i.invoice_number
            """, arguments: [id, runID])
    }

    /// Debtor `id`'s reminders, latest first; streamed.
    package static func messagesCursor(_ db: Database, id: Int64) throws -> RecordCursor<DebtorMessageLine> {
        try DebtorMessageLine.fetchCursor(db, sql: """
            SELECT as_of, step, channels, status, currency, COALESCE(demanded_minor, total_minor), pay_by,
              \(DunningEventRecord.documentPathSQL()) AS document_path,
              \(DunningEventRecord.heldReasonSQL), cancel_reason
            FROM dunning_event WHERE debtor_id = ? ORDER BY as_of DESC, id DESC
            """, arguments: [id])
    }

    /// Debtor `id`'s promises to pay, latest promised day first.
    package static func promises(_ db: Database, id: Int64) throws -> [DebtorPromiseLine] {
        try DebtorPromiseLine.fetchAll(db, sql: """
            SELECT until, note, created_at FROM promise_to_pay WHERE debtor_id = ? ORDER BY until DESC, id DESC
            """, arguments: [id])
    }

    /// Debtor `id`'s disputed open invoices by due date.
    package static func disputes(_ db: Database, id: Int64) throws -> [DebtorDisputeLine] {
        try DebtorDisputeLine.fetchAll(db, sql: """
            SELECT i.invoice_number, i.due_date, i.currency, i.open_minor,
              (SELECT MAX(b.as_of) FROM record_change c JOIN ingest_batch b ON b.id = c.batch_id
               WHERE c.entity = 'invoice' AND c.entity_key = i.invoice_number AND json_extract(c.new_values, '$.disputed') = '1')
            FROM invoice i INDEXED BY invoice_open WHERE i.debtor_id = ? AND i.status = 'open' AND i.disputed = 1 ORDER BY i.due_date, i.id
            """, arguments: [id])
    }
}
