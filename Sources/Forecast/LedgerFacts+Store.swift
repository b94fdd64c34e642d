import GRDB
import Ledger
import Store

extension LedgerFacts {
    /// Reads debtors, invoices (not credit notes), their payment days and the promises to pay from
    /// the store in one read transaction: one scan each of `debtor`, `payment`, `payment_allocation`,
    /// `invoice` and `promise_to_pay` (`ForecastLedgerQueries` in Store), no join, days parsed from
    /// their `YYYY-MM-DD` bytes here. A debtor's `paperless_since` (the day from which it receives its
    /// invoices electronically) gives the invoices issued after it the covariate `paperless`.
    ///
    /// `asOf` fixes `openMinor`: what was open at the end of that day (payments dated later are
    /// added back). Learning and forecasting still decide per day what was known (see `isOpen`).
    package static func read(_ db: Database, asOf: Day) throws -> LedgerFacts {
        var facts = LedgerFacts()
        let asOfDay = asOf.daysSinceEpoch
        let largest = try ForecastLedgerQueries.largestIDs(db)

        // Debtors: dense indexes by store id; hold and direct debit (Dunning's columns); the day each went paperless.
        var paperlessSince: [Int32] = []
        var debtorIndex = [Int32](repeating: -1, count: Int(largest.debtor) + 1)
        var debtorFlag = [UInt8](repeating: 0, count: Int(largest.debtor) + 1)
        let debtors = try ForecastLedgerQueries.debtors(db)
        while try debtors.next() {
            let id = Int(debtors.id)
            guard id >= 0, id < debtorIndex.count else { continue }
            debtorIndex[id] = facts.addDebtor(id: debtors.id, key: debtors.key, consumer: debtors.isConsumer, language: debtors.language)
            debtorFlag[id] = (debtors.onHold ? holdFlag : 0) | (debtors.directDebit ? directDebitFlag : 0)
            paperlessSince.append(debtors.withPaperlessSince(dayNumber) ?? LedgerFacts.unpaid)
        }

        // Payment days by payment id.
        var paymentDay = [Int32](repeating: LedgerFacts.unknownDay, count: Int(largest.payment) + 1)
        let payments = try ForecastLedgerQueries.paymentDays(db)
        while try payments.next() {
            let id = Int(payments.id)
            if id >= 0, id < paymentDay.count, let d = payments.withPaymentDate(dayNumber) { paymentDay[id] = d }
        }

        // Latest and first allocated payment day per invoice id; amounts allocated after the as-of day.
        var lastPaid = [Int32](repeating: LedgerFacts.unpaid, count: Int(largest.invoice) + 1)
        var firstPaid = lastPaid
        var allocatedLater: [Int64: Int64] = [:]
        let allocations = try ForecastLedgerQueries.allocations(db)
        while try allocations.next() {
            let invoice = Int(allocations.invoiceID), payment = Int(allocations.paymentID)
            guard invoice >= 0, invoice < lastPaid.count, payment >= 0, payment < paymentDay.count else { continue }
            let d = paymentDay[payment]
            if d == LedgerFacts.unknownDay { continue }
            if lastPaid[invoice] == LedgerFacts.unpaid || d > lastPaid[invoice] { lastPaid[invoice] = d }
            if d < firstPaid[invoice] { firstPaid[invoice] = d }
            if d > asOfDay { allocatedLater[Int64(invoice), default: 0] += allocations.amountMinor }
        }
        paymentDay = []

        facts.reserve(Int(largest.invoice))
        var lastCurrency: [UInt8] = [], lastCurrencyIndex: UInt8 = 0
        let invoices = try ForecastLedgerQueries.invoices(db)
        while try invoices.next() {
            let id = invoices.id, debtorID = Int(invoices.debtorID)
            guard debtorID >= 0, debtorID < debtorIndex.count, debtorIndex[debtorID] >= 0, id >= 0, id < lastPaid.count,
                  let issue = invoices.withIssueDate(dayNumber), let due = invoices.withDueDate(dayNumber) else { continue }
            let isOpen = invoices.isOpen
            let last = lastPaid[Int(id)], first = firstPaid[Int(id)]
            let paid: Int32
            if isOpen {
                paid = LedgerFacts.unpaid
            } else if last != LedgerFacts.unpaid {
                paid = last
            } else {
                paid = invoices.withClosedOn(dayNumber) ?? LedgerFacts.unknownDay
            }
            let amount = invoices.amountMinor
            let later = allocatedLater.isEmpty ? 0 : allocatedLater[id] ?? 0
            let open: Int64
            if isOpen {
                open = min(amount, invoices.openMinor + later)
            } else if paid != LedgerFacts.unknownDay && paid > asOfDay {
                // Closed after the as-of day: what its payments after that day settled was open then.
                open = first > asOfDay ? amount : min(amount, later)
            } else {
                open = 0
            }
            let sameCurrency = invoices.withCurrency { $0.elementsEqual(lastCurrency) }
            if !sameCurrency {
                lastCurrency = invoices.withCurrency { Array($0) }
                lastCurrencyIndex = facts.currencyIndex(String(decoding: lastCurrency, as: UTF8.self))
            }
            facts.invoiceIDs.append(id)
            facts.debtor.append(debtorIndex[debtorID])
            facts.issue.append(issue)
            facts.due.append(due)
            facts.paid.append(paid)
            facts.firstPaid.append(first)
            facts.amountMinor.append(amount)
            facts.openMinor.append(open)
            facts.currency.append(lastCurrencyIndex)
            facts.flags.append((invoices.disputed ? LedgerFacts.disputedFlag : 0) | (invoices.onHold ? LedgerFacts.holdFlag : 0)
                               | debtorFlag[debtorID])
        }
        // Promises to pay (Dunning's controls): debtor, day promised, day made, status and the day it was set.
        let promises = try ForecastLedgerQueries.promises(db)
        while try promises.next() {
            let debtorID = Int(promises.debtorID)
            guard debtorID >= 0, debtorID < debtorIndex.count, debtorIndex[debtorID] >= 0,
                  let until = promises.withUntil(dayNumber), let made = promises.withMadeOn(dayNumber) else { continue }
            let status = promises.status
            let kept: Bool? = status == .kept ? true : (status == .broken ? false : nil)
            // A status set without its day counts from the end of the promise's grace.
            let settled = promises.withStatusOn(dayNumber) ?? (until + PromiseRecord.grace)
            facts.addPromise(debtor: debtorIndex[debtorID], until: until, made: made, kept: kept, settled: settled)
        }
        if paperlessSince.contains(where: { $0 != LedgerFacts.unpaid }) {
            let values = (0..<facts.invoiceCount).map { facts.issue[$0] > paperlessSince[Int(facts.debtor[$0])] }
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
