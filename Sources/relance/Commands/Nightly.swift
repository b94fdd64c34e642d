import ArgumentParser
import Billing
import Dunning
import Forecast
import Foundation
import GRDB
import Ingest
import Ledger
import Outbox
import Reports
import Store
import Workspace

#if canImport(Glibc)
import Glibc
#endif

/// `relance nightly`: the job cron runs every night.
struct Nightly: ParsableCommand {
    static let configuration = CommandConfiguration(
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

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case logfmt, json }

    func run() throws {
        try withExitStatus {
            Termination.shared.watch()
            let (ws, config, store) = try global.open()
            let day = asOf ?? config.today(now: Date())
            let lock = try NightlyLock.acquire(ws.path("relance.lock"))
            defer { lock.release() }
            let ledger = RunLedger(store: store)
            try ledger.markOldNightliesInterrupted(at: Date())
            let runID = try ledger.begin(command: "nightly", asOf: day.description, at: Date())
            var job = NightlyJob(ws: ws, config: config, store: store, day: day, runID: runID, format: logFormat)
            job.maxDataAge = maxDataAge
            job.anomalyFactor = anomalyFactor
            job.outboxDeadline = outboxDeadline.seconds
            let status: ExitStatus
            let started = Date()
            do { status = try job.run() } catch {
                let failed = (error as? CLIError)?.status ?? .failure
                try? ledger.finish(id: runID, outcome: "failed", exitCode: failed.rawValue, summary: "\(error)", at: Date())
                job.log([("stage", "run"), ("outcome", "failed"), ("exit", "\(failed.rawValue)")])
                throw error
            }
            let summary = job.gates.isEmpty ? nil : job.gates.joined(separator: "; ")
            try? ledger.finish(id: runID, outcome: status.outcomeWord, exitCode: status.rawValue, summary: summary, at: Date())
            job.log([("stage", "run"), ("outcome", status.outcomeWord), ("exit", "\(status.rawValue)"),
                     ("seconds", String(format: "%.2f", Date().timeIntervalSince(started)))])
            if status != .ok && !config.alerts.to.isEmpty { job.alert(status) }
            return status
        }
    }
}

/// The stages of one night, each recorded in `nightly_stage` and skipped when a run for the same day
/// already finished it.
struct NightlyJob {
    let ws: Workspace
    let config: WorkspaceConfig
    let store: LedgerStore
    let day: Day
    let runID: Int64
    let format: Nightly.LogFormat
    var maxDataAge = 24
    var anomalyFactor = 3.0
    /// Seconds the outbox stage may keep starting e-mails.
    var outboxDeadline: TimeInterval = 7200
    /// Why sending was held or failed tonight.
    var gates: [String] = []
    /// The running stage's progress bar (on a terminal only).
    var bar: ProgressBar?
    private(set) var status = ExitStatus.ok
    /// The outbox stage's own outcome word tonight (partial, deferred…), for the run's summary.
    var outboxOutcome: String?
    /// Every summary line of the run, for the alert e-mail.
    let lines = LineLog()

    /// Raises the night's exit status to `s` when `s` wins by `ExitStatus.precedence`
    /// (78 > 79 > 80 > 69 > 82 > 65 > 81 > 0): every stage reports through this.
    mutating func raise(_ s: ExitStatus) { status = status.combined(with: s) }

    static let stages = ["ingest", "billing", "forecast", "dunning", "outbox", "reports", "backup"]

    mutating func run() throws -> ExitStatus {
        let done = try store.pool.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT stage FROM nightly_stage WHERE as_of = ? AND outcome IN ('ok', 'rejected', 'skipped')
                """, arguments: [day.description]))
        }
        var flushed = false
        for name in Self.stages {
            // After an outbox stage that ran tonight, the day's outbox report and backup are made again.
            if done.contains(name) && !(flushed && (name == "reports" || name == "backup")) {
                log([("stage", name), ("outcome", "done-earlier")])
                continue
            }
            if Termination.shared.isRequested {
                log([("stage", name), ("outcome", "interrupted"), ("reason", "SIGTERM")])
                raise(.interrupted)
                break
            }
            try stage(name)
            if name == "outbox" { flushed = true }
        }
        return status
    }

    /// Runs one stage between its two ledger rows; a test can stop the process right after a stage.
    mutating func stage(_ name: String) throws {
        let started = Date()
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO nightly_stage (run_id, as_of, stage, started_at) VALUES (?, ?, ?, ?)",
                           arguments: [runID, day.description, name, Instant.string(started)])
        }
        var counts: [(String, String)] = []
        var outcome = "ok"
        bar = ProgressBar.start(name)
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
        log([("stage", name), ("outcome", outcome), ("seconds", String(format: "%.2f", Date().timeIntervalSince(started)))] + counts)
        if ProcessInfo.processInfo.environment["RELANCE_NIGHTLY_STOP_AFTER"] == name { _exit(137) }
    }

    func record(_ name: String, _ outcome: String, _ counts: [(String, String)]) throws {
        let json = "{" + counts.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",") + "}"
        try store.pool.write { db in
            try db.execute(sql: "UPDATE nightly_stage SET finished_at = ?, outcome = ?, counts = ? WHERE run_id = ? AND stage = ?",
                           arguments: [Instant.string(Date()), outcome, json, runID, name])
        }
    }

    func log(_ fields: [(String, String)]) {
        let all = [("day", day.description)] + fields
        let line: String
        switch format {
        case .json: line = "{" + all.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",") + "}"
        case .logfmt:
            line = all.map { k, v in
                v.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) || v.isEmpty
                    ? "\(k)=\(JSONText.quoted(v))" : "\(k)=\(v)"
            }.joined(separator: " ")
        }
        Terminal.error(line)
        lines.append(line)
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
            let id = try store.pool.write { db in try OutboxQueue.enqueue(db, message, at: Date()) }
            log([("stage", "alert"), ("outcome", try sendNow(id.rawValue) ? "sent" : "queued"), ("to", config.alerts.to.joined(separator: ","))])
        } catch {
            log([("stage", "alert"), ("outcome", "failed"), ("error", "\(error)")])
        }
    }

    /// Sends one queued message now, on its own (never the rest of the queue, which a gate may be
    /// holding); true when it went.
    func sendNow(_ id: Int64) throws -> Bool {
        let setup = try MailSetup(ws, config)
        let logger = StderrLogger(level: .warning)
        let transport = try setup.transport(ws, logger: logger)
        var (flusher, options) = setup.flusher(store, transport: transport, logger: logger, limit: 1)
        options.only = [id]
        return try flusher.run(options).sent == 1
    }

    /// Every file in inbox/, in the mode `[inbox]` gives its name (see `InboxSorter`), then moved to
    /// processed/DAY/ or rejected/DAY/; then the promises to pay are reviewed (kept or broken).
    mutating func ingest() throws -> (String, [(String, String)]) {
        let fm = FileManager.default
        let all = ((try? fm.contentsOfDirectory(atPath: ws.inbox)) ?? []).filter { !$0.hasPrefix(".") }
        // Regular files only: a symlink (it could point anywhere, e.g. /etc/passwd), a folder or a
        // device is moved to rejected/DAY/ unread.
        let names = all.filter { Self.isRegularFile((ws.inbox as NSString).appendingPathComponent($0)) }
        var files = 0, rows = 0, rejectedRows = 0, rejectedFiles = 0, closed = 0
        for name in all where !names.contains(name) {
            Terminal.error("inbox/\(Terminal.escaped(name)):0:0: error: [inbox] not a regular file (a link, folder or device): moved to rejected/\(day)/ unread")
            try move(name, to: "rejected")
            files += 1
            rejectedFiles += 1
        }
        var modes: [String] = []
        for (mode, group) in InboxSorter.groups(names, inbox: ws.inbox, config: config.inbox) {
            let paths = group.map { (ws.inbox as NSString).appendingPathComponent($0) }
            var summaries: [FileSummary]
            var options = IngestOptions(kind: .payments, asOf: day)
            options.reminderGuard = ReminderGuard()
            options.defaultLanguage = config.defaultLanguage
            options.defaultCountry = config.defaultCountry
            options.defaultCurrency = config.defaultCurrency
            options.rejectsDirectory = ws.path(config.rejectsDir)
            options.runID = runID
            options.promiseGraceDays = config.dunning.promiseGraceDays
            options.progress = { [bar] file, done, size in bar?.update(done, total: size, label: "ingest \(file)", unit: .bytes) }
            let report: (Diagnostic) -> Void = { d in if d.severity == .error { Terminal.error(d.description) } }
            switch mode?.kind {
            case "debtors", "invoices", "payments":
                options.kind = IngestKind(rawValue: mode?.kind ?? "") ?? .payments
                options.snapshot = mode?.snapshot ?? false
                options.booked = mode?.booked ?? false
                summaries = try Ingestor.run(store: store, files: paths, options: options, report: report)
            case "reminders":
                let outlines = try Ingest.Reminders.outlines(ws, config)
                let actor = Actor(who: "relance nightly", at: Date(), today: day)
                summaries = try paths.map { path in
                    let (r, problems) = try Ingest.Reminders.ingest(store: store, path: path, ladders: outlines, actor: actor)
                    problems.forEach(report)
                    var s = FileSummary(file: r.file)
                    s.read = r.read
                    s.imported = r.recorded
                    s.unchanged = r.unchanged
                    s.rejected = r.rejected
                    if !problems.isEmpty { s.fatal = "bad rows: nothing written" }
                    return s
                }
            case "coda", "camt":
                summaries = try BankIngestor.run(store: store, files: paths, format: mode?.kind == "coda" ? .coda : .camt, options: options,
                                                 report: report)
            case "ubl":
                options.kind = .invoices
                summaries = try UBLIngestor.run(store: store, paths: paths, options: options, report: report)
            default:
                summaries = group.map { var s = FileSummary(file: $0); s.fatal = "no [inbox] pattern in relance.toml names this file"; return s }
                for s in summaries { Terminal.error("\(s.file):0:0: error: [inbox] \(s.fatal ?? "")") }
            }
            for (i, name) in group.enumerated() {
                let s = summaries.first { $0.file == name } ?? (i < summaries.count ? summaries[i] : FileSummary(file: name))
                files += 1
                rows += s.read
                rejectedRows += s.rejected
                closed += s.closedBySnapshot
                if s.fatal != nil { rejectedFiles += 1 }
                modes.append("\(name)=\(mode?.description ?? "unknown")")
                try move(name, to: s.fatal == nil ? "processed" : "rejected")
            }
        }
        let reviewed = try store.pool.write { db in
            try Promises.review(db, asOf: day, by: Actor(who: "relance nightly", at: Date(), today: day))
        }
        if rejectedRows > 0 || rejectedFiles > 0 { raise(.dataError) }
        return (rejectedRows > 0 || rejectedFiles > 0 ? "rejected" : "ok",
                [("files", "\(files)"), ("rows", "\(rows)"), ("rejected_rows", "\(rejectedRows)"), ("rejected_files", "\(rejectedFiles)"),
                 ("modes", modes.joined(separator: "; ")), ("closed_by_snapshot", "\(closed)"), ("promises_kept", "\(reviewed.kept)"), ("promises_broken", "\(reviewed.broken)")])
    }

    /// True for a regular file, not following a symbolic link.
    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Moves an inbox file into `folder/DAY/`, never over an earlier file of the same name.
    func move(_ name: String, to folder: String) throws {
        let fm = FileManager.default
        let dir = ws.path("\(folder)/\(day)")
        try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var target = (dir as NSString).appendingPathComponent(name)
        var n = 1
        while fm.fileExists(atPath: target) {
            n += 1
            target = (dir as NSString).appendingPathComponent("\(n)-\(name)")
        }
        try fm.moveItem(atPath: (ws.inbox as NSString).appendingPathComponent(name), toPath: target)
    }

    /// On the configured billing day, the month's invoices; every night, the suspension check.
    mutating func billing() throws -> (String, [(String, String)]) {
        let contracts = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contract") ?? 0 }
        guard contracts > 0 else { return ("skipped", [("reason", "no contracts")]) }
        var counts: [(String, String)] = []
        var refused = false
        if day.day == config.billing.billingDay {
            var options = BillingRunOptions(period: Month(day))
            options.runID = runID
            let result: BillingRunResult
            do { result = try BillingRun.run(store: store, workspace: ws, config: config, options: options) } catch let e as BillingError {
                throw CLIError(.dataError, e.description)
            }
            for w in result.warnings { Terminal.error("warning: \(w)") }
            for r in result.refused { Terminal.error("billing: \(r)") }
            counts += [("period", "\(Month(day))"), ("invoices", "\(result.invoices)"), ("already_invoiced", "\(result.alreadyInvoiced)"),
                       ("peppol", "\(result.peppol)"), ("refused", "\(result.refused.count)")]
            refused = !result.refused.isEmpty
            if refused { raise(.dataError) }
        } else {
            counts.append(("period", "not the billing day (\(config.billing.billingDay))"))
        }
        let changes = try SuspensionCheck.run(store: store, config: config, asOf: day)
        counts.append(("suspension_changes", "\(changes.count)"))
        return (refused ? "rejected" : "ok", counts)
    }

    func forecast() throws -> (String, [(String, String)]) {
        let facts = try store.pool.read { db in try LedgerFacts.read(db, asOf: day) }
        let result = Forecaster.forecast(facts, asOf: day)
        try ForecastStore.save(result, store: store, runID: runID, createdAt: Instant.string(Date()))
        return ("ok", [("invoices", "\(result.invoices.count)"), ("debtors", "\(result.debtors.count)")])
    }

    mutating func dunning() throws -> (String, [(String, String)]) {
        // A configuration problem (the company identity gate, a broken ladder or template) stops this
        // stage only: the night goes on, exits 78, and a rerun once it is fixed writes the messages.
        let planner: Planner, composer: ReminderComposer
        do { (planner, composer) = try DunningSetup.setup(ws, config) } catch let e as CLIError where e.status == .config {
            Terminal.error("error: [config] \(e.message)")
            gates.append("configuration: \(e.message)")
            raise(.config)
            return ("failed", [("error", e.message)])
        }
        let last = try store.pool.read { db in try LedgerPlan.lastIngest(db) }
        let stale = DunningSetup.staleReason(lastIngest: last, maxHours: maxDataAge, now: Date())
        var options = DunningRun.Options(asOf: day, lettersDir: ws.path("out/letters"), runID: runID, holdReason: stale)
        options.progress = DunningSetup.progress(bar, store: store)
        let s = try DunningRun.run(store: store, planner: planner, composer: composer, options: options)
        for e in s.plan.errors + s.errors { Terminal.error("error: [dunning] debtor \(e.debtor): \(e.message)") }
        var counts = [("reminders", "\(s.reminders)"), ("emails", "\(s.emails)"), ("letters", "\(s.letters)"), ("worklist", "\(s.worklist)"),
                      ("errors", "\(s.plan.errors.count + s.errors.count)")]
        if let stale {
            gates.append("stale data: \(stale)")
            counts.append(("gate", "stale data: \(stale)"))
            raise(.held)
            return ("held", counts)
        }
        if !s.plan.errors.isEmpty || !s.errors.isEmpty { raise(.dataError) }
        if !s.plan.rateMissing.isEmpty {
            for line in s.plan.rateMissingLines { Terminal.error("error: [rate] " + line) }
            let halves = s.plan.rateMissing.keys.sorted().map(\.description).joined(separator: ",")
            gates.append("rate missing: \(halves)")
            counts += [("waiting_for_rate", "\(s.plan.rateMissing.values.reduce(0, +))"), ("rate_missing", halves),
                       ("fix", s.plan.rateMissing.keys.sorted().map { RateTable.MissingRate(halfYear: $0).fixCommand }.joined(separator: "; "))]
            raise(.rateMissing)
        }
        // The anomaly gate: tonight's messages, or what they claim, far above the usual. The e-mails
        // and the letters wait until `relance dunning release DAY`; a later night never sends them.
        if let a = try anomaly() {
            let held = try store.pool.write { db in try DunningHolds.hold(db, day: day, reason: "anomaly: \(a)", at: Date()) }
            let letters = try HeldLetters.hold(lettersDir: ws.path("out/letters"), day: day)
            gates.append("anomaly: \(a)")
            counts += [("gate", "anomaly: \(a)"), ("held_messages", "\(held)"), ("held_letters", "\(letters)"),
                       ("release", "relance dunning release \(day)")]
            raise(.held)
            return ("held", counts)
        }
        return (s.plan.rateMissing.isEmpty ? "ok" : "held", counts)
    }

    /// Tonight's reminders and the total they claim against the usual: the median of the last 7
    /// nights that decided any (per currency for the amounts).
    func anomaly() throws -> String? {
        let (tonight, history, claims) = try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event WHERE as_of = ? AND status IN ('queued', 'held')", arguments: [day.description]) ?? 0,
             try Int.fetchAll(db, sql: """
                SELECT COUNT(*) FROM dunning_event WHERE as_of < ? AND status IN ('queued', 'held') GROUP BY as_of ORDER BY as_of DESC LIMIT 7
                """, arguments: [day.description]),
             try Row.fetchAll(db, sql: """
                SELECT currency, as_of, SUM(total_minor) FROM dunning_event
                WHERE as_of IN (SELECT DISTINCT as_of FROM dunning_event WHERE as_of <= ? AND status IN ('queued', 'held') ORDER BY as_of DESC LIMIT 8)
                  AND status IN ('queued', 'held') GROUP BY currency, as_of ORDER BY currency, as_of DESC
                """, arguments: [day.description]))
        }
        guard history.count >= 3 else { return nil }
        let median = history.sorted()[history.count / 2]
        var why: [String] = []
        if tonight >= 20, Double(tonight) > anomalyFactor * Double(max(1, median)) {
            why.append("\(tonight) reminders tonight against a usual \(median)")
        }
        for (code, rows) in Dictionary(grouping: claims, by: { $0[0] as String }).sorted(by: { $0.key < $1.key }) {
            let total: Int64 = rows.first { ($0[1] as String) == day.description }?[2] ?? 0
            let past: [Int64] = rows.filter { ($0[1] as String) < day.description }.map { $0[2] }
            guard past.count >= 3, total > 0 else { continue }
            let usual = past.sorted()[past.count / 2]
            if Double(total) > anomalyFactor * Double(max(1, usual)) {
                let currency = Currency(code: code) ?? .eur
                why.append("\(Money(minorUnits: total, currency: currency)) claimed tonight against a usual "
                    + "\(Money(minorUnits: usual, currency: currency))")
            }
        }
        guard !why.isEmpty else { return nil }
        return why.joined(separator: "; ") + " (more than \(anomalyFactor)×); once checked, release them with `relance dunning release \(day)`"
    }

    mutating func outbox() throws -> (String, [(String, String)]) {
        if gates.contains(where: { $0.hasPrefix("stale data") }) {
            return ("held", [("gate", "stale data")])
        }
        // A held night's e-mails are in the `hold` state: this flush (and every later one) leaves them alone.
        let setup = try MailSetup(ws, config)
        let logger = StderrLogger(level: .warning)
        let transport = try setup.transport(ws, logger: logger)
        let (flusher, flushOptions) = setup.flusher(store, transport: transport, logger: logger)
        var options = flushOptions
        options.progress = MailSetup.progress(bar)
        options.deadline = outboxDeadline
        options.shouldStop = { Termination.shared.isRequested }
        let report = try flusher.run(options)
        var counts = [("sent", "\(report.sent)"), ("deferred", "\(report.deferred)"),
                      ("bounced", "\(report.bounced + report.expired + report.unbuildable)"),
                      ("left_due", "\(report.leftDue)"), ("via", transport.name)]
        if report.deadlineReached { counts.append(("deadline", "reached")) }
        if let reason = report.unavailable {
            gates.append("outbox failing: \(reason)")
            counts.append(("gate", "outbox failing: \(reason)"))
        } else if report.exitStatus != .ok {
            gates.append("outbox: \(report.deferred) deferred, \(report.bounced + report.expired + report.unbuildable) bounced"
                + (report.deadlineReached ? ", deadline reached with \(report.leftDue) due" : ""))
        }
        raise(report.stopped ? .interrupted : report.exitStatus)
        outboxOutcome = report.outcomeWord
        counts += try peppol()
        return (report.outcomeWord, counts)
    }

    /// The Peppol outbox, flushed after the e-mails (a no-op without documents): its failures count
    /// like the e-mails' (69 access point unavailable, 82 bounced, 81 deferred).
    mutating func peppol() throws -> [(String, String)] {
        guard !Termination.shared.isRequested else { return [] }
        let (transport, options) = try PeppolSetup.flusher(ws, config.peppol)
        let s = try PeppolFlusher(store: store, transport: transport, clock: SystemClock(), logger: StderrLogger(level: .warning),
                                  options: options).flush()
        guard s.sent + s.deferred + s.bounced > 0 || s.stoppedBy != nil else { return [] }
        if let why = s.stoppedBy { gates.append("peppol failing: \(why)") }
        raise(s.stoppedBy != nil ? .unavailable : s.bounced > 0 ? .bounced : s.deferred > 0 ? .deferred : .ok)
        return [("peppol_sent", "\(s.sent)"), ("peppol_deferred", "\(s.deferred)"), ("peppol_bounced", "\(s.bounced)")]
    }
}

extension NightlyJob {
    /// The day's reports, HTML and CSV, in `out/reports/DAY/` (rewritten by a rerun).
    func reports() throws -> (String, [(String, String)]) {
        let r = config.reports
        let options = ReportOptions(csvDialect: CSVDialect(name: r.csvDialect) ?? .excelBE, topRows: r.topRows, generatedAt: Date(),
                                    company: config.company.name.isEmpty ? nil : config.company.name, language: config.defaultLanguage)
        let formats = r.formats.compactMap(ReportFormat.init)
        let m = try Reports.writeMorning(asOf: day, store: store, folder: ws.path(r.folder),
                                         formats: formats.isEmpty ? [.html, .csv] : formats, options: options, workspace: ws.root,
                                         mailTo: r.mailTo.compactMap { EmailAddress($0) })
        var counts = [("files", "\(m.paths.count)"), ("debtor_pages", "\(m.debtorPages)"), ("needs_a_look", "\(m.needsALook.count)"),
                      ("folder", ws.path(r.folder + "/\(day)"))]
        // The morning page goes this morning, not with the next night's flush.
        if let id = m.mailID {
            do { counts.append(("morning_mail", try sendNow(id) ? "sent" : "queued")) } catch {
                counts.append(("morning_mail", "queued (\(error))"))
            }
        }
        return ("ok", counts)
    }

    /// A consistent copy of the database, with the retention policy applied.
    /// A copy that fails its check is kept as `…-suspect` and the stage fails (exit 1), without
    /// stopping the run's summary.
    mutating func backup() throws -> (String, [(String, String)]) {
        let b = config.backup
        let outcome: Backups.Outcome
        do {
            outcome = try Backups.backup(store: store, folder: ws.path(b.folder), at: Date(),
                                         timeZone: TimeZone(identifier: config.timeZone) ?? .gmt,
                                         policy: Backups.Policy(daily: b.keepDaily, monthly: b.keepMonthly))
        } catch let f as Backups.Failure where f.suspect != nil {
            Terminal.error("error: [backup] \(f.message)")
            gates.append("backup suspect: \(f.message)")
            raise(.failure)
            return ("failed", [("suspect", (f.suspect.map { ($0 as NSString).lastPathComponent }) ?? "")])
        }
        return ("ok", [("file", (outcome.path as NSString).lastPathComponent), ("bytes", "\(outcome.bytes)"),
                       ("removed", "\(outcome.removed.count)")])
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

/// One nightly run per workspace: an exclusive `flock` on `relance.lock`, released by the kernel
/// when the process ends however it ends (so a dead run's lock is never stale); the file says who
/// holds it.
final class NightlyLock {
    let fd: Int32

    private init(fd: Int32) { self.fd = fd }

    static func acquire(_ path: String) throws -> NightlyLock {
        let fd = open(path, O_RDWR | O_CREAT, 0o600)
        guard fd >= 0 else { throw CLIError(.cannotWrite, "cannot open the lock file \(path)") }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            close(fd)
            throw CLIError(.tempFailure, "another nightly run holds the workspace lock (\(holder.isEmpty ? "holder unknown" : holder)); try again when it has finished")
        }
        let text = "pid \(getpid()) started \(Instant.string(Date()))\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { write(fd, $0, strlen($0)) }
        return NightlyLock(fd: fd)
    }

    func release() {
        _ = ftruncate(fd, 0)
        flock(fd, LOCK_UN)
        close(fd)
    }
}
