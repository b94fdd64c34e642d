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
        let counts = Dictionary(uniqueKeysWithValues: try Row.fetchAll(
            db, sql: "SELECT state, COUNT(*) FROM outbox_message GROUP BY state").map { ($0[0] as String, $0[1] as Int) })
        let since = asOf.adding(days: -29).description
        let bouncedRecent = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM outbox_message WHERE state = 'bounced' AND updated_at >= ?
            """, arguments: [since]) ?? 0
        let sentToday = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM outbox_message WHERE state = 'sent' AND sent_at >= ? AND sent_at < ?
            """, arguments: [asOf.description, asOf.adding(days: 1).description]) ?? 0
        let oldest = try String.fetchOne(db, sql: """
            SELECT MIN(created_at) FROM outbox_message WHERE state IN ('queued', 'active', 'deferred', 'hold')
            """)
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
        let deferred = try Row.fetchAll(db, sql: """
            SELECT COALESCE(last_error, '(no error recorded)'), COUNT(*), MIN(created_at), MAX(attempts)
            FROM outbox_message WHERE state = 'deferred' GROUP BY 1 ORDER BY 2 DESC, 1
            """)
        doc.blocks.append(.table(Table(
            id: "deferred_reasons", title: "Deferred, by last error",
            columns: [Column("reason", "Last error"), Column("messages", "Messages", numeric: true),
                      Column("oldest_age_hours", "Oldest, hours", numeric: true), Column("max_attempts", "Most attempts", numeric: true)],
            rows: deferred.map { r in
                [.text(r[0] as String), .int(r[1]), seconds(r[2]).map { .int(Int((now - $0) / 3600)) } ?? .empty, .int(r[3])]
            }, emptyText: "No message is deferred.")))
        let bounced = try Row.fetchAll(db, sql: """
            SELECT bounce_kind, bounce_reason, COUNT(*), MAX(updated_at) FROM outbox_message
            WHERE state = 'bounced' AND updated_at >= ? GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2
            """, arguments: [since])
        doc.blocks.append(.table(Table(
            id: "bounce_reasons", title: "Bounced in the last 30 days, by reason",
            columns: [Column("kind", "Kind"), Column("reason", "Reason"), Column("messages", "Messages", numeric: true),
                      Column("last", "Last")],
            rows: bounced.map { [.text($0[0] as String), .text($0[1] as String), .int($0[2]), .text($0[3] as String)] },
            emptyText: "Nothing bounced in the last 30 days.",
            caption: "remote: the server refused the message; expired: still undeliverable at the end of its lifetime; unbuildable: it could not be written.")))
        let listSQL = """
            SELECT m.id, m.state, m.origin, m.created_at, m.attempts, m.next_attempt_at,
              (SELECT address FROM outbox_recipient r WHERE r.message_id = m.id AND r.kind = 'to' ORDER BY position LIMIT 1),
              CASE m.state WHEN 'deferred' THEN m.last_error WHEN 'active' THEN 'being delivered by ' || m.lease_owner
                ELSE m.last_error END
            FROM outbox_message m WHERE m.state IN ('queued', 'active', 'deferred', 'hold') ORDER BY m.created_at, m.id
            """
        doc.blocks.append(.heading("Waiting messages"))
        doc.blocks.append(.table(Table(
            id: "waiting", title: "Waiting messages, oldest first (\(waiting))",
            columns: [Column("id", "Id", numeric: true), Column("state", "State"), Column("origin", "Origin"),
                      Column("created_at", "Queued at (UTC)"), Column("age_hours", "Age, hours", numeric: true),
                      Column("attempts", "Attempts", numeric: true), Column("next_attempt_at", "Next attempt (UTC)"),
                      Column("to", "To"), Column("note", "Last error")],
            stream: { emit in
                let cursor = try Row.fetchCursor(db, sql: listSQL)
                while let r = try cursor.next() {
                    let state: String = r[1]
                    try emit([.int(r[0]), .text(state), .text(r[2] as String), .text(r[3] as String),
                              seconds(r[3]).map { .int(Int((now - $0) / 3600)) } ?? .empty, .int(r[4]),
                              state == "queued" || state == "deferred" ? .text(r[5] as String) : .empty,
                              .text(r[6] as String?), .text(r[7] as String?)])
                }
            }, htmlLimit: options.topRows, emptyText: "The outbox is empty: nothing waits.")))
        return doc
    }
}
