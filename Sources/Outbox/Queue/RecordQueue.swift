import Foundation

/// Records outcomes on one background thread, in the order the messages were sent, so the next
/// message's SMTP transaction overlaps the previous message's commit.
///
/// The safety rule still holds: a message's end of data is only sent once every earlier outcome is
/// committed (`waitForAll`, the transport's end-of-data gate), so a kill leaves at most one message
/// delivered but not recorded — the lowest-numbered one its lease still holds.
final class RecordQueue: @unchecked Sendable {
    private let queue = DispatchQueue(label: "relance.outbox.record")
    private let condition = NSCondition()
    private var pending = 0
    private var failure: (any Error)?
    private var verdicts: [AttemptVerdict?] = []

    /// Runs `work` after every earlier one; a thrown error stops the flush.
    func submit(_ work: @escaping @Sendable () throws -> AttemptVerdict?) {
        condition.withLock { pending += 1 }
        queue.async { [self] in
            let result = Result { try work() }
            condition.withLock {
                pending -= 1
                switch result {
                case .success(let v): verdicts.append(v)
                case .failure(let e): failure = failure ?? e
                }
                condition.broadcast()
            }
        }
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
