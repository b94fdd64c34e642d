import ArgumentParser
import Foundation
import Ledger
import Reports
import Store

/// `relance report aging|forecast|dunning|outbox|worklist`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Finance reports: aging, cash forecast, dunning activity, outbox, worklist.",
        discussion: """
            HTML is one self-contained file (inline CSS and SVG, no scripts), printable on A4. CSV amounts are numbers; \
            text from the ledger that a spreadsheet would run as a formula gets a leading '. Without --out the report \
            goes to standard output.
            """,
        subcommands: [Aging.self, Forecast.self, Dunning.self, Outbox.self, Worklist.self, Morning.self])

    struct Morning: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "morning",
            abstract: "The night's folder: every report, trends, debtor pages and index.html, the morning page (what the nightly writes).",
            discussion: "Writes into FOLDER/DAY/ (default [reports] folder); sends no e-mail. Prints the needs-a-look list.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Day of the reports (YYYY-MM-DD); default today in the workspace's time zone.")
        var asOf: Day?
        @Option(help: ArgumentHelp("The reports folder; default [reports] folder.", valueName: "folder"))
        var folder: String?

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let r = config.reports
                let day = asOf ?? config.today(now: Date())
                let options = ReportOptions(csvDialect: CSVDialect(name: r.csvDialect) ?? .excelBE, topRows: r.topRows, generatedAt: Date(),
                                            company: config.company.name.isEmpty ? nil : config.company.name,
                                            language: config.defaultLanguage)
                do {
                    let m = try Reports.writeMorning(asOf: day, store: store, folder: folder.map(absolute) ?? ws.path(r.folder),
                                                     formats: r.formats.compactMap(ReportFormat.init), options: options,
                                                     workspace: ws.root)
                    for line in m.needsALook { print(line) }
                    Terminal.error("wrote \(m.paths.count) files, \(m.debtorPages) debtor pages: \(m.index)")
                } catch let e as ReportError {
                    throw CLIError(.cannotWrite, e.description)
                } catch let e as CLIError {
                    throw e
                } catch {
                    throw CLIError.from(database: error, path: ws.databasePath)
                }
                return .ok
            }
        }
    }

    struct Aging: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "aging",
            abstract: "Open balance per debtor and by age (not due, 1–30, 31–60, 61–90, > 90 days), DSO, top debtors.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.aging) }
    }

    struct Forecast: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "forecast",
            abstract: "13-week cash-in forecast with its P10–P90 band; expected against actual for past weeks.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.forecast) }
    }

    struct Dunning: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dunning",
            abstract: "Reminders of last night and this month per step and channel, amounts claimed, exclusions.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.dunning) }
    }

    struct Outbox: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "outbox",
            abstract: "E-mail queued, deferred and bounced with the reasons; age of the oldest waiting message.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.outbox) }
    }

    struct Worklist: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "worklist",
            abstract: "Who to call first: overdue debtors by expected amount at risk, with the reasons.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.worklist) }
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension CSVDialect: ExpressibleByArgument {
    /// `excel` or `plain` (and the older `excel-be`, `standard`).
    public init?(argument: String) { self.init(name: argument) }
    /// The names `--help` lists.
    public static var allValueStrings: [String] { ["excel", "plain"] }
}

/// The options every report takes.
struct ReportArguments: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(help: "Day of the report (YYYY-MM-DD); default today in the workspace's time zone.")
    var asOf: Day?
    @Option(help: "html, csv or json.")
    var format: ReportFormat = .html
    @Option(help: ArgumentHelp("Write to this file (mode 0600) instead of standard output.", valueName: "file"))
    var out: String?
    @Option(name: [.customLong("dialect"), .customLong("csv-dialect")],
            help: "CSV dialect: excel (; decimal comma, BOM, the report's main table, headers in the workspace language) or plain (, and ., every table in blocks); default from [reports] (excel).")
    var csvDialect: CSVDialect?
    @Flag(help: "Short for --dialect excel.")
    var excel = false
    @Option(help: "Rows in the top tables and in HTML listings; default from [reports] (25).")
    var top: Int?

    func validate() throws {
        if excel && csvDialect == .standard { throw ValidationError("--excel contradicts --dialect plain") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run(_ kind: ReportKind) throws {
        try withExitStatus {
            let (ws, config, store) = try global.open()
            let day = asOf ?? config.today(now: Date())
            let dialect = excel ? .excelBE : (csvDialect ?? CSVDialect(name: config.reports.csvDialect) ?? .excelBE)
            let options = ReportOptions(csvDialect: dialect, topRows: top ?? config.reports.topRows, generatedAt: Date(),
                                        company: config.company.name.isEmpty ? nil : config.company.name,
                                        language: config.defaultLanguage)
            do {
                if let out {
                    let path = absolute(out)
                    try Reports.write(kind: kind, format: format, asOf: day, store: store, to: path, options: options)
                    Terminal.error("wrote \(path)")
                } else {
                    try Reports.write(kind: kind, format: format, asOf: day, store: store, fd: FileHandle.standardOutput.fileDescriptor,
                                      options: options)
                }
            } catch let e as ReportError {
                throw CLIError(.cannotWrite, e.description)
            } catch let e as CLIError {
                throw e
            } catch {
                throw CLIError.from(database: error, path: ws.databasePath)
            }
            return .ok
        }
    }
}
