import Foundation
import GRDB
import Ledger
import Store

extension LedgerFacts {
    /// Reads debtors, invoices (not credit notes), their payment days, the promises to pay and the
    /// reminders sent from the store in one read transaction: one scan each of `debtor`, `payment`,
    /// `payment_allocation`, `invoice` and `promise_to_pay`, and of `dunning_event_item` joined to
    /// `dunning_event` (`ForecastLedgerQueries` in Store), days parsed from
    /// their `YYYY-MM-DD` bytes here. A debtor's `paperless_since` (the day from which it receives its
    /// invoices electronically) gives the invoices issued after it the covariate `paperless`.
    ///
    /// `asOf` fixes `openMinor`: what was open at the end of that day (payments dated later are
    /// added back). Learning and forecasting still decide per day what was known (see `isOpen`).
    package static func read(_ db: Database, asOf: Day) throws -> LedgerFacts {
        let largest = try ForecastLedgerQueries.largestIDs(db)
        let payments = try PaymentFacts.read(db, largest: largest, asOf: asOf.daysSinceEpoch)
        var parts = [try InvoiceColumns.read(db, ids: 0...max(0, largest.invoice), capacity: Int(largest.invoice))]
        return assemble(payments, &parts, asOf: asOf.daysSinceEpoch)
    }

    /// The same facts as `read(_:asOf:)`, read on three connections at once: the debtors, payments,
    /// allocations and promises on one, each half of the invoices (by id) on another. All three see
    /// the same committed state: their read transactions begin while this process holds the write
    /// lock (`BEGIN IMMEDIATE`), so no writer of any process commits in between; the lock is let go
    /// as soon as the three have begun, before the scans.
    package static func read(store: LedgerStore, asOf: Day) throws -> LedgerFacts {
        let asOfDay = asOf.daysSinceEpoch
        let begun = DispatchSemaphore(value: 0)
        let results = ReadResults()
        var started = 0
        try store.pool.writeWithoutTransaction { db in
            try db.beginTransaction(.immediate)
            defer { try? db.rollback() }
            let largest = try ForecastLedgerQueries.largestIDs(db)
            let mid = largest.invoice / 2
            let parts: [@Sendable (Database) throws -> Void] = [
                { db in results.payments = try PaymentFacts.read(db, largest: largest, asOf: asOfDay) },
                { db in results.first = try InvoiceColumns.read(db, ids: 0...mid, capacity: Int(mid)) },
                { db in results.second = try InvoiceColumns.read(db, ids: (mid + 1)...max(mid + 1, largest.invoice),
                                                                 capacity: Int(largest.invoice - mid)) },
            ]
            for part in parts {
                results.group.enter()
                Parallel.thread {
                    defer { results.group.leave() }
                    let signal = Once { begun.signal() }
                    do {
                        try store.pool.read { db in
                            try ForecastLedgerQueries.beginSnapshot(db)
                            signal.run()
                            try part(db)
                        }
                    } catch {
                        results.fail(error)
                    }
                    signal.run()
                }
                started += 1
            }
            // The write lock is held until every reader has begun its transaction.
            for _ in 0..<started { begun.wait() }
        }
        results.group.wait()
        if let error = results.error { throw error }
        guard let payments = results.payments, var parts = results.takeParts() else {
            throw StoreError.notStored(what: "the ledger's facts")
        }
        return assemble(payments, &parts, asOf: asOfDay)
    }

    /// Runs a body at most once (a reader signals that its transaction has begun, or that it failed).
    private final class Once: @unchecked Sendable {
        private var body: (() -> Void)?
        init(_ body: @escaping () -> Void) { self.body = body }
        func run() {
            body?()
            body = nil
        }
    }

    /// What the three concurrent reads hand back (each part writes its own field once).
    private final class ReadResults: @unchecked Sendable {
        let group = DispatchGroup()
        let lock = NSLock()
        var payments: PaymentFacts?
        var first: InvoiceColumns?
        var second: InvoiceColumns?
        var error: (any Error)?

        /// The two invoice parts in id order, no longer held here (so that each is freed once assembled).
        func takeParts() -> [InvoiceColumns]? {
            guard let first, let second else { return nil }
            self.first = nil
            self.second = nil
            return [first, second]
        }

        func fail(_ e: any Error) {
            lock.lock()
            if error == nil { error = e }
            lock.unlock()
        }
    }

    /// Debtors, the payment days allocated to each invoice and the promises to pay.
    private struct PaymentFacts: Sendable {
        /// Debtor columns and promises (the invoice columns are empty).
        var facts = LedgerFacts()
        /// Dense debtor index by store id (−1: none), and the debtor's hold and direct-debit flags.
        var debtorIndex: [Int32] = []
        var debtorFlag: [UInt8] = []
        /// The day each debtor went paperless, by dense index (`unpaid`: never).
        var paperlessSince: [Int32] = []
        /// Latest and first allocated payment day per invoice id.
        var lastPaid: [Int32] = []
        var firstPaid: [Int32] = []
        /// Amounts allocated by payments dated after the as-of day, per invoice id.
        var allocatedLater: [Int64: Int64] = [:]
        /// Reminders sent: invoice id, day, step (mapped to dense invoices in `assemble`).
        var reminderInvoiceID: [Int64] = []
        var reminderDay: [Int32] = []
        var reminderStep: [UInt8] = []

        static func read(_ db: Database, largest: ForecastLedgerQueries.LargestIDs, asOf asOfDay: Int32) throws -> PaymentFacts {
            var p = PaymentFacts()
            // Debtors: dense indexes by store id; hold and direct debit (Dunning's columns); the day each went paperless.
            p.debtorIndex = [Int32](repeating: -1, count: Int(largest.debtor) + 1)
            p.debtorFlag = [UInt8](repeating: 0, count: Int(largest.debtor) + 1)
            let debtors = try ForecastLedgerQueries.debtors(db)
            while try debtors.next() {
                let id = Int(debtors.id)
                guard id >= 0, id < p.debtorIndex.count else { continue }
                p.debtorIndex[id] = p.facts.addDebtor(id: debtors.id, key: debtors.key, consumer: debtors.isConsumer,
                                                      language: debtors.language)
                p.debtorFlag[id] = (debtors.onHold ? holdFlag : 0) | (debtors.directDebit ? directDebitFlag : 0)
                p.paperlessSince.append(debtors.withPaperlessSince(dayNumber) ?? LedgerFacts.unpaid)
            }

            // Payment days by payment id.
            var paymentDay = [Int32](repeating: LedgerFacts.unknownDay, count: Int(largest.payment) + 1)
            let payments = try ForecastLedgerQueries.paymentDays(db)
            while try payments.next() {
                let id = Int(payments.id)
                if id >= 0, id < paymentDay.count, let d = payments.withPaymentDate(dayNumber) { paymentDay[id] = d }
            }

            // Latest and first allocated payment day per invoice id; amounts allocated after the as-of day.
            p.lastPaid = [Int32](repeating: LedgerFacts.unpaid, count: Int(largest.invoice) + 1)
            p.firstPaid = p.lastPaid
            let allocations = try ForecastLedgerQueries.allocations(db)
            while try allocations.next() {
                let invoice = Int(allocations.invoiceID), payment = Int(allocations.paymentID)
                guard invoice >= 0, invoice < p.lastPaid.count, payment >= 0, payment < paymentDay.count else { continue }
                let d = paymentDay[payment]
                if d == LedgerFacts.unknownDay { continue }
                if p.lastPaid[invoice] == LedgerFacts.unpaid || d > p.lastPaid[invoice] { p.lastPaid[invoice] = d }
                if d < p.firstPaid[invoice] { p.firstPaid[invoice] = d }
                if d > asOfDay { p.allocatedLater[Int64(invoice), default: 0] += allocations.amountMinor }
            }
            paymentDay = []

            // Promises to pay (Dunning's controls): debtor, day promised, day made, status and the day it was set.
            let promises = try ForecastLedgerQueries.promises(db)
            while try promises.next() {
                let debtorID = Int(promises.debtorID)
                guard debtorID >= 0, debtorID < p.debtorIndex.count, p.debtorIndex[debtorID] >= 0,
                      let until = promises.withUntil(dayNumber), let made = promises.withMadeOn(dayNumber) else { continue }
                let status = promises.status
                let kept: Bool? = status == .kept ? true : (status == .broken ? false : nil)
                // A status set without its day counts from the end of the promise's grace.
                let settled = promises.withStatusOn(dayNumber) ?? (until + PromiseRecord.grace)
                p.facts.addPromise(debtor: p.debtorIndex[debtorID], until: until, made: made, kept: kept, settled: settled)
            }

            // Reminders sent (Dunning's events queued or on the worklist): invoice id, day, step.
            let reminders = try ForecastLedgerQueries.reminders(db)
            while try reminders.next() {
                guard let day = reminders.withDay(dayNumber) else { continue }
                p.reminderInvoiceID.append(reminders.invoiceID)
                p.reminderDay.append(day)
                p.reminderStep.append(UInt8(clamping: reminders.step))
            }
            return p
        }
    }

    /// The invoices of one range of ids as read, before the payments are known: `debtor` holds the
    /// store's debtor id (−1 when it does not fit), `paid` the `closed_on` day of a closed invoice
    /// (`unpaid` while open, `unknownDay` when it has none), `openMinor` the stored open amount,
    /// `currency` an index into this part's own `currencies`, `flags` the invoice's own flags.
    private struct InvoiceColumns: Sendable {
        var facts = LedgerFacts()

        static func read(_ db: Database, ids: ClosedRange<Int64>, capacity: Int) throws -> InvoiceColumns {
            var part = InvoiceColumns()
            part.facts.reserve(max(0, capacity))
            var lastCurrency: [UInt8] = [], lastCurrencyIndex: UInt8 = 0
            let invoices = try ForecastLedgerQueries.invoices(db, ids: ids)
            while try invoices.next() {
                guard let issue = invoices.withIssueDate(dayNumber), let due = invoices.withDueDate(dayNumber) else { continue }
                let sameCurrency = invoices.withCurrency { $0.elementsEqual(lastCurrency) }
                if !sameCurrency {
                    lastCurrency = invoices.withCurrency { Array($0) }
                    lastCurrencyIndex = part.facts.currencyIndex(String(decoding: lastCurrency, as: UTF8.self))
                }
                part.facts.invoiceIDs.append(invoices.id)
                part.facts.debtor.append(Int32(exactly: invoices.debtorID) ?? -1)
                part.facts.issue.append(issue)
                part.facts.due.append(due)
                part.facts.paid.append(invoices.isOpen ? LedgerFacts.unpaid : invoices.withClosedOn(dayNumber) ?? LedgerFacts.unknownDay)
                part.facts.amountMinor.append(invoices.amountMinor)
                part.facts.openMinor.append(invoices.openMinor)
                part.facts.currency.append(lastCurrencyIndex)
                part.facts.flags.append((invoices.disputed ? LedgerFacts.disputedFlag : 0) | (invoices.onHold ? LedgerFacts.holdFlag : 0))
            }
            return part
        }
    }

    /// Joins the invoice parts (in id order) with the payments: each invoice's debtor, payment days,
    /// open amount on the as-of day and flags; invoices of an unknown debtor are left out.
    private static func assemble(_ p: PaymentFacts, _ parts: inout [InvoiceColumns], asOf asOfDay: Int32) -> LedgerFacts {
        var facts = p.facts
        facts.reserve(parts.reduce(0) { $0 + $1.facts.invoiceCount })
        for k in parts.indices {
            let part = parts[k].facts
            parts[k] = InvoiceColumns()
            // A currency gets its index when the first invoice kept uses it, as in one scan.
            var currencies = [Int16](repeating: -1, count: part.currencies.count)
            for j in 0..<part.invoiceCount {
                let id = part.invoiceIDs[j], debtorID = Int(part.debtor[j])
                guard debtorID >= 0, debtorID < p.debtorIndex.count, p.debtorIndex[debtorID] >= 0, id >= 0, id < p.lastPaid.count
                else { continue }
                let isOpen = part.paid[j] == LedgerFacts.unpaid
                let last = p.lastPaid[Int(id)], first = p.firstPaid[Int(id)]
                let paid: Int32
                if isOpen {
                    paid = LedgerFacts.unpaid
                } else if last != LedgerFacts.unpaid {
                    paid = last
                } else {
                    paid = part.paid[j]
                }
                let amount = part.amountMinor[j]
                let later = p.allocatedLater.isEmpty ? 0 : p.allocatedLater[id] ?? 0
                let open: Int64
                if isOpen {
                    open = min(amount, part.openMinor[j] + later)
                } else if paid != LedgerFacts.unknownDay && paid > asOfDay {
                    // Closed after the as-of day: what its payments after that day settled was open then.
                    open = first > asOfDay ? amount : min(amount, later)
                } else {
                    open = 0
                }
                facts.invoiceIDs.append(id)
                facts.debtor.append(p.debtorIndex[debtorID])
                facts.issue.append(part.issue[j])
                facts.due.append(part.due[j])
                facts.paid.append(paid)
                facts.firstPaid.append(first)
                facts.amountMinor.append(amount)
                facts.openMinor.append(open)
                let local = Int(part.currency[j])
                if currencies[local] < 0 { currencies[local] = Int16(facts.currencyIndex(part.currencies[local])) }
                facts.currency.append(UInt8(currencies[local]))
                facts.flags.append(part.flags[j] | p.debtorFlag[debtorID])
            }
        }
        // Reminders of the invoices kept (ids ascending in both halves, so a binary search finds them).
        for k in p.reminderInvoiceID.indices {
            var lo = 0, hi = facts.invoiceCount
            let id = p.reminderInvoiceID[k]
            while lo < hi {
                let mid = (lo + hi) / 2
                if facts.invoiceIDs[mid] < id { lo = mid + 1 } else { hi = mid }
            }
            guard lo < facts.invoiceCount, facts.invoiceIDs[lo] == id else { continue }
            facts.reminderInvoice.append(Int32(lo))
            facts.reminderDay.append(p.reminderDay[k])
            facts.reminderStep.append(p.reminderStep[k])
        }
        if p.paperlessSince.contains(where: { $0 != LedgerFacts.unpaid }) {
            let values = (0..<facts.invoiceCount).map { facts.issue[$0] > p.paperlessSince[Int(facts.debtor[$0])] }
            facts.attributes = [InvoiceAttribute(name: "paperless", values: values)]
        }
        return facts
    }

    /// Days since 1970-01-01 of `YYYY-MM-DD` bytes, nil for anything else (NULL is empty).
    static func dayNumber(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                let d = b[i] &- 48
                guard d <= 9 else { return nil }
                v = v * 10 + Int(d)
            }
            return v
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        return Day(year: y, month: m, day: d)?.daysSinceEpoch
    }

    /// Days since 1970-01-01 of a `YYYY-MM-DD` text, nil for anything else.
    static func dayNumber(_ text: String) -> Int32? {
        var s = text
        return s.withUTF8 { dayNumber($0) }
    }

    /// Reserves room for `n` invoices in every column.
    mutating func reserve(_ n: Int) {
        invoiceIDs.reserveCapacity(n); debtor.reserveCapacity(n); issue.reserveCapacity(n); due.reserveCapacity(n)
        paid.reserveCapacity(n); firstPaid.reserveCapacity(n); amountMinor.reserveCapacity(n); openMinor.reserveCapacity(n)
        currency.reserveCapacity(n); flags.reserveCapacity(n)
    }
}
