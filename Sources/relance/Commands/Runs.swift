import ArgumentParser
import Foundation
import GRDB
import Ledger
import Store

/// `relance runs list|show`.
struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The run ledger.", subcommands: [List.self, Show.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
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
                    func stages(_ condition: String, _ arguments: StatementArguments) throws -> [Row] {
                        try Row.fetchAll(db, sql: """
                            SELECT run_id, stage, started_at, finished_at, outcome, counts FROM nightly_stage
                            WHERE \(condition) ORDER BY started_at, rowid
                            """, arguments: arguments)
                    }
                    let own = try stages("run_id = ?", [runID])
                    if r.command.hasPrefix("nightly"), let day = r.asOf {
                        lines.append("stages\tstarted\tfinished\tseconds\toutcome\tcounts")
                        lines += own.map(Self.stageLine)
                        if own.isEmpty { lines.append("(no stage started)") }
                        let earlier = try stages("as_of = ? AND run_id < ? AND outcome IN ('ok', 'rejected', 'skipped')", [day, runID])
                            .filter { e in !own.contains { ($0["stage"] as String) == (e["stage"] as String) && ($0["outcome"] as String) != "running" } }
                        if !earlier.isEmpty {
                            lines.append("finished earlier on \(day), not redone by this run:")
                            lines += earlier.map { "\(Self.stageLine($0))\trun \($0["run_id"] as Int64)" }
                        }
                    }
                    let batches = try Row.fetchAll(db, sql: """
                        SELECT id, kind, file_name, rows_read, rows_imported, rows_updated, rows_rejected FROM ingest_batch
                        WHERE run_id = ? ORDER BY id
                        """, arguments: [runID])
                    if !batches.isEmpty {
                        lines.append("ingest batches\tkind\tfile\tread\timported\tupdated\trejected")
                        for b in batches {
                            lines.append("\(b[0] as Int64)\t\(b[1] as String)\t\(b[2] as String? ?? "-")\t\(b[3] as Int? ?? 0)\t"
                                + "\(b[4] as Int? ?? 0)\t\(b[5] as Int? ?? 0)\t\(b[6] as Int? ?? 0)")
                        }
                    }
                }
                Terminal.out(lines.joined(separator: "\n"))
                return .ok
            }
        }

        static func stageLine(_ s: Row) -> String {
            let started: String = s["started_at"], finished: String? = s["finished_at"]
            var seconds = "-"
            if let finished, let a = Self.instant(started), let b = Self.instant(finished) {
                seconds = String(format: "%.2f", b.timeIntervalSince(a))
            }
            return "\(s["stage"] as String)\t\(started)\t\(finished ?? "-")\t\(seconds)\t\(s["outcome"] as String)\t\(s["counts"] as String? ?? "")"
        }

        /// An instant as the store writes it (`2026-11-21T02:30:00.123Z`).
        static func instant(_ text: String) -> Date? {
            let f = ISO8601DateFormatter()
            f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            return f.date(from: text)
        }
    }
}
