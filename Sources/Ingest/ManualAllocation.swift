import GRDB
import Ledger
import Store

/// One payment (partly) not applied, as `relance payments unapplied` lists it.
package struct UnappliedPayment: Sendable {
    package static let columns = ["payment_id", "date", "amount", "unapplied", "currency", "reference", "counterparty", "reason"]
    package var fields: [String]
}

/// A person's decisions about payments: the unapplied list, and applying one to an invoice.
package enum ManualAllocation {
    /// Why a manual allocation was refused (nothing is written).
    package typealias Refusal = ControlRefusal

    /// Every payment with something unapplied, oldest first.
    package static func unapplied(_ db: Database) throws -> [UnappliedPayment] {
        try IngestQueries.unappliedPayments(db).map { r in
            let cur = Currency(stored: r.currency)
            return UnappliedPayment(fields: [r.key, r.date, Money(minorUnits: r.amount, currency: cur).decimalString,
                                             Money(minorUnits: r.unapplied, currency: cur).decimalString, r.currency, r.reference,
                                             r.counterparty, r.reason])
        }
    }

    /// Applies `amount` (default: as much as both sides allow) of a payment to an invoice, with rule `manual`.
    ///
    /// The invoice takes at most what is open on it (`open_minor`, which the export's open amount
    /// bounds). The allocation records the last ingest batch (`seen_batch_id`), so the open-amount
    /// rule (`OpenAmount`) takes it off the export's open amount until a later export reflects it.
    package static func allocate(_ db: Database, payment key: String, invoice number: String, amount: String?,
                                by actor: Actor? = nil) throws -> Money {
        guard let p = try IngestQueries.paymentForAllocation(db, key: key) else {
            throw Refusal("no payment \(key)")
        }
        guard let i = try IngestQueries.invoiceForAllocation(db, number: number) else { throw Refusal("no invoice \(number)") }
        let currency = Currency(stored: p.currency)
        guard i.currency == currency.code else { throw Refusal("the payment is in \(currency.code), the invoice in \(i.currency)") }
        guard i.type == .invoice else { throw Refusal("\(number) is a credit note") }
        let left = p.unapplied, lacking = max(0, i.lacking)
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
        try IngestCommands.allocateManually(db, paymentID: p.id, invoiceID: i.id, amount: apply)
        try OpenAmount.refresh(db, invoiceID: i.id, closedOn: p.date)
        let applied = Money(minorUnits: apply, currency: currency)
        if let actor {
            try ActionJournal.append(db, at: actor.at, who: actor.who, action: "allocate", debtorID: i.debtorID, invoiceID: i.id, paymentID: p.id,
                                     detail: ["payment": key, "amount": applied.decimalString])
        }
        return applied
    }

    /// Undoes the allocations of a payment to one invoice (or to every invoice when `number` is nil):
    /// the amount becomes unapplied again, the invoice reopens if it was closed by it, and automatic
    /// matching leaves the payment alone from then on (`manual_only`). Nothing to undo changes nothing.
    package static func unallocate(_ db: Database, payment key: String, invoice number: String?, by actor: Actor) throws -> ControlOutcome {
        guard let p = try IngestQueries.paymentForAllocation(db, key: key) else {
            throw Refusal("no payment \(key)")
        }
        let paymentID = p.id
        if let number, try IngestQueries.invoiceID(db, number: number) == nil {
            throw Refusal("no invoice \(number)")
        }
        let rows = try IngestQueries.allocations(db, paymentID: paymentID, invoiceNumber: number)
        let target = number.map { "invoice \($0)" } ?? "any invoice"
        guard !rows.isEmpty else { return .unchanged("payment \(key) is not applied to \(target)") }
        let currency = Currency(stored: p.currency)
        var total: Int64 = 0
        for r in rows {
            try IngestCommands.removeAllocation(db, id: r.id)
            try OpenAmount.refresh(db, invoiceID: r.invoiceID, closedOn: nil)
            total += r.amount
            try ActionJournal.append(db, at: actor.at, who: actor.who, action: "unallocate", debtorID: r.debtorID, invoiceID: r.invoiceID,
                                     paymentID: paymentID,
                                     detail: ["payment": key, "amount": Money(minorUnits: r.amount, currency: currency).decimalString])
        }
        try IngestCommands.markUnallocated(db, paymentID: paymentID, amount: total)
        return .done("unallocated \(Money(minorUnits: total, currency: currency).decimalString) of payment \(key) from \(target)")
    }
}
