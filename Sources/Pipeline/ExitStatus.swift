import Foundation
import GRDB

/// Exit codes, after BSD sysexits, as documented in the README ("Exit codes"). The nightly and the
/// commands report through these; `relance` turns them into the process's exit code.
public enum ExitStatus: Int32, Sendable {
    /// Everything done.
    case ok = 0
    /// Anything else failed.
    case failure = 1
    /// The command line was wrong.
    case usage = 64
    /// Input rows or files were rejected (the rest was kept).
    case dataError = 65
    /// An input file does not exist.
    case noInput = 66
    /// A service (the mail server, the Peppol access point) is unavailable.
    case unavailable = 69
    /// An output could not be written.
    case cannotWrite = 73
    /// Temporary: another run holds the lock or the database.
    case tempFailure = 75
    /// The configuration or a workspace file is wrong.
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

extension ExitStatus {
    /// Which status wins when several apply to one run, strongest first: interrupted, then the
    /// failures that stop a command (1, 73, 75, 66, 64), then 78 > 79 > 80 > 69 > 82 > 65 > 81 > 0
    /// (README, "Exit codes"). A configuration problem hides everything else because nothing can be
    /// trusted until it is fixed; held messages come before a failing server because a person must
    /// release them; deferred e-mails come last because the next flush retries them by itself.
    public static let precedence: [ExitStatus] = [.interrupted, .config, .failure, .cannotWrite, .tempFailure, .noInput, .usage,
                                                  .rateMissing, .held, .unavailable, .bounced, .dataError, .deferred, .ok]

    /// The stronger of two statuses by `precedence`.
    public func combined(with other: ExitStatus) -> ExitStatus {
        let a = Self.precedence.firstIndex(of: self) ?? 0, b = Self.precedence.firstIndex(of: other) ?? 0
        return a <= b ? self : other
    }

    /// The `outcome=` word of a run that ends with this status (docs/NIGHTLY.md).
    public var outcomeWord: String {
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

/// An error reported in one line with the exit status it calls for (`relance` names it `CLIError`).
public struct StatusError: Error, CustomStringConvertible, Sendable {
    /// The exit status.
    public let status: ExitStatus
    /// What happened and how to fix it, without personal data.
    public let message: String

    /// An error with its status.
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// Maps a database error: a locked database is temporary (75), anything else a failure.
    public static func from(database error: Error, path: String) -> StatusError {
        if let e = error as? DatabaseError, e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
            return StatusError(.tempFailure, "the database \(path) is locked by another run; try again later")
        }
        if let e = error as? DatabaseError, e.resultCode == .SQLITE_CORRUPT || e.resultCode == .SQLITE_NOTADB {
            return StatusError(.config, "the database \(path) is damaged (\(e.message ?? "\(e.resultCode)")); restore the newest "
                + "verified backup with `relance db restore FILE` (backups/ in the workspace)")
        }
        if let e = error as? DatabaseError, e.resultCode == .SQLITE_CANTOPEN || e.resultCode == .SQLITE_READONLY {
            return StatusError(.cannotWrite, "cannot open \(path) for writing: \(e.message ?? "\(e.resultCode)")")
        }
        return StatusError(.failure, "database error on \(path): \(error)")
    }
}
