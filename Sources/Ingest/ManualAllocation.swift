import GRDB
import Ledger

/// One payment (partly) not applied, as `relance payments unapplied` lists it.
public struct UnappliedPayment: Sendable {
    public static let columns = ["payment_id", "date", "amount", "unapplied", "currency", "reference", "counterparty", "reason"]
    public var fields: [String]
}

/// A person's decisions about payments: the unapplied list, and applying one to an invoice.
public enum ManualAllocation {
    /// Why a manual allocation was refused.
    public struct Refusal: Error, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

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
    public static func allocate(_ db: Database, payment key: String, invoice number: String, amount: String?) throws -> Money {
        guard let p = try Row.fetchOne(db, sql: "SELECT id, currency, unapplied_minor, payment_date FROM payment WHERE payment_key = ?", arguments: [key]) else {
            throw Refusal(message: "no payment \(key)")
        }
        guard let i = try Row.fetchOne(db, sql: """
            SELECT id, currency, type, amount_minor - COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocation a WHERE a.invoice_id = invoice.id), 0)
            FROM invoice WHERE invoice_number = ?
            """, arguments: [number]) else { throw Refusal(message: "no invoice \(number)") }
        let currency = Currency(code: p[1] as String) ?? .eur
        guard (i[1] as String) == currency.code else { throw Refusal(message: "the payment is in \(currency.code), the invoice in \(i[1] as String)") }
        guard (i[2] as String) == "invoice" else { throw Refusal(message: "\(number) is a credit note") }
        let left: Int64 = p[2], lacking: Int64 = i[3]
        var apply = min(left, lacking)
        if let amount {
            guard case .success(let m) = AmountParser.parse(amount, currency: currency, decimal: .point), m.isPositive else {
                throw Refusal(message: "\"\(amount)\" is not a positive amount")
            }
            guard m.minorUnits <= left else { throw Refusal(message: "the payment has only \(Money(minorUnits: left, currency: currency).decimalString) left") }
            guard m.minorUnits <= lacking else { throw Refusal(message: "the invoice lacks only \(Money(minorUnits: lacking, currency: currency).decimalString)") }
            apply = m.minorUnits
        }
        guard apply > 0 else { throw Refusal(message: left == 0 ? "the payment is fully applied" : "the invoice lacks nothing") }
        try db.execute(sql: "INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule) VALUES (?, ?, ?, 'manual')",
                       arguments: [p[0] as Int64, i[0] as Int64, apply])
        try db.execute(sql: "UPDATE payment SET unapplied_minor = unapplied_minor - ?, unapplied_reason = CASE WHEN unapplied_minor - ? = 0 THEN NULL ELSE unapplied_reason END WHERE id = ?",
                       arguments: [apply, apply, p[0] as Int64])
        try OpenAmount.refresh(db, invoiceID: i[0], closedOn: p[3])
        return Money(minorUnits: apply, currency: currency)
    }
}
