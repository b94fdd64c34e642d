import ArgumentParser
import Foundation
import Ledger
import Outbox
import Pipeline
import Reports
import Store
import Workspace

/// `relance outbox flush [--limit N] [--dry-run]`.
struct OutboxFlush: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flush",
        abstract: "Send the due messages (new and retried, fairly) and record each outcome.",
        discussion: """
            Safe to run twice at once (no message is sent by both) and safe to kill: the next flush sends again, \
            with the same Message-ID, at most the message that was on the wire. SIGTERM stops the flush after the \
            message on the wire (exit 143). Every reply the server owes is awaited at most mail.timeout; a server \
            that stops answering defers the message and stops the flush.
            Exit codes: 0 all sent; 81 some deferred (retried by the next flush) or left due at --deadline; \
            82 some bounced (a person must look); 69 the mail server is unavailable or stopped answering; \
            78 configuration; 143 SIGTERM. When several apply: 78 > 69 > 82 > 81.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Handle at most this many messages.") var limit: Int?
    @Flag(help: "List the messages a flush would send now, and those that cannot be built; send nothing.")
    var dryRun = false
    @Flag(name: .shortAndLong, help: "Log each message's outcome on stderr (ids and states only).")
    var verbose = false
    @Option(help: "Stop starting messages after this long (seconds, or 30m, 2h); the rest stay due.")
    var deadline: TimeLimit?

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        try withExitStatus {
            let (ws, config, store) = try global.open()
            let setup = try MailSetup(ws, config)
            let logger = LineLogger.stderr(verbose ? .info : .warning)
            let transport = try setup.transport(ws, logger: logger)
            if setup.mail.transport == .smtp && setup.mail.smtpInsecureSkipVerify {
                Terminal.error("warning: TLS certificate verification is OFF (mail.smtp_insecure_skip_verify = true): "
                    + "anyone between this machine and \(transport.name) can read and change the messages")
            }
            Termination.shared.watch()
            let ledger = RunLedger(store: store)
            let runID = try ledger.begin(command: "outbox flush" + (dryRun ? " --dry-run" : ""), asOf: nil, at: Date())
            let (flusher, flushOptions) = setup.flusher(store, transport: transport, logger: logger, limit: limit, dryRun: dryRun)
            var options = flushOptions
            let bar = dryRun ? nil : ProgressBar.start("outbox")
            defer { bar?.finish() }
            options.progress = MailSetup.progress(bar)
            options.deadline = deadline?.seconds
            options.shouldStop = { Termination.shared.isRequested }
            let report: FlushReport
            do { report = try flusher.run(options) } catch {
                try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: nil, at: Date())
                throw CLIError.from(database: error, path: ws.databasePath)
            }
            bar?.finish()
            print(report, via: transport.name)
            let status: ExitStatus = report.stopped ? .interrupted : report.exitStatus
            try? ledger.finish(id: runID, outcome: report.outcomeWord, exitCode: status.rawValue, summary: json(report), at: Date())
            if let reason = report.unavailable {
                throw CLIError(.unavailable, "the mail server is unavailable (\(Terminal.escaped(reason))); the message was "
                    + "deferred and the flush stopped with \(report.leftDue) due message(s) left")
            }
            if report.stopped {
                Terminal.error("stopped by SIGTERM after the message on the wire; \(report.leftDue) due message(s) left")
            } else if report.deadlineReached {
                Terminal.error("warning: the flush reached its deadline; \(report.leftDue) due message(s) left for the next flush")
            }
            if !dryRun && report.sent + report.deferred + report.bounced + report.expired + report.unbuildable > 0 {
                refreshDay(ws, config, store)
            }
            if report.bounced + report.expired + report.unbuildable > 0 {
                Terminal.error("warning: \(report.bounced + report.expired + report.unbuildable) message(s) bounced: "
                    + "see `relance outbox list --state bounced`")
            }
            return status
        }
    }

    /// After a flush that changed the queue on a day the nightly already reported: that day's
    /// outbox report is written again and a new (checked) backup made, so neither says less than
    /// what was sent. Problems are warnings: the flush itself is done.
    private func refreshDay(_ ws: Workspace, _ config: WorkspaceConfig, _ store: LedgerStore) {
        let day = config.today(now: Date())
        let dir = ws.path(config.reports.folder + "/\(day)")
        guard FileManager.default.fileExists(atPath: dir) else { return }
        let options = ReportOptions(csvDialect: CSVDialect(rawValue: config.reports.csvDialect) ?? .standard,
                                    topRows: config.reports.topRows, generatedAt: Date(),
                                    company: config.company.name.isEmpty ? nil : config.company.name)
        let formats = config.reports.formats.compactMap(ReportFormat.init)
        do {
            for format in formats.isEmpty ? [.html, .csv] : formats {
                try Reports.write(kind: .outbox, format: format, asOf: day, store: store,
                                  to: (dir as NSString).appendingPathComponent("outbox.\(format.fileExtension)"), options: options)
            }
            let b = config.backup
            let backup = try Backups.backup(store: store, folder: ws.path(b.folder), at: Date(),
                                            timeZone: TimeZone(identifier: config.timeZone) ?? .gmt,
                                            policy: Backups.Policy(daily: b.keepDaily, monthly: b.keepMonthly))
            Terminal.error("refreshed \(config.reports.folder)/\(day)/outbox.* and made the backup "
                + (backup.path as NSString).lastPathComponent)
        } catch {
            Terminal.error("warning: the day's outbox report or backup could not be refreshed: \(error)")
        }
    }

    private func print(_ r: FlushReport, via name: String) {
        if !r.inDoubt.isEmpty {
            Terminal.out("\(r.inDoubt.count) message(s) were on the wire when an earlier flush stopped; they are sent again "
                + "with the same Message-ID: " + r.inDoubt.map(\.description).joined(separator: ", "))
        }
        if dryRun {
            Terminal.out("dry run via \(name): \(r.planned.count) message(s) due" + (r.leftDue > 0 ? ", \(r.leftDue) more beyond --limit" : ""))
            for p in r.planned {
                Terminal.out("  \(p.id)\t\(p.state)\tattempt \(p.attempts + 1)" + (p.problem.map { "\tcannot be built: \($0)" } ?? ""))
            }
            return
        }
        Terminal.out("outbox flush via \(name): sent \(r.sent), deferred \(r.deferred), bounced \(r.bounced), "
            + "expired \(r.expired), cannot be built \(r.unbuildable)")
        if r.leftDue > 0 && r.unavailable == nil { Terminal.out("\(r.leftDue) due message(s) left for the next flush") }
    }

    private func json(_ r: FlushReport) -> String {
        JSONWriter.counts(["sent": r.sent, "deferred": r.deferred, "bounced": r.bounced, "expired": r.expired,
                           "unbuildable": r.unbuildable, "recovered": r.recovered, "in_doubt": r.inDoubt.count, "left_due": r.leftDue])
    }
}
