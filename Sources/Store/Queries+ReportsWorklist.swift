import GRDB
import Ledger

/// The worklist's totals in one currency: debtors overdue, the overdue amount and the amount at risk.
package struct WorklistTotals: FetchableRecord, Sendable {
    /// ISO currency code.
    package var currency: String
    /// Debtors with an overdue invoice.
    package var debtors: Int
    /// Overdue, minor units.
    package var overdue: Int64
    /// Expected at risk, minor units.
    package var risk: Int64

    /// Totals from their parts (the worklist's listing sums them as it streams).
    package init(currency: String, debtors: Int, overdue: Int64, risk: Int64) {
        self.currency = currency
        self.debtors = debtors
        self.overdue = overdue
        self.risk = risk
    }

    /// Decodes `currency, count, overdue, risk`.
    package init(row: Row) throws {
        currency = row[0]
        debtors = row[1]
        overdue = row[2]
        risk = row[3]
    }
}

/// One debtor and currency of the worklist: what is overdue, at risk, and why to call.
package struct WorklistLine: FetchableRecord, Sendable {
    /// `debtor.id`, `debtor_key`, name and phone.
    package var debtorID: Int64, debtorKey: String, name: String, phone: String?
    /// ISO currency code.
    package var currency: String
    /// Overdue and at risk, minor units.
    package var overdue: Int64, risk: Int64
    /// Overdue invoices, and how many of them are disputed.
    package var items: Int, disputed: Int?
    /// The oldest overdue due date.
    package var oldest: String
    /// Whether the debtor is on hold.
    package var onHold: Bool?
    /// The forecast's grade, score and reasons (a JSON array of strings).
    package var grade: String?, score: Int?, reasons: String?
    /// `step|as_of` of the latest worklist (hand-over) reminder of the last 30 days.
    package var worklistStep: String?
    /// The day of the latest broken promise no reminder has followed yet.
    package var brokenPromise: String?
    /// The day of the latest open promise.
    package var openPromise: String?

    /// Decodes the columns of `ReportQueries.riskSQL` by name.
    package init(row: Row) throws {
        debtorID = row["debtor_id"]
        debtorKey = row["debtor_key"]
        name = row["name"]
        phone = row["phone"]
        currency = row["currency"]
        overdue = row["overdue"]
        risk = row["risk"]
        items = row["items"]
        disputed = row["disputed"]
        oldest = row["oldest"]
        onHold = row["on_hold"]
        grade = row["grade"]
        score = row["score"]
        reasons = row["reasons"]
        worklistStep = row["worklist_step"]
        brokenPromise = row["broken_promise"]
        openPromise = row["open_promise"]
    }
}

extension ReportQueries {
    /// Per debtor and currency: the overdue amount, items, oldest due date, amount at risk, disputes.
    ///
    /// Amount at risk of an overdue invoice = open amount × (1 − the forecast's chance that it is
    /// paid within 60 days of its due date): the chance as a ratio rounded to four decimals, the
    /// amount rounded once, half up, to the cent, in integer arithmetic.
    static func overdueSQL(runID: Int64?) -> String {
        let join = runID.map { "LEFT JOIN invoice_forecast f ON f.forecast_run_id = \($0) AND f.invoice_id = i.id" } ?? ""
        let p = runID == nil ? "0" : "COALESCE(f.p_paid_by_due_60, 0)"
        return """
            SELECT i.debtor_id, i.currency, SUM(i.open_minor) AS overdue, COUNT(*) AS items, MIN(i.due_date) AS oldest,
              SUM((i.open_minor * CAST(ROUND((1 - \(p)) * 10000) AS INTEGER) + 5000) / 10000) AS risk,
              SUM(i.disputed) AS disputed
            FROM invoice i \(join)
            WHERE i.status = 'open' AND i.type = 'invoice' AND i.open_minor > 0 AND i.due_date < ?1
            GROUP BY i.debtor_id, i.currency
            """
    }

    /// `overdueSQL` with each debtor's name, score and the ladder's and promises' facts, riskiest first.
    static func riskSQL(runID: Int64?) -> String {
        """
            SELECT x.*, d.debtor_key, d.name, d.phone, d.on_hold, s.grade, s.score, s.reasons,
              (SELECT e.step || '|' || e.as_of FROM dunning_event e WHERE e.debtor_id = x.debtor_id AND e.status = 'worklist'
                 AND e.as_of >= ?2 AND e.as_of <= ?1 ORDER BY e.as_of DESC, e.id DESC LIMIT 1) AS worklist_step,
              (SELECT MAX(p.until) FROM promise_to_pay p WHERE p.debtor_id = x.debtor_id AND p.status = 'broken'
                 AND NOT EXISTS (SELECT 1 FROM dunning_event e WHERE e.debtor_id = p.debtor_id AND e.as_of >= p.status_on
                                   AND e.status IN ('queued', 'held') AND e.as_of < ?1)) AS broken_promise,
              (SELECT MAX(p.until) FROM promise_to_pay p WHERE p.debtor_id = x.debtor_id AND p.status = 'open') AS open_promise
            FROM (\(overdueSQL(runID: runID))) x JOIN debtor d ON d.id = x.debtor_id
            LEFT JOIN debtor_score s ON s.forecast_run_id = ?3 AND s.debtor_id = x.debtor_id
            ORDER BY (worklist_step IS NOT NULL OR broken_promise IS NOT NULL) DESC, x.risk DESC, x.overdue DESC, d.debtor_key
            """
    }

    static func riskArguments(asOf: Day, runID: Int64?) -> StatementArguments {
        [asOf.description, asOf.adding(days: -30).description, runID ?? -1]
    }

    /// Per currency: debtors with invoices overdue on `asOf`, the overdue amount and the amount at
    /// risk under forecast run `runID` (all of it at risk without one).
    package static func worklistTotals(_ db: Database, asOf: Day, runID: Int64?) throws -> [WorklistTotals] {
        try WorklistTotals.fetchAll(db, sql: """
            SELECT currency, COUNT(*), SUM(overdue), SUM(risk) FROM (\(overdueSQL(runID: runID))) GROUP BY currency ORDER BY currency
            """, arguments: [asOf.description])
    }

    /// The worklist: debtors with invoices overdue on `asOf`, those the ladder or a broken promise
    /// hands to a person first, then by amount at risk; streamed.
    package static func worklistCursor(_ db: Database, asOf: Day, runID: Int64?) throws -> RecordCursor<WorklistLine> {
        try WorklistLine.fetchCursor(db, sql: riskSQL(runID: runID), arguments: riskArguments(asOf: asOf, runID: runID))
    }

    /// The first `limit` debtors of the worklist (one id per debtor and currency, in worklist order).
    package static func worklistDebtorIDs(_ db: Database, asOf: Day, runID: Int64?, limit: Int) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT debtor_id FROM (\(riskSQL(runID: runID))) LIMIT ?4",
                           arguments: riskArguments(asOf: asOf, runID: runID) + [limit])
    }
}
