import GRDB
import Ledger

/// One currency's open items in the five age buckets (not due, 1–30, 31–60, 61–90, > 90 days
/// past their due date): sums of `open_minor` and item counts.
package struct AgingBuckets: FetchableRecord, Sendable {
    /// ISO currency code.
    package var currency: String
    /// Open amount per bucket, minor units (five values, 0 when empty).
    package var sums: [Int64]
    /// Open items per bucket (five values).
    package var counts: [Int]

    /// Decodes `currency`, five sums and, when present, five counts.
    package init(row: Row) throws {
        currency = row[0]
        sums = (1...5).map { (row[$0] as Int64?) ?? 0 }
        counts = row.count > 6 ? (6...10).map { (row[$0] as Int?) ?? 0 } : [0, 0, 0, 0, 0]
    }
}

/// A debtor's open balance in one currency, by age bucket (the aging report's debtor lines).
package struct AgingDebtorLine: FetchableRecord, Sendable {
    /// `debtor.debtor_key`.
    package var debtorKey: String
    /// The debtor's name.
    package var name: String
    /// ISO currency code.
    package var currency: String
    /// Open balance, minor units.
    package var total: Int64
    /// Open amount per age bucket (five values).
    package var buckets: [Int64]
    /// The due date of its oldest overdue invoice, if any.
    package var oldestOverdue: String?
    /// Open items.
    package var items: Int
    /// `debtor.id`.
    package var debtorID: Int64

    /// Decodes the columns of `ReportQueries.agingDebtorSQL`.
    package init(row: Row) throws {
        debtorKey = row[0]
        name = row[1]
        currency = row[2]
        total = row[3]
        buckets = (4...8).map { row[$0] as Int64 }
        oldestOverdue = row[9]
        items = row[10]
        debtorID = row[11]
    }
}

extension ReportQueries {
    /// SQL sums of `open_minor` per bucket, by due date against `?1`…`?4` (as-of, −30, −60, −90),
    /// for a query over open items only (`WHERE i.status = 'open'`).
    static let bucketSums = """
        SUM(CASE WHEN i.due_date >= ?1 THEN i.open_minor ELSE 0 END),
        SUM(CASE WHEN i.due_date < ?1 AND i.due_date >= ?2 THEN i.open_minor ELSE 0 END),
        SUM(CASE WHEN i.due_date < ?2 AND i.due_date >= ?3 THEN i.open_minor ELSE 0 END),
        SUM(CASE WHEN i.due_date < ?3 AND i.due_date >= ?4 THEN i.open_minor ELSE 0 END),
        SUM(CASE WHEN i.due_date < ?4 THEN i.open_minor ELSE 0 END)
        """

    /// The bucket boundaries of `d`: the day, −30, −60 and −90 days.
    static func boundaries(_ d: Day) -> StatementArguments {
        [d.description, d.adding(days: -30).description, d.adding(days: -60).description, d.adding(days: -90).description]
    }

    /// Open items per currency in the age buckets of `asOf`, with their counts (`invoice_open` index).
    package static func agingBuckets(_ db: Database, asOf: Day) throws -> [AgingBuckets] {
        try AgingBuckets.fetchAll(db, sql: """
            SELECT i.currency, \(bucketSums),
              SUM(i.due_date >= ?1), SUM(i.due_date < ?1 AND i.due_date >= ?2), SUM(i.due_date < ?2 AND i.due_date >= ?3),
              SUM(i.due_date < ?3 AND i.due_date >= ?4), SUM(i.due_date < ?4)
            FROM invoice i WHERE i.status = 'open' GROUP BY i.currency
            """, arguments: boundaries(asOf))
    }

    /// Per currency, the debtors whose open items do not sum to zero.
    package static func debtorsWithBalance(_ db: Database) throws -> [String: Int] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT currency, COUNT(*) FROM (
              SELECT debtor_id, currency FROM invoice WHERE status = 'open' GROUP BY debtor_id, currency HAVING SUM(open_minor) <> 0)
            GROUP BY currency
            """)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Int) })
    }

    static let agingDebtorSQL = """
        SELECT d.debtor_key, d.name, i.currency, SUM(i.open_minor) AS total, \(bucketSums),
          MIN(CASE WHEN i.type = 'invoice' AND i.open_minor > 0 AND i.due_date < ?1 THEN i.due_date END), COUNT(*), d.id
        FROM invoice i JOIN debtor d ON d.id = i.debtor_id
        WHERE i.status = 'open'
        GROUP BY i.debtor_id, i.currency HAVING SUM(i.open_minor) <> 0
        ORDER BY total DESC, d.debtor_key
        """

    /// The `limit` largest debtor balances (per debtor and currency), largest first.
    package static func agingDebtors(_ db: Database, asOf: Day, limit: Int) throws -> [AgingDebtorLine] {
        try AgingDebtorLine.fetchAll(db, sql: agingDebtorSQL + " LIMIT ?5", arguments: boundaries(asOf) + [limit])
    }

    /// Every debtor balance (per debtor and currency), largest first, streamed.
    package static func agingDebtorCursor(_ db: Database, asOf: Day) throws -> RecordCursor<AgingDebtorLine> {
        try AgingDebtorLine.fetchCursor(db, sql: agingDebtorSQL, arguments: boundaries(asOf))
    }

    /// The `limit` debtors with the largest open balance in one currency, largest first.
    package static func largestBalanceDebtorIDs(_ db: Database, limit: Int) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT debtor_id FROM invoice WHERE status = 'open' GROUP BY debtor_id, currency HAVING SUM(open_minor) <> 0
            ORDER BY SUM(open_minor) DESC, debtor_id LIMIT ?
            """, arguments: [limit])
    }
}
