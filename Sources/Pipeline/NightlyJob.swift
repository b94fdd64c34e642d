import Dunning
import Foundation
import Ingest
import Ledger
import Outbox
import Reports
import Store
import Workspace

/// How the nightly's summary lines are written.
package enum NightlyLogFormat: String, CaseIterable, Sendable {
    /// `key=value` pairs.
    case logfmt
    /// One JSON object per line.
    case json
}

/// What one nightly run is asked to do.
package struct NightlyOptions: Sendable {
    /// The business day to run for.
    package var asOf: Day
    /// Summary lines: logfmt or JSON.
    package var logFormat: NightlyLogFormat = .logfmt
    /// Hours after which the last ingest counts as stale (sending is held).
    package var maxDataAge = 24
    /// Hold sending when tonight's reminders, or the total they claim, exceed this many times the usual.
    package var anomalyFactor = 3.0
    /// Seconds the outbox stage may keep starting e-mails.
    package var outboxDeadline: TimeInterval = 7200

    /// Options for `asOf`, the rest at their defaults.
    package init(asOf: Day) { self.asOf = asOf }
}

/// What the caller lends the run: the clock, the stop flag, the reminders-file ingest (which cancels
/// the reminders it makes moot, as `relance ingest reminders` does), and a hook after each stage.
package struct NightlyHooks: Sendable {
    /// Ingests one reminders file in one transaction (a refused file writes nothing).
    package typealias RemindersIngest = @Sendable (LedgerStore, String, [String: ExternalReminders.LadderOutline], Actor) throws
        -> (ExternalReminders.Summary, [Diagnostic])

    /// The reminders-file ingest.
    package var ingestReminders: RemindersIngest
    /// Set by SIGTERM: the run stops after the current stage's batch or message.
    package var termination: Termination = .shared
    /// Now.
    package var clock: @Sendable () -> Date = { Date() }
    /// Called after each finished stage with its name (a test stops the process there).
    package var afterStage: @Sendable (String) -> Void = { _ in }

    /// Hooks with the reminders-file ingest, the rest at their defaults.
    package init(ingestReminders: @escaping RemindersIngest) { self.ingestReminders = ingestReminders }
}

/// The stages of one night, each recorded in `nightly_stage` and skipped when a run for the same day
/// already finished it.
package struct NightlyJob {
    /// The stages in the order they run.
    package static let stages = ["ingest", "billing", "forecast", "dunning", "outbox", "reports", "backup"]

    let ws: Workspace
    let config: WorkspaceConfig
    let store: LedgerStore
    let day: Day
    let runID: Int64
    let options: NightlyOptions
    let console: any NightlyConsole
    let hooks: NightlyHooks
    /// Why sending was held or failed tonight.
    package internal(set) var gates: [String] = []
    /// The running stage's progress display.
    var bar: (any StageProgress)?
    /// The night's exit status so far.
    package private(set) var status = ExitStatus.ok
    /// The outbox stage's own outcome word tonight (partial, deferred…), for the run's summary.
    var outboxOutcome: String?
    /// Every summary line of the run, for the alert e-mail.
    let lines = LineLog()

    /// A job for run `runID` (already begun in the run ledger).
    package init(ws: Workspace, config: WorkspaceConfig, store: LedgerStore, runID: Int64, options: NightlyOptions,
                console: any NightlyConsole, hooks: NightlyHooks) {
        self.ws = ws
        self.config = config
        self.store = store
        self.day = options.asOf
        self.runID = runID
        self.options = options
        self.console = console
        self.hooks = hooks
    }

    /// Runs the night for `options.asOf`: takes the workspace lock, records the run, runs the stages
    /// not done yet, writes the run's summary line, and alerts `[alerts] to` when it is not ok.
    /// Returns the night's exit status; a stage that throws marks the run failed and rethrows.
    package static func run(ws: Workspace, config: WorkspaceConfig, store: LedgerStore, options: NightlyOptions,
                           console: any NightlyConsole, hooks: NightlyHooks) throws -> ExitStatus {
        let now = hooks.clock
        let lock = try NightlyLock.acquire(ws.path("relance.lock"), at: now())
        defer { lock.release() }
        let ledger = RunLedger(store: store)
        try ledger.markOldNightliesInterrupted(at: now())
        let runID = try ledger.begin(command: "nightly", asOf: options.asOf.description, at: now())
        var job = NightlyJob(ws: ws, config: config, store: store, runID: runID, options: options, console: console, hooks: hooks)
        let status: ExitStatus
        let started = now()
        do { status = try job.runStages() } catch {
            let failed = (error as? StatusError)?.status ?? .failure
            try? ledger.finish(id: runID, outcome: "failed", exitCode: failed.rawValue, summary: "\(error)", at: now())
            job.log([("stage", "run"), ("outcome", "failed"), ("exit", "\(failed.rawValue)")])
            throw error
        }
        let summary = job.gates.isEmpty ? nil : job.gates.joined(separator: "; ")
        try? ledger.finish(id: runID, outcome: status.outcomeWord, exitCode: status.rawValue, summary: summary, at: now())
        job.log([("stage", "run"), ("outcome", status.outcomeWord), ("exit", "\(status.rawValue)"),
                 ("seconds", String(format: "%.2f", now().timeIntervalSince(started)))])
        if status != .ok && !config.alerts.to.isEmpty { job.alert(status) }
        return status
    }

    /// Raises the night's exit status to `s` when `s` wins by `ExitStatus.precedence`
    /// (78 > 79 > 80 > 69 > 82 > 65 > 81 > 0): every stage reports through this.
    package mutating func raise(_ s: ExitStatus) { status = status.combined(with: s) }

    /// Runs every stage not finished yet for the day, in order; stops before a stage once SIGTERM came.
    package mutating func runStages() throws -> ExitStatus {
        let done = try store.pool.read { db in try NightlyStages.finished(db, asOf: day) }
        var flushed = false
        for name in Self.stages {
            // After an outbox stage that ran tonight, the day's outbox report and backup are made again.
            let redo = flushed && (name == "reports" || name == "backup")
            if done.contains(name) && !redo {
                log([("stage", name), ("outcome", "done-earlier")])
                continue
            }
            if hooks.termination.isRequested {
                log([("stage", name), ("outcome", "interrupted"), ("reason", "SIGTERM")])
                raise(.interrupted)
                break
            }
            try stage(name)
            if name == "outbox" { flushed = true }
        }
        return status
    }

    /// Runs one stage between its two ledger rows.
    mutating func stage(_ name: String) throws {
        let started = hooks.clock()
        try store.pool.write { db in try NightlyStages.begin(db, runID: runID, asOf: day, stage: name, at: started) }
        var counts: [(String, String)] = []
        var outcome = "ok"
        bar = console.progress(name)
        defer { bar?.finish(); bar = nil }
        do {
            switch name {
            case "ingest": (outcome, counts) = try ingest()
            case "billing": (outcome, counts) = try billing()
            case "forecast": (outcome, counts) = try forecast()
            case "dunning": (outcome, counts) = try dunning()
            case "outbox": (outcome, counts) = try outbox()
            case "reports": (outcome, counts) = try reports()
            case "backup": (outcome, counts) = try backup()
            default: outcome = "skipped"
            }
        } catch {
            try? record(name, "failed", [("error", "\(error)")])
            log([("stage", name), ("outcome", "failed"), ("error", "\(error)")])
            throw error
        }
        try record(name, outcome, counts)
        bar?.finish()
        log([("stage", name), ("outcome", outcome), ("seconds", String(format: "%.2f", hooks.clock().timeIntervalSince(started)))] + counts)
        hooks.afterStage(name)
    }

    /// Writes the stage's end row: its outcome word and its counts as a JSON object.
    func record(_ name: String, _ outcome: String, _ counts: [(String, String)]) throws {
        let json = JSONWriter.object(counts.map { ($0.0, $0.1) })
        try store.pool.write { db in
            try NightlyStages.finish(db, runID: runID, stage: name, outcome: NightlyStageOutcome(rawValue: outcome) ?? .failed, counts: json,
                                     at: hooks.clock())
        }
    }

    /// One summary line, logfmt or JSON, with the day first.
    func log(_ fields: [(String, String)]) {
        let all = [("day", day.description)] + fields
        let line: String
        switch options.logFormat {
        case .json: line = JSONWriter.object(all.map { ($0.0, $0.1) })
        case .logfmt:
            line = all.map { k, v in
                v.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) || v.isEmpty
                    ? "\(k)=\(JSONWriter.quoted(v))" : "\(k)=\(v)"
            }.joined(separator: " ")
        }
        console.line(line)
        lines.append(line)
    }

    /// A logger for the flushers, through the console, warnings and up.
    var logger: LineLogger {
        let console = console
        return LineLogger(level: .warning) { console.line($0) }
    }

    /// E-mails a short summary of the run to `[alerts] to` through the outbox: queued with its own
    /// key, then sent on its own (never the rest of the queue, which a gate may be holding). A
    /// failure to alert is logged and changes nothing else.
    func alert(_ status: ExitStatus) {
        let to = config.alerts.to.compactMap { EmailAddress($0) }.map { OutboxMailbox($0) }
        guard !to.isEmpty else { return }
        var body = "relance nightly for \(day) in \(ws.root) needs a look: outcome \(status.outcomeWord), exit \(status.rawValue).\n\n"
        if !gates.isEmpty { body += gates.map { "- " + $0 }.joined(separator: "\n") + "\n\n" }
        body += lines.all.joined(separator: "\n") + "\n\nDetails: relance runs show \(runID)\n"
        let message = NewOutboxMessage(idempotencyKey: "alert:nightly:\(day):run-\(runID)", origin: "manual", to: to,
                                       subject: "relance nightly \(day): \(status.outcomeWord) (exit \(status.rawValue))", textBody: body)
        do {
            let id = try store.pool.write { db in try OutboxQueue.enqueue(db, message, at: hooks.clock()) }
            log([("stage", "alert"), ("outcome", try sendNow(id.rawValue) ? "sent" : "queued"), ("to", config.alerts.to.joined(separator: ","))])
        } catch {
            log([("stage", "alert"), ("outcome", "failed"), ("error", "\(error)")])
        }
    }

    /// Sends one queued message now, on its own (never the rest of the queue, which a gate may be
    /// holding); true when it went.
    func sendNow(_ id: Int64) throws -> Bool {
        let setup = try MailSetup(ws, config)
        let transport = try setup.transport(ws, logger: logger)
        var (flusher, options) = setup.flusher(store, transport: transport, logger: logger, limit: 1)
        options.only = [id]
        return try flusher.run(options).sent == 1
    }
}

/// The run's summary lines, kept for the alert e-mail (a reference, so the non-mutating `log` can add).
final class LineLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    /// Adds one line.
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    /// The lines so far.
    var all: [String] { lock.withLock { lines } }
}
