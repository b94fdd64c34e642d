import GRDB

/// Reads of Forecast's tables for `relance forecast show|scores|cash` and for finding a run. The
/// listings stream from cursors: a run holds up to a million invoice forecasts.
package enum ForecastQueries {
    /// The run of the as-of day `asOf` (`YYYY-MM-DD`); nil when there is none.
    package static func run(_ db: Database, asOf: String) throws -> ForecastRunRecord? {
        try ForecastRunRecord.fetchOne(db, sql: "SELECT * FROM forecast_run WHERE as_of = ?", arguments: [asOf])
    }

    /// The run of the latest as-of day; nil when there is none.
    package static func latestRun(_ db: Database) throws -> ForecastRunRecord? {
        try ForecastRunRecord.fetchOne(db, sql: "SELECT * FROM forecast_run ORDER BY as_of DESC LIMIT 1")
    }

    /// True when the run still has its per-invoice forecasts.
    package static func hasDetail(_ db: Database, runID: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM invoice_forecast WHERE forecast_run_id = ?)", arguments: [runID]) ?? false
    }

    /// One invoice forecast of a run, as listed: the invoice's number, its debtor's key and due day
    /// beside the forecast.
    package struct InvoiceForecastLine: FetchableRecord, Sendable {
        /// `invoice.invoice_number`.
        package var invoiceNumber: String
        /// `debtor.debtor_key`.
        package var debtorKey: String
        /// The due day and the P10, P50, P90 days, `YYYY-MM-DD`.
        package var dueDate: String
        package var p10Date: String
        package var p50Date: String
        package var p90Date: String
        /// Chances of payment by the due date, by +30 and by +60 days.
        package var paidByDue: Double
        package var paidByDue30: Double
        package var paidByDue60: Double
        /// Paid invoices of the debtor the model learnt from (its debtor score's `paid_invoices`).
        package var debtorPaidInvoices: Int

        /// Decodes the columns of `invoiceLines` in their order.
        package init(row: Row) throws {
            invoiceNumber = row[0]; debtorKey = row[1]; dueDate = row[2]
            p10Date = row[3]; p50Date = row[4]; p90Date = row[5]
            paidByDue = row[6]; paidByDue30 = row[7]; paidByDue60 = row[8]
            debtorPaidInvoices = row[9]
        }
    }

    /// The longest invoice number and debtor key among the lines `invoiceLines` gives (nil without any).
    package static func invoiceLineWidths(_ db: Database, runID: Int64, debtorKey: String?) throws
        -> (invoiceNumber: Int?, debtorKey: Int?) {
        let row = try Row.fetchOne(db, sql: """
            SELECT MAX(length(i.invoice_number)), MAX(length(d.debtor_key))
            FROM invoice_forecast f JOIN invoice i ON i.id = f.invoice_id JOIN debtor d ON d.id = i.debtor_id
            WHERE f.forecast_run_id = ?\(debtorFilter(debtorKey))
            """, arguments: arguments(runID, debtorKey))
        return (row?[0], row?[1])
    }

    /// A run's invoice forecasts, by due day then invoice number; only `debtorKey`'s when given.
    package static func invoiceLines(_ db: Database, runID: Int64, debtorKey: String?) throws -> RecordCursor<InvoiceForecastLine> {
        try InvoiceForecastLine.fetchCursor(db, sql: """
            SELECT i.invoice_number, d.debtor_key, i.due_date, f.p10_date, f.p50_date, f.p90_date,
                   f.p_paid_by_due, f.p_paid_by_due_30, f.p_paid_by_due_60, COALESCE(s.paid_invoices, 0)
            FROM invoice_forecast f JOIN invoice i ON i.id = f.invoice_id JOIN debtor d ON d.id = i.debtor_id
            LEFT JOIN debtor_score s ON s.forecast_run_id = f.forecast_run_id AND s.debtor_id = i.debtor_id
            WHERE f.forecast_run_id = ?\(debtorFilter(debtorKey))
            ORDER BY i.due_date, i.invoice_number
            """, arguments: arguments(runID, debtorKey))
    }

    /// One debtor score of a run, as listed, with the debtor's key.
    package struct DebtorScoreLine: FetchableRecord, Sendable {
        /// `debtor.debtor_key`.
        package var debtorKey: String
        /// Score 0–100 and grade A–E.
        package var score: Int
        package var grade: DebtorGrade
        /// Paid invoices learnt from, open invoices, open invoices more than 30 days overdue.
        package var paidInvoices: Int
        package var openInvoices: Int
        package var overdue30Invoices: Int
        /// The P50 delay of the debtor's next invoice, days; the share of invoices that go badly.
        package var typicalDelayDays: Int
        package var lateShare: Double
        /// The reasons in words, a JSON array of strings.
        package var reasons: String

        /// Decodes the columns of `scoreLines` in their order.
        package init(row: Row) throws {
            debtorKey = row[0]; score = row[1]; grade = try row.decode(DebtorGrade.self, atIndex: 2)
            paidInvoices = row[3]; openInvoices = row[4]; overdue30Invoices = row[5]
            typicalDelayDays = row[6]; lateShare = row[7]; reasons = row[8]
        }
    }

    /// The longest debtor key among the lines `scoreLines` gives (nil without any).
    package static func scoreLineWidth(_ db: Database, runID: Int64, debtorKey: String?) throws -> Int? {
        try Int.fetchOne(db, sql: """
            SELECT MAX(length(d.debtor_key)) FROM debtor_score s JOIN debtor d ON d.id = s.debtor_id
            WHERE s.forecast_run_id = ?\(debtorFilter(debtorKey))
            """, arguments: arguments(runID, debtorKey))
    }

    /// A run's debtor scores, worst first (then by debtor key); only `debtorKey`'s when given.
    package static func scoreLines(_ db: Database, runID: Int64, debtorKey: String?) throws -> RecordCursor<DebtorScoreLine> {
        try DebtorScoreLine.fetchCursor(db, sql: """
            SELECT d.debtor_key, s.score, s.grade, s.paid_invoices, s.open_invoices, s.overdue_30_invoices,
                   s.typical_delay_days, s.late_share, s.reasons
            FROM debtor_score s JOIN debtor d ON d.id = s.debtor_id
            WHERE s.forecast_run_id = ?\(debtorFilter(debtorKey))
            ORDER BY s.score, d.debtor_key
            """, arguments: arguments(runID, debtorKey))
    }

    /// A run's weekly cash forecast, by currency and week.
    package static func cashWeeks(_ db: Database, runID: Int64) throws -> [CashForecastRecord] {
        try CashForecastRecord.fetchAll(db, sql: """
            SELECT * FROM cash_forecast WHERE forecast_run_id = ? ORDER BY currency, week
            """, arguments: [runID])
    }

    private static func debtorFilter(_ key: String?) -> String { key == nil ? "" : " AND d.debtor_key = ?" }

    private static func arguments(_ runID: Int64, _ key: String?) -> StatementArguments {
        var a: StatementArguments = [runID]
        if let key { a += [key] }
        return a
    }
}
