import Foundation
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

    /// `save` inside the caller's transaction: the rows go through the same writer as
    /// `forecastAndSave`'s, handed over all at once.
    package static func save(_ r: ForecastResult, db: Database, runID: Int64?, createdAt: String) throws -> Int64 {
        let writer = RowWriter()
        writer.send(.invoices(SharedBuffer(r.invoices), 0..<r.invoices.count))
        writer.send(.debtors(SharedBuffer(r.debtors.map { Optional($0) }), SharedBuffer(reasonsJSON(r.debtors)), 0..<r.debtors.count))
        writer.send(.finish(r, createdAt: createdAt))
        return try writer.write(db, asOf: r.asOf, runID: runID)
    }

    /// Makes the forecast of `asOf` from `facts` (`Forecaster.forecast`) and saves it as `save`
    /// does, in one transaction, while it is being made: a writer thread deletes the day's earlier
    /// run while the model learns, then inserts the invoice forecasts and the debtor scores chunk by
    /// chunk as they are ready (the run's row first holds zeros; its counts, parameters and
    /// `createdAt`, asked for once the forecast is made, are set before the commit). Nothing is
    /// stored when it throws.
    package static func forecastAndSave(_ facts: LedgerFacts, asOf: Day, store: LedgerStore, runID: Int64?,
                                        createdAt: () -> String) throws -> ForecastResult {
        // The ledger's read is over: close its reader connections (their page caches) before the
        // forecast's own memory grows.
        store.pool.releaseMemory()
        let writer = RowWriter()
        Parallel.thread {
            do {
                _ = try store.pool.write { db in try writer.write(db, asOf: asOf, runID: runID) }
            } catch {
                writer.fail(error)
            }
            writer.stopped()
        }
        let result = Forecaster.forecast(facts, asOf: asOf, output: writer)
        writer.send(.finish(result, createdAt: createdAt()))
        try writer.wait()
        return result
    }

    /// The cash weeks, then (unless the writer pruned at its start) the pruning of older runs: the end of a save.
    private static func finish(_ r: ForecastResult, db: Database, runID id: Int64, prune: Bool) throws {
        for w in r.cash {
            try CashForecastRecord(forecastRunId: id, currency: w.currency, week: w.week, weekStart: w.start.description,
                                   weekEnd: w.end.description, expectedMinor: w.expectedMinor, p10Minor: w.p10Minor,
                                   p90Minor: w.p90Minor).insert(db)
        }
        guard prune else { return }
        try ForecastCommands.pruneDetail(db, keepingLatest: keptDays)
        try ForecastCommands.pruneRuns(db, keepingLatest: keptCashDays)
    }

    /// Prunes the older runs at the start of a save, once its run's row is in: the runs beyond the
    /// `keptDays` (detail) and `keptCashDays` latest as-of days are then the ones the end of the save
    /// would find (the transaction holds the write lock; no as-of day changes before the commit), and
    /// their rows go while the model learns instead of after the last row. False, nothing deleted, when
    /// the new run is itself among them (a day older than those kept): the end prunes then, as before.
    private static func pruneFirst(_ db: Database, runID id: Int64) throws -> Bool {
        let detail = try ForecastCommands.runsBeyond(db, keepingLatest: keptDays)
        let runs = try ForecastCommands.runsBeyond(db, keepingLatest: keptCashDays)
        guard !detail.contains(id) && !runs.contains(id) else { return false }
        try ForecastCommands.deleteDetail(db, runs: detail)
        try ForecastCommands.deleteRuns(db, runs: runs)
        return true
    }

    /// The writer of `forecastAndSave`: takes the rows `Forecaster` hands over (from any thread) in
    /// a queue and stores them on its own thread, inside one write transaction.
    private final class RowWriter: ForecastOutput, @unchecked Sendable {
        enum Message {
            case invoices(SharedBuffer<InvoiceForecast>, Range<Int>)
            case debtors(SharedBuffer<DebtorScore?>, SharedBuffer<String>, Range<Int>)
            case finish(ForecastResult, createdAt: String)
        }

        private let condition = NSCondition()
        private var queue: [Message] = []
        private var head = 0
        private var failure: (any Error)?
        private let done = DispatchSemaphore(value: 0)

        func invoices(_ rows: SharedBuffer<InvoiceForecast>, _ range: Range<Int>) { send(.invoices(rows, range)) }

        func debtors(_ scores: SharedBuffer<DebtorScore?>, reasons: SharedBuffer<String>, _ range: Range<Int>) {
            send(.debtors(scores, reasons, range))
        }

        /// Queues a message (dropped once the writer has failed).
        func send(_ message: Message) {
            condition.lock()
            defer { condition.unlock() }
            guard failure == nil else { return }
            queue.append(message)
            condition.signal()
        }

        private func take() -> Message {
            condition.lock()
            defer { condition.unlock() }
            while head == queue.count { condition.wait() }
            let message = queue[head]
            head += 1
            if head == queue.count {
                queue.removeAll(keepingCapacity: true)
                head = 0
            }
            return message
        }

        /// Records the writer's error: later messages are dropped, `wait` throws it.
        func fail(_ error: any Error) {
            condition.lock()
            failure = error
            queue = []
            head = 0
            condition.unlock()
        }

        /// Called by the writer thread when it has ended (committed, or failed and rolled back).
        func stopped() { done.signal() }

        /// Waits for the writer thread to end; throws its error.
        func wait() throws {
            done.wait()
            condition.lock()
            defer { condition.unlock() }
            if let failure { throw failure }
        }

        /// The writer's transaction: deletes the day's earlier run, inserts the new run's row, prunes
        /// the older runs (`pruneFirst`), then stores what arrives until the forecast is finished.
        /// Returns the run's id.
        func write(_ db: Database, asOf: Day, runID: Int64?) throws -> Int64 {
            let day = asOf.description
            try ForecastCommands.deleteRun(db, asOf: day)
            var run = ForecastRunRecord(asOf: day, runId: runID, createdAt: "", model: DelayModel.name, paidInvoices: 0,
                                        openInvoices: 0, debtors: 0, parameters: "{}")
            try run.insert(db)
            guard let id = run.id else { throw StoreError.notStored(what: "the forecast run for \(day)") }
            let pruned = try ForecastStore.pruneFirst(db, runID: id)
            let invoice = try ForecastCommands.InvoiceForecastWriter(db, runID: id)
            let score = try ForecastCommands.DebtorScoreWriter(db, runID: id)
            var days = DayText(base: asOf)
            while true {
                switch take() {
                case .invoices(let rows, let range):
                    for k in range {
                        let f = rows[k]
                        try invoice.insert(invoiceID: f.invoiceID, p10: days[f.p10], p50: days[f.p50], p90: days[f.p90],
                                           paidByDue: f.paidByDue, paidByDue30: f.paidByDue30, paidByDue60: f.paidByDue60)
                    }
                case .debtors(let scores, let reasons, let range):
                    for c in range {
                        guard let s = scores[c] else { continue }
                        try score.insert(debtorID: s.debtorID, score: s.score, grade: s.grade, reasons: reasons[c],
                                         paidInvoices: s.paidInvoices, openInvoices: s.openInvoices,
                                         overdue30Invoices: s.overdue30Invoices, typicalDelayDays: s.typicalDelayDays,
                                         lateShare: s.lateShare)
                    }
                case .finish(let r, let createdAt):
                    try invoice.finish()
                    try score.finish()
                    run.createdAt = createdAt
                    run.model = r.model
                    run.paidInvoices = r.paidInvoices
                    run.openInvoices = r.invoices.count
                    run.debtors = r.debtors.count
                    run.parameters = r.parameters
                    try run.update(db)
                    try ForecastStore.finish(r, db: db, runID: id, prune: !pruned)
                    return id
                }
            }
        }
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

    /// Formats days as `YYYY-MM-DD` once each: the 4,096 days from `base` on in an array (the
    /// forecast days of a run start the day after its as-of day), any other in a dictionary.
    private struct DayText {
        private let base: Int32
        private var near = [String?](repeating: nil, count: 4_096)
        private var far: [Int32: String] = [:]

        init(base: Day) { self.base = base.daysSinceEpoch }

        subscript(day: Day) -> String {
            mutating get {
                let k = Int(day.daysSinceEpoch) - Int(base)
                if k >= 0 && k < near.count {
                    if let s = near[k] { return s }
                    let s = day.description
                    near[k] = s
                    return s
                }
                if let s = far[day.daysSinceEpoch] { return s }
                let s = day.description
                far[day.daysSinceEpoch] = s
                return s
            }
        }
    }
}
