import ArgumentParser
import Billing
import Foundation
import Ledger
import Store
import Workspace

/// `relance ingest contracts|usage|index FILE...`: the Billing stage's input files.
extension Ingest {
    struct Contracts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "contracts",
            abstract: "Ingest subscription contracts by contract_id (billed by `relance billing run`).",
            discussion: """
                Columns: contract_id, debtor_id, plan, monthly_price, currency, activation_date, price_adjusted_on, \
                index_series, billing_day, payment_terms_days, index_floor, status, end_date. A price Relance indexed \
                is kept when the file's price_adjusted_on is older.
                """)
        @OptionGroup var options: BillingIngestCLIOptions
        func run() throws { try options.run(.contracts) }
    }

    struct Usage: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "usage",
            abstract: "Ingest usage (extras billed in arrears) by contract_id, month and item.",
            discussion: "Columns: contract_id, month (YYYY-MM), item, quantity, unit_price. A month already invoiced cannot change.")
        @OptionGroup var options: BillingIngestCLIOptions
        func run() throws { try options.run(.usage) }
    }

    struct Index: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "index",
            abstract: "Ingest price-index values (e.g. Agoria) by series and month.",
            discussion: "Columns: series, month (YYYY-MM), value as published. A value already used to index a price cannot change.")
        @OptionGroup var options: BillingIngestCLIOptions
        func run() throws { try options.run(.index) }
    }
}

/// Options of the billing ingest commands.
struct BillingIngestCLIOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("CSV files to read.", valueName: "file"))
    var files: [String]

    @Flag(help: "Validate and report; change nothing and write no rejects file.")
    var dryRun = false

    @Option(help: "Business day of the ingest (YYYY-MM-DD).")
    var asOf: Day?

    @Option(help: "Summary format: text, or json (one object per file).")
    var format: SummaryFormat = .text

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one CSV file") }
    }

    func run(_ kind: BillingFileKind) throws {
        try withExitStatus {
            let missing = files.filter { !FileManager.default.fileExists(atPath: absolute($0)) }
            if !missing.isEmpty { throw CLIError(.noInput, "no such file: \(missing.joined(separator: ", "))") }
            let (ws, config, store) = try global.open()
            var opts = BillingIngestOptions(asOf: asOf ?? config.today(now: Date()))
            opts.dryRun = dryRun
            opts.defaultCurrency = config.defaultCurrency
            opts.rejectsDirectory = ws.path(config.rejectsDir)
            let ledger = RunLedger(store: store)
            let runID = try ledger.begin(command: "ingest \(kind.rawValue)" + (dryRun ? " --dry-run" : ""), asOf: opts.asOf.description, at: Date())
            opts.runID = dryRun ? nil : runID
            let summaries: [BillingFileSummary]
            do {
                summaries = try BillingIngest.run(store: store, kind: kind, files: files.map(absolute), options: opts) { Terminal.error($0.description) }
            } catch {
                try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: nil, at: Date())
                throw CLIError.from(database: error, path: ws.databasePath)
            }
            for s in summaries { Terminal.out(format == .json ? s.json : s.text(dryRun: dryRun)) }
            let rejected = summaries.contains { $0.hasRejects }
            let status: ExitStatus = rejected ? .dataError : .ok
            try? ledger.finish(id: runID, outcome: rejected ? "rejected" : "ok", exitCode: status.rawValue,
                               summary: "[" + summaries.map(\.json).joined(separator: ",") + "]", at: Date())
            return status
        }
    }
}

extension BillingFileSummary {
    func text(dryRun: Bool) -> String {
        var s = "\(file): read \(read), imported \(imported), updated \(updated), unchanged \(unchanged), rejected \(rejected)"
        if dryRun { s += " (dry run: nothing written)" }
        if let fatal { s += " — file refused: \(fatal)" }
        if let note { s += "\n  " + note }
        if let rejectsPath { s += "\n  rejected rows kept verbatim in \(rejectsPath)" }
        return s
    }
}
