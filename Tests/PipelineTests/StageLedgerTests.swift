import Foundation
import GRDB
import Ledger
import Pipeline
import Store
import Testing

/// The stage ledger (`nightly_stage`) on a real SQLite file: what a later run for the same day skips.
@Suite struct StageLedgerTests {
    static let day = Day(iso: "2026-11-21")!

    @Test func finishedStagesAreSkippedByTheNextRun() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let store = try folder.store()
        let ledger = RunLedger(store: store)
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let first = try ledger.begin(command: "nightly", asOf: Self.day.description, at: at)
        try store.pool.write { db in
            for (stage, outcome) in [("ingest", NightlyStageOutcome.ok), ("billing", .skipped), ("forecast", .rejected), ("dunning", .held),
                                     ("outbox", .partial)] {
                try NightlyStages.begin(db, runID: first, asOf: Self.day, stage: stage, at: at)
                try NightlyStages.finish(db, runID: first, stage: stage, outcome: outcome, counts: "{\"n\":\"1\"}", at: at.addingTimeInterval(1))
            }
            try NightlyStages.begin(db, runID: first, asOf: Self.day, stage: "reports", at: at)
        }
        let done = try store.pool.read { db in try NightlyStages.finished(db, asOf: Self.day) }
        #expect(done == ["ingest", "billing", "forecast"])
        let other = try store.pool.read { db in try NightlyStages.finished(db, asOf: Self.day.adding(days: 1)) }
        #expect(other.isEmpty)

        let rows = try store.pool.read { db in try NightlyStages.stages(db, runID: first) }
        #expect(rows.map(\.stage) == ["ingest", "billing", "forecast", "dunning", "outbox", "reports"])
        #expect(rows.last?.outcome == .running)
        #expect(rows.last?.finishedAt == nil)
        #expect(rows.first?.counts == "{\"n\":\"1\"}")

        let second = try ledger.begin(command: "nightly", asOf: Self.day.description, at: at.addingTimeInterval(60))
        let earlier = try store.pool.read { db in try NightlyStages.finishedEarlier(db, asOf: Self.day.description, before: second) }
        #expect(earlier.map(\.stage) == ["ingest", "billing", "forecast"])
        #expect(earlier.allSatisfy { $0.runID == first })
    }

    @Test func theStagesAreInOrder() {
        #expect(NightlyJob.stages == ["ingest", "billing", "forecast", "dunning", "outbox", "reports", "backup"])
    }
}

/// One nightly per workspace: the second taker fails at once with 75 and is told who holds it.
@Suite struct NightlyLockTests {
    @Test func aSecondRunIsRefusedUntilTheFirstReleases() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let path = folder.workspace.path("relance.lock")
        let lock = try NightlyLock.acquire(path, at: Date(timeIntervalSince1970: 0))
        do {
            _ = try NightlyLock.acquire(path, at: Date())
            Issue.record("the lock was taken twice")
        } catch let e as StatusError {
            #expect(e.status == .tempFailure)
            #expect(e.message.contains("pid \(getpid()) started 1970-01-01T00:00:00.000Z"), "\(e.message)")
        }
        lock.release()
        let again = try NightlyLock.acquire(path, at: Date())
        again.release()
    }
}
