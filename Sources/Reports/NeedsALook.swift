import GRDB
import Ledger
import Store

/// One thing the team should look at in the morning: a count, what it is, what to do, and where
/// to read more.
struct Finding: Equatable {
    /// A stable key (`held`, `rate_missing`, …), the JSON and CSV id.
    var key: String
    /// What it is, in a few words ("Messages held by the anomaly gate (2026-11-21)").
    var label: String
    var count: Int
    /// What to do about it, or the reason (a command to run, file names).
    var detail: String
    /// A relative link to the report that lists them, if any.
    var link: String?
    /// How urgent: `bad` stops money coming in, `warn` needs a decision, `neutral` is information.
    var tone: Figure.Tone = .warn
}

/// A source of morning findings: one small aggregate query over what the night left (a named
/// query of `ReportQueries`, `Sources/Store/Queries+ReportsNeedsALook.swift`).
///
/// To add one (promises, disputes journal, bounces by reason…), write a type with `findings` and
/// append it to `NeedsALook.sources`; the index page, its CSV and JSON, and the e-mail list it.
protocol NeedsALookSource: Sendable {
    /// The findings of the night of `asOf`; none when there is nothing to look at.
    func findings(_ db: Database, asOf: Day) throws -> [Finding]
}

/// The morning's needs-a-look list, most urgent first.
enum NeedsALook {
    /// Every source, in the order the page lists them.
    static let sources: [any NeedsALookSource] = [
        HeldByGate(), WaitingForRate(), BouncedEmails(), DeferredEmails(), RejectedRows(), BrokenPromises(), PromisesDueToday(),
        NewDisputes(), HandOver(),
    ]

    /// Every finding of the night.
    static func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        try sources.flatMap { try $0.findings(db, asOf: asOf) }
    }
}

/// Messages the anomaly or freshness gate holds, per held day: they go out with
/// `relance dunning release DAY` (docs/DUNNING.md).
struct HeldByGate: NeedsALookSource {
    func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        try ReportQueries.heldDays(db, onOrBefore: asOf).map { r in
            let day = r.day
            let reason = r.reason.map { "\($0). " } ?? ""
            return Finding(key: "held", label: "Messages held by the gate (\(day))", count: r.messages,
                           detail: reason + "Check them, then send with: relance dunning release \(day)", link: "dunning.html",
                           tone: .bad)
        }
    }
}

/// Debtors whose message waits for a half-year interest rate that is not in `rates.toml`.
struct WaitingForRate: NeedsALookSource {
    func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        try ReportQueries.waitingForRate(db, asOf: asOf).map { r in
            let reason = r.reason
            let half = reason.split(separator: " ").first { $0.count == 7 && $0.contains("-H") }.map(String.init) ?? "YYYY-Hn"
            return Finding(key: "rate_missing", label: "Messages waiting for the \(half) interest rate", count: r.debtors,
                           detail: "Set the published rate: relance rates set \(half) PERCENT --source \"…\"; the next run writes them.",
                           link: "dunning.html", tone: .bad)
        }
    }
}

/// E-mails that bounced since the day before (a wrong address: the debtor got nothing).
struct BouncedEmails: NeedsALookSource {
    func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        let bounced = try ReportQueries.bouncedBetween(db, from: asOf.adding(days: -1), before: asOf.adding(days: 1))
        let n = bounced.messages
        guard n > 0 else { return [] }
        let reason = bounced.reason.map { "Last reason: \($0). " } ?? ""
        return [Finding(key: "bounced", label: "E-mails bounced", count: n,
                        detail: reason + "Correct the address in the ERP export; relance outbox show ID tells more.",
                        link: "outbox.html", tone: .bad)]
    }
}

/// E-mails the mail server deferred: tried again, bounced when their lifetime runs out.
struct DeferredEmails: NeedsALookSource {
    func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        let n = try ReportQueries.deferredCount(db)
        guard n > 0 else { return [] }
        return [Finding(key: "deferred", label: "E-mails deferred", count: n,
                        detail: "The mail server refused them for now; they are tried again at each flush.",
                        link: "outbox.html", tone: .warn)]
    }
}

/// Input rows the night's imports rejected (kept in the rejects file next to the input).
struct RejectedRows: NeedsALookSource {
    func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        let rows = try ReportQueries.rejectedFiles(db, asOf: asOf)
        let total = rows.reduce(0) { $0 + $1.rows }
        guard total > 0 else { return [] }
        let files = rows.map { "\($0.fileName) (\($0.rows))" }.joined(separator: ", ")
        return [Finding(key: "rejected_rows", label: "Input rows rejected", count: total,
                        detail: "Fix them in the ERP export: \(files). The good rows were imported.", link: nil, tone: .warn)]
    }
}

/// Invoices that became disputed in the night's imports: changed to disputed (`record_change`)
/// or new and disputed.
struct NewDisputes: NeedsALookSource {
    func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        let n = try ReportQueries.newDisputes(db, asOf: asOf)
        guard n > 0 else { return [] }
        return [Finding(key: "new_disputes", label: "Invoices newly disputed", count: n,
                        detail: "Left out of reminders until the dispute is settled in the ERP.", link: "aging.html", tone: .warn)]
    }
}

/// Promises to pay found broken since yesterday (the payments by the promised day plus the grace
/// days did not cover them): the ladder resumes, and someone should call.
struct BrokenPromises: NeedsALookSource {
    func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        let n = try ReportQueries.brokenPromiseDebtors(db, from: asOf.adding(days: -1), through: asOf)
        guard n > 0 else { return [] }
        return [Finding(key: "broken_promises", label: "Broken promises to pay", count: n,
                        detail: "The ladder resumes at the next step; call them (relance promise list).", link: "worklist.html", tone: .bad)]
    }
}

/// Promises to pay whose date is today: check the bank tomorrow morning.
struct PromisesDueToday: NeedsALookSource {
    func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        let n = try ReportQueries.promisesDue(db, on: asOf)
        guard n > 0 else { return [] }
        return [Finding(key: "promises_due", label: "Promises to pay due today", count: n,
                        detail: "Kept or broken is decided once the grace days have passed (relance promise list).", link: nil, tone: .neutral)]
    }
}

/// Debtors whose ladder reached the hand-over (worklist) step last night: a person calls them.
struct HandOver: NeedsALookSource {
    func findings(_ db: Database, asOf: Day) throws -> [Finding] {
        let n = try ReportQueries.handOverDebtors(db, day: asOf)
        guard n > 0 else { return [] }
        return [Finding(key: "hand_over", label: "Debtors reaching the hand-over step", count: n,
                        detail: "The ladder asks for a call; they head the worklist.", link: "worklist.html", tone: .warn)]
    }
}
