import Foundation

/// The outbox's only source of time: what time it is, and waiting (for the rate limit).
///
/// The library never reads the system clock itself; the CLI passes a clock that does, tests pass
/// one they move by hand.
package protocol OutboxClock: Sendable {
    /// The current instant.
    func now() -> Date
    /// Returns at `instant` or later (at once when it has passed).
    func sleep(until instant: Date)
}

/// Log levels, lowest first. The library logs at `info` and below.
package enum OutboxLogLevel: Int, Sendable, Comparable {
    case debug, info, warning, error

    /// Ordered from `debug` to `error`.
    package static func < (a: OutboxLogLevel, b: OutboxLogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// Structured logs: a constant message and dotted metadata (`outbox.message.id`, `smtp.reply.code`).
/// Personal data (names, addresses, subjects) never goes into metadata.
package protocol OutboxLogger: Sendable {
    /// Records one event.
    func log(_ level: OutboxLogLevel, _ message: StaticString, _ metadata: [String: String])
}

/// A logger that drops everything.
package struct SilentLogger: OutboxLogger {
    /// A logger that drops everything.
    package init() {}
    /// Drops the event.
    package func log(_ level: OutboxLogLevel, _ message: StaticString, _ metadata: [String: String]) {}
}
