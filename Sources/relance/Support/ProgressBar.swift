#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import Store

/// A one-line progress bar on stderr for a long stage, drawn only when stderr is a terminal: never
/// under cron or systemd, never into a log file or a pipe. `RELANCE_PROGRESS=0` turns it off on a
/// terminal too. It is drawn once at the start, then a timer redraws it five times a second, so
/// callers only move counters; `Terminal.error` erases it before writing a line.
///
/// With a total it shows a bar, the share done and an estimate of the time left; without one, what
/// is done so far and the time spent.
final class ProgressBar: @unchecked Sendable {
    /// What the counter counts.
    enum Unit: Sendable {
        case items(String)
        case bytes
    }

    /// True when bars may be drawn: stderr is a terminal and they are not turned off.
    static let enabled: Bool = {
        let env = ProcessInfo.processInfo.environment
        if env["RELANCE_PROGRESS"] == "0" || env["TERM"] == "dumb" { return false }
        return isatty(STDERR_FILENO) == 1
    }()

    private static let shared = NSLock()
    nonisolated(unsafe) private static var current: ProgressBar?

    private let lock = NSLock()
    private var label: String
    private var unit: Unit
    private var done = 0
    private var total = 0
    private var drawn = false
    private var finished = false
    private let started = Date()
    private var timer: DispatchSourceTimer?

    private init(label: String, unit: Unit, total: Int) {
        self.label = label
        self.unit = unit
        self.total = total
    }

    /// Starts a bar (replacing any other), or returns nil when bars are not drawn here.
    static func start(_ label: String, unit: Unit = .items(""), total: Int = 0) -> ProgressBar? {
        guard enabled else { return nil }
        let bar = ProgressBar(label: label, unit: unit, total: total)
        shared.withLock {
            current?.stop()
            current = bar
        }
        let t = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        t.schedule(deadline: .now() + .milliseconds(200), repeating: .milliseconds(200))
        t.setEventHandler { [weak bar] in bar?.draw() }
        bar.timer = t
        bar.draw()
        t.resume()
        return bar
    }

    /// Moves the counter; a new total or label when given.
    func update(_ done: Int, total: Int? = nil, label: String? = nil, unit: Unit? = nil) {
        lock.withLock {
            self.done = done
            if let total { self.total = total }
            if let label { self.label = label }
            if let unit { self.unit = unit }
        }
    }

    /// Stops the bar and erases its line.
    func finish() {
        ProgressBar.shared.withLock {
            if ProgressBar.current === self { ProgressBar.current = nil }
        }
        stop()
    }

    /// Erases the current bar's line before another line is written (it comes back at the next tick).
    static func interrupt() {
        guard enabled else { return }
        shared.withLock { current?.erase() }
    }

    private func stop() {
        timer?.cancel()
        timer = nil
        lock.withLock { finished = true }
        erase()
    }

    private func erase() {
        let wasDrawn = lock.withLock { () -> Bool in
            defer { drawn = false }
            return drawn
        }
        if wasDrawn { Self.write("\r\u{1B}[2K") }
    }

    private func draw() {
        let line: String? = lock.withLock {
            guard !finished else { return nil }
            drawn = true
            return Self.render(label: label, unit: unit, done: done, total: total, elapsed: Date().timeIntervalSince(started),
                               width: Self.columns())
        }
        if let line { Self.write("\r\u{1B}[2K" + line) }
    }

    /// The bar's text, cut to `width` columns.
    static func render(label: String, unit: Unit, done: Int, total: Int, elapsed: TimeInterval, width: Int) -> String {
        var parts = [label]
        if total > 0 {
            let share = min(1, Double(done) / Double(total))
            let cells = 24
            let full = Int((share * Double(cells)).rounded(.down))
            parts.append("[" + String(repeating: "#", count: full) + String(repeating: "-", count: cells - full) + "]")
            parts.append(String(format: "%3d%%", Int((share * 100).rounded(.down))))
            parts.append(amount(done, unit) + " of " + amount(total, unit))
            if share > 0.02, share < 1, elapsed > 2 {
                parts.append("about \(duration(elapsed / share - elapsed)) left")
            }
        } else if done > 0 {
            parts.append(amount(done, unit))
        }
        parts.append(duration(elapsed))
        let line = parts.joined(separator: "  ")
        return line.count > width - 1 ? String(line.prefix(max(10, width - 1))) : line
    }

    static func amount(_ n: Int, _ unit: Unit) -> String {
        switch unit {
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

    static func duration(_ seconds: TimeInterval) -> String {
        let s = Int(seconds.rounded())
        return s < 60 ? "\(s) s" : "\(s / 60) min \(s % 60) s"
    }

    private static func columns() -> Int {
        var w = winsize()
        if ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
        return 80
    }

    private static func write(_ s: String) {
        FileHandle.standardError.write(Data(s.utf8))
    }
}

extension DunningSetup {
    /// The dunning run's progress callback for `bar`: debtors planned of all debtors in the ledger.
    static func progress(_ bar: ProgressBar?, store: LedgerStore) -> (@Sendable (Int, Int) -> Void)? {
        guard let bar else { return nil }
        let debtors = (try? store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor") }) ?? 0
        return { planned, written in
            bar.update(planned, total: debtors, label: "dunning: \(ProgressBar.amount(written, .items("reminders")))", unit: .items("debtors"))
        }
    }
}

extension MailSetup {
    /// The flush's progress callback for `bar`: e-mails handed to the server of those due.
    static func progress(_ bar: ProgressBar?) -> (@Sendable (Int, Int) -> Void)? {
        guard let bar else { return nil }
        return { handled, due in bar.update(handled, total: due, unit: .items("e-mails")) }
    }
}
