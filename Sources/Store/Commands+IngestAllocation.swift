import GRDB

// Ingest's writes of allocations and bank payments: `payment_allocation`, `debtor_account`,
// `bank_statement`, and the open amount of an invoice (Ingest's `OpenAmount` rule).

/// One bank movement to store as a payment (`source` = the statement's format).
package struct BankPaymentRow: Sendable {
    package var key: String
    /// The booking day, `YYYY-MM-DD`.
    package var date: String
    package var currency: String
    package var amount: Int64
    package var reference: String?
    package var statementID: Int64
    package var counterpartyIBAN, counterpartyName, freeText: String?

    /// Every field.
    package init(key: String, date: String, currency: String, amount: Int64, reference: String?, statementID: Int64,
                counterpartyIBAN: String?, counterpartyName: String?, freeText: String?) {
        self.key = key; self.date = date; self.currency = currency; self.amount = amount; self.reference = reference
        self.statementID = statementID; self.counterpartyIBAN = counterpartyIBAN; self.counterpartyName = counterpartyName
        self.freeText = freeText
    }
}

/// One bank statement's header, as `bank_statement` keeps it.
package struct BankStatementRow: Sendable {
    /// `coda` or `camt`.
    package var format: String
    package var key: String
    package var account: String?
    package var currency: String
    package var date: String?
    package var oldBalance, newBalance: Int64?
    package var movements, credits: Int

    /// Every field.
    package init(format: String, key: String, account: String?, currency: String, date: String?, oldBalance: Int64?,
                newBalance: Int64?, movements: Int, credits: Int) {
        self.format = format; self.key = key; self.account = account; self.currency = currency; self.date = date
        self.oldBalance = oldBalance; self.newBalance = newBalance; self.movements = movements; self.credits = credits
    }
}

extension IngestCommands {
    /// An allocation the export's open amount already reflects (SQL over `a`, `p` and `invoice`):
    /// see Ingest's `OpenAmount`.
    static let reflected = "(p.booked = 1 OR COALESCE(a.batch_id, a.seen_batch_id, 0) < invoice.reported_batch_id)"

    /// Recomputes one invoice's open amount, status and closing day by the open-amount rule, whose
    /// statement and reasons are Ingest's `OpenAmount` (docs/INGEST.md, "The open-amount rule").
    package static func refreshOpenAmount(_ db: Database, invoiceID: Int64, closedOn: String?) throws {
        try db.cachedStatement(sql: """
            UPDATE invoice SET open_minor = CASE
                WHEN closed_reason = 'settled_outside' THEN 0
                WHEN type = 'credit_note' THEN COALESCE(reported_open_minor, amount_minor)
                WHEN reported_open_minor IS NULL THEN MAX(0, amount_minor
                  - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM payment_allocation a WHERE a.invoice_id = invoice.id))
                ELSE MAX(0, MIN(reported_open_minor, amount_minor
                    - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                       WHERE a.invoice_id = invoice.id AND \(reflected)))
                  - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                     WHERE a.invoice_id = invoice.id AND NOT \(reflected)))
              END
            WHERE id = ?
            """).execute(arguments: [invoiceID])
        try db.cachedStatement(sql: """
            UPDATE invoice SET status = CASE WHEN open_minor = 0 THEN 'closed' ELSE 'open' END,
              closed_reason = CASE WHEN open_minor = 0 THEN COALESCE(closed_reason, 'paid') ELSE NULL END,
              closed_on = CASE WHEN open_minor <> 0 THEN NULL
                WHEN ?1 IS NULL THEN closed_on
                WHEN closed_on IS NULL OR closed_on < ?1 THEN ?1 ELSE closed_on END
            WHERE id = ?2
            """).execute(arguments: [closedOn, invoiceID])
    }

    /// Records an automatic allocation of `amount` of a payment to an invoice, made by `batch`.
    package static func allocate(_ db: Database, paymentID: Int64, invoiceID: Int64, amount: Int64, rule: AllocationRule,
                                batch: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule, batch_id) VALUES (?, ?, ?, ?, ?)
            """).execute(arguments: [paymentID, invoiceID, amount, rule, batch])
    }

    /// Learns that the invoice's debtor pays from `iban` (kept when already known).
    package static func learnPayerAccount(_ db: Database, iban: String, paymentID: Int64, invoiceID: Int64) throws {
        try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO debtor_account (iban, debtor_id, learned_from_payment_id)
            SELECT ?, debtor_id, ? FROM invoice WHERE id = ?
            """).execute(arguments: [iban, paymentID, invoiceID])
    }

    /// Deletes a payment's allocations; returns the invoices they were on (in allocation order),
    /// whose open amounts the caller refreshes.
    package static func removeAllocations(_ db: Database, paymentID: Int64) throws -> [Int64] {
        let invoices = try Int64.fetchAll(db.cachedStatement(sql: "SELECT invoice_id FROM payment_allocation WHERE payment_id = ?"),
                                          arguments: [paymentID])
        try db.cachedStatement(sql: "DELETE FROM payment_allocation WHERE payment_id = ?").execute(arguments: [paymentID])
        return invoices
    }

    /// Records a person's allocation (rule `manual`, with the last ingest batch as `seen_batch_id`)
    /// and takes it off what the payment has unapplied (its reason goes when nothing is left).
    package static func allocateManually(_ db: Database, paymentID: Int64, invoiceID: Int64, amount: Int64) throws {
        try db.execute(sql: """
            INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule, seen_batch_id)
            VALUES (?, ?, ?, ?, (SELECT MAX(id) FROM ingest_batch))
            """, arguments: [paymentID, invoiceID, amount, AllocationRule.manual])
        try db.execute(sql: """
            UPDATE payment SET unapplied_minor = unapplied_minor - ?,
              unapplied_reason = CASE WHEN unapplied_minor - ? = 0 THEN NULL ELSE unapplied_reason END WHERE id = ?
            """, arguments: [amount, amount, paymentID])
    }

    /// Deletes one allocation (by its id).
    package static func removeAllocation(_ db: Database, id: Int64) throws {
        try db.execute(sql: "DELETE FROM payment_allocation WHERE id = ?", arguments: [id])
    }

    /// Gives `amount` back to a payment's unapplied part, unallocated by hand: automatic matching
    /// leaves it alone from then on (`manual_only`).
    package static func markUnallocated(_ db: Database, paymentID: Int64, amount: Int64) throws {
        try db.execute(sql: """
            UPDATE payment SET unapplied_minor = unapplied_minor + ?, unapplied_reason = 'unallocated by hand', manual_only = 1 WHERE id = ?
            """, arguments: [amount, paymentID])
    }

    /// Stores a bank statement's header; returns its id.
    package static func insertBankStatement(_ db: Database, _ s: BankStatementRow, batch: Int64) throws -> Int64 {
        try db.execute(sql: """
            INSERT INTO bank_statement (format, statement_key, account, currency, statement_date, old_balance_minor,
              new_balance_minor, movements, credits, batch_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [s.format, s.key, s.account, s.currency, s.date, s.oldBalance, s.newBalance, s.movements, s.credits, batch])
        return db.lastInsertedRowID
    }

    /// Stores a bank movement as a payment, all of it unapplied; nil when its key is already stored.
    package static func insertBankPayment(_ db: Database, _ m: BankPaymentRow, source: String, batch: Int64) throws -> Int64? {
        try db.cachedStatement(sql: """
            INSERT INTO payment (payment_key, payment_date, currency, amount_minor, structured_reference, unapplied_minor,
              content_hash, created_batch_id, updated_batch_id, booked, source, statement_id, counterparty_iban,
              counterparty_name, free_text)
            VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?, ?, ?, ?, ?)
            ON CONFLICT (payment_key) DO NOTHING
            """).execute(arguments: [m.key, m.date, m.currency, m.amount, m.reference, m.amount, batch, batch, source,
                                     m.statementID, m.counterpartyIBAN, m.counterpartyName, m.freeText])
        return db.changesCount == 1 ? db.lastInsertedRowID : nil
    }
}
