import GRDB
import GRDBSQLite

// Ingest's reads for matching payments to invoices, including the one read across a stage: the
// communication of a Dunning reminder (`dunning_event`, `dunning_state`).

/// An invoice a payment could go to: what it can still take, its currency and its debtor.
package struct AllocationCandidate: Sendable, Equatable {
    package var invoiceID: Int64
    package var capacity: Int64
    package var currency: String
    /// The invoice's `debtor_id`: whom a bank payment's counterparty account is learnt for.
    package var debtorID: Int64
    /// What the open-amount rule reads of the invoice, read by the same look-up (by invoice number or
    /// structured reference), so that the refresh after an allocation to it reads nothing; nil from
    /// the other look-ups.
    package var figures: InvoiceOpenFigures? = nil
    /// The invoice's `reported_batch_id` (with `figures`): the export whose open amount it reports.
    package var reportedBatch: Int64? = nil

    /// The four fields; no figures.
    package init(invoiceID: Int64, capacity: Int64, currency: String, debtorID: Int64) {
        self.invoiceID = invoiceID; self.capacity = capacity; self.currency = currency; self.debtorID = debtorID
    }

    /// The figures once an automatic allocation of `amount` by `batch`, of a payment from the books'
    /// register (`booked`) or not, is added: the allocation counts as reflected or not exactly as
    /// `IngestCommands.reflected` counts it in SQL (neither when no export batch is known).
    package func figures(adding amount: Int64, booked: Bool, batch: Int64) -> InvoiceOpenFigures? {
        guard var f = figures else { return nil }
        f.allocated += amount
        if booked {
            f.reflected += amount
        } else if let reported = reportedBatch {
            if batch < reported { f.reflected += amount } else { f.unreflected += amount }
        }
        return f
    }
}

/// An unapplied payment that automatic matching tries again.
package struct RetryPayment: Sendable {
    package var id: Int64
    package var date: String
    package var currency: String
    package var unapplied: Int64
    package var invoiceNumber, reference, debtorKey, freeText, counterpartyIBAN: String?
    /// From a bank statement (CODA or camt).
    package var fromBank: Bool
    package var unappliedReason: String?
    /// How many allocations it already has.
    package var allocations: Int64
}

/// A payment with something unapplied, as `relance payments unapplied` lists it.
package struct UnappliedPaymentRow: Sendable {
    package var key: String
    package var date: String
    package var amount: Int64
    package var unapplied: Int64
    package var currency: String
    /// Its structured reference, else invoice number, else free text (or empty).
    package var reference: String
    /// Its counterparty's name, else debtor key (or empty).
    package var counterparty: String
    package var reason: String
}

/// A payment as a manual allocation needs it.
package struct PaymentForAllocation: Sendable {
    package var id: Int64
    package var currency: String
    package var unapplied: Int64
    package var date: String
}

/// An invoice as a manual allocation needs it.
package struct InvoiceForAllocation: Sendable {
    package var id: Int64
    package var currency: String
    package var type: InvoiceType
    /// What it still lacks: the lower of its open amount and `amount − allocated` (may be negative).
    package var lacking: Int64
    package var debtorID: Int64
}

/// One allocation of a payment, with its invoice.
package struct AllocationOfPayment: Sendable {
    package var id: Int64
    package var invoiceID: Int64
    package var amount: Int64
    package var invoiceNumber: String
    package var debtorID: Int64
}

extension IngestQueries {
    /// What each invoice can still take: `amount − allocated`.
    private static let lacking = """
        SELECT id, amount_minor - COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocation a WHERE a.invoice_id = invoice.id), 0),
          currency FROM invoice
        """

    /// What each invoice can still take (`amount − allocated`) and its debtor, with its
    /// `InvoiceOpenFigures` (the columns of `IngestCommands.openFiguresSQL`) and `reported_batch_id`,
    /// grouped by invoice.
    static let lackingWithFigures = lackingWithFiguresColumns + "\n" + lackingWithFiguresFrom
    private static let lackingWithFiguresColumns = """
        SELECT i.id, i.amount_minor - COALESCE(SUM(a.amount_minor), 0), i.currency, i.debtor_id,
          i.type, i.amount_minor, i.reported_open_minor, i.open_minor, i.status, i.closed_reason, i.closed_on,
          COALESCE(SUM(a.amount_minor), 0),
          COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND \(IngestCommands.reflected) THEN a.amount_minor END), 0),
          COALESCE(SUM(CASE WHEN p.id IS NOT NULL AND NOT \(IngestCommands.reflected) THEN a.amount_minor END), 0),
          i.reported_batch_id
        """
    private static let lackingWithFiguresFrom = """
        FROM invoice i LEFT JOIN payment_allocation a ON a.invoice_id = i.id LEFT JOIN payment p ON p.id = a.payment_id
        """

    /// The invoice (not credit note) with a number: at most one row (`invoice_number` is UNIQUE), with
    /// `byReferenceSQL`'s columns but the due date: no sums, whether it has any allocation in column 11.
    /// `candidates(invoiceNumber:)` reads the sums by `openFiguresSQL` when it has: most invoices a
    /// file names have none, and the two `LEFT JOIN`s with their `GROUP BY` cost more than the probe.
    package static let byInvoiceNumberSQL = """
        SELECT i.id, i.amount_minor, i.currency, i.debtor_id,
          i.type, i.amount_minor, i.reported_open_minor, i.open_minor, i.status, i.closed_reason, i.closed_on,
          EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id), 0, 0,
          i.reported_batch_id
        FROM invoice i WHERE i.invoice_number = ? AND i.type = 'invoice'
        """
    /// The invoices with a structured reference, with their due date (column 15), in no particular
    /// order: `candidates(reference:)` puts them in the order `status = 'closed', due_date, id`. Ordering
    /// here cost a sorter on every look-up (`USE TEMP B-TREE FOR ORDER BY`) for what is nearly always
    /// one row; this is served by `invoice_by_reference` alone.
    ///
    /// The columns of `lackingWithFigures` without its join: the invoice's own columns, and in place
    /// of the sums (columns 11–13) whether it has any allocation (column 11, 1 or 0). The sums are
    /// read by `IngestCommands.openFiguresSQL` for the invoices that have allocations only: nearly
    /// always the one invoice found has none, and the two `LEFT JOIN`s with their `GROUP BY` cost
    /// more than the `EXISTS` probe of `payment_allocation_by_invoice`.
    package static let byReferenceSQL = """
        SELECT i.id, i.amount_minor, i.currency, i.debtor_id,
          i.type, i.amount_minor, i.reported_open_minor, i.open_minor, i.status, i.closed_reason, i.closed_on,
          EXISTS (SELECT 1 FROM payment_allocation a WHERE a.invoice_id = i.id), 0, 0,
          i.reported_batch_id, i.due_date
        FROM invoice i WHERE i.structured_reference = ? AND i.type = 'invoice'
        """
    static let byReminderReferenceSQL = """
        SELECT i.id, i.open_minor, i.currency, i.debtor_id FROM invoice i INDEXED BY invoice_open
        WHERE i.debtor_id = (SELECT debtor_id FROM dunning_event WHERE structured_reference = ? LIMIT 1)
          AND i.status = 'open' AND i.type = 'invoice' AND i.disputed = 0
        ORDER BY EXISTS (SELECT 1 FROM dunning_state s WHERE s.invoice_id = i.id) DESC, i.due_date, i.id
        """
    static let byDebtorKeySQL = """
        SELECT i.id, i.open_minor, i.currency, i.debtor_id FROM invoice i INDEXED BY invoice_open JOIN debtor d ON d.id = i.debtor_id
        WHERE d.debtor_key = ? AND i.status = 'open' AND i.type = 'invoice' AND i.disputed = 0
        ORDER BY i.due_date, i.id
        """
    static let invoiceExistsSQL = "SELECT EXISTS (SELECT 1 FROM invoice WHERE invoice_number = ?)"
    static let debtorExistsSQL = "SELECT EXISTS (SELECT 1 FROM debtor WHERE debtor_key = ?)"

    static func byInvoiceNumbersSQL(count: Int) -> String {
        let marks = (0..<count).map { _ in "?" }.joined(separator: ", ")
        return lackingWithFigures + " WHERE i.invoice_number IN (\(marks)) AND i.type = 'invoice' GROUP BY i.id ORDER BY i.due_date, i.id"
    }

    static let byPayerIBANSQL = """
        SELECT i.id, i.open_minor, i.currency, i.debtor_id FROM invoice i JOIN debtor_account a ON a.debtor_id = i.debtor_id
        WHERE a.iban = ? AND i.status = 'open' AND i.type = 'invoice' AND i.disputed = 0 AND i.open_minor = ? AND i.currency = ?
        """
    static let payerCountSQL = "SELECT COUNT(*) FROM (SELECT 1 FROM debtor_account WHERE iban = ? LIMIT 4)"

    /// The unapplied payments automatic matching may try again: those that name an invoice or
    /// reference, or come from a bank statement, and were not left to a person (`manual_only`).
    package static func paymentsToRetry(_ db: Database) throws -> [RetryPayment] {
        try Row.fetchAll(db, sql: """
            SELECT id, payment_date, currency, unapplied_minor, invoice_number, structured_reference, debtor_key,
              free_text, counterparty_iban, source IN ('coda', 'camt') AS from_bank, unapplied_reason,
              (SELECT COUNT(*) FROM payment_allocation a WHERE a.payment_id = payment.id) AS allocations
            FROM payment WHERE unapplied_minor > 0 AND manual_only = 0
              AND (invoice_number IS NOT NULL OR structured_reference IS NOT NULL OR source IN ('coda', 'camt'))
            """).map {
            RetryPayment(id: $0[0], date: $0[1], currency: $0[2], unapplied: $0[3], invoiceNumber: $0[4], reference: $0[5],
                         debtorKey: $0[6], freeText: $0[7], counterpartyIBAN: $0[8], fromBank: $0[9], unappliedReason: $0[10],
                         allocations: $0[11])
        }
    }

    /// Every payment with something unapplied, oldest first.
    package static func unappliedPayments(_ db: Database) throws -> [UnappliedPaymentRow] {
        try Row.fetchAll(db, sql: """
            SELECT payment_key, payment_date, amount_minor, unapplied_minor, currency,
              COALESCE(structured_reference, invoice_number, free_text, ''), COALESCE(counterparty_name, debtor_key, ''),
              COALESCE(unapplied_reason, '') FROM payment WHERE unapplied_minor > 0 ORDER BY payment_date, id
            """).map {
            UnappliedPaymentRow(key: $0[0], date: $0[1], amount: $0[2], unapplied: $0[3], currency: $0[4], reference: $0[5],
                                counterparty: $0[6], reason: $0[7])
        }
    }

    /// The payment with this key, as a manual allocation needs it.
    package static func paymentForAllocation(_ db: Database, key: String) throws -> PaymentForAllocation? {
        try Row.fetchOne(db, sql: "SELECT id, currency, unapplied_minor, payment_date FROM payment WHERE payment_key = ?",
                         arguments: [key]).map { PaymentForAllocation(id: $0[0], currency: $0[1], unapplied: $0[2], date: $0[3]) }
    }

    /// The invoice with this number, as a manual allocation needs it.
    package static func invoiceForAllocation(_ db: Database, number: String) throws -> InvoiceForAllocation? {
        try Row.fetchOne(db, sql: """
            SELECT id, currency, type, MIN(open_minor, amount_minor - COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocation a WHERE a.invoice_id = invoice.id), 0)),
              debtor_id
            FROM invoice WHERE invoice_number = ?
            """, arguments: [number]).map {
            InvoiceForAllocation(id: $0[0], currency: $0[1], type: $0[2], lacking: $0[3], debtorID: $0[4])
        }
    }

    /// The id of the invoice with this number.
    package static func invoiceID(_ db: Database, number: String) throws -> Int64? {
        try Int64.fetchOne(db, sql: "SELECT id FROM invoice WHERE invoice_number = ?", arguments: [number])
    }

    /// A payment's allocations (to one invoice, or to all when `invoiceNumber` is nil), in order.
    package static func allocations(_ db: Database, paymentID: Int64, invoiceNumber: String?) throws -> [AllocationOfPayment] {
        try Row.fetchAll(db, sql: """
            SELECT a.id, a.invoice_id, a.amount_minor, i.invoice_number, i.debtor_id FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
            WHERE a.payment_id = ?1 AND (?2 IS NULL OR i.invoice_number = ?2) ORDER BY a.id
            """, arguments: [paymentID, invoiceNumber]).map {
            AllocationOfPayment(id: $0[0], invoiceID: $0[1], amount: $0[2], invoiceNumber: $0[3], debtorID: $0[4])
        }
    }

    /// True when a bank statement with this identity key is already stored.
    package static func bankStatementExists(_ db: Database, key: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM bank_statement WHERE statement_key = ?)", arguments: [key]) == true
    }
}

extension AllocationStatements {
    private func candidates(_ slot: Slot, _ sql: @autoclosure () -> String, _ key: String) throws -> [AllocationCandidate] {
        let q = try statement(slot, sql())
        q.bind(1, key)
        defer { q.reset() }
        return try Self.candidates(q)
    }

    /// The rows of a bound candidate statement (with the figures, from `lackingWithFigures`);
    /// `row` is called on each row after it is read.
    private static func candidates(_ q: BulkStatement, row: () -> Void = {}) throws -> [AllocationCandidate] {
        var out: [AllocationCandidate] = []
        let withFigures = sqlite3_column_count(q.handle) > 4
        while try q.step() {
            row()
            var c = AllocationCandidate(invoiceID: q.int64(0), capacity: q.int64(1), currency: q.text(2) ?? "", debtorID: q.int64(3))
            if withFigures {
                c.figures = InvoiceOpenFigures(
                    type: q.text(4) ?? "", amount: q.int64(5), reportedOpen: q.isNull(6) ? nil : q.int64(6),
                    now: InvoiceOpenState(open: q.int64(7), status: q.text(8) ?? "", closedReason: q.text(9), closedOn: q.text(10)),
                    allocated: q.int64(11), reflected: q.int64(12), unreflected: q.int64(13))
                c.reportedBatch = q.isNull(14) ? nil : q.int64(14)
            }
            out.append(c)
        }
        return out
    }

    private func exists(_ slot: Slot, _ sql: @autoclosure () -> String, _ key: String) throws -> Bool {
        let q = try statement(slot, sql())
        q.bind(1, key)
        defer { q.reset() }
        return try q.step() && q.int64(0) != 0
    }

    /// The invoice (not credit note) with this number, with what it lacks.
    package func candidates(invoiceNumber: String) throws -> [AllocationCandidate] {
        withWaiting(try candidatesWithSums(.byInvoiceNumber, IngestQueries.byInvoiceNumberSQL, invoiceNumber))
    }

    /// The rows of a look-up that reads whether each candidate has allocations (its column 11) in place
    /// of their sums (`byReferenceSQL`, `byInvoiceNumberSQL`), with the sums of those that have read by
    /// `openFiguresSQL`: the capacity and figures `lackingWithFigures` would have read (the same join,
    /// the same `SUM`s); without allocations, they are zero. `row` is called on each row after it is read.
    private func candidatesWithSums(_ slot: Slot, _ sql: @autoclosure () -> String, _ key: String,
                                    row: (BulkStatement) -> Void = { _ in }) throws -> [AllocationCandidate] {
        let q = try statement(slot, sql())
        q.bind(1, key)
        var allocated: [Int] = []
        var found: [AllocationCandidate]
        do {
            defer { q.reset() }
            var n = 0
            found = try Self.candidates(q) {
                row(q)
                if q.int64(11) != 0 { allocated.append(n) }
                n += 1
            }
        }
        for i in allocated {
            let sums = try allocationSums(invoiceID: found[i].invoiceID)
            found[i].capacity -= sums.allocated
            found[i].figures?.allocated = sums.allocated
            found[i].figures?.reflected = sums.reflected
            found[i].figures?.unreflected = sums.unreflected
        }
        return found
    }

    /// The candidates with the allocations waiting to be appended (`append`) counted, as the look-up
    /// would have read them with those written.
    ///
    /// Nearly always no candidate has an allocation waiting (a file's repeated payments on one invoice
    /// are few, `PaymentAppend.waits` tells it by a bit): the array is then returned as it is.
    private func withWaiting(_ found: [AllocationCandidate]) -> [AllocationCandidate] {
        guard let a = append, !found.isEmpty, found.contains(where: { a.waits(invoiceID: $0.invoiceID) }) else { return found }
        var out = found
        for i in out.indices { a.overlay(&out[i]) }
        return out
    }

    /// The invoices with this structured reference, open ones first, oldest due first, then by id
    /// (SQL's `ORDER BY i.status = 'closed', i.due_date, i.id`, applied here: see `byReferenceSQL`).
    ///
    /// `byReferenceSQL` reads no sums (`candidatesWithSums`).
    package func candidates(reference: String) throws -> [AllocationCandidate] {
        var dueDates: [String] = []
        let found = withWaiting(try candidatesWithSums(.byReference, IngestQueries.byReferenceSQL, reference) {
            dueDates.append($0.text(15) ?? "")
        })
        return found.count < 2 ? found : Self.inReferenceOrder(found, dueDates: dueDates)
    }

    /// The sums of one invoice's allocations, all, reflected and not (`openFiguresSQL`'s columns 7–9).
    private func allocationSums(invoiceID: Int64) throws -> (allocated: Int64, reflected: Int64, unreflected: Int64) {
        let read = try statement(.openFigures, IngestCommands.openFiguresSQL)
        read.bind(1, invoiceID)
        defer { read.reset() }
        guard try read.step() else { throw StoreError.rowVanished(id: invoiceID, query: IngestCommands.openFiguresSQL) }
        return (read.int64(7), read.int64(8), read.int64(9))
    }

    /// Candidates in the order `status = 'closed', due_date, id`: open before closed, then the due
    /// date's bytes (SQLite's BINARY collation), then the id.
    static func inReferenceOrder(_ found: [AllocationCandidate], dueDates: [String]) -> [AllocationCandidate] {
        zip(found, dueDates).sorted { a, b in
            let (closedA, closedB) = (a.0.figures?.now.status == "closed", b.0.figures?.now.status == "closed")
            if closedA != closedB { return closedB }
            if a.1 != b.1 { return a.1.utf8.lexicographicallyPrecedes(b.1.utf8) }
            return a.0.invoiceID < b.0.invoiceID
        }.map(\.0)
    }

    /// The communication of a Dunning reminder (`dunning_event.structured_reference`, one per
    /// debtor): that debtor's open undisputed invoices at their open amount, the reminded ones
    /// (with a `dunning_state`) first, oldest due first.
    package func candidates(reminderReference: String) throws -> [AllocationCandidate] {
        try candidates(.byReminderReference, IngestQueries.byReminderReferenceSQL, reminderReference)
    }

    /// A debtor's open undisputed invoices at their open amount, oldest due first.
    package func candidates(debtorKey: String) throws -> [AllocationCandidate] {
        try candidates(.byDebtorKey, IngestQueries.byDebtorKeySQL, debtorKey)
    }

    /// The invoices named in a free text (at most 20 numbers), oldest due first (one statement per
    /// count of numbers).
    package func candidates(invoiceNumbers: [String]) throws -> [AllocationCandidate] {
        let q = try statement(invoiceNumbers: invoiceNumbers.count)
        for (i, n) in invoiceNumbers.enumerated() { q.bind(Int32(i + 1), n) }
        defer { q.reset() }
        return withWaiting(try Self.candidates(q))
    }

    /// The open undisputed invoices of exactly this amount among the debtors known to pay from `iban`.
    package func candidates(payerIBAN: String, openMinor: Int64, currency: String) throws -> [AllocationCandidate] {
        let q = try statement(.byPayerIBAN, IngestQueries.byPayerIBANSQL)
        q.bind(1, payerIBAN); q.bind(2, openMinor); q.bind(3, currency)
        defer { q.reset() }
        return try Self.candidates(q)
    }

    /// How many debtors are known to pay from `iban`, counted up to 4.
    package func payerCount(iban: String) throws -> Int {
        let q = try statement(.payerCount, IngestQueries.payerCountSQL)
        q.bind(1, iban)
        defer { q.reset() }
        return try q.step() ? Int(q.int64(0)) : 0
    }

    /// True when an invoice or credit note has this number.
    package func invoiceExists(number: String) throws -> Bool {
        try exists(.invoiceExists, IngestQueries.invoiceExistsSQL, number)
    }

    /// True when a debtor has this key.
    package func debtorExists(key: String) throws -> Bool {
        try exists(.debtorExists, IngestQueries.debtorExistsSQL, key)
    }
}
