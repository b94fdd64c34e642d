import GRDB

/// The columns an attempt sets when it ends a lease, besides the state (nil: left as they are).
package struct OutboxAttemptEnd: Sendable, Equatable {
    /// `last_error`.
    package var lastError: String?
    /// `next_attempt_at`.
    package var nextAttemptAt: String?
    /// `sent_at`.
    package var sentAt: String?
    /// `server_reply`.
    package var serverReply: String?
    /// `bounce_kind`.
    package var bounceKind: OutboxBounceKind?
    /// `bounce_reason`.
    package var bounceReason: String?

    /// An end that sets the given columns.
    package init(lastError: String? = nil, nextAttemptAt: String? = nil, sentAt: String? = nil, serverReply: String? = nil,
                bounceKind: OutboxBounceKind? = nil, bounceReason: String? = nil) {
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
        self.serverReply = serverReply
        self.bounceKind = bounceKind
        self.bounceReason = bounceReason
    }

    /// The columns given, by name, in name order (so each combination is one cached statement).
    var columns: [(String, any DatabaseValueConvertible)] {
        let all: [(String, (any DatabaseValueConvertible)?)] = [
            ("bounce_kind", bounceKind), ("bounce_reason", bounceReason), ("last_error", lastError),
            ("next_attempt_at", nextAttemptAt), ("sent_at", sentAt), ("server_reply", serverReply),
        ]
        return all.compactMap { name, value in value.map { (name, $0) } }
    }
}

/// The state changes of the e-mail outbox after a message is queued (owner: Outbox): leases,
/// outcomes, recoveries and the operator's verbs. Each takes the caller's `Database`, so the change
/// and its `outbox_event` row are written in the caller's transaction. Instants are stored text.
package enum OutboxCommands {
    /// A leased message whose flush stopped: deferred as "in doubt", due at `t`, one attempt more,
    /// keeping its `Message-ID` (it may have been delivered).
    package static func deferInDoubt(_ db: Database, message id: Int64, reason: String, at t: String) throws {
        try db.execute(sql: """
            UPDATE outbox_message SET state = ?, lease_owner = NULL, lease_until = NULL,
              attempts = attempts + 1, last_attempt_at = ?, last_error = ?, next_attempt_at = ?, updated_at = ?
            WHERE id = ?
            """, arguments: [OutboxState.deferred, t, reason, t, t, id])
        try OutboxEventRecord.append(db, message: id, at: t, from: .active, to: .deferred, actor: .flush, detail: reason)
    }

    /// A leased message that was never tried goes back to `state` (no event: nothing happened to it).
    package static func returnLease(_ db: Database, message id: Int64, to state: OutboxState, at t: String) throws {
        try db.execute(sql: """
            UPDATE outbox_message SET state = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?
            """, arguments: [state, t, id])
    }

    /// Leases the queued or deferred messages `ids` to `owner` until `until`, in the given order. On
    /// a message's first lease its `Message-ID` is fixed (`OutboxMessageID.header` of its idempotency
    /// key and `domain`, stored as the domain's id: migration 0030c) and `cc` and `bcc` become its
    /// recipients (origin `config`), so both are durable before anything goes on the wire.
    package static func lease(_ db: Database, ids: [Int64], owner: String, until u: String, at t: String,
                             domain: String, cc: [String], bcc: [String]) throws {
        let take = try db.cachedStatement(sql: """
            UPDATE outbox_message SET state = \(OutboxState.active.sqlLiteral), lease_owner = ?, lease_until = ?, updated_at = ?
            WHERE id = ? AND state IN \(OutboxState.due.sqlLiteral)
            """)
        let first = try db.cachedStatement(sql: """
            UPDATE outbox_message SET message_id_domain_id = ? WHERE id = ? AND message_id_header IS NULL AND message_id_domain_id IS NULL
            """)
        let domainID = try ids.isEmpty ? 0 : StoredText.id(db, table: "outbox_message_id_domain", column: "domain", domain)
        let addCopy = try db.cachedStatement(sql: """
            INSERT INTO outbox_recipient (message_id, position, kind, address, origin)
            VALUES (?, (SELECT COALESCE(MAX(position), -1) + 1 FROM outbox_recipient WHERE message_id = ?), ?, ?, ?)
            ON CONFLICT (message_id, address) DO NOTHING
            """)
        for id in ids {
            try take.execute(arguments: [owner, u, t, id])
            try first.execute(arguments: [domainID, id])
            if db.changesCount > 0 {
                for a in cc { try addCopy.execute(arguments: [id, id, OutboxRecipientKind.cc, a, OutboxRecipientOrigin.config]) }
                for a in bcc { try addCopy.execute(arguments: [id, id, OutboxRecipientKind.bcc, a, OutboxRecipientOrigin.config]) }
            }
        }
    }

    /// Extends `owner`'s leases on `ids` (those still active) to `until`.
    package static func renewLeases(_ db: Database, ids: [Int64], until u: String, owner: String) throws {
        let s = try db.cachedStatement(sql: """
            UPDATE outbox_message SET lease_until = ? WHERE id = ? AND state = \(OutboxState.active.sqlLiteral) AND lease_owner = ?
            """)
        for id in ids { try s.execute(arguments: [u, id, owner]) }
    }

    /// Gives back `owner`'s leases on `ids` that were not tried: each returns to its previous state
    /// (`queued` if never tried, else `deferred`).
    package static func releaseLeases(_ db: Database, ids: [Int64], at t: String, owner: String) throws {
        let s = try db.cachedStatement(sql: """
            UPDATE outbox_message SET state = CASE WHEN attempts = 0 THEN \(OutboxState.queued.sqlLiteral)
              ELSE \(OutboxState.deferred.sqlLiteral) END,
              lease_owner = NULL, lease_until = NULL, updated_at = ?
            WHERE id = ? AND state = \(OutboxState.active.sqlLiteral) AND lease_owner = ?
            """)
        for id in ids { try s.execute(arguments: [t, id, owner]) }
    }

    /// Records one recipient's status and reply after an attempt (a recipient without id: nothing).
    package static func settleRecipient(_ db: Database, id: Int64?, status: OutboxRecipientStatus, reply: String?, at t: String) throws {
        try db.cachedStatement(sql: "UPDATE outbox_recipient SET status = ?, reply = ?, updated_at = ? WHERE id = ?")
            .execute(arguments: [status, reply, t, id])
    }

    /// Bounces a message's recipients whose status is one of `statuses`, with `reply`.
    package static func bounceRecipients(_ db: Database, message id: Int64, whose statuses: [OutboxRecipientStatus], reply: String,
                                        at t: String) throws {
        try db.execute(sql: """
            UPDATE outbox_recipient SET status = \(OutboxRecipientStatus.bounced.sqlLiteral), reply = ?, updated_at = ?
            WHERE message_id = ? AND status IN \(statuses.sqlLiteral)
            """, arguments: [reply, t, id])
    }

    /// Ends `owner`'s lease on message `id` with `state` after one more attempt, setting the
    /// columns of `end`; returns false, changing nothing, when the lease is no longer `owner`'s.
    ///
    /// A message sent at `t` (`end.sentAt == t`) keeps that instant once, in `sent_at` (migration
    /// 0033a): `last_attempt_at` NULL, `updated_at` empty, `lifetime_from` and `next_attempt_at`
    /// empty when they equal `created_at`, and its recipients accepted at `t` `updated_at` NULL;
    /// `OutboxInstantSQL` and the record read them as before. Its `sent` event then passes
    /// `atSentAt` to `OutboxEventRecord.append`.
    package static func endLease(_ db: Database, message id: Int64, owner: String, state: OutboxState, end: OutboxAttemptEnd,
                                at t: String) throws -> Bool {
        let columns = end.columns
        let sets = columns.map { "\($0.0) = ?" }.joined(separator: ", ")
        let once = state == .sent && end.sentAt == t
        var args: [(any DatabaseValueConvertible)?] = once ? [state] : [state, t, t]
        args += columns.map { $0.1 }
        args += [id, owner]
        let instants = once ? """
            last_attempt_at = NULL, updated_at = '',
              lifetime_from = CASE WHEN lifetime_from = created_at THEN '' ELSE lifetime_from END,
              next_attempt_at = CASE WHEN next_attempt_at = created_at THEN '' ELSE next_attempt_at END
            """ : "last_attempt_at = ?, updated_at = ?"
        try db.cachedStatement(sql: """
            UPDATE outbox_message SET state = ?, lease_owner = NULL, lease_until = NULL, attempts = attempts + 1,
              \(instants)\(sets.isEmpty ? "" : ", " + sets)
            WHERE id = ? AND state = \(OutboxState.active.sqlLiteral) AND lease_owner = ?
            """).execute(arguments: StatementArguments(args))
        guard db.changesCount == 1 else { return false }
        if once {
            try db.cachedStatement(sql: """
                UPDATE outbox_recipient SET updated_at = NULL
                WHERE message_id = ? AND status = \(OutboxRecipientStatus.sent.sqlLiteral) AND updated_at = ?
                """).execute(arguments: [id, t])
        }
        return true
    }

    /// Moves message `id` from `from` to `to` (an operator's verb) and records it; `due` makes it
    /// due at `t`. A bounced or cancelled message leaves its final state: what the CHECKs tie to it
    /// is cleared.
    package static func transition(_ db: Database, message id: Int64, from: OutboxState, to: OutboxState, due: Bool,
                                  actor: OutboxActor, detail: String, at t: String) throws {
        try db.execute(sql: """
            UPDATE outbox_message SET state = ?, updated_at = ?,
              next_attempt_at = CASE WHEN ? THEN ? ELSE next_attempt_at END,
              bounce_kind = CASE WHEN ? = \(OutboxState.bounced.sqlLiteral) THEN NULL ELSE bounce_kind END,
              bounce_reason = CASE WHEN ? = \(OutboxState.bounced.sqlLiteral) THEN NULL ELSE bounce_reason END,
              cancel_reason = CASE WHEN ? = \(OutboxState.cancelled.sqlLiteral) THEN NULL ELSE cancel_reason END
            WHERE id = ?
            """, arguments: [to, t, due, t, from, from, from, id])
        try OutboxEventRecord.append(db, message: id, at: t, from: from, to: to, actor: actor, detail: detail)
    }

    /// Starts a new lifetime for message `id` at `t` and makes its recipients not yet sent pending
    /// again (a requeued bounced or cancelled message).
    package static func restartLifetime(_ db: Database, message id: Int64, at t: String) throws {
        try db.execute(sql: "UPDATE outbox_message SET lifetime_from = ? WHERE id = ?", arguments: [t, id])
        try db.execute(sql: """
            UPDATE outbox_recipient SET status = \(OutboxRecipientStatus.pending.sqlLiteral), reply = NULL, updated_at = ?
            WHERE message_id = ? AND status <> \(OutboxRecipientStatus.sent.sqlLiteral)
            """, arguments: [t, id])
    }
}
