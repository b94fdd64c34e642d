import ArgumentParser
import Dunning
import Foundation
import GRDB
import Letters
import Ledger
import Pipeline
import Store
import Workspace

/// `relance dunning …`.
struct DunningCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dunning", abstract: "Escalation ladders: tonight's reminders, with the legal amounts.", subcommands: [Plan.self, Run.self, Preview.self, Log.self, Release.self])

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "plan",
            abstract: "What would be sent tonight, to whom, at which step, why, with the amounts. Changes nothing.",
            discussion: """
                One message per debtor at its level: the next step after the highest its open invoices reached, demanding \
                every overdue item, at most one message per min_days_between_messages (ladder). Columns: level (1-based step \
                the debtor is at), demanded, next_message_from. Exit codes: 79 when a half-year's legal rate is missing (those \
                debtors' messages wait; the error names `relance rates set`); 65 when a debtor's amounts could not be computed.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The day to plan for (YYYY-MM-DD).") var asOf: Day?
        @Option(help: "Output: table, csv or json.") var format: ListFormat = .table
        @Flag(help: "List debtors with nothing due too.") var all = false
        @Option(help: "Hours after which the last ingest counts as stale (sending would be held).") var maxDataAge = 24

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let day = asOf ?? config.today(now: Date())
                let planner = try DunningSetup.planner(ws, config)
                var rows: [[String]] = []
                var seen = Set<Int64>()
                let (summary, last, previous) = try store.pool.read { db in
                    let previous = try PreviousRun.load(db, before: day)
                    let s = try LedgerPlan.run(db, asOf: day, planner: planner) { p in
                        seen.insert(p.debtor.id)
                        if all || p.action != .nothing { rows.append(p.row(planner) + [previous.change(p)]) }
                    }
                    return (s, try LedgerPlan.lastIngest(db), previous)
                }
                Terminal.out(ListFormat.render(rows, columns: DebtorPlan.columns + ["since_last_run"], as: format, numeric: DebtorPlan.numericColumns))
                if format == .table {
                    Terminal.error(summary.text(asOf: day))
                    if let p = previous.summary(seen: seen) { Terminal.error(p) }
                    Terminal.error(FreshnessGate.freshness(lastIngest: last, maxHours: maxDataAge, now: Date()))
                }
                for e in summary.errors { Terminal.error("error: [claim] debtor \(e.debtor): \(e.message)") }
                for line in summary.rateMissingLines { Terminal.error("error: [rate] " + line) }
                return !summary.rateMissing.isEmpty ? .rateMissing : (summary.errors.isEmpty ? .ok : .dataError)
            }
        }
    }
}

extension DunningCommand {
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Write tonight's reminders: events, letters (PDF) and queued e-mails, one transaction per batch of debtors.",
            discussion: """
                Rerunning for the same day changes nothing. Letters go to out/letters/DAY/; e-mails wait in the outbox \
                until `relance outbox flush`. A payment ingested before the flush cancels the debtor's queued e-mail. \
                When the last ingest is older than --max-data-age hours, nothing is written (exit 80) until fresh data \
                arrives or --ignore-stale is given.
                Exit codes: 0 ok; 65 some debtors' reminders could not be made (listed); 79 a half-year's legal rate is \
                missing: those debtors' messages wait, the others are written (`relance rates set` releases them the next \
                run); 80 held by the freshness gate.
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The day to remind for (YYYY-MM-DD).") var asOf: Day?
        @Option(help: "Hours after which the last ingest counts as stale and nothing is sent.") var maxDataAge = 24
        @Flag(help: "Write the reminders even when the data is stale.") var ignoreStale = false

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let day = asOf ?? config.today(now: Date())
                let (planner, composer) = try DunningSetup.setup(ws, config)
                let last = try store.pool.read { db in try LedgerPlan.lastIngest(db) }
                let gate = FreshnessGate.staleReason(lastIngest: last, maxHours: maxDataAge, now: Date())
                let ledger = RunLedger(store: store)
                let runID = try ledger.begin(command: "dunning run", asOf: day.description, at: Date())
                var options = DunningRun.Options(asOf: day, lettersDir: ws.path("out/letters"), runID: runID,
                                                 holdReason: ignoreStale ? nil : gate)
                options.concurrency = 2
                let bar = ProgressBar.start("dunning")
                options.progress = DunningSetup.progress(bar, store: store)
                let s: DunningRun.Summary
                defer { bar?.finish() }
                do { s = try DunningRun.run(store: store, planner: planner, composer: composer, options: options) } catch {
                    try? ledger.finish(id: runID, outcome: "failed", exitCode: 1, summary: "\(error)", at: Date())
                    throw CLIError.from(database: error, path: ws.databasePath)
                }
                bar?.finish()
                for e in s.plan.errors + s.errors { Terminal.error("error: [dunning] debtor \(e.debtor): \(e.message)") }
                let line = s.text(asOf: day)
                Terminal.error(line)
                for l in s.plan.rateMissingLines { Terminal.error("error: [rate] " + l) }
                let status: ExitStatus = s.held != nil ? .held : (!s.plan.rateMissing.isEmpty ? .rateMissing
                    : (s.plan.errors.isEmpty && s.errors.isEmpty ? .ok : .dataError))
                try? ledger.finish(id: runID, outcome: status == .ok ? "ok" : ([.held, .rateMissing].contains(status) ? "held" : "failed"),
                                   exitCode: status.rawValue, summary: line, at: Date())
                return status
            }
        }
    }

    struct Preview: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Render a debtor's next reminder (letter PDF, e-mail text and HTML) to files, without recording anything.",
            discussion: "When nothing is due on --as-of, the preview is for the first day within 120 days on which a reminder is.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The debtor's id (as in the debtors export).") var debtor: String
        @Option(help: "The day to preview for (YYYY-MM-DD).") var asOf: Day?
        @Option(help: "Folder for the files (default: out/preview).") var out: String?

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let day = asOf ?? config.today(now: Date())
                let (planner, composer) = try DunningSetup.setup(ws, config)
                guard let id = try store.pool.read({ db in
                    try CLIQueries.debtorID(db, key: debtor)
                }) else { throw CLIError(.dataError, "no debtor \(debtor) in the ledger") }
                var snapshot: DebtorSnapshot? = nil
                try store.pool.read { db in try SnapshotReader(db: db).forEachDebtor(asOf: day, only: id) { snapshot = $0 } }
                guard let snapshot else { throw CLIError(.dataError, "debtor \(debtor) has no open invoices: nothing to remind") }
                var when = day
                var plan = try planner.plan(snapshot, asOf: when)
                var reasons = plan.reasons
                while case .nothing = plan.action, when.days(since: day) < 120 {
                    when = when.adding(days: 1)
                    plan = try planner.plan(snapshot, asOf: when)
                }
                guard case .remind(let step) = plan.action, let ladder = planner.ladders[snapshot.kind] else {
                    if case .nothing = plan.action {} else { reasons = plan.reasons }
                    Terminal.error("no reminder for \(debtor) on \(day) or in the next 120 days: \(reasons.joined(separator: "; "))")
                    return .ok
                }
                let channels = DunningRun.channels(ladder.steps[step].channels, snapshot)
                let r = try composer.compose(plan, ladder: ladder, stepIndex: step, asOf: when, channels: channels)
                let folder = out.map(absolute) ?? ws.path("out/preview")
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let base = (folder as NSString).appendingPathComponent("\(DunningRun.fileName(debtor))-\(DunningRun.fileName(ladder.steps[step].name))")
                let to = snapshot.email.map { "To: \(snapshot.name) <\($0)>\n" } ?? ""
                let files = [(base + ".txt", "Subject: \(r.subject)\n\(to)\n\(r.text)"), (base + ".html", r.html)]
                for (path, text) in files {
                    guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                        throw CLIError(.cannotWrite, "cannot write \(path)")
                    }
                }
                let pdf = try LetterRenderer.pdf(r.letter)
                guard FileManager.default.createFile(atPath: base + ".pdf", contents: Data(pdf), attributes: [.posixPermissions: 0o600]) else {
                    throw CLIError(.cannotWrite, "cannot write \(base).pdf")
                }
                Terminal.out("\(debtor): \(ladder.steps[step].name) on \(when) by \(channels.map(\.rawValue).joined(separator: "+")), total \(plan.total.currency.code) \(plan.total.decimalString)")
                for f in [base + ".pdf", base + ".txt", base + ".html"] { Terminal.out("  " + f) }
                return .ok
            }
        }
    }
}

extension DebtorPlan {
    static let columns = ["debtor_id", "name", "kind", "level", "action", "step", "channels", "items", "advancing", "balance", "demanded",
                          "interest", "fees", "total", "currency", "next_message_from", "reasons"]
    /// Columns printed as JSON numbers.
    static let numericColumns: Set<String> = ["level", "items", "advancing"]

    func row(_ planner: Planner) -> [String] {
        let ladder = planner.ladders[debtor.kind]
        var action = "", step = "", channels = ""
        switch self.action {
        case .remind(let i):
            action = "remind"; step = ladder?.steps[i].name ?? "\(i)"
            channels = ladder?.steps[i].channels.map(\.rawValue).joined(separator: "+") ?? ""
        case .worklist(let i):
            action = "worklist"; step = ladder?.steps[i].name ?? "\(i)"; channels = ladder?.steps[i].action ?? "manual"
        case .excluded(let e): action = "excluded: \(e.rawValue)"
        case .nothing: action = "nothing"
        }
        return [debtor.key, debtor.name, debtor.kind.rawValue, level.map { String($0 + 1) } ?? "", action, step, channels, String(items.count),
                String(items.filter(\.advances).count), balance.decimalString, demanded.decimalString, interest.decimalString,
                fees.decimalString, total.decimalString, balance.currency.code, nextMessageFrom?.description ?? "",
                ([levelReason] + reasons).joined(separator: "; ")]
    }
}

extension DunningRun.Summary {
    func text(asOf: Day) -> String {
        if let held { return "dunning run for \(asOf): HELD, nothing written or sent: \(held); \(plan.text(asOf: asOf))" }
        var parts = ["dunning run for \(asOf): \(reminders) reminders (\(emails) e-mails queued, \(letters) letters)",
                     "\(worklist) worklist items"]
        if alreadyDone > 0 { parts.append("\(alreadyDone) debtors already reminded on this day (left alone)") }
        if !errors.isEmpty { parts.append("\(errors.count) could not be made") }
        let claimed = self.claimed.amounts.map { "\($0.currency.code) \($0.decimalString)" }.joined(separator: ", ")
        return parts.joined(separator: ", ") + (claimed.isEmpty ? "" : "; claimed: " + claimed)
    }
}

extension LedgerPlan.Summary {
    func text(asOf: Day) -> String {
        var parts = ["plan for \(asOf): \(debtors) debtors with open items", "\(reminders) reminders", "\(worklist) worklist items",
                     "\(nothing) with nothing due"]
        for (e, n) in excluded.sorted(by: { $0.key.rawValue < $1.key.rawValue }) { parts.append("\(n) excluded (\(e.rawValue))") }
        if !errors.isEmpty { parts.append("\(errors.count) could not be computed") }
        let claimed = total.amounts.map { "\($0.currency.code) \($0.decimalString)" }.joined(separator: ", ")
        return parts.joined(separator: ", ") + (claimed.isEmpty ? "" : "; claimed in total: " + claimed)
    }
}
