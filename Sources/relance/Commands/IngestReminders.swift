import ArgumentParser
import Dunning
import Foundation
import Ingest
import Ledger
import Pipeline
import Store
import Workspace

/// `relance ingest reminders FILE`: reminders sent outside Relance.
extension Ingest {
    struct Reminders: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reminders",
            abstract: "Ingest reminders sent outside Relance: the ladder continues from there.",
            discussion: """
                One row per reminder: invoice_number or debtor_id (every invoice of the debtor due before the day), day, \
                step (a step name of the debtor's ladder) or level (1 = the ladder's first step after the due date), and \
                optionally channel. Any bad row refuses the whole file (exit 65, nothing written); the same file twice \
                changes nothing. See docs/INGEST.md.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("CSV files to read.", valueName: "file")) var files: [String]
        @Option(help: "Business day of the ingest (YYYY-MM-DD): reminders after it are refused.") var asOf: Day?

        func validate() throws {
            if files.isEmpty { throw ValidationError("name at least one CSV file") }
        }

        func run() throws {
            try withExitStatus {
                let missing = files.filter { !FileManager.default.fileExists(atPath: absolute($0)) }
                if !missing.isEmpty { throw CLIError(.noInput, "no such file: \(missing.joined(separator: ", "))") }
                let (ws, config, store) = try global.open()
                let now = Date()
                let actor = Actor(who: ActionJournal.currentUser(), at: now, today: asOf ?? config.today(now: now))
                let ledger = RunLedger(store: store)
                let runID = try ledger.begin(command: "ingest reminders", asOf: actor.today.description, at: now)
                let outlines = try DunningSetup.outlines(ws, config)
                var status = ExitStatus.ok
                for f in files.map(absolute) {
                    let (summary, problems) = try Self.ingest(store: store, path: f, ladders: outlines, actor: actor)
                    for p in problems { Terminal.error(p.description) }
                    Terminal.out(summary.text + (problems.isEmpty ? "" : " — file refused, nothing written"))
                    if !problems.isEmpty { status = .dataError }
                }
                try? ledger.finish(id: runID, outcome: status == .ok ? "ok" : "rejected", exitCode: status.rawValue, summary: nil, at: Date())
                return status
            }
        }

        /// One file in one transaction; a refused file rolls back.
        static func ingest(store: LedgerStore, path: String, ladders: [String: ExternalReminders.LadderOutline], actor: Actor) throws
            -> (ExternalReminders.Summary, [Diagnostic])
        {
            var result: (ExternalReminders.Summary, [Diagnostic])? = nil
            try store.pool.writeWithoutTransaction { db in
                try db.inTransaction {
                    let r = try ExternalReminders.ingest(db, path: path, ladders: ladders, by: actor)
                    result = r
                    if !r.1.isEmpty { return .rollback }
                    try ReminderGuard.cancelOutdated(db, at: actor.at)
                    return .commit
                }
            }
            return result ?? (ExternalReminders.Summary(file: (path as NSString).lastPathComponent), [])
        }
    }
}

extension ExternalReminders.Summary {
    /// One line per file.
    var text: String {
        "\(file): read \(read), recorded \(recorded), unchanged \(unchanged), ladder moved for \(advanced) invoice(s), rejected \(rejected)"
    }
}
