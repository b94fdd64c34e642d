import Foundation
import GRDB
import Store

/// The state a message reached after an attempt.
package enum AttemptVerdict: String, Sendable, Equatable {
    case sent, deferred, bounced, expired, unbuildable
}

/// Records what an attempt came to, in one transaction: each recipient's status and reply, then
/// the message's state (Postfix's rules: 4xx defers, 5xx bounces, a message past its lifetime
/// bounces on its next failure).
enum OutcomeRecorder {
    /// The lease was lost (taken back by another flusher): nothing was written.
    struct LeaseLost: Error {}

    /// The columns of a leased message the decision needs.
    struct Leased {
        var id: Int64
        var attempts: Int
        var lifetimeFrom: String
        var owner: String
    }

    /// A recipient's kind, status and reply after the attempt.
    struct Settled {
        var kind: OutboxRecipientKind
        var status: OutboxRecipientStatus
        var reply: String?
    }

    /// Records `result` for the recipients `attempted` of the leased message `q` (as loaded for
    /// this attempt) and returns the verdict. Throws `LeaseLost`, writing nothing, when `me` no
    /// longer holds the lease.
    static func record(_ db: Database, _ q: QueuedMessage, attempted: [OutboxRecipientRecord], result: DeliveryResult,
                       me: LeaseOwner, now: Date, policy: RetryPolicy) throws -> AttemptVerdict {
        let t = InstantText.string(now)
        var settled: [Int64: Settled] = [:]
        for r in attempted {
            let own = result.recipientReplies[r.address]
            let (status, reply): (OutboxRecipientStatus, String) = switch result.outcome {
            case .accepted(let overall):
                own.map { ($0.kind == 2 ? .sent : $0.kind == 4 ? .deferred : .bounced, $0.description) } ?? (.sent, overall)
            case .deferred(let reason), .unavailable(let reason):
                own.map { $0.kind == 5 ? (.bounced, $0.description) : (.deferred, $0.kind == 4 ? $0.description : reason) }
                    ?? (.deferred, reason)
            case .bounced(let reason):
                (.bounced, own.map { $0.kind == 5 ? $0.description : reason } ?? reason)
            }
            try OutboxCommands.settleRecipient(db, id: r.id, status: status, reply: reply, at: t)
            if let id = r.id { settled[id] = Settled(kind: r.kind, status: status, reply: reply) }
        }
        let all = q.recipients.map { r in r.id.flatMap { settled[$0] } ?? Settled(kind: r.kind, status: r.status, reply: r.reply) }
        let reason: String = switch result.outcome {
        case .accepted(let reply): reply
        case .deferred(let r), .bounced(let r), .unavailable(let r): r
        }
        let m = Leased(id: q.record.id, attempts: q.record.attempts, lifetimeFrom: q.record.lifetimeFrom, owner: me.description)
        return try settle(db, message: m, recipients: all, reason: reason, now: now, policy: policy)
    }

    /// Marks a leased message that cannot be built as bounced at once; throws `LeaseLost` like `record`.
    static func unbuildable(_ db: Database, id: Int64, error: BuildError, me: LeaseOwner, now: Date) throws -> AttemptVerdict {
        guard let row = try OutboxQueries.attemptsAndLifetime(db, message: id) else { throw LeaseLost() }
        let m = Leased(id: id, attempts: row.attempts, lifetimeFrom: row.lifetimeFrom, owner: me.description)
        let t = InstantText.string(now), why = "cannot be built: \(error.message)"
        try OutboxCommands.bounceRecipients(db, message: id, whose: [.pending, .deferred], reply: why, at: t)
        try finish(db, m, state: .bounced, now: t, end: OutboxAttemptEnd(bounceKind: .unbuildable, bounceReason: why))
        try OutboxEventRecord.append(db, message: id, at: t, from: .active, to: .bounced, actor: .flush, detail: why)
        return .unbuildable
    }

    /// Decides the message's state from its recipients' statuses.
    private static func settle(_ db: Database, message m: Leased, recipients: [Settled],
                               reason: String, now: Date, policy: RetryPolicy) throws -> AttemptVerdict {
        let t = InstantText.string(now)
        let failures = m.attempts + 1
        let start = InstantText.date(m.lifetimeFrom) ?? now
        if recipients.contains(where: { $0.status == .deferred }) {
            if now >= policy.expiry(from: start) {
                let why = "still undeliverable after \(Self.duration(policy.maxLifetime)) in the queue: \(reason)"
                try OutboxCommands.bounceRecipients(db, message: m.id, whose: [.deferred], reply: why, at: t)
                try finish(db, m, state: .bounced, now: t, end: OutboxAttemptEnd(bounceKind: .expired, bounceReason: why))
                try OutboxEventRecord.append(db, message: m.id, at: t, from: .active, to: .bounced, actor: .flush, detail: why)
                return .expired
            }
            let next = policy.nextAttempt(afterFailures: failures, at: now, lifetimeFrom: start)
            try finish(db, m, state: .deferred, now: t,
                       end: OutboxAttemptEnd(lastError: reason, nextAttemptAt: InstantText.string(next)))
            try OutboxEventRecord.append(db, message: m.id, at: t, from: .active, to: .deferred, actor: .flush, detail: reason)
            return .deferred
        }
        if recipients.contains(where: { $0.kind == .to && $0.status == .sent }) {
            try finish(db, m, state: .sent, now: t, end: OutboxAttemptEnd(sentAt: t, serverReply: reason))
            try OutboxEventRecord.append(db, message: m.id, at: t, from: .active, to: .sent, actor: .flush, detail: reason, atSentAt: true)
            return .sent
        }
        let replies = recipients.filter { $0.kind == .to }.compactMap(\.reply)
        let why = Array(Set(replies)).sorted().joined(separator: "; ").nonEmpty ?? reason
        try finish(db, m, state: .bounced, now: t, end: OutboxAttemptEnd(bounceKind: .remote, bounceReason: why))
        try OutboxEventRecord.append(db, message: m.id, at: t, from: .active, to: .bounced, actor: .flush, detail: why)
        return .bounced
    }

    /// Ends the lease with `state` and the columns of `end` set; throws `LeaseLost` when the lease
    /// is no longer `m.owner`'s (the caller's transaction then rolls back).
    private static func finish(_ db: Database, _ m: Leased, state: OutboxState, now t: String, end: OutboxAttemptEnd) throws {
        guard try OutboxCommands.endLease(db, message: m.id, owner: m.owner, state: state, end: end, at: t) else { throw LeaseLost() }
    }

    /// `3 days`, `4 hours`, `90 minutes`, `45 seconds`.
    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        if s % 86_400 == 0 { return "\(s / 86_400) day\(s == 86_400 ? "" : "s")" }
        if s % 3600 == 0 { return "\(s / 3600) hour\(s == 3600 ? "" : "s")" }
        if s % 60 == 0 { return "\(s / 60) minute\(s == 60 ? "" : "s")" }
        return "\(s) second\(s == 1 ? "" : "s")"
    }
}

extension String {
    /// Nil when empty.
    var nonEmpty: String? { isEmpty ? nil : self }
}
