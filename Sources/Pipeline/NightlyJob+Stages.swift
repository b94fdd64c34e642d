import Billing
import Dunning
import Forecast
import Foundation
import Ingest
import Ledger
import Outbox
import Reports
import Store
import Workspace

#if canImport(Glibc)
import Glibc
#endif

extension NightlyJob {
    /// Every file in inbox/, in the mode `[inbox]` gives its name (see `InboxSorter`), then moved to
    /// processed/DAY/ or rejected/DAY/; then the promises to pay are reviewed (kept or broken).
    mutating func ingest() throws -> (String, [(String, String)]) {
        let fm = FileManager.default
        let all = ((try? fm.contentsOfDirectory(atPath: ws.inbox)) ?? []).filter { !$0.hasPrefix(".") }
        // Regular files only: a symlink (it could point anywhere, e.g. /etc/passwd), a folder or a
        // device is moved to rejected/DAY/ unread.
        let names = all.filter { Self.isRegularFile((ws.inbox as NSString).appendingPathComponent($0)) }
        var files = 0, rows = 0, rejectedRows = 0, rejectedFiles = 0, closed = 0
        let console = console
        for name in all where !names.contains(name) {
            console.line("inbox/\(name):0:0: error: [inbox] not a regular file (a link, folder or device): moved to rejected/\(day)/ unread")
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
            let report: (Diagnostic) -> Void = { d in if d.severity == .error { console.line(d.description) } }
            switch mode?.kind {
            case "debtors", "invoices", "payments":
                options.kind = IngestKind(rawValue: mode?.kind ?? "") ?? .payments
                options.snapshot = mode?.snapshot ?? false
                options.booked = mode?.booked ?? false
                summaries = try Ingestor.run(store: store, files: paths, options: options, report: report)
            case "reminders":
                let outlines = try DunningSetup.outlines(ws, config)
                let actor = Actor(who: "relance nightly", at: hooks.clock(), today: day)
                summaries = try paths.map { path in
                    let (r, problems) = try hooks.ingestReminders(store, path, outlines, actor)
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
                for s in summaries { console.line("\(s.file):0:0: error: [inbox] \(s.fatal ?? "")") }
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
            try Promises.review(db, asOf: day, by: Actor(who: "relance nightly", at: hooks.clock(), today: day))
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
        let contracts = try store.pool.read { db in try LedgerCounts.contractCount(db) }
        guard contracts > 0 else { return ("skipped", [("reason", "no contracts")]) }
        var counts: [(String, String)] = []
        var refused = false
        if day.day == config.billing.billingDay {
            var options = BillingRunOptions(period: Month(day))
            options.runID = runID
            let result: BillingRunResult
            do { result = try BillingRun.run(store: store, workspace: ws, config: config, options: options) } catch let e as BillingError {
                throw StatusError(.billing(e))
            }
            for w in result.warnings { console.line("warning: \(w)") }
            for r in result.refused { console.line("billing: \(r)") }
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

    /// Tonight's payment forecast, saved for the reports and the worklist.
    func forecast() throws -> (String, [(String, String)]) {
        let facts = try LedgerFacts.read(store: store, asOf: day)
        let result = try ForecastStore.forecastAndSave(facts, asOf: day, store: store, runID: runID,
                                                       createdAt: { Instant.string(hooks.clock()) })
        return ("ok", [("invoices", "\(result.invoices.count)"), ("debtors", "\(result.debtors.count)")])
    }

    /// Tonight's reminders, behind the gates: configuration (company identity, ladders, templates:
    /// 78), data freshness (80), a missing legal rate (79), the anomaly gate (80).
    mutating func dunning() throws -> (String, [(String, String)]) {
        // A configuration problem (the company identity gate, a broken ladder or template) stops this
        // stage only: the night goes on, exits 78, and a rerun once it is fixed writes the messages.
        let planner: Planner, composer: ReminderComposer
        do { (planner, composer) = try DunningSetup.setup(ws, config) } catch let e as StatusError where e.status == .config {
            console.line("error: [config] \(e.message)")
            gates.append("configuration: \(e.message)")
            raise(.config)
            return ("failed", [("error", e.message)])
        }
        let last = try store.pool.read { db in try LedgerPlan.lastIngest(db) }
        let stale = FreshnessGate.staleReason(lastIngest: last, maxHours: options.maxDataAge, now: hooks.clock())
        var runOptions = DunningRun.Options(asOf: day, lettersDir: ws.path("out/letters"), runID: runID, holdReason: stale)
        runOptions.progress = DunningSetup.progress(bar, store: store)
        let s = try DunningRun.run(store: store, planner: planner, composer: composer, options: runOptions)
        for e in s.plan.errors + s.errors { console.line("error: [dunning] debtor \(e.debtor): \(e.message)") }
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
            for line in s.plan.rateMissingLines { console.line("error: [rate] " + line) }
            let halves = s.plan.rateMissing.keys.sorted().map(\.description).joined(separator: ",")
            gates.append("rate missing: \(halves)")
            counts += [("waiting_for_rate", "\(s.plan.rateMissing.values.reduce(0, +))"), ("rate_missing", halves),
                       ("fix", s.plan.rateMissing.keys.sorted().map { RateTable.MissingRate(halfYear: $0).fixCommand }.joined(separator: "; "))]
            raise(.rateMissing)
        }
        // The anomaly gate: tonight's messages, or what they claim, far above the usual. The e-mails
        // and the letters wait until `relance dunning release DAY`; a later night never sends them.
        let figures = try store.pool.read { db in try DunningNights.figures(db, asOf: day) }
        if let a = AnomalyGate.verdict(figures, day: day, factor: options.anomalyFactor) {
            let held = try store.pool.write { db in try DunningHolds.hold(db, day: day, reason: "anomaly: \(a)", at: hooks.clock()) }
            let letters = try HeldLetters.hold(lettersDir: ws.path("out/letters"), day: day)
            gates.append("anomaly: \(a)")
            counts += [("gate", "anomaly: \(a)"), ("held_messages", "\(held)"), ("held_letters", "\(letters)"),
                       ("release", "relance dunning release \(day)")]
            raise(.held)
            return ("held", counts)
        }
        return (s.plan.rateMissing.isEmpty ? "ok" : "held", counts)
    }

    /// The e-mail flush (unless stale data holds sending), then the Peppol flush.
    mutating func outbox() throws -> (String, [(String, String)]) {
        if gates.contains(where: { $0.hasPrefix("stale data") }) {
            return ("held", [("gate", "stale data")])
        }
        // A held night's e-mails are in the `hold` state: this flush (and every later one) leaves them alone.
        let setup = try MailSetup(ws, config)
        let transport = try setup.transport(ws, logger: logger)
        let (flusher, flushOptions) = setup.flusher(store, transport: transport, logger: logger)
        var options = flushOptions
        options.progress = MailSetup.progress(bar)
        options.deadline = self.options.outboxDeadline
        let termination = hooks.termination
        options.shouldStop = { termination.isRequested }
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
        guard !hooks.termination.isRequested else { return [] }
        let (transport, options) = try PeppolSetup.flusher(ws, config.peppol)
        let s = try PeppolFlusher(store: store, transport: transport, clock: SystemClock(), logger: logger, options: options).flush()
        guard s.sent + s.deferred + s.bounced > 0 || s.stoppedBy != nil else { return [] }
        if let why = s.stoppedBy { gates.append("peppol failing: \(why)") }
        raise(s.stoppedBy != nil ? .unavailable : s.bounced > 0 ? .bounced : s.deferred > 0 ? .deferred : .ok)
        return [("peppol_sent", "\(s.sent)"), ("peppol_deferred", "\(s.deferred)"), ("peppol_bounced", "\(s.bounced)")]
    }

    /// The day's reports, HTML and CSV, in `out/reports/DAY/` (rewritten by a rerun).
    func reports() throws -> (String, [(String, String)]) {
        let r = config.reports
        let options = ReportOptions(csvDialect: CSVDialect(name: r.csvDialect) ?? .excelBE, topRows: r.topRows, generatedAt: hooks.clock(),
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
            outcome = try Backups.backup(store: store, folder: ws.path(b.folder), at: hooks.clock(),
                                         timeZone: TimeZone(identifier: config.timeZone) ?? .gmt,
                                         policy: Backups.Policy(daily: b.keepDaily, monthly: b.keepMonthly))
        } catch let f as Backups.Failure where f.suspect != nil {
            console.line("error: [backup] \(f.message)")
            gates.append("backup suspect: \(f.message)")
            raise(.failure)
            return ("failed", [("suspect", (f.suspect.map { ($0 as NSString).lastPathComponent }) ?? "")])
        }
        return ("ok", [("file", (outcome.path as NSString).lastPathComponent), ("bytes", "\(outcome.bytes)"),
                       ("removed", "\(outcome.removed.count)")])
    }
}
