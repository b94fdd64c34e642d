import Foundation
import GRDB
import Store

/// Loads and builds a leased chunk of messages on a background thread, in order, while the
/// flusher sends the ones already built: building is off the path between two sends.
final class ChunkPreparation: @unchecked Sendable {
    /// What preparing one message came to.
    enum Outcome: Sendable {
        case built(QueuedMessage, [UInt8])
        case unbuildable(BuildError)
        /// The row no longer exists.
        case missing
    }

    private let condition = NSCondition()
    private var results: [Result<Outcome, any Error>?]
    private var cancelled = false

    /// Starts preparing `ids` in order.
    init(store: LedgerStore, identity: SenderIdentity, ids: [Int64]) {
        results = Array(repeating: nil, count: ids.count)
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            do {
                try store.pool.read { db in
                    for (i, id) in ids.enumerated() {
                        if condition.withLock({ cancelled }) { return }
                        let outcome: Outcome
                        let loaded: QueuedMessage?
                        do {
                            loaded = try QueueStore.load(db, id: id)
                        } catch let damaged as StoreError {
                            // A stored body that cannot be read (a damaged `bodies_z`): this message only.
                            publish(i, .success(.unbuildable(BuildError(message: damaged.description))))
                            continue
                        }
                        if let m = loaded {
                            do throws(BuildError) { outcome = .built(m, try MessageBuilder.build(m, identity: identity)) } catch {
                                outcome = .unbuildable(error)
                            }
                        } else {
                            outcome = .missing
                        }
                        publish(i, .success(outcome))
                    }
                }
            } catch {
                for i in ids.indices { publish(i, .failure(error), keep: true) }
            }
        }
    }

    private func publish(_ i: Int, _ r: Result<Outcome, any Error>, keep: Bool = false) {
        condition.withLock {
            if !keep || results[i] == nil { results[i] = r }
            condition.broadcast()
        }
    }

    /// Waits for message `i` of the chunk; rethrows a database error.
    func result(_ i: Int) throws -> Outcome {
        condition.lock()
        while results[i] == nil { condition.wait() }
        let r = results[i]
        results[i] = nil
        condition.unlock()
        return try (r ?? .success(.missing)).get()
    }

    /// Stops preparing the rest (the flush stopped early).
    func cancel() { condition.withLock { cancelled = true } }
}
