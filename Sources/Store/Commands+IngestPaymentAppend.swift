import GRDB
import GRDBSQLite

/// A row SQLite refused (a constraint failed), named by the caller's tag for it: the line of the
/// file it came from. `error` is SQLite's, from a statement of that row alone.
package struct RowRefused: Error, CustomStringConvertible {
    package let tag: Int
    package let error: DatabaseError

    package init(tag: Int, error: DatabaseError) { self.tag = tag; self.error = error }

    package var description: String { "row \(tag): \(error)" }
}

/// Rows of one table appended many to a statement: `INSERT OR FAIL INTO t (…) VALUES (…), (…), …` of
/// `rowsPerStatement` rows, the rest (on `run(all: true)`) one row a statement, every text bound
/// from one buffer without SQLite's copy. The caller gives each row a tag (`row(tag:)`) and its
/// values in column order. When a constraint fails a statement of many rows, which keeps the rows
/// before the refused one (`OR FAIL`: no statement journal, as `InvoiceAppend`; none when a trigger's
/// `RAISE(ABORT)` undid it), the rows not kept go in one a statement, so that the refused one is
/// named by its tag (`RowRefused`). After any error the caller's transaction must be rolled back.
package final class RowAppend {
    private enum Value { case null, int(Int64), text(start: Int, count: Int) }
    package let rowsPerStatement: Int
    private let columns: Int
    private let table: String
    private let many, one: BulkStatement
    // Used by the database's thread only, no access overlapping another (as `InvoiceAppend`'s).
    @exclusivity(unchecked) private var values: [Value] = []
    @exclusivity(unchecked) private var texts: [UInt8] = []
    /// Each row's tag, in order.
    @exclusivity(unchecked) private var tags: [Int] = []

    /// Prepares the statements on `db` (use them in its transaction only).
    package init(_ db: Database, table: String, columns names: [String], rowsPerStatement: Int = 64) throws {
        self.table = table
        columns = names.count
        self.rowsPerStatement = rowsPerStatement
        let row = "(" + Array(repeating: "?", count: names.count).joined(separator: ", ") + ")"
        let head = "INSERT OR FAIL INTO \(table) (\(names.joined(separator: ", "))) VALUES "
        many = try BulkStatement(db, head + Array(repeating: row, count: rowsPerStatement).joined(separator: ", "))
        one = try BulkStatement(db, head + row)
        values.reserveCapacity(2 * rowsPerStatement * names.count)
        texts.reserveCapacity(2 * rowsPerStatement * 64)
    }

    /// Rows added and not inserted yet.
    package var count: Int { values.count / columns }

    /// Begins a row, named `tag` should SQLite refuse it.
    package func row(tag: Int) { tags.append(tag) }

    /// The next value of the row being added.
    package func int(_ v: Int64?) { values.append(v.map { .int($0) } ?? .null) }
    package func int(_ v: Bool) { values.append(.int(v ? 1 : 0)) }
    package func text(_ v: String?) {
        guard var s = v else { values.append(.null); return }
        s.withUTF8 { values.append(.text(start: texts.count, count: $0.count)); texts.append(contentsOf: $0) }
    }

    /// Inserts the rows added so far, `rowsPerStatement` to a statement; with `all`, the rest one row
    /// a statement, else they stay for a later run.
    package func run(all: Bool) throws {
        let n = count
        var done = 0
        try texts.withUnsafeBufferPointer { buffer in
            let base = buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            while n - done >= rowsPerStatement {
                do {
                    try insert(many, rows: done..<(done + rowsPerStatement), base)
                } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
                    // The rows SQLite did not keep, one a statement: the refused one is named.
                    for r in (done + Int(many.changes))..<(done + rowsPerStatement) { try insertOne(r, base) }
                    // Each went in alone (not seen: a refused row is refused alone too): the statement's error stands.
                    throw e
                }
                done += rowsPerStatement
            }
            while all && done < n {
                try insertOne(done, base)
                done += 1
            }
        }
        keep(from: done)
    }

    /// Forgets every row added (the load is being rolled back).
    package func abandon() {
        values.removeAll(keepingCapacity: true)
        texts.removeAll(keepingCapacity: true)
        tags.removeAll(keepingCapacity: true)
    }

    /// Row `r` alone; a failed constraint names it (`RowRefused`).
    private func insertOne(_ r: Int, _ base: UnsafePointer<CChar>?) throws {
        do {
            try insert(one, rows: r..<(r + 1), base)
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            throw RowRefused(tag: tags[r], error: e)
        }
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private func insert(_ s: BulkStatement, rows: Range<Int>, _ base: UnsafePointer<CChar>?) throws {
        let h = s.handle
        var p: Int32 = 1
        for v in values[(rows.lowerBound * columns)..<(rows.upperBound * columns)] {
            switch v {
            case .null: sqlite3_bind_null(h, p)
            case .int(let i): sqlite3_bind_int64(h, p, i)
            case .text(let start, let count):
                // Bound without a copy (SQLITE_STATIC): `texts` does not change until the step is done.
                if let base, count > 0 {
                    sqlite3_bind_text(h, p, base + start, Int32(count), nil)
                } else {
                    sqlite3_bind_text(h, p, "", 0, Self.transient)
                }
            }
            p += 1
        }
        // No pointer into `texts` survives the step.
        defer { sqlite3_clear_bindings(h) }
        try s.run()
        guard Int(s.changes) == rows.count else {
            throw StoreError.notStored(what: "\(rows.count - Int(s.changes)) of \(rows.count) rows appended to \(table)")
        }
    }

    /// Drops the first `done` rows, keeping the others (and their texts) for a later run.
    private func keep(from done: Int) {
        if done == 0 { return }
        if done == count { abandon(); return }
        let rest = Array(values[(done * columns)...])
        let old = texts
        let restTags = Array(tags[done...])
        abandon()
        tags = restTags
        for v in rest {
            if case .text(let start, let count) = v {
                values.append(.text(start: texts.count, count: count))
                texts.append(contentsOf: old[start..<(start + count)])
            } else {
                values.append(v)
            }
        }
    }
}

/// A first load's new payments and their automatic allocations, appended many to a statement
/// (`RowAppend`, 64 rows) instead of one statement a row: for a `payment` table empty when the
/// ingest's transaction began, whose keys the ingest has already made unique. Each payment's id is
/// known when it is kept back: SQLite gives a row without an id `MAX(id) + 1` (no `AUTOINCREMENT`),
/// so the n-th payment kept back gets the table's `MAX(id) + n`, as one statement a row would give it,
/// and an allocation names its payment before either is written. The rows carry no id (an explicit
/// one costs SQLite a look-up for it); each statement checks that the ids came out as counted.
///
/// What waits is not yet in the tables, so every read in the same transaction that depends on it
/// sees it another way (`AllocationStatements`):
/// - the candidate look-ups by invoice number and by structured reference, whose capacity and
///   figures count an invoice's allocations: the waiting ones are added in memory (`overlay`),
///   counted as reflected or not as `IngestCommands.reflected` counts them;
/// - the open-amount rule's own read (`openFiguresSQL`, for a candidate without figures) and a change
///   of what a payment has unapplied: everything waiting is written first (`flush`);
/// - at the end of each file (before its batch's counts), before the retry of unapplied payments,
///   the index builds and the check of outdated reminders: everything is written (`flush`).
/// Payments go before allocations (each allocation's payment is written before it: foreign key).
/// Each row is tagged with its file's line: a row SQLite refuses is named by it (`RowRefused`), and
/// `writtenThrough` tells which rows are written, so that nothing is said of a row not written.
package final class PaymentAppend {
    private let payments: RowAppend
    private let allocations: RowAppend
    /// The id the next payment kept back will get; the id the last payment written got.
    private var nextPaymentID: Int64
    private var writtenPaymentID: Int64
    /// The waiting allocations, in order: their invoices, amounts and whether their payment is booked
    /// (a few dozen: scanned, cheaper than hashing each invoice id).
    @exclusivity(unchecked) private var waitingInvoices: [Int64] = []
    @exclusivity(unchecked) private var waitingAmounts: [(amount: Int64, booked: Bool)] = []
    /// The payment of each waiting allocation (rising: allocations are added in payment order).
    @exclusivity(unchecked) private var waitingPayments: [Int64] = []
    /// A bit for each waiting invoice id modulo 1,024 (`waitingInvoices`, kept with it): an invoice whose
    /// bit is clear waits for nothing, known without scanning the few dozen waiting ids. Nearly every
    /// look-up's candidate is such an invoice.
    @exclusivity(unchecked) private var waitingBits = [UInt64](repeating: 0, count: 16)
    /// The batch of the waiting allocations (one file's: all are written at its end).
    private var batch: Int64?
    private let db: Database

    /// Prepares the statements on `db` (use them in its transaction only).
    package init(_ db: Database) throws {
        self.db = db
        payments = try RowAppend(db, table: "payment", columns: [
            "payment_key", "payment_date", "currency", "amount_minor", "invoice_number", "structured_reference",
            "debtor_key", "unapplied_minor", "content_hash", "created_batch_id", "updated_batch_id", "booked", "unapplied_reason"])
        allocations = try RowAppend(db, table: "payment_allocation", columns: [
            "payment_id", "invoice_id", "amount_minor", "rule", "batch_id"])
        writtenPaymentID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM payment") ?? 0
        nextPaymentID = writtenPaymentID + 1
        waitingInvoices.reserveCapacity(2 * payments.rowsPerStatement)
        waitingAmounts.reserveCapacity(2 * payments.rowsPerStatement)
    }

    /// True when rows wait.
    package var isEmpty: Bool { payments.count == 0 && waitingInvoices.isEmpty }

    /// The last payment id written with all its allocations: every payment up to it is in the tables.
    package var writtenThrough: Int64 { waitingPayments.first.map { min($0 - 1, writtenPaymentID) } ?? writtenPaymentID }

    /// Adds a new payment with what is left unapplied of it and why, as `PaymentUpsert.insert` stores
    /// it, from line `line` of its file; returns its id. A statement's worth of payments is written
    /// with the allocations waiting.
    package func add(_ v: PaymentRow, hash: Int64, batch: Int64, unapplied: Int64, reason: String?, line: Int) throws -> Int64 {
        let id = nextPaymentID
        nextPaymentID += 1
        let p = payments
        p.row(tag: line)
        p.text(v.key); p.text(v.date); p.text(v.currency); p.int(v.amount); p.text(v.invoiceNumber)
        p.text(v.reference); p.text(v.debtorKey); p.int(unapplied); p.int(hash); p.int(batch); p.int(batch)
        p.int(v.booked); p.text(reason)
        if p.count == p.rowsPerStatement { try runPayments(all: false) }
        return id
    }

    /// Adds an automatic allocation of `amount` of payment `paymentID` (added here, `booked` or not, from
    /// line `line` of its file) to an invoice, made by `batch`.
    package func allocate(paymentID: Int64, invoiceID: Int64, amount: Int64, rule: AllocationRule, batch: Int64,
                          booked: Bool, line: Int) throws {
        if let b = self.batch, b != batch { try flush() }
        self.batch = batch
        let a = allocations
        a.row(tag: line)
        a.int(paymentID); a.int(invoiceID); a.int(amount); a.text(rule.rawValue); a.int(batch)
        waitingInvoices.append(invoiceID)
        waitingAmounts.append((amount, booked))
        waitingPayments.append(paymentID)
        setBit(invoiceID)
    }

    /// True when an allocation to this invoice waits.
    package func waits(invoiceID: Int64) -> Bool { mayWait(invoiceID) && waitingInvoices.contains(invoiceID) }

    /// The word of `waitingBits` for this invoice id, and its bit in it.
    private static func bit(_ invoiceID: Int64) -> (word: Int, mask: UInt64) {
        let b = Int(UInt64(bitPattern: invoiceID) & 1023)
        return (b >> 6, 1 << UInt64(b & 63))
    }

    /// False when no allocation to this invoice waits; true when one may.
    private func mayWait(_ invoiceID: Int64) -> Bool {
        let (word, mask) = Self.bit(invoiceID)
        return waitingBits[word] & mask != 0
    }

    private func setBit(_ invoiceID: Int64) {
        let (word, mask) = Self.bit(invoiceID)
        waitingBits[word] |= mask
    }

    /// The bits of the invoices still waiting, after some were written or forgotten.
    private func resetBits() {
        for i in waitingBits.indices { waitingBits[i] = 0 }
        for invoice in waitingInvoices { setBit(invoice) }
    }

    /// The candidate as the look-up would have read it with the waiting allocations written: what
    /// they take off its capacity, and its figures with them added (`AllocationCandidate.figures(adding:…)`).
    package func overlay(_ c: inout AllocationCandidate) {
        // Its bit clear: nothing to add (set, the loop below finds what waits, if anything).
        guard let batch, mayWait(c.invoiceID) else { return }
        var allocated: Int64 = 0, booked: Int64 = 0
        for (i, invoice) in waitingInvoices.enumerated() where invoice == c.invoiceID {
            let w = waitingAmounts[i]
            allocated += w.amount
            if w.booked { booked += w.amount }
        }
        guard allocated > 0 else { return }
        c.capacity -= allocated
        c.figures = c.figures(adding: booked, booked: true, batch: batch)
        c.figures = c.figures(adding: allocated - booked, booked: false, batch: batch)
    }

    /// Writes everything that waits.
    package func flush() throws { try runPayments(all: true) }

    /// Forgets everything that waits (the load is being rolled back).
    package func abandon() {
        payments.abandon()
        allocations.abandon()
        waitingInvoices.removeAll()
        waitingAmounts.removeAll()
        waitingPayments.removeAll()
        resetBits()
        batch = nil
        nextPaymentID = writtenPaymentID + 1
    }

    /// Writes the payments kept back (a statement's worth each; with `all`, the rest too), checking
    /// that SQLite gave them the ids they were given here; then the allocations, whose payments are
    /// all written once none waits.
    private func runPayments(all: Bool) throws {
        let before = payments.count
        try payments.run(all: all)
        if payments.count < before {
            let last = db.lastInsertedRowID
            writtenPaymentID = nextPaymentID - 1 - Int64(payments.count)
            guard last == writtenPaymentID else {
                throw StoreError.notStored(what: "payments appended with ids up to \(last), counted up to \(writtenPaymentID),")
            }
        }
        if payments.count == 0 { try runAllocations(all: all) }
    }

    private func runAllocations(all: Bool) throws {
        let before = allocations.count
        try allocations.run(all: all)
        let written = before - allocations.count
        guard written > 0 else { return }
        waitingInvoices.removeFirst(written)
        waitingAmounts.removeFirst(written)
        waitingPayments.removeFirst(written)
        resetBits()
    }
}
