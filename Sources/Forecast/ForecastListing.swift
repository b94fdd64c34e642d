import GRDB
import Ledger
import Store

/// Lists a stored forecast run as a table, CSV or JSON: the open invoices, the debtor scores, the
/// cash forecast. Rows stream from a cursor; text goes out in chunks through `write`.
public enum ForecastListing {
    /// Output formats.
    public enum Format: String, Sendable, CaseIterable {
        case table, csv, json
    }

    /// Columns (CSV header, JSON keys) of the invoice listing.
    public static let invoiceColumns = ["invoice_number", "debtor_id", "due_date", "p10_date", "p50_date", "p90_date",
                                        "p_paid_by_due", "p_paid_by_due_30", "p_paid_by_due_60"]
    /// Columns of the debtor score listing.
    public static let scoreColumns = ["debtor_id", "score", "grade", "paid_invoices", "open_invoices", "overdue_30_invoices",
                                      "typical_delay_days", "late_share", "reasons"]
    /// Columns of the cash forecast listing.
    public static let cashColumns = ["currency", "week", "week_start", "week_end", "expected", "p10", "p90"]

    /// One invoice forecast per row, by due date then invoice number; only `debtorKey`'s when given.
    /// Returns the number of rows.
    @discardableResult
    public static func invoices(_ db: Database, runID: Int64, debtorKey: String?, format: Format,
                                write: (String) -> Void) throws -> Int {
        let filter = debtorKey == nil ? "" : " AND d.debtor_key = ?"
        let sql = """
            SELECT i.invoice_number, d.debtor_key, i.due_date, f.p10_date, f.p50_date, f.p90_date,
                   f.p_paid_by_due, f.p_paid_by_due_30, f.p_paid_by_due_60
            FROM invoice_forecast f JOIN invoice i ON i.id = f.invoice_id JOIN debtor d ON d.id = i.debtor_id
            WHERE f.forecast_run_id = ?\(filter)
            ORDER BY i.due_date, i.invoice_number
            """
        var arguments: StatementArguments = [runID]
        if let debtorKey { arguments += [debtorKey] }
        let widths = try Row.fetchOne(db, sql: """
            SELECT MAX(length(i.invoice_number)), MAX(length(d.debtor_key))
            FROM invoice_forecast f JOIN invoice i ON i.id = f.invoice_id JOIN debtor d ON d.id = i.debtor_id
            WHERE f.forecast_run_id = ?\(filter)
            """, arguments: arguments)
        var out = TableWriter(columns: invoiceColumns, format: format,
                              widths: [widths?[0] ?? 14, widths?[1] ?? 9, 10, 10, 10, 10, 13, 16, 16])
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let r = try rows.next() {
            var fields: [TableWriter.Field] = (0..<6).map { .text(r[$0] as String) }
            for c in 6..<9 { fields.append(.number(probability(r[c] as Double))) }
            out.row(fields, write: write)
        }
        return out.finish(write: write)
    }

    /// One debtor score per row, worst score first; only `debtorKey`'s when given.
    @discardableResult
    public static func scores(_ db: Database, runID: Int64, debtorKey: String?, format: Format,
                              write: (String) -> Void) throws -> Int {
        let filter = debtorKey == nil ? "" : " AND d.debtor_key = ?"
        var arguments: StatementArguments = [runID]
        if let debtorKey { arguments += [debtorKey] }
        let width = try Int.fetchOne(db, sql: """
            SELECT MAX(length(d.debtor_key)) FROM debtor_score s JOIN debtor d ON d.id = s.debtor_id
            WHERE s.forecast_run_id = ?\(filter)
            """, arguments: arguments) ?? 9
        var out = TableWriter(columns: scoreColumns, format: format, widths: [width, 5, 5, 13, 13, 19, 18, 10, 0])
        let rows = try Row.fetchCursor(db, sql: """
            SELECT d.debtor_key, s.score, s.grade, s.paid_invoices, s.open_invoices, s.overdue_30_invoices,
                   s.typical_delay_days, s.late_share, s.reasons
            FROM debtor_score s JOIN debtor d ON d.id = s.debtor_id
            WHERE s.forecast_run_id = ?\(filter)
            ORDER BY s.score, d.debtor_key
            """, arguments: arguments)
        while let r = try rows.next() {
            var fields: [TableWriter.Field] = [.text(r[0] as String), .number(String(r[1] as Int)), .text(r[2] as String)]
            for c in 3..<7 { fields.append(.number(String(r[c] as Int))) }
            fields.append(.number(probability(r[7] as Double)))
            fields.append(.list(r[8] as String))
            out.row(fields, write: write)
        }
        return out.finish(write: write)
    }

    /// The 13 weeks of the cash forecast per currency, amounts in major units.
    @discardableResult
    public static func cash(_ db: Database, runID: Int64, format: Format, write: (String) -> Void) throws -> Int {
        var out = TableWriter(columns: cashColumns, format: format, widths: [8, 4, 10, 10, 16, 16, 16])
        let rows = try CashForecastRecord.fetchAll(db, sql: """
            SELECT * FROM cash_forecast WHERE forecast_run_id = ? ORDER BY currency, week
            """, arguments: [runID])
        for w in rows {
            let digits = Currency(code: w.currency)?.minorDigits ?? 2
            func money(_ v: Int64) -> String { Money.decimalString(minorUnits: v, digits: digits) }
            out.row([.text(w.currency), .number(String(w.week)), .text(w.weekStart), .text(w.weekEnd),
                     .number(money(w.expectedMinor)), .number(money(w.p10Minor)), .number(money(w.p90Minor))], write: write)
        }
        return out.finish(write: write)
    }

    /// A probability with two decimals: `0.42`, `1.00`.
    static func probability(_ p: Double) -> String {
        let hundredths = Int((min(1, max(0, p)) * 100).rounded(.toNearestOrAwayFromZero))
        let cents = hundredths % 100
        return "\(hundredths / 100)." + (cents < 10 ? "0" : "") + String(cents)
    }
}
