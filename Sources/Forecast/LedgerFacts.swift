import Ledger

/// The ledger as the forecast sees it: debtors and invoices (not credit notes) in columns of plain
/// numbers, so six million invoices cost a few hundred megabytes and no objects.
///
/// Days are `Day.daysSinceEpoch`. An invoice's payment day is the day of the latest payment
/// allocated to it, or its `closed_on` when it was closed without one; `LedgerFacts.unpaid` while it
/// is open, `LedgerFacts.unknownDay` when it was closed on a day nobody told (the export said 0 open
/// and no payment arrived): such invoices are neither learnt from nor forecast.
package struct LedgerFacts: Sendable {
    /// `paid` of an invoice still open.
    package static let unpaid = Int32.max
    /// `paid` of an invoice closed on an unknown day.
    package static let unknownDay = Int32.min

    /// Flag bit of `flags`: the invoice is disputed (its current state in the ledger).
    package static let disputedFlag: UInt8 = 1
    /// Flag bit of `flags`: the invoice or its debtor is on hold (no reminders; current state).
    package static let holdFlag: UInt8 = 2
    /// Flag bit of `flags`: the debtor pays by direct debit (current state).
    package static let directDebitFlag: UInt8 = 4

    // Debtors, by dense index.
    /// The store's `debtor.id` of each debtor.
    package var debtorIDs: [Int64] = []
    /// The business key (`debtor_key`).
    package var debtorKeys: [String] = []
    /// True for consumers (`b2c`).
    package var debtorIsConsumer: [Bool] = []
    /// Index into `DebtorLanguage.all`.
    package var debtorLanguage: [UInt8] = []

    // Invoices, by dense index.
    /// The store's `invoice.id`.
    package var invoiceIDs: [Int64] = []
    /// Dense debtor index of each invoice.
    package var debtor: [Int32] = []
    package var issue: [Int32] = []
    package var due: [Int32] = []
    /// Payment day (see the type's summary).
    package var paid: [Int32] = []
    /// Day of the first payment allocated to it, or `unpaid` when none.
    package var firstPaid: [Int32] = []
    /// Amount in minor units of its currency (above zero).
    package var amountMinor: [Int64] = []
    /// Open amount on the as-of day the facts were read for, minor units.
    package var openMinor: [Int64] = []
    /// Index into `currencies`.
    package var currency: [UInt8] = []
    /// Bit set of `disputedFlag`, `holdFlag`, `directDebitFlag`.
    package var flags: [UInt8] = []
    /// Currency codes used by `currency`.
    package var currencies: [String] = []
    /// Binary invoice attributes the ledger does not hold, supplied by the caller (a backtest harness),
    /// each aligned with the invoices. They become covariates of the model like `disputed`.
    package var attributes: [InvoiceAttribute] = []

    // Promises to pay (`promise_to_pay`: debtor, date promised, when made, status and when it was set).
    /// Dense debtor index of each promise.
    package var promiseDebtor: [Int32] = []
    /// The day promised.
    package var promiseUntil: [Int32] = []
    /// The day the promise was made (`made_on`, else the date of its `created_at`).
    package var promiseMade: [Int32] = []
    /// Whether it was kept (`status` kept: true, broken: false), nil while its status is open.
    package var promiseKept: [Bool?] = []
    /// The day its status was set (`status_on`), `unpaid` while open or when the ledger does not say.
    package var promiseSettled: [Int32] = []

    // Reminders sent (`dunning_event_item` of the `dunning_event`s sent): invoice, day, step.
    /// Dense invoice index of each reminder.
    package var reminderInvoice: [Int32] = []
    /// The day it was sent for (`dunning_event.as_of`).
    package var reminderDay: [Int32] = []
    /// Its step on the ladder (0: the first reminder).
    package var reminderStep: [UInt8] = []

    /// Empty facts; fill the columns, or read them with `LedgerFacts.read`.
    package init() {}

    /// Number of debtors.
    package var debtorCount: Int { debtorIDs.count }
    /// Number of invoices.
    package var invoiceCount: Int { invoiceIDs.count }

    /// Appends a debtor; returns its dense index.
    @discardableResult
    package mutating func addDebtor(id: Int64, key: String, consumer: Bool, language: String) -> Int32 {
        debtorIDs.append(id)
        debtorKeys.append(key)
        debtorIsConsumer.append(consumer)
        debtorLanguage.append(DebtorLanguage.index(of: language))
        return Int32(debtorIDs.count - 1)
    }

    /// Appends an invoice.
    package mutating func addInvoice(id: Int64, debtor: Int32, issue: Day, due: Day, paid: Int32, firstPaid: Int32,
                                    amountMinor: Int64, openMinor: Int64, currency: String, disputed: Bool) {
        invoiceIDs.append(id)
        self.debtor.append(debtor)
        self.issue.append(issue.daysSinceEpoch)
        self.due.append(due.daysSinceEpoch)
        self.paid.append(paid)
        self.firstPaid.append(firstPaid)
        self.amountMinor.append(amountMinor)
        self.openMinor.append(openMinor)
        self.currency.append(currencyIndex(currency))
        flags.append(disputed ? LedgerFacts.disputedFlag : 0)
    }

    /// Appends a promise to pay made on `made` by debtor `debtor` to pay by `until`; `kept` its status
    /// (nil while open), set on `settled`.
    package mutating func addPromise(debtor: Int32, until: Day, made: Day, kept: Bool? = nil, settled: Day? = nil) {
        addPromise(debtor: debtor, until: until.daysSinceEpoch, made: made.daysSinceEpoch, kept: kept,
                   settled: settled?.daysSinceEpoch ?? LedgerFacts.unpaid)
    }

    /// The same in days since 1970-01-01.
    mutating func addPromise(debtor: Int32, until: Int32, made: Int32, kept: Bool?, settled: Int32) {
        promiseDebtor.append(debtor)
        promiseUntil.append(until)
        promiseMade.append(made)
        promiseKept.append(kept)
        promiseSettled.append(kept == nil ? LedgerFacts.unpaid : settled)
    }

    /// Appends a reminder of invoice `invoice` (dense index) sent on `day` at `step` (0: the first).
    package mutating func addReminder(invoice: Int, day: Day, step: Int) {
        reminderInvoice.append(Int32(invoice))
        reminderDay.append(day.daysSinceEpoch)
        reminderStep.append(UInt8(min(255, max(0, step))))
    }

    /// The index of a currency code, adding it when new (at most 256 currencies).
    package mutating func currencyIndex(_ code: String) -> UInt8 {
        if let i = currencies.firstIndex(of: code) { return UInt8(i) }
        currencies.append(code)
        return UInt8(min(currencies.count - 1, 255))
    }

    /// True when invoice `i` was issued on or before `day` and not yet paid at the end of it.
    @inline(__always)
    func isOpen(_ i: Int, on day: Int32) -> Bool {
        issue[i] <= day && paid[i] > day && paid[i] != LedgerFacts.unknownDay
    }

    /// True when invoice `i` was paid on or before `day` (on a known day).
    @inline(__always)
    func isPaid(_ i: Int, by day: Int32) -> Bool {
        paid[i] <= day && paid[i] != LedgerFacts.unknownDay
    }
}

/// A yes/no attribute of each invoice that the ledger does not hold (for example whether it was
/// sent on paper or electronically), given to the model as a covariate.
package struct InvoiceAttribute: Sendable {
    /// Short name used in explanations and parameters, e.g. `paperless`.
    package var name: String
    /// One value per invoice, aligned with `LedgerFacts`' invoices.
    package var values: [Bool]

    /// An attribute.
    package init(name: String, values: [Bool]) {
        self.name = name
        self.values = values
    }
}

/// The debtor languages the ledger knows, in a fixed order (segment keys use the index).
package enum DebtorLanguage {
    /// `nl`, `fr`, `de`, `en`.
    package static let all = ["nl", "fr", "de", "en"]

    /// Index of a language code (unknown codes count as the first).
    package static func index(of code: String) -> UInt8 {
        UInt8(all.firstIndex(of: code) ?? 0)
    }
}
