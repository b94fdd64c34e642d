import GRDB
import Ledger

/// Reminders a gate holds, for one held day.
package struct HeldDay: FetchableRecord, Sendable {
    /// The as-of day they were decided on.
    package var day: String
    /// Reminders held.
    package var messages: Int
    /// One of their held reasons.
    package var reason: String?

    /// Decodes `as_of, count, MAX(held_reason)`.
    package init(row: Row) throws {
        day = row[0]
        messages = row[1]
        reason = row[2]
    }
}

/// Debtors a dunning run left out for one reason (the missing-rate reasons of the morning page).
package struct ExclusionReasonCount: FetchableRecord, Sendable {
    /// The reason as stored.
    package var reason: String
    /// Debtors.
    package var debtors: Int

    /// Decodes `reason, SUM(debtors)`.
    package init(row: Row) throws {
        reason = row[0]
        debtors = row[1]
    }
}

/// Rows an input file of the night rejected.
package struct RejectedFile: FetchableRecord, Sendable {
    /// The file's name.
    package var fileName: String
    /// Rows rejected.
    package var rows: Int

    /// Decodes `file_name, SUM(rows_rejected)`.
    package init(row: Row) throws {
        fileName = row[0]
        rows = row[1]
    }
}

/// Messages bounced in a window, and the latest reason among them.
package struct BouncedSummary: Sendable {
    /// Messages.
    package var messages: Int
    /// The greatest reason text among them (one example for the morning line).
    package var reason: String?
}

/// The small aggregates behind the morning page's needs-a-look list (`NeedsALook` in Reports).
extension ReportQueries {
    /// Held reminders decided on or before `asOf`, per day.
    package static func heldDays(_ db: Database, onOrBefore asOf: Day) throws -> [HeldDay] {
        try HeldDay.fetchAll(db, sql: """
            SELECT as_of, COUNT(*), MAX(\(DunningEventRecord.heldReasonSQL)) FROM dunning_event
            WHERE status = 'held' AND as_of <= ? GROUP BY as_of ORDER BY as_of
            """, arguments: [asOf.description])
    }

    /// The run of `asOf`'s exclusions that wait for a half-year interest rate, per reason.
    package static func waitingForRate(_ db: Database, asOf: Day) throws -> [ExclusionReasonCount] {
        try ExclusionReasonCount.fetchAll(db, sql: """
            SELECT reason, SUM(debtors) FROM dunning_exclusion
            WHERE as_of = ? AND reason LIKE 'waits for the % interest rate' GROUP BY reason ORDER BY reason
            """, arguments: [asOf.description])
    }

    /// Messages bounced with an update in [`from`, `before`) (day text), and one reason among them.
    package static func bouncedBetween(_ db: Database, from: Day, before: Day) throws -> BouncedSummary {
        let r = try Row.fetchOne(db, sql: """
            SELECT COUNT(*), MAX(bounce_reason) FROM outbox_message WHERE state = 'bounced' AND updated_at >= ? AND updated_at < ?
            """, arguments: [from.description, before.description])
        return BouncedSummary(messages: r?[0] ?? 0, reason: r?[1])
    }

    /// Messages deferred right now.
    package static func deferredCount(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message WHERE state = 'deferred'") ?? 0
    }

    /// The files the imports of `asOf` rejected rows of, by name.
    package static func rejectedFiles(_ db: Database, asOf: Day) throws -> [RejectedFile] {
        try RejectedFile.fetchAll(db, sql: """
            SELECT file_name, SUM(rows_rejected) FROM ingest_batch WHERE as_of = ? AND rows_rejected > 0
            GROUP BY file_name ORDER BY file_name
            """, arguments: [asOf.description])
    }

    /// Invoices newly disputed by the imports of `asOf` (changed to disputed or new and disputed)
    /// plus disputes recorded by hand since the day before.
    package static func newDisputes(_ db: Database, asOf: Day) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT (SELECT COUNT(*) FROM record_change c WHERE c.batch_id IN (SELECT id FROM ingest_batch WHERE as_of = ?1)
                    AND +c.entity = 'invoice' AND json_extract(c.new_values, '$.disputed') = '1')
                 + (SELECT COUNT(*) FROM invoice i JOIN ingest_batch b ON b.id = i.created_batch_id
                    WHERE b.as_of = ?1 AND i.disputed = 1)
                 + (SELECT COUNT(*) FROM action_journal WHERE action = 'dispute' AND at >= ?2 AND at < ?1)
            """, arguments: [asOf.description, asOf.adding(days: -1).description]) ?? 0
    }

    /// Debtors with a promise found broken on a day in [`from`, `through`].
    package static func brokenPromiseDebtors(_ db: Database, from: Day, through: Day) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COUNT(DISTINCT debtor_id) FROM promise_to_pay WHERE status = 'broken' AND status_on >= ? AND status_on <= ?
            """, arguments: [from.description, through.description]) ?? 0
    }

    /// Open promises to pay due on `day`.
    package static func promisesDue(_ db: Database, on day: Day) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM promise_to_pay WHERE status = 'open' AND until = ?",
                         arguments: [day.description]) ?? 0
    }

    /// Debtors whose ladder reached the hand-over (worklist) step on `day`.
    package static func handOverDebtors(_ db: Database, day: Day) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COUNT(DISTINCT debtor_id) FROM dunning_event WHERE as_of = ? AND status = 'worklist'
            """, arguments: [day.description]) ?? 0
    }
}
