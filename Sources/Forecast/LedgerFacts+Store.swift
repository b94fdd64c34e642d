import GRDB
import Ledger
import Store

extension LedgerFacts {
    /// The debtor column read, when the ledger has it, as the day from which the debtor receives
    /// its invoices electronically (`YYYY-MM-DD`, NULL while on paper): invoices issued after that
    /// day get the covariate `paperless`. Requested from Ingest (docs/FORECAST.md); absent today.
    public static let paperlessColumn = "paperless_since"

    /// Reads debtors, invoices (not credit notes) and their payment days from the store in one read
    /// transaction: one scan each of `debtor`, `payment`, `payment_allocation` and `invoice`, no
    /// join, rows stepped through SQLite's C API and days parsed from their `YYYY-MM-DD` text here.
    ///
    /// `asOf` fixes `openMinor`: what was open at the end of that day (payments dated later are
    /// added back). Learning and forecasting still decide per day what was known (see `isOpen`).
    public static func read(_ db: Database, asOf: Day) throws -> LedgerFacts {
        var facts = LedgerFacts()
        let asOfDay = asOf.daysSinceEpoch

        // Debtors: dense indexes by store id; the day each went paperless when the ledger holds it.
        let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(debtor)").map { ($0["name"] as String?) ?? "" }
        let hasPaperless = columns.contains(paperlessColumn)
        var paperlessSince: [Int32] = []
        let maxDebtorID = try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(id), 0) FROM debtor") ?? 0
        var debtorIndex = [Int32](repeating: -1, count: Int(maxDebtorID) + 1)
        let paperless = hasPaperless ? ", " + paperlessColumn : ""
        // Hold and direct debit (Dunning's columns), read when the ledger has them.
        let debtorFlags = (columns.contains("on_hold") ? "on_hold" : "0") + " * \(holdFlag) + "
            + (columns.contains("direct_debit") ? "direct_debit" : "0") + " * \(directDebitFlag)"
        var debtorFlag = [UInt8](repeating: 0, count: Int(maxDebtorID) + 1)
        let debtors = try BulkStatement(db, "SELECT id, debtor_key, kind, language, \(debtorFlags)\(paperless) FROM debtor ORDER BY id")
        while try debtors.step() {
            let id = debtors.int64(0)
            debtorIndex[Int(id)] = facts.addDebtor(id: id, key: (debtors.text(1) ?? ""), consumer: (debtors.text(2) ?? "") == "b2c",
                                                   language: (debtors.text(3) ?? ""))
            debtorFlag[Int(id)] = UInt8(truncatingIfNeeded: debtors.int64(4))
            if hasPaperless { paperlessSince.append(debtors.withText(5, dayNumber) ?? LedgerFacts.unpaid) }
        }
        let invoiceColumns = try Row.fetchAll(db, sql: "PRAGMA table_info(invoice)").map { ($0["name"] as String?) ?? "" }
        let invoiceHold = invoiceColumns.contains("on_hold") ? "on_hold" : "0"

        // Payment days by payment id.
        let maxPaymentID = try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(id), 0) FROM payment") ?? 0
        var paymentDay = [Int32](repeating: LedgerFacts.unknownDay, count: Int(maxPaymentID) + 1)
        let payments = try BulkStatement(db, "SELECT id, payment_date FROM payment")
        while try payments.step() {
            let id = Int(payments.int64(0))
            if id >= 0, id < paymentDay.count, let d = payments.withText(1, dayNumber) { paymentDay[id] = d }
        }

        // Latest and first allocated payment day per invoice id; amounts allocated after the as-of day.
        let maxInvoiceID = try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(id), 0) FROM invoice") ?? 0
        var lastPaid = [Int32](repeating: LedgerFacts.unpaid, count: Int(maxInvoiceID) + 1)
        var firstPaid = lastPaid
        var allocatedLater: [Int64: Int64] = [:]
        let allocations = try BulkStatement(db, "SELECT invoice_id, payment_id, amount_minor FROM payment_allocation")
        while try allocations.step() {
            let invoice = Int(allocations.int64(0)), payment = Int(allocations.int64(1))
            guard invoice >= 0, invoice < lastPaid.count, payment >= 0, payment < paymentDay.count else { continue }
            let d = paymentDay[payment]
            if d == LedgerFacts.unknownDay { continue }
            if lastPaid[invoice] == LedgerFacts.unpaid || d > lastPaid[invoice] { lastPaid[invoice] = d }
            if d < firstPaid[invoice] { firstPaid[invoice] = d }
            if d > asOfDay { allocatedLater[Int64(invoice), default: 0] += allocations.int64(2) }
        }
        paymentDay = []

        facts.reserve(Int(maxInvoiceID))
        var lastCurrency: [UInt8] = [], lastCurrencyIndex: UInt8 = 0
        let invoices = try BulkStatement(db, """
            SELECT id, debtor_id, issue_date, due_date, amount_minor, open_minor, currency, disputed, status = 'open', closed_on,
                   \(invoiceHold)
            FROM invoice WHERE type = 'invoice' AND amount_minor > 0
            """)
        while try invoices.step() {
            let id = invoices.int64(0), debtorID = Int(invoices.int64(1))
            guard debtorID >= 0, debtorID < debtorIndex.count, debtorIndex[debtorID] >= 0, id >= 0, id < lastPaid.count,
                  let issue = invoices.withText(2, dayNumber), let due = invoices.withText(3, dayNumber) else { continue }
            let isOpen = invoices.int64(8) != 0
            let last = lastPaid[Int(id)], first = firstPaid[Int(id)]
            let paid: Int32
            if isOpen {
                paid = LedgerFacts.unpaid
            } else if last != LedgerFacts.unpaid {
                paid = last
            } else {
                paid = invoices.withText(9, dayNumber) ?? LedgerFacts.unknownDay
            }
            let amount = invoices.int64(4)
            let later = allocatedLater.isEmpty ? 0 : allocatedLater[id] ?? 0
            let open: Int64
            if isOpen {
                open = min(amount, invoices.int64(5) + later)
            } else if paid != LedgerFacts.unknownDay && paid > asOfDay {
                // Closed after the as-of day: what its payments after that day settled was open then.
                open = first > asOfDay ? amount : min(amount, later)
            } else {
                open = 0
            }
            let sameCurrency = invoices.withText(6) { $0.elementsEqual(lastCurrency) }
            if !sameCurrency {
                lastCurrency = invoices.withText(6) { Array($0) }
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
            facts.flags.append((invoices.int64(7) != 0 ? LedgerFacts.disputedFlag : 0) | (invoices.int64(10) != 0 ? LedgerFacts.holdFlag : 0)
                               | debtorFlag[debtorID])
        }
        // Promises to pay (Dunning's table), when the ledger has it: debtor, day promised, day made.
        if try db.tableExists("promise_to_pay") {
            let promises = try BulkStatement(db, "SELECT debtor_id, until, substr(created_at, 1, 10) FROM promise_to_pay ORDER BY id")
            while try promises.step() {
                let debtorID = Int(promises.int64(0))
                guard debtorID >= 0, debtorID < debtorIndex.count, debtorIndex[debtorID] >= 0,
                      let until = promises.withText(1, dayNumber), let made = promises.withText(2, dayNumber) else { continue }
                facts.promiseDebtor.append(debtorIndex[debtorID])
                facts.promiseUntil.append(until)
                facts.promiseMade.append(made)
            }
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
