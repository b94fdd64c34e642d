import Foundation
import GRDB
import Ledger
import Store

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

    typealias Candidate = AllocationCandidate

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
        let rule: AllocationRule
        if let number = p.invoiceNumber {
            rule = .invoiceNumber
            found = try IngestQueries.candidates(db, invoiceNumber: number)
            if found.isEmpty {
                let known = try IngestQueries.invoiceExists(db, number: number)
                reason = known ? "\(number) is a credit note" : "invoice \(number) is not in the ledger"
            }
        } else if let ref = p.reference {
            found = try IngestQueries.candidates(db, reference: ref)
            rule = found.isEmpty ? .debtorOldestFirst : .structuredReference
            if found.isEmpty { found = try IngestQueries.candidates(db, reminderReference: ref) }
            if found.isEmpty { reason = "no invoice or reminder has this structured reference" }
        } else if let debtor = p.debtorKey {
            rule = .debtorOldestFirst
            found = try IngestQueries.candidates(db, debtorKey: debtor)
            if found.isEmpty {
                let known = try IngestQueries.debtorExists(db, key: debtor)
                reason = known ? "debtor \(debtor) has no open undisputed invoice" : "debtor \(debtor) is not in the ledger"
            }
        } else {
            return (p.remaining, "the payment names no invoice, reference or debtor")
        }
        return try apply(p, found, rule: rule, batch: batch, reasonIfNone: reason)
    }

    private func allocateFromBank(_ p: Payment, batch: Int64) throws -> (unapplied: Int64, reason: String?) {
        if let ref = p.reference {
            let found = try IngestQueries.candidates(db, reference: ref)
            if !found.isEmpty {
                return try apply(p, found, rule: ref.hasPrefix("RF") ? .rfReference : .structuredReference, batch: batch, reasonIfNone: nil)
            }
            let reminded = try IngestQueries.candidates(db, reminderReference: ref)
            if !reminded.isEmpty { return try apply(p, reminded, rule: .debtorOldestFirst, batch: batch, reasonIfNone: nil) }
        }
        if let text = p.freeText {
            let tokens = Self.invoiceNumberCandidates(in: text)
            if !tokens.isEmpty {
                let found = try IngestQueries.candidates(db, invoiceNumbers: tokens)
                if !found.isEmpty { return try apply(p, found, rule: .invoiceNumberInText, batch: batch, reasonIfNone: nil) }
            }
        }
        // An account that pays for more than a few debtors (a payment provider, a factor) says nothing about who paid.
        if let iban = p.counterpartyIBAN, try IngestQueries.payerCount(db, iban: iban) <= 3 {
            let found = try IngestQueries.candidates(db, payerIBAN: iban, openMinor: p.remaining, currency: p.currency)
            if found.count == 1 { return try apply(p, found, rule: .uniqueOpenAmount, batch: batch, reasonIfNone: nil) }
            if found.count > 1 { return (p.remaining, "\(found.count) open invoices of the payer have this amount; allocate it by hand") }
        }
        if p.reference != nil { return (p.remaining, "no invoice has this structured reference") }
        return (p.remaining, "no reference, invoice number or known payer account matches")
    }

    /// Applies the payment to the candidates in order, up to what each still lacks.
    private func apply(_ p: Payment, _ found: [Candidate], rule: AllocationRule, batch: Int64, reasonIfNone: String?) throws
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
            try IngestCommands.allocate(db, paymentID: p.id, invoiceID: c.invoiceID, amount: amount, rule: rule, batch: batch)
            try OpenAmount.refresh(db, invoiceID: c.invoiceID, closedOn: p.date)
            if let iban = p.counterpartyIBAN {
                // Learn who pays from this account, for later payments that carry no reference.
                try IngestCommands.learnPayerAccount(db, iban: iban, paymentID: p.id, invoiceID: c.invoiceID)
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
        for invoice in try IngestCommands.removeAllocations(db, paymentID: paymentID) {
            try OpenAmount.refresh(db, invoiceID: invoice, closedOn: nil)
        }
    }

    /// Tries again every unapplied payment that names an invoice or reference, or comes from a
    /// bank statement: the invoice may have arrived since. Payments that name only a debtor stay
    /// for a person to allocate.
    func retryUnapplied(batch: Int64) throws {
        for r in try IngestQueries.paymentsToRetry(db) {
            // An overpayment on an invoice it already settled has nothing more to find.
            if r.allocations > 0 { continue }
            let p = Payment(id: r.id, date: r.date, currency: r.currency, remaining: r.unapplied, invoiceNumber: r.invoiceNumber,
                            reference: r.reference, debtorKey: r.debtorKey, freeText: r.freeText, counterpartyIBAN: r.counterpartyIBAN,
                            fromBank: r.fromBank)
            let (left, reason) = try allocate(p, batch: batch)
            if left != p.remaining || reason != r.unappliedReason {
                try IngestCommands.setUnapplied(db, paymentID: p.id, minor: left, reason: reason)
            }
        }
    }
}
