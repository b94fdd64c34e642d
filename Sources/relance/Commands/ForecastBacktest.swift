import ArgumentParser
import Forecast
import Foundation
import Ledger
import Store

extension ForecastCommand {
    struct BacktestCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backtest",
            abstract: "Measure the forecast on the ledger's own history, against two baselines.",
            discussion: """
                Rolling origin: on each origin day from --from to --to, every open invoice is forecast from what was \
                known that day and scored against its later payment. With --split DAY instead: learn from the invoices \
                issued and paid before DAY and forecast each invoice issued from DAY on, on its issue day. Prints the \
                MAE of the P50 date, the shares within ±3 and ±7 days, the late/not-late accuracy and the P10–P90 \
                coverage, for the model, for payment on the due date and for the debtor's median delay.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "First origin day (default: a year before --to).")
        var from: Day?
        @Option(help: "Last origin day (default: 90 days before the last payment); with --split, the last issue day scored.")
        var to: Day?
        @Option(help: "Days between origins.")
        var step = 28
        @Option(help: "Issue-date split instead of rolling origins (YYYY-MM-DD).")
        var split: Day?

        func validate() throws {
            if step < 1 { throw ValidationError("--step must be at least 1 day") }
            if let from, let to, from > to { throw ValidationError("--from must not be after --to") }
            if split != nil && from != nil { throw ValidationError("--split and --from exclude each other") }
        }

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let report: BacktestReport
                do {
                    let today = config.today(now: Date())
                    let facts = try store.pool.read { db in try LedgerFacts.read(db, asOf: today) }
                    if let split {
                        report = Backtest.issueDateSplit(facts, split: split, to: to)
                    } else {
                        report = try Backtest.rollingOrigin(facts, from: from, to: to, step: step)
                    }
                } catch let p as Backtest.Problem {
                    throw CLIError(.dataError, p.description)
                } catch {
                    throw CLIError.from(database: error, path: ws.databasePath)
                }
                writeOut(report.text)
                return .ok
            }
        }
    }
}
