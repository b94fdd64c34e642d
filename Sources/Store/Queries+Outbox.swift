import GRDB

/// A leased message as a recovery sees it (`outbox_message` rows in state `active`).
package struct OutboxLease: Sendable, Equatable {
    /// `id`.
    package var id: Int64
    /// The lease owner's token (`LeaseOwner.description`).
    package var owner: String
    /// The lease's deadline, a stored instant.
    package var until: String
    /// `attempts`.
    package var attempts: Int
}

/// One line of `relance outbox list`, as stored.
package struct OutboxListRow: Sendable, Equatable {
    /// `id`.
    package var id: Int64
    /// `state`.
    package var state: OutboxState
    /// `origin`.
    package var origin: OutboxOrigin
    /// `created_at`.
    package var createdAt: String
    /// `attempts`.
    package var attempts: Int
    /// `next_attempt_at`.
    package var nextAttemptAt: String
    /// The first To address, nil when the message has none.
    package var to: String?
    /// The last error, the bounce or cancel reason, or the server's reply, after the state.
    package var note: String?
}

/// Reads of the e-mail outbox for the stage that delivers it (Outbox) and its operator views.
package enum OutboxQueries {
    /// The messages leased right now, in id order.
    package static func activeLeases(_ db: Database) throws -> [OutboxLease] {
        try Row.fetchAll(db, sql: """
            SELECT id, lease_owner, lease_until, attempts FROM outbox_message WHERE state = \(OutboxState.active.sqlLiteral) ORDER BY id
            """).map { OutboxLease(id: $0[0], owner: $0[1], until: $0[2], attempts: $0[3]) }
    }

    /// The due messages in `state` (queued or deferred), oldest due first. SQLite uses the partial
    /// index `outbox_message_due` only when the query repeats the index's condition word for word.
    package static func dueSQL(_ state: OutboxState) -> String {
        """
        SELECT id FROM outbox_message WHERE state IN \(OutboxState.due.sqlLiteral) AND state = \(state.sqlLiteral) AND next_attempt_at <= ?
        ORDER BY next_attempt_at, id LIMIT ?
        """
    }

    /// The ids of up to `limit` messages in `state` due at the stored instant `t`, oldest due first.
    package static func dueIDs(_ db: Database, state: OutboxState, at t: String, limit: Int) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: dueSQL(state)), arguments: [t, limit])
    }

    /// How many messages are due at the stored instant `t`.
    package static func dueCount(_ db: Database, at t: String) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM outbox_message WHERE state IN \(OutboxState.due.sqlLiteral) AND next_attempt_at <= ?
            """, arguments: [t]) ?? 0
    }

    /// Which of `ids` are queued or deferred (due or not), in id order.
    package static func waiting(_ db: Database, among ids: Set<Int64>) throws -> [Int64] {
        try Int64.fetchAll(db, sql: """
            SELECT id FROM outbox_message WHERE state IN \(OutboxState.due.sqlLiteral) AND id IN (\(ids.map(String.init).joined(separator: ",")))
            ORDER BY id
            """)
    }

    /// The message row `id`, with its body dictionary when it has one (the record needs it to read the
    /// bodies) and the domain of its `Message-ID` (migration 0030c: the record derives the header).
    package static func message(_ db: Database, _ id: Int64) throws -> OutboxMessageRecord? {
        try OutboxMessageRecord.fetchOne(db.cachedStatement(sql: messageSQL), arguments: [id])
    }

    /// The SQL of ``message(_:_:)`` (built once: `cachedStatement` hashes it each call).
    static let messageSQL = """
        SELECT m.*, d.text_z AS bodies_dictionary, x.domain AS message_id_domain,
          (SELECT \(DunningEventKey.sql("e")) FROM dunning_event e WHERE e.id = m.dunning_event_id) AS dunning_key FROM outbox_message m
        LEFT JOIN outbox_body_dictionary d ON d.id = m.bodies_dictionary_id
        LEFT JOIN outbox_message_id_domain x ON x.id = m.message_id_domain_id WHERE m.id = ?
        """

    /// Every stored body dictionary by id, as bytes (a workspace holds a few: one per template,
    /// language and company details in use).
    package static func bodyDictionaries(_ db: Database) throws -> [Int64: [UInt8]] {
        var out: [Int64: [UInt8]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, text_z FROM outbox_body_dictionary") {
            out[row["id"]] = try MessageBodies.bodyDictionary(stored: row["text_z"])
        }
        return out
    }

    /// A message's recipients, in position order.
    package static func recipients(_ db: Database, message id: Int64) throws -> [OutboxRecipientRecord] {
        try OutboxRecipientRecord.fetchAll(
            db.cachedStatement(sql: """
                SELECT \(OutboxInstantSQL.recipientColumns()) FROM outbox_recipient WHERE message_id = ? ORDER BY position, id
                """), arguments: [id])
    }

    /// A message's attachments, in position order.
    package static func attachments(_ db: Database, message id: Int64) throws -> [OutboxAttachmentRecord] {
        try OutboxAttachmentRecord.fetchAll(
            db.cachedStatement(sql: """
                SELECT id, message_id, position, filename, content_type, content, \(OutboxAttachmentSQL.path()) AS path
                FROM outbox_attachment WHERE message_id = ? ORDER BY position
                """), arguments: [id])
    }

    /// A message's idempotency key (its `Message-ID` derives from it).
    package static func idempotencyKey(_ db: Database, message id: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT \(OutboxMessageKeySQL.key()) FROM outbox_message WHERE id = ?"), arguments: [id])
    }

    /// A message's state and attempts so far, nil when there is no such message.
    package static func stateAndAttempts(_ db: Database, message id: Int64) throws -> (state: OutboxState, attempts: Int)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT state, attempts FROM outbox_message WHERE id = ?", arguments: [id])
        else { return nil }
        return (row[0], row[1])
    }

    /// A message's attempts so far and the start of its lifetime, nil when there is no such message.
    package static func attemptsAndLifetime(_ db: Database, message id: Int64) throws -> (attempts: Int, lifetimeFrom: String)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT attempts, \(OutboxInstantSQL.lifetimeFrom()) FROM outbox_message WHERE id = ?", arguments: [id])
        else { return nil }
        return (row[0], row[1])
    }

    /// Messages in `state` (all when nil), oldest first, at most `limit`.
    package static func list(_ db: Database, state: OutboxState?, limit: Int) throws -> [OutboxListRow] {
        try Row.fetchAll(db, sql: """
            SELECT m.id, m.state, m.origin, m.created_at, m.attempts, \(OutboxInstantSQL.nextAttemptAt("m")),
              (SELECT address FROM outbox_recipient r WHERE r.message_id = m.id AND r.kind = \(OutboxRecipientKind.to.sqlLiteral)
               ORDER BY position LIMIT 1),
              CASE m.state WHEN \(OutboxState.deferred.sqlLiteral) THEN m.last_error WHEN \(OutboxState.bounced.sqlLiteral) THEN m.bounce_reason
                WHEN \(OutboxState.cancelled.sqlLiteral) THEN m.cancel_reason WHEN \(OutboxState.sent.sqlLiteral) THEN m.server_reply
                ELSE m.last_error END
            FROM outbox_message m WHERE ?1 IS NULL OR m.state = ?1 ORDER BY m.id LIMIT ?2
            """, arguments: [state, limit]).map {
            OutboxListRow(id: $0[0], state: $0[1], origin: $0[2], createdAt: $0[3], attempts: $0[4], nextAttemptAt: $0[5], to: $0[6],
                          note: $0[7])
        }
    }

    /// How many messages are in each state (states without messages are absent).
    package static func countsByState(_ db: Database) throws -> [OutboxState: Int] {
        var counts: [OutboxState: Int] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) FROM outbox_message GROUP BY state") {
            counts[row[0] as OutboxState] = row[1]
        }
        return counts
    }

    /// The business keys a message concerns, by kind and key, stored or read through its dunning
    /// event (`OutboxReferenceSQL`).
    package static func references(_ db: Database, message id: Int64) throws -> [OutboxReferenceRecord] {
        try OutboxReferenceRecord.fetchAll(db, sql: OutboxReferenceSQL.all(messages: "m.id = ?1"), arguments: [id])
    }

    /// A message's state history, oldest first.
    package static func events(_ db: Database, message id: Int64) throws -> [OutboxEventRecord] {
        try OutboxEventRecord.fetchAll(db, sql: """
            SELECT id, message_id, \(OutboxEventRecord.atSQL()) AS at, from_state, to_state, actor,
              \(OutboxEventRecord.detailSQL()) AS detail, detail_id, at_id
            FROM outbox_event WHERE message_id = ? ORDER BY id
            """, arguments: [id])
    }
}
