import GRDB
import Ledger

/// Applies payments to open invoices and records each allocation with the rule that matched.
///
/// Order of confidence: the invoice number the payment names; else the structured reference
/// (oldest due first among invoices sharing it); else, for a payment that names only its debtor,
/// the debtor's open invoices oldest due first. A reference that names an unknown invoice leaves
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
    func allocate(_ p: Payment, batch: Int64) throws -> (unapplied: Int64, reason: String?) {
        var remaining = p.remaining
        var candidates: [(id: Int64, open: Int64, currency: String)] = []
        let rule: String
        var reason: String? = nil
        if let number = p.invoiceNumber {
            rule = "invoice_number"
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, open_minor, currency, status, type FROM invoice WHERE invoice_number = ?
                """, arguments: [number])
            if let r = rows.first {
                if r["status"] == "open" && r["type"] == "invoice" { candidates = [(r[0], r[1], r[2])] }
                else { reason = "invoice \(number) is not open" }
            } else { reason = "invoice \(number) is not in the ledger" }
        } else if let ref = p.reference {
            rule = "structured_reference"
            candidates = try Row.fetchAll(db, sql: """
                SELECT id, open_minor, currency FROM invoice
                WHERE structured_reference = ? AND status = 'open' AND type = 'invoice' ORDER BY due_date, id
                """, arguments: [ref]).map { ($0[0], $0[1], $0[2]) }
            if candidates.isEmpty {
                let known = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM invoice WHERE structured_reference = ?)", arguments: [ref]) ?? false
                reason = known ? "the invoice with this reference is not open" : "no invoice has this structured reference"
            }
        } else if let debtor = p.debtorKey {
            rule = "debtor_oldest_first"
            candidates = try Row.fetchAll(db, sql: """
                SELECT i.id, i.open_minor, i.currency FROM invoice i JOIN debtor d ON d.id = i.debtor_id
                WHERE d.debtor_key = ? AND i.status = 'open' AND i.type = 'invoice' ORDER BY i.due_date, i.id
                """, arguments: [debtor]).map { ($0[0], $0[1], $0[2]) }
            if candidates.isEmpty { reason = "debtor \(debtor) has no open invoice" }
        } else {
            return (remaining, "the payment names no invoice, reference or debtor")
        }
        for c in candidates where remaining > 0 {
            guard c.currency == p.currency else {
                reason = "currency \(p.currency) differs from the invoice's \(c.currency)"
                continue
            }
            let amount = min(remaining, c.open)
            guard amount > 0 else { continue }
            try db.execute(sql: """
                INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule, batch_id) VALUES (?, ?, ?, ?, ?)
                """, arguments: [p.id, c.id, amount, rule, batch])
            try db.execute(sql: """
                UPDATE invoice SET open_minor = open_minor - ?1,
                  status = CASE WHEN open_minor - ?1 = 0 THEN 'closed' ELSE 'open' END,
                  closed_reason = CASE WHEN open_minor - ?1 = 0 THEN 'paid' ELSE NULL END,
                  closed_on = CASE WHEN open_minor - ?1 = 0 THEN ?2 ELSE NULL END
                WHERE id = ?3
                """, arguments: [amount, p.date, c.id])
            remaining -= amount
        }
        if remaining > 0 && reason == nil { reason = candidates.isEmpty ? "nothing to apply it to" : "overpayment" }
        return (remaining, remaining > 0 ? reason : nil)
    }

    /// Undoes a payment's allocations (before it is re-applied after a change).
    func reverse(paymentID: Int64) throws {
        let allocations = try Row.fetchAll(
            db, sql: "SELECT invoice_id, amount_minor FROM payment_allocation WHERE payment_id = ?", arguments: [paymentID])
        for a in allocations {
            try db.execute(sql: """
                UPDATE invoice SET open_minor = open_minor + ?1, status = 'open', closed_reason = NULL, closed_on = NULL
                WHERE id = ?2
                """, arguments: [a[1] as Int64, a[0] as Int64])
        }
        try db.execute(sql: "DELETE FROM payment_allocation WHERE payment_id = ?", arguments: [paymentID])
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
                try db.execute(sql: "UPDATE payment SET unapplied_minor = ?, unapplied_reason = ? WHERE id = ?",
                               arguments: [left, reason, p.id])
            }
        }
    }
}
