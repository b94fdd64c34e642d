import Foundation
import GRDB
import Store

/// The queue operations a flusher needs, each one short write transaction (SQLite allows one
/// writer at a time, so two flushers never lease the same message).
enum QueueStore {
    /// Takes back the leases of flushers that are gone (their process has ended) or whose lease
    /// has expired. The first leased message of each such flusher (it sends in id order) may have
    /// been on the wire: it is deferred as "in doubt", due at once and keeping its Message-ID; the
    /// others were never tried and return to their previous state. Returns the count and the
    /// messages in doubt.
    static func recover(_ db: Database, now: Date, me: LeaseOwner) throws -> (recovered: Int, inDoubt: [Int64]) {
        let t = InstantText.string(now)
        let rows = try Row.fetchAll(db, sql: """
            SELECT id, lease_owner, lease_until, attempts FROM outbox_message WHERE state = 'active' ORDER BY id
            """)
        var firstOfOwner: Set<String> = []
        var recovered = 0
        var inDoubt: [Int64] = []
        for row in rows {
            let id: Int64 = row[0], token: String = row[1], until: String = row[2], attempts: Int = row[3]
            let owner = LeaseOwner(token: token)
            let expired = until < t
            let gone = owner.map { $0.isGone(seenBy: me) } ?? true
            guard token != me.description, expired || gone else { continue }
            recovered += 1
            if firstOfOwner.insert(token).inserted {
                inDoubt.append(id)
                let why = "the flush delivering this message stopped (\(expired ? "lease expired" : "process gone")); "
                    + "it may have been delivered and is sent again with the same Message-ID"
                try db.execute(sql: """
                    UPDATE outbox_message SET state = 'deferred', lease_owner = NULL, lease_until = NULL,
                      attempts = attempts + 1, last_attempt_at = ?, last_error = ?, next_attempt_at = ?, updated_at = ?
                    WHERE id = ?
                    """, arguments: [t, why, t, t, id])
                try OutboxEventRecord.append(db, message: id, at: t, from: "active", to: "deferred", actor: "flush", detail: why)
            } else {
                let back = attempts == 0 ? "queued" : "deferred"
                try db.execute(sql: """
                    UPDATE outbox_message SET state = ?, lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ?
                    """, arguments: [back, t, id])
            }
        }
        return (recovered, inDoubt)
    }

    /// The ids of up to `count` due messages, taken fairly from the new (`queued`) and the
    /// retried (`deferred`) ones: alternately while both have some, oldest due first.
    static func due(_ db: Database, now: Date, count: Int) throws -> [Int64] {
        guard count > 0 else { return [] }
        let t = InstantText.string(now)
        let new = try Int64.fetchAll(db.cachedStatement(sql: dueSQL("queued")), arguments: [t, count])
        let retried = try Int64.fetchAll(db.cachedStatement(sql: dueSQL("deferred")), arguments: [t, count])
        var picked: [Int64] = []
        var i = 0
        while picked.count < count && (i < new.count || i < retried.count) {
            if i < new.count { picked.append(new[i]) }
            if i < retried.count && picked.count < count { picked.append(retried[i]) }
            i += 1
        }
        return picked
    }

    /// The due messages in `state`, oldest due first. SQLite uses the partial index
    /// `outbox_message_due` only when the query repeats the index's condition word for word.
    static func dueSQL(_ state: String) -> String {
        """
        SELECT id FROM outbox_message WHERE state IN ('queued', 'deferred') AND state = '\(state)' AND next_attempt_at <= ?
        ORDER BY next_attempt_at, id LIMIT ?
        """
    }

    /// How many messages are due now.
    static func dueCount(_ db: Database, now: Date) throws -> Int {
        try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM outbox_message WHERE state IN ('queued', 'deferred') AND next_attempt_at <= ?
            """, arguments: [InstantText.string(now)]) ?? 0
    }

    /// Leases up to `count` due messages to `me` until `until`, in id order. On a message's first
    /// lease its `Message-ID` is fixed and the workspace's Cc/Bcc become recipients, so both are
    /// durable before anything goes on the wire.
    static func lease(_ db: Database, now: Date, until: Date, me: LeaseOwner, count: Int,
                      identity: SenderIdentity, only: Set<Int64>? = nil) throws -> [Int64] {
        var ids = try due(db, now: now, count: count).sorted()
        if let only {
            ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM outbox_message WHERE state IN ('queued', 'deferred') AND id IN (\(only.map(String.init).joined(separator: ",")))
                ORDER BY id
                """)
        }
        let t = InstantText.string(now), u = InstantText.string(until)
        let take = try db.cachedStatement(sql: """
            UPDATE outbox_message SET state = 'active', lease_owner = ?, lease_until = ?, updated_at = ?
            WHERE id = ? AND state IN ('queued', 'deferred')
            """)
        let first = try db.cachedStatement(sql: """
            UPDATE outbox_message SET message_id_header = ? WHERE id = ? AND message_id_header IS NULL
            """)
        let addCopy = try db.cachedStatement(sql: """
            INSERT INTO outbox_recipient (message_id, position, kind, address, origin)
            VALUES (?, (SELECT COALESCE(MAX(position), -1) + 1 FROM outbox_recipient WHERE message_id = ?), ?, ?, 'config')
            ON CONFLICT (message_id, address) DO NOTHING
            """)
        for id in ids {
            try take.execute(arguments: [me.description, u, t, id])
            let key = try String.fetchOne(db.cachedStatement(sql: "SELECT idempotency_key FROM outbox_message WHERE id = ?"),
                                          arguments: [id]) ?? ""
            try first.execute(arguments: [identity.messageID(forKey: key), id])
            if db.changesCount > 0 {
                for a in identity.cc { try addCopy.execute(arguments: [id, id, "cc", a.value]) }
                for a in identity.bcc { try addCopy.execute(arguments: [id, id, "bcc", a.value]) }
            }
        }
        return ids
    }

    /// Extends `me`'s leases on `ids` (those still active) to `until`.
    static func renew(_ db: Database, ids: [Int64], until: Date, me: LeaseOwner) throws {
        let s = try db.cachedStatement(sql: "UPDATE outbox_message SET lease_until = ? WHERE id = ? AND state = 'active' AND lease_owner = ?")
        for id in ids { try s.execute(arguments: [InstantText.string(until), id, me.description]) }
    }

    /// Gives back `me`'s leases on `ids` that were not tried: each returns to its previous state.
    static func release(_ db: Database, ids: [Int64], now: Date, me: LeaseOwner) throws {
        let s = try db.cachedStatement(sql: """
            UPDATE outbox_message SET state = CASE WHEN attempts = 0 THEN 'queued' ELSE 'deferred' END,
              lease_owner = NULL, lease_until = NULL, updated_at = ? WHERE id = ? AND state = 'active' AND lease_owner = ?
            """)
        for id in ids { try s.execute(arguments: [InstantText.string(now), id, me.description]) }
    }

    /// The message row `id`.
    static func message(_ db: Database, _ id: Int64) throws -> OutboxMessageRecord? {
        try OutboxMessageRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM outbox_message WHERE id = ?"), arguments: [id])
    }

    /// A message with its recipients and attachments, or nil when there is no such message.
    static func load(_ db: Database, id: Int64) throws -> QueuedMessage? {
        guard let record = try message(db, id) else { return nil }
        let recipients = try OutboxRecipientRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM outbox_recipient WHERE message_id = ? ORDER BY position, id"), arguments: [id])
        let attachments = try OutboxAttachmentRecord.fetchAll(
            db.cachedStatement(sql: "SELECT * FROM outbox_attachment WHERE message_id = ? ORDER BY position"), arguments: [id])
        return QueuedMessage(record: record, recipients: recipients, attachments: attachments)
    }
}
