import GRDB

// The credit controller's changes (Ingest's `Controls`, `Promises`, `ExternalReminders`): holds,
// disputes and direct debit on `debtor`/`invoice`, `debtor_note`, `promise_to_pay`,
// `external_reminder`, and `dunning_state` moved forward to a reminder sent before Relance.

/// A promise to pay to record.
package struct PromiseInsert: Sendable {
    package var debtorID: Int64
    /// The promised day, `YYYY-MM-DD`.
    package var until: String
    /// An `Instant` string.
    package var createdAt: String
    package var amount: Int64
    package var currency: String
    /// The promised invoices as a JSON array of strings (nil: the debtor's balance).
    package var invoices: String?
    package var madeOn: String
    package var madeBy: String
    /// The last day the ladder pauses.
    package var pauseUntil: String
    package var source: PromiseSource

    /// Every field.
    package init(debtorID: Int64, until: String, createdAt: String, amount: Int64, currency: String, invoices: String?,
                madeOn: String, madeBy: String, pauseUntil: String, source: PromiseSource) {
        self.debtorID = debtorID; self.until = until; self.createdAt = createdAt; self.amount = amount; self.currency = currency
        self.invoices = invoices; self.madeOn = madeOn; self.madeBy = madeBy; self.pauseUntil = pauseUntil; self.source = source
    }
}

/// A reminder sent outside Relance, for one invoice.
package struct ExternalReminderRow: Sendable {
    package var invoiceID: Int64
    /// `YYYY-MM-DD`.
    package var day: String
    package var stepIndex: Int
    package var step: String
    package var channel: String?
    package var fileName: String
    package var line: Int
    /// When it was recorded, an `Instant` string.
    package var at: String

    /// Every field.
    package init(invoiceID: Int64, day: String, stepIndex: Int, step: String, channel: String?, fileName: String, line: Int, at: String) {
        self.invoiceID = invoiceID; self.day = day; self.stepIndex = stepIndex; self.step = step; self.channel = channel
        self.fileName = fileName; self.line = line; self.at = at
    }
}

extension IngestCommands {
    /// Puts a debtor on hold with a reason and an optional last day.
    package static func hold(_ db: Database, debtorID: Int64, reason: String, until: String?) throws {
        try db.execute(sql: "UPDATE debtor SET on_hold = 1, hold_reason = ?, hold_until = ? WHERE id = ?",
                       arguments: [reason, until, debtorID])
    }

    /// Takes a debtor off hold.
    package static func release(_ db: Database, debtorID: Int64) throws {
        try db.execute(sql: "UPDATE debtor SET on_hold = 0, hold_reason = NULL, hold_until = NULL WHERE id = ?", arguments: [debtorID])
    }

    /// Sets a debtor's direct-debit flag.
    package static func setDirectDebit(_ db: Database, debtorID: Int64, on: Bool) throws {
        try db.execute(sql: "UPDATE debtor SET direct_debit = ? WHERE id = ?", arguments: [on, debtorID])
    }

    /// Flags an invoice as disputed with a reason.
    package static func dispute(_ db: Database, invoiceID: Int64, reason: String) throws {
        try db.execute(sql: "UPDATE invoice SET disputed = 1, dispute_reason = ? WHERE id = ?", arguments: [reason, invoiceID])
    }

    /// Clears an invoice's dispute.
    package static func resolveDispute(_ db: Database, invoiceID: Int64) throws {
        try db.execute(sql: "UPDATE invoice SET disputed = 0, dispute_reason = NULL WHERE id = ?", arguments: [invoiceID])
    }

    /// Adds a note to a debtor; returns its id.
    package static func addNote(_ db: Database, debtorID: Int64, at: String, who: String, text: String) throws -> Int64 {
        try db.execute(sql: "INSERT INTO debtor_note (debtor_id, at, who, text) VALUES (?, ?, ?, ?)",
                       arguments: [debtorID, at, who, text])
        return db.lastInsertedRowID
    }

    /// Records a promise to pay (open); returns its id.
    package static func insertPromise(_ db: Database, _ p: PromiseInsert) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO promise_to_pay (debtor_id, until, created_at, amount_minor, currency, invoices, made_on, made_by, pause_until, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [p.debtorID, p.until, p.createdAt, p.amount, p.currency, p.invoices, p.madeOn, p.madeBy,
                             p.pauseUntil, p.source])
        return db.lastInsertedRowID
    }

    /// Moves a promise to another day and pause.
    package static func movePromise(_ db: Database, id: Int64, until: String, pauseUntil: String) throws {
        try db.execute(sql: "UPDATE promise_to_pay SET until = ?, pause_until = ? WHERE id = ?", arguments: [until, pauseUntil, id])
    }

    /// Marks a promise kept or broken on `day`.
    package static func setPromiseStatus(_ db: Database, id: Int64, status: PromiseStatus, on day: String) throws {
        try db.execute(sql: "UPDATE promise_to_pay SET status = ?, status_on = ? WHERE id = ?", arguments: [status, day, id])
    }

    /// Records a reminder sent outside Relance; false when the same one is already recorded.
    package static func insertExternalReminder(_ db: Database, _ r: ExternalReminderRow) throws -> Bool {
        try db.execute(sql: """
            INSERT OR IGNORE INTO external_reminder (invoice_id, day, step_index, step, channel, file_name, line, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [r.invoiceID, r.day, r.stepIndex, r.step, r.channel, r.fileName, r.line, r.at])
        return db.changesCount > 0
    }

    /// Moves an invoice's ladder state (`dunning_state`, Dunning's table) to a reminder sent before
    /// Relance, when that step is further (or the same step later) than where it stands; the first
    /// reminder's day and channel (`email` or `post`) are kept when known. True when it moved.
    package static func advanceLadderState(_ db: Database, invoiceID: Int64, ladder: String, stepIndex: Int, step: String,
                                          day: String, firstChannel: String?) throws -> Bool {
        try db.execute(sql: """
            INSERT INTO dunning_state (invoice_id, ladder, step_index, step, last_reminder, first_reminder, first_channel)
            VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
            ON CONFLICT (invoice_id) DO UPDATE SET ladder = excluded.ladder, step_index = excluded.step_index, step = excluded.step,
              last_reminder = excluded.last_reminder,
              first_reminder = MIN(COALESCE(dunning_state.first_reminder, excluded.first_reminder), excluded.first_reminder),
              first_channel = COALESCE(dunning_state.first_channel, excluded.first_channel)
            WHERE excluded.step_index > dunning_state.step_index
              OR (excluded.step_index = dunning_state.step_index AND excluded.last_reminder > dunning_state.last_reminder)
            """, arguments: [invoiceID, ladder, stepIndex, step, day, firstChannel])
        return db.changesCount > 0
    }
}
