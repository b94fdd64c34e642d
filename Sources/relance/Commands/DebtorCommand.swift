import ArgumentParser
import Foundation
import Outbox
import Reports
import Store
import Workspace

/// `relance debtor show|hold|release|set|erase`.
struct DebtorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debtor", abstract: "A debtor's statement, hold, direct debit and personal data.",
        subcommands: [Show.self, Hold.self, Release.self, Set.self, Erase.self])

    struct Erase: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "erase",
            abstract: "Erase a debtor's personal data, keeping the amounts for the books.",
            discussion: """
                Clears the name (it becomes erased-ID), VAT number, e-mail, address and phone; cancels the debtor's messages \
                not yet sent and blanks every message about it; removes its letters and e-mail copies; clears payer names, \
                IBANs and free texts of its payments (under its key, applied to its invoices, or bank payments from an \
                account learnt as its alone or in its name) and deletes their change history; puts the debtor on hold. Invoices, payments and \
                reminders keep their amounts. Every other workspace file holding the debtor's name, e-mail, street, VAT \
                number, phone or payer name (rejects, processed exports, reports, previews, pickup mail) is rewritten with \
                erased-ID in their place, or removed when it is binary or a db export archive; each is listed. Backups \
                and files outside the workspace are not reached (printed). The erasure is logged (who, when, counts). \
                Refused with exit 75 while a message for the debtor is being delivered, unless --force. See docs/DATA-RIGHTS.md.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The debtor's key (its customer number in the exports).")
        var id: String
        @Flag(help: "Erase even while a message for the debtor is being delivered.")
        var force = false

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let outcome: DebtorErasure.Outcome
                do {
                    outcome = try Self.erase(id, ws: ws, config: config, store: store, force: force, actor: DataRights.currentActor())
                } catch let r as DebtorErasure.Refusal {
                    switch r {
                    case .unknownDebtor: throw CLIError(.dataError, r.description)
                    case .inFlight: throw CLIError(.tempFailure, r.description)
                    }
                } catch {
                    throw CLIError.from(database: error, path: ws.databasePath)
                }
                Terminal.out("erased debtor \(outcome.debtorKey)\(outcome.forced ? " (forced while a message was in flight)" : ""): "
                    + "\(outcome.messagesCancelled) message(s) cancelled, \(outcome.messagesScrubbed) blanked, "
                    + "\(outcome.paymentsScrubbed) payment(s) cleared (\(outcome.bankPaymentsScrubbed) of them found by its bank accounts or name), "
                    + "\(outcome.historyRowsDeleted) history row(s) deleted, "
                    + "\(outcome.filesRemoved.count) file(s) removed, \(outcome.filesRewritten.count) rewritten")
                for f in outcome.filesRemoved { Terminal.out("  removed   " + Self.relative(f, ws.root)) }
                for f in outcome.filesRewritten { Terminal.out("  rewritten " + Self.relative(f, ws.root)) }
                for f in outcome.filesLeft {
                    Terminal.out("  left      " + Self.relative(f, ws.root) + " (an input or a file Relance did not write; it still holds the data)")
                }
                Terminal.out("not reached: the backups in \(config.backup.folder)/ still hold the data until the retention policy "
                    + "removes them, and so does any copy outside the workspace (an export written with --out elsewhere, a "
                    + "file someone saved); see docs/DATA-RIGHTS.md")
                return .ok
            }
        }

        /// Erases one debtor with the workspace's folders (letters, pickup copies).
        static func erase(_ key: String, ws: Workspace, config: WorkspaceConfig, store: LedgerStore, force: Bool,
                          actor: String) throws -> DebtorErasure.Outcome {
            let pickup = ws.path(config.mail.pickupDir)
            return try DebtorErasure.erase(
                debtorKey: key, store: store, workspaceRoot: ws.root, outFolder: ws.out,
                pickupFile: { (pickup as NSString).appendingPathComponent(PickupTransport.fileName(for: $0)) },
                force: force, actor: actor, at: Date(), keepFolders: [config.backup.folder])
        }

        /// `path` relative to the workspace root, for the list of changed files.
        static func relative(_ path: String, _ root: String) -> String {
            let r = (root as NSString).standardizingPath + "/"
            return path.hasPrefix(r) ? String(path.dropFirst(r.count)) : path
        }
    }
}
