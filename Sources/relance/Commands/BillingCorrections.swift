import ArgumentParser
import Billing
import Foundation
import Ledger
import Store

extension BillingCommand {
    /// `relance billing channel DEBTOR peppol|email [--peppol-id SCHEME:ID]`.
    struct Channel: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "channel",
            abstract: "Send a debtor's billing invoices by Peppol (UBL) or by e-mail (PDF).",
            discussion: """
                Without a choice, a B2B debtor with a Belgian enterprise (BE) VAT number or a Peppol id gets Peppol and \
                everyone else e-mail. A foreign company needs its Peppol participant id (--peppol-id 9944:NL859915424B01). \
                Refused (exit 65) when Peppol is asked for a debtor without a valid enterprise number or Peppol id.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The debtor's debtor_id.") var debtor: String
        @Argument(help: "peppol or email.") var channel: String
        @Option(help: ArgumentHelp("The debtor's Peppol participant id.", valueName: "SCHEME:ID")) var peppolID: String?

        func run() throws {
            try withExitStatus {
                guard let c = InvoiceChannel(rawValue: channel) else { throw CLIError(.usage, "the channel is peppol or email") }
                let (_, _, store) = try global.open()
                do {
                    let participant = try InvoiceChannelSetting.set(store: store, debtor: debtor, channel: c, peppolID: peppolID, now: Date())
                    Terminal.out("debtor \(debtor): " + (participant.map { "Peppol to \($0)" } ?? "e-mail"))
                } catch let e as InvoiceChannelSetting.Problem {
                    throw CLIError(.dataError, "debtor \(debtor): \(e)")
                }
                return .ok
            }
        }
    }

    /// `relance billing credit INVOICE --reason TEXT [--date DAY]`.
    struct Credit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "credit",
            abstract: "Credit a billing invoice in full: a credit note (PDF, and UBL on Peppol) under its own sequence.",
            discussion: """
                The credit note takes the next number of the sequence billing.number_prefix + "C" (FC2027-000001), credits \
                every line with the same VAT, refers to the invoice, and enters the ledger as an open credit note. It goes \
                the way the debtor's invoices go: Peppol (relance peppol flush) or e-mail. An invoice is credited once.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The invoice number.") var invoice: String
        @Option(help: "Why (printed on the credit note).") var reason: String
        @Option(help: "The credit note's date (YYYY-MM-DD); today by default.") var date: Day?

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let day = date ?? config.today(now: Date())
                let ledger = RunLedger(store: store)
                let runID = try ledger.begin(command: "billing credit \(invoice)", asOf: day.description, at: Date())
                do {
                    let r = try CreditNoteIssue.run(store: store, workspace: ws, config: config, invoice: invoice, reason: reason,
                                                    issue: day, runID: runID)
                    Terminal.out(r.text)
                    try? ledger.finish(id: runID, outcome: "ok", exitCode: 0, summary: nil, at: Date())
                } catch let e as BillingError {
                    let status: ExitStatus = switch e {
                    case .credit: .dataError
                    case .company: .config
                    case .cannotWrite, .render: .cannotWrite
                    default: .failure
                    }
                    try? ledger.finish(id: runID, outcome: "failed", exitCode: status.rawValue, summary: nil, at: Date())
                    throw CLIError(status, e.description)
                }
                return .ok
            }
        }
    }
}
