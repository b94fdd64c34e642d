import ArgumentParser
import Dunning
import Foundation
import Ingest
import Ledger
import Store
import Workspace

/// `relance ingest debtors|invoices|payments FILE...`.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Read CSV exports of debtors, invoices or payments into the ledger.",
        subcommands: [Debtors.self, Invoices.self, Payments.self, Reminders.self, Coda.self, Camt.self, UBL.self, Contracts.self, Usage.self, Index.self])

    struct Debtors: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "debtors", abstract: "Ingest debtors (customers) by debtor_id.")
        @OptionGroup var options: CSVIngestOptions
        func run() throws { try options.run(kind: .debtors) }
    }

    struct Invoices: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "invoices",
            abstract: "Ingest invoices and credit notes by invoice_number.",
            discussion: "With --snapshot the files list every open item: open invoices missing from them are closed as settled outside Relance.")
        @OptionGroup var options: CSVIngestOptions
        func run() throws { try options.run(kind: .invoices) }
    }

    struct Payments: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "payments",
            abstract: "Ingest payments by payment_id and allocate them to open invoices.",
            discussion: """
                A payment that matches nothing is kept as unapplied and reported, never dropped. By default payments \
                are taken as news the invoice export may not show yet (bank receipts): they come off the export's open \
                amount until a later export changes it. With --booked they come from the accounting system's own \
                payment register, already reflected in the open amounts it exports.
                """)
        @OptionGroup var options: CSVIngestOptions
        @Flag(help: "The payments are already reflected in the invoice exports' open amounts (the books' payment register).")
        var booked = false
        func run() throws { try options.run(kind: .payments, booked: booked) }
    }
}

/// `relance ingest coda|camt|ubl`: bank statements and Peppol invoices.
extension Ingest {
    struct Coda: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "coda",
            abstract: "Ingest CODA bank statements: each credit becomes a payment matched to open invoices.",
            discussion: "A statement whose trailer or balance does not add up is refused whole; the same statement twice adds nothing.")
        @OptionGroup var options: DocumentIngestOptions
        func run() throws { try options.run(command: "ingest coda") { store, opts, report in
            try BankIngestor.run(store: store, files: options.files.map(absolute), format: .coda, options: opts, report: report)
        } }
    }

    struct Camt: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "camt",
            abstract: "Ingest camt.053 statements or camt.054 notifications: each credit becomes a matched payment.",
            discussion: "A statement whose balances do not add up is refused whole; the same statement twice adds nothing.")
        @OptionGroup var options: DocumentIngestOptions
        func run() throws { try options.run(command: "ingest camt") { store, opts, report in
            try BankIngestor.run(store: store, files: options.files.map(absolute), format: .camt, options: opts, report: report)
        } }
    }

    struct UBL: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ubl",
            abstract: "Ingest Peppol BIS Billing 3.0 UBL invoices and credit notes (files or folders of .xml files).",
            discussion: "The buyer becomes a debtor, or fills what the debtor with its VAT number lacks; the same file twice adds nothing.")
        @OptionGroup var options: DocumentIngestOptions
        func run() throws { try options.run(command: "ingest ubl") { store, opts, report in
            try UBLIngestor.run(store: store, paths: options.files.map(absolute), options: opts, report: report)
        } }
    }
}

/// Options of the statement and UBL ingest commands.
struct DocumentIngestOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Files (or, for UBL, folders) to read.", valueName: "file"))
    var files: [String]

    @Flag(help: "Validate and report; change nothing.")
    var dryRun = false

    @Option(help: "Business day of the ingest (YYYY-MM-DD).")
    var asOf: Day?

    @Option(help: "Summary format: text, or json (one object per file).")
    var format: SummaryFormat = .text

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file") }
    }

    typealias Body = (LedgerStore, IngestOptions, @escaping (Diagnostic) -> Void) throws -> [FileSummary]

    func run(command: String, _ body: Body) throws {
        try withExitStatus {
            let missing = files.filter { !FileManager.default.fileExists(atPath: absolute($0)) }
            if !missing.isEmpty { throw CLIError(.noInput, "no such file: \(missing.joined(separator: ", "))") }
            let (ws, config, store) = try global.open()
            var opts = IngestOptions(kind: .payments, asOf: asOf ?? config.today(now: Date()))
            opts.reminderGuard = ReminderGuard()
            opts.dryRun = dryRun
            opts.defaultLanguage = config.defaultLanguage
            opts.defaultCountry = config.defaultCountry
            opts.defaultCurrency = config.defaultCurrency
            let ledger = RunLedger(store: store)
            let runID = try ledger.begin(command: command + (dryRun ? " --dry-run" : ""), asOf: opts.asOf.description, at: Date())
            opts.runID = dryRun ? nil : runID
            let summaries: [FileSummary]
            do {
                summaries = try body(store, opts) { Terminal.error($0.description) }
            } catch {
                try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: nil, at: Date())
                throw CLIError.from(database: error, path: ws.databasePath)
            }
            return finishIngest(summaries, format: format, dryRun: dryRun, ledger: ledger, runID: runID)
        }
    }
}

/// Prints the summaries, records the run's outcome and picks the exit status.
func finishIngest(_ summaries: [FileSummary], format: SummaryFormat, dryRun: Bool, ledger: RunLedger, runID: Int64) -> ExitStatus {
    for s in summaries { Terminal.out(format == .json ? s.json : s.text(dryRun: dryRun)) }
    let rejected = summaries.contains { $0.hasRejects }
    let status: ExitStatus = rejected ? .dataError : .ok
    try? ledger.finish(id: runID, outcome: rejected ? "rejected" : "ok", exitCode: status.rawValue,
                       summary: "[" + summaries.map(\.json).joined(separator: ",") + "]", at: Date())
    return status
}

/// Output formats of the ingest summary.
enum SummaryFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Options shared by the CSV ingest commands.
struct CSVIngestOptions: ParsableArguments {
    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("CSV files to read.", valueName: "file"))
    var files: [String]

    @Option(help: ArgumentHelp("TOML file naming the export's columns, encoding, delimiter, decimal separator or date format.", valueName: "file"))
    var mapping: String?

    @Option(help: "The files' encoding, utf-8 or windows-1252, when detection must not decide (wins over the mapping's).")
    var encoding: String?

    @Flag(help: "The files are the complete list of open invoices: close open invoices missing from them.")
    var snapshot = false

    @Flag(help: "Validate and report; change nothing and write no rejects file.")
    var dryRun = false

    @Option(help: "Business day of the ingest (YYYY-MM-DD).")
    var asOf: Day?

    @Option(help: "Summary format: text, or json (one object per file).")
    var format: SummaryFormat = .text

    @Option(help: "Print at most this many error lines per file (all of them are in the rejects file).")
    var maxErrors = 100

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one CSV file") }
    }

    func run(kind: IngestKind, booked: Bool = false) throws {
        try withExitStatus {
            if snapshot && kind != .invoices { throw CLIError(.usage, "--snapshot applies to invoices only") }
            let missing = files.filter { !FileManager.default.fileExists(atPath: absolute($0)) }
            if !missing.isEmpty { throw CLIError(.noInput, "no such file: \(missing.joined(separator: ", "))") }
            let (ws, config, store) = try global.open()
            var opts = IngestOptions(kind: kind, asOf: asOf ?? config.today(now: Date()))
            opts.reminderGuard = ReminderGuard()
            if let mapping {
                do { opts.mapping = try Mapping.load(path: absolute(mapping)) } catch let p as Mapping.Problem {
                    throw CLIError(.config, p.description)
                }
            }
            if let encoding {
                guard let e = TextEncoding(name: encoding) else { throw CLIError(.usage, "--encoding: expected utf-8 or windows-1252") }
                opts.encoding = e
            }
            opts.snapshot = snapshot
            opts.dryRun = dryRun
            opts.booked = booked
            opts.promiseGraceDays = config.dunning.promiseGraceDays
            opts.defaultLanguage = config.defaultLanguage
            opts.defaultCountry = config.defaultCountry
            opts.defaultCurrency = config.defaultCurrency
            opts.rejectsDirectory = ws.path(config.rejectsDir)
            let ledger = RunLedger(store: store)
            let command = "ingest \(kind.rawValue)" + (dryRun ? " --dry-run" : "") + (snapshot ? " --snapshot" : "")
                + (booked ? " --booked" : "")
            let runID = try ledger.begin(command: command, asOf: opts.asOf.description, at: Date())
            opts.runID = dryRun ? nil : runID
            let bar = ProgressBar.start("ingest")
            defer { bar?.finish() }
            opts.progress = { [bar] file, done, size in bar?.update(done, total: size, label: "ingest \(file)", unit: .bytes) }
            var shown: [String: Int] = [:]
            let limit = maxErrors
            let summaries: [FileSummary]
            do {
                summaries = try Ingestor.run(store: store, files: files.map(absolute), options: opts) { d in
                    if d.severity == .error {
                        shown[d.file, default: 0] += 1
                        if shown[d.file]! > limit {
                            if shown[d.file]! == limit + 1 { Terminal.error("\(d.file): more errors not shown; see the rejects file") }
                            return
                        }
                    }
                    Terminal.error(d.description)
                }
            } catch {
                try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: nil, at: Date())
                throw CLIError.from(database: error, path: ws.databasePath)
            }
            bar?.finish()
            return finishIngest(summaries, format: format, dryRun: dryRun, ledger: ledger, runID: runID)
        }
    }
}

extension FileSummary {
    /// `{"file":…,"read":…,"imported":…,"updated":…,"unchanged":…,"rejected":…}`.
    var json: String {
        var w = JSONWriter()
        w.beginObject()
        w.field("file", file)
        w.field("read", read)
        w.field("imported", imported)
        w.field("updated", updated)
        w.field("unchanged", unchanged)
        w.field("rejected", rejected)
        w.endObject()
        return w.text
    }

    func text(dryRun: Bool) -> String {
        var s = "\(file): read \(read), imported \(imported), updated \(updated), unchanged \(unchanged), rejected \(rejected)"
        if dryRun { s += " (dry run: nothing written)" }
        if let note { s += "\n  " + note }
        if let fatal { s += " — file refused: \(fatal)" }
        if unapplied > 0 { s += "\n  \(unapplied) payment(s) left unapplied; see `relance status`" }
        if closedBySnapshot > 0 { s += "\n  snapshot: \(closedBySnapshot) open invoice(s) missing from the export closed as settled outside Relance" }
        if let rejectsPath { s += "\n  rejected rows kept verbatim in \(rejectsPath)" }
        if imported == 0 && updated == 0 && rejected == 0 && fatal == nil && read > 0 { s += "\n  nothing changed: every row was already in the ledger" }
        return s
    }
}
