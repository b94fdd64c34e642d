import Dispatch
import Foundation

/// A fixed-size buffer that concurrent chunks write at disjoint indexes.
///
/// Results never depend on the number of cores: work is cut into the same chunks whatever the
/// machine, each chunk writes only its own indexes and its own partial sums, and partial sums are
/// added in chunk order.
final class SharedBuffer<Element>: @unchecked Sendable {
    let pointer: UnsafeMutableBufferPointer<Element>

    init(repeating value: Element, count: Int) {
        pointer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: value)
    }

    init(_ values: [Element]) {
        pointer = UnsafeMutableBufferPointer<Element>.allocate(capacity: max(values.count, 1))
        _ = pointer.initialize(from: values)
    }

    deinit {
        pointer.deinitialize()
        pointer.deallocate()
    }

    @inline(__always)
    subscript(i: Int) -> Element {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    /// The first `count` elements as an array.
    func array(_ count: Int) -> [Element] { Array(pointer.prefix(count)) }
}

/// Runs chunks of work on all cores.
enum Parallel {
    /// Calls `body(k)` for every chunk index `k` in `0..<chunks`, concurrently.
    static func run(chunks: Int, _ body: @Sendable (Int) -> Void) {
        if chunks <= 1 {
            for k in 0..<chunks { body(k) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
    }

    /// Runs `body` on a thread of its own (for work that waits on a database connection, which
    /// `run`'s pool of one thread per core must not do).
    static func thread(_ body: @escaping @Sendable () -> Void) {
        Thread(block: body).start()
    }

    /// Cuts `0..<count` into at most `chunks` contiguous ranges of nearly equal size.
    static func ranges(count: Int, chunks: Int) -> [Range<Int>] {
        let n = min(count, max(1, chunks))
        return (0..<n).map { k in k * count / n..<(k + 1) * count / n }
    }

    /// Cuts groups `0..<groups` (e.g. debtors, whose rows start at `boundaries[g]`, with
    /// `boundaries[groups] == count`) into contiguous ranges of groups holding about `count / chunks`
    /// rows each.
    static func ranges(count: Int, boundaries: [Int], groups: Int, chunks: Int) -> [Range<Int>] {
        guard count > 0, groups > 0 else { return [] }
        let target = max(1, count / max(1, chunks))
        var result: [Range<Int>] = []
        var startGroup = 0
        var g = 0
        while g < groups {
            g += 1
            if boundaries[g] - boundaries[startGroup] >= target || g == groups {
                result.append(startGroup..<g)
                startGroup = g
            }
        }
        return result
    }
}

/// A value computed on a thread of its own (`Parallel.thread`) while the caller does something
/// else; `wait` returns it once it is there.
final class Background<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)

    /// Starts `body` on its own thread.
    init(_ body: @escaping @Sendable () -> Value) {
        Parallel.thread {
            self.value = body()
            self.done.signal()
        }
    }

    /// Waits for the value (call once).
    func wait() -> Value? {
        done.wait()
        return value
    }
}

/// Hands chunks finished in any order to `release` in chunk order: `release(k)` runs once chunks
/// `0...k` are all finished, on the thread that finished the last of them, under a lock (so the
/// releases never overlap or overtake each other).
final class InOrder: @unchecked Sendable {
    private let lock = NSLock()
    private var done: [Bool]
    private var next = 0
    private let release: (Int) -> Void

    init(count: Int, release: @escaping (Int) -> Void) {
        done = [Bool](repeating: false, count: count)
        self.release = release
    }

    /// Marks chunk `k` finished and releases every chunk now ready, in order.
    func finished(_ k: Int) {
        lock.lock()
        defer { lock.unlock() }
        done[k] = true
        while next < done.count && done[next] {
            release(next)
            next += 1
        }
    }
}
