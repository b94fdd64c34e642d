import ArgumentParser
import Billing
import Foundation
import Ledger
import Store
import Workspace

/// `relance billing run|notify-indexation|suspensions|channel|credit`.
struct BillingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "billing", abstract: "Subscription billing with Agoria price indexation.",
        subcommands: [Run.self, NotifyIndexation.self, Suspensions.self, Channel.self, Credit.self])

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Invoice every contract for a month: subscription in advance, usage in arrears, indexation in its month.",
            discussion: """
                Each invoice gets the next number of a gapless sequence, a structured communication, VAT per line, a PDF \
                and a queued e-mail, and enters the ledger with source = billing. A debtor on Peppol (a Belgian company \
                with its enterprise number; see billing channel) gets a Peppol BIS 3.0 UBL invoice, with the PDF inside, \
                queued for relance peppol flush, instead of the e-mail. Rerunning a month changes nothing; a run stopped \
                halfway continues where it stopped. A missing index month stops the run before anything is written \
                (exit 65). A Peppol invoice with a bad enterprise number, 0 % VAT without an exemption reason or totals \
                that do not reconcile is refused before anything is written for it, the rest goes on, exit 65.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The month to invoice.", valueName: "YYYY-MM")) var period: String
        @Flag(help: "Compute and report; write nothing.") var dryRun = false
        @Option(help: "Output: text, or json (the lines created, or that would be).") var format: SummaryFormat = .text

        func run() throws {
            try withExitStatus {
                guard let month = Month(text: period) else { throw CLIError(.usage, "--period must be a month written YYYY-MM") }
                let (ws, config, store) = try global.open()
                let ledger = RunLedger(store: store)
                let runID = try ledger.begin(command: "billing run --period \(month)" + (dryRun ? " --dry-run" : ""),
                                             asOf: month.firstDay.description, at: Date())
                var options = BillingRunOptions(period: month)
                options.dryRun = dryRun
                options.runID = runID
                let result: BillingRunResult
                do {
                    result = try BillingRun.run(store: store, workspace: ws, config: config, options: options)
                } catch let e as BillingError {
                    let error = CLIError(.billing(e))
                    try? ledger.finish(id: runID, outcome: "failed", exitCode: error.status.rawValue, summary: nil, at: Date())
                    throw error
                } catch {
                    try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: nil, at: Date())
                    throw CLIError.from(database: error, path: ws.databasePath)
                }
                Terminal.out(format == .json ? result.json : result.text)
                if format == .json { Terminal.error(result.text) }
                for w in result.warnings { Terminal.error("warning: \(w)") }
                let status: ExitStatus = result.refused.isEmpty ? .ok : .dataError
                try? ledger.finish(id: runID, outcome: result.refused.isEmpty ? "ok" : "rejected", exitCode: status.rawValue,
                                   summary: JSONWriter.counts(["invoices": result.invoices, "lines": result.lines.count,
                                                               "already_invoiced": result.alreadyInvoiced, "peppol": result.peppol,
                                                               "refused": result.refused.count]),
                                   at: Date())
                return status
            }
        }
    }

    struct NotifyIndexation: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "notify-indexation",
            abstract: "Announce next indexation to every indexed contract: old price and expected new price, by letter and e-mail.",
            discussion: "Refused less than two months (billing.notice_lead_months) before the indexation date unless --allow-late.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The year of the indexation (its date is the first day of billing.indexation_month).") var year: Int
        @Option(help: "The day the notices are sent (YYYY-MM-DD).") var asOf: Day?
        @Flag(help: "Send even though the notice period has started (with a warning).") var allowLate = false
        @Flag(help: "List the notices; queue and write nothing.") var dryRun = false

        func run() throws {
            try withExitStatus {
                guard (1900...2199).contains(year) else { throw CLIError(.usage, "--year must be a year such as 2027") }
                let (ws, config, store) = try global.open()
                let day = asOf ?? config.today(now: Date())
                let result: IndexationNoticeResult
                do {
                    result = try IndexationNotice.run(store: store, workspace: ws, config: config, year: year, asOf: day,
                                                      allowLate: allowLate, dryRun: dryRun)
                } catch let e as BillingError {
                    if case .noticeTooLate = e { throw CLIError(.usage, e.description) }
                    throw CLIError(.failure, e.description)
                }
                if result.late {
                    Terminal.error("warning: the notice period started on \(result.deadline.adding(days: 1)): these notices are late for the indexation of \(result.indexationDate)")
                }
                for l in result.lines { Terminal.out(l.row) }
                let pending = result.lines.filter { $0.expected == nil }.count
                Terminal.error("\(result.lines.count) notice(s) for the indexation of \(result.indexationDate), \(pending) pending an index, "
                    + "\(result.lines.filter(\.mailed).count) e-mail(s) \(dryRun ? "would be " : "")queued")
                return .ok
            }
        }
    }

    struct Suspensions: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suspensions",
            abstract: "Flag contracts with unpaid invoices, send the formal notice, suspend, reactivate after payment.",
            discussion: """
                Past the due date and billing.suspension_grace_days: flagged and noticed. Still unpaid \
                billing.suspension_notice_days after the notice: suspended (no invoice while suspended). Paid: reactivated, \
                and the next invoice carries billing.reactivation_fee.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The day to check (YYYY-MM-DD).") var asOf: Day?
        @Flag(help: "List the changes; write nothing.") var dryRun = false

        func run() throws {
            try withExitStatus {
                let (_, config, store) = try global.open()
                let day = asOf ?? config.today(now: Date())
                let changes = try SuspensionCheck.run(store: store, config: config, asOf: day, dryRun: dryRun)
                for c in changes { Terminal.out(c.row) }
                Terminal.error("suspension check for \(day): \(changes.count) change(s)" + (dryRun ? " (dry run: nothing written)" : ""))
                return .ok
            }
        }
    }
}
