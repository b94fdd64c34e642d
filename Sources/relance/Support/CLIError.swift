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

/// Output helpers: results on stdout, diagnostics and progress on stderr.
enum Terminal {
    static func error(_ s: String) {
        ProgressBar.interrupt()
        FileHandle.standardError.write(Data((s + "\n").utf8))
    }

    static func out(_ s: String) {
        FileHandle.standardOutput.write(Data((s + "\n").utf8))
    }
}
