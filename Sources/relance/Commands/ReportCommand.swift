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
        subcommands: [Aging.self, Forecast.self, Dunning.self, Outbox.self, Worklist.self])

    struct Aging: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open balance per debtor and by age (not due, 1–30, 31–60, 61–90, > 90 days), DSO, top debtors.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.aging) }
    }

    struct Forecast: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "13-week cash-in forecast with its P10–P90 band; expected against actual for past weeks.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.forecast) }
    }

    struct Dunning: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reminders of last night and this month per step and channel, amounts claimed, exclusions.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.dunning) }
    }

    struct Outbox: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "E-mail queued, deferred and bounced with the reasons; age of the oldest waiting message.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.outbox) }
    }

    struct Worklist: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Who to call first: overdue debtors by expected amount at risk, with the reasons.")
        @OptionGroup var options: ReportArguments
        func run() throws { try options.run(.worklist) }
    }
}

extension ReportFormat: ExpressibleByArgument {}
extension CSVDialect: ExpressibleByArgument {}

/// The options every report takes.
struct ReportArguments: ParsableArguments {
    @OptionGroup var global: GlobalOptions
    @Option(help: "Day of the report (YYYY-MM-DD); default today in the workspace's time zone.")
    var asOf: Day?
    @Option(help: "html, csv or json.")
    var format: ReportFormat = .html
    @Option(help: ArgumentHelp("Write to this file (mode 0600) instead of standard output.", valueName: "file"))
    var out: String?
    @Option(help: "CSV dialect: standard (, and .) or excel-be (; and decimal comma, UTF-8 BOM); default from [reports].")
    var csvDialect: CSVDialect?
    @Flag(help: "Short for --csv-dialect excel-be.")
    var excel = false
    @Option(help: "Rows in the top tables and in HTML listings; default from [reports] (25).")
    var top: Int?

    func validate() throws {
        if excel && csvDialect == .standard { throw ValidationError("--excel contradicts --csv-dialect standard") }
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
    }

    func run(_ kind: ReportKind) throws {
        try withExitStatus {
            let (ws, config, store) = try global.open()
            let day = asOf ?? config.today(now: Date())
            let dialect = excel ? .excelBE : (csvDialect ?? CSVDialect(rawValue: config.reports.csvDialect) ?? .standard)
            let options = ReportOptions(csvDialect: dialect, topRows: top ?? config.reports.topRows, generatedAt: Date(),
                                        company: config.company.name.isEmpty ? nil : config.company.name)
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
