import Foundation
import GRDB
import Store

/// What a Peppol flush does.
package struct PeppolFlushOptions: Sendable {
    /// The workspace folder the documents' paths are relative to.
    package var root: String
    /// At most this many attempts in this flush (nil: every due document).
    package var limit: Int?
    /// How long a leased document stays ours without an outcome (a crashed flush's lease expires).
    package var leaseDuration: TimeInterval = 300
    /// Backoff and lifetime (defaults: 5 minutes, 4 hours, 5 days).
    package var policy = RetryPolicy(backoffMin: 300, backoffMax: 14_400, maxLifetime: 432_000)

    /// Options for documents under `root`.
    package init(root: String) { self.root = root }
}

/// What a Peppol flush did.
package struct PeppolFlushSummary: Sendable, Equatable {
    /// Documents tried in this flush.
    package var attempted = 0
    /// Documents taken by the access point (or written to the folder).
    package var sent = 0
    /// Documents deferred (tried again later).
    package var deferred = 0
    /// Documents bounced (rejected, or failing past their lifetime).
    package var bounced = 0
    /// Leases of a crashed or killed flush taken back (their documents deferred, tried again).
    package var recovered = 0
    /// Why the flush stopped early (the access point unavailable), if it did.
    package var stoppedBy: String?

    /// One line for people.
    package var text: String {
        var s = "peppol: \(attempted) attempted, \(sent) sent, \(deferred) deferred, \(bounced) bounced"
        if recovered > 0 { s += ", \(recovered) recovered" }
        if let why = stoppedBy { s += "\n  stopped: \(why)" }
        return s
    }
}

/// Sends the due Peppol documents one by one, with the e-mail outbox's rules: a lease per document
/// (so two flushes never send the same one), each outcome committed before the next document,
/// backoff doubling between a minimum and a maximum, a lifetime after which a failing document
/// bounces, and a stop when the access point cannot be used at all.
package final class PeppolFlusher {
    let store: LedgerStore
    let transport: any PeppolTransport
    let clock: any OutboxClock
    let logger: any OutboxLogger
    let owner: LeaseOwner
    let options: PeppolFlushOptions

    /// A flusher.
    package init(store: LedgerStore, transport: any PeppolTransport, clock: any OutboxClock, logger: any OutboxLogger = SilentLogger(),
                owner: LeaseOwner = .current(), options: PeppolFlushOptions) {
        self.store = store
        self.transport = transport
        self.clock = clock
        self.logger = logger
        self.owner = owner
        self.options = options
    }

    /// Flushes; throws only when the database fails.
    package func flush() throws -> PeppolFlushSummary {
        var summary = PeppolFlushSummary()
        summary.recovered = try recover()
        while options.limit.map({ summary.attempted < $0 }) ?? true {
            guard let d = try lease() else { break }
            summary.attempted += 1
            let outcome: PeppolOutcome
            if let data = FileManager.default.contents(atPath: (options.root as NSString).appendingPathComponent(d.path)) {
                outcome = transport.send(PeppolOutgoing(id: d.id, invoiceNumber: d.invoiceNumber, documentType: d.documentType.rawValue,
                                                        period: d.period, receiver: d.receiver, idempotencyKey: d.idempotencyKey,
                                                        xml: [UInt8](data)))
            } else {
                outcome = .rejected(reason: "the UBL file \(d.path) is missing")
            }
            let state = try record(d, outcome)
            logger.log(.info, "peppol.document.attempt", ["peppol.document.id": String(d.id), "peppol.document.state": state.rawValue])
            switch state {
            case .sent: summary.sent += 1
            case .bounced: summary.bounced += 1
            default: summary.deferred += 1
            }
            if case .unavailable(let why) = outcome {
                summary.stoppedBy = why
                break
            }
        }
        return summary
    }

    /// Active documents whose lease expired, or whose owner on this host is gone, become deferred.
    private func recover() throws -> Int {
        let now = clock.now()
        let t = Instant.string(now)
        return try store.pool.write { db in
            var n = 0
            for lease in try PeppolQueries.activeLeases(db) {
                let expired = lease.until < t
                let gone = LeaseOwner(token: lease.owner)?.isGone(seenBy: owner) ?? false
                guard expired || gone else { continue }
                try PeppolCommands.recoverLease(db, document: lease.id, at: t)
                n += 1
            }
            return n
        }
    }

    /// Takes the next due document, oldest first.
    private func lease() throws -> PeppolLeasedDocument? {
        let now = clock.now()
        return try store.pool.write { db in
            try PeppolCommands.leaseNext(db, owner: owner.description, until: Instant.string(now.addingTimeInterval(options.leaseDuration)),
                                         at: Instant.string(now))
        }
    }

    /// Commits an attempt's outcome; returns the new state.
    private func record(_ d: PeppolLeasedDocument, _ outcome: PeppolOutcome) throws -> PeppolState {
        let now = clock.now()
        let t = Instant.string(now)
        let start = InstantText.date(d.lifetimeFrom) ?? now
        return try store.pool.write { db in
            let state: PeppolState
            var detail: String
            switch outcome {
            case .accepted(let reply):
                state = .sent
                detail = reply
                try PeppolCommands.recordSent(db, document: d.id, reply: reply, transport: transport.name, at: t)
            case .rejected(let reason):
                state = .bounced
                detail = reason
                try PeppolCommands.recordBounced(db, document: d.id, reason: reason, transport: transport.name, at: t)
            case .deferred(let reason), .unavailable(let reason):
                if now >= options.policy.expiry(from: start) {
                    state = .bounced
                    detail = "expired after \(d.attempts) attempt(s): \(reason)"
                    try PeppolCommands.recordBounced(db, document: d.id, reason: detail, transport: transport.name, at: t)
                } else {
                    state = .deferred
                    detail = reason
                    let next = options.policy.nextAttempt(afterFailures: d.attempts, at: now, lifetimeFrom: start)
                    try PeppolCommands.recordDeferred(db, document: d.id, next: Instant.string(next), reason: reason,
                                                      transport: transport.name, at: t)
                }
            }
            try PeppolQueue.appendEvent(db, document: d.id, at: t, from: .active, to: state, actor: .flush, detail: detail)
            return state
        }
    }
}
