import ArgumentParser
import Dunning
import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Workspace

/// Runs one credit-control action (`debtor hold`, `invoice dispute`, `promise add`, `note add`, …):
/// one transaction, recorded in the run ledger; a refusal writes nothing and exits 65.
enum ControlAction {
    /// Opens the workspace, runs `body` in a write transaction with the OS user as actor, prints its outcome.
    static func run(_ global: GlobalOptions, command: String, asOf: Day? = nil,
                    _ body: @escaping (Database, Actor, WorkspaceConfig) throws -> ControlOutcome) throws {
        try withExitStatus {
            let (ws, config, store) = try global.open()
            let now = Date()
            let actor = Actor(who: ActionJournal.currentUser(), at: now, today: asOf ?? config.today(now: now))
            let ledger = RunLedger(store: store)
            let runID = try ledger.begin(command: command, asOf: actor.today.description, at: now)
            do {
                let outcome = try store.pool.write { db in
                    let o = try body(db, actor, config)
                    // A queued reminder whose figures this changed (a payment allocated or unallocated by hand) must not go out.
                    try ReminderGuard.cancelOutdated(db, at: now)
                    return o
                }
                Terminal.out(outcome.message)
                try? ledger.finish(id: runID, outcome: "ok", exitCode: 0, summary: nil, at: Date())
                return .ok
            } catch let r as ControlRefusal {
                try? ledger.finish(id: runID, outcome: "rejected", exitCode: ExitStatus.dataError.rawValue, summary: r.message, at: Date())
                throw CLIError(.dataError, r.message)
            } catch {
                try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: nil, at: Date())
                throw CLIError.from(database: error, path: ws.databasePath)
            }
        }
    }
}

/// `on` or `off`.
enum OnOff: String, ExpressibleByArgument, CaseIterable { case on, off }
