import GRDB
import GRDBSQLite

/// Writes to Forecast's tables (`forecast_run`, `invoice_forecast`, `debtor_score`, `cash_forecast`;
/// owner: Forecast). Called inside the caller's write transaction.
package enum ForecastCommands {
    /// Deletes the run of the as-of day `asOf` (`YYYY-MM-DD`) and everything hanging off it.
    package static func deleteRun(_ db: Database, asOf: String) throws {
        try delete(db, runs: Int64.fetchAll(db, sql: "SELECT id FROM forecast_run WHERE as_of = ?", arguments: [asOf]))
    }

    /// Keeps the per-invoice forecasts and debtor scores of the `latest` latest as-of days only (the
    /// older runs keep their row and their weekly cash forecast).
    package static func pruneDetail(_ db: Database, keepingLatest latest: Int) throws {
        try deleteDetail(db, runs: runsBeyond(db, keepingLatest: latest))
    }

    /// Deletes the runs beyond the `latest` latest as-of days, with everything hanging off them.
    package static func pruneRuns(_ db: Database, keepingLatest latest: Int) throws {
        try deleteRuns(db, runs: runsBeyond(db, keepingLatest: latest))
    }

    /// Deletes the per-invoice forecasts and debtor scores of `runs` (what `pruneDetail` does to the
    /// runs it finds).
    package static func deleteDetail(_ db: Database, runs: [Int64]) throws {
        try delete(db, runs: runs, detailOnly: true)
    }

    /// Deletes `runs` with everything hanging off them (what `pruneRuns` does to the runs it finds).
    package static func deleteRuns(_ db: Database, runs: [Int64]) throws {
        try delete(db, runs: runs)
    }

    /// The runs beyond the `latest` latest as-of days: those `pruneDetail` (or `pruneRuns`) with
    /// `latest` would prune now.
    package static func runsBeyond(_ db: Database, keepingLatest latest: Int) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM forecast_run ORDER BY as_of DESC LIMIT -1 OFFSET ?", arguments: [latest])
    }

    /// Deletes the runs' per-invoice forecasts and debtor scores; without `detailOnly`, their cash
    /// forecast and the runs too.
    private static func delete(_ db: Database, runs: [Int64], detailOnly: Bool = false) throws {
        for id in runs {
            try db.execute(sql: "DELETE FROM invoice_forecast WHERE forecast_run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM debtor_score WHERE forecast_run_id = ?", arguments: [id])
            if detailOnly { continue }
            try db.execute(sql: "DELETE FROM cash_forecast WHERE forecast_run_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM forecast_run WHERE id = ?", arguments: [id])
        }
    }

    /// Inserts one run's per-invoice forecasts through SQLite's C API (a million rows a night at scale
    /// 1): the rows are kept until `rowsPerStatement` of them fill one prepared multi-row `INSERT`;
    /// `finish` stores the rest with the one-row statement. Use inside one transaction, on its
    /// connection's thread; call `finish` before the transaction reads the table or commits.
    package final class InvoiceForecastWriter {
        private static let columns: Int32 = 8
        private let inserts: RunInserts
        private var rows = PendingRows(texts: 3)
        private var ids: [Int64] = []
        private var chances: [Double] = []

        /// Prepares the inserts for the run `runID`: `rowsPerStatement` rows a statement (1: one row
        /// a statement only).
        package init(_ db: Database, runID: Int64, rowsPerStatement: Int = 32) throws {
            inserts = try RunInserts(db, runID: runID, columns: Self.columns, rowsPerStatement: rowsPerStatement, sql: Self.sql)
            ids.reserveCapacity(inserts.rowsPerStatement)
            chances.reserveCapacity(3 * inserts.rowsPerStatement)
        }

        private static func sql(_ rows: Int) -> String {
            """
            INSERT INTO invoice_forecast (forecast_run_id, invoice_id, p10_date, p50_date, p90_date, p_paid_by_due,
                                          p_paid_by_due_30, p_paid_by_due_60)
            VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", "))
            """
        }

        /// Adds one invoice's forecast: its P10/P50/P90 days (`YYYY-MM-DD`) and its chances of payment
        /// by the due date, by +30 and by +60 days; stored once the statement's rows are complete.
        package func insert(invoiceID: Int64, p10: String, p50: String, p90: String,
                            paidByDue: Double, paidByDue30: Double, paidByDue60: Double) throws {
            ids.append(invoiceID)
            chances.append(paidByDue); chances.append(paidByDue30); chances.append(paidByDue60)
            rows.add(p10); rows.add(p50); rows.add(p90)
            if let many = inserts.many, ids.count == inserts.rowsPerStatement { try write(many, rows: 0..<ids.count) }
        }

        /// Stores the rows kept, one statement each.
        package func finish() throws {
            for r in ids.indices { try write(inserts.one, rows: r..<r + 1) }
        }

        /// Binds `range` of the kept rows to `statement` (its text without a copy, valid until the
        /// step), runs it, and forgets every kept row once the last one is stored.
        private func write(_ statement: BulkStatement, rows range: Range<Int>) throws {
            try rows.withTexts { text in
                for (slot, r) in range.enumerated() {
                    let base = Int32(slot) * Self.columns
                    statement.bind(base + 2, ids[r])
                    for c in 0..<3 { statement.bindWithoutCopy(base + 3 + Int32(c), text(3 * r + c)) }
                    for c in 0..<3 { statement.bind(base + 6 + Int32(c), chances[3 * r + c]) }
                }
                try statement.run()
            }
            if range.upperBound == ids.count {
                ids.removeAll(keepingCapacity: true)
                chances.removeAll(keepingCapacity: true)
                rows.removeAll()
            }
        }
    }

    /// Inserts one run's debtor scores, `rowsPerStatement` rows a prepared `INSERT` as
    /// `InvoiceForecastWriter` does; `finish` stores the rest.
    package final class DebtorScoreWriter {
        private static let columns: Int32 = 10
        private let inserts: RunInserts
        private var rows = PendingRows(texts: 1)
        private var integers: [Int64] = []
        private var lateShares: [Double] = []
        private static let integerColumns = 6

        /// Prepares the inserts for the run `runID`: `rowsPerStatement` rows a statement (1: one row
        /// a statement only).
        package init(_ db: Database, runID: Int64, rowsPerStatement: Int = 32) throws {
            inserts = try RunInserts(db, runID: runID, columns: Self.columns, rowsPerStatement: rowsPerStatement, sql: Self.sql)
        }

        private static func sql(_ rows: Int) -> String {
            """
            INSERT INTO debtor_score (forecast_run_id, debtor_id, score, grade, reasons, paid_invoices, open_invoices,
                                      overdue_30_invoices, typical_delay_days, late_share)
            VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", "))
            """
        }

        /// Adds one debtor's score; `reasons` is a JSON array of strings. Stored once the
        /// statement's rows are complete.
        package func insert(debtorID: Int64, score: Int, grade: DebtorGrade, reasons: String, paidInvoices: Int, openInvoices: Int,
                            overdue30Invoices: Int, typicalDelayDays: Int, lateShare: Double) throws {
            integers.append(debtorID); integers.append(Int64(score)); integers.append(Int64(paidInvoices))
            integers.append(Int64(openInvoices)); integers.append(Int64(overdue30Invoices)); integers.append(Int64(typicalDelayDays))
            lateShares.append(lateShare)
            rows.add(grade.rawValue)
            rows.add(reasons)
            if let many = inserts.many, lateShares.count == inserts.rowsPerStatement { try write(many, rows: 0..<lateShares.count) }
        }

        /// Stores the rows kept, one statement each.
        package func finish() throws {
            for r in lateShares.indices { try write(inserts.one, rows: r..<r + 1) }
        }

        private func write(_ statement: BulkStatement, rows range: Range<Int>) throws {
            try rows.withTexts { text in
                for (slot, r) in range.enumerated() {
                    let base = Int32(slot) * Self.columns, n = Self.integerColumns * r
                    statement.bind(base + 2, integers[n]); statement.bind(base + 3, integers[n + 1])
                    statement.bindWithoutCopy(base + 4, text(2 * r)); statement.bindWithoutCopy(base + 5, text(2 * r + 1))
                    statement.bind(base + 6, integers[n + 2]); statement.bind(base + 7, integers[n + 3])
                    statement.bind(base + 8, integers[n + 4]); statement.bind(base + 9, integers[n + 5])
                    statement.bind(base + 10, lateShares[r])
                }
                try statement.run()
            }
            if range.upperBound == lateShares.count {
                integers.removeAll(keepingCapacity: true)
                lateShares.removeAll(keepingCapacity: true)
                rows.removeAll()
            }
        }
    }

    /// A writer's two prepared inserts, the run's id bound in every row: one row a statement, and
    /// (unless `rowsPerStatement` is 1) `rowsPerStatement` rows a statement.
    private struct RunInserts {
        let one: BulkStatement
        let many: BulkStatement?
        let rowsPerStatement: Int

        /// `sql(n)` is the insert of `n` rows of `columns` columns, the run's id the first of each.
        init(_ db: Database, runID: Int64, columns: Int32, rowsPerStatement: Int, sql: (Int) -> String) throws {
            self.rowsPerStatement = max(1, rowsPerStatement)
            one = try BulkStatement(db, sql(1))
            one.bind(1, runID)
            if self.rowsPerStatement > 1 {
                let many = try BulkStatement(db, sql(self.rowsPerStatement))
                for r in 0..<Int32(self.rowsPerStatement) { many.bind(r * columns + 1, runID) }
                self.many = many
            } else {
                many = nil
            }
        }
    }

    /// The text columns of the rows a writer keeps, their bytes one after the other.
    private struct PendingRows {
        private var bytes: [UInt8] = []
        private var ends: [Int] = []

        init(texts perRow: Int) {
            bytes.reserveCapacity(64 * perRow * 16)
            ends.reserveCapacity(64 * perRow)
        }

        mutating func add(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            ends.append(bytes.count)
        }

        mutating func removeAll() {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
        }

        /// Calls `body` with a function giving the `k`th text's bytes, valid during the call only.
        func withTexts<T>(_ body: ((Int) -> UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
            try bytes.withUnsafeBufferPointer { all in
                try body { k in
                    let start = k == 0 ? 0 : ends[k - 1]
                    return UnsafeBufferPointer(rebasing: all[start..<ends[k]])
                }
            }
        }
    }
}

extension BulkStatement {
    /// Binds text without SQLite copying it (`SQLITE_STATIC`): `text` must stay valid until the
    /// statement has been stepped and reset, so bind inside the closure that gives the bytes
    /// (`PendingRows.withTexts`), step there, and bind again before the next step.
    fileprivate func bindWithoutCopy(_ i: Int32, _ text: UnsafeBufferPointer<UInt8>) {
        guard let base = text.baseAddress, !text.isEmpty else {
            bind(i, "")
            return
        }
        _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self), Int32(text.count), nil)
    }
}
