import Foundation
import GRDB
import Ledger

/// How a nightly stage ended (`nightly_stage.outcome`): the words of `Schema.runOutcomes`.
package enum NightlyStageOutcome: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case running, ok, rejected, held, deferred, bounced, partial, failed, interrupted, skipped
    /// Not redone by a later run for the same day (a held, failed or partial stage is).
    package static let finished: [NightlyStageOutcome] = [.ok, .rejected, .skipped]
}

/// One `nightly_stage` row.
package struct NightlyStageRow: Sendable, Equatable {
    /// The run that ran the stage.
    package var runID: Int64
    /// The stage's name (ingest, billing, forecast, dunning, outbox, reports, backup).
    package var stage: String
    /// Instants as the store writes them (`Instant.string`).
    package var startedAt: String
    /// Nil while running, or when the process died in the stage.
    package var finishedAt: String?
    /// How it ended.
    package var outcome: NightlyStageOutcome
    /// The stage's counts as a JSON object.
    package var counts: String?
}

/// One row of `nightly_stage`, every column (`NightlyStageRow` is the same without the day).
package struct NightlyStageRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "nightly_stage"
    /// The run that ran the stage.
    package var runID: Int64
    /// The day the night was for, `YYYY-MM-DD`.
    package var asOf: String
    /// The stage's name.
    package var stage: String
    /// Instants as the store writes them.
    package var startedAt: String
    /// Nil while running, or when the process died in the stage.
    package var finishedAt: String?
    /// How it ended.
    package var outcome: NightlyStageOutcome
    /// The stage's counts as a JSON object.
    package var counts: String?

    /// Every column.
    package init(runID: Int64, asOf: String, stage: String, startedAt: String, finishedAt: String?, outcome: NightlyStageOutcome, counts: String?) {
        self.runID = runID
        self.asOf = asOf
        self.stage = stage
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.counts = counts
    }

    enum CodingKeys: String, CodingKey {
        case runID = "run_id", asOf = "as_of", stage, startedAt = "started_at", finishedAt = "finished_at", outcome, counts
    }
}

/// The stage ledger of the nightly run (`nightly_stage`, owner: Pipeline) and the reads the night's
/// gates make of other stages' tables.
package enum NightlyStages {
    /// The stages a run for `day` already finished (`NightlyStageOutcome.finished`), by any run.
    package static func finished(_ db: Database, asOf day: Day) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT stage FROM nightly_stage WHERE as_of = ? AND outcome IN (\(finishedWords))",
                                arguments: [day.description]))
    }

    /// The stages of one run, in the order they started.
    package static func stages(_ db: Database, runID: Int64) throws -> [NightlyStageRow] {
        try rows(db, "run_id = ?", [runID])
    }

    /// The stages of `day` that runs before `runID` finished (`NightlyStageOutcome.finished`).
    package static func finishedEarlier(_ db: Database, asOf day: String, before runID: Int64) throws -> [NightlyStageRow] {
        try rows(db, "as_of = ? AND run_id < ? AND outcome IN (\(finishedWords))", [day, runID])
    }

    /// `NightlyStageOutcome.finished` as an SQL list of words (`'ok', …`).
    private static let finishedWords = NightlyStageOutcome.finished.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    private static func rows(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws -> [NightlyStageRow] {
        try Row.fetchAll(db, sql: """
            SELECT run_id, stage, started_at, finished_at, outcome, counts FROM nightly_stage
            WHERE \(condition) ORDER BY started_at, rowid
            """, arguments: arguments).map {
            NightlyStageRow(runID: $0["run_id"], stage: $0["stage"], startedAt: $0["started_at"], finishedAt: $0["finished_at"],
                            outcome: $0["outcome"], counts: $0["counts"])
        }
    }
}

/// What the anomaly gate compares: tonight's reminders and claimed totals against earlier nights'.
package struct DunningNightFigures: Sendable, Equatable {
    /// One night's claimed total in one currency.
    package struct Claimed: Sendable, Equatable {
        /// ISO 4217 code.
        package var currency: String
        /// The night (`YYYY-MM-DD`).
        package var asOf: String
        /// The sum of the night's reminder totals, minor units.
        package var totalMinor: Int64

        /// A night's total.
        package init(currency: String, asOf: String, totalMinor: Int64) {
            self.currency = currency
            self.asOf = asOf
            self.totalMinor = totalMinor
        }
    }

    /// Reminders decided (queued or held) tonight.
    package var tonight: Int
    /// Reminders decided on each of the last 7 nights before tonight that decided any, newest first.
    package var history: [Int]
    /// Claimed totals of tonight and the 7 nights before that decided any, by currency then night (newest first).
    package var claimed: [Claimed]

    /// The figures as given.
    package init(tonight: Int, history: [Int], claimed: [Claimed]) {
        self.tonight = tonight
        self.history = history
        self.claimed = claimed
    }
}

/// Reads of `dunning_event` (owner: Dunning) that the nightly's gates and `dunning plan` make.
package enum DunningNights {
    /// Tonight's reminders and totals against the last nights that decided any (queued or held).
    package static func figures(_ db: Database, asOf day: Day) throws -> DunningNightFigures {
        let tonight = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event WHERE as_of = ? AND status IN ('queued', 'held')",
                                       arguments: [day.description]) ?? 0
        let history = try Int.fetchAll(db, sql: """
            SELECT COUNT(*) FROM dunning_event WHERE as_of < ? AND status IN ('queued', 'held') GROUP BY as_of ORDER BY as_of DESC LIMIT 7
            """, arguments: [day.description])
        let claimed = try Row.fetchAll(db, sql: """
            SELECT currency, as_of, SUM(total_minor) FROM dunning_event
            WHERE as_of IN (SELECT DISTINCT as_of FROM dunning_event WHERE as_of <= ? AND status IN ('queued', 'held') ORDER BY as_of DESC LIMIT 8)
              AND status IN ('queued', 'held') GROUP BY currency, as_of ORDER BY currency, as_of DESC
            """, arguments: [day.description]).map { DunningNightFigures.Claimed(currency: $0[0], asOf: $0[1], totalMinor: $0[2]) }
        return DunningNightFigures(tonight: tonight, history: history, claimed: claimed)
    }

    /// One reminder of an earlier night.
    package struct Reminder: Sendable, Equatable {
        /// The debtor's row id.
        package var debtorID: Int64
        /// The ladder step's name.
        package var step: String
        /// What it claimed.
        package var total: Money
    }

    /// The last night before `day` with reminders that were not cancelled, and those reminders.
    package static func previousNight(_ db: Database, before day: Day) throws -> (day: String, reminders: [Reminder])? {
        guard let last = try String.fetchOne(db, sql: "SELECT MAX(as_of) FROM dunning_event WHERE as_of < ? AND status != 'cancelled'",
                                             arguments: [day.description]) else { return nil }
        let reminders = try Row.fetchAll(db, sql: """
            SELECT debtor_id, step, total_minor, currency FROM dunning_event WHERE as_of = ? AND status != 'cancelled'
            """, arguments: [last]).map {
            Reminder(debtorID: $0[0], step: $0[1], total: Money(minorUnits: $0[2], currency: Currency(stored: $0[3] as String)))
        }
        return (last, reminders)
    }
}

/// Row counts the nightly and the commands show or decide on.
package enum LedgerCounts {
    /// How many debtors the ledger holds.
    package static func debtorCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor") ?? 0
    }

    /// How many billing contracts the ledger holds.
    package static func contractCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contract") ?? 0
    }

    /// How many messages the outbox holds, in any state.
    package static func outboxMessageCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message") ?? 0
    }
}
