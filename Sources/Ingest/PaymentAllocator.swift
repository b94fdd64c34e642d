import GRDB
import Ledger

/// Applies payments to open invoices and records each allocation with the rule that matched.
///
/// Order of confidence: the invoice number the payment names; else the structured reference
/// (oldest due first among invoices sharing it); else, for a payment that names only its debtor,
/// the debtor's open undisputed invoices oldest due first. A reference that names an unknown invoice leaves
/// the payment unapplied (it is retried after later ingests) rather than guessing through the
/// debtor; what is left after the invoice is settled stays unapplied as an overpayment.
struct PaymentAllocator {
    let db: Database

    struct Payment {
        var id: Int64
        var date: String
        var currency: String
        var remaining: Int64
        var invoiceNumber: String?
        var reference: String?
        var debtorKey: String?
    }

    /// Allocates what remains of a payment; returns the unapplied remainder and why.
    ///
    /// A payment that names its invoice (by number or structured reference) is applied up to what
    /// the invoice still lacks (`amount − allocated`), whether or not the export already shows the
    /// invoice as settled: the export's open amount already reflects the payments its system has
    /// booked, so the payment is recorded (its date matters to the forecast) without being counted
    /// twice. A payment that names only its debtor goes to its open undisputed invoices, oldest due
    /// first.
    func allocate(_ p: Payment, batch: Int64) throws -> (unapplied: Int64, reason: String?) {
        var remaining = p.remaining
        var candidates: [(id: Int64, capacity: Int64, currency: String)] = []
        let rule: String
        var reason: String? = nil
        let lacking = """
            SELECT id, amount_minor - COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocation a WHERE a.invoice_id = invoice.id), 0),
              currency FROM invoice
            """
        if let number = p.invoiceNumber {
            rule = "invoice_number"
            candidates = try Row.fetchAll(db, sql: lacking + " WHERE invoice_number = ? AND type = 'invoice'", arguments: [number])
                .map { ($0[0], $0[1], $0[2]) }
            if candidates.isEmpty {
                let known = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM invoice WHERE invoice_number = ?)"), arguments: [number]) ?? false
                reason = known ? "\(number) is a credit note" : "invoice \(number) is not in the ledger"
            }
        } else if let ref = p.reference {
            rule = "structured_reference"
            candidates = try Row.fetchAll(db, sql: lacking + """
                 WHERE structured_reference = ? AND type = 'invoice' ORDER BY status = 'closed', due_date, id
                """, arguments: [ref]).map { ($0[0], $0[1], $0[2]) }
            if candidates.isEmpty { reason = "no invoice has this structured reference" }
        } else if let debtor = p.debtorKey {
            rule = "debtor_oldest_first"
            candidates = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT i.id, i.open_minor, i.currency FROM invoice i JOIN debtor d ON d.id = i.debtor_id
                WHERE d.debtor_key = ? AND i.status = 'open' AND i.type = 'invoice' AND i.disputed = 0
                ORDER BY i.due_date, i.id
                """), arguments: [debtor]).map { ($0[0], $0[1], $0[2]) }
            if candidates.isEmpty {
                let known = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM debtor WHERE debtor_key = ?)"), arguments: [debtor]) ?? false
                reason = known ? "debtor \(debtor) has no open undisputed invoice" : "debtor \(debtor) is not in the ledger"
            }
        } else {
            return (remaining, "the payment names no invoice, reference or debtor")
        }
        for c in candidates where remaining > 0 {
            guard c.currency == p.currency else {
                reason = "currency \(p.currency) differs from the invoice's \(c.currency)"
                continue
            }
            let amount = min(remaining, c.capacity)
            guard amount > 0 else { continue }
            try db.cachedStatement(sql: """
                INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule, batch_id) VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [p.id, c.id, amount, rule, batch])
            try OpenAmount.refresh(db, invoiceID: c.id, closedOn: p.date)
            remaining -= amount
        }
        if remaining > 0 && reason == nil { reason = candidates.isEmpty ? "nothing to apply it to" : "overpayment" }
        return (remaining, remaining > 0 ? reason : nil)
    }

    /// Undoes a payment's allocations (before it is re-applied after a change).
    func reverse(paymentID: Int64) throws {
        let allocations = try Row.fetchAll(db.cachedStatement(sql: "SELECT invoice_id, amount_minor FROM payment_allocation WHERE payment_id = ?"), arguments: [paymentID])
        try db.cachedStatement(sql: "DELETE FROM payment_allocation WHERE payment_id = ?").execute(arguments: [paymentID])
        for a in allocations {
            try OpenAmount.refresh(db, invoiceID: a[0], closedOn: nil)
        }
    }

    /// Tries again every unapplied payment that names an invoice or reference: the invoice may
    /// have arrived since. Payments that name only a debtor stay for a person to allocate.
    func retryUnapplied(batch: Int64) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, payment_date, currency, unapplied_minor, invoice_number, structured_reference, debtor_key,
              (SELECT COUNT(*) FROM payment_allocation a WHERE a.payment_id = payment.id) AS allocations
            FROM payment WHERE unapplied_minor > 0 AND (invoice_number IS NOT NULL OR structured_reference IS NOT NULL)
            """)
        for r in rows {
            // An overpayment on an invoice it already settled has nothing more to find.
            if (r["allocations"] as Int64) > 0 { continue }
            let p = Payment(id: r[0], date: r[1], currency: r[2], remaining: r[3], invoiceNumber: r[4], reference: r[5], debtorKey: r[6])
            let (left, reason) = try allocate(p, batch: batch)
            if left != p.remaining || reason != (r["unapplied_reason"] as String?) {
                try db.cachedStatement(sql: "UPDATE payment SET unapplied_minor = ?, unapplied_reason = ? WHERE id = ?").execute(arguments: [left, reason, p.id])
            }
        }
    }
}

/// The one rule for an invoice's open amount, applied after every change to the invoice or its
/// allocations.
///
/// An export's open amount `R` already reflects some payments: those from the same books (payments
/// ingested with `--booked`), and any payment allocated before an export changed `R`
/// (`reported_batch_id`; an export repeating the same `R` tells nothing new). Reflected payments can
/// only show that `R` is too high; the others — a bank receipt the books have not caught up with —
/// are taken off it: `open = max(0, min(R, amount − reflected) − unreflected)`. Without an export
/// open amount, `open = amount − allocated`. A credit note's open amount is what the export
/// reports; an invoice closed as settled outside Relance stays at zero. Status and closing follow
/// the amount; an invoice closed by its payments is closed on the latest payment's day.
enum OpenAmount {
    static func refresh(_ db: Database, invoiceID: Int64, closedOn: String?) throws {
        try db.cachedStatement(sql: """
            UPDATE invoice SET open_minor = CASE
                WHEN closed_reason = 'settled_outside' THEN 0
                WHEN type = 'credit_note' THEN COALESCE(reported_open_minor, amount_minor)
                WHEN reported_open_minor IS NULL THEN MAX(0, amount_minor
                  - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM payment_allocation a WHERE a.invoice_id = invoice.id))
                ELSE MAX(0, MIN(reported_open_minor, amount_minor
                    - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                       WHERE a.invoice_id = invoice.id AND (p.booked = 1 OR a.batch_id < invoice.reported_batch_id)))
                  - (SELECT COALESCE(SUM(a.amount_minor), 0) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                     WHERE a.invoice_id = invoice.id AND NOT (p.booked = 1 OR a.batch_id < invoice.reported_batch_id)))
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
}
