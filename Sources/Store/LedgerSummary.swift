import GRDB
import Ledger

/// Headline figures of the ledger on a day, for `relance status`.
package struct LedgerSummary: Sendable, Equatable {
    package struct CurrencyTotals: Sendable, Equatable {
        package var currency: String
        package var openInvoices: Int
        package var openMinor: Int64
        package var overdueInvoices: Int
        package var overdueMinor: Int64
        package var openCreditNotes: Int
        package var creditMinor: Int64
    }

    package var debtors: Int
    package var debtorsOnHold: Int
    package var invoices: Int
    package var disputed: Int
    package var totals: [CurrencyTotals]
    package var unappliedPayments: Int
    package var unappliedMinor: [String: Int64]
    /// Last finished ingest per kind: (kind, finished at, file).
    package var lastIngests: [(kind: String, finishedAt: String, file: String)]

    package static func == (a: LedgerSummary, b: LedgerSummary) -> Bool {
        a.debtors == b.debtors && a.invoices == b.invoices && a.totals == b.totals
            && a.unappliedPayments == b.unappliedPayments && a.lastIngests.map(\.file) == b.lastIngests.map(\.file)
    }

    /// Computes the figures as of `day` (overdue = due before that day).
    package static func fetch(_ db: Database, asOf day: Day) throws -> LedgerSummary {
        let debtors = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor") ?? 0
        let onHold = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor WHERE on_hold = 1") ?? 0
        let invoices = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice") ?? 0
        let disputed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice WHERE status = 'open' AND disputed = 1") ?? 0
        let totals = try Row.fetchAll(db, sql: """
            SELECT currency,
              SUM(type = 'invoice'), SUM(CASE WHEN type = 'invoice' THEN open_minor ELSE 0 END),
              SUM(type = 'invoice' AND due_date < ?1), SUM(CASE WHEN type = 'invoice' AND due_date < ?1 THEN open_minor ELSE 0 END),
              SUM(type = 'credit_note'), SUM(CASE WHEN type = 'credit_note' THEN open_minor ELSE 0 END)
            FROM invoice WHERE status = 'open' GROUP BY currency ORDER BY currency
            """, arguments: [day.description]).map {
            CurrencyTotals(currency: $0[0], openInvoices: $0[1], openMinor: $0[2], overdueInvoices: $0[3],
                           overdueMinor: $0[4], openCreditNotes: $0[5], creditMinor: $0[6])
        }
        let unapplied = try Row.fetchAll(
            db, sql: "SELECT currency, COUNT(*), SUM(unapplied_minor) FROM payment WHERE unapplied_minor > 0 GROUP BY currency")
        let last = try Row.fetchAll(db, sql: """
            SELECT kind, MAX(finished_at), file_name FROM ingest_batch GROUP BY kind ORDER BY kind
            """).map { (kind: $0[0] as String, finishedAt: $0[1] as String, file: $0[2] as String) }
        return LedgerSummary(
            debtors: debtors, debtorsOnHold: onHold, invoices: invoices, disputed: disputed, totals: totals,
            unappliedPayments: unapplied.reduce(0) { $0 + ($1[1] as Int) },
            unappliedMinor: Dictionary(uniqueKeysWithValues: unapplied.map { ($0[0] as String, $0[2] as Int64) }),
            lastIngests: last)
    }
}
