import ArgumentParser
import Forecast
import Foundation
import GRDB
import Ledger
import Store

/// Output formats of the forecast listings.
enum ListingFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json

    var listing: ForecastListing.Format {
        switch self {
        case .table: return .table
        case .csv: return .csv
        case .json: return .json
        }
    }
}

/// Options of the forecast listings: which run, which format.
struct ListingOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(help: "Output format: table, csv or json.")
    var format: ListingFormat = .table
    @Option(help: "The run of this as-of day (YYYY-MM-DD); default the latest.")
    var asOf: Day?

    /// Opens the workspace, finds the run and hands a read connection and its id to `body`.
    func list(debtor: String?, _ body: (Database, Int64) throws -> Void) throws {
        try withExitStatus {
            let (ws, _, store) = try global.open()
            do {
                try store.pool.read { db in
                    guard let run = try ForecastStore.run(db, asOf: asOf), let id = run.id else {
                        throw CLIError(.usage, asOf.map { "no forecast for \($0); run `relance forecast run --as-of \($0)`" }
                            ?? "no forecast yet; run `relance forecast run` first")
                    }
                    if let debtor, try CLIQueries.debtorID(db, key: debtor) == nil {
                        throw CLIError(.usage, "no debtor \(debtor) in the ledger")
                    }
                    if try !ForecastStore.hasDetail(db, runID: id) && run.openInvoices > 0 {
                        Terminal.error("note: the forecast of \(run.asOf) keeps only its weekly cash forecast; per-invoice forecasts and "
                            + "debtor scores are kept for the latest \(ForecastStore.keptDays) days")
                    }
                    try body(db, id)
                }
            } catch let e as CLIError {
                throw e
            } catch {
                throw CLIError.from(database: error, path: ws.databasePath)
            }
            return .ok
        }
    }
}

/// Writes listing text to stdout as it comes.
func writeOut(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

extension ForecastCommand {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "List the open invoices' forecasts: P10/P50/P90 payment dates and chances of payment.",
            discussion: "Columns: " + ForecastListing.invoiceColumns.joined(separator: ", ") + ".")
        @OptionGroup var options: ListingOptions
        @Option(help: "Only the invoices of this debtor (its debtor_id).")
        var debtor: String?

        func run() throws {
            try options.list(debtor: debtor) { db, id in
                try ForecastListing.invoices(db, runID: id, debtorKey: debtor, format: options.format.listing, write: writeOut)
            }
        }
    }

    struct Scores: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scores",
            abstract: "List the debtor scores (0–100), grades (A–E) and their main reasons, worst first.")
        @OptionGroup var options: ListingOptions
        @Option(help: "Only this debtor (its debtor_id).")
        var debtor: String?

        func run() throws {
            try options.list(debtor: debtor) { db, id in
                try ForecastListing.scores(db, runID: id, debtorKey: debtor, format: options.format.listing, write: writeOut)
            }
        }
    }

    struct Cash: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cash",
            abstract: "List the expected cash-in per week for the next 13 weeks, with a P10–P90 band.")
        @OptionGroup var options: ListingOptions

        func run() throws {
            try options.list(debtor: nil) { db, id in
                try ForecastListing.cash(db, runID: id, format: options.format.listing, write: writeOut)
            }
        }
    }
}
