import ArgumentParser
import Dunning
import Foundation
import Ledger
import Store
import Workspace

/// `relance dunning …`.
struct DunningCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dunning", abstract: "Escalation ladders: tonight's reminders, with the legal amounts.", subcommands: [Plan.self])

    struct Plan: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What would be sent tonight, to whom, at which step, why, with the amounts. Changes nothing.",
            discussion: "Exit code 65 when a debtor's amounts could not be computed (e.g. a half-year missing from rates.toml).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The day to plan for (YYYY-MM-DD).") var asOf: Day?
        @Option(help: "Output: table, csv or json.") var format: ListFormat = .table
        @Flag(help: "List debtors with nothing due too.") var all = false
        @Option(help: "Hours after which the last ingest counts as stale (sending would be held).") var maxDataAge = 24

        func run() throws {
            try withExitStatus {
                let (ws, config, store) = try global.open()
                let day = asOf ?? config.today(now: Date())
                let planner = try DunningSetup.planner(ws)
                var rows: [[String]] = []
                let (summary, last) = try store.pool.read { db in
                    let s = try LedgerPlan.run(db, asOf: day, planner: planner) { p in
                        if all || p.action != .nothing { rows.append(p.row(planner)) }
                    }
                    return (s, try LedgerPlan.lastIngest(db))
                }
                Terminal.out(ListFormat.render(rows, columns: DebtorPlan.columns, as: format))
                if format == .table {
                    Terminal.error(summary.text(asOf: day))
                    Terminal.error(DunningSetup.freshness(lastIngest: last, maxHours: maxDataAge, now: Date()))
                }
                for e in summary.errors { Terminal.error("error: [claim] debtor \(e.debtor): \(e.message)") }
                return summary.errors.isEmpty ? .ok : .dataError
            }
        }
    }
}

/// Loads the workspace's ladders and rate table (the shipped ones when the workspace has none).
enum DunningSetup {
    static func planner(_ ws: Workspace) throws -> Planner {
        var ladders: [DebtorKind: Ladder] = [:]
        var problems: [String] = []
        for (kind, name, fallback) in [(DebtorKind.b2b, "ladder-b2b.toml", DefaultLadders.b2b), (.b2c, "ladder-b2c.toml", DefaultLadders.b2c)] {
            let text = (try? String(contentsOfFile: ws.path(name), encoding: .utf8)) ?? fallback
            do { ladders[kind] = try Ladder.parse(text, file: name) } catch { problems.append("\(error)") }
        }
        var rules = ClaimRules()
        if let text = try? String(contentsOfFile: ws.path("rates.toml"), encoding: .utf8) {
            do { rules.rates = try RateTable.parse(text, file: "rates.toml") } catch { problems.append("\(error)") }
        }
        if !problems.isEmpty { throw CLIError(.config, problems.joined(separator: "\n")) }
        return Planner(ladders: ladders, rules: rules)
    }

    /// The data-freshness gate's verdict, in words.
    static func freshness(lastIngest: String?, maxHours: Int, now: Date) -> String {
        guard let last = lastIngest else { return "data freshness: nothing ingested yet; sending would be held" }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let when = formatter.date(from: last) else { return "data freshness: last ingest \(last)" }
        let hours = Int(now.timeIntervalSince(when) / 3600)
        return hours > maxHours
            ? "data freshness: last ingest \(last), \(hours) h ago (over \(maxHours) h): sending would be held until fresh data arrives"
            : "data freshness: last ingest \(last), \(hours) h ago: ok"
    }
}

extension DebtorPlan {
    static let columns = ["debtor_id", "name", "kind", "action", "step", "channels", "items", "advancing", "balance", "interest",
                          "fees", "total", "currency", "reasons"]

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
        return [debtor.key, debtor.name, debtor.kind.rawValue, action, step, channels, String(items.count),
                String(items.filter(\.advances).count), balance.decimalString, interest.decimalString, fees.decimalString,
                total.decimalString, balance.currency.code, reasons.joined(separator: "; ")]
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
