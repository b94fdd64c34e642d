#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Pipeline

/// A one-line progress bar on stderr for a long stage, drawn only when stderr is a terminal: never
/// under cron or systemd, never into a log file or a pipe. `RELANCE_PROGRESS=0` turns it off on a
/// terminal too. It is drawn once at the start, then a timer redraws it five times a second, so
/// callers only move counters; `Terminal.error` erases it before writing a line.
///
/// With a total it shows a bar, the share done and an estimate of the time left; without one, what
/// is done so far and the time spent.
final class ProgressBar: @unchecked Sendable {
    /// What the counter counts.
    typealias Unit = ProgressUnit

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

    /// `n` in `unit`.
    static func amount(_ n: Int, _ unit: Unit) -> String { unit.format(n) }

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

/// The nightly's and the commands' stages draw through this.
extension ProgressBar: StageProgress {}
