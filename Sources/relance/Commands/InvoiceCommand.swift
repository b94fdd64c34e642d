import ArgumentParser
import Ingest

/// `relance invoice dispute|resolve`.
struct InvoiceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invoice", abstract: "Disputes on single invoices.", subcommands: [Dispute.self, Resolve.self])

    struct Dispute: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dispute",
            abstract: "Flag an invoice as disputed: it is left out of reminders until resolved.",
            discussion: "A dispute set here survives later exports until `relance invoice resolve`.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The invoice number.") var number: String
        @Option(help: "Why (shown in `debtor show` and the journal).") var reason: String

        func run() throws {
            try ControlAction.run(global, command: "invoice dispute") { db, actor, _ in
                try Controls.dispute(db, invoice: number, reason: reason, by: actor)
            }
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve an invoice's dispute: it is reminded again.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The invoice number.") var number: String

        func run() throws {
            try ControlAction.run(global, command: "invoice resolve") { db, actor, _ in try Controls.resolve(db, invoice: number, by: actor) }
        }
    }
}
