import Billing
import Foundation
import GRDB

/// An error reported in one line with the exit status it calls for (`relance` names it `CLIError`).
///
/// The errors the pipeline raises itself have a ``Cause`` that carries the facts (which file, which
/// keys, which holder) and derives both the status and the text; a command's one-off refusal gives
/// its status and message directly.
package struct StatusError: Error, CustomStringConvertible, Sendable {
    /// The exit status.
    package let status: ExitStatus
    /// What happened and how to fix it, without personal data.
    package let message: String
    /// The named cause with its facts; nil for a command's one-off message.
    package let cause: Cause?

    /// An error with its status.
    package init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
        cause = nil
    }

    /// An error of a named cause: its status and its message come from the cause.
    package init(_ cause: Cause) {
        status = cause.status
        message = cause.description
        self.cause = cause
    }

    /// The message.
    package var description: String { message }

    /// Maps a database error: a locked database is temporary (75), a damaged one a configuration
    /// problem (78), one that cannot be opened for writing 73, anything else a failure.
    package static func from(database error: Error, path: String) -> StatusError {
        guard let e = error as? DatabaseError else { return StatusError(.database(path: path, detail: "\(error)")) }
        let detail = e.message ?? "\(e.resultCode)"
        switch e.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return StatusError(.databaseLocked(path: path))
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: return StatusError(.databaseDamaged(path: path, detail: detail))
        case .SQLITE_CANTOPEN, .SQLITE_READONLY: return StatusError(.databaseNotWritable(path: path, detail: detail))
        default: return StatusError(.database(path: path, detail: "\(error)"))
        }
    }
}

extension StatusError {
    /// What went wrong, with the facts a person needs to fix it; each case knows its exit status.
    package enum Cause: Sendable, Equatable, CustomStringConvertible {
        /// Another connection holds the database (75).
        case databaseLocked(path: String)
        /// SQLite reports the file damaged or not a database (78): restore a backup.
        case databaseDamaged(path: String, detail: String)
        /// The database cannot be opened for writing (73).
        case databaseNotWritable(path: String, detail: String)
        /// Any other database error (1).
        case database(path: String, detail: String)
        /// The nightly lock file cannot be opened (73).
        case lockFileUnopenable(path: String)
        /// Another nightly run holds the workspace lock (75); `holder` is what it wrote, empty when unknown.
        case lockHeld(holder: String)
        /// `[company]` lacks keys a letter or e-mail cannot go without (78).
        case companyIdentityMissing(keys: [String])
        /// No address the mail can be sent from (78); `configPath` is the `relance.toml` to edit.
        case noSender(configPath: String)
        /// An SMTP user without a password from the environment or a file (78).
        case smtpPasswordMissing
        /// `[peppol] transport = "http"` without a `url` (78).
        case peppolURLMissing
        /// The billing run stopped (the same status from `billing run` and the nightly): an index not
        /// published yet 65, `[company]` incomplete 78, a file or PDF not written 73, else 1.
        case billing(BillingError)

        /// The exit status this cause calls for.
        package var status: ExitStatus {
            switch self {
            case .databaseLocked, .lockHeld: .tempFailure
            case .databaseNotWritable, .lockFileUnopenable: .cannotWrite
            case .database: .failure
            case .databaseDamaged, .companyIdentityMissing, .noSender, .smtpPasswordMissing, .peppolURLMissing: .config
            case .billing(let e):
                switch e {
                case .missingIndex: .dataError
                case .company: .config
                case .cannotWrite, .render: .cannotWrite
                default: .failure
                }
            }
        }

        /// What happened, where, and how to fix it.
        package var description: String {
            switch self {
            case .databaseLocked(let path): "the database \(path) is locked by another run; try again later"
            case .databaseDamaged(let path, let detail):
                "the database \(path) is damaged (\(detail)); restore the newest "
                    + "verified backup with `relance db restore FILE` (backups/ in the workspace)"
            case .databaseNotWritable(let path, let detail): "cannot open \(path) for writing: \(detail)"
            case .database(let path, let detail): "database error on \(path): \(detail)"
            case .lockFileUnopenable(let path): "cannot open the lock file \(path)"
            case .lockHeld(let holder):
                "another nightly run holds the workspace lock (\(holder.isEmpty ? "holder unknown" : holder)); try again when it has finished"
            case .companyIdentityMissing(let keys):
                "relance.toml: [company] lacks \(keys.joined(separator: ", ")); no letter or e-mail is written "
                    + "until it names the company, its address, enterprise number and IBAN (`relance config check` shows the lines)"
            case .noSender(let configPath):
                "no usable sender address: set mail.from (or company.email) in \(configPath), or RELANCE_MAIL_FROM"
            case .smtpPasswordMissing:
                "mail.smtp_user is set but there is no password: set RELANCE_SMTP_PASSWORD or mail.smtp_password_file"
            case .peppolURLMissing: "relance.toml [peppol]: transport = \"http\" needs url"
            case .billing(let e): e.description
            }
        }
    }
}
