import GRDB
import Ledger

/// Headline figures of the ledger on a day, for `relance status`.
public struct LedgerSummary: Sendable, Equatable {
    public struct CurrencyTotals: Sendable, Equatable {
        public var currency: String
        public var openInvoices: Int
        public var openMinor: Int64
        public var overdueInvoices: Int
        public var overdueMinor: Int64
        public var openCreditNotes: Int
        public var creditMinor: Int64
    }

    public var debtors: Int
    public var debtorsOnHold: Int
    public var invoices: Int
    public var disputed: Int
    public var totals: [CurrencyTotals]
    public var unappliedPayments: Int
    public var unappliedMinor: [String: Int64]
    /// Last finished ingest per kind: (kind, finished at, file).
    public var lastIngests: [(kind: String, finishedAt: String, file: String)]

    public static func == (a: LedgerSummary, b: LedgerSummary) -> Bool {
        a.debtors == b.debtors && a.invoices == b.invoices && a.totals == b.totals
            && a.unappliedPayments == b.unappliedPayments && a.lastIngests.map(\.file) == b.lastIngests.map(\.file)
    }

    /// Computes the figures as of `day` (overdue = due before that day).
    public static func fetch(_ db: Database, asOf day: Day) throws -> LedgerSummary {
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
