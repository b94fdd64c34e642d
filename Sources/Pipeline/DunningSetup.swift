import Dunning
import Foundation
import Ingest
import Ledger
import Store
import Workspace

/// The one place Dunning's workspace files are loaded and validated: the ladders
/// (`ladder-b2b.toml`, `ladder-b2c.toml`), the rate table (`rates.toml`) with `[legal]`, and the
/// templates (`templates/`). A file the workspace does not have is the shipped one; a file it has
/// that cannot be read or does not validate is an error naming the file and the reason (78), never
/// a silent fallback.
package enum DunningSetup {
    /// The workspace ladders by kind, and the problems of those that could not be loaded.
    package static func ladders(_ ws: Workspace) -> (ladders: [DebtorKind: Ladder], problems: [String]) {
        var ladders: [DebtorKind: Ladder] = [:]
        var problems: [String] = []
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
        return (ladders, problems)
    }

    /// The calculator's rules for the workspace: its `rates.toml` and `[legal]`.
    package static func rules(_ ws: Workspace, _ config: WorkspaceConfig) throws -> ClaimRules {
        let l = config.legal
        return ClaimRules(rates: try RateFile.load(path: ws.path(RateFile.name)), b2bContractRate: l.b2bContractRate,
                          b2cContractRate: l.b2cContractRate, b2cDamagesClause: l.b2cDamagesClause,
                          b2cDamagesBasis: ConsumerDamagesBasis(rawValue: l.b2cDamagesBasis.rawValue) ?? .balance)
    }

    /// The workspace's ladders and rate table (the shipped ones where the workspace has none).
    package static func planner(_ ws: Workspace, _ config: WorkspaceConfig) throws -> Planner {
        var (ladders, problems) = ladders(ws)
        var rules = ClaimRules()
        do { rules = try Self.rules(ws, config) } catch { problems.append("\(error)") }
        if !problems.isEmpty { throw StatusError(.config, problems.joined(separator: "\n")) }
        return Planner(ladders: ladders, rules: rules)
    }

    /// The workspace's templates over the shipped ones; a folder that exists but cannot be listed is an error.
    package static func templates(_ ws: Workspace) throws -> ReminderTemplates {
        let folder = ws.path("templates")
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            do { _ = try FileManager.default.contentsOfDirectory(atPath: folder) } catch {
                throw StatusError(.config, "templates: cannot be read (\(isFolder.boolValue ? "permissions" : "not a folder")); "
                    + "fix its permissions, or remove it to use the shipped templates")
            }
        }
        do { return try ReminderTemplates(folder: folder) } catch { throw StatusError(.config, "\(error)") }
    }

    /// Every problem of the ladders and the templates (unreadable, invalid, a step template missing
    /// for a language), for `relance config check`; the rate table is checked there on its own.
    package static func problems(_ ws: Workspace) -> [String] {
        let (ladders, problems) = ladders(ws)
        do {
            let t = try templates(ws)
            return problems + ladders.sorted { $0.key.rawValue < $1.key.rawValue }.flatMap { t.check($0.value) }.map(\.description)
        } catch let e as StatusError {
            return problems + [e.message]
        } catch {
            return problems + ["\(error)"]
        }
    }

    /// The composer for the workspace: its company as creditor, its templates, the planner's rules.
    /// The company identity gate: no letter or e-mail names an unknown creditor or lacks where to pay (78).
    package static func composer(_ ws: Workspace, _ config: WorkspaceConfig, planner: Planner) throws -> ReminderComposer {
        let c = config.company
        let templates = try templates(ws)
        let problems = planner.ladders.values.flatMap { templates.check($0) }
        if !problems.isEmpty { throw StatusError(.config, problems.map(\.description).joined(separator: "\n")) }
        let missing = c.missingIdentity
        guard missing.isEmpty else {
            throw StatusError(.companyIdentityMissing(keys: missing))
        }
        guard let iban = c.iban else { throw StatusError(.companyIdentityMissing(keys: ["company.iban"])) }
        let town = [c.postalCode, c.city].filter { !$0.isEmpty }.joined(separator: " ")
        var creditor = Creditor(name: c.name, enterpriseNumber: c.enterpriseNumber, addressLines: [c.street, town].filter { !$0.isEmpty },
                                city: c.city, iban: iban, bic: c.bic, email: c.email, phone: c.phone)
        creditor.register = [c.register, c.courtSeat].compactMap { $0 }.joined(separator: ", ")
        creditor.signatoryName = c.signatoryName
        creditor.signatoryFunction = c.signatoryFunction
        return ReminderComposer(creditor: creditor, templates: templates, rules: planner.rules)
    }

    /// The ladders, rate table and templates of the workspace, ready to plan and to word reminders.
    package static func setup(_ ws: Workspace, _ config: WorkspaceConfig) throws -> (Planner, ReminderComposer) {
        let planner = try planner(ws, config)
        return (planner, try composer(ws, config, planner: planner))
    }

    /// The workspace's ladders, as a reminders file is checked against them.
    package static func outlines(_ ws: Workspace, _ config: WorkspaceConfig) throws -> [String: ExternalReminders.LadderOutline] {
        let planner = try planner(ws, config)
        var out: [String: ExternalReminders.LadderOutline] = [:]
        for (kind, ladder) in planner.ladders {
            var first = 0
            while first < ladder.steps.count, case .beforeDue = ladder.steps[first].trigger { first += 1 }
            out[kind.rawValue] = .init(name: "\(kind.rawValue)/v\(ladder.version)", steps: ladder.steps.map(\.name), firstAfterDue: first)
        }
        return out
    }

    /// A debtor's next step and its earliest day, looking ahead at most `days` days, in words.
    package static func nextStep(_ ws: Workspace, _ config: WorkspaceConfig, store: LedgerStore, debtorKey: String, asOf: Day,
                                days: Int = 120) throws -> String {
        let planner = try planner(ws, config)
        guard let id = try store.pool.read({ db in try CLIQueries.debtorID(db, key: debtorKey) }) else { return "unknown debtor" }
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

    /// The dunning run's progress callback for `bar`: debtors planned of all debtors in the ledger.
    package static func progress(_ bar: (any StageProgress)?, store: LedgerStore) -> (@Sendable (Int, Int) -> Void)? {
        guard let bar else { return nil }
        let debtors = (try? store.pool.read { db in try LedgerCounts.debtorCount(db) }) ?? 0
        return { planned, written in
            bar.update(planned, total: debtors, label: "dunning: \(ProgressUnit.items("reminders").format(written))", unit: .items("debtors"))
        }
    }
}
