import ArgumentParser

/// The `relance` command: a thin tree over the stage libraries. Each subcommand parses its
/// arguments, opens the workspace, calls one library API and maps the outcome to an exit code.
@main
struct Relance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relance",
        abstract: "Collections (dunning) batch pipeline for Belgian finance teams.",
        discussion: """
            Every command works on a workspace: --workspace DIR, else $RELANCE_WORKSPACE, else the current folder.

            Exit codes: 0 ok; 1 other failure; 64 usage error; 65 bad input data (rows or files rejected);
            66 input file missing; 69 service unavailable; 73 cannot write output; 75 temporary failure
            (e.g. the database is locked by another run).
            """,
        version: "0.1.0",
        subcommands: [Init.self, Ingest.self, Payments.self, Claim.self, Rates.self, DunningCommand.self, ForecastCommand.self, BillingCommand.self, OutboxCommand.self, PeppolCommand.self, Nightly.self, ReportCommand.self, DebtorCommand.self, InvoiceCommand.self, PromiseCommand.self, NoteCommand.self, Status.self, ConfigCommand.self, DB.self, Runs.self]
    )
}
