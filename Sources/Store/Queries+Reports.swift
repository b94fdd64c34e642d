import GRDB
import Ledger

/// The read-only aggregates behind the finance reports (Reports' builders, the morning page,
/// the debtor pages), as named queries with typed rows.
///
/// Every query is one set-based statement over an index; long listings come back as cursors so
/// the reports stream them into their output. Reports keeps the presentation (labels, rounding of
/// ratios, cells); these functions only read.
package enum ReportQueries {}

/// The latest forecast run on or before a day: what the worklist, forecast and debtor pages read.
package struct ReportForecastRun: FetchableRecord, Sendable {
    /// `forecast_run.id`.
    package var id: Int64
    /// The day it forecast from (`YYYY-MM-DD`).
    package var asOf: String
    /// The model's name.
    package var model: String
    /// Open invoices it forecast.
    package var openInvoices: Int
    /// Paid invoices it learnt from.
    package var paidInvoices: Int
    /// Debtors it scored.
    package var debtors: Int

    /// Decodes `id, as_of, model, open_invoices, paid_invoices, debtors`.
    package init(row: Row) throws {
        id = row[0]
        asOf = row[1]
        model = row[2]
        openInvoices = row[3]
        paidInvoices = row[4]
        debtors = row[5]
    }
}

extension ReportQueries {
    /// The latest `forecast_run` made on or before `day`; nil when there is none.
    package static func latestForecastRun(_ db: Database, onOrBefore day: Day) throws -> ReportForecastRun? {
        try ReportForecastRun.fetchOne(db, sql: """
            SELECT id, as_of, model, open_invoices, paid_invoices, debtors FROM forecast_run
            WHERE as_of <= ? ORDER BY as_of DESC LIMIT 1
            """, arguments: [day.description])
    }

    /// Invoiced (net of credit notes) per currency with an issue date in (`after`, `through`].
    package static func salesByCurrency(_ db: Database, after: Day, through: Day) throws -> [String: Int64] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT currency, SUM(amount_minor) FROM invoice WHERE issue_date > ? AND issue_date <= ? GROUP BY currency
            """, arguments: [after.description, through.description])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, ($0[1] as Int64?) ?? 0) })
    }
}
