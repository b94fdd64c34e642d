import Foundation

/// When to try a message again, and when to give up (Postfix's `minimal_backoff_time`,
/// `maximal_backoff_time`, `maximal_queue_lifetime`).
package struct RetryPolicy: Sendable, Equatable {
    /// Delay after the first temporary failure (default 5 minutes).
    package var backoffMin: TimeInterval
    /// Longest delay (default 4 hours).
    package var backoffMax: TimeInterval
    /// Age after which a message that fails again bounces (default 3 days).
    package var maxLifetime: TimeInterval

    /// A policy; the defaults are 5 minutes, 4 hours and 3 days.
    package init(backoffMin: TimeInterval = 300, backoffMax: TimeInterval = 14_400, maxLifetime: TimeInterval = 259_200) {
        self.backoffMin = backoffMin
        self.backoffMax = max(backoffMin, backoffMax)
        self.maxLifetime = maxLifetime
    }

    /// The delay after the `failures`-th failed attempt (1-based): the minimum, doubled for each
    /// failure after the first, never more than the maximum.
    package func delay(afterFailures failures: Int) -> TimeInterval {
        let doublings = max(0, failures - 1)
        if doublings >= 62 { return backoffMax }
        return min(backoffMax, backoffMin * Double(Int64(1) << doublings))
    }

    /// The instant a message whose lifetime started at `start` expires.
    package func expiry(from start: Date) -> Date { start.addingTimeInterval(maxLifetime) }

    /// The next attempt after the `failures`-th failure at `now`: the backoff, but never after
    /// the expiry, so a message gets its last attempt at the end of its lifetime.
    package func nextAttempt(afterFailures failures: Int, at now: Date, lifetimeFrom start: Date) -> Date {
        min(now.addingTimeInterval(delay(afterFailures: failures)), max(now, expiry(from: start)))
    }
}

/// Identifies a flusher holding leases: host, process id, and a random part for each flusher.
package struct LeaseOwner: Sendable, Equatable, CustomStringConvertible {
    package let host: String
    package let pid: Int32
    package let nonce: String

    /// An owner.
    package init(host: String, pid: Int32, nonce: String) {
        self.host = host
        self.pid = pid
        self.nonce = nonce
    }

    /// This process, with a fresh random part.
    package static func current() -> LeaseOwner {
        var name = [CChar](repeating: 0, count: 256)
        let ok = gethostname(&name, name.count - 1) == 0
        let host = ok ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "localhost"
        return LeaseOwner(host: host, pid: getpid(), nonce: String(UInt64.random(in: 0...UInt64.max), radix: 36))
    }

    /// Reads the stored form `host/pid/nonce`.
    package init?(token: String) {
        let parts = token.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let pid = Int32(parts[1]) else { return nil }
        self.init(host: String(parts[0]), pid: pid, nonce: String(parts[2]))
    }

    /// The stored form `host/pid/nonce`.
    package var description: String { "\(host)/\(pid)/\(nonce)" }

    /// True when this owner is a process of `observer`'s host that no longer exists, so its
    /// leases can be taken back before they expire. Another host's owner is never judged gone.
    package func isGone(seenBy observer: LeaseOwner) -> Bool {
        guard host == observer.host, pid != observer.pid, pid > 0 else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
