import Foundation

/// Exit codes, after BSD sysexits, as documented in the README ("Exit codes"). The nightly and the
/// commands report through these; `relance` turns them into the process's exit code.
package enum ExitStatus: Int32, Sendable {
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
    package static let precedence: [ExitStatus] = [.interrupted, .config, .failure, .cannotWrite, .tempFailure, .noInput, .usage,
                                                  .rateMissing, .held, .unavailable, .bounced, .dataError, .deferred, .ok]

    /// The stronger of two statuses by `precedence`.
    package func combined(with other: ExitStatus) -> ExitStatus {
        let a = Self.precedence.firstIndex(of: self) ?? 0, b = Self.precedence.firstIndex(of: other) ?? 0
        return a <= b ? self : other
    }

    /// The `outcome=` word of a run that ends with this status (docs/NIGHTLY.md).
    package var outcomeWord: String {
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
