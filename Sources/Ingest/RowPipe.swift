import Foundation
import Ledger

/// A bounded hand-over of row chunks from the thread that reads and validates a file to the
/// thread that writes the database, so the two halves of an ingest use both cores.
/// The producer blocks when `capacity` chunks wait; the consumer blocks when none do.
final class RowPipe<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[Item]] = []
    private var head = 0
    private var finished = false
    private var cancelled = false
    private var error: Error?
    let capacity: Int

    init(capacity: Int = 16) { self.capacity = capacity }

    /// Hands a chunk over; false when the consumer gave up (stop producing).
    func push(_ chunk: [Item]) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count - head >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        chunks.append(chunk)
        condition.broadcast()
        return true
    }

    /// The next chunk, or nil once the producer finished and everything was taken.
    func pop() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count == head && !finished { condition.wait() }
        guard chunks.count > head else { return nil }
        let c = chunks[head]
        chunks[head] = []  // the consumer holds the only reference: freed as soon as it is done with it
        head += 1
        if head > 64 { chunks.removeFirst(head); head = 0 }
        condition.broadcast()
        return c
    }

    /// The producer is done, with the error that stopped it if any.
    func finish(_ error: Error?) {
        condition.lock()
        finished = true
        self.error = error
        condition.broadcast()
        condition.unlock()
    }

    /// The error the producer finished with (nil while it runs, or when it finished cleanly).
    var failure: Error? {
        condition.lock()
        defer { condition.unlock() }
        return error
    }

    /// Takes whatever waits, without waiting (the consumer, after `cancel`, to settle what was handed over).
    func drain() -> [[Item]] {
        condition.lock()
        defer { condition.unlock() }
        let rest = Array(chunks[head...])
        chunks.removeAll()
        head = 0
        condition.broadcast()
        return rest
    }

    /// The consumer gives up: the producer's next push returns false.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Diagnostics from both threads of an ingest, one line at a time.
final class LockedReporter: @unchecked Sendable {
    private let lock = NSLock()
    private let report: (Diagnostic) -> Void

    init(_ report: @escaping (Diagnostic) -> Void) { self.report = report }

    func callAsFunction(_ d: Diagnostic) {
        lock.lock()
        report(d)
        lock.unlock()
    }
}

/// A value moved from one thread to another that the caller knows is not shared meanwhile.
final class Handoff<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}
