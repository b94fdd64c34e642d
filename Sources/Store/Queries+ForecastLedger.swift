import GRDB

/// What Forecast reads from the ledger (tables written by Ingest and Dunning's controls): one scan
/// each of `debtor`, `payment`, `payment_allocation`, `invoice` and `promise_to_pay`, stepped
/// through SQLite's C API (`BulkStatement`) by a typed scan per table, without building a row object per invoice. Days are handed out as their `YYYY-MM-DD`
/// bytes (`with…` accessors, valid only during the call), so that the caller parses them without a
/// `String` per row. Use each scan inside one read transaction, on its connection's thread only.
package enum ForecastLedgerQueries {
    /// The largest ids of the tables scanned (0 for an empty table), to size dense arrays by id.
    package struct LargestIDs: Sendable, Equatable {
        /// Largest `debtor.id`.
        package var debtor: Int64
        /// Largest `payment.id`.
        package var payment: Int64
        /// Largest `invoice.id`.
        package var invoice: Int64
    }

    /// The largest ids of `debtor`, `payment` and `invoice`.
    package static func largestIDs(_ db: Database) throws -> LargestIDs {
        let row = try Row.fetchOne(db, sql: """
            SELECT (SELECT IFNULL(MAX(id), 0) FROM debtor), (SELECT IFNULL(MAX(id), 0) FROM payment),
                   (SELECT IFNULL(MAX(id), 0) FROM invoice)
            """)
        return LargestIDs(debtor: row?[0] ?? 0, payment: row?[1] ?? 0, invoice: row?[2] ?? 0)
    }

    /// Every debtor, by id: key, kind, language, hold, direct debit, paperless since.
    package static func debtors(_ db: Database) throws -> DebtorScan {
        DebtorScan(try BulkStatement(db, """
            SELECT id, debtor_key, kind = 'b2c', language, on_hold, direct_debit, paperless_since FROM debtor ORDER BY id
            """))
    }

    /// Every payment's day.
    package static func paymentDays(_ db: Database) throws -> PaymentDayScan {
        PaymentDayScan(try BulkStatement(db, "SELECT id, payment_date FROM payment"))
    }

    /// Every allocation of a payment to an invoice.
    package static func allocations(_ db: Database) throws -> AllocationScan {
        AllocationScan(try BulkStatement(db, "SELECT invoice_id, payment_id, amount_minor FROM payment_allocation"))
    }

    /// Every invoice of a positive amount (credit notes left out) whose id is in `ids`, by id.
    package static func invoices(_ db: Database, ids: ClosedRange<Int64> = 0...Int64.max) throws -> InvoiceScan {
        let statement = try BulkStatement(db, """
            SELECT id, debtor_id, issue_date, due_date, amount_minor, open_minor, currency, disputed, status = 'open', closed_on,
                   on_hold
            FROM invoice WHERE id BETWEEN ? AND ? AND type = 'invoice' AND amount_minor > 0 ORDER BY id
            """)
        statement.bind(1, ids.lowerBound)
        statement.bind(2, ids.upperBound)
        return InvoiceScan(statement)
    }

    /// Begins the connection's read snapshot now (the first read of a transaction fixes what it sees).
    package static func beginSnapshot(_ db: Database) throws {
        _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_schema")
    }

    /// Every promise to pay, oldest first.
    package static func promises(_ db: Database) throws -> PromiseScan {
        PromiseScan(try BulkStatement(db, """
            SELECT debtor_id, until, IFNULL(made_on, substr(created_at, 1, 10)), status, status_on FROM promise_to_pay ORDER BY id
            """))
    }

    /// Every reminder sent or to be sent (the items of `dunning_event`s queued or on the worklist):
    /// invoice, the event's day and the invoice's step (its item's, else the event's).
    package static func reminders(_ db: Database) throws -> ReminderScan {
        ReminderScan(try BulkStatement(db, """
            SELECT i.invoice_id, e.as_of, IFNULL(i.step_index, e.step_index)
            FROM dunning_event_item i JOIN dunning_event e ON e.id = i.event_id
            WHERE e.status IN ('queued', 'worklist') ORDER BY i.event_id, i.invoice_id
            """))
    }

    /// A scan of `debtor`: call `next()` until it returns false, reading the current row between calls.
    package final class DebtorScan {
        @usableFromInline let statement: BulkStatement
        init(_ statement: BulkStatement) { self.statement = statement }
        /// Steps to the next debtor; false at the end.
        package func next() throws -> Bool { try statement.step() }
        /// `debtor.id`.
        @inlinable package var id: Int64 { statement.int64(0) }
        /// `debtor.debtor_key`.
        package var key: String { statement.text(1) ?? "" }
        /// A consumer (`kind` b2c).
        @inlinable package var isConsumer: Bool { statement.int64(2) != 0 }
        /// `debtor.language`.
        package var language: String { statement.text(3) ?? "" }
        /// The debtor is on hold (`on_hold`).
        @inlinable package var onHold: Bool { statement.int64(4) != 0 }
        /// The debtor pays by direct debit.
        @inlinable package var directDebit: Bool { statement.int64(5) != 0 }
        /// `paperless_since`'s bytes (empty for NULL).
        @inlinable package func withPaperlessSince<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(6, body) }
    }

    /// A scan of `payment`'s days.
    package final class PaymentDayScan {
        @usableFromInline let statement: BulkStatement
        init(_ statement: BulkStatement) { self.statement = statement }
        /// Steps to the next payment; false at the end.
        package func next() throws -> Bool { try statement.step() }
        /// `payment.id`.
        @inlinable package var id: Int64 { statement.int64(0) }
        /// `payment_date`'s bytes.
        @inlinable package func withPaymentDate<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(1, body) }
    }

    /// A scan of `payment_allocation`.
    package final class AllocationScan {
        @usableFromInline let statement: BulkStatement
        init(_ statement: BulkStatement) { self.statement = statement }
        /// Steps to the next allocation; false at the end.
        package func next() throws -> Bool { try statement.step() }
        /// The invoice paid.
        @inlinable package var invoiceID: Int64 { statement.int64(0) }
        /// The payment.
        @inlinable package var paymentID: Int64 { statement.int64(1) }
        /// The amount allocated, minor units.
        @inlinable package var amountMinor: Int64 { statement.int64(2) }
    }

    /// A scan of the invoices (not credit notes).
    package final class InvoiceScan {
        @usableFromInline let statement: BulkStatement
        init(_ statement: BulkStatement) { self.statement = statement }
        /// Steps to the next invoice; false at the end.
        package func next() throws -> Bool { try statement.step() }
        /// `invoice.id`.
        @inlinable package var id: Int64 { statement.int64(0) }
        /// `invoice.debtor_id`.
        @inlinable package var debtorID: Int64 { statement.int64(1) }
        /// `issue_date`'s bytes.
        @inlinable package func withIssueDate<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(2, body) }
        /// `due_date`'s bytes.
        @inlinable package func withDueDate<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(3, body) }
        /// The amount, minor units.
        @inlinable package var amountMinor: Int64 { statement.int64(4) }
        /// The open amount, minor units.
        @inlinable package var openMinor: Int64 { statement.int64(5) }
        /// The currency code's bytes.
        @inlinable package func withCurrency<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(6, body) }
        /// The invoice is disputed.
        @inlinable package var disputed: Bool { statement.int64(7) != 0 }
        /// The invoice is open (`status` open).
        @inlinable package var isOpen: Bool { statement.int64(8) != 0 }
        /// `closed_on`'s bytes (empty for NULL).
        @inlinable package func withClosedOn<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(9, body) }
        /// The invoice is on hold.
        @inlinable package var onHold: Bool { statement.int64(10) != 0 }
    }

    /// A scan of `promise_to_pay`.
    package final class PromiseScan {
        @usableFromInline let statement: BulkStatement
        init(_ statement: BulkStatement) { self.statement = statement }
        /// Steps to the next promise; false at the end.
        package func next() throws -> Bool { try statement.step() }
        /// The debtor who promised.
        @inlinable package var debtorID: Int64 { statement.int64(0) }
        /// The day promised (`until`), as bytes.
        @inlinable package func withUntil<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(1, body) }
        /// The day it was made (`made_on`, else the day of `created_at`), as bytes.
        @inlinable package func withMadeOn<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(2, body) }
        /// Its status now (nil for a value this build does not know).
        package var status: PromiseStatus? { statement.text(3).flatMap(PromiseStatus.init(rawValue:)) }
        /// The day the status was set (`status_on`), as bytes (empty for NULL).
        @inlinable package func withStatusOn<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(4, body) }
    }

    /// A scan of the reminders sent (`dunning_event_item` joined to `dunning_event`).
    package final class ReminderScan {
        @usableFromInline let statement: BulkStatement
        init(_ statement: BulkStatement) { self.statement = statement }
        /// Steps to the next reminder; false at the end.
        package func next() throws -> Bool { try statement.step() }
        /// The invoice reminded.
        @inlinable package var invoiceID: Int64 { statement.int64(0) }
        /// The event's day (`as_of`), as bytes.
        @inlinable package func withDay<T>(_ body: (UnsafeBufferPointer<UInt8>) -> T) -> T { statement.withText(1, body) }
        /// The step on the ladder (0: the first).
        @inlinable package var step: Int64 { statement.int64(2) }
    }
}
