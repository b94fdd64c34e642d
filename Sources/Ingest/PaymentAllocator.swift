import Foundation
import GRDB
import Ledger

/// Applies payments to invoices and records each allocation with the rule that matched.
///
/// From a CSV export, in order of confidence: the invoice number the payment names; else its
/// structured reference (oldest due first among invoices sharing it); else, for a payment that
/// names only its debtor, the debtor's open undisputed invoices oldest due first. A reference that
/// names an unknown invoice leaves the payment unapplied (it is retried after later ingests) rather
/// than guessing through the debtor.
///
/// From a bank statement, in order of confidence: the Belgian structured communication; the RF
/// reference; the communication of a reminder (the debtor's invoices, reminded ones first, oldest due
/// first); invoice numbers found in the free text; the one open invoice of exactly that amount
/// among the debtors known to pay from the counterparty's IBAN (learnt from earlier matches; an
/// account seen paying for more than three debtors is no evidence). Each
/// rule that finds nothing hands over to the next; what is left is unapplied, for a person.
///
/// What is left after the invoices are settled stays unapplied as an overpayment.
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
        var freeText: String? = nil
        var counterpartyIBAN: String? = nil
        var fromBank = false
    }

    typealias Candidate = (id: Int64, capacity: Int64, currency: String)

    /// What each invoice can still take: `amount − allocated`.
    private static let lacking = """
        SELECT id, amount_minor - COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocation a WHERE a.invoice_id = invoice.id), 0),
          currency FROM invoice
        """

    private func candidates(_ sql: String, _ arguments: StatementArguments) throws -> [Candidate] {
        try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { ($0[0], $0[1], $0[2]) }
    }

    private func byNumber(_ number: String) throws -> [Candidate] {
        try candidates(Self.lacking + " WHERE invoice_number = ? AND type = 'invoice'", [number])
    }

    private func byReference(_ ref: String) throws -> [Candidate] {
        try candidates(Self.lacking + " WHERE structured_reference = ? AND type = 'invoice' ORDER BY status = 'closed', due_date, id", [ref])
    }

    /// The communication of a reminder (one per debtor, see Dunning's `ReminderComposer.reference`):
    /// that debtor's open undisputed invoices, the reminded ones first, oldest due first.
    private func byReminderReference(_ ref: String) throws -> [Candidate] {
        try candidates("""
            SELECT i.id, i.open_minor, i.currency FROM invoice i
            WHERE i.debtor_id = (SELECT debtor_id FROM dunning_event WHERE structured_reference = ? LIMIT 1)
              AND i.status = 'open' AND i.type = 'invoice' AND i.disputed = 0
            ORDER BY EXISTS (SELECT 1 FROM dunning_state s WHERE s.invoice_id = i.id) DESC, i.due_date, i.id
            """, [ref])
    }

    /// Allocates what remains of a payment; returns the unapplied remainder and why.
    ///
    /// A payment that names its invoice is applied up to what the invoice still lacks
    /// (`amount − allocated`), whether or not the export already shows it settled: the export's
    /// open amount already reflects the payments its books have seen (see `OpenAmount`), so the
    /// payment is recorded — its date is what the forecast learns from — without counting twice.
    func allocate(_ p: Payment, batch: Int64) throws -> (unapplied: Int64, reason: String?) {
        if p.fromBank { return try allocateFromBank(p, batch: batch) }
        var reason: String? = nil
        var found: [Candidate] = []
        let rule: String
        if let number = p.invoiceNumber {
            rule = "invoice_number"
            found = try byNumber(number)
            if found.isEmpty {
                let known = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM invoice WHERE invoice_number = ?)"), arguments: [number]) ?? false
                reason = known ? "\(number) is a credit note" : "invoice \(number) is not in the ledger"
            }
        } else if let ref = p.reference {
            found = try byReference(ref)
            rule = found.isEmpty ? "debtor_oldest_first" : "structured_reference"
            if found.isEmpty { found = try byReminderReference(ref) }
            if found.isEmpty { reason = "no invoice or reminder has this structured reference" }
        } else if let debtor = p.debtorKey {
            rule = "debtor_oldest_first"
            found = try candidates("""
                SELECT i.id, i.open_minor, i.currency FROM invoice i JOIN debtor d ON d.id = i.debtor_id
                WHERE d.debtor_key = ? AND i.status = 'open' AND i.type = 'invoice' AND i.disputed = 0
                ORDER BY i.due_date, i.id
                """, [debtor])
            if found.isEmpty {
                let known = try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM debtor WHERE debtor_key = ?)"), arguments: [debtor]) ?? false
                reason = known ? "debtor \(debtor) has no open undisputed invoice" : "debtor \(debtor) is not in the ledger"
            }
        } else {
            return (p.remaining, "the payment names no invoice, reference or debtor")
        }
        return try apply(p, found, rule: rule, batch: batch, reasonIfNone: reason)
    }

    private func allocateFromBank(_ p: Payment, batch: Int64) throws -> (unapplied: Int64, reason: String?) {
        if let ref = p.reference {
            let found = try byReference(ref)
            if !found.isEmpty {
                return try apply(p, found, rule: ref.hasPrefix("RF") ? "rf_reference" : "structured_reference", batch: batch, reasonIfNone: nil)
            }
            let reminded = try byReminderReference(ref)
            if !reminded.isEmpty { return try apply(p, reminded, rule: "debtor_oldest_first", batch: batch, reasonIfNone: nil) }
        }
        if let text = p.freeText {
            let tokens = Self.invoiceNumberCandidates(in: text)
            if !tokens.isEmpty {
                let marks = tokens.map { _ in "?" }.joined(separator: ", ")
                let found = try candidates(Self.lacking + " WHERE invoice_number IN (\(marks)) AND type = 'invoice' ORDER BY due_date, id",
                                           StatementArguments(tokens))
                if !found.isEmpty { return try apply(p, found, rule: "invoice_number_in_text", batch: batch, reasonIfNone: nil) }
            }
        }
        // An account that pays for more than a few debtors (a payment provider, a factor) says nothing about who paid.
        if let iban = p.counterpartyIBAN,
           try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM (SELECT 1 FROM debtor_account WHERE iban = ? LIMIT 4)"), arguments: [iban]) ?? 0 <= 3 {
            let found = try candidates("""
                SELECT i.id, i.open_minor, i.currency FROM invoice i JOIN debtor_account a ON a.debtor_id = i.debtor_id
                WHERE a.iban = ? AND i.status = 'open' AND i.type = 'invoice' AND i.disputed = 0 AND i.open_minor = ? AND i.currency = ?
                """, [iban, p.remaining, p.currency])
            if found.count == 1 { return try apply(p, found, rule: "unique_open_amount", batch: batch, reasonIfNone: nil) }
            if found.count > 1 { return (p.remaining, "\(found.count) open invoices of the payer have this amount; allocate it by hand") }
        }
        if p.reference != nil { return (p.remaining, "no invoice has this structured reference") }
        return (p.remaining, "no reference, invoice number or known payer account matches")
    }

    /// Applies the payment to the candidates in order, up to what each still lacks.
    private func apply(_ p: Payment, _ found: [Candidate], rule: String, batch: Int64, reasonIfNone: String?) throws
        -> (unapplied: Int64, reason: String?)
    {
        var remaining = p.remaining
        var reason = reasonIfNone
        for c in found where remaining > 0 {
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
            if let iban = p.counterpartyIBAN {
                // Learn who pays from this account, for later payments that carry no reference.
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO debtor_account (iban, debtor_id, learned_from_payment_id)
                    SELECT ?, debtor_id, ? FROM invoice WHERE id = ?
                    """).execute(arguments: [iban, p.id, c.id])
            }
            remaining -= amount
        }
        if remaining > 0 && reason == nil { reason = found.isEmpty ? "nothing to apply it to" : "overpayment" }
        return (remaining, remaining > 0 ? reason : nil)
    }

    /// Words of a free-text communication that could be invoice numbers: at least three characters,
    /// at least one digit, surrounding punctuation removed (at most 20 of them).
    static func invoiceNumberCandidates(in text: String) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for raw in text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ";" || $0 == ":" || $0 == "(" || $0 == ")" }) {
            let t = raw.trimmingCharacters(in: CharacterSet(charactersIn: ".-/#+*"))
            guard t.count >= 3, t.contains(where: \.isNumber), seen.insert(t).inserted else { continue }
            out.append(t)
            if out.count == 20 { break }
        }
        return out
    }

    /// Undoes a payment's allocations (before it is re-applied after a change).
    func reverse(paymentID: Int64) throws {
        let allocations = try Row.fetchAll(db.cachedStatement(sql: "SELECT invoice_id, amount_minor FROM payment_allocation WHERE payment_id = ?"), arguments: [paymentID])
        try db.cachedStatement(sql: "DELETE FROM payment_allocation WHERE payment_id = ?").execute(arguments: [paymentID])
        for a in allocations {
            try OpenAmount.refresh(db, invoiceID: a[0], closedOn: nil)
        }
    }

    /// Tries again every unapplied payment that names an invoice or reference, or comes from a
    /// bank statement: the invoice may have arrived since. Payments that name only a debtor stay
    /// for a person to allocate.
    func retryUnapplied(batch: Int64) throws {
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, payment_date, currency, unapplied_minor, invoice_number, structured_reference, debtor_key,
              free_text, counterparty_iban, source IN ('coda', 'camt') AS from_bank, unapplied_reason,
              (SELECT COUNT(*) FROM payment_allocation a WHERE a.payment_id = payment.id) AS allocations
            FROM payment WHERE unapplied_minor > 0 AND manual_only = 0
              AND (invoice_number IS NOT NULL OR structured_reference IS NOT NULL OR source IN ('coda', 'camt'))
            """)
        for r in rows {
            // An overpayment on an invoice it already settled has nothing more to find.
            if (r["allocations"] as Int64) > 0 { continue }
            let p = Payment(id: r[0], date: r[1], currency: r[2], remaining: r[3], invoiceNumber: r[4], reference: r[5],
                            debtorKey: r[6], freeText: r[7], counterpartyIBAN: r[8], fromBank: r[9])
            let (left, reason) = try allocate(p, batch: batch)
            if left != p.remaining || reason != (r["unapplied_reason"] as String?) {
                try db.cachedStatement(sql: "UPDATE payment SET unapplied_minor = ?, unapplied_reason = ? WHERE id = ?").execute(arguments: [left, reason, p.id])
            }
        }
    }
}
