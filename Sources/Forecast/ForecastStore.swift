import GRDB
import Ledger
import Store

/// Writes forecasts to the store and reads them back (the Forecast stage owns `forecast_run`,
/// `invoice_forecast`, `debtor_score` and `cash_forecast`).
package enum ForecastStore {
    /// As-of days whose per-invoice forecasts and debtor scores are kept: saving a run removes
    /// that detail from older days.
    package static let keptDays = 7
    /// As-of days whose run and weekly cash forecast are kept (a few rows each), so the forecast
    /// report can put what was expected beside what came in, weeks later.
    package static let keptCashDays = 400

    /// Saves a forecast in one transaction, replacing the run of the same as-of day, and drops runs
    /// beyond the `keptDays` latest as-of days. Returns the new run's id.
    @discardableResult
    package static func save(_ r: ForecastResult, store: LedgerStore, runID: Int64?, createdAt: String) throws -> Int64 {
        try store.pool.write { db in try save(r, db: db, runID: runID, createdAt: createdAt) }
    }

    /// `save` inside the caller's transaction.
    package static func save(_ r: ForecastResult, db: Database, runID: Int64?, createdAt: String) throws -> Int64 {
        let asOf = r.asOf.description
        try ForecastCommands.deleteRun(db, asOf: asOf)
        var run = ForecastRunRecord(asOf: asOf, runId: runID, createdAt: createdAt, model: r.model,
                                    paidInvoices: r.paidInvoices, openInvoices: r.invoices.count,
                                    debtors: r.debtors.count, parameters: r.parameters)
        try run.insert(db)
        guard let id = run.id else { throw StoreError.notStored(what: "the forecast run for \(asOf)") }

        var days = DayText()
        let invoice = try ForecastCommands.InvoiceForecastWriter(db, runID: id)
        for f in r.invoices {
            try invoice.insert(invoiceID: f.invoiceID, p10: days[f.p10], p50: days[f.p50], p90: days[f.p90],
                               paidByDue: f.paidByDue, paidByDue30: f.paidByDue30, paidByDue60: f.paidByDue60)
        }
        let score = try ForecastCommands.DebtorScoreWriter(db, runID: id)
        let reasons = reasonsJSON(r.debtors)
        for (k, s) in r.debtors.enumerated() {
            try score.insert(debtorID: s.debtorID, score: s.score, grade: s.grade,
                             reasons: reasons[k],
                             paidInvoices: s.paidInvoices, openInvoices: s.openInvoices, overdue30Invoices: s.overdue30Invoices,
                             typicalDelayDays: s.typicalDelayDays, lateShare: s.lateShare)
        }
        for w in r.cash {
            try CashForecastRecord(forecastRunId: id, currency: w.currency, week: w.week, weekStart: w.start.description,
                                   weekEnd: w.end.description, expectedMinor: w.expectedMinor, p10Minor: w.p10Minor,
                                   p90Minor: w.p90Minor).insert(db)
        }
        try ForecastCommands.pruneDetail(db, keepingLatest: keptDays)
        try ForecastCommands.pruneRuns(db, keepingLatest: keptCashDays)
        return id
    }

    /// Each debtor's reasons as a JSON array, made on all cores (16 chunks) before the inserts.
    private static func reasonsJSON(_ debtors: [DebtorScore]) -> [String] {
        let n = debtors.count, chunks = 16
        let out = SharedBuffer<String>(repeating: "", count: n)
        Parallel.run(chunks: n > 0 ? chunks : 0) { ch in
            for k in stride(from: ch * n / chunks, to: (ch + 1) * n / chunks, by: 1) { out[k] = JSONWriter.array(debtors[k].reasons) }
        }
        return out.array(n)
    }

    /// True when the run still has its per-invoice forecasts (runs older than `keptDays` as-of
    /// days keep only their weekly cash forecast).
    package static func hasDetail(_ db: Database, runID: Int64) throws -> Bool {
        try ForecastQueries.hasDetail(db, runID: runID)
    }

    /// The run of `asOf`, else the latest run; nil when there is none.
    package static func run(_ db: Database, asOf: Day?) throws -> ForecastRunRecord? {
        if let asOf { return try ForecastQueries.run(db, asOf: asOf.description) }
        return try ForecastQueries.latestRun(db)
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
