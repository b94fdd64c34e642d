import Dispatch
import Foundation

/// Work spread over a few threads: letters and reminders by the thousand, the nightly reports.
package enum ParallelWork {
    /// `body(0) … body(count - 1)` on `workers` threads (each takes every `workers`-th index), the
    /// results in index order.
    package static func map<T: Sendable>(_ count: Int, workers: Int, _ body: @Sendable (Int) -> T) -> [T] {
        guard count > 0 else { return [] }
        let n = max(1, min(workers, count))
        let slots = Slots<T>(count: count)
        DispatchQueue.concurrentPerform(iterations: n) { worker in
            var i = worker
            while i < count {
                slots.set(i, body(i))
                i += n
            }
        }
        return slots.values.map { $0! }
    }
}

/// Results filled in by several threads, one slot each.
///
/// `@unchecked Sendable`: every access goes through the lock.
private final class Slots<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: T) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [T?] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}
