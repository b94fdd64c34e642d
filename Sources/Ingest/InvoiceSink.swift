import Foundation
import GRDB
import Ledger
import Store
import Support

/// Invoices and credit notes: validation and upsert by `invoice_number`.
///
/// The stored open amount follows one rule (`OpenAmount`): the lower of what the export says is
/// open and what the allocated payments leave, so a reminder never asks for more than either
/// source says is due, and a payment booked in the accounting system is not counted twice.
struct InvoiceSink: RowSink {
    let db: Database
    let asOf: Day
    let validator: InvoiceValidator
    /// `csv`, or `ubl` for Peppol invoices (`billing` is the Billing stage's own writer).
    var source = "csv"
    private let find: BulkStatement
    private let insert: BulkStatement
    /// Close open invoices missing from the files (`--snapshot`).
    var closeMissing = false
    /// Grace days after an "expected payment date" (see `Promises.fromExport`).
    var promiseGraceDays = 3
    /// Invoices closed by the snapshot.
    private(set) var closedBySnapshot = 0

    init(db: Database, asOf: Day) throws {
        self.db = db
        self.asOf = asOf
        var debtors: [String: InvoiceValidator.Debtor] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, debtor_key, payment_terms_days FROM debtor")
        while let r = try rows.next() { debtors[r[1]] = InvoiceValidator.Debtor(id: r[0], terms: r[2]) }
        validator = InvoiceValidator(debtors: debtors)
        find = try BulkStatement(db, "SELECT id, content_hash FROM invoice WHERE invoice_number = ?")
        insert = try BulkStatement(db, """
            INSERT INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor,
              reported_open_minor, reported_batch_id, open_minor, structured_reference, description, disputed, status,
              closed_reason, source, content_hash, created_batch_id, updated_batch_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (invoice_number) DO NOTHING
            """)
    }

    struct Values {
        var number: String
        var debtorID: Int64
        var type: String
        var issue, due: Day
        var currency: Currency
        var amount: Int64
        var reportedOpen: Int64?
        var reference: String?
        var description: String?
        var disputed: Bool
        /// The "expected payment date" column: the debtor's promise for this invoice (see `Promises`).
        var expectedPayment: Day? = nil

        var fields: FieldValues {
            [("debtor_id", String(debtorID)), ("type", type), ("issue_date", issue.description),
             ("due_date", due.description), ("currency", currency.code), ("amount_minor", String(amount)),
             ("reported_open_minor", reportedOpen.map(String.init)), ("structured_reference", reference),
             ("description", description), ("disputed", disputed ? "1" : "0")]
        }

        /// Text forms and content hash, computed once on the reading thread (`prepared()`), so the
        /// database thread — the bottleneck of a large ingest — only binds and steps.
        var issueText = "", dueText = ""
        var precomputedHash: Int64? = nil

        var hash: Int64 {
            if let precomputedHash { return precomputedHash }
            var h = ContentHasher()
            h.add(debtorID); h.add(type); h.add(issue.description); h.add(due.description); h.add(currency.code)
            h.add(amount); h.add(reportedOpen); h.add(reference); h.add(description); h.add(disputed)
            // Only when present, so invoices from before this column keep their content hash.
            if let expectedPayment { h.add(expectedPayment.description) }
            return h.signed
        }

        /// The same values with their text forms and hash filled in.
        func prepared() -> Values {
            var v = self
            v.issueText = issue.description
            v.dueText = due.description
            v.precomputedHash = hash
            return v
        }

        /// The open amount of a new invoice (no allocations yet); see `OpenAmount`.
        var initialOpen: Int64 { reportedOpen ?? amount }
    }

    mutating func store(_ v: Values, batch: Int64) throws -> (RowOutcome, [RowProblem]) {
        let outcome = try upsert(v, batch: batch)
        if let day = v.expectedPayment, v.type == "invoice", outcome != .unchanged {
            try Promises.fromExport(db, invoiceNumber: v.number, date: day, asOf: asOf, graceDays: promiseGraceDays)
        }
        return (outcome, [])
    }
}

/// Invoice rows: every field checked against the known debtors, nothing written.
struct InvoiceValidator: RowValidator {
    struct Debtor: Sendable {
        var id: Int64
        var terms: Int?
    }

    /// Debtors by `debtor_id`, loaded once per ingest.
    let debtors: [String: Debtor]

    func key(of row: inout InputRow) -> String? { row.text(.invoiceNumber) }

    func prepare(_ row: inout InputRow) -> InvoiceSink.Values? {
        let number = row.required(.invoiceNumber)
        var debtor: Debtor? = nil
        if let key = row.required(.debtorID) {
            debtor = debtors[key]
            if debtor == nil {
                row.problem(.debtorID, "unknown-debtor", "debtor \"\(key)\" is not in the ledger; ingest the debtors first")
            }
        }
        let issue = row.has(.issueDate) ? row.day(.issueDate) : nil
        if issue == nil && !row.problems.contains(where: { $0.column == row.position(.issueDate) }) {
            row.problem(.issueDate, "missing-field", "issue_date is required")
        }
        var due = row.day(.dueDate)
        if due == nil && !row.problems.contains(where: { $0.column == row.position(.dueDate) && row.has(.dueDate) }) {
            if let terms = debtor?.terms, let issue {
                due = issue.adding(days: terms)
            } else if debtor != nil {
                row.problem(.dueDate, "missing-field", "due_date is required: the debtor has no payment_terms_days to derive it from")
            }
        }
        if let issue, let d = due, d < issue {
            row.problem(.dueDate, "due-before-issue", "due date \(d) is before the issue date \(issue)")
        }
        let currency = row.currency(.currency)
        var amount = row.has(.amount) ? row.money(.amount, currency: currency) : nil
        if amount == nil && !row.problems.contains(where: { $0.column == row.position(.amount) }) {
            row.problem(.amount, "missing-field", "amount is required")
        }
        var open = row.money(.openAmount, currency: currency)
        var type = (amount?.isNegative ?? false) ? "credit_note" : "invoice"
        if let t = row.text(.type) {
            switch foldHeader(t) {
            case "invoice", "factuur", "facture", "inv", "f": type = "invoice"
            case "credit_note", "creditnote", "credit", "creditnota", "credit_nota", "note_de_credit", "nc", "cn":
                type = "credit_note"
            default: row.problem(.type, "type", "type must be invoice or credit_note, found \"\(t)\"")
            }
        }
        if type == "invoice", let a = amount, a.isNegative {
            row.problem(.amount, "credit-note-sign", "negative amount on an invoice; mark it type credit_note")
        }
        if type == "credit_note", let a = amount, a.isPositive {
            // An explicit credit-note type with a positive amount: the export shows magnitudes.
            amount = a.negated
            if let o = open, o.isPositive { open = o.negated }
        }
        if let o = open, let a = amount {
            if type == "invoice" && o.isNegative {
                row.problem(.openAmount, "negative-open-amount", "open amount \(o.decimalString) is negative on an invoice")
            } else if type == "invoice" && o.minorUnits > a.minorUnits {
                row.problem(.openAmount, "open-exceeds-amount", "open amount \(o.decimalString) exceeds the amount \(a.decimalString)")
            } else if type == "credit_note" && (o.minorUnits < a.minorUnits || o.isPositive) {
                row.problem(.openAmount, "open-exceeds-amount", "open amount \(o.decimalString) is outside the credit note's \(a.decimalString)")
            }
        }
        var reference: String? = nil
        if let r = row.text(.structuredReference) {
            if r.uppercased().hasPrefix("RF") {
                do { reference = try CreditorReference(parsing: r).value } catch {
                    row.problem(.structuredReference, "rf", "invalid RF creditor reference \"\(r)\": \(error)")
                }
            } else {
                do { reference = try StructuredReference(parsing: r).digits } catch {
                    row.problem(.structuredReference, "ogm", "invalid structured communication \"\(r)\": \(error)")
                }
            }
        }
        let description = row.text(.description, allowLineBreaks: true)
        let disputed = row.bool(.disputed)
        let expected = row.has(.expectedPaymentDate) ? row.day(.expectedPaymentDate) : nil
        guard !row.hasErrors, let number, let debtor, let issue, let due, let amount else { return nil }
        return InvoiceSink.Values(number: number, debtorID: debtor.id, type: type, issue: issue, due: due, currency: currency,
                      amount: amount.minorUnits, reportedOpen: open?.minorUnits, reference: reference,
                      description: description, disputed: disputed, expectedPayment: expected).prepared()
    }
}

extension InvoiceSink {
    fileprivate mutating func upsert(_ v: Values, batch: Int64) throws -> RowOutcome {
        let hash = v.hash
        // Insert first: a new invoice costs one statement; a known one falls through to the look-up.
        let open = v.initialOpen
        insert.bind(1, v.number); insert.bind(2, v.debtorID); insert.bind(3, v.type)
        insert.bind(4, v.issueText.isEmpty ? v.issue.description : v.issueText)
        insert.bind(5, v.dueText.isEmpty ? v.due.description : v.dueText); insert.bind(6, v.currency.code)
        insert.bind(7, v.amount); insert.bind(8, v.reportedOpen); insert.bind(9, v.reportedOpen == nil ? nil : batch)
        insert.bind(10, open); insert.bind(11, v.reference); insert.bind(12, v.description); insert.bind(13, v.disputed)
        // Settled before it reached Relance: closed on a day the export does not tell.
        insert.bind(14, open == 0 ? "closed" : "open"); insert.bind(15, open == 0 ? "paid" : nil)
        insert.bind(16, source); insert.bind(17, hash); insert.bind(18, batch); insert.bind(19, batch)
        guard let (id, oldHash) = try insert.insertOrFind(find, key: v.number) else { return .imported }
        if oldHash == hash { return .unchanged }
        try update(id: id, v, hash: hash, batch: batch)
        return .updated
    }

    private func update(id: Int64, _ v: Values, hash: Int64, batch: Int64) throws {
        let old = try fetchExisting(db, sql: "SELECT * FROM invoice WHERE id = ?", id: id)
        try db.cachedStatement(sql: """
            UPDATE invoice SET reported_open_minor = ?1,
              reported_batch_id = CASE WHEN ?1 IS NULL THEN NULL
                WHEN reported_open_minor IS ?1 AND reported_batch_id IS NOT NULL THEN reported_batch_id ELSE ?2 END,
              structured_reference = ?3, description = ?4,
              disputed = CASE WHEN dispute_reason IS NOT NULL THEN disputed ELSE ?5 END, content_hash = ?6, updated_batch_id = ?7,
              debtor_id = ?8, type = ?9, issue_date = ?10, due_date = ?11, currency = ?12, amount_minor = ?13
            WHERE id = ?14
            """).execute(arguments: [v.reportedOpen, batch, v.reference, v.description, v.disputed, hash, batch,
                             v.debtorID, v.type, v.issue.description, v.due.description, v.currency.code, v.amount, id])
        try OpenAmount.refresh(db, invoiceID: id, closedOn: nil)
        let now = try fetchExisting(db, sql: "SELECT open_minor, status FROM invoice WHERE id = ?", id: id)
        let wasOpen = (old["status"] as String) == "open"
        let isOpen = (now["status"] as String) == "open"
        var oldFields: FieldValues = v.fields.map { name, _ in (name, textValue(old, name)) }
        oldFields.append(("open_minor", textValue(old, "open_minor")))
        oldFields.append(("status", textValue(old, "status")))
        let newFields = v.fields + [("open_minor", textValue(now, "open_minor")), ("status", textValue(now, "status"))]
        let change = wasOpen == isOpen ? "update" : (isOpen ? "reopen" : "close")
        try recordChange(db, batch: batch, entity: "invoice", key: v.number, change: change, old: oldFields, new: newFields)
    }

    mutating func finish(batch: Int64) throws { try finish(batch: batch, listed: KeySet()) }

    /// Snapshot closing (when asked) against the keys the files listed, then unapplied payments.
    mutating func finish(batch: Int64, listed: KeySet) throws {
        if closeMissing {
            var missing: [Row] = []
            let open = try Row.fetchCursor(db, sql: """
                SELECT id, invoice_number, open_minor FROM invoice WHERE status = 'open' AND source = 'csv'
                """)
            while let r = try open.next() {
                if !listed.contains(r[1]) { missing.append(r.copy()) }
            }
            for r in missing {
                let id: Int64 = r[0]
                let number: String = r[1]
                let open: Int64 = r[2]
                try db.cachedStatement(sql: """
                    UPDATE invoice SET status = 'closed', closed_reason = 'settled_outside', closed_on = ?, open_minor = 0,
                      updated_batch_id = ? WHERE id = ?
                    """).execute(arguments: [asOf.description, batch, id])
                try RecordChangeRecordWriter.insert(
                    db, batch: batch, entity: "invoice", key: number, change: "close",
                    old: JSONText.object(["status": "open", "open_minor": String(open)]),
                    new: JSONText.object(["status": "closed", "closed_reason": "settled_outside", "open_minor": "0"]))
            }
            closedBySnapshot = missing.count
        }
        try PaymentAllocator(db: db).retryUnapplied(batch: batch)
    }
}
