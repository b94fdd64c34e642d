import Foundation
import GRDB
import Ledger
import Store

/// One promise to pay, as `relance promise list` and `debtor show` list it.
package struct PromiseRow: Sendable, Equatable {
    /// `promise list`'s columns.
    package static let columns = ["debtor", "amount", "currency", "date", "resumes_after", "invoices", "status", "made_on", "made_by", "source"]
    package var fields: [String]
}

/// Promises to pay (`promise_to_pay`): made by a person (`relance promise add`) or read from an
/// export's "expected payment date" column. The ladder pauses for the debtor until the promised
/// date plus the grace days (`pause_until`); `review` marks a promise kept when the payments
/// received from the day it was made until then cover it, and broken once that day has passed.
package enum Promises {
    /// Records a promise; an identical open one changes nothing. `defaultCurrency` is the workspace's
    /// (`[defaults] currency`): a promise of a debtor with no open invoice is in it.
    package static func add(_ db: Database, debtor key: String, amount text: String, date: Day, invoices: [String],
                           graceDays: Int, defaultCurrency: Currency = .eur, by actor: Actor) throws -> ControlOutcome {
        let d = try Controls.debtor(db, key)
        let debtorID = d.id
        if date < actor.today { throw ControlRefusal("the promised date \(date) is in the past") }
        var named: (number: String, currency: Currency)? = nil
        for number in invoices {
            let i = try Controls.invoice(db, number)
            guard i.debtorID == debtorID else { throw ControlRefusal("invoice \(number) is not debtor \(key)'s") }
            guard i.type == .invoice else { throw ControlRefusal("invoice \(number) is a credit note") }
            guard i.status == .open else { throw ControlRefusal("invoice \(number) is closed") }
            let currency = Currency(stored: i.currency)
            if let first = named, first.currency != currency {
                throw ControlRefusal("invoices \(first.number) (\(first.currency.code)) and \(number) (\(currency.code)) are in different currencies: make one promise per currency")
            }
            named = named ?? (number, currency)
        }
        // The named invoices' currency; with none named, that of the debtor's open invoices (refused
        // when they are in several: the amount would be in a currency picked at random); for a debtor
        // with no open invoice, the workspace's default currency (as an export row without a currency).
        let cur: Currency
        if let named { cur = named.currency }
        else {
            let open = try IngestQueries.openInvoiceCurrencies(db, debtorID: debtorID)
            guard open.count <= 1 else {
                throw ControlRefusal("debtor \(key) has open invoices in \(open.joined(separator: " and ")): name the invoices the promise covers (--invoice)")
            }
            cur = open.first.map { Currency(stored: $0) } ?? defaultCurrency
        }
        guard case .success(let money) = AmountParser.parse(text, currency: cur, decimal: .point), money.isPositive else {
            throw ControlRefusal("\"\(text)\" is not a positive amount (decimal point, e.g. 250.00)")
        }
        let list = invoices.isEmpty ? nil : Self.jsonArray(invoices.sorted())
        let same = try IngestQueries.hasOpenPromise(db, debtorID: debtorID, amount: money.minorUnits, until: date.description,
                                                    invoices: list)
        if same { return .unchanged("debtor \(key) already promised \(cur.code) \(money.decimalString) by \(date)") }
        let pause = date.adding(days: graceDays)
        let promise = try IngestCommands.insertPromise(db, PromiseInsert(
            debtorID: debtorID, until: date.description, createdAt: Instant.string(actor.at), amount: money.minorUnits,
            currency: cur.code, invoices: list, madeOn: actor.today.description, madeBy: actor.who,
            pauseUntil: pause.description, source: .command))
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "promise", debtorID: debtorID, detail: [
            "promise_id": String(promise), "amount": money.decimalString, "currency": cur.code,
            "date": date.description, "invoices": invoices.sorted().joined(separator: " "),
        ])
        return .done("debtor \(key) promised \(cur.code) \(money.decimalString) by \(date); no reminder until \(pause)")
    }

    /// The "expected payment date" of an invoice export, as a promise for that invoice's open amount.
    /// A date in the past, or one already recorded, adds nothing; a new date replaces the export's
    /// earlier open promise for the invoice.
    static func fromExport(_ db: Database, invoiceNumber: String, date: Day, asOf: Day, graceDays: Int) throws {
        guard date >= asOf, let i = try IngestQueries.openInvoice(db, number: invoiceNumber) else { return }
        let list = Self.jsonArray([invoiceNumber])
        if let e = try IngestQueries.openExportPromise(db, invoices: list) {
            guard e.until != date.description else { return }
            try IngestCommands.movePromise(db, id: e.id, until: date.description, pauseUntil: date.adding(days: graceDays).description)
            return
        }
        _ = try IngestCommands.insertPromise(db, PromiseInsert(
            debtorID: i.debtorID, until: date.description, createdAt: asOf.description + "T00:00:00.000Z", amount: i.openMinor,
            currency: i.currency, invoices: list, madeOn: asOf.description, madeBy: "export",
            pauseUntil: date.adding(days: graceDays).description, source: .export))
    }

    /// Marks open promises kept (covered by the payments received from the day they were made until
    /// the end of their grace, or every promised invoice closed) or broken (that day has passed);
    /// each change is journaled with `actor`. Returns how many were kept and broken.
    @discardableResult
    package static func review(_ db: Database, asOf: Day, by actor: Actor) throws -> (kept: Int, broken: Int) {
        var kept = 0, broken = 0
        for p in try IngestQueries.promisesToReview(db) {
            let id = p.id, debtorID = p.debtorID, amount = p.amount
            let from = p.madeOn, to = p.pauseUntil
            let numbers = p.invoices.map(Self.strings) ?? []
            var paid: Int64 = 0
            var allClosed = !numbers.isEmpty
            for r in try IngestQueries.invoicesPaidBetween(db, debtorID: debtorID, from: from, to: to)
            where numbers.isEmpty || numbers.contains(r.number) {
                paid += r.paid
                if r.status == .open { allClosed = false }
            }
            if numbers.isEmpty {
                paid += try IngestQueries.unappliedBetween(db, debtorKey: p.debtorKey, from: from, to: to)
            }
            let status: PromiseStatus
            if paid >= amount || allClosed { status = .kept; kept += 1 }
            else if asOf.description > to { status = .broken; broken += 1 }
            else { continue }
            try IngestCommands.setPromiseStatus(db, id: id, status: status, on: asOf.description)
            try ActionJournal.append(db, at: actor.at, who: actor.who, action: "promise-" + status.rawValue, debtorID: debtorID, detail: [
                "promise_id": String(id), "date": p.until, "paid": String(paid), "promised": String(amount),
            ])
        }
        return (kept, broken)
    }

    /// Every promise, open ones first, then by date (`only`: one debtor's).
    package static func list(_ db: Database, debtor key: String? = nil) throws -> [PromiseRow] {
        try IngestQueries.promises(db, debtorKey: key).map { r in
            let amount = r.amount.map { Money(minorUnits: $0, currency: Currency(stored: r.currency)).decimalString } ?? ""
            let invoices = r.invoices.isEmpty ? "" : Self.strings(r.invoices).joined(separator: " ")
            return PromiseRow(fields: [r.debtorKey, amount, r.currency, r.until, r.pauseUntil, invoices, r.status.rawValue, r.madeOn,
                                       r.madeBy, r.source.rawValue])
        }
    }

    /// A JSON array of strings (the promised invoices).
    static func jsonArray(_ items: [String]) -> String { JSONWriter.array(items) }

    /// The strings of a JSON array written by `jsonArray`.
    static func strings(_ json: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]) ?? []
    }
}
