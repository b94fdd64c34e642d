import Foundation
import GRDB
import Store

/// What `Flusher.run` should do.
package struct FlushOptions: Sendable {
    /// Handle at most this many messages; nil: every due message.
    package var limit: Int?
    /// Report what would be sent (and what cannot be built) without leasing or sending anything.
    package var dryRun = false
    /// Messages per minute at most; 0: no limit.
    package var ratePerMinute = 0
    /// Messages leased (and built ahead) at a time.
    package var chunkSize = 32
    /// SMTP connections at most (1 or 2): with two, a message's MAIL, RCPT and DATA go out on one
    /// while the previous message's end of data and commit finish on the other; the ends of data
    /// still go out one at a time, each after every earlier outcome is committed. One under a rate
    /// limit, and for a transport without a second connection (`MailTransport.companion`).
    package var connections = 1
    /// Seconds one message may take in the transport (connect and send): a lease always has at
    /// least this much left when a message goes on the wire.
    package var sendBudget: TimeInterval = 180
    /// Seconds the whole flush may take: no message is started after this, the rest stay due for a
    /// later flush (`FlushReport.deadlineReached`). Nil: no limit.
    package var deadline: TimeInterval?
    /// Asked before each message: true stops the flush there (SIGTERM), after the message before
    /// it was committed; the rest stay due (`FlushReport.stopped`).
    package var shouldStop: (@Sendable () -> Bool)?
    /// Only these messages (by id), due or not: an alert sent on its own, without the rest of the queue.
    package var only: Set<Int64>?
    /// Days a sent message keeps its text and HTML bodies; after a flush, older ones lose them
    /// (`OutboxQueue.removeBodies`; the audit facts stay). Nil: bodies are kept for ever.
    package var bodyRetentionDays: Int? = 400
    /// Told after each message handed to the transport: how many so far, and how many were due
    /// when the flush began (within the limit).
    package var progress: (@Sendable (_ handled: Int, _ due: Int) -> Void)?
    /// Dunning's rule that cancels queued reminders the ledger no longer agrees with, run before
    /// anything leaves (set by the caller, which imports Dunning); nil checks none. A dry run cancels nothing.
    package var reminderGuard: (any OutdatedReminderCancelling)?

    /// Options; every due message, no rate limit.
    package init(limit: Int? = nil, dryRun: Bool = false, ratePerMinute: Int = 0) {
        self.limit = limit
        self.dryRun = dryRun
        self.ratePerMinute = ratePerMinute
    }
}

/// What a flush did.
package struct FlushReport: Sendable, Equatable {
    /// A message a dry run would send, or could not build.
    package struct Planned: Sendable, Equatable {
        package var id: MessageID
        package var state: OutboxState
        package var attempts: Int
        package var problem: String?
    }

    package var sent = 0
    package var deferred = 0
    package var bounced = 0
    /// Bounced because the message had failed for longer than its lifetime.
    package var expired = 0
    /// Bounced at once because the message could not be built.
    package var unbuildable = 0
    /// Leases taken back from flushers that are gone or expired.
    package var recovered = 0
    /// Messages that may have been delivered by a flush that stopped; sent again with the same Message-ID.
    package var inDoubt: [MessageID] = []
    /// Due messages left for a later flush (by `--limit`, or because the server was unavailable).
    package var leftDue = 0
    /// Set when the flush stopped because the transport was unavailable or stopped answering.
    package var unavailable: String?
    /// True when the flush stopped at its deadline with messages still due.
    package var deadlineReached = false
    /// True when `shouldStop` stopped the flush.
    package var stopped = false
    /// The dry run's plan.
    package var planned: [Planned] = []
    /// Sent messages whose bodies the retention removed (`FlushOptions.bodyRetentionDays`).
    package var bodiesRemoved = 0

    /// An empty report.
    package init() {}
}

/// Flushes the outbox: takes due messages (new and retried, fairly), leases them, builds and sends
/// each, and records each outcome before the next message's end of data is sent.
///
/// Safe to run twice at once (leases are taken in a write transaction, so no message is leased by
/// two flushers) and safe to kill: a later flush takes back the leases of a flusher that is gone,
/// and at most the message that was on the wire is sent again, with the same Message-ID.
package final class Flusher {
    let store: LedgerStore
    let transport: any MailTransport
    let identity: SenderIdentity
    let policy: RetryPolicy
    let clock: any OutboxClock
    let logger: any OutboxLogger
    let me: LeaseOwner

    /// A flusher for one run.
    package init(store: LedgerStore, transport: any MailTransport, identity: SenderIdentity, policy: RetryPolicy,
                clock: any OutboxClock, logger: any OutboxLogger = SilentLogger(), owner: LeaseOwner = .current()) {
        self.store = store
        self.transport = transport
        self.identity = identity
        self.policy = policy
        self.clock = clock
        self.logger = logger
        self.me = owner
    }

    /// Runs one flush. Throws only database errors; delivery problems are in the report.
    package func run(_ options: FlushOptions) throws -> FlushReport {
        var report = FlushReport()
        let leaseTime = max(600, options.sendBudget * 3)
        let recovered = try store.pool.write { db in
            // Last check before anything leaves: a reminder whose figures changed since it was queued is cancelled.
            if !options.dryRun { try options.reminderGuard?.cancelOutdatedReminders(db, at: clock.now()) }
            return try QueueStore.recover(db, now: clock.now(), me: me)
        }
        report.recovered = recovered.recovered
        report.inDoubt = recovered.inDoubt.map(MessageID.init(rawValue:))
        for id in recovered.inDoubt { logger.log(.info, "outbox.message.in_doubt", ["outbox.message.id": String(id)]) }
        if options.dryRun { return try plan(options, report) }
        let stopAt = options.deadline.map { clock.now().addingTimeInterval($0) }
        let interval = options.ratePerMinute > 0 ? 60 / Double(options.ratePerMinute) : 0
        // A second connection overlaps one message's MAIL, RCPT and DATA with the previous one's end
        // of data and commit; under a rate limit, one connection (the messages are spaced anyway).
        let second = options.connections > 1 && interval == 0 ? transport.companion() : nil
        let lanes = [SendLane(transport, ownThread: second != nil)] + (second.map { [SendLane($0, ownThread: true)] } ?? [])
        defer { for lane in lanes { lane.wait(); lane.transport.close() } }
        var lastStart: Date?
        var remaining = options.limit ?? Int.max
        var handled = 0
        let due = options.progress == nil ? 0 : min(remaining, try store.pool.read { db in try QueueStore.dueCount(db, now: clock.now()) })
        // Under a rate limit a chunk spans at most half a minute, so leases are not held for long.
        let chunk = options.ratePerMinute > 0 ? min(options.chunkSize, max(1, options.ratePerMinute / 2)) : options.chunkSize
        let records = RecordQueue()
        let delivery = Delivery(store: store, identity: identity, policy: policy, clock: clock, logger: logger, me: me)
        var turn = 0
        /// Waits for the messages in flight and their outcomes, then gives back the chunk's leases
        /// that were not tried (those still active and ours).
        func settle(_ ids: [Int64]) throws {
            for lane in lanes { lane.wait() }
            _ = records.waitForAll()
            try records.check()
            try store.pool.write { db in try QueueStore.release(db, ids: ids, now: clock.now(), me: me) }
        }
        outer: while remaining > 0 {
            let now = clock.now()
            var leaseUntil = now.addingTimeInterval(leaseTime)
            let ids = try store.pool.write { db in
                try QueueStore.lease(db, now: now, until: leaseUntil, me: me, count: min(remaining, chunk), identity: identity,
                                     only: options.only)
            }
            if ids.isEmpty { break }
            remaining -= ids.count
            // The chunk is loaded and built on another thread while its first messages are sent.
            let prepared = ChunkPreparation(store: store, identity: identity, ids: ids)
            defer { prepared.cancel() }
            for (i, id) in ids.enumerated() {
                if let last = lastStart, interval > 0 { clock.sleep(until: last.addingTimeInterval(interval)) }
                let late = stopAt.map { clock.now() >= $0 } ?? false
                if late || options.shouldStop?() == true {
                    if late { report.deadlineReached = true } else { report.stopped = true }
                    try settle(ids)
                    break outer
                }
                if leaseUntil.timeIntervalSince(clock.now()) < options.sendBudget {
                    leaseUntil = clock.now().addingTimeInterval(leaseTime)
                    let until = leaseUntil
                    try store.pool.write { db in try QueueStore.renew(db, ids: ids, until: until, me: me) }
                }
                try records.check()
                let lane = lanes[turn % lanes.count]
                // The lane's previous message is done (its outcome reported) before it takes the next.
                lane.wait()
                if let reason = records.stopReason {
                    report.unavailable = reason
                    try settle(ids)
                    break outer
                }
                lastStart = clock.now()
                handled += 1
                options.progress?(handled, due)
                let outcome = try prepared.result(i), t = turn
                turn += 1
                lane.run { delivery.deliver(id, outcome, turn: t, over: lane.transport, records) }
            }
            // The chunk's last messages finish before the next lease, so this flusher's active
            // leases never hold a message of an earlier chunk (the first of them is the one in doubt).
            for lane in lanes { lane.wait() }
            if let reason = records.stopReason {
                report.unavailable = reason
                try settle(ids)
                break outer
            }
        }
        _ = records.waitForAll()
        try records.check()
        for verdict in records.take() {
            switch verdict {
            case .sent: report.sent += 1
            case .deferred: report.deferred += 1
            case .bounced: report.bounced += 1
            case .expired: report.expired += 1
            case .unbuildable: report.unbuildable += 1
            case nil: break
            }
        }
        report.leftDue = try store.pool.read { db in try QueueStore.dueCount(db, now: clock.now()) }
        if let days = options.bodyRetentionDays, days >= 0 {
            let now = clock.now()
            report.bodiesRemoved = try store.pool.write { db in
                try OutboxQueue.removeBodies(db, sentBefore: now.addingTimeInterval(-Double(days) * 86_400), at: now)
            }
        }
        return report
    }

    /// The dry run: the due messages the flush would take, in order, each built to find those that cannot be.
    private func plan(_ options: FlushOptions, _ start: FlushReport) throws -> FlushReport {
        var report = start
        let now = clock.now()
        let ids = try store.pool.read { db in try QueueStore.due(db, now: now, count: options.limit ?? Int.max) }
        for id in ids {
            guard let m = try store.pool.read({ db in try QueueStore.load(db, id: id) }) else { continue }
            var problem: String?
            do { _ = try MessageBuilder.build(m, identity: identity) } catch { problem = error.message }
            report.planned.append(.init(id: MessageID(rawValue: id), state: m.record.state, attempts: m.record.attempts, problem: problem))
        }
        report.leftDue = try store.pool.read { db in try QueueStore.dueCount(db, now: now) } - ids.count
        return report
    }
}

/// One connection of a flush and the thread that drives it: the first lane runs on the flushing
/// thread itself when it is the only one; with two, each has its own.
final class SendLane: @unchecked Sendable {
    let transport: any MailTransport
    private let queue: DispatchQueue?
    private let group = DispatchGroup()

    init(_ transport: any MailTransport, ownThread: Bool) {
        self.transport = transport
        queue = ownThread ? DispatchQueue(label: "relance.outbox.lane") : nil
    }

    /// Runs `work` on the lane (at once, on this thread, without a thread of its own).
    func run(_ work: @escaping @Sendable () -> Void) {
        guard let queue else { return work() }
        group.enter()
        queue.async { [group] in
            work()
            group.leave()
        }
    }

    /// Waits until the lane's work is done.
    func wait() { group.wait() }
}

/// Sends one prepared message and reports its outcome to the record queue in its turn.
private struct Delivery: Sendable {
    let store: LedgerStore
    let identity: SenderIdentity
    let policy: RetryPolicy
    let clock: any OutboxClock
    let logger: any OutboxLogger
    let me: LeaseOwner

    /// Sends message `id` over `transport` (its end of data waits for every earlier turn's outcome)
    /// and reports it as turn `turn`: its outcome to record, and why the flush stops when the
    /// transport was unavailable or stalled. A message whose end of data was never sent because
    /// the flush is stopping is reported without an outcome: it stays leased until the flusher
    /// gives it back untried.
    func deliver(_ id: Int64, _ prepared: ChunkPreparation.Outcome, turn: Int, over transport: any MailTransport,
                 _ records: RecordQueue) {
        let (store, me, clock, policy, logger) = (self.store, self.me, self.clock, self.policy, self.logger)
        let m: QueuedMessage, bytes: [UInt8]
        switch prepared {
        case .missing:
            records.submit(turn: turn, nil)
            return
        case .unbuildable(let error):
            logger.log(.info, "outbox.message.unbuildable", ["outbox.message.id": String(id)])
            records.submit(turn: turn) {
                do {
                    return try store.pool.write { db in try OutcomeRecorder.unbuildable(db, id: id, error: error, me: me, now: clock.now()) }
                } catch is OutcomeRecorder.LeaseLost {
                    logger.log(.info, "outbox.lease.lost", ["outbox.message.id": String(id)])
                    return nil
                }
            }
            return
        case .built(let message, let built):
            (m, bytes) = (message, built)
        }
        let attempted = m.recipients.filter { $0.status == .pending || $0.status == .deferred }
        let result: DeliveryResult
        var completed = false
        if attempted.isEmpty {
            result = DeliveryResult(.accepted(reply: "no recipient left to deliver to"))
            completed = true
        } else {
            let envelope = Envelope(sender: identity.from.value, recipients: attempted.map(\.address),
                                    messageID: m.record.messageIdHeader ?? identity.messageID(forKey: m.record.idempotencyKey))
            // The end of this message's data waits until every earlier outcome is committed.
            result = transport.send(bytes, envelope: envelope, beforeEnd: {
                completed = records.gate(turn)
                return completed
            })
        }
        // A message that never reached its end of data while the flush stops was not delivered:
        // reported without an outcome, it goes back untried.
        if !completed && records.waitForTurn(turn) != nil {
            records.submit(turn: turn, nil)
            return
        }
        let stop: String? = if case .unavailable(let reason) = result.outcome { reason } else { result.stalled }
        records.submit(turn: turn, stop: stop) {
            do {
                let verdict = try store.pool.write { db in
                    try OutcomeRecorder.record(db, m, attempted: attempted, result: result, me: me, now: clock.now(), policy: policy)
                }
                logger.log(.info, "outbox.message.attempted", ["outbox.message.id": String(id), "outbox.message.state": verdict.rawValue])
                return verdict
            } catch is OutcomeRecorder.LeaseLost {
                logger.log(.info, "outbox.lease.lost", ["outbox.message.id": String(id)])
                return nil
            }
        }
    }
}
