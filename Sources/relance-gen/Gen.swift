import ArgumentParser
import Foundation
import Ledger

/// `relance-gen`: deterministic canonical Relance CSV files for benchmarks at scale.
@main
struct RelanceGen: ParsableCommand {
    /// Name, abstract and discussion for `--help`.
    static let configuration = CommandConfiguration(
        commandName: "relance-gen",
        abstract: "Write deterministic debtors, invoices and payments CSV files for benchmarks.",
        discussion: """
            Writes debtors.csv, invoices-open.csv, invoices-history.csv and payments-history.csv \
            into --out. The same arguments always give byte-identical files. See docs/GENERATOR.md.
            """)

    /// Output directory.
    @Option(help: "Directory for the CSV files (created when missing).")
    var out: String

    /// Debtor count before scaling.
    @Option(help: "Number of debtors.")
    var debtors: Int = 200_000

    /// Open invoice count before scaling.
    @Option(help: "Number of open invoices (and credit notes) as of the as-of day.")
    var openInvoices: Int = 1_000_000

    /// Paid history count before scaling.
    @Option(help: "Number of paid historical invoices (and settled credit notes).")
    var history: Int = 5_000_000

    /// The seed of every random choice.
    @Option(help: "Seed; the same arguments give byte-identical files.")
    var seed: UInt64 = 42

    /// The as-of day as text.
    @Option(help: "The day open balances are taken, YYYY-MM-DD; no payment is later.")
    var asOf: String = "2026-11-21"

    /// Factor on the three counts.
    @Option(help: "Multiply the three counts, e.g. 0.01 for a quick run.")
    var scale: Double = 1

    /// The day of the daily flow to write instead of the base files.
    @Option(help: ArgumentHelp(
        "Write only that day's flow after the base ledger the other arguments describe, YYYY-MM-DD (after --as-of): "
            + "invoices-DAY.csv (the day's new invoices) and payments-DAY.csv (the day's receipts).",
        valueName: "day"))
    var flowDay: String?

    /// Write the base's reminder history instead of the base files.
    @Flag(help: ArgumentHelp(
        "Write only reminders-history.csv: the reminders of the base's last 60 days, as if Relance had run every night "
            + "(the format `relance ingest reminders` reads)."))
    var reminderHistory = false

    /// Flow invoices per working day before scaling.
    @Option(help: "New invoices per working day in the daily flow (8 % of it on weekends), before --scale.")
    var flowInvoices: Int = 14_000

    /// The as-of day, once validated.
    var asOfDay: Day? { Day(iso: asOf) }

    /// A count times ``scale``, rounded to the nearest whole number.
    func scaled(_ n: Int) -> Int { Int((Double(n) * scale).rounded()) }

    /// Refuses impossible counts, scales and days before anything is written.
    func validate() throws {
        guard scale.isFinite, scale > 0, scale <= 10_000 else {
            throw ValidationError("--scale must be a number above 0 and at most 10000.")
        }
        guard debtors >= 0, openInvoices >= 0, history >= 0 else {
            throw ValidationError("--debtors, --open-invoices and --history cannot be negative.")
        }
        guard let day = asOfDay, (1900...9000).contains(day.year) else {
            throw ValidationError("--as-of must be a day written YYYY-MM-DD between 1900 and 9000, got '\(asOf)'.")
        }
        let invoices = Double(openInvoices + history) * scale
        guard invoices < 1e10 else {
            throw ValidationError("at most 9,999,999,999 invoices: the structured reference has ten base digits.")
        }
        guard scaled(debtors) >= 1 || scaled(openInvoices) + scaled(history) == 0 else {
            throw ValidationError("invoices need at least one debtor; raise --debtors or --scale.")
        }
        if reminderHistory, flowDay != nil {
            throw ValidationError("--reminder-history and --flow-day each write other files: give one of them.")
        }
        if let flowDay {
            guard let flow = Day(iso: flowDay), flow > day, flow.days(since: day) <= 3_650 else {
                throw ValidationError("--flow-day must be a day written YYYY-MM-DD after --as-of (at most ten years), got '\(flowDay)'.")
            }
            guard flowInvoices >= 0, scaled(flowInvoices) < 10_000_000, scaled(debtors) >= 1 else {
                throw ValidationError("--flow-invoices must be between 0 and 9,999,999 after --scale, with at least one debtor.")
            }
        }
    }

    /// Writes the four files and prints the summary.
    func run() throws {
        guard let asOfDay else { throw ValidationError("--as-of must be a day written YYYY-MM-DD.") }
        try SelfCheck.run()
        let clock = ContinuousClock()
        let start = clock.now
        try makeDirectories(out)
        if let flowDay, let day = Day(iso: flowDay) {
            return try writeFlow(day: day, asOf: asOfDay, start: start, clock: clock)
        }
        if reminderHistory {
            return try writeReminderHistory(asOf: asOfDay, start: start, clock: clock)
        }

        let debtorsFile = try OutputFile(path: path("debtors.csv"), header: DebtorWriter.header)
        let profiles = try DebtorWriter.write(count: scaled(debtors), seed: seed, to: debtorsFile)
        try debtorsFile.close()

        let files = InvoiceFiles(
            open: try OutputFile(path: path("invoices-open.csv"), header: InvoiceWriter.invoiceHeader),
            history: try OutputFile(path: path("invoices-history.csv"), header: InvoiceWriter.invoiceHeader),
            payments: try OutputFile(path: path("payments-history.csv"), header: InvoiceWriter.paymentHeader))
        let plan = InvoicePlan(
            openCount: scaled(openInvoices), historyCount: scaled(history), asOf: asOfDay, seed: seed)
        try InvoiceWriter.write(plan: plan, profiles: profiles, files: files)
        for file in [files.open, files.history, files.payments] { try file.close() }

        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let summary = Summary(files: [debtorsFile, files.open, files.history, files.payments], seconds: seconds)
        FileHandle.standardError.write(Data(summary.text(seed: seed, asOf: asOfDay).utf8))
    }

    /// Writes one day's flow (`--flow-day`) and prints the summary.
    private func writeFlow(day: Day, asOf: Day, start: ContinuousClock.Instant, clock: ContinuousClock) throws {
        let files = InvoiceFiles(
            open: try OutputFile(path: path("invoices-\(day).csv"), header: InvoiceWriter.invoiceHeader),
            history: try OutputFile(path: "/dev/null", header: InvoiceWriter.invoiceHeader),
            payments: try OutputFile(path: path("payments-\(day).csv"), header: InvoiceWriter.paymentHeader))
        let plan = InvoicePlan(openCount: scaled(openInvoices), historyCount: scaled(history), asOf: asOf, seed: seed)
        try DailyFlow(plan: plan, invoicesPerDay: scaled(flowInvoices), day: day).write(debtorCount: scaled(debtors), out: files)
        for file in [files.open, files.history, files.payments] { try file.close() }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let summary = Summary(files: [files.open, files.payments], seconds: seconds)
        FileHandle.standardError.write(Data(summary.text(seed: seed, asOf: asOf).replacingOccurrences(
            of: "as of \(asOf)", with: "as of \(asOf), flow of \(day)").utf8))
    }

    /// Writes `reminders-history.csv` (`--reminder-history`) and prints the summary.
    private func writeReminderHistory(asOf: Day, start: ContinuousClock.Instant, clock: ContinuousClock) throws {
        let file = try OutputFile(path: path("reminders-history.csv"), header: ReminderHistory.header)
        let plan = InvoicePlan(openCount: scaled(openInvoices), historyCount: scaled(history), asOf: asOf, seed: seed)
        try ReminderHistory(plan: plan).write(debtorCount: scaled(debtors), out: file)
        try file.close()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        FileHandle.standardError.write(Data(Summary(files: [file], seconds: seconds).text(seed: seed, asOf: asOf).utf8))
    }

    /// A file's path inside the output directory.
    private func path(_ name: String) -> String {
        out.hasSuffix("/") ? out + name : out + "/" + name
    }
}

/// Checks at start-up that the hand-written check digits agree with `Ledger`'s validators.
enum SelfCheck {
    /// Why the generator refuses to run.
    struct Failure: Error, CustomStringConvertible {
        /// What disagreed.
        let description: String
    }

    /// Compares structured references with ``StructuredReference`` and VAT numbers with
    /// ``EnterpriseNumber`` on a sample that covers every residue mod 97.
    static func run() throws {
        let counters: [UInt64] = Array(1...400) + [9_999_999, 123_456_789, 9_999_999_999]
        for n in counters {
            let check = InvoiceWriter.referenceCheck(n)
            let mine = pad(n, 10) + pad(check, 2)
            guard StructuredReference(number: Int64(n))?.digits == mine else {
                throw Failure(description: "internal error: structured reference for \(n) disagrees with Ledger")
            }
        }
        for body in stride(from: 2_000_000, through: 9_999_999, by: 19_997) {
            let vat = "BE0" + pad(UInt64(body), 7) + pad(UInt64(DebtorWriter.vatCheck(body)), 2)
            guard (try? EnterpriseNumber(parsing: vat)) != nil else {
                throw Failure(description: "internal error: VAT number \(vat) does not validate")
            }
        }
    }

    /// `n` zero-padded to `width` digits.
    private static func pad(_ n: UInt64, _ width: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}

/// The closing report on standard error: rows and bytes per file, time and throughput.
struct Summary {
    /// The closed output files.
    let files: [OutputFile]
    /// Wall time of the whole run.
    let seconds: Double

    /// The report text.
    func text(seed: UInt64, asOf: Day) -> String {
        var lines = ["relance-gen: seed \(seed), as of \(asOf)"]
        var rows = 0
        var bytes: Int64 = 0
        for file in files {
            let name = (file.path as NSString).lastPathComponent
            lines.append(line(name, file.rows, file.bytesWritten))
            rows += file.rows
            bytes += file.bytesWritten
        }
        lines.append(line("total", rows, bytes))
        let rate = seconds > 0 ? Double(rows) / seconds : 0
        let mbps = seconds > 0 ? Double(bytes) / 1_000_000 / seconds : 0
        lines.append(String(format: "  %.2f s, %.0f rows/s, %.1f MB/s", seconds, rate, mbps))
        return lines.joined(separator: "\n") + "\n"
    }

    /// One file's line of the report.
    private func line(_ name: String, _ rows: Int, _ bytes: Int64) -> String {
        let padded = name.padding(toLength: max(22, name.count), withPad: " ", startingAt: 0)
        return "  " + padded + String(format: " %10ld rows %12lld bytes (%.1f MB)", rows, bytes, Double(bytes) / 1_000_000)
    }
}
