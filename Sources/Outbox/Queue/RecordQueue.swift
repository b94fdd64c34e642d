import Foundation

/// Records outcomes on one background thread, in the order the messages were handed out, so the
/// next message's SMTP transaction overlaps the previous message's commit.
///
/// Every message handed out gets a turn (0, 1, 2, …) and reports in turn order, with an outcome to
/// commit or none (`submit(turn:…)`). The safety rule still holds with two connections: a
/// message's end of data is only sent once every outcome of an earlier turn is committed
/// (`gate(turn)`, the transport's end-of-data gate), so a kill leaves at most one message
/// delivered but not recorded — the lowest-numbered one its lease still holds.
final class RecordQueue: @unchecked Sendable {
    private let queue = DispatchQueue(label: "relance.outbox.record")
    private let condition = NSCondition()
    private var pending = 0
    /// Turns below this have reported (submitted or skipped).
    private var reported = 0
    /// Turns below this are committed (or reported without an outcome).
    private var committed = 0
    private var failure: (any Error)?
    private var verdicts: [AttemptVerdict?] = []
    /// Why the flush stops (the transport unavailable or stalled): no later end of data is sent.
    var stopReason: String? { condition.withLock { stopped } }
    private var stopped: String?

    /// Waits until every turn before `turn` has reported; returns why the flush is stopping, if it is.
    func waitForTurn(_ turn: Int) -> String? {
        condition.lock()
        defer { condition.unlock() }
        while reported < turn && failure == nil { condition.wait() }
        return stopped
    }

    /// Reports turn `turn` (after every earlier one, see `waitForTurn`): `work` commits its outcome
    /// after every earlier outcome; nil reports a message with nothing to record (missing, or never
    /// sent because the flush stopped). `stop` names why the flush stops after this message; it is
    /// set before the outcome can be committed, so no later message passes its gate.
    func submit(turn: Int, stop: String? = nil, _ work: (@Sendable () throws -> AttemptVerdict?)?) {
        condition.withLock {
            while reported < turn && failure == nil { condition.wait() }
            reported = max(reported, turn + 1)
            if let stop { stopped = stopped ?? stop }
            pending += 1
            condition.broadcast()
        }
        queue.async { [self] in
            let result: Result<AttemptVerdict??, any Error> = Result { try work.map { try $0() } }
            condition.withLock {
                pending -= 1
                committed = max(committed, turn + 1)
                switch result {
                case .success(let v): if let v { verdicts.append(v) }
                case .failure(let e): failure = failure ?? e
                }
                condition.broadcast()
            }
        }
    }

    /// The end-of-data gate of turn `turn`: waits until every earlier outcome is committed; false
    /// when one of them failed or the flush is stopping (the message must not be completed).
    func gate(_ turn: Int) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while committed < turn && failure == nil && stopped == nil { condition.wait() }
        return failure == nil && stopped == nil
    }

    /// Waits until every submitted outcome is committed; false when one of them failed.
    func waitForAll() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while pending > 0 { condition.wait() }
        return failure == nil
    }

    /// Rethrows the first failure, if any (without waiting).
    func check() throws {
        if let e = condition.withLock({ failure }) { throw e }
    }

    /// The verdicts recorded so far, in order; clears them.
    func take() -> [AttemptVerdict?] {
        condition.withLock {
            defer { verdicts.removeAll() }
            return verdicts
        }
    }
}
