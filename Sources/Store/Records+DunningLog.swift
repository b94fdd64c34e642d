import Foundation
import GRDB
import Ledger

/// One message (or worklist item) the dunning run wrote, as `relance dunning log` shows it.
package struct DunningLogEntry: Sendable, Equatable {
    /// One item of the message: listed on the statement; `demanded` when the message asked for it.
    package struct Item: Sendable, Equatable {
        package var invoiceNumber: String
        package var due: Day?
        package var open: Money
        package var demanded: Bool
    }

    package var eventID: Int64
    package var day: Day?
    package var debtorKey: String
    package var step: String
    /// 0-based position of the step in its ladder.
    package var stepIndex: Int
    package var channels: [String]
    /// `queued`, `sent`, `held`, `cancelled`, `bounced` or `worklist`.
    package var status: String
    package var demanded: Money
    package var deadline: Day?
    package var interest: Money
    package var fees: Money
    package var items: [Item]
}

/// The dunning messages written, with their items (owner of the tables: Dunning; read here as a
/// named query for the CLI and the reports).
package enum DunningLog {
    /// Every event of the filters, oldest first, with its items.
    package static func entries(_ db: Database, debtorKey: String? = nil, from: Day? = nil, to: Day? = nil) throws -> [DunningLogEntry] {
        var filters: [String] = []
        var args: [(any DatabaseValueConvertible)?] = []
        if let debtorKey { filters.append("d.debtor_key = ?"); args.append(debtorKey) }
        if let from { filters.append("e.as_of >= ?"); args.append(from.description) }
        if let to { filters.append("e.as_of <= ?"); args.append(to.description) }
        let whereClause = filters.isEmpty ? "" : "WHERE " + filters.joined(separator: " AND ")
        var entries: [DunningLogEntry] = []
        var byID: [Int64: Int] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT e.id, e.as_of, d.debtor_key, e.step, e.step_index, e.channels, e.status, m.state,
              COALESCE(e.demanded_minor, e.balance_minor), e.pay_by, e.interest_minor, e.fees_minor, e.currency
            FROM dunning_event e JOIN debtor d ON d.id = e.debtor_id LEFT JOIN outbox_message m ON m.id = e.outbox_message_id
            \(whereClause) ORDER BY e.as_of, d.debtor_key, e.id
            """, arguments: StatementArguments(args)) {
            let currency = Currency(stored: r[12] as String)
            let status = Self.status(event: r[6], message: r[7])
            byID[r[0]] = entries.count
            entries.append(DunningLogEntry(
                eventID: r[0], day: Day(iso: r[1] as String), debtorKey: r[2], step: r[3], stepIndex: r[4],
                channels: (r[5] as String).split(separator: "+").map(String.init), status: status,
                demanded: Money(minorUnits: r[8] ?? 0, currency: currency), deadline: (r[9] as String?).flatMap { Day(iso: $0) },
                interest: Money(minorUnits: r[10], currency: currency), fees: Money(minorUnits: r[11], currency: currency), items: []))
        }
        guard !entries.isEmpty else { return entries }
        let first = entries.map(\.eventID).min() ?? 0
        let last = entries.map(\.eventID).max() ?? 0
        for r in try Row.fetchAll(db, sql: """
            SELECT t.event_id, i.invoice_number, i.due_date, t.open_minor, t.advanced, i.currency
            FROM dunning_event_item t JOIN invoice i ON i.id = t.invoice_id
            WHERE t.event_id BETWEEN ? AND ? ORDER BY t.event_id, i.due_date, i.invoice_number
            """, arguments: [first, last]) {
            guard let n = byID[r[0]] else { continue }
            entries[n].items.append(.init(invoiceNumber: r[1], due: Day(iso: r[2] as String),
                                          open: Money(minorUnits: r[3], currency: Currency(stored: r[5] as String)), demanded: r[4]))
        }
        return entries
    }

    /// The message's status from the event's and its e-mail's: an e-mail's outcome wins; a letter
    /// counts as sent once written.
    static func status(event: String, message: String?) -> String {
        switch (event, message) {
        case ("worklist", _), ("cancelled", _), ("held", _): return event
        case (_, "sent"?): return "sent"
        case (_, "bounced"?): return "bounced"
        case (_, "cancelled"?): return "cancelled"
        case (_, "hold"?): return "held"
        case (_, nil): return "sent"
        default: return "queued"
        }
    }
}

/// Holding a night's messages (the anomaly gate) and releasing them by hand: the events become
/// `held`, their e-mails `hold`; only `relance dunning release DAY` brings them back (owner: Dunning).
package enum DunningHolds {
    /// Holds every message written on `day` (not worklist items); returns how many.
    @discardableResult
    package static func hold(_ db: Database, day: Day, reason: String, at now: Date) throws -> Int {
        let ids = try events(db, day: day, status: .queued)
        let t = Instant.string(now)
        // The night's reason is stored once (migration 0030a), not in every event and outbox event.
        let reasonID = try StoredText.id(db, table: "dunning_held_reason", column: "reason", reason)
        for r in ids {
            try db.execute(sql: "UPDATE dunning_event SET status = ?, held_reason = NULL, held_reason_id = ? WHERE id = ?",
                           arguments: [DunningEventStatus.held, reasonID, r.id])
            if let message = r.message { try move(db, message: message, from: ["queued", "deferred"], to: "hold", detail: reason, at: t) }
        }
        return ids.count
    }

    /// Releases the messages held on `day`; returns how many.
    @discardableResult
    package static func release(_ db: Database, day: Day, by actor: String, at now: Date) throws -> Int {
        let ids = try events(db, day: day, status: .held)
        let t = Instant.string(now)
        for r in ids {
            try db.execute(sql: "UPDATE dunning_event SET status = ? WHERE id = ?", arguments: [DunningEventStatus.queued, r.id])
            if let message = r.message { try move(db, message: message, from: ["hold"], to: "queued", detail: "released by \(actor)", at: t) }
        }
        return ids.count
    }

    /// The events written on `day` with `status`: id and outbox message (nil when the event has none).
    private static func events(_ db: Database, day: Day, status: DunningEventStatus) throws -> [(id: Int64, message: Int64?)] {
        try Row.fetchAll(db, sql: "SELECT id, outbox_message_id FROM dunning_event WHERE as_of = ? AND status = ?",
                         arguments: [day.description, status]).map { ($0[0], $0[1]) }
    }

    /// The days with held messages, and how many each.
    package static func heldDays(_ db: Database) throws -> [(day: String, messages: Int, reason: String)] {
        try Row.fetchAll(db, sql: """
            SELECT as_of, COUNT(*), MAX(\(DunningEventRecord.heldReasonSQL)) FROM dunning_event WHERE status = 'held' GROUP BY as_of ORDER BY as_of
            """).map { ($0[0], $0[1], $0[2] ?? "") }
    }

    static func move(_ db: Database, message: Int64, from: [String], to: String, detail: String, at t: String) throws {
        guard let state = try String.fetchOne(db, sql: "SELECT state FROM outbox_message WHERE id = ?", arguments: [message]),
              from.contains(state) else { return }
        try db.execute(sql: "UPDATE outbox_message SET state = ?, updated_at = ? WHERE id = ?", arguments: [to, t, message])
        try OutboxEventRecord.append(db, message: message, at: t, from: state, to: to, actor: "dunning", detail: detail, shared: true)
    }
}
