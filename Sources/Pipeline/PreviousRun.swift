import Dunning
import GRDB
import Ledger
import Store

/// The last night before this one on which reminders were written, to say what changed since.
package struct PreviousRun: Sendable {
    /// That night (`YYYY-MM-DD`); nil when there was none.
    package var day: String?
    /// Debtor row id → (step, total) of that night's reminder.
    package var reminders: [Int64: (step: String, total: Money)] = [:]

    /// The night before `day` and its reminders (cancelled ones left out).
    package static func load(_ db: Database, before day: Day) throws -> PreviousRun {
        var p = PreviousRun()
        guard let night = try DunningNights.previousNight(db, before: day) else { return p }
        p.day = night.day
        for r in night.reminders { p.reminders[r.debtorID] = (r.step, r.total) }
        return p
    }

    /// One plan row's change since that night, in words.
    package func change(_ plan: DebtorPlan) -> String {
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
    package func summary(seen: Set<Int64>) -> String? {
        guard let day else { return nil }
        let gone = reminders.keys.filter { !seen.contains($0) }.count
        return "since the last run (\(day)): \(reminders.count) debtors were reminded; \(gone) of them have nothing open any more"
    }
}
