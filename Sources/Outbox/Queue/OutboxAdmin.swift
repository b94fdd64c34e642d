import Foundation
import GRDB
import Store

/// The operator's verbs (Postfix's `postsuper -h/-H/-r`): hold, release, requeue.
package enum OutboxAdmin {
    /// What a verb did to one message.
    package enum Change: Sendable, Equatable {
        case changed(from: OutboxState, to: OutboxState)
        /// The message is in a state the verb does not apply to; the text says why.
        case refused(String)
        case notFound
    }

    /// Parks a queued or deferred message: no flush takes it until it is released.
    package static func hold(_ db: Database, _ id: MessageID, at now: Date) throws -> Change {
        try transition(db, id, at: now, detail: "held by an operator") { state, _ in
            switch state {
            case .queued, .deferred: return .success(.hold)
            case .hold: return .failure("already on hold")
            case .active: return .failure("being delivered right now; try again after the flush")
            case .sent, .bounced, .cancelled: return .failure("already \(state.rawValue); holding it changes nothing")
            }
        }
    }

    /// Puts a held message back in the queue, due at once (`queued` if never tried, else `deferred`).
    package static func release(_ db: Database, _ id: MessageID, at now: Date) throws -> Change {
        try transition(db, id, at: now, detail: "released by an operator", due: true) { state, attempts in
            state == .hold ? .success(OutboxState.untried(attempts: attempts)) : .failure("not on hold (\(state.rawValue))")
        }
    }

    /// Makes a message due at once again. A deferred or held message keeps its lifetime; a bounced
    /// or cancelled one starts a new lifetime and its refused recipients are tried again. A sent
    /// message is refused (it would go out twice), as is one being delivered.
    package static func requeue(_ db: Database, _ id: MessageID, at now: Date) throws -> Change {
        let change = try transition(db, id, at: now, detail: "requeued by an operator", due: true) { state, attempts in
            switch state {
            case .deferred, .hold: return .success(OutboxState.untried(attempts: attempts))
            case .queued: return .failure("already queued and due")
            case .bounced, .cancelled: return .success(.queued)
            case .sent: return .failure("already sent; requeueing it would send it twice")
            case .active: return .failure("being delivered right now; try again after the flush")
            }
        }
        if case .changed(let from, _) = change, from == .bounced || from == .cancelled {
            try OutboxCommands.restartLifetime(db, message: id.rawValue, at: InstantText.string(now))
        }
        return change
    }

    private enum Decision {
        case success(OutboxState)
        case failure(String)
    }

    private static func transition(_ db: Database, _ id: MessageID, at now: Date, detail: String, due: Bool = false,
                                   decide: (OutboxState, Int) -> Decision) throws -> Change {
        guard let (state, attempts) = try OutboxQueries.stateAndAttempts(db, message: id.rawValue) else { return .notFound }
        switch decide(state, attempts) {
        case .failure(let why):
            return .refused(why)
        case .success(let to):
            try OutboxCommands.transition(db, message: id.rawValue, from: state, to: to, due: due, actor: .admin, detail: detail,
                                          at: InstantText.string(now))
            return .changed(from: state, to: to)
        }
    }
}
