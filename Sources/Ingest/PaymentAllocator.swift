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
    /// The hot statements, prepared on first use and kept for this allocator's life (one ingest).
    let statements: AllocationStatements
    /// A bank statement's open-amount writes, kept to be written in invoice order (`DeferredOpenStates`);
    /// nil: each written when its allocation is recorded.
    let deferred: DeferredOpenStates?

    init(db: Database, defersOpenStates: Bool = false) {
        self.db = db
        statements = AllocationStatements(db)
        deferred = defersOpenStates ? DeferredOpenStates() : nil
    }

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
        /// From the books' register (`payment.booked`), when known: with it, the refresh after an
        /// allocation works from the figures its candidate look-up read (`AllocationCandidate`).
        var booked: Bool? = nil
        /// Its line in the file it comes from (0: none): a row of it SQLite refuses is named by it.
        var line = 0
    }

    typealias Candidate = AllocationCandidate

    /// What a payment goes to, found before anything is written: its allocations in order, and the
    /// unapplied remainder with the reason.
    struct Plan {
        var allocations: [(invoiceID: Int64, amount: Int64, rule: AllocationRule, candidate: Candidate)] = []
        var unapplied: Int64
        var reason: String?
    }

    /// Allocates what remains of a payment (`plan`, then `record`); returns the unapplied remainder and why.
    func allocate(_ p: Payment, batch: Int64) throws -> (unapplied: Int64, reason: String?) {
        let plan = try plan(p)
        try record(plan, of: p, batch: batch)
        return (plan.unapplied, plan.reason)
    }

    /// Finds where what remains of a payment goes, writing nothing.
    ///
    /// A payment that names its invoice is applied up to what the invoice still lacks
    /// (`amount − allocated`), whether or not the export already shows it settled: the export's
    /// open amount already reflects the payments its books have seen (see `OpenAmount`), so the
    /// payment is recorded — its date is what the forecast learns from — without counting twice.
    func plan(_ p: Payment) throws -> Plan {
        if p.fromBank { return try planFromBank(p) }
        var reason: String? = nil
        var found: [Candidate] = []
        let rule: AllocationRule
        if let number = p.invoiceNumber {
            rule = .invoiceNumber
            found = try statements.candidates(invoiceNumber: number)
            if found.isEmpty {
                let known = try statements.invoiceExists(number: number)
                reason = known ? "\(number) is a credit note" : "invoice \(number) is not in the ledger"
            }
        } else if let ref = p.reference {
            found = try statements.candidates(reference: ref)
            rule = found.isEmpty ? .debtorOldestFirst : .structuredReference
            if found.isEmpty { found = try statements.candidates(reminderReference: ref) }
            if found.isEmpty { reason = "no invoice or reminder has this structured reference" }
        } else if let debtor = p.debtorKey {
            rule = .debtorOldestFirst
            found = try statements.candidates(debtorKey: debtor)
            if found.isEmpty {
                let known = try statements.debtorExists(key: debtor)
                reason = known ? "debtor \(debtor) has no open undisputed invoice" : "debtor \(debtor) is not in the ledger"
            }
        } else {
            return Plan(unapplied: p.remaining, reason: "the payment names no invoice, reference or debtor")
        }
        return Self.apply(p, found, rule: rule, reasonIfNone: reason)
    }

    private func planFromBank(_ p: Payment) throws -> Plan {
        if let ref = p.reference {
            let found = try candidates(reference: ref)
            if !found.isEmpty { return Self.apply(p, found, rule: ref.hasPrefix("RF") ? .rfReference : .structuredReference, reasonIfNone: nil) }
            // Filters on the stored status: every waiting state written first.
            try deferred?.flush(statements)
            let reminded = try statements.candidates(reminderReference: ref)
            if !reminded.isEmpty { return Self.apply(p, reminded, rule: .debtorOldestFirst, reasonIfNone: nil) }
        }
        if let text = p.freeText {
            let tokens = Self.invoiceNumberCandidates(in: text)
            if !tokens.isEmpty {
                // Ordered by due date and id: the waiting states in place of the stored ones suffice.
                var found = try statements.candidates(invoiceNumbers: tokens)
                if let d = deferred { found = d.overlaid(found) }
                if !found.isEmpty { return Self.apply(p, found, rule: .invoiceNumberInText, reasonIfNone: nil) }
            }
        }
        // An account that pays for more than a few debtors (a payment provider, a factor) says nothing about who paid.
        if let iban = p.counterpartyIBAN, try statements.payerCount(iban: iban) <= 3 {
            // Filters on the stored status and open amount of these debtors' invoices: theirs written first.
            try deferred?.flush(statements, db: db, payerIBAN: iban)
            let found = try statements.candidates(payerIBAN: iban, openMinor: p.remaining, currency: p.currency)
            if found.count == 1 { return Self.apply(p, found, rule: .uniqueOpenAmount, reasonIfNone: nil) }
            if found.count > 1 { return Plan(unapplied: p.remaining, reason: "\(found.count) open invoices of the payer have this amount; allocate it by hand") }
        }
        if p.reference != nil { return Plan(unapplied: p.remaining, reason: "no invoice has this structured reference") }
        return Plan(unapplied: p.remaining, reason: "no reference, invoice number or known payer account matches")
    }

    /// The invoices with this structured reference, as `AllocationStatements.candidates(reference:)`
    /// reads them, with the waiting states of a bank statement (`deferred`) in place of the stored
    /// ones. Several invoices come in an order that depends on their status: when one of them waits,
    /// every waiting state is written and they are read again.
    private func candidates(reference: String) throws -> [Candidate] {
        let found = try statements.candidates(reference: reference)
        guard let d = deferred, !d.isEmpty else { return found }
        if found.count > 1 && found.contains(where: { d.isWaiting($0.invoiceID) }) {
            try d.flush(statements)
            return try statements.candidates(reference: reference)
        }
        return d.overlaid(found)
    }

    /// Applies the payment to the candidates in order, up to what each still lacks (each candidate
    /// is a different invoice, so what one takes does not change what the next lacks).
    private static func apply(_ p: Payment, _ found: [Candidate], rule: AllocationRule, reasonIfNone: String?) -> Plan {
        var plan = Plan(unapplied: p.remaining, reason: reasonIfNone)
        for c in found where plan.unapplied > 0 {
            guard c.currency == p.currency else {
                plan.reason = "currency \(p.currency) differs from the invoice's \(c.currency)"
                continue
            }
            let amount = min(plan.unapplied, c.capacity)
            guard amount > 0 else { continue }
            plan.allocations.append((c.invoiceID, amount, rule, c))
            plan.unapplied -= amount
        }
        if plan.unapplied > 0 && plan.reason == nil { plan.reason = found.isEmpty ? "nothing to apply it to" : "overpayment" }
        if plan.unapplied == 0 { plan.reason = nil }
        return plan
    }

    /// Writes a plan's allocations of payment `p` (stored, with its id), each followed by the
    /// invoice's open-amount refresh (`OpenAmount`), and learns the payer's account from them.
    func record(_ plan: Plan, of p: Payment, batch: Int64) throws {
        for a in plan.allocations {
            if let append = statements.append, let booked = p.booked {
                // A first load's: kept back with its payment (`PaymentAppend`), counted by the look-ups meanwhile.
                try append.allocate(paymentID: p.id, invoiceID: a.invoiceID, amount: a.amount, rule: a.rule, batch: batch,
                                    booked: booked, line: p.line)
            } else {
                try statements.append?.flush()
                try statements.allocate(paymentID: p.id, invoiceID: a.invoiceID, amount: a.amount, rule: a.rule, batch: batch)
            }
            if let booked = p.booked, let figures = a.candidate.figures(adding: a.amount, booked: booked, batch: batch) {
                // The look-up read the invoice's figures, and nothing has touched it since (each
                // candidate of a plan is a different invoice): the rule needs no second read.
                if let d = deferred {
                    try d.refresh(statements, invoiceID: a.invoiceID, debtorID: a.candidate.debtorID, figures, closedOn: p.date)
                } else {
                    try OpenAmount.refresh(statements, invoiceID: a.invoiceID, figures, closedOn: p.date)
                }
            } else {
                // Reads the stored state: this invoice's waiting one written first.
                try deferred?.flush(statements, invoiceID: a.invoiceID)
                try OpenAmount.refresh(statements, invoiceID: a.invoiceID, closedOn: p.date)
            }
            if let iban = p.counterpartyIBAN {
                // Who pays from this account, for later payments that carry no reference: the
                // invoice's debtor came with the candidate, so nothing is read to learn it.
                try statements.learnPayerAccount(iban: iban, debtorID: a.candidate.debtorID, paymentID: p.id)
            }
        }
    }

    /// Words of a free-text communication that could be invoice numbers: at least three characters,
    /// at least one digit, surrounding punctuation removed (at most 20 of them).
    static func invoiceNumberCandidates(in text: String) -> [String] {
        // ASCII without CR (the usual communication): each byte is one character, so the same words
        // are found on the bytes, without Foundation's character-set trimming (≈ 60,000 instructions a text).
        if text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) { return asciiInvoiceNumberCandidates(in: text) }
        return characterInvoiceNumberCandidates(in: text)
    }

    /// `invoiceNumberCandidates` for any text, character by character.
    static func characterInvoiceNumberCandidates(in text: String) -> [String] {
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

    /// `invoiceNumberCandidates` for a text of ASCII bytes without CR: the same separators, the same
    /// punctuation trimmed, a digit being `isNumber` in ASCII.
    static func asciiInvoiceNumberCandidates(in text: String) -> [String] {
        func separates(_ b: UInt8) -> Bool { b == 0x20 || b == 0x2C || b == 0x3B || b == 0x3A || b == 0x28 || b == 0x29 }  // " ,;:()"
        func trimmed(_ b: UInt8) -> Bool { b == 0x2E || b == 0x2D || b == 0x2F || b == 0x23 || b == 0x2B || b == 0x2A }  // ".-/#+*"
        var seen = Set<String>()
        var out: [String] = []
        for raw in text.utf8.split(whereSeparator: separates) {
            var word = raw[...]
            while let f = word.first, trimmed(f) { word = word.dropFirst() }
            while let l = word.last, trimmed(l) { word = word.dropLast() }
            guard word.count >= 3, word.contains(where: { $0 >= 0x30 && $0 <= 0x39 }) else { continue }
            let t = String(decoding: word, as: UTF8.self)
            guard seen.insert(t).inserted else { continue }
            out.append(t)
            if out.count == 20 { break }
        }
        return out
    }

    /// Undoes a payment's allocations (before it is re-applied after a change).
    func reverse(paymentID: Int64) throws {
        for invoice in try IngestCommands.removeAllocations(db, paymentID: paymentID) {
            try OpenAmount.refresh(statements, invoiceID: invoice, closedOn: nil)
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
                try statements.setUnapplied(paymentID: p.id, minor: left, reason: reason)
            }
        }
    }
}
