import ArgumentParser
import Foundation
import Ledger
import Outbox
import Pipeline
import Store
import Workspace

extension LineLogger {
    /// Library logs on stderr as `info: message key=value …`, from `level` up.
    static func stderr(_ level: OutboxLogLevel) -> LineLogger { LineLogger(level: level) { Terminal.error($0) } }
}

extension OutboxState: ExpressibleByArgument {}

/// The message ids the admin verbs take.
struct MessageIDs: ParsableArguments {
    @Argument(help: ArgumentHelp("Message ids (see `relance outbox list`).", valueName: "id"))
    var ids: [Int64]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("name at least one message id") }
    }
}

/// Parses a duration: seconds (`90`), or a number with `s`, `m` or `h` (`30m`, `2h`).
struct TimeLimit: ExpressibleByArgument {
    let seconds: TimeInterval

    /// A limit of `seconds`.
    init(seconds: TimeInterval) { self.seconds = seconds }

    init?(argument: String) {
        let t = argument.trimmingCharacters(in: .whitespaces).lowercased()
        let unit: Double = t.hasSuffix("h") ? 3600 : t.hasSuffix("m") ? 60 : 1
        let number = t.last.map { $0.isLetter } == true ? String(t.dropLast()) : t
        guard let n = Double(number), n > 0, n.isFinite else { return nil }
        seconds = n * unit
    }
}

extension TimeLimit {
    /// `7200s` in the help text.
    var defaultValueDescription: String { "\(Int(seconds))s" }
}
