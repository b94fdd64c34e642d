import Foundation
import GRDB
import Store

/// The states of an outbox message.
public enum OutboxState: String, Sendable, CaseIterable {
    case queued, active, deferred, hold, sent, bounced, cancelled
}

/// The operator's verbs (Postfix's `postsuper -h/-H/-r`): hold, release, requeue.
public enum OutboxAdmin {
    /// What a verb did to one message.
    public enum Change: Sendable, Equatable {
        case changed(from: String, to: String)
        /// The message is in a state the verb does not apply to; the text says why.
        case refused(String)
        case notFound
    }

    /// Parks a queued or deferred message: no flush takes it until it is released.
    public static func hold(_ db: Database, _ id: MessageID, at now: Date) throws -> Change {
        try transition(db, id, at: now, detail: "held by an operator") { state, _ in
            switch state {
            case "queued", "deferred": return .success("hold")
            case "hold": return .failure("already on hold")
            case "active": return .failure("being delivered right now; try again after the flush")
            default: return .failure("already \(state); holding it changes nothing")
            }
        }
    }

    /// Puts a held message back in the queue, due at once (`queued` if never tried, else `deferred`).
    public static func release(_ db: Database, _ id: MessageID, at now: Date) throws -> Change {
        try transition(db, id, at: now, detail: "released by an operator", due: true) { state, attempts in
            state == "hold" ? .success(attempts == 0 ? "queued" : "deferred") : .failure("not on hold (\(state))")
        }
    }

    /// Makes a message due at once again. A deferred or held message keeps its lifetime; a bounced
    /// or cancelled one starts a new lifetime and its refused recipients are tried again. A sent
    /// message is refused (it would go out twice), as is one being delivered.
    public static func requeue(_ db: Database, _ id: MessageID, at now: Date) throws -> Change {
        let change = try transition(db, id, at: now, detail: "requeued by an operator", due: true) { state, attempts in
            switch state {
            case "deferred", "hold": return .success(attempts == 0 ? "queued" : "deferred")
            case "queued": return .failure("already queued and due")
            case "bounced", "cancelled": return .success("queued")
            case "sent": return .failure("already sent; requeueing it would send it twice")
            default: return .failure("being delivered right now; try again after the flush")
            }
        }
        if case .changed(let from, _) = change, from == "bounced" || from == "cancelled" {
            let t = InstantText.string(now)
            try db.execute(sql: "UPDATE outbox_message SET lifetime_from = ? WHERE id = ?", arguments: [t, id.rawValue])
            try db.execute(sql: """
                UPDATE outbox_recipient SET status = 'pending', reply = NULL, updated_at = ? WHERE message_id = ? AND status <> 'sent'
                """, arguments: [t, id.rawValue])
        }
        return change
    }

    private enum Decision {
        case success(String)
        case failure(String)
    }

    private static func transition(_ db: Database, _ id: MessageID, at now: Date, detail: String, due: Bool = false,
                                   decide: (String, Int) -> Decision) throws -> Change {
        guard let row = try Row.fetchOne(db, sql: "SELECT state, attempts FROM outbox_message WHERE id = ?", arguments: [id.rawValue]) else {
            return .notFound
        }
        let state: String = row[0], attempts: Int = row[1]
        switch decide(state, attempts) {
        case .failure(let why):
            return .refused(why)
        case .success(let to):
            let t = InstantText.string(now)
            // A bounced or cancelled message leaves its final state: clear what the CHECKs tie to it.
            try db.execute(sql: """
                UPDATE outbox_message SET state = ?, updated_at = ?,
                  next_attempt_at = CASE WHEN ? THEN ? ELSE next_attempt_at END,
                  bounce_kind = CASE WHEN ? = 'bounced' THEN NULL ELSE bounce_kind END,
                  bounce_reason = CASE WHEN ? = 'bounced' THEN NULL ELSE bounce_reason END,
                  cancel_reason = CASE WHEN ? = 'cancelled' THEN NULL ELSE cancel_reason END
                WHERE id = ?
                """, arguments: [to, t, due, t, state, state, state, id.rawValue])
            try OutboxEventRecord.append(db, message: id.rawValue, at: t, from: state, to: to, actor: "admin", detail: detail)
            return .changed(from: state, to: to)
        }
    }
}
