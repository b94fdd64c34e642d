import GRDB
import Ledger
import Store

/// One payment (partly) not applied, as `relance payments unapplied` lists it.
public struct UnappliedPayment: Sendable {
    public static let columns = ["payment_id", "date", "amount", "unapplied", "currency", "reference", "counterparty", "reason"]
    public var fields: [String]
}

/// A person's decisions about payments: the unapplied list, and applying one to an invoice.
public enum ManualAllocation {
    /// Why a manual allocation was refused (nothing is written).
    public typealias Refusal = ControlRefusal

    /// Every payment with something unapplied, oldest first.
    public static func unapplied(_ db: Database) throws -> [UnappliedPayment] {
        try Row.fetchAll(db, sql: """
            SELECT payment_key, payment_date, amount_minor, unapplied_minor, currency,
              COALESCE(structured_reference, invoice_number, free_text, ''), COALESCE(counterparty_name, debtor_key, ''),
              COALESCE(unapplied_reason, '') FROM payment WHERE unapplied_minor > 0 ORDER BY payment_date, id
            """).map { r in
            let cur = Currency(code: r[4] as String) ?? .eur
            return UnappliedPayment(fields: [r[0], r[1], Money(minorUnits: r[2], currency: cur).decimalString,
                                             Money(minorUnits: r[3], currency: cur).decimalString, r[4], r[5], r[6], r[7]])
        }
    }

    /// Applies `amount` (default: as much as both sides allow) of a payment to an invoice, with rule `manual`.
    ///
    /// The invoice takes at most what is open on it (`open_minor`, which the export's open amount
    /// bounds). The allocation records the last ingest batch (`seen_batch_id`), so the open-amount
    /// rule (`OpenAmount`) takes it off the export's open amount until a later export reflects it.
    public static func allocate(_ db: Database, payment key: String, invoice number: String, amount: String?,
                                by actor: Actor? = nil) throws -> Money {
        guard let p = try Row.fetchOne(db, sql: "SELECT id, currency, unapplied_minor, payment_date FROM payment WHERE payment_key = ?", arguments: [key]) else {
            throw Refusal("no payment \(key)")
        }
        guard let i = try Row.fetchOne(db, sql: """
            SELECT id, currency, type, MIN(open_minor, amount_minor - COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocation a WHERE a.invoice_id = invoice.id), 0)),
              debtor_id
            FROM invoice WHERE invoice_number = ?
            """, arguments: [number]) else { throw Refusal("no invoice \(number)") }
        let currency = Currency(code: p[1] as String) ?? .eur
        guard (i[1] as String) == currency.code else { throw Refusal("the payment is in \(currency.code), the invoice in \(i[1] as String)") }
        guard (i[2] as String) == "invoice" else { throw Refusal("\(number) is a credit note") }
        let left: Int64 = p[2], lacking: Int64 = max(0, i[3] as Int64)
        var apply = min(left, lacking)
        if let amount {
            guard case .success(let m) = AmountParser.parse(amount, currency: currency, decimal: .point), m.isPositive else {
                throw Refusal("\"\(amount)\" is not a positive amount")
            }
            guard m.minorUnits <= left else { throw Refusal("the payment has only \(Money(minorUnits: left, currency: currency).decimalString) left") }
            guard m.minorUnits <= lacking else { throw Refusal("the invoice lacks only \(Money(minorUnits: lacking, currency: currency).decimalString)") }
            apply = m.minorUnits
        }
        guard apply > 0 else { throw Refusal(left == 0 ? "the payment is fully applied" : "the invoice lacks nothing") }
        try db.execute(sql: """
            INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule, seen_batch_id)
            VALUES (?, ?, ?, 'manual', (SELECT MAX(id) FROM ingest_batch))
            """, arguments: [p[0] as Int64, i[0] as Int64, apply])
        try db.execute(sql: "UPDATE payment SET unapplied_minor = unapplied_minor - ?, unapplied_reason = CASE WHEN unapplied_minor - ? = 0 THEN NULL ELSE unapplied_reason END WHERE id = ?",
                       arguments: [apply, apply, p[0] as Int64])
        try OpenAmount.refresh(db, invoiceID: i[0], closedOn: p[3])
        let applied = Money(minorUnits: apply, currency: currency)
        if let actor {
            try ActionJournal.append(db, at: actor.at, who: actor.who, action: "allocate", debtorID: i[4], invoiceID: i[0], paymentID: p[0],
                                     detail: ["payment": key, "amount": applied.decimalString])
        }
        return applied
    }

    /// Undoes the allocations of a payment to one invoice (or to every invoice when `number` is nil):
    /// the amount becomes unapplied again, the invoice reopens if it was closed by it, and automatic
    /// matching leaves the payment alone from then on (`manual_only`). Nothing to undo changes nothing.
    public static func unallocate(_ db: Database, payment key: String, invoice number: String?, by actor: Actor) throws -> ControlOutcome {
        guard let p = try Row.fetchOne(db, sql: "SELECT id, currency FROM payment WHERE payment_key = ?", arguments: [key]) else {
            throw Refusal("no payment \(key)")
        }
        let paymentID: Int64 = p[0]
        if let number, try Int64.fetchOne(db, sql: "SELECT id FROM invoice WHERE invoice_number = ?", arguments: [number]) == nil {
            throw Refusal("no invoice \(number)")
        }
        let rows = try Row.fetchAll(db, sql: """
            SELECT a.id, a.invoice_id, a.amount_minor, i.invoice_number, i.debtor_id FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
            WHERE a.payment_id = ?1 AND (?2 IS NULL OR i.invoice_number = ?2) ORDER BY a.id
            """, arguments: [paymentID, number])
        let target = number.map { "invoice \($0)" } ?? "any invoice"
        guard !rows.isEmpty else { return .unchanged("payment \(key) is not applied to \(target)") }
        let currency = Currency(code: p[1] as String) ?? .eur
        var total: Int64 = 0
        for r in rows {
            try db.execute(sql: "DELETE FROM payment_allocation WHERE id = ?", arguments: [r[0] as Int64])
            try OpenAmount.refresh(db, invoiceID: r[1], closedOn: nil)
            total += r[2] as Int64
            try ActionJournal.append(db, at: actor.at, who: actor.who, action: "unallocate", debtorID: r[4], invoiceID: r[1], paymentID: paymentID,
                                     detail: ["payment": key, "amount": Money(minorUnits: r[2], currency: currency).decimalString])
        }
        try db.execute(sql: """
            UPDATE payment SET unapplied_minor = unapplied_minor + ?, unapplied_reason = 'unallocated by hand', manual_only = 1 WHERE id = ?
            """, arguments: [total, paymentID])
        return .done("unallocated \(Money(minorUnits: total, currency: currency).decimalString) of payment \(key) from \(target)")
    }
}
