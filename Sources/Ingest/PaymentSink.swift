import Foundation
import GRDB
import Store
import Ledger

/// Payments: validation, upsert by `payment_id`, allocation to invoices.
///
/// A payment is money received: it is never dropped. One whose references match nothing, or
/// whose structured reference fails its check, is kept as unapplied with the reason and
/// reported; only rows without a readable id, date or positive amount are rejected.
struct PaymentSink: RowSink {
    let db: Database
    let validator: PaymentValidator
    private let upserter: PaymentUpsert
    private let allocator: PaymentAllocator
    /// Payments left (partly) unapplied by this ingest.
    private(set) var unapplied = 0
    /// The payments come from the books whose invoice exports already reflect them.
    let booked: Bool
    /// Every row is new (a first load into an empty table, whose key set refused repeated keys):
    /// stored without a look-up by its key first. `payment_key`'s UNIQUE index still stands guard.
    var insertsOnly = false
    /// With `insertsOnly`: new payments and their allocations are kept back and appended many to a
    /// statement (Store's `PaymentAppend`), written at the latest at the end of each file (`flush`).
    var appendsOnly = false
    /// With `appendsOnly`: the notes of payments kept back, by payment id (rising), reported once the
    /// payment and its allocations are written (`lateNotes`): none is said of a row a failed load never wrote.
    private var heldNotes: [(id: Int64, line: Int, notes: [RowProblem])] = []

    init(db: Database, booked: Bool) throws {
        self.db = db
        self.booked = booked
        validator = PaymentValidator(booked: booked)
        allocator = PaymentAllocator(db: db)
        upserter = try PaymentUpsert(db)
    }

    /// A row's values, prepared when made, as an invoice's are (`InvoiceSink.Values`): the date's
    /// text and the content hash are computed by the initialiser, on the reading thread, so the
    /// database thread neither formats nor hashes. The content is read-only: it cannot drift from its hash.
    struct Values {
        let key: String
        let date: Day
        let currency: Currency
        let amount: Int64
        let invoiceNumber, reference, debtorKey: String?
        /// The ingest's `--booked`: part of the content hash.
        let booked: Bool
        /// The structured reference failed its check: the payment is kept, unapplied.
        let referenceFailed: Bool
        /// `date` as stored (`YYYY-MM-DD`).
        let dayText: String
        /// The content hash of `fields`' values, in their order (each added as `ContentHasher` adds text).
        let hash: Int64

        init(key: String, date: Day, currency: Currency, amount: Int64, invoiceNumber: String?, reference: String?,
             debtorKey: String?, booked: Bool, referenceFailed: Bool = false) {
            self.key = key
            self.date = date
            self.currency = currency
            self.amount = amount
            self.invoiceNumber = invoiceNumber
            self.reference = reference
            self.debtorKey = debtorKey
            self.booked = booked
            self.referenceFailed = referenceFailed
            dayText = date.description
            var h = ContentHasher()
            h.add(dayText); h.add(currency.code); h.add(String(amount))
            h.add(invoiceNumber); h.add(reference); h.add(debtorKey); h.add(booked ? "1" : "0")
            hash = h.signed
        }

        var fields: FieldValues {
            [("payment_date", dayText), ("currency", currency.code), ("amount_minor", String(amount)),
             ("invoice_number", invoiceNumber), ("structured_reference", reference), ("debtor_key", debtorKey),
             ("booked", booked ? "1" : "0")]
        }

        /// The row as Store writes it.
        var row: PaymentRow {
            PaymentRow(key: key, date: dayText, currency: currency.code, amount: amount, invoiceNumber: invoiceNumber,
                       reference: reference, debtorKey: debtorKey, booked: booked)
        }
    }

    mutating func finish(batch: Int64) throws {
        // Everything kept back is written (each file's end did); the retry reads and writes the tables.
        try allocator.statements.append?.flush()
        allocator.statements.append = nil
        try allocator.retryUnapplied(batch: batch)
    }

    /// Writes the payments and allocations kept back (`appendsOnly`) at the end of a file: its
    /// batch's counts, the index builds and the retry read the tables after it.
    mutating func flush(batch: Int64) throws -> [RowOutcome] {
        try allocator.statements.append?.flush()
        return []
    }

    mutating func abandonPending() {
        allocator.statements.append?.abandon()
        heldNotes.removeAll()
    }

    /// The held notes of the payments now written, with their lines.
    mutating func lateNotes() -> [(line: Int, note: RowProblem)] {
        guard let first = heldNotes.first else { return [] }
        let written = allocator.statements.append?.writtenThrough ?? Int64.max
        guard first.id <= written else { return [] }
        let n = heldNotes.firstIndex { $0.id > written } ?? heldNotes.count
        let out = heldNotes[..<n].flatMap { held in held.notes.map { (held.line, $0) } }
        heldNotes.removeFirst(n)
        return out
    }
}

/// Payment rows: every field checked, nothing written.
struct PaymentValidator: RowValidator {
    /// The ingest's `--booked`: part of each row's content hash, computed here (`Values.init`). The
    /// sink's own, so a row reaches the sink with the sink's flag.
    let booked: Bool

    func key(of row: inout InputRow) -> String? { row.text(.paymentID) }

    func prepare(_ row: inout InputRow) -> PaymentSink.Values? {
        let key = row.required(.paymentID)
        let date = row.has(.date) ? row.day(.date) : nil
        if date == nil && !row.problems.contains(where: { $0.column == row.position(.date) }) {
            row.problem(.date, "missing-field", "date is required")
        }
        let currency = row.currency(.currency)
        let amount = row.money(.amount, currency: currency)
        if let a = amount, !a.isPositive {
            row.problem(.amount, "amount-not-positive", "a payment amount must be above zero, found \(a.decimalString)")
        } else if amount == nil && !row.problems.contains(where: { $0.column == row.position(.amount) }) {
            row.problem(.amount, "missing-field", "amount is required")
        }
        let invoiceNumber = row.text(.invoiceNumber)
        var reference: String? = nil
        if let r = row.text(.structuredReference) {
            if r.uppercased().hasPrefix("RF") {
                if let v = try? CreditorReference(parsing: r) { reference = v.value } else {
                    row.problem(.structuredReference, "rf", "RF reference \"\(r)\" fails its check; kept as unapplied",
                                severity: .warning)
                }
            } else {
                do { reference = try StructuredReference(parsing: r).digits } catch {
                    row.problem(.structuredReference, "ogm", "structured communication \"\(r)\": \(error); kept as unapplied",
                                severity: .warning)
                }
            }
        }
        let debtorKey = row.text(.debtorID)
        guard !row.hasErrors, let key, let date, let amount else { return nil }
        return PaymentSink.Values(key: key, date: date, currency: currency, amount: amount.minorUnits,
                                  invoiceNumber: invoiceNumber, reference: reference, debtorKey: debtorKey, booked: booked,
                                  referenceFailed: row.problems.contains { $0.rule == "ogm" || $0.rule == "rf" })
    }

}

extension PaymentSink {
    mutating func store(_ v: Values, batch: Int64) throws -> (RowOutcome, [RowProblem]) {
        try store(v, batch: batch, line: 0)
    }

    /// A row SQLite refuses, stored alone or kept back and appended, is named by its line (Store's `RowRefused`).
    mutating func store(_ v: Values, batch: Int64, line: Int) throws -> (RowOutcome, [RowProblem]) {
        do {
            return try storeRow(v, batch: batch, line: line)
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            throw RowRefused(tag: line, error: e)
        }
    }

    private mutating func storeRow(_ v: Values, batch: Int64, line: Int) throws -> (RowOutcome, [RowProblem]) {
        assert(v.booked == booked, "PaymentSink: a row prepared with another --booked than the sink's")
        let hash = v.hash
        let row = v.row
        var payment = PaymentAllocator.Payment(id: 0, date: row.date, currency: row.currency, remaining: v.amount,
                                               invoiceNumber: v.invoiceNumber, reference: v.reference, debtorKey: v.debtorKey,
                                               booked: v.booked)
        payment.line = line
        let outcome: RowOutcome
        let plan: PaymentAllocator.Plan
        if !insertsOnly, let (found, oldHash) = try upserter.find(key: v.key) {
            if oldHash == hash { return (.unchanged, []) }
            payment.id = found
            let old = try IngestQueries.columnTexts(db, .payment, id: found)
            try allocator.reverse(paymentID: found)
            try IngestCommands.updatePayment(db, id: found, row, hash: hash, batch: batch)
            try recordChange(db, batch: batch, entity: .payment, key: v.key, change: .update, old: old.values(of: v.fields), new: v.fields)
            plan = try allocate(payment, v)
            try allocator.record(plan, of: payment, batch: batch)
            if plan.unapplied != v.amount || plan.reason != nil {
                try allocator.statements.setUnapplied(paymentID: found, minor: plan.unapplied, reason: plan.reason)
            }
            outcome = .updated
        } else {
            // A new payment: where it goes is found first, so it is stored once with what stays unapplied.
            plan = try allocate(payment, v)
            if appendsOnly {
                if allocator.statements.append == nil { allocator.statements.append = try PaymentAppend(db) }
                payment.id = try allocator.statements.append!.add(row, hash: hash, batch: batch, unapplied: plan.unapplied,
                                                                   reason: plan.reason, line: line)
            } else {
                payment.id = try upserter.insert(row, hash: hash, batch: batch, unapplied: plan.unapplied, reason: plan.reason)
            }
            try allocator.record(plan, of: payment, batch: batch)
            outcome = .imported
        }
        var notes: [RowProblem] = []
        if plan.unapplied > 0 {
            unapplied += 1
            notes.append(RowProblem(
                column: 0, rule: "unapplied",
                message: "payment \(v.key) of \(Money(minorUnits: v.amount, currency: v.currency).decimalString) left "
                    + "\(Money(minorUnits: plan.unapplied, currency: v.currency).decimalString) unapplied: \(plan.reason ?? "")",
                severity: .note))
        }
        if appendsOnly && outcome == .imported && !notes.isEmpty {
            // Said once the payment is written.
            heldNotes.append((payment.id, line, notes))
            return (outcome, [])
        }
        return (outcome, notes)
    }

    /// Where the payment goes; a structured reference that failed its check makes its target unknown: unapplied.
    private func allocate(_ p: PaymentAllocator.Payment, _ v: Values) throws -> PaymentAllocator.Plan {
        if v.referenceFailed { return PaymentAllocator.Plan(unapplied: v.amount, reason: "the structured reference fails its check") }
        return try allocator.plan(p)
    }
}
