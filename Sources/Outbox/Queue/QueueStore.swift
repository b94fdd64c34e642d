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
        var firstOfOwner: Set<String> = []
        var recovered = 0
        var inDoubt: [Int64] = []
        for lease in try OutboxQueries.activeLeases(db) {
            let id = lease.id, token = lease.owner
            let owner = LeaseOwner(token: token)
            let expired = lease.until < t
            let gone = owner.map { $0.isGone(seenBy: me) } ?? true
            guard token != me.description, expired || gone else { continue }
            recovered += 1
            if firstOfOwner.insert(token).inserted {
                inDoubt.append(id)
                let why = "the flush delivering this message stopped (\(expired ? "lease expired" : "process gone")); "
                    + "it may have been delivered and is sent again with the same Message-ID"
                try OutboxCommands.deferInDoubt(db, message: id, reason: why, at: t)
            } else {
                try OutboxCommands.returnLease(db, message: id, to: OutboxState.untried(attempts: lease.attempts), at: t)
            }
        }
        return (recovered, inDoubt)
    }

    /// The ids of up to `count` due messages, taken fairly from the new (`queued`) and the
    /// retried (`deferred`) ones: alternately while both have some, oldest due first.
    static func due(_ db: Database, now: Date, count: Int) throws -> [Int64] {
        guard count > 0 else { return [] }
        let t = InstantText.string(now)
        let new = try OutboxQueries.dueIDs(db, state: .queued, at: t, limit: count)
        let retried = try OutboxQueries.dueIDs(db, state: .deferred, at: t, limit: count)
        var picked: [Int64] = []
        var i = 0
        while picked.count < count && (i < new.count || i < retried.count) {
            if i < new.count { picked.append(new[i]) }
            if i < retried.count && picked.count < count { picked.append(retried[i]) }
            i += 1
        }
        return picked
    }

    /// How many messages are due now.
    static func dueCount(_ db: Database, now: Date) throws -> Int {
        try OutboxQueries.dueCount(db, at: InstantText.string(now))
    }

    /// Leases up to `count` due messages to `me` until `until`, in id order. On a message's first
    /// lease its `Message-ID` is fixed and the workspace's Cc/Bcc become recipients, so both are
    /// durable before anything goes on the wire.
    static func lease(_ db: Database, now: Date, until: Date, me: LeaseOwner, count: Int,
                      identity: SenderIdentity, only: Set<Int64>? = nil) throws -> [Int64] {
        var ids = try due(db, now: now, count: count).sorted()
        if let only { ids = try OutboxQueries.waiting(db, among: only) }
        try OutboxCommands.lease(db, ids: ids, owner: me.description, until: InstantText.string(until), at: InstantText.string(now),
                                 domain: identity.domain, cc: identity.cc.map(\.value), bcc: identity.bcc.map(\.value))
        return ids
    }

    /// Extends `me`'s leases on `ids` (those still active) to `until`.
    static func renew(_ db: Database, ids: [Int64], until: Date, me: LeaseOwner) throws {
        try OutboxCommands.renewLeases(db, ids: ids, until: InstantText.string(until), owner: me.description)
    }

    /// Gives back `me`'s leases on `ids` that were not tried: each returns to its previous state.
    static func release(_ db: Database, ids: [Int64], now: Date, me: LeaseOwner) throws {
        try OutboxCommands.releaseLeases(db, ids: ids, at: InstantText.string(now), owner: me.description)
    }

    /// A message with its recipients and attachments, or nil when there is no such message.
    static func load(_ db: Database, id: Int64) throws -> QueuedMessage? {
        guard let record = try OutboxQueries.message(db, id) else { return nil }
        return QueuedMessage(record: record, recipients: try OutboxQueries.recipients(db, message: id),
                             attachments: try OutboxQueries.attachments(db, message: id))
    }
}
