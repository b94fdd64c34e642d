import ArgumentParser
import Foundation
import Ledger
import Store

/// `relance runs list|show`.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "runs", abstract: "The run ledger.", subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List recent runs with their outcome.",
            discussion: "A run still marked running whose process is gone (killed, crashed) is marked interrupted first.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "How many runs.") var limit = 20

        func run() throws {
            try withExitStatus {
                let (_, _, store) = try global.open()
                _ = try store.pool.write { db in try RunLedger.markInterrupted(db, at: Date()) }
                for r in try RunLedger(store: store).recent(limit: limit) {
                    Terminal.out("\(r.id ?? 0)\t\(r.startedAt)\t\(r.outcome)\t\(r.exitCode.map(String.init) ?? "-")\t\(r.command)")
                }
                return .ok
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "One run: its command, times and outcome; for a nightly run, each stage.",
            discussion: """
                A nightly run lists its stages with their start, end, outcome and counts, and the stages of the same day \
                that an earlier, interrupted run had finished (a resumed night does not redo them). Other runs list the \
                ingest batches they wrote.
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The run's id (see `relance runs list`); default the latest run.")
        var id: Int64?

        func run() throws {
            try withExitStatus {
                let (_, _, store) = try global.open()
                guard let r = try RunLedger(store: store).run(id: id), let runID = r.id else {
                    throw CLIError(.usage, id.map { "no run \($0) in the ledger (see `relance runs list`)" } ?? "no run in the ledger yet")
                }
                var lines = ["run \(runID): \(r.command)"]
                lines.append("  as of      \(r.asOf ?? "-")")
                lines.append("  started    \(r.startedAt)")
                lines.append("  finished   \(r.finishedAt ?? "- (running, or stopped before it could say)")")
                lines.append("  outcome    \(r.outcome)\(r.exitCode.map { " (exit \($0))" } ?? "")")
                if let s = r.summary, !s.isEmpty { lines.append("  summary    \(s)") }
                try store.pool.read { db in
                    let own = try NightlyStages.stages(db, runID: runID)
                    if r.command.hasPrefix("nightly"), let day = r.asOf {
                        lines.append("stages\tstarted\tfinished\tseconds\toutcome\tcounts")
                        lines += own.map(Self.stageLine)
                        if own.isEmpty { lines.append("(no stage started)") }
                        let earlier = try NightlyStages.finishedEarlier(db, asOf: day, before: runID)
                            .filter { e in !own.contains { $0.stage == e.stage && $0.outcome != .running } }
                        if !earlier.isEmpty {
                            lines.append("finished earlier on \(day), not redone by this run:")
                            lines += earlier.map { "\(Self.stageLine($0))\trun \($0.runID)" }
                        }
                    }
                    let batches = try CLIQueries.ingestBatches(db, runID: runID)
                    if !batches.isEmpty {
                        lines.append("ingest batches\tkind\tfile\tread\timported\tupdated\trejected")
                        for b in batches {
                            lines.append("\(b.id)\t\(b.kind)\t\(b.fileName ?? "-")\t\(b.read)\t\(b.imported)\t\(b.updated)\t\(b.rejected)")
                        }
                    }
                }
                Terminal.out(lines.joined(separator: "\n"))
                return .ok
            }
        }

        static func stageLine(_ s: NightlyStageRow) -> String {
            let started = s.startedAt, finished = s.finishedAt
            var seconds = "-"
            if let finished, let a = Self.instant(started), let b = Self.instant(finished) {
                seconds = String(format: "%.2f", b.timeIntervalSince(a))
            }
            return "\(s.stage)\t\(started)\t\(finished ?? "-")\t\(seconds)\t\(s.outcome.rawValue)\t\(s.counts ?? "")"
        }

        /// An instant as the store writes it (`2026-11-21T02:30:00.123Z`).
        static func instant(_ text: String) -> Date? {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return f.date(from: text)
        }
    }
}
