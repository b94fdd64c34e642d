import ArgumentParser
import Dunning
import Foundation
import GRDB

/// Exit codes, after BSD sysexits, as documented in the README.
enum ExitStatus: Int32 {
    case ok = 0
    case failure = 1
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case cannotWrite = 73
    case tempFailure = 75
    case config = 78
    /// Messages held because a legal interest rate is missing; `relance rates set` releases them.
    case rateMissing = 79
    /// Messages held by a gate (anomaly, stale data) until `relance dunning release DAY`.
    case held = 80
    /// E-mails deferred: the mail server answered 4xx; they are retried by the next flush.
    case deferred = 81
    /// E-mails bounced: the mail server refused them (5xx); a person must look.
    case bounced = 82
    /// Interrupted by SIGTERM: the current message or batch was finished and committed.
    case interrupted = 143
}

/// An error the CLI reports in one line and turns into an exit code.
struct CLIError: Error, CustomStringConvertible {
    let status: ExitStatus
    let message: String

    init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    var description: String { message }

    /// Maps a database error: a locked database is temporary (75), anything else a failure.
    static func from(database error: Error, path: String) -> CLIError {
        if let e = error as? DatabaseError, e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
            return CLIError(.tempFailure, "the database \(path) is locked by another run; try again later")
        }
        if let e = error as? DatabaseError, e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB {
            return CLIError(.config, "the database \(path) is damaged (\(e.message ?? "\(e.resultCode)")); restore the newest "
                + "verified backup with `relance db restore FILE` (backups/ in the workspace)")
        }
        if let e = error as? DatabaseError, e.resultCode == .SQLITE_CANTOPEN || e.resultCode == .SQLITE_READONLY {
            return CLIError(.cannotWrite, "cannot open \(path) for writing: \(e.message ?? "\(e.resultCode)")")
        }
        return CLIError(.failure, "database error on \(path): \(error)")
    }
}

/// Runs a command body, printing a `CLIError` to stderr and exiting with its status.
func withExitStatus(_ body: () throws -> ExitStatus) throws {
    let status: ExitStatus
    do {
        status = try body()
    } catch let e as CLIError {
        Terminal.error("error: " + e.message)
        throw ExitCode(e.status.rawValue)
    } catch let e as ExitCode {
        throw e
    } catch let e as RateTable.MissingRate {
        Terminal.error("error: \(e.description)")
        throw ExitCode(ExitStatus.rateMissing.rawValue)
    } catch let e as DatabaseError {
        Terminal.error("error: " + CLIError.from(database: e, path: "the workspace database").message)
        throw ExitCode(CLIError.from(database: e, path: "").status.rawValue)
    }
    if status != .ok { throw ExitCode(status.rawValue) }
}

/// Output helpers: results on stdout, diagnostics and progress on stderr. Control characters
/// (terminal escapes from a CSV header or an SMTP reply, bidi overrides) are written escaped.
enum Terminal {
    static func error(_ s: String) {
        ProgressBar.interrupt()
        FileHandle.standardError.write(Data((escaped(s) + "\n").utf8))
    }

    static func out(_ s: String) {
        FileHandle.standardOutput.write(Data((escaped(s) + "\n").utf8))
    }

    /// `s` with every control character but line break and tab, and every bidi control, written
    /// as `\x1B` or `\u{202E}`: what a file or a server sent cannot move the cursor, recolour the
    /// terminal or reorder the text a person reads.
    static func escaped(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: isEscaped) else { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            guard isEscaped(u) else { out.append(u); continue }
            let hex = String(u.value, radix: 16, uppercase: true)
            let text = u.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" + hex : hex) : "\\u{" + hex + "}"
            out.append(contentsOf: text.unicodeScalars)
        }
        return String(out)
    }

    static func isEscaped(_ u: Unicode.Scalar) -> Bool {
        switch u.value {
        case 0x0A, 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}

extension ExitStatus {
    /// Which status wins when several apply to one run, strongest first: interrupted, then the
    /// failures that stop a command (1, 73, 75, 66, 64), then 78 > 79 > 80 > 69 > 82 > 65 > 81 > 0
    /// (README, "Exit codes"). A configuration problem hides everything else because nothing can be
    /// trusted until it is fixed; held messages come before a failing server because a person must
    /// release them; deferred e-mails come last because the next flush retries them by itself.
    static let precedence: [ExitStatus] = [.interrupted, .config, .failure, .cannotWrite, .tempFailure, .noInput, .usage,
                                           .rateMissing, .held, .unavailable, .bounced, .dataError, .deferred, .ok]

    /// The stronger of two statuses by `precedence`.
    func combined(with other: ExitStatus) -> ExitStatus {
        let a = Self.precedence.firstIndex(of: self) ?? 0, b = Self.precedence.firstIndex(of: other) ?? 0
        return a <= b ? self : other
    }

    /// The `outcome=` word of a run that ends with this status (docs/NIGHTLY.md).
    var outcomeWord: String {
        switch self {
        case .ok: "ok"
        case .dataError: "rejected"
        case .rateMissing, .held: "held"
        case .deferred: "deferred"
        case .bounced: "bounced"
        case .interrupted: "interrupted"
        default: "failed"
        }
    }
}

/// SIGTERM (what systemd sends on stop) asks the running command to stop at the next safe point
/// (after the current message or batch, committed) instead of dying where it stands.
final class Termination: @unchecked Sendable {
    /// The one instance; `watch()` starts listening.
    static let shared = Termination()
    private let lock = NSLock()
    private var requested = false
    private var source: DispatchSourceSignal?

    /// From now on SIGTERM sets `isRequested` instead of ending the process.
    func watch() {
        lock.withLock {
            guard source == nil else { return }
            // A parent (a test runner, a service manager) may have left SIGTERM blocked.
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGTERM)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            signal(SIGTERM, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: SIGTERM, queue: .global())
            s.setEventHandler { [weak self] in self?.request() }
            s.resume()
            source = s
        }
    }

    /// Records a stop request (SIGTERM, or a test).
    func request() { lock.withLock { requested = true } }

    /// True once SIGTERM has arrived.
    var isRequested: Bool { lock.withLock { requested } }
}
