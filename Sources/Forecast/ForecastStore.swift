import GRDB
import Ledger
import Store

/// Writes forecasts to the store and reads them back (the Forecast stage owns `forecast_run`,
/// `invoice_forecast`, `debtor_score` and `cash_forecast`).
public enum ForecastStore {
    /// As-of days whose per-invoice forecasts and debtor scores are kept: saving a run removes
    /// that detail from older days.
    public static let keptDays = 7
    /// As-of days whose run and weekly cash forecast are kept (a few rows each), so the forecast
    /// report can put what was expected beside what came in, weeks later.
    public static let keptCashDays = 400

    /// Saves a forecast in one transaction, replacing the run of the same as-of day, and drops runs
    /// beyond the `keptDays` latest as-of days. Returns the new run's id.
    @discardableResult
    public static func save(_ r: ForecastResult, store: LedgerStore, runID: Int64?, createdAt: String) throws -> Int64 {
        try store.pool.write { db in try save(r, db: db, runID: runID, createdAt: createdAt) }
    }

    /// `save` inside the caller's transaction.
    public static func save(_ r: ForecastResult, db: Database, runID: Int64?, createdAt: String) throws -> Int64 {
        let asOf = r.asOf.description
        try delete(db, sql: "SELECT id FROM forecast_run WHERE as_of = ?", arguments: [asOf])
        var run = ForecastRunRecord(asOf: asOf, runId: runID, createdAt: createdAt, model: r.model,
                                    paidInvoices: r.paidInvoices, openInvoices: r.invoices.count,
                                    debtors: r.debtors.count, parameters: r.parameters)
        try run.insert(db)
        guard let id = run.id else { throw StoreError("the forecast run for \(asOf) was not stored") }

        var days = DayText()
        let invoice = try BulkStatement(db, "INSERT INTO invoice_forecast VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        invoice.bind(1, id)
        for f in r.invoices {
            invoice.bind(2, f.invoiceID)
            invoice.bind(3, days[f.p10]); invoice.bind(4, days[f.p50]); invoice.bind(5, days[f.p90])
            invoice.bind(6, f.paidByDue); invoice.bind(7, f.paidByDue30); invoice.bind(8, f.paidByDue60)
            try invoice.run()
        }
        let score = try BulkStatement(db, "INSERT INTO debtor_score VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        score.bind(1, id)
        for s in r.debtors {
            score.bind(2, s.debtorID); score.bind(3, Int64(s.score)); score.bind(4, s.grade.rawValue)
            score.bind(5, "[" + s.reasons.map(jsonString).joined(separator: ",") + "]")
            score.bind(6, Int64(s.paidInvoices)); score.bind(7, Int64(s.openInvoices)); score.bind(8, Int64(s.overdue30Invoices))
            score.bind(9, Int64(s.typicalDelayDays)); score.bind(10, s.lateShare)
            try score.run()
        }
        for w in r.cash {
            try CashForecastRecord(forecastRunId: id, currency: w.currency, week: w.week, weekStart: w.start.description,
                                   weekEnd: w.end.description, expectedMinor: w.expectedMinor, p10Minor: w.p10Minor,
                                   p90Minor: w.p90Minor).insert(db)
        }
        try delete(db, sql: "SELECT id FROM forecast_run ORDER BY as_of DESC LIMIT -1 OFFSET ?", arguments: [keptDays],
                   detailOnly: true)
        try delete(db, sql: "SELECT id FROM forecast_run ORDER BY as_of DESC LIMIT -1 OFFSET ?", arguments: [keptCashDays])
        return id
    }

    /// Deletes the runs the query selects and everything hanging off them; with `detailOnly`, only
    /// their per-invoice forecasts and debtor scores (the run and its weekly cash forecast stay).
    private static func delete(_ db: Database, sql: String, arguments: StatementArguments, detailOnly: Bool = false) throws {
        for id in try Int64.fetchAll(db, sql: sql, arguments: arguments) {
            try db.execute(sql: "DELETE FROM invoice_forecast WHERE forecast_run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM debtor_score WHERE forecast_run_id = ?", arguments: [id])
            if detailOnly { continue }
            try db.execute(sql: "DELETE FROM cash_forecast WHERE forecast_run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM forecast_run WHERE id = ?", arguments: [id])
        }
    }

    /// True when the run still has its per-invoice forecasts (runs older than `keptDays` as-of
    /// days keep only their weekly cash forecast).
    public static func hasDetail(_ db: Database, runID: Int64) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM invoice_forecast WHERE forecast_run_id = ?)", arguments: [runID]) ?? false
    }

    /// The run of `asOf`, else the latest run; nil when there is none.
    public static func run(_ db: Database, asOf: Day?) throws -> ForecastRunRecord? {
        if let asOf {
            return try ForecastRunRecord.fetchOne(db, sql: "SELECT * FROM forecast_run WHERE as_of = ?", arguments: [asOf.description])
        }
        return try ForecastRunRecord.fetchOne(db, sql: "SELECT * FROM forecast_run ORDER BY as_of DESC LIMIT 1")
    }

    /// A JSON string literal; plain text (the usual reason) is quoted without a scalar-by-scalar walk.
    static func jsonString(_ s: String) -> String {
        let plain = s.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        return plain ? "\"" + s + "\"" : JSONText.quoted(s)
    }

    /// Formats days as `YYYY-MM-DD` once each.
    private struct DayText {
        var cache: [Int32: String] = [:]
        subscript(day: Day) -> String {
            mutating get {
                if let s = cache[day.daysSinceEpoch] { return s }
                let s = day.description
                cache[day.daysSinceEpoch] = s
                return s
            }
        }
    }
}
