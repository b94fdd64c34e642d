import Foundation
import Outbox

/// Where the nightly writes for a person: diagnostics and summary lines on the error stream, and a
/// progress display per stage. `relance` gives its terminal (escaping, the progress bar); tests a
/// recorder.
package protocol NightlyConsole: Sendable {
    /// Writes one line (a diagnostic or a summary line).
    func line(_ text: String)
    /// Starts showing the progress of `label`; nil when nothing is drawn.
    func progress(_ label: String) -> (any StageProgress)?
}

/// A running stage's progress display.
package protocol StageProgress: AnyObject, Sendable {
    /// Moves the counter; a new total, label or unit when given.
    func update(_ done: Int, total: Int?, label: String?, unit: ProgressUnit?)
    /// Stops the display and erases it.
    func finish()
}

/// What a progress counter counts.
package enum ProgressUnit: Sendable {
    /// Things, named by the noun (`debtors`, `e-mails`).
    case items(String)
    /// Bytes, shown in MiB.
    case bytes

    /// `n` in this unit: `1,234 debtors`, `3.2 MiB`.
    package func format(_ n: Int) -> String {
        switch self {
        case .bytes:
            let mib = Double(n) / 1_048_576
            return mib >= 10 ? String(format: "%.0f MiB", mib) : String(format: "%.1f MiB", mib)
        case .items(let noun):
            var digits = String(n)
            var i = digits.count - 3
            while i > 0 {
                digits.insert(",", at: digits.index(digits.startIndex, offsetBy: i))
                i -= 3
            }
            return noun.isEmpty ? digits : digits + " " + noun
        }
    }
}

/// Library logs as `info: message key=value …`, from `level` up, one line each through `write`.
package struct LineLogger: OutboxLogger {
    /// The lowest level written.
    package let level: OutboxLogLevel
    /// Where a line goes.
    package let write: @Sendable (String) -> Void

    /// A logger from `level` up.
    package init(level: OutboxLogLevel, write: @escaping @Sendable (String) -> Void) {
        self.level = level
        self.write = write
    }

    /// Writes one event when its level is high enough.
    package func log(_ level: OutboxLogLevel, _ message: StaticString, _ metadata: [String: String]) {
        guard level >= self.level else { return }
        let fields = metadata.keys.sorted().map { "\($0)=\(metadata[$0] ?? "")" }.joined(separator: " ")
        write("\(level): \(message)" + (fields.isEmpty ? "" : " " + fields))
    }
}

/// The system clock, at the edge only (the outbox and Peppol flushers take a clock).
package struct SystemClock: OutboxClock {
    /// The clock.
    package init() {}
    /// Now.
    package func now() -> Date { Date() }
    /// Sleeps until `instant`.
    package func sleep(until instant: Date) {
        let wait = instant.timeIntervalSinceNow
        if wait > 0 { Thread.sleep(forTimeInterval: wait) }
    }
}
