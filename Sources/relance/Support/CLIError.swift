import ArgumentParser
import Dunning
import Foundation
import GRDB
import Pipeline

/// The error the commands throw: a one-line message and its exit status (`StatusError` of Pipeline,
/// where `ExitStatus` and its precedence live so that the nightly library reports the same codes).
typealias CLIError = StatusError

/// Exit codes, after BSD sysexits (README, "Exit codes"); defined in Pipeline.
typealias ExitStatus = Pipeline.ExitStatus

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
