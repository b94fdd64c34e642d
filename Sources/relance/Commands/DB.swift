import ArgumentParser
import Foundation
import Reports
import Store
import Workspace

/// `relance db migrate|backup|restore|export`.
struct DB: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db", abstract: "Database maintenance: migrations, backups, restore, export.",
        subcommands: [Migrate.self, Backup.self, Restore.self, Export.self])

    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending schema migrations and list them.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try withExitStatus {
                let ws = global.resolve()
                let store = try LedgerStore(path: ws.databasePath, migrate: false)
                let applied = try store.migrate()
                Terminal.out(applied.isEmpty ? "schema up to date" : "applied: " + applied.joined(separator: ", "))
                return .ok
            }
        }
    }

    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backup",
            abstract: "Snapshot the database into the backup folder (mode 0600) and apply the retention policy.",
            discussion: """
                Uses SQLite's online backup API: a consistent copy even while another command writes. Files are named \
                relance-YYYY-MM-DDTHHMMSS.sqlite (workspace time zone). Keeps the newest backup of each of the latest \
                [backup] keep_daily days (14) and keep_monthly months (12); removes the other relance-*.sqlite files.
                Each copy is checked first: PRAGMA quick_check, and the row counts of debtor, invoice, payment, \
                dunning_event and outbox_message against the newest verified backup (a drop of more than half needs \
                --accept-shrink). A copy that fails is kept as relance-…-suspect.sqlite, replaces and removes nothing, \
                and the command exits 65.
                """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Accept a backup whose core tables hold less than half the rows of the previous one.")
        var acceptShrink = false

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let backup = config.backup
                let outcome: Backups.Outcome
                do {
                    outcome = try Backups.backup(
                        store: store, folder: ws.path(backup.folder), at: Date(),
                        timeZone: TimeZone(identifier: config.timeZone) ?? .gmt,
                        policy: Backups.Policy(daily: backup.keepDaily, monthly: backup.keepMonthly), acceptShrink: acceptShrink)
                } catch let e as ReportError {
                    throw CLIError(.cannotWrite, e.description)
                } catch let e as Backups.Failure {
                    throw CLIError(e.suspect == nil ? .cannotWrite : .dataError, e.description)
                }
                Terminal.out("backup \(outcome.path) (\(outcome.bytes) bytes)"
                    + (outcome.removed.isEmpty ? "" : "; removed \(outcome.removed.count) older backup(s)"))
                return .ok
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore",
            abstract: "Replace the database with a backup, after an integrity check.",
            discussion: """
                Refuses a file that fails PRAGMA integrity_check or is not a Relance database of this or an older version \
                (exit 65). The current database is first copied to relance.sqlite.before-restore, then the backup is copied \
                over it in one transaction and migrated. A current database that is missing, empty, truncated or damaged \
                is moved aside as relance.sqlite.before-restore (with its -wal and -shm) and the backup put in its place. \
                Stop the nightly timer first (see schedules/README.md).
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The backup file.")
        var file: String

        func run() throws {
            try withExitStatus {
                let ws = global.resolve()
                guard ws.exists else { throw CLIError(.usage, "\(ws.root) is not a Relance workspace (no relance.toml)") }
                do {
                    let outcome = try DatabaseRestore.restore(from: absolute(file), databasePath: ws.databasePath,
                                                              actor: DataRights.currentActor(), at: Date())
                    Terminal.out("restored \(absolute(file)); the previous database is in \(outcome.before)"
                        + (outcome.migrated.isEmpty ? "" : "; migrated: " + outcome.migrated.joined(separator: ", ")))
                    if outcome.replacedDamaged {
                        Terminal.error("warning: the previous database could not be read, so its data-rights log could not be "
                            + "checked: redo any `relance debtor erase` made after the backup (docs/DATA-RIGHTS.md)")
                    }
                    let store = try LedgerStore(path: ws.databasePath)
                    try WorkspaceIdentity.confirm(store: store, recordPath: ws.path(WorkspaceIdentity.recordName), at: Date())
                    try redoErasures(outcome.erasuresToRedo, ws: ws)
                } catch let f as DatabaseRestore.Failure {
                    switch f {
                    case .missing: throw CLIError(.noInput, f.description)
                    case .damaged, .notRelance: throw CLIError(.dataError, f.description)
                    case .failed: throw CLIError(.failure, f.description)
                    }
                } catch let e as Backups.Failure {
                    throw CLIError(.cannotWrite, e.description)
                } catch let e as ReportError {
                    throw CLIError(.cannotWrite, e.description)
                }
                return .ok
            }
        }

        /// A backup made before an erasure holds the erased debtor's data again: erase it again.
        func redoErasures(_ keys: [String], ws: Workspace) throws {
            guard !keys.isEmpty else { return }
            let (_, config, store) = try global.open()
            for key in keys {
                let o = try DebtorCommand.Erase.erase(key, ws: ws, config: config, store: store, force: true,
                                              actor: DataRights.currentActor() + " (restore)")
                Terminal.out("erased debtor \(key) again: the backup predates its erasure (\(o.filesRemoved.count) file(s) removed)")
            }
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Every table as CSV in one .tar.gz (mode 0600), so the data can be taken away.",
            discussion: """
                The archive holds relance-export/<table>.csv for every table and a manifest.json with the row counts. \
                Text starting with =, +, - or @ gets a leading ' unless --raw. The export is logged.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("The archive to write; default out/relance-export-<instant>.tar.gz.", valueName: "file"))
        var out: String?
        @Flag(help: "Keep text verbatim (no ' before a leading =, +, - or @), for loading into another system.")
        var raw = false

        func run() throws {
            try withExitStatus {
                let (ws, _, store) = try global.open()
                let now = Date()
                let stamp = Instant.string(now).prefix(19).replacingOccurrences(of: ":", with: "")
                let path = out.map(absolute) ?? ws.path("out/relance-export-\(stamp).tar.gz")
                do {
                    try OwnerOnly.directory((path as NSString).deletingLastPathComponent)
                    let outcome = try DataExport.export(store: store, to: path, at: now, actor: DataRights.currentActor(), neutralise: !raw)
                    Terminal.out("exported \(outcome.tables.count) tables, \(outcome.tables.reduce(0) { $0 + $1.rows }) rows, to \(path)")
                } catch let e as DataExport.Failure {
                    throw CLIError(.cannotWrite, e.description)
                } catch let e as ReportError {
                    throw CLIError(.cannotWrite, e.description)
                }
                return .ok
            }
        }
    }
}
