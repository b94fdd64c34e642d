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
            Exit codes: 0 ok; 65 rows or files rejected, or the anomaly gate held sending; 69 the mail server is \
            failing; 75 another run holds the lock, or stale data held sending; 1 other failure.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The business day to run for (YYYY-MM-DD); default today in the workspace's time zone.") var asOf: Day?
    @Option(help: "Summary lines: logfmt or json.") var logFormat: LogFormat = .logfmt
    @Option(help: "Hours after which the last ingest counts as stale (sending is held).") var maxDataAge = 24
    @Option(help: "Hold sending when tonight's reminders, or the total they claim, exceed this many times the usual.")
    var anomalyFactor = 3.0

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case logfmt, json }

    func run() throws {
        try withExitStatus {
            let (ws, config, store) = try global.open()
            let day = asOf ?? config.today(now: Date())
            let lock = try NightlyLock.acquire(ws.path("relance.lock"))
            defer { lock.release() }
            let ledger = RunLedger(store: store)
            let runID = try ledger.begin(command: "nightly", asOf: day.description, at: Date())
            var job = NightlyJob(ws: ws, config: config, store: store, day: day, runID: runID, format: logFormat)
            job.maxDataAge = maxDataAge
            job.anomalyFactor = anomalyFactor
            let status: ExitStatus
            do { status = try job.run() } catch {
                try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: "\(error)", at: Date())
                throw error
            }
            try? ledger.finish(id: runID, outcome: status == .ok ? "ok" : "rejected", exitCode: status.rawValue,
                               summary: job.gates.isEmpty ? nil : job.gates.joined(separator: "; "), at: Date())
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
    /// Why sending was held or failed tonight.
    var gates: [String] = []
    /// The running stage's progress bar (on a terminal only).
    var bar: ProgressBar?
    var status = ExitStatus.ok

    static let stages = ["ingest", "billing", "forecast", "dunning", "outbox", "reports", "backup"]

    mutating func run() throws -> ExitStatus {
        let done = try store.pool.read { db in
            Set(try String.fetchAll(db, sql: """
                SELECT stage FROM nightly_stage WHERE as_of = ? AND outcome IN ('ok', 'rejected', 'skipped')
                """, arguments: [day.description]))
        }
        for name in Self.stages {
            if done.contains(name) {
                log([("stage", name), ("outcome", "done-earlier")])
                continue
            }
            try stage(name)
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
        switch format {
        case .json: Terminal.error("{" + all.map { "\(JSONText.quoted($0.0)):\(JSONText.quoted($0.1))" }.joined(separator: ",") + "}")
        case .logfmt:
            Terminal.error(all.map { k, v in
                v.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) || v.isEmpty
                    ? "\(k)=\(JSONText.quoted(v))" : "\(k)=\(v)"
            }.joined(separator: " "))
        }
    }

    /// Every file in inbox/, by kind, then moved to processed/DAY/ or rejected/DAY/.
    mutating func ingest() throws -> (String, [(String, String)]) {
        let fm = FileManager.default
        let names = ((try? fm.contentsOfDirectory(atPath: ws.inbox)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        var groups: [(String, [String])] = []
        func add(_ kind: String, _ name: String) {
            if let i = groups.firstIndex(where: { $0.0 == kind }) { groups[i].1.append(name) } else { groups.append((kind, [name])) }
        }
        for n in names {
            let lower = n.lowercased()
            let path = (ws.inbox as NSString).appendingPathComponent(n)
            if lower.hasSuffix(".csv") {
                if lower.hasPrefix("debtor") { add("debtors", n) } else if lower.hasPrefix("invoice") { add("invoices", n) }
                else if lower.hasPrefix("payment") { add("payments", n) } else { add("unknown", n) }
            } else if lower.hasSuffix(".cod") || lower.hasSuffix(".coda") {
                add("coda", n)
            } else if lower.hasSuffix(".xml") {
                let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).readData(ofLength: 4096)) ?? Data()
                add(String(decoding: head, as: UTF8.self).contains("camt.05") ? "camt" : "ubl", n)
            } else {
                add("unknown", n)
            }
        }
        let order = ["debtors", "invoices", "payments", "coda", "camt", "ubl", "unknown"]
        groups.sort { (order.firstIndex(of: $0.0) ?? 9) < (order.firstIndex(of: $1.0) ?? 9) }
        var files = 0, rows = 0, rejectedRows = 0, rejectedFiles = 0
        for (kind, group) in groups {
            let paths = group.map { (ws.inbox as NSString).appendingPathComponent($0) }
            var summaries: [FileSummary]
            var options = IngestOptions(kind: .payments, asOf: day)
            options.defaultLanguage = config.defaultLanguage
            options.defaultCountry = config.defaultCountry
            options.defaultCurrency = config.defaultCurrency
            options.rejectsDirectory = ws.path(config.rejectsDir)
            options.runID = runID
            options.progress = { [bar] file, done, size in bar?.update(done, total: size, label: "ingest \(file)", unit: .bytes) }
            let report: (Diagnostic) -> Void = { d in if d.severity == .error { Terminal.error(d.description) } }
            switch kind {
            case "debtors", "invoices", "payments":
                options.kind = IngestKind(rawValue: kind) ?? .payments
                summaries = try Ingestor.run(store: store, files: paths, options: options, report: report)
            case "coda", "camt":
                summaries = try BankIngestor.run(store: store, files: paths, format: kind == "coda" ? .coda : .camt, options: options,
                                                 report: report)
            case "ubl":
                options.kind = .invoices
                summaries = try UBLIngestor.run(store: store, paths: paths, options: options, report: report)
            default:
                summaries = group.map { var s = FileSummary(file: $0); s.fatal = "not a known export (debtors*.csv, invoices*.csv, payments*.csv, *.cod, *.xml)"; return s }
                for s in summaries { Terminal.error("\(s.file):0:0: error: [inbox] \(s.fatal ?? "")") }
            }
            for (i, name) in group.enumerated() {
                let s = summaries.first { $0.file == name } ?? (i < summaries.count ? summaries[i] : FileSummary(file: name))
                files += 1
                rows += s.read
                rejectedRows += s.rejected
                if s.fatal != nil { rejectedFiles += 1 }
                try move(name, to: s.fatal == nil ? "processed" : "rejected")
            }
        }
        if rejectedRows > 0 || rejectedFiles > 0 { status = .dataError }
        return (rejectedRows > 0 || rejectedFiles > 0 ? "rejected" : "ok",
                [("files", "\(files)"), ("rows", "\(rows)"), ("rejected_rows", "\(rejectedRows)"), ("rejected_files", "\(rejectedFiles)")])
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
    func billing() throws -> (String, [(String, String)]) {
        let contracts = try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM contract") ?? 0 }
        guard contracts > 0 else { return ("skipped", [("reason", "no contracts")]) }
        var counts: [(String, String)] = []
        if day.day == config.billing.billingDay {
            var options = BillingRunOptions(period: Month(day))
            options.runID = runID
            let result: BillingRunResult
            do { result = try BillingRun.run(store: store, workspace: ws, config: config, options: options) } catch let e as BillingError {
                throw CLIError(.dataError, e.description)
            }
            for w in result.warnings { Terminal.error("warning: \(w)") }
            counts += [("period", "\(Month(day))"), ("invoices", "\(result.invoices)"), ("already_invoiced", "\(result.alreadyInvoiced)")]
        } else {
            counts.append(("period", "not the billing day (\(config.billing.billingDay))"))
        }
        let changes = try SuspensionCheck.run(store: store, config: config, asOf: day)
        counts.append(("suspension_changes", "\(changes.count)"))
        return ("ok", counts)
    }

    func forecast() throws -> (String, [(String, String)]) {
        let facts = try store.pool.read { db in try LedgerFacts.read(db, asOf: day) }
        let result = Forecaster.forecast(facts, asOf: day)
        try ForecastStore.save(result, store: store, runID: runID, createdAt: Instant.string(Date()))
        return ("ok", [("invoices", "\(result.invoices.count)"), ("debtors", "\(result.debtors.count)")])
    }

    mutating func dunning() throws -> (String, [(String, String)]) {
        let (planner, composer) = try DunningSetup.setup(ws, config)
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
            if [.ok, .dataError, .deferred].contains(status) { status = .held }
            return ("held", counts)
        }
        if !s.plan.errors.isEmpty || !s.errors.isEmpty, status == .ok { status = .dataError }
        if !s.plan.rateMissing.isEmpty {
            for line in s.plan.rateMissingLines { Terminal.error("error: [rate] " + line) }
            let halves = s.plan.rateMissing.keys.sorted().map(\.description).joined(separator: ",")
            gates.append("rate missing: \(halves)")
            counts += [("waiting_for_rate", "\(s.plan.rateMissing.values.reduce(0, +))"), ("rate_missing", halves),
                       ("fix", "relance rates set \(s.plan.rateMissing.keys.sorted().first?.description ?? "") PERCENT --source …")]
            if [.ok, .dataError, .deferred].contains(status) { status = .rateMissing }
        }
        // The anomaly gate: tonight's messages, or what they claim, far above the usual. The e-mails
        // and the letters wait until `relance dunning release DAY`; a later night never sends them.
        if let a = try anomaly() {
            let held = try store.pool.write { db in try DunningHolds.hold(db, day: day, reason: "anomaly: \(a)", at: Date()) }
            let letters = try HeldLetters.hold(lettersDir: ws.path("out/letters"), day: day)
            gates.append("anomaly: \(a)")
            counts += [("gate", "anomaly: \(a)"), ("held_messages", "\(held)"), ("held_letters", "\(letters)"),
                       ("release", "relance dunning release \(day)")]
            if [.ok, .dataError, .deferred, .bounced].contains(status) { status = .held }
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
        let report = try flusher.run(options)
        var counts = [("sent", "\(report.sent)"), ("deferred", "\(report.deferred)"), ("bounced", "\(report.bounced)"),
                      ("left_due", "\(report.leftDue)"), ("via", transport.name)]
        if let reason = report.unavailable {
            gates.append("outbox failing: \(reason)")
            counts.append(("gate", "outbox failing: \(reason)"))
            status = .unavailable
            return ("failed", counts)
        }
        return ("ok", counts)
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
        return ("ok", [("files", "\(m.paths.count)"), ("debtor_pages", "\(m.debtorPages)"), ("needs_a_look", "\(m.needsALook.count)"),
                       ("folder", ws.path(r.folder + "/\(day)"))])
    }

    /// A consistent copy of the database, with the retention policy applied.
    func backup() throws -> (String, [(String, String)]) {
        let b = config.backup
        let outcome = try Backups.backup(store: store, folder: ws.path(b.folder), at: Date(),
                                         timeZone: TimeZone(identifier: config.timeZone) ?? .gmt,
                                         policy: Backups.Policy(daily: b.keepDaily, monthly: b.keepMonthly))
        return ("ok", [("file", (outcome.path as NSString).lastPathComponent), ("bytes", "\(outcome.bytes)"),
                       ("removed", "\(outcome.removed.count)")])
    }
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
