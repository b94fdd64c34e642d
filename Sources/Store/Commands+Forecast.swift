import GRDB
import GRDBSQLite

/// Writes to Forecast's tables (`forecast_run`, `invoice_forecast`, `debtor_score`, `cash_forecast`;
/// owner: Forecast). Called inside the caller's write transaction.
package enum ForecastCommands {
    /// Deletes the run of the as-of day `asOf` (`YYYY-MM-DD`) and everything hanging off it.
    package static func deleteRun(_ db: Database, asOf: String) throws {
        try delete(db, runs: Int64.fetchAll(db, sql: "SELECT id FROM forecast_run WHERE as_of = ?", arguments: [asOf]))
    }

    /// Keeps the per-invoice forecasts and debtor scores of the `latest` latest as-of days only (the
    /// older runs keep their row and their weekly cash forecast).
    package static func pruneDetail(_ db: Database, keepingLatest latest: Int) throws {
        try delete(db, runs: olderRuns(db, keepingLatest: latest), detailOnly: true)
    }

    /// Deletes the runs beyond the `latest` latest as-of days, with everything hanging off them.
    package static func pruneRuns(_ db: Database, keepingLatest latest: Int) throws {
        try delete(db, runs: olderRuns(db, keepingLatest: latest))
    }

    /// The runs beyond the `latest` latest as-of days.
    private static func olderRuns(_ db: Database, keepingLatest latest: Int) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM forecast_run ORDER BY as_of DESC LIMIT -1 OFFSET ?", arguments: [latest])
    }

    /// Deletes the runs' per-invoice forecasts and debtor scores; without `detailOnly`, their cash
    /// forecast and the runs too.
    private static func delete(_ db: Database, runs: [Int64], detailOnly: Bool = false) throws {
        for id in runs {
            try db.execute(sql: "DELETE FROM invoice_forecast WHERE forecast_run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM debtor_score WHERE forecast_run_id = ?", arguments: [id])
            if detailOnly { continue }
            try db.execute(sql: "DELETE FROM cash_forecast WHERE forecast_run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM forecast_run WHERE id = ?", arguments: [id])
        }
    }

    /// Inserts one run's per-invoice forecasts, a prepared statement executed per row through SQLite's
    /// C API (a million rows a night at scale 1). Use inside one transaction, on its connection's thread.
    package final class InvoiceForecastWriter {
        private let statement: BulkStatement

        /// Prepares the insert for the run `runID`.
        package init(_ db: Database, runID: Int64) throws {
            statement = try BulkStatement(db, """
                INSERT INTO invoice_forecast (forecast_run_id, invoice_id, p10_date, p50_date, p90_date, p_paid_by_due,
                                              p_paid_by_due_30, p_paid_by_due_60)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            statement.bind(1, runID)
        }

        /// Inserts one invoice's forecast: its P10/P50/P90 days (`YYYY-MM-DD`) and its chances of
        /// payment by the due date, by +30 and by +60 days. The days' text is bound without a copy,
        /// for this row's step only.
        package func insert(invoiceID: Int64, p10: String, p50: String, p90: String,
                           paidByDue: Double, paidByDue30: Double, paidByDue60: Double) throws {
            var p10 = p10, p50 = p50, p90 = p90
            statement.bind(2, invoiceID)
            statement.bind(6, paidByDue); statement.bind(7, paidByDue30); statement.bind(8, paidByDue60)
            try p10.withUTF8 { a in
                try p50.withUTF8 { b in
                    try p90.withUTF8 { c in
                        statement.bindWithoutCopy(3, a); statement.bindWithoutCopy(4, b); statement.bindWithoutCopy(5, c)
                        try statement.run()
                    }
                }
            }
        }
    }

    /// Inserts one run's debtor scores through one prepared statement.
    package final class DebtorScoreWriter {
        private let statement: BulkStatement

        /// Prepares the insert for the run `runID`.
        package init(_ db: Database, runID: Int64) throws {
            statement = try BulkStatement(db, """
                INSERT INTO debtor_score (forecast_run_id, debtor_id, score, grade, reasons, paid_invoices, open_invoices,
                                          overdue_30_invoices, typical_delay_days, late_share)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            statement.bind(1, runID)
        }

        /// Inserts one debtor's score; `reasons` is a JSON array of strings (bound without a copy, for
        /// this row's step only).
        package func insert(debtorID: Int64, score: Int, grade: DebtorGrade, reasons: String, paidInvoices: Int, openInvoices: Int,
                           overdue30Invoices: Int, typicalDelayDays: Int, lateShare: Double) throws {
            var reasons = reasons
            statement.bind(2, debtorID); statement.bind(3, score); statement.bind(4, grade.rawValue)
            statement.bind(6, paidInvoices); statement.bind(7, openInvoices); statement.bind(8, overdue30Invoices)
            statement.bind(9, typicalDelayDays); statement.bind(10, lateShare)
            try reasons.withUTF8 { text in
                statement.bindWithoutCopy(5, text)
                try statement.run()
            }
        }
    }
}

extension BulkStatement {
    /// Binds text without SQLite copying it (`SQLITE_STATIC`): `text` must stay valid until the
    /// statement has been stepped and reset, so bind inside the `withUTF8` that gives it, step there,
    /// and bind again before the next step.
    fileprivate func bindWithoutCopy(_ i: Int32, _ text: UnsafeBufferPointer<UInt8>) {
        guard let base = text.baseAddress, !text.isEmpty else {
            bind(i, "")
            return
        }
        _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
    }
}
