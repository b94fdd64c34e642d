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

/// What the open-amount rule reads of one invoice: its stored figures and the sums of its allocations.
package struct InvoiceOpenFigures: Sendable, Equatable {
    /// `invoice` or `credit_note`.
    package var type: String
    package var amount: Int64
    /// The export's open amount (`reported_open_minor`).
    package var reportedOpen: Int64?
    /// The columns the rule sets, as stored now.
    package var now: InvoiceOpenState
    /// The sum of all its allocations.
    package var allocated: Int64
    /// The allocations the export's open amount reflects, and those it does not (an allocation of
    /// which this cannot be told, as when no export batch is known, counts in neither).
    package var reflected, unreflected: Int64
}

/// The columns the open-amount rule sets.
package struct InvoiceOpenState: Sendable, Equatable {
    /// `open_minor`.
    package var open: Int64
    /// `open` or `closed`.
    package var status: String
    /// `paid` or `settled_outside` when closed.
    package var closedReason: String?
    /// The day it was closed (`YYYY-MM-DD`), when known.
    package var closedOn: String?
}

extension InvoiceOpenFigures {
    /// The open-amount rule, the only place it is computed (its reasons are Ingest's `OpenAmount`,
    /// docs/INGEST.md "The open-amount rule"): the invoice's open amount, status and closing day
    /// once its allocations are counted; `closedOn` is the day of the payment that may close it.
    package func refreshed(closedOn day: String?) -> InvoiceOpenState {
        let open: Int64
        if now.closedReason == "settled_outside" {
            open = 0
        } else if type == InvoiceType.creditNote.rawValue {
            open = reportedOpen ?? amount
        } else if let r = reportedOpen {
            open = max(0, min(r, amount - reflected) - unreflected)
        } else {
            open = max(0, amount - allocated)
        }
        guard open == 0 else { return InvoiceOpenState(open: open, status: InvoiceStatus.open.rawValue, closedReason: nil, closedOn: nil) }
        var closedOn = now.closedOn
        // The latest payment's day (`YYYY-MM-DD` compares as bytes, as SQLite compares it).
        if let day, closedOn.map({ $0.utf8.lexicographicallyPrecedes(day.utf8) }) ?? true { closedOn = day }
        return InvoiceOpenState(open: 0, status: InvoiceStatus.closed.rawValue, closedReason: now.closedReason ?? "paid", closedOn: closedOn)
    }
}

extension IngestCommands {
    /// An allocation the export's open amount already reflects (SQL over `a`, `p` and `i`, the
    /// invoice): see Ingest's `OpenAmount`.
    static let reflected = "(p.booked = 1 OR COALESCE(a.batch_id, a.seen_batch_id, 0) < i.reported_batch_id)"

    /// One invoice's `InvoiceOpenFigures`, in one read (the invoice and its allocations).
    static let openFiguresSQL = """
        SELECT i.type, i.amount_minor, i.reported_open_minor, i.open_minor, i.status, i.closed_reason, i.closed_on,
          COALESCE(SUM(a.amount_minor), 0),
          COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND \(reflected) THEN a.amount_minor END), 0),
          COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND NOT \(reflected) THEN a.amount_minor END), 0)
        FROM invoice i LEFT JOIN payment_allocation a ON a.invoice_id = i.id LEFT JOIN payment p ON p.id = a.payment_id
        WHERE i.id = ? GROUP BY i.id
        """
    /// The write of an invoice's open state (a close among them); `package` for the test that counts its index writes.
    package static let setOpenStateSQL = "UPDATE invoice SET open_minor = ?, status = ?, closed_reason = ?, closed_on = ? WHERE id = ?"
    static let setClosedOnSQL = "UPDATE invoice SET closed_on = ? WHERE id = ?"

    /// Recomputes one invoice's open amount, status and closing day by the open-amount rule
    /// (`InvoiceOpenFigures.refreshed`; its reasons are Ingest's `OpenAmount`): one read, and a
    /// write only of what changed.
    package static func refreshOpenAmount(_ db: Database, invoiceID: Int64, closedOn: String?) throws {
        guard let r = try Row.fetchOne(db.cachedStatement(sql: openFiguresSQL), arguments: [invoiceID]) else {
            throw StoreError.rowVanished(id: invoiceID, query: openFiguresSQL)
        }
        let figures = InvoiceOpenFigures(type: r[0], amount: r[1], reportedOpen: r[2],
                                         now: InvoiceOpenState(open: r[3], status: r[4], closedReason: r[5], closedOn: r[6]),
                                         allocated: r[7], reflected: r[8], unreflected: r[9])
        let next = figures.refreshed(closedOn: closedOn)
        switch OpenStateWrite(figures.now, next) {
        case .none: break
        case .closedOn: try db.cachedStatement(sql: setClosedOnSQL).execute(arguments: [next.closedOn, invoiceID])
        case .all:
            try db.cachedStatement(sql: setOpenStateSQL).execute(arguments: [next.open, next.status, next.closedReason, next.closedOn, invoiceID])
        }
    }

    static let setUnappliedSQL = "UPDATE payment SET unapplied_minor = ?, unapplied_reason = ? WHERE id = ?"
    static let allocateSQL = "INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule, batch_id) VALUES (?, ?, ?, ?, ?)"

    /// Learns who pays from an account (kept when already known): a bank payment's counterparty
    /// account pays for the debtor of an invoice it was allocated to.
    static let learnPayerAccountSQL = "INSERT OR IGNORE INTO debtor_account (iban, debtor_id, learned_from_payment_id) VALUES (?, ?, ?)"

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

    static let insertBankPaymentSQL = """
        INSERT INTO payment (payment_key, payment_date, currency, amount_minor, structured_reference, unapplied_minor,
          content_hash, created_batch_id, updated_batch_id, booked, source, statement_id, counterparty_iban,
          counterparty_name, free_text, unapplied_reason)
        VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, 0, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (payment_key) DO NOTHING
        """
}

/// Which write a refresh needs: none, the closing day alone (no index holds it), or every column.
enum OpenStateWrite {
    case none, closedOn, all

    init(_ old: InvoiceOpenState, _ new: InvoiceOpenState) {
        if old == new {
            self = .none
        } else if old.open == new.open && old.status == new.status && old.closedReason == new.closedReason {
            self = .closedOn
        } else {
            self = .all
        }
    }
}

/// The statements of payment allocation, prepared once per ingest (on first use) and driven through
/// the C API (`BulkStatement`): the per-payment hot path of `ingest payments` and of bank statements.
/// The open-amount rule is the one `IngestCommands.refreshOpenAmount` applies; use it inside one
/// transaction of its connection only.
package final class AllocationStatements {
    let db: Database
    private var slots: [BulkStatement?] = Array(repeating: nil, count: Slot.allCases.count)

    /// The statements in use, by slot.
    enum Slot: Int, CaseIterable {
        case byInvoiceNumber, byReference, byReminderReference, byDebtorKey, byPayerIBAN, payerCount, openFigures, setOpenState,
             setClosedOn, allocate, setUnapplied, invoiceExists, debtorExists, learnPayerAccount, insertBankPayment
    }

    /// The free-text look-ups, by how many numbers they name.
    private var byInvoiceNumbers: [Int: BulkStatement] = [:]

    /// A first load's payments and allocations waiting to be appended many to a statement; the
    /// look-ups that count allocations add the waiting ones (`PaymentAppend.overlay`), the reads that
    /// cannot write them first. Nil: each row written as it comes.
    package var append: PaymentAppend?

    /// Prepares nothing yet: each statement on its first use.
    package init(_ db: Database) { self.db = db }

    /// The prepared statement of `slot` (its SQL given on first use).
    func statement(_ slot: Slot, _ sql: @autoclosure () -> String) throws -> BulkStatement {
        if let s = slots[slot.rawValue] { return s }
        let s = try BulkStatement(db, sql())
        slots[slot.rawValue] = s
        return s
    }

    /// The free-text look-up of `count` invoice numbers.
    func statement(invoiceNumbers count: Int) throws -> BulkStatement {
        if let s = byInvoiceNumbers[count] { return s }
        let s = try BulkStatement(db, IngestQueries.byInvoiceNumbersSQL(count: count))
        byInvoiceNumbers[count] = s
        return s
    }

    /// `IngestCommands.refreshOpenAmount`, prepared.
    package func refreshOpenAmount(invoiceID: Int64, closedOn: String?) throws {
        // The read sums the invoice's allocations: those waiting written first.
        if let a = append, a.waits(invoiceID: invoiceID) { try a.flush() }
        let read = try statement(.openFigures, IngestCommands.openFiguresSQL)
        read.bind(1, invoiceID)
        let figures: InvoiceOpenFigures
        do {
            defer { read.reset() }
            guard try read.step() else { throw StoreError.rowVanished(id: invoiceID, query: IngestCommands.openFiguresSQL) }
            figures = InvoiceOpenFigures(
                type: read.text(0) ?? "", amount: read.int64(1), reportedOpen: read.isNull(2) ? nil : read.int64(2),
                now: InvoiceOpenState(open: read.int64(3), status: read.text(4) ?? "", closedReason: read.text(5), closedOn: read.text(6)),
                allocated: read.int64(7), reflected: read.int64(8), unreflected: read.int64(9))
        }
        try refreshOpenAmount(invoiceID: invoiceID, figures, closedOn: closedOn)
    }

    /// The same rule from figures already known (a candidate look-up's, with the allocation just
    /// recorded added: `AllocationCandidate.figures(adding:booked:batch:)`): no read, the same writes.
    package func refreshOpenAmount(invoiceID: Int64, _ figures: InvoiceOpenFigures, closedOn: String?) throws {
        try writeOpenState(invoiceID: invoiceID, from: figures.now, to: figures.refreshed(closedOn: closedOn))
    }

    /// Writes the open state `next` of an invoice that holds `old` now: nothing when they are equal, the
    /// closing day alone when only it differs, else every column (`OpenStateWrite`). A bank statement's
    /// refreshes, computed in credit order and written later in invoice order, end here.
    package func writeOpenState(invoiceID: Int64, from old: InvoiceOpenState, to next: InvoiceOpenState) throws {
        switch OpenStateWrite(old, next) {
        case .none: break
        case .closedOn:
            let w = try statement(.setClosedOn, IngestCommands.setClosedOnSQL)
            w.bind(1, next.closedOn); w.bind(2, invoiceID)
            try w.run()
        case .all:
            let w = try statement(.setOpenState, IngestCommands.setOpenStateSQL)
            w.bind(1, next.open); w.bind(2, next.status); w.bind(3, next.closedReason); w.bind(4, next.closedOn); w.bind(5, invoiceID)
            try w.run()
        }
    }

    /// Records an automatic allocation of `amount` of a payment to an invoice, made by `batch`; returns its id.
    @discardableResult
    package func allocate(paymentID: Int64, invoiceID: Int64, amount: Int64, rule: AllocationRule, batch: Int64) throws -> Int64 {
        let w = try statement(.allocate, IngestCommands.allocateSQL)
        w.bind(1, paymentID); w.bind(2, invoiceID); w.bind(3, amount); w.bind(4, rule.rawValue); w.bind(5, batch)
        try w.run()
        return w.lastInsertedRowID
    }

    /// Learns that `iban` pays for the debtor `debtorID`, from payment `paymentID` (kept when already
    /// known): after each automatic allocation of a bank payment, from the values its candidate
    /// look-up read (no join: the invoice's `debtor_id` came with the candidate).
    package func learnPayerAccount(iban: String, debtorID: Int64, paymentID: Int64) throws {
        let w = try statement(.learnPayerAccount, IngestCommands.learnPayerAccountSQL)
        w.bind(1, iban); w.bind(2, debtorID); w.bind(3, paymentID)
        try w.run()
    }

    /// Stores a bank movement as a payment with what is left unapplied of it and why (all of it, no
    /// reason, by default); nil when its key is already stored.
    package func insertBankPayment(_ m: BankPaymentRow, source: String, batch: Int64, unapplied: Int64? = nil,
                                   reason: String? = nil) throws -> Int64? {
        let w = try statement(.insertBankPayment, IngestCommands.insertBankPaymentSQL)
        w.bind(1, m.key); w.bind(2, m.date); w.bind(3, m.currency); w.bind(4, m.amount); w.bind(5, m.reference)
        w.bind(6, unapplied ?? m.amount); w.bind(7, batch); w.bind(8, batch); w.bind(9, source); w.bind(10, m.statementID)
        w.bind(11, m.counterpartyIBAN); w.bind(12, m.counterpartyName); w.bind(13, m.freeText); w.bind(14, reason)
        try w.run()
        return w.changes == 1 ? w.lastInsertedRowID : nil
    }

    /// Sets what is left unapplied of a payment, and why (nil when nothing is).
    package func setUnapplied(paymentID: Int64, minor: Int64, reason: String?) throws {
        // The payment may be waiting: written first.
        if let a = append, !a.isEmpty { try a.flush() }
        let w = try statement(.setUnapplied, IngestCommands.setUnappliedSQL)
        w.bind(1, minor); w.bind(2, reason); w.bind(3, paymentID)
        try w.run()
    }
}
