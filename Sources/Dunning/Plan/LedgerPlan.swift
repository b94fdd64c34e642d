import Foundation
import GRDB
import Ledger
import Store

/// Tonight's plan for the whole ledger: every debtor with open items, decided by the `Planner`.
package enum LedgerPlan {
    /// Counts of a plan, for its summary.
    package struct Summary: Sendable, Equatable {
        package var debtors = 0
        package var reminders = 0
        package var worklist = 0
        package var nothing = 0
        package var excluded: [Exclusion: Int] = [:]
        /// Debtors whose amounts could not be computed, with why.
        package var errors: [(debtor: String, message: String)] = []
        /// Debtors whose message waits for a half-year's legal interest rate, per half-year: their
        /// message is not written tonight; the first night with the rate writes it.
        package var rateMissing: [HalfYear: Int] = [:]
        package var total = MoneyBag()
        /// Overdue money left out, by reason (stored by the dunning run for the report).
        package var exclusions = ExclusionTally()

        package static func == (a: Summary, b: Summary) -> Bool {
            a.debtors == b.debtors && a.reminders == b.reminders && a.worklist == b.worklist && a.excluded == b.excluded
                && a.errors.map(\.debtor) == b.errors.map(\.debtor) && a.rateMissing == b.rateMissing
        }

        /// One line per missing half-year: how many messages wait, and the command that releases them.
        package var rateMissingLines: [String] {
            rateMissing.sorted { $0.key < $1.key }.map { h, n in
                "\(n) debtor(s)' messages wait for the legal interest rate of \(h), missing from rates.toml; "
                    + "add the published rate with `\(RateTable.MissingRate(halfYear: h).fixCommand)` and the next run writes them"
            }
        }
    }

    /// Plans every debtor; `body` receives each plan (debtors with nothing due included).
    package static func run(_ db: Database, asOf: Day, planner: Planner, _ body: (DebtorPlan) throws -> Void) throws -> Summary {
        var s = Summary()
        try SnapshotReader(db: db).forEachDebtor(asOf: asOf) { d in
            s.debtors += 1
            let plan: DebtorPlan
            do { plan = try planner.plan(d, asOf: asOf) } catch let missing as RateTable.MissingRate {
                s.rateMissing[missing.halfYear, default: 0] += 1
                s.exclusions.addNotComputed(currency: d.items.first?.open.currency.code ?? Currency.eur.code,
                                            reason: "waits for the \(missing.halfYear) interest rate")
                return
            } catch {
                s.errors.append((d.key, "\(error)"))
                s.exclusions.addNotComputed(currency: d.items.first?.open.currency.code ?? Currency.eur.code)
                return
            }
            s.exclusions.add(plan, asOf: asOf)
            switch plan.action {
            case .remind:
                s.reminders += 1
                s.total.add(plan.total)
            case .worklist: s.worklist += 1
            case .nothing: s.nothing += 1
            case .excluded(let e): s.excluded[e, default: 0] += 1
            }
            try body(plan)
        }
        return s
    }

    /// When the last ingest finished (UTC instant text), for the data-freshness gate.
    package static func lastIngest(_ db: Database) throws -> String? {
        try DunningQueries.lastIngestFinishedAt(db)
    }
}
