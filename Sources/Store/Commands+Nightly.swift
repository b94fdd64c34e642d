import Foundation
import GRDB
import Ledger

extension NightlyStages {
    /// Records that `stage` of run `runID` started (outcome `running`).
    package static func begin(_ db: Database, runID: Int64, asOf day: Day, stage: String, at: Date) throws {
        try db.execute(sql: "INSERT INTO nightly_stage (run_id, as_of, stage, started_at) VALUES (?, ?, ?, ?)",
                       arguments: [runID, day.description, stage, Instant.string(at)])
    }

    /// Records how `stage` of run `runID` ended, with its counts as a JSON object.
    package static func finish(_ db: Database, runID: Int64, stage: String, outcome: NightlyStageOutcome, counts: String,
                              at: Date) throws {
        try db.execute(sql: "UPDATE nightly_stage SET finished_at = ?, outcome = ?, counts = ? WHERE run_id = ? AND stage = ?",
                       arguments: [Instant.string(at), outcome, counts, runID, stage])
    }
}
