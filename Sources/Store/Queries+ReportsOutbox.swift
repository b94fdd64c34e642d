import GRDB
import Ledger

/// Deferred messages sharing one last error.
package struct OutboxDeferredReason: FetchableRecord, Sendable {
    /// The last error, or `(no error recorded)`.
    package var reason: String
    /// Messages.
    package var messages: Int
    /// When the oldest of them was queued (instant text).
    package var oldestCreatedAt: String
    /// The most attempts among them.
    package var maxAttempts: Int

    /// Decodes `reason, count, MIN(created_at), MAX(attempts)`.
    package init(row: Row) throws {
        reason = row[0]
        messages = row[1]
        oldestCreatedAt = row[2]
        maxAttempts = row[3]
    }
}

/// Bounced messages sharing one kind and reason.
package struct OutboxBounceReason: FetchableRecord, Sendable {
    /// `remote`, `expired` or `unbuildable`.
    package var kind: String
    /// The reason as recorded.
    package var reason: String
    /// Messages.
    package var messages: Int
    /// The latest bounce (instant text).
    package var last: String

    /// Decodes `bounce_kind, bounce_reason, count, MAX(updated_at)`.
    package init(row: Row) throws {
        kind = row[0]
        reason = row[1]
        messages = row[2]
        last = row[3]
    }
}

/// A message waiting to go out (queued, active, deferred or on hold).
package struct OutboxWaitingLine: FetchableRecord, Sendable {
    /// `outbox_message.id`.
    package var id: Int
    /// Its state.
    package var state: String
    /// Who queued it (`dunning`, `billing`, `manual`).
    package var origin: String
    /// When it was queued (instant text).
    package var createdAt: String
    /// Delivery attempts so far.
    package var attempts: Int
    /// The next attempt (instant text).
    package var nextAttemptAt: String?
    /// The first `to` address.
    package var to: String?
    /// The last error, or who is delivering it right now.
    package var note: String?

    /// Decodes the columns of `ReportQueries.waitingCursor`.
    package init(row: Row) throws {
        id = row[0]
        state = row[1]
        origin = row[2]
        createdAt = row[3]
        attempts = row[4]
        nextAttemptAt = row[5]
        to = row[6]
        note = row[7]
    }
}

extension ReportQueries {
    /// Messages per outbox state.
    package static func outboxStateCounts(_ db: Database) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM outbox_message GROUP BY state")
            .map { ($0[0] as String, $0[1] as Int) })
    }

    /// Messages bounced since `since` (instant or day text, compared as text).
    package static func bouncedCount(_ db: Database, since: String) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM outbox_message WHERE state = 'bounced' AND updated_at >= ?
            """, arguments: [since]) ?? 0
    }

    /// Messages sent on `day` (UTC).
    package static func sentCount(_ db: Database, on day: Day) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM outbox_message WHERE state = 'sent' AND sent_at >= ? AND sent_at < ?
            """, arguments: [day.description, day.adding(days: 1).description]) ?? 0
    }

    /// When the oldest waiting message (queued, active, deferred, hold) was queued.
    package static func oldestWaiting(_ db: Database) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT MIN(created_at) FROM outbox_message WHERE state IN ('queued', 'active', 'deferred', 'hold')
            """)
    }

    /// Deferred messages by last error, most first.
    package static func deferredReasons(_ db: Database) throws -> [OutboxDeferredReason] {
        try OutboxDeferredReason.fetchAll(db, sql: """
            SELECT COALESCE(last_error, '(no error recorded)'), COUNT(*), MIN(created_at), MAX(attempts)
            FROM outbox_message WHERE state = 'deferred' GROUP BY 1 ORDER BY 2 DESC, 1
            """)
    }

    /// Messages bounced since `since` by kind and reason, most first.
    package static func bounceReasons(_ db: Database, since: String) throws -> [OutboxBounceReason] {
        try OutboxBounceReason.fetchAll(db, sql: """
            SELECT bounce_kind, bounce_reason, COUNT(*), MAX(updated_at) FROM outbox_message
            WHERE state = 'bounced' AND updated_at >= ? GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2
            """, arguments: [since])
    }

    /// The waiting messages, oldest first, streamed.
    package static func waitingCursor(_ db: Database) throws -> RecordCursor<OutboxWaitingLine> {
        try OutboxWaitingLine.fetchCursor(db, sql: """
            SELECT m.id, m.state, m.origin, m.created_at, m.attempts, m.next_attempt_at,
              (SELECT address FROM outbox_recipient r WHERE r.message_id = m.id AND r.kind = 'to' ORDER BY position LIMIT 1),
              CASE m.state WHEN 'deferred' THEN m.last_error WHEN 'active' THEN 'being delivered by ' || m.lease_owner
                ELSE m.last_error END
            FROM outbox_message m WHERE m.state IN ('queued', 'active', 'deferred', 'hold') ORDER BY m.created_at, m.id
            """)
    }
}
