import Foundation
import GRDB
import Ledger
import Store

/// The outbox: what waits (queued, active, deferred, on hold) and for how long, why messages are
/// deferred, what bounced and why.
enum OutboxReport {
    /// Seconds since 1970 of a stored instant (`2026-11-21T02:30:00.000Z`); nil when unreadable.
    static func seconds(_ instant: String) -> Int64? {
        let u = Array(instant.utf8)
        guard u.count >= 19, let day = Day(iso: String(decoding: u[0..<10], as: UTF8.self)),
            let h = Int(String(decoding: u[11..<13], as: UTF8.self)), let m = Int(String(decoding: u[14..<16], as: UTF8.self)),
            let s = Int(String(decoding: u[17..<19], as: UTF8.self))
        else { return nil }
        return Int64(day.daysSinceEpoch) * 86_400 + Int64(h * 3600 + m * 60 + s)
    }

    /// `2 d 5 h`, `3 h 10 min`, `4 min`.
    static func age(_ seconds: Int64) -> String {
        let s = max(0, seconds)
        let d = s / 86_400, h = (s % 86_400) / 3600, m = (s % 3600) / 60
        if d > 0 { return "\(d) d \(h) h" }
        if h > 0 { return "\(h) h \(m) min" }
        return "\(m) min"
    }

    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(
            kind: .outbox, title: "Outbox", asOf: asOf,
            subtitle: "e-mail waiting to go out, deferred and bounced, with the reasons")
        let now = Int64(options.generatedAt.timeIntervalSince1970.rounded(.down))
        let counts = try ReportQueries.outboxStateCounts(db)
        let since = asOf.adding(days: -29).description
        let bouncedRecent = try ReportQueries.bouncedCount(db, since: since)
        let sentToday = try ReportQueries.sentCount(db, on: asOf)
        let oldest = try ReportQueries.oldestWaiting(db)
        let oldestAge = oldest.flatMap(seconds).map { now - $0 }
        let waiting = ["queued", "active", "deferred", "hold"].reduce(0) { $0 + (counts[$1] ?? 0) }
        doc.blocks.append(.figures(id: "figures", [
            Figure(key: "waiting", label: "Waiting to go out", value: .int(waiting), tone: waiting > 0 ? .warn : .good),
            Figure(key: "queued", label: "Queued", value: .int(counts["queued"] ?? 0)),
            Figure(key: "deferred", label: "Deferred (retrying)", value: .int(counts["deferred"] ?? 0),
                   tone: (counts["deferred"] ?? 0) > 0 ? .warn : .good),
            Figure(key: "hold", label: "On hold", value: .int(counts["hold"] ?? 0)),
            Figure(key: "bounced_30_days", label: "Bounced, 30 days", value: .int(bouncedRecent),
                   tone: bouncedRecent > 0 ? .bad : .good),
            Figure(key: "sent_on_day", label: "Sent on \(Format.shortDay(asOf))", value: .int(sentToday)),
            Figure(key: "oldest_waiting", label: "Oldest waiting", value: oldestAge.map { .text(age($0)) } ?? .empty,
                   tone: (oldestAge ?? 0) > 86_400 ? .bad : .neutral),
            Figure(key: "oldest_waiting_hours", label: "Oldest waiting, hours",
                   value: oldestAge.map { .int(Int($0 / 3600)) } ?? .empty),
        ]))
        let states = ["queued", "active", "deferred", "hold", "sent", "bounced", "cancelled"]
        doc.blocks.append(.table(Table(
            id: "states", title: "Messages per state",
            columns: [Column("state", "State"), Column("messages", "Messages", numeric: true)],
            rows: states.map { [.text($0), .int(counts[$0] ?? 0)] })))
        doc.blocks.append(.heading("Why messages wait or bounce"))
        let deferred = try ReportQueries.deferredReasons(db)
        doc.blocks.append(.table(Table(
            id: "deferred_reasons", title: "Deferred, by last error",
            columns: [Column("reason", "Last error"), Column("messages", "Messages", numeric: true),
                      Column("oldest_age_hours", "Oldest, hours", numeric: true), Column("max_attempts", "Most attempts", numeric: true)],
            rows: deferred.map { r in
                [.text(r.reason), .int(r.messages), seconds(r.oldestCreatedAt).map { .int(Int((now - $0) / 3600)) } ?? .empty,
                 .int(r.maxAttempts)]
            }, emptyText: "No message is deferred.")))
        let bounced = try ReportQueries.bounceReasons(db, since: since)
        doc.blocks.append(.table(Table(
            id: "bounce_reasons", title: "Bounced in the last 30 days, by reason",
            columns: [Column("kind", "Kind"), Column("reason", "Reason"), Column("messages", "Messages", numeric: true),
                      Column("last", "Last")],
            rows: bounced.map { [.text($0.kind), .text($0.reason), .int($0.messages), .text($0.last)] },
            emptyText: "Nothing bounced in the last 30 days.",
            caption: "remote: the server refused the message; expired: still undeliverable at the end of its lifetime; unbuildable: it could not be written.")))
        doc.blocks.append(.heading("Waiting messages"))
        doc.blocks.append(.table(Table(
            id: "waiting", title: "Waiting messages, oldest first (\(waiting))",
            columns: [Column("id", "Id", numeric: true), Column("state", "State"), Column("origin", "Origin"),
                      Column("created_at", "Queued at (UTC)"), Column("age_hours", "Age, hours", numeric: true),
                      Column("attempts", "Attempts", numeric: true), Column("next_attempt_at", "Next attempt (UTC)"),
                      Column("to", "To"), Column("note", "Last error")],
            stream: { emit in
                let cursor = try ReportQueries.waitingCursor(db)
                while let r = try cursor.next() {
                    let state = r.state
                    try emit([.int(r.id), .text(state), .text(r.origin), .text(r.createdAt),
                              seconds(r.createdAt).map { .int(Int((now - $0) / 3600)) } ?? .empty, .int(r.attempts),
                              state == "queued" || state == "deferred" ? .text(r.nextAttemptAt) : .empty,
                              .text(r.to), .text(r.note)])
                }
            }, htmlLimit: options.topRows, emptyText: "The outbox is empty: nothing waits.")))
        return doc
    }
}
