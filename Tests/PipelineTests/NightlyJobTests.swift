import Foundation
import GRDB
import Ledger
import Pipeline
import Store
import Testing
import Workspace

/// A whole night through the library, on a real workspace folder and SQLite file: the gates hold
/// sending, the stage ledger records each stage, a rerun for the day skips what finished.
@Suite struct NightlyJobTests {
    static let day = Day(iso: "2026-11-21")!

    static func config() -> WorkspaceConfig {
        var c = completeConfig()
        c.company.email = "credit@acme.example"
        return c
    }

    static func hooks(at now: Date) -> NightlyHooks {
        var h = NightlyHooks { _, _, _, _ in throw StatusError(.failure, "no reminders file in this test") }
        h.termination = Termination()
        h.clock = { now }
        return h
    }

    static func run(_ folder: TempFolder, _ store: LedgerStore, at now: Date) throws -> (Pipeline.ExitStatus, [String]) {
        let console = RecordingConsole()
        var options = NightlyOptions(asOf: day)
        options.maxDataAge = 24
        let status = try NightlyJob.run(ws: folder.workspace, config: config(), store: store, options: options, console: console,
                                        hooks: hooks(at: now))
        return (status, console.lines)
    }

    /// The freshness gate fails closed: a last-ingest time that cannot be read holds the night (80).
    @Test func anUnreadableLastIngestHoldsTheNight() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let store = try folder.store()
        try store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO ingest_batch (kind, file_name, file_path, file_bytes, file_hash, encoding, as_of, started_at, finished_at,
                  rows_read, rows_imported, rows_updated, rows_unchanged, rows_rejected)
                VALUES ('debtors', 'd.csv', '/d.csv', 1, 'x', 'utf-8', '2026-11-21', 'garbled', 'garbled', 0, 0, 0, 0, 0)
                """)
        }
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let (status, lines) = try Self.run(folder, store, at: now)
        #expect(status == .held)
        #expect(lines.contains { $0.contains("stage=dunning outcome=held") && $0.contains("the last ingest time 'garbled' cannot be read") },
                "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("stage=outbox outcome=held") })
        #expect(lines.last?.hasPrefix("day=2026-11-21 stage=run outcome=held exit=80") == true, "\(lines.last ?? "")")

        let rows = try store.pool.read { db in try NightlyStages.stages(db, runID: 1) }
        #expect(rows.map(\.stage) == NightlyJob.stages)
        #expect(rows.map(\.outcome) == [.ok, .skipped, .ok, .held, .held, .ok, .ok])

        // A rerun for the day redoes what did not finish (the held dunning and outbox stages) and,
        // after an outbox stage ran, the day's reports and backup.
        let (again, rerun) = try Self.run(folder, store, at: now.addingTimeInterval(60))
        #expect(again == .held)
        for stage in ["reports", "backup"] { #expect(rerun.contains { $0.contains("stage=\(stage) outcome=ok") }) }
        for stage in ["ingest", "billing", "forecast"] {
            #expect(rerun.contains { $0.contains("stage=\(stage) outcome=done-earlier") }, "\(stage): \(rerun.joined(separator: "\n"))")
        }
        #expect(rerun.contains { $0.contains("stage=dunning outcome=held") })
    }
    /// The backup, made after the reports stage, holds what that stage wrote (the day's snapshot,
    /// its finished stage row), and nothing but the backup and its record is left in the folder (no
    /// precopy file, as the nights before the eleventh round of issue 17 left beside it).
    @Test func theBackupBegunBesideTheReportsHoldsWhatTheyWrote() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let store = try folder.store()
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        _ = try Self.run(folder, store, at: now)
        let backups = folder.path + "/backups"
        let all = try FileManager.default.contentsOfDirectory(atPath: backups).sorted()
        let names = all.filter { $0.hasSuffix(".sqlite") }
        #expect(names.count == 1 && names[0].hasPrefix("relance-") && !names[0].contains("precopy"), "\(all)")
        #expect(all == [names[0], names[0] + ".verified"], "the backup and its record, nothing else: \(all)")
        let backup = try DatabaseQueue(path: backups + "/" + names[0])
        defer { try? backup.close() }
        let snapshots = try backup.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM report_snapshot_step WHERE day = '2026-11-21'") }
        let live = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM report_snapshot_step WHERE day = '2026-11-21'") }
        #expect(snapshots == live)
        let stages = try backup.read { db in try NightlyStages.stages(db, runID: 1) }
        #expect(stages.first { $0.stage == "reports" }?.outcome == .ok)
        #expect(try backup.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") } == ["ok"])
    }
}
