import ArgumentParser
import Dunning
import Foundation
import GRDB
import Letters
import Ledger
import Store
import Workspace

/// `relance dunning …`.
struct DunningCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dunning", abstract: "Escalation ladders: tonight's reminders, with the legal amounts.", subcommands: [Plan.self, Run.self, Preview.self, Log.self, Release.self])

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
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
                    Terminal.error(DunningSetup.freshness(lastIngest: last, maxHours: maxDataAge, now: Date()))
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
                let gate = DunningSetup.staleReason(lastIngest: last, maxHours: maxDataAge, now: Date())
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
                    try Int64.fetchOne(db, sql: "SELECT id FROM debtor WHERE debtor_key = ?", arguments: [debtor])
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

/// Loads the workspace's ladders and rate table (the shipped ones when the workspace has none).
enum DunningSetup {
    /// The composer for the workspace: its company as creditor, its templates, the planner's rules.
    static func composer(_ ws: Workspace, _ config: WorkspaceConfig, planner: Planner) throws -> ReminderComposer {
        let c = config.company
        let templates: ReminderTemplates
        do { templates = try ReminderTemplates(folder: ws.path("templates")) } catch { throw CLIError(.config, "\(error)") }
        let problems = planner.ladders.values.flatMap { templates.check($0) }
        if !problems.isEmpty { throw CLIError(.config, problems.map(\.description).joined(separator: "\n")) }
        // The company identity gate: no letter or e-mail names an unknown creditor or lacks where to pay.
        let missing = c.missingIdentity
        guard missing.isEmpty else {
            throw CLIError(.config, "relance.toml: [company] lacks \(missing.joined(separator: ", ")); no letter or e-mail is written "
                + "until it names the company, its address, enterprise number and IBAN (`relance config check` shows the lines)")
        }
        let iban: IBAN
        do { iban = try IBAN(parsing: c.iban ?? "") } catch { throw CLIError(.config, "relance.toml: company.iban: \(error)") }
        let town = [c.postalCode, c.city].filter { !$0.isEmpty }.joined(separator: " ")
        var creditor = Creditor(name: c.name, enterpriseNumber: c.enterpriseNumber, addressLines: [c.street, town].filter { !$0.isEmpty },
                                city: c.city, iban: iban, bic: c.bic, email: c.email, phone: c.phone)
        creditor.register = [c.register, c.courtSeat].compactMap { $0 }.joined(separator: ", ")
        creditor.signatoryName = c.signatoryName
        creditor.signatoryFunction = c.signatoryFunction
        return ReminderComposer(creditor: creditor, templates: templates, rules: planner.rules)
    }

    /// The workspace's ladders and rate table (the shipped ones where the workspace has none).
    static func planner(_ ws: Workspace, _ config: WorkspaceConfig) throws -> Planner {
        var ladders: [DebtorKind: Ladder] = [:]
        var problems: [String] = []
        // A workspace ladder that exists but cannot be read is an error, never a silent fallback to the shipped one.
        for (kind, name, fallback) in [(DebtorKind.b2b, "ladder-b2b.toml", DefaultLadders.b2b), (.b2c, "ladder-b2c.toml", DefaultLadders.b2c)] {
            let text: String
            if FileManager.default.fileExists(atPath: ws.path(name)) {
                do { text = try String(contentsOfFile: ws.path(name), encoding: .utf8) } catch {
                    problems.append("\(name): cannot be read (\(error.localizedDescription)); fix its permissions or its encoding (UTF-8)")
                    continue
                }
            } else {
                text = fallback
            }
            do { ladders[kind] = try Ladder.parse(text, file: name) } catch { problems.append("\(error)") }
        }
        var rules = ClaimRules()
        do { rules = try LegalSetup.rules(ws, config) } catch { problems.append("\(error)") }
        if !problems.isEmpty { throw CLIError(.config, problems.joined(separator: "\n")) }
        return Planner(ladders: ladders, rules: rules)
    }

    /// A debtor's next step and its earliest day, looking ahead at most `days` days, in words.
    static func nextStep(_ ws: Workspace, _ config: WorkspaceConfig, store: LedgerStore, debtorKey: String, asOf: Day,
                         days: Int = 120) throws -> String {
        let planner = try planner(ws, config)
        guard let id = try store.pool.read({ db in
            try Int64.fetchOne(db, sql: "SELECT id FROM debtor WHERE debtor_key = ?", arguments: [debtorKey])
        }) else { return "unknown debtor" }
        var snapshot: DebtorSnapshot? = nil
        try store.pool.read { db in try SnapshotReader(db: db).forEachDebtor(asOf: asOf, only: id) { snapshot = $0 } }
        guard let snapshot, let ladder = planner.ladders[snapshot.kind] else { return "nothing open: no reminder" }
        var when = asOf
        var plan: DebtorPlan
        do { plan = try planner.plan(snapshot, asOf: when) } catch { return "\(error)" }
        let first = plan
        while case .nothing = plan.action, when.days(since: asOf) < days {
            when = when.adding(days: 1)
            do { plan = try planner.plan(snapshot, asOf: when) } catch { return "\(error)" }
        }
        switch plan.action {
        case .remind(let i), .worklist(let i):
            return "\(ladder.steps[i].name) from \(when), demanding \(plan.demanded.currency.code) \(plan.demanded.decimalString)"
                + (when == asOf ? "" : " (if nothing changes)")
        case .excluded(let e): return "none while \(e.rawValue)"
        case .nothing: return "none within \(days) days: " + first.reasons.joined(separator: "; ")
        }
    }

    /// The ladders, rate table and templates of the workspace, ready to plan and to word reminders.
    static func setup(_ ws: Workspace, _ config: WorkspaceConfig) throws -> (Planner, ReminderComposer) {
        let planner = try planner(ws, config)
        return (planner, try composer(ws, config, planner: planner))
    }

    /// Whole hours since the last ingest finished; nil when nothing was ingested yet.
    static func hoursSince(lastIngest: String?, now: Date) -> Int? {
        guard let last = lastIngest else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let when = formatter.date(from: last) else { return 0 }
        return Int(now.timeIntervalSince(when) / 3600)
    }

    /// Why sending is held by the data-freshness gate, or nil when the data is fresh.
    static func staleReason(lastIngest: String?, maxHours: Int, now: Date) -> String? {
        guard let hours = hoursSince(lastIngest: lastIngest, now: now) else { return "nothing has been ingested yet" }
        return hours > maxHours ? "the last ingest was \(hours) h ago (\(lastIngest ?? "")), over the \(maxHours) h limit" : nil
    }

    /// The data-freshness gate's verdict, in words, for the plan.
    static func freshness(lastIngest: String?, maxHours: Int, now: Date) -> String {
        if let stale = staleReason(lastIngest: lastIngest, maxHours: maxHours, now: now) {
            return "data freshness: \(stale): sending would be held until fresh data arrives"
        }
        return "data freshness: last ingest \(lastIngest ?? ""), \(hoursSince(lastIngest: lastIngest, now: now) ?? 0) h ago: ok"
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

/// The last night before this one on which reminders were written, to say what changed since.
struct PreviousRun {
    var day: String?
    /// Debtor row id → (step, total) of that night's reminder.
    var reminders: [Int64: (step: String, total: Money)] = [:]

    static func load(_ db: Database, before day: Day) throws -> PreviousRun {
        var p = PreviousRun()
        p.day = try String.fetchOne(db, sql: "SELECT MAX(as_of) FROM dunning_event WHERE as_of < ? AND status != 'cancelled'",
                                    arguments: [day.description])
        guard let d = p.day else { return p }
        for r in try Row.fetchAll(db, sql: """
            SELECT debtor_id, step, total_minor, currency FROM dunning_event WHERE as_of = ? AND status != 'cancelled'
            """, arguments: [d]) {
            p.reminders[r[0]] = (r[1], Money(minorUnits: r[2], currency: Currency(code: r[3] as String) ?? .eur))
        }
        return p
    }

    /// One plan row's change since that night, in words.
    func change(_ plan: DebtorPlan) -> String {
        guard let day else { return "" }
        let acting: Bool
        switch plan.action {
        case .remind, .worklist: acting = true
        default: acting = false
        }
        guard let was = reminders[plan.debtor.id] else { return acting ? "new since \(day)" : "" }
        return "\(day): \(was.step), total \(was.total.decimalString)"
    }

    /// The summary line: how many of that night's debtors have nothing open any more.
    func summary(seen: Set<Int64>) -> String? {
        guard let day else { return nil }
        let gone = reminders.keys.filter { !seen.contains($0) }.count
        return "since the last run (\(day)): \(reminders.count) debtors were reminded; \(gone) of them have nothing open any more"
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
