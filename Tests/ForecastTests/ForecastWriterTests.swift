import Foundation
import GRDB
import Ledger
import Store
import Testing

@testable import Forecast

/// `ForecastStore.forecastAndSave`, which stores the rows while the forecast is being made: the same
/// rows as a forecast saved afterwards, one transaction, nothing stored when it fails.
@Suite("Forecast written while it is made")
struct ForecastWriterTests {
    static let asOf = "2026-03-31"

    /// 90 debtors (many chunks of invoices and debtors), each with a paid history and open invoices,
    /// some partly paid, some disputed, a few without history, one in USD.
    func ledger() throws -> TempStore {
        let t = try TempStore()
        var debtors = ["debtor_id,name,kind,language"]
        var invoices = ["invoice_number,debtor_id,issue_date,due_date,amount,currency,disputed"]
        var payments = ["payment_id,date,amount,currency,invoice_number"]
        let start = Day(year: 2025, month: 3, day: 3)!
        for d in 0..<90 {
            debtors.append("D\(d),Debtor \(d),\(d % 3 == 0 ? "b2c" : "b2b"),\(["nl", "fr", "de"][d % 3])")
            let currency = d == 7 ? "USD" : "EUR"
            for k in 0..<(d % 10 == 9 ? 0 : 4 + d % 5) {
                let issue = start.adding(days: 17 * k + d % 11), due = issue.adding(days: 30)
                invoices.append("H\(d)-\(k),D\(d),\(issue),\(due),\(100 + d).00,\(currency),no")
                payments.append("P\(d)-\(k),\(due.adding(days: (d * 7 + k * 3) % 40 - 5)),\(100 + d).00,\(currency),H\(d)-\(k)")
            }
            for k in 0..<(1 + d % 3) {
                let issue = Day(year: 2026, month: 2, day: 1)!.adding(days: 9 * k + d % 13)
                invoices.append("O\(d)-\(k),D\(d),\(issue),\(issue.adding(days: 30)),\(250 + 3 * d).00,\(currency),\(d % 8 == 3 ? "yes" : "no")")
            }
            if d % 6 == 1 { payments.append("X\(d),2026-03-20,50.00,\(currency),O\(d)-0") }
        }
        try t.ingest(.debtors, "debtors.csv", debtors.joined(separator: "\n"))
        try t.ingest(.invoices, "invoices.csv", invoices.joined(separator: "\n"))
        try t.ingest(.payments, "payments.csv", payments.joined(separator: "\n"), booked: true)
        return t
    }

    /// Every stored row of the forecast tables but the run's id and creation time, as text.
    func stored(_ t: TempStore) throws -> [String] {
        try t.store.pool.read { db in
            let queries = [
                "SELECT as_of, run_id, model, paid_invoices, open_invoices, debtors, parameters FROM forecast_run ORDER BY as_of",
                "SELECT f.as_of, i.invoice_id, i.p10_date, i.p50_date, i.p90_date, i.p_paid_by_due, i.p_paid_by_due_30, i.p_paid_by_due_60 "
                    + "FROM invoice_forecast i JOIN forecast_run f ON f.id = i.forecast_run_id ORDER BY 1, 2",
                "SELECT f.as_of, s.debtor_id, s.score, s.grade, s.reasons, s.paid_invoices, s.open_invoices, s.overdue_30_invoices, "
                    + "s.typical_delay_days, s.late_share FROM debtor_score s JOIN forecast_run f ON f.id = s.forecast_run_id ORDER BY 1, 2",
                "SELECT f.as_of, c.currency, c.week, c.week_start, c.week_end, c.expected_minor, c.p10_minor, c.p90_minor "
                    + "FROM cash_forecast c JOIN forecast_run f ON f.id = c.forecast_run_id ORDER BY 1, 2, 3",
            ]
            return try queries.flatMap { sql in
                try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { "\($0)" }.joined(separator: "|") }
            }
        }
    }

    func forecastAndSave(_ t: TempStore, asOf: String = asOf, runID: Int64? = nil) throws -> ForecastResult {
        try ForecastStore.forecastAndSave(try t.facts(asOf: asOf), asOf: Day(iso: asOf)!, store: t.store, runID: runID,
                                          createdAt: { "2026-03-31T22:00:00.000Z" })
    }

    @Test("stores exactly the rows of a forecast saved after it was made, and returns the same forecast")
    func sameRows() throws {
        let t = try ledger()
        let day = Day(iso: Self.asOf)!
        let made = Forecaster.forecast(try t.facts(asOf: Self.asOf), asOf: day)
        try ForecastStore.save(made, store: t.store, runID: nil, createdAt: "2026-03-31T22:00:00.000Z")
        let saved = try stored(t)
        #expect(made.invoices.count > 64 && made.debtors.count == 90)
        #expect(made.cash.contains { $0.currency == "USD" })

        let r = try forecastAndSave(t)
        #expect(r.invoices == made.invoices)
        #expect(r.debtors == made.debtors)
        #expect(r.cash == made.cash)
        #expect(try stored(t) == saved)
        let created = try t.store.pool.read { db in try String.fetchAll(db, sql: "SELECT created_at FROM forecast_run") }
        #expect(created == ["2026-03-31T22:00:00.000Z"])
    }

    @Test("a rerun of the same day replaces the run; other days stay; a failed run leaves the stored ones as they were")
    func replacesOrLeavesIntact() throws {
        let t = try ledger()
        _ = try forecastAndSave(t, asOf: "2026-03-30")
        _ = try forecastAndSave(t)
        let first = try stored(t)
        _ = try forecastAndSave(t)
        #expect(try stored(t) == first)
        let runs = try t.store.pool.read { db in try String.fetchAll(db, sql: "SELECT as_of FROM forecast_run ORDER BY as_of") }
        #expect(runs == ["2026-03-30", "2026-03-31"])

        // A run id that does not exist breaks a foreign key inside the transaction: nothing of it stays.
        #expect(throws: (any Error).self) { try forecastAndSave(t, runID: 987_654) }
        #expect(try stored(t) == first)
        // The store is still writable afterwards.
        _ = try forecastAndSave(t)
        #expect(try stored(t) == first)
    }

    @Test("multi-row inserts store the same rows as one row a statement; a bad row still fails the insert")
    func multiRowInsertsMatchOneRowInserts() throws {
        let t = try ledger()
        let reasons = ["[]", #"["pays 12 days late on average","two invoices over 30 days"]"#, #"["paie en retard — « souvent »"]"#,
                       "[" + String(repeating: #""a long reason","#, count: 40) + #""end"]"#]
        func write(_ db: Database, asOf: String, rowsPerStatement: Int, invoices: [Int64], debtors: [Int64]) throws -> Int64 {
            var run = ForecastRunRecord(asOf: asOf, runId: nil, createdAt: "", model: "m", paidInvoices: 0, openInvoices: 0,
                                        debtors: 0, parameters: "{}")
            try run.insert(db)
            let id = try #require(run.id)
            let invoice = try ForecastCommands.InvoiceForecastWriter(db, runID: id, rowsPerStatement: rowsPerStatement)
            let base = Day(year: 2026, month: 4, day: 1)!
            for (k, invoiceID) in invoices.enumerated() {
                let p = Double(k % 7) / 7
                try invoice.insert(invoiceID: invoiceID, p10: base.adding(days: k).description, p50: base.adding(days: 2 * k).description,
                                   p90: base.adding(days: k % 5 == 0 ? 40_000 : 3 * k).description,
                                   paidByDue: p, paidByDue30: p + (1 - p) / 3, paidByDue60: p + (1 - p) / 2)
            }
            try invoice.finish()
            let score = try ForecastCommands.DebtorScoreWriter(db, runID: id, rowsPerStatement: rowsPerStatement)
            for (k, debtorID) in debtors.enumerated() {
                try score.insert(debtorID: debtorID, score: k % 101, grade: DebtorGrade.allCases[k % 5], reasons: reasons[k % reasons.count],
                                 paidInvoices: k, openInvoices: k % 4, overdue30Invoices: k % 4 / 2, typicalDelayDays: k - 20,
                                 lateShare: Double(k % 9) / 9)
            }
            try score.finish()
            return id
        }
        func rows(_ db: Database, run: Int64) throws -> [String] {
            let sql = [
                "SELECT invoice_id, p10_date, p50_date, p90_date, p_paid_by_due, p_paid_by_due_30, p_paid_by_due_60 FROM invoice_forecast "
                    + "WHERE forecast_run_id = ? ORDER BY invoice_id",
                "SELECT debtor_id, score, grade, reasons, paid_invoices, open_invoices, overdue_30_invoices, typical_delay_days, late_share "
                    + "FROM debtor_score WHERE forecast_run_id = ? ORDER BY debtor_id",
            ]
            return try sql.flatMap { q in
                try Row.fetchAll(db, sql: q, arguments: [run]).map { row in row.databaseValues.map { "\($0)" }.joined(separator: "|") }
            }
        }
        try t.store.pool.write { db in
            // 2 full statements of 32 and a tail of 13 invoices; 2 of 32 and a tail of 26 debtors.
            let invoices = try Int64.fetchAll(db, sql: "SELECT id FROM invoice ORDER BY id LIMIT 77")
            let debtors = try Int64.fetchAll(db, sql: "SELECT id FROM debtor ORDER BY id")
            #expect(invoices.count == 77 && debtors.count == 90)
            let one = try write(db, asOf: "2026-03-01", rowsPerStatement: 1, invoices: invoices, debtors: debtors)
            let many = try write(db, asOf: "2026-03-02", rowsPerStatement: 32, invoices: invoices, debtors: debtors)
            let stored = try rows(db, run: one)
            #expect(stored.count == 77 + 90)
            #expect(try rows(db, run: many) == stored)
            #expect(stored.contains { $0.contains("2135-") } && stored.contains { $0.contains("« souvent »") })

            // A row breaking a CHECK fails its statement: a full one (none of its rows stays) and one of the tail.
            let bad = try write(db, asOf: "2026-03-03", rowsPerStatement: 32, invoices: [], debtors: [])
            for count in [32, 5] {
                let invoice = try ForecastCommands.InvoiceForecastWriter(db, runID: bad, rowsPerStatement: 32)
                #expect(throws: DatabaseError.self) {
                    for k in 0..<count {
                        try invoice.insert(invoiceID: invoices[k], p10: "2026-04-01", p50: "2026-04-02", p90: "2026-04-03",
                                           paidByDue: k == 2 ? 1.5 : 0.5, paidByDue30: 0.6, paidByDue60: 0.7)
                    }
                    try invoice.finish()
                }
                let kept = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice_forecast WHERE forecast_run_id = ?", arguments: [bad])
                #expect(kept == (count == 32 ? 0 : 2))
            }
        }
    }
}
