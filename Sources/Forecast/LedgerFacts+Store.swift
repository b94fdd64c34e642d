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
        var part = try InvoiceColumns.read(db, ids: 0...max(0, largest.invoice), capacity: Int(largest.invoice))
        part.assemble(payments, asOf: asOf.daysSinceEpoch)
        return join(payments, first: &part, second: nil)
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
            // Each invoice half is assembled on its reader's thread once the payments are read; the
            // first half has room for the second, which is appended to it at the end.
            let parts: [@Sendable (Database) throws -> Void] = [
                { db in results.setPayments(try PaymentFacts.read(db, largest: largest, asOf: asOfDay)) },
                { db in
                    var part = try InvoiceColumns.read(db, ids: 0...mid, capacity: Int(largest.invoice) + 1)
                    guard let payments = results.waitForPayments() else { return }
                    part.assemble(payments, asOf: asOfDay)
                    results.first = part
                },
                { db in
                    var part = try InvoiceColumns.read(db, ids: (mid + 1)...max(mid + 1, largest.invoice),
                                                       capacity: Int(largest.invoice - mid))
                    guard let payments = results.waitForPayments() else { return }
                    part.assemble(payments, asOf: asOfDay)
                    results.second = part
                },
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
        var first = InvoiceColumns()
        swap(&first, &parts.0)
        return join(payments, first: &first, second: parts.1)
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

    /// What the three concurrent reads hand back (each part writes its own field once; the invoice
    /// readers wait for the payments, or for a failure).
    private final class ReadResults: @unchecked Sendable {
        let group = DispatchGroup()
        let condition = NSCondition()
        var payments: PaymentFacts?
        var first: InvoiceColumns?
        var second: InvoiceColumns?
        var error: (any Error)?

        /// Hands the payments to the invoice readers.
        func setPayments(_ p: PaymentFacts) {
            condition.lock()
            payments = p
            condition.broadcast()
            condition.unlock()
        }

        /// The payments once read; nil when a reader failed first.
        func waitForPayments() -> PaymentFacts? {
            condition.lock()
            defer { condition.unlock() }
            while payments == nil && error == nil { condition.wait() }
            return error == nil ? payments : nil
        }

        /// The two invoice parts in id order, no longer held here (so that each is freed once joined).
        func takeParts() -> (InvoiceColumns, InvoiceColumns)? {
            guard let first, let second else { return nil }
            self.first = nil
            self.second = nil
            return (first, second)
        }

        func fail(_ e: any Error) {
            condition.lock()
            if error == nil { error = e }
            condition.broadcast()
            condition.unlock()
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

    /// The invoices of one range of ids. As read, before the payments are known: `debtor` holds the
    /// store's debtor id (−1 when it does not fit), `paid` the `closed_on` day of a closed invoice
    /// (`unpaid` while open, `unknownDay` when it has none), `openMinor` the stored open amount,
    /// `currency` an index into this part's own `currencies`, `flags` the invoice's own flags,
    /// `firstPaid` empty. Once `assemble`d: the facts' own invoice columns for this range.
    private struct InvoiceColumns: Sendable {
        var facts = LedgerFacts()
        /// Once assembled, whether each invoice was issued after its debtor went paperless (empty
        /// when no debtor did).
        var paperless: [Bool] = []

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

        /// Joins the part's invoices with the payments, in place: each invoice's dense debtor, payment
        /// days, open amount on the as-of day and flags; invoices of an unknown debtor are left out.
        /// `currencies` then lists the part's currencies in the order its first invoice kept uses each.
        mutating func assemble(_ p: PaymentFacts, asOf asOfDay: Int32) {
            let n = facts.invoiceCount
            var ids = facts.invoiceIDs, debtor = facts.debtor, issue = facts.issue, due = facts.due, paid = facts.paid
            var amountMinor = facts.amountMinor, openMinor = facts.openMinor, currency = facts.currency, flags = facts.flags
            var firstPaid = facts.firstPaid
            let readCurrencies = facts.currencies
            facts = LedgerFacts()
            firstPaid.removeAll(keepingCapacity: true)
            var local = [Int16](repeating: -1, count: readCurrencies.count)
            var currencies: [String] = []
            let anyPaperless = p.paperlessSince.contains { $0 != LedgerFacts.unpaid }
            if anyPaperless { paperless.reserveCapacity(n) }
            var kept = 0
            for j in 0..<n {
                let id = ids[j], debtorID = Int(debtor[j])
                guard debtorID >= 0, debtorID < p.debtorIndex.count, p.debtorIndex[debtorID] >= 0, id >= 0, id < p.lastPaid.count
                else { continue }
                let isOpen = paid[j] == LedgerFacts.unpaid
                let last = p.lastPaid[Int(id)], first = p.firstPaid[Int(id)]
                let paidDay: Int32
                if isOpen {
                    paidDay = LedgerFacts.unpaid
                } else if last != LedgerFacts.unpaid {
                    paidDay = last
                } else {
                    paidDay = paid[j]
                }
                let amount = amountMinor[j]
                let later = p.allocatedLater.isEmpty ? 0 : p.allocatedLater[id] ?? 0
                let open: Int64
                if isOpen {
                    open = min(amount, openMinor[j] + later)
                } else if paidDay != LedgerFacts.unknownDay && paidDay > asOfDay {
                    // Closed after the as-of day: what its payments after that day settled was open then.
                    open = first > asOfDay ? amount : min(amount, later)
                } else {
                    open = 0
                }
                let dense = p.debtorIndex[debtorID]
                ids[kept] = id
                debtor[kept] = dense
                issue[kept] = issue[j]
                due[kept] = due[j]
                paid[kept] = paidDay
                firstPaid.append(first)
                amountMinor[kept] = amount
                openMinor[kept] = open
                let c = Int(currency[j])
                if local[c] < 0 {
                    local[c] = Int16(currencies.count)
                    currencies.append(readCurrencies[c])
                }
                currency[kept] = UInt8(local[c])
                flags[kept] = flags[j] | p.debtorFlag[debtorID]
                if anyPaperless { paperless.append(issue[kept] > p.paperlessSince[Int(dense)]) }
                kept += 1
            }
            if kept < n {
                ids.removeLast(n - kept); debtor.removeLast(n - kept); issue.removeLast(n - kept); due.removeLast(n - kept)
                paid.removeLast(n - kept); amountMinor.removeLast(n - kept); openMinor.removeLast(n - kept)
                currency.removeLast(n - kept); flags.removeLast(n - kept)
            }
            facts.invoiceIDs = ids; facts.debtor = debtor; facts.issue = issue; facts.due = due; facts.paid = paid
            facts.firstPaid = firstPaid; facts.amountMinor = amountMinor; facts.openMinor = openMinor
            facts.currency = currency; facts.flags = flags; facts.currencies = currencies
        }
    }

    /// The facts of the assembled invoice parts (in id order) with the debtors, promises and
    /// reminders: the second part's rows appended to the first's, its currencies numbered on from
    /// the first's (as one scan would have).
    private static func join(_ p: PaymentFacts, first: inout InvoiceColumns, second: InvoiceColumns?) -> LedgerFacts {
        var facts = p.facts
        // The first part's columns are moved, not copied (it has room for the second's).
        swap(&facts.invoiceIDs, &first.facts.invoiceIDs); swap(&facts.debtor, &first.facts.debtor)
        swap(&facts.issue, &first.facts.issue); swap(&facts.due, &first.facts.due); swap(&facts.paid, &first.facts.paid)
        swap(&facts.firstPaid, &first.facts.firstPaid); swap(&facts.amountMinor, &first.facts.amountMinor)
        swap(&facts.openMinor, &first.facts.openMinor); swap(&facts.currency, &first.facts.currency)
        swap(&facts.flags, &first.facts.flags); swap(&facts.currencies, &first.facts.currencies)
        var paperless: [Bool] = []
        swap(&paperless, &first.paperless)
        if let second {
            let part = second.facts
            let map = part.currencies.map { facts.currencyIndex($0) }
            facts.invoiceIDs.append(contentsOf: part.invoiceIDs); facts.debtor.append(contentsOf: part.debtor)
            facts.issue.append(contentsOf: part.issue); facts.due.append(contentsOf: part.due)
            facts.paid.append(contentsOf: part.paid); facts.firstPaid.append(contentsOf: part.firstPaid)
            facts.amountMinor.append(contentsOf: part.amountMinor); facts.openMinor.append(contentsOf: part.openMinor)
            if map.indices.allSatisfy({ Int(map[$0]) == $0 }) {
                facts.currency.append(contentsOf: part.currency)
            } else {
                facts.currency.append(contentsOf: part.currency.lazy.map { map[Int($0)] })
            }
            facts.flags.append(contentsOf: part.flags)
            paperless.append(contentsOf: second.paperless)
        }
        // Reminders of the invoices kept, through each invoice id's dense index (every kept id is
        // below `lastPaid.count`).
        if !p.reminderInvoiceID.isEmpty {
            var index = [Int32](repeating: -1, count: p.lastPaid.count)
            for (i, id) in facts.invoiceIDs.enumerated() { index[Int(id)] = Int32(i) }
            for k in p.reminderInvoiceID.indices {
                let id = p.reminderInvoiceID[k]
                guard id >= 0, id < index.count, index[Int(id)] >= 0 else { continue }
                facts.reminderInvoice.append(index[Int(id)])
                facts.reminderDay.append(p.reminderDay[k])
                facts.reminderStep.append(p.reminderStep[k])
            }
        }
        if !paperless.isEmpty {
            facts.attributes = [InvoiceAttribute(name: "paperless", values: paperless)]
        }
        return facts
    }

    /// Days since 1970-01-01 of `YYYY-MM-DD` bytes, nil for anything else (NULL is empty). Some 24
    /// million days are read at scale 1 (issue, due and closing day of every invoice, every payment's
    /// day): a day of the years `dayTableYears` is looked up in `dayTable` rather than computed.
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
        if dayTableYears.contains(y), (1...12).contains(m), (1...31).contains(d) {
            let day = dayTable[((y - dayTableYears.lowerBound) * 12 + m - 1) * 31 + d - 1]
            return day == noSuchDay ? nil : day
        }
        return Day(year: y, month: m, day: d)?.daysSinceEpoch
    }

    /// The years whose days `dayNumber` looks up.
    private static let dayTableYears = 1900..<2300
    /// `dayTable`'s entry for a date that does not exist (31 April, 29 February 2025).
    private static let noSuchDay = Int32.min
    /// Days since 1970-01-01 of each year, month and day 1–31 of `dayTableYears` (`Day(year:month:day:)`,
    /// `noSuchDay` where it gives nil): 148,800 entries, made once.
    private static let dayTable: [Int32] = {
        var table: [Int32] = []
        table.reserveCapacity(dayTableYears.count * 12 * 31)
        for y in dayTableYears {
            for m in 1...12 {
                for d in 1...31 { table.append(Day(year: y, month: m, day: d)?.daysSinceEpoch ?? noSuchDay) }
            }
        }
        return table
    }()

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
