import GRDB
import Ledger
import Store

/// Lists a stored forecast run as a table, CSV or JSON: the open invoices, the debtor scores, the
/// cash forecast. Rows stream from a cursor; text goes out in chunks through `write`.
package enum ForecastListing {
    /// Output formats.
    package enum Format: String, Sendable, CaseIterable {
        case table, csv, json
    }

    /// Columns (CSV header, JSON keys) of the invoice listing.
    package static let invoiceColumns = ["invoice_number", "debtor_id", "due_date", "p10_date", "p50_date", "p90_date",
                                        "p_paid_by_due", "p_paid_by_due_30", "p_paid_by_due_60", "debtor_paid_invoices", "history"]
    /// Columns of the debtor score listing.
    package static let scoreColumns = ["debtor_id", "score", "grade", "paid_invoices", "open_invoices", "overdue_30_invoices",
                                      "typical_delay_days", "late_share", "reasons"]
    /// Columns of the cash forecast listing.
    package static let cashColumns = ["currency", "week", "week_start", "week_end", "expected", "p10", "p90"]

    /// One invoice forecast per row, by due date then invoice number; only `debtorKey`'s when given.
    /// Returns the number of rows.
    @discardableResult
    package static func invoices(_ db: Database, runID: Int64, debtorKey: String?, format: Format,
                                write: (String) -> Void) throws -> Int {
        let widths = try ForecastQueries.invoiceLineWidths(db, runID: runID, debtorKey: debtorKey)
        var out = TableWriter(columns: invoiceColumns, format: format,
                              widths: [widths.invoiceNumber ?? 14, widths.debtorKey ?? 9, 10, 10, 10, 10, 13, 16, 16, 20, 7])
        let rows = try ForecastQueries.invoiceLines(db, runID: runID, debtorKey: debtorKey)
        while let r = try rows.next() {
            out.row([.text(r.invoiceNumber), .text(r.debtorKey), .text(r.dueDate), .text(r.p10Date), .text(r.p50Date),
                     .text(r.p90Date), .number(probability(r.paidByDue)), .number(probability(r.paidByDue30)),
                     .number(probability(r.paidByDue60)), .number(String(r.debtorPaidInvoices)),
                     .text(history(paidInvoices: r.debtorPaidInvoices))], write: write)
        }
        return out.finish(write: write)
    }

    /// What an invoice's forecast rests on: `own` (the debtor's history: at least
    /// `DebtorScoring.littleHistory` paid invoices), `little` (fewer: mostly similar debtors), `none`
    /// (no paid invoice yet: similar debtors only), as the debtor scores' reasons say it in words.
    static func history(paidInvoices: Int) -> String {
        paidInvoices == 0 ? "none" : (paidInvoices < DebtorScoring.littleHistory ? "little" : "own")
    }

    /// One debtor score per row, worst score first; only `debtorKey`'s when given.
    @discardableResult
    package static func scores(_ db: Database, runID: Int64, debtorKey: String?, format: Format,
                              write: (String) -> Void) throws -> Int {
        let width = try ForecastQueries.scoreLineWidth(db, runID: runID, debtorKey: debtorKey) ?? 9
        var out = TableWriter(columns: scoreColumns, format: format, widths: [width, 5, 5, 13, 13, 19, 18, 10, 0])
        let rows = try ForecastQueries.scoreLines(db, runID: runID, debtorKey: debtorKey)
        while let r = try rows.next() {
            out.row([.text(r.debtorKey), .number(String(r.score)), .text(r.grade.rawValue), .number(String(r.paidInvoices)),
                     .number(String(r.openInvoices)), .number(String(r.overdue30Invoices)), .number(String(r.typicalDelayDays)),
                     .number(probability(r.lateShare)), .list(r.reasons)], write: write)
        }
        return out.finish(write: write)
    }

    /// The 13 weeks of the cash forecast per currency, amounts in major units.
    @discardableResult
    package static func cash(_ db: Database, runID: Int64, format: Format, write: (String) -> Void) throws -> Int {
        var out = TableWriter(columns: cashColumns, format: format, widths: [8, 4, 10, 10, 16, 16, 16])
        for w in try ForecastQueries.cashWeeks(db, runID: runID) {
            let digits = Currency(stored: w.currency).minorDigits
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
