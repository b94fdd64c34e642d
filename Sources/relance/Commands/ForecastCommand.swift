import ArgumentParser
import Forecast
import Foundation
import Ledger
import Store

/// `relance forecast …`.
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast", abstract: "Payment-date forecasts, debtor scores and the cash forecast.",
        subcommands: [Run.self, Show.self, Scores.self, Cash.self, BacktestCommand.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Forecast every open invoice, score the debtors and forecast 13 weeks of cash.",
            discussion: """
                Learns from the ledger's paid invoices and stores the forecasts of the as-of day in one transaction, \
                replacing an earlier run of the same day. Per-invoice forecasts and debtor scores are kept for the \
                latest \(ForecastStore.keptDays) days, the weekly cash forecast for \(ForecastStore.keptCashDays) days (the \
                forecast report compares it with what came in).
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Business day of the forecast (YYYY-MM-DD); default today in the workspace's time zone.")
        var asOf: Day?

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let day = asOf ?? config.today(now: Date())
                let ledger = RunLedger(store: store)
                let runID = try ledger.begin(command: "forecast run", asOf: day.description, at: Date())
                let result: ForecastResult
                do {
                    let facts = try LedgerFacts.read(store: store, asOf: day)
                    result = try ForecastStore.forecastAndSave(facts, asOf: day, store: store, runID: runID,
                                                               createdAt: { Instant.string(Date()) })
                } catch {
                    try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: nil, at: Date())
                    throw CLIError.from(database: error, path: ws.databasePath)
                }
                let text = ForecastSummary(result)
                Terminal.out(text.lines.joined(separator: "\n"))
                try? ledger.finish(id: runID, outcome: "ok", exitCode: 0, summary: text.json, at: Date())
                return .ok
            }
        }
    }
}

/// The lines `forecast run` prints and the JSON it records in the run ledger.
struct ForecastSummary {
    let lines: [String]
    let json: String

    init(_ r: ForecastResult) {
        var lines = ["forecast as of \(r.asOf): \(r.invoices.count) open invoices forecast, \(r.debtors.count) debtors scored, "
            + "learnt from \(r.paidInvoices) paid invoices (\(r.model))"]
        if r.littleHistoryInvoices > 0 {
            lines.append("\(r.littleHistoryInvoices) of them rest on little history (debtor with fewer than 5 paid invoices: "
                + "judged mostly like similar debtors)")
        }
        if !r.habitDebtors.isEmpty {
            lines.append("payment habits learnt: " + r.habitDebtors.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
                .joined(separator: ", ") + "; the other debtors pay on any working day")
        }
        var totals: [String: Int64] = [:]
        for w in r.cash { totals[w.currency, default: 0] += w.expectedMinor }
        for (code, minor) in totals.sorted(by: { $0.key < $1.key }) {
            let money = Money(minorUnits: minor, currency: Currency(stored: code))
            lines.append("expected cash-in over the next \(Forecaster.weeks) weeks: \(money) (per week: relance forecast cash)")
        }
        // Counted, not grouped: grouping would copy 200,000 scores at scale 1 after the forecast is stored.
        var grades: [Grade: Int] = [:]
        for d in r.debtors { grades[d.grade, default: 0] += 1 }
        lines.append("debtor grades: " + Grade.allCases.map { "\($0.rawValue) \(grades[$0] ?? 0)" }.joined(separator: ", "))
        self.lines = lines
        var w = JSONWriter()
        w.beginObject()
        w.field("as_of", r.asOf.description)
        w.field("open_invoices", r.invoices.count)
        w.field("debtors", r.debtors.count)
        w.field("paid_invoices", r.paidInvoices)
        w.field("little_history_invoices", r.littleHistoryInvoices)
        w.field("model", r.model)
        w.endObject()
        json = w.text
    }
}
