import GRDB
import Ledger

/// One row of `report_snapshot`: a day's aging buckets, open balance, DSO and cash-in in one currency.
package struct ReportSnapshotRow: FetchableRecord, Sendable {
    /// `YYYY-MM-DD`.
    package var day: String
    /// ISO currency code.
    package var currency: String
    /// Open amount per age bucket (not due, 1–30, 31–60, 61–90, > 90 days), minor units.
    package var buckets: [Int64]
    /// Open balance, minor units.
    package var open: Int64
    /// DSO in days, rounded by Reports (`41.3`); nil when there were no sales.
    package var dso: String?
    /// Payments received that day, minor units.
    package var collected: Int64

    /// A snapshot row to record.
    package init(day: String, currency: String, buckets: [Int64], open: Int64, dso: String?, collected: Int64) {
        self.day = day
        self.currency = currency
        self.buckets = buckets
        self.open = open
        self.dso = dso
        self.collected = collected
    }

    /// Decodes `day, currency`, the five buckets, `open_minor, dso, collected_minor`.
    package init(row: Row) throws {
        day = row[0]
        currency = row[1]
        buckets = (2...6).map { row[$0] as Int64 }
        open = row[7]
        dso = row[8]
        collected = row[9]
    }
}

/// Last night's payments in one currency: received, matched to invoices, invoices they closed.
package struct NightPayments: FetchableRecord, Sendable {
    /// ISO currency code.
    package var currency: String
    /// Payments received, minor units.
    package var received: Int64?
    /// Payments received, count.
    package var receivedCount: Int?
    /// Applied to invoices by last night's imports, minor units.
    package var matched: Int64?
    /// Invoices now closed that last night's allocations touched.
    package var invoicesClosed: Int?

    /// Decodes `currency, received, count, matched, closed`.
    package init(row: Row) throws {
        currency = row[0]
        received = row[1]
        receivedCount = row[2]
        matched = row[3]
        invoicesClosed = row[4]
    }
}

/// Messages of one night per step, channels, status and currency.
package struct NightMessages: FetchableRecord, Sendable {
    /// The ladder step's name.
    package var step: String
    /// The channels as stored.
    package var channels: String
    /// `dunning_event.status`.
    package var status: String
    /// ISO currency code.
    package var currency: String
    /// Messages.
    package var messages: Int
    /// Amount demanded, minor units.
    package var demanded: Int64

    /// Decodes `step, channels, status, currency, count, demanded`.
    package init(row: Row) throws {
        step = row[0]
        channels = row[1]
        status = row[2]
        currency = row[3]
        messages = row[4]
        demanded = row[5]
    }
}

/// Messages sent (queued or held) in a window per ladder step and currency, and the amount they demanded.
package struct StepDemand: FetchableRecord, Sendable {
    /// The ladder step's name.
    package var step: String
    /// ISO currency code.
    package var currency: String
    /// The step's position on its ladder (the lowest, when ladders differ).
    package var stepIndex: Int
    /// Messages.
    package var messages: Int
    /// Amount demanded, minor units.
    package var demanded: Int64?

    /// Decodes `step, currency, MIN(step_index), count, demanded`.
    package init(row: Row) throws {
        step = row[0]
        currency = row[1]
        stepIndex = row[2]
        messages = row[3]
        demanded = row[4]
    }
}

/// Payments applied to a step's messages' invoices within 30 days of each message.
package struct StepCollected: FetchableRecord, Sendable {
    /// The ladder step's name.
    package var step: String
    /// ISO currency code.
    package var currency: String
    /// Collected, minor units.
    package var collected: Int64?

    /// Decodes `step, currency, collected`.
    package init(row: Row) throws {
        step = row[0]
        currency = row[1]
        collected = row[2]
    }
}

extension ReportQueries {
    /// Payments received per currency on `day` (by payment date).
    package static func collectedByCurrency(_ db: Database, on day: Day) throws -> [String: Int64] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT currency, SUM(amount_minor) FROM payment WHERE payment_date = ? GROUP BY currency
            """, arguments: [day.description])
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, ($0[1] as Int64?) ?? 0) })
    }

    /// Removes the snapshot of `day` (both tables), before it is recorded again.
    package static func deleteSnapshot(_ db: Database, day: Day) throws {
        try db.execute(sql: "DELETE FROM report_snapshot WHERE day = ?", arguments: [day.description])
        try db.execute(sql: "DELETE FROM report_snapshot_step WHERE day = ?", arguments: [day.description])
    }

    /// Inserts one `report_snapshot` row (Reports owns the table).
    package static func insertSnapshot(_ db: Database, _ row: ReportSnapshotRow) throws {
        let b = row.buckets
        try db.execute(sql: """
            INSERT INTO report_snapshot (day, currency, not_due_minor, days_1_30_minor, days_31_60_minor, days_61_90_minor,
              days_over_90_minor, open_minor, dso, collected_minor) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [row.day, row.currency, b[0], b[1], b[2], b[3], b[4], row.open, row.dso, row.collected])
    }

    /// Records the messages and amounts demanded per ladder step and currency of `day`'s queued
    /// and held reminders in `report_snapshot_step`, in one statement.
    package static func insertSnapshotSteps(_ db: Database, day: Day) throws {
        try db.execute(sql: """
            INSERT INTO report_snapshot_step (day, currency, step, messages, demanded_minor)
            SELECT as_of, currency, step, COUNT(*), SUM(COALESCE(demanded_minor, total_minor)) FROM dunning_event
            WHERE as_of = ? AND status IN ('queued', 'held') GROUP BY currency, step
            """, arguments: [day.description])
    }

    /// The payments the imports of `day` brought, per currency: received, matched, invoices closed.
    package static func nightPayments(_ db: Database, day: Day) throws -> [NightPayments] {
        let batches = "SELECT id FROM ingest_batch WHERE as_of = ?1"
        return try NightPayments.fetchAll(db, sql: """
            SELECT c, SUM(received), SUM(received_n), SUM(matched), SUM(closed) FROM (
              SELECT currency AS c, SUM(amount_minor) AS received, COUNT(*) AS received_n, 0 AS matched, 0 AS closed
                FROM payment WHERE created_batch_id IN (\(batches)) GROUP BY currency
              UNION ALL
              SELECT p.currency, 0, 0, SUM(a.amount_minor), 0 FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                WHERE a.batch_id IN (\(batches)) GROUP BY p.currency
              UNION ALL
              SELECT i.currency, 0, 0, 0, COUNT(DISTINCT i.id) FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
                WHERE a.batch_id IN (\(batches)) AND i.status = 'closed' GROUP BY i.currency)
            GROUP BY c ORDER BY c
            """, arguments: [day.description])
    }

    /// Invoices the ERP exports of `day` closed by leaving them out (snapshot imports).
    package static func closedBySnapshot(_ db: Database, day: Day) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT SUM(closed_by_snapshot) FROM ingest_batch WHERE as_of = ?", arguments: [day.description]) ?? 0
    }

    /// `day`'s reminders (cancelled ones left out) per step, channels, status and currency.
    package static func nightMessages(_ db: Database, day: Day) throws -> [NightMessages] {
        try NightMessages.fetchAll(db, sql: """
            SELECT step, channels, status, currency, COUNT(*), SUM(COALESCE(demanded_minor, total_minor)) FROM dunning_event
            WHERE as_of = ? AND status <> 'cancelled' GROUP BY step_index, step, channels, status, currency
            ORDER BY step_index, channels, status, currency
            """, arguments: [day.description])
    }

    /// The snapshots with a day in (`after`, `through`], by currency and day.
    package static func snapshots(_ db: Database, after: Day, through: Day) throws -> [ReportSnapshotRow] {
        try ReportSnapshotRow.fetchAll(db, sql: """
            SELECT day, currency, not_due_minor, days_1_30_minor, days_31_60_minor, days_61_90_minor, days_over_90_minor,
              open_minor, dso, collected_minor
            FROM report_snapshot WHERE day > ? AND day <= ? ORDER BY currency, day
            """, arguments: [after.description, through.description])
    }

    /// Queued and held reminders with an as-of day in (`after`, `through`] per step and currency,
    /// in ladder order.
    package static func stepDemands(_ db: Database, after: Day, through: Day) throws -> [StepDemand] {
        try StepDemand.fetchAll(db, sql: """
            SELECT step, currency, MIN(step_index), COUNT(*), SUM(COALESCE(demanded_minor, total_minor)) FROM dunning_event
            WHERE as_of <= ?1 AND as_of > ?2 AND status IN ('queued', 'held') GROUP BY step, currency ORDER BY MIN(step_index), currency
            """, arguments: [through.description, after.description])
    }

    /// Per step and currency, the payments applied to the invoices of queued and held reminders
    /// with an as-of day in (`after`, `through`], paid within 30 days of the reminder.
    package static func stepCollected(_ db: Database, after: Day, through: Day) throws -> [StepCollected] {
        try StepCollected.fetchAll(db, sql: """
            SELECT e.step, e.currency, SUM(a.amount_minor) FROM dunning_event e
            JOIN dunning_event_item it ON it.event_id = e.id
            JOIN payment_allocation a ON a.invoice_id = it.invoice_id JOIN payment p ON p.id = a.payment_id
            WHERE e.as_of <= ?1 AND e.as_of > ?2 AND e.status IN ('queued', 'held')
              AND p.payment_date >= e.as_of AND p.payment_date < date(e.as_of, '+30 days')
            GROUP BY e.step, e.currency
            """, arguments: [through.description, after.description])
    }
}

/// One row of `report_snapshot`, one property per column (`ReportSnapshotRow` is the report's view).
package struct ReportSnapshotRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "report_snapshot"
    /// `YYYY-MM-DD`.
    package var day: String
    /// ISO currency code.
    package var currency: String
    /// Open amount not yet due, minor units.
    package var notDueMinor: Int64
    /// Open amount 1–30 days late, minor units.
    package var days1To30Minor: Int64
    /// Open amount 31–60 days late, minor units.
    package var days31To60Minor: Int64
    /// Open amount 61–90 days late, minor units.
    package var days61To90Minor: Int64
    /// Open amount more than 90 days late, minor units.
    package var daysOver90Minor: Int64
    /// Open balance, minor units.
    package var openMinor: Int64
    /// DSO in days as Reports rounded it; nil when there were no sales.
    package var dso: String?
    /// Payments received that day, minor units.
    package var collectedMinor: Int64

    /// Every column.
    package init(day: String, currency: String, notDueMinor: Int64, days1To30Minor: Int64, days31To60Minor: Int64, days61To90Minor: Int64, daysOver90Minor: Int64, openMinor: Int64, dso: String?, collectedMinor: Int64) {
        self.day = day
        self.currency = currency
        self.notDueMinor = notDueMinor
        self.days1To30Minor = days1To30Minor
        self.days31To60Minor = days31To60Minor
        self.days61To90Minor = days61To90Minor
        self.daysOver90Minor = daysOver90Minor
        self.openMinor = openMinor
        self.dso = dso
        self.collectedMinor = collectedMinor
    }

    enum CodingKeys: String, CodingKey {
        case day, currency, notDueMinor = "not_due_minor", days1To30Minor = "days_1_30_minor", days31To60Minor = "days_31_60_minor"
        case days61To90Minor = "days_61_90_minor", daysOver90Minor = "days_over_90_minor", openMinor = "open_minor", dso
        case collectedMinor = "collected_minor"
    }
}

/// One row of `report_snapshot_step`: a night's messages and amount demanded at one ladder step.
package struct ReportSnapshotStepRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "report_snapshot_step"
    /// `YYYY-MM-DD`.
    package var day: String
    /// ISO currency code.
    package var currency: String
    /// The ladder step's name.
    package var step: String
    /// Messages sent at that step.
    package var messages: Int
    /// Amount demanded, minor units.
    package var demandedMinor: Int64

    /// Every column.
    package init(day: String, currency: String, step: String, messages: Int, demandedMinor: Int64) {
        self.day = day
        self.currency = currency
        self.step = step
        self.messages = messages
        self.demandedMinor = demandedMinor
    }

    enum CodingKeys: String, CodingKey {
        case day, currency, step, messages, demandedMinor = "demanded_minor"
    }
}
