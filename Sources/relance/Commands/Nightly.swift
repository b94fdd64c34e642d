import ArgumentParser
import Foundation
import Ledger
import Pipeline
import Store

#if canImport(Glibc)
import Glibc
#endif

/// `relance nightly`: the job cron runs every night.
struct Nightly: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "The nightly job: inbox ingest, billing, forecast, dunning run, outbox flush, reports, backup; resumable.",
        discussion: """
            Reads the files waiting in inbox/ (moved to processed/DAY/ or rejected/DAY/ afterwards), bills on the billing \
            day, forecasts, writes tonight's reminders, sends the queued e-mails, writes the reports to out/reports/DAY/ \
            and backs the database up. One run at a time per workspace. A run killed at \
            any point resumes when started again for the same day: finished stages are not redone.
            Gates stop sending but let the other stages run: stale input data (no ingest for --max-data-age hours), \
            an anomaly (tonight's reminders, or the total they claim, more than --anomaly-factor times the median of \
            the last 7 nights), a \
            failing mail server. One summary line per stage on stderr (logfmt, or JSON with --log-format json).
            SIGTERM (systemd's stop) ends the run after the current stage's batch or message, committed: the run is \
            recorded as interrupted and exits 143; a run whose process died is marked interrupted by the next run.
            Exit codes: 0 ok; 65 rows or files rejected, or the anomaly gate held sending; 69 the mail server is \
            failing or stopped answering; 75 another run holds the lock, or stale data held sending; 78 configuration; \
            81 e-mails deferred (the next flush retries them); 82 e-mails bounced; 143 SIGTERM; 1 other failure. \
            When several apply: 78 > 79 > 80 > 69 > 82 > 65 > 81 > 0. The last summary line (stage=run) gives the \
            run's outcome: ok, rejected, held, deferred, bounced, partial, failed or interrupted.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The business day to run for (YYYY-MM-DD); default today in the workspace's time zone.") var asOf: Day?
    @Option(help: "Summary lines: logfmt or json.") var logFormat: LogFormat = .logfmt
    @Option(help: "Hours after which the last ingest counts as stale (sending is held).") var maxDataAge = 24
    @Option(help: "Hold sending when tonight's reminders, or the total they claim, exceed this many times the usual.")
    var anomalyFactor = 3.0
    @Option(help: "Stop starting e-mails after this long in the outbox stage (seconds, or 30m, 2h); the rest stay due.")
    var outboxDeadline = TimeLimit(seconds: 7200)

    typealias LogFormat = NightlyLogFormat

    func run() throws {
        try withExitStatus {
            Termination.shared.watch()
            let (ws, config, store) = try global.open()
            var options = NightlyOptions(asOf: asOf ?? config.today(now: Date()))
            options.logFormat = logFormat
            options.maxDataAge = maxDataAge
            options.anomalyFactor = anomalyFactor
            options.outboxDeadline = outboxDeadline.seconds
            var hooks = NightlyHooks { try Ingest.Reminders.ingest(store: $0, path: $1, ladders: $2, actor: $3) }
            // A test stops the process right after a stage, as a crash would.
            if let stop = ProcessInfo.processInfo.environment["RELANCE_NIGHTLY_STOP_AFTER"] {
                hooks.afterStage = { if $0 == stop { _exit(137) } }
            }
            return try NightlyJob.run(ws: ws, config: config, store: store, options: options, console: TerminalConsole(), hooks: hooks)
        }
    }
}

extension NightlyLogFormat: ExpressibleByArgument {}

/// The nightly's lines on stderr (escaped, erasing the progress bar first), its stages' progress bars.
struct TerminalConsole: NightlyConsole {
    func line(_ text: String) { Terminal.error(text) }
    func progress(_ label: String) -> (any StageProgress)? { ProgressBar.start(label) }
}
