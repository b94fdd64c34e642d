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
}
