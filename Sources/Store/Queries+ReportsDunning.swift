import GRDB
import Ledger

/// The dunning report's headline figures in one currency: last night and the month so far.
package struct DunningPeriodTotals: FetchableRecord, Sendable {
    /// ISO currency code.
    package var currency: String
    /// Reminders queued on the day.
    package var remindersOnDay: Int
    /// What they claimed, minor units.
    package var claimedOnDay: Int64
    /// Debtors handed over to a person (worklist step) on the day.
    package var worklistOnDay: Int
    /// Reminders queued in the month so far.
    package var remindersInMonth: Int
    /// Claimed in the month, each euro once: the latest queued demand per debtor, minor units.
    package var claimedInMonth: Int64
    /// Interest and fees in those latest demands, minor units.
    package var chargesInMonth: Int64

    /// Decodes the columns of `ReportQueries.dunningTotals`.
    package init(row: Row) throws {
        currency = row[0]
        remindersOnDay = row[1]
        claimedOnDay = row[2]
        worklistOnDay = row[3]
        remindersInMonth = row[4]
        claimedInMonth = row[5]
        chargesInMonth = row[6]
    }
}

/// Reminders of a period per ladder, step, channels, status and currency, with their amounts.
package struct DunningStepTotals: FetchableRecord, Sendable {
    /// The ladder's name.
    package var ladder: String
    /// The step's position on the ladder.
    package var stepIndex: Int
    /// The step's name.
    package var step: String
    /// The channels as stored (`["email","letter"]`).
    package var channels: String
    /// `dunning_event.status`.
    package var status: String
    /// ISO currency code.
    package var currency: String
    /// Reminders.
    package var reminders: Int
    /// Balance, interest, fees and claimed total, minor units.
    package var balance: Int64, interest: Int64, fees: Int64, total: Int64

    /// Decodes `ladder, step_index, step, channels, status, currency, count, balance, interest, fees, total`.
    package init(row: Row) throws {
        ladder = row[0]
        stepIndex = row[1]
        step = row[2]
        channels = row[3]
        status = row[4]
        currency = row[5]
        reminders = row[6]
        balance = row[7]
        interest = row[8]
        fees = row[9]
        total = row[10]
    }
}

/// One reminder decided on a day, with its debtor.
package struct DunningReminderLine: FetchableRecord, Sendable {
    /// `debtor.debtor_key` and name.
    package var debtorKey: String, name: String
    /// Ladder, step position and step name.
    package var ladder: String, stepIndex: Int, step: String
    /// Channels as stored, status, ISO currency code.
    package var channels: String, status: String, currency: String
    /// Invoices the reminder covers.
    package var invoices: Int
    /// Claimed, minor units.
    package var total: Int64

    /// Decodes the columns of `ReportQueries.remindersCursor`.
    package init(row: Row) throws {
        debtorKey = row[0]
        name = row[1]
        ladder = row[2]
        stepIndex = row[3]
        step = row[4]
        channels = row[5]
        status = row[6]
        currency = row[7]
        invoices = row[8]
        total = row[9]
    }
}

/// One row of `dunning_exclusion`: what a dunning run left out for one reason, level and currency.
package struct DunningExclusionTotals: FetchableRecord, Sendable {
    /// The reason in words, as the run stored it.
    package var reason: String
    /// `debtor` (whole debtor) or `invoice` (single invoices).
    package var level: String
    /// ISO currency code.
    package var currency: String
    /// Debtors and items left out.
    package var debtors: Int, items: Int
    /// Amount left out, minor units.
    package var amount: Int64

    /// Decodes `reason, level, currency, debtors, items, amount`.
    package init(row: Row) throws {
        reason = row[0]
        level = row[1]
        currency = row[2]
        debtors = row[3]
        items = row[4]
        amount = row[5]
    }
}

/// Overdue open invoices the ledger itself keeps out of the reminders, in one currency.
package struct LedgerExclusionTotals: FetchableRecord, Sendable {
    /// ISO currency code.
    package var currency: String
    /// Debtors and invoices.
    package var debtors: Int, items: Int
    /// Open amount, minor units.
    package var amount: Int64

    /// Decodes `currency, debtors, items, amount`.
    package init(row: Row) throws {
        currency = row[0]
        debtors = row[1]
        items = row[2]
        amount = row[3]
    }
}

/// Why the ledger itself keeps an overdue invoice out of the reminders (when no run stored its own).
package enum LedgerExclusionKind: String, CaseIterable, Sendable {
    /// The debtor is on hold.
    case debtorOnHold
    /// The debtor pays by direct debit (and is not on hold).
    case directDebit
    /// The debtor has a promise to pay not yet due.
    case promiseNotDue
    /// The invoice is disputed.
    case invoiceDisputed
    /// The invoice is on hold (and not disputed).
    case invoiceOnHold
}

/// Held or cancelled reminders of a period in one currency.
package struct DunningHeldOrCancelled: FetchableRecord, Sendable {
    /// `held` or `cancelled`.
    package var status: String
    /// ISO currency code.
    package var currency: String
    /// Debtors and reminders.
    package var debtors: Int, reminders: Int
    /// Claimed, minor units.
    package var total: Int64

    /// Decodes `status, currency, debtors, count, total`.
    package init(row: Row) throws {
        status = row[0]
        currency = row[1]
        debtors = row[2]
        reminders = row[3]
        total = row[4]
    }
}

extension ReportQueries {
    /// Per currency with reminders in [`monthStart`, `day`]: the day's and the month's figures.
    package static func dunningTotals(_ db: Database, day: Day, monthStart: Day) throws -> [DunningPeriodTotals] {
        try DunningPeriodTotals.fetchAll(db, sql: """
            SELECT e.currency,
              SUM(as_of = ?1 AND status = 'queued'), SUM(CASE WHEN as_of = ?1 AND status = 'queued' THEN total_minor ELSE 0 END),
              SUM(as_of = ?1 AND status = 'worklist'),
              SUM(status = 'queued'), COALESCE(c.claimed, 0), COALESCE(c.charges, 0)
            FROM dunning_event e LEFT JOIN (
              -- Each euro once: a debtor's latest message of the month demands what is still open of the earlier ones.
              SELECT x.currency AS cur, SUM(x.total_minor) AS claimed, SUM(x.interest_minor + x.fees_minor) AS charges
              FROM dunning_event x JOIN (
                SELECT MAX(id) AS id FROM dunning_event WHERE as_of >= ?2 AND as_of <= ?1 AND status = 'queued' GROUP BY debtor_id, currency
              ) latest ON latest.id = x.id GROUP BY x.currency
            ) c ON c.cur = e.currency
            WHERE e.as_of >= ?2 AND e.as_of <= ?1 GROUP BY e.currency ORDER BY e.currency
            """, arguments: [day.description, monthStart.description])
    }

    /// Reminders with an as-of day in [`from`, `through`] per ladder, step, channels, status and currency.
    package static func dunningSteps(_ db: Database, from: Day, through: Day) throws -> [DunningStepTotals] {
        try DunningStepTotals.fetchAll(db, sql: """
            SELECT ladder, step_index, step, channels, status, currency, COUNT(*), SUM(balance_minor), SUM(interest_minor),
              SUM(fees_minor), SUM(total_minor)
            FROM dunning_event WHERE as_of >= ? AND as_of <= ?
            GROUP BY ladder, step_index, step, channels, status, currency
            ORDER BY ladder, step_index, channels, status, currency
            """, arguments: [from.description, through.description])
    }

    /// How many reminders were decided on `day`.
    package static func reminderCount(_ db: Database, day: Day) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event WHERE as_of = ?", arguments: [day.description]) ?? 0
    }

    /// The reminders decided on `day`, largest claim first, streamed.
    package static func remindersCursor(_ db: Database, day: Day) throws -> RecordCursor<DunningReminderLine> {
        try DunningReminderLine.fetchCursor(db, sql: """
            SELECT d.debtor_key, d.name, e.ladder, e.step_index, e.step, e.channels, e.status, e.currency,
              (SELECT COUNT(*) FROM dunning_event_item it WHERE it.event_id = e.id), e.total_minor
            FROM dunning_event e JOIN debtor d ON d.id = e.debtor_id
            WHERE e.as_of = ? ORDER BY e.total_minor DESC, d.debtor_key
            """, arguments: [day.description])
    }

    /// What the dunning run of `day` left out, as it stored it (`dunning_exclusion`).
    package static func storedExclusions(_ db: Database, day: Day) throws -> [DunningExclusionTotals] {
        try DunningExclusionTotals.fetchAll(db, sql: """
            SELECT reason, level, currency, debtors, items, amount_minor FROM dunning_exclusion WHERE as_of = ?
            ORDER BY level, amount_minor DESC, reason, currency
            """, arguments: [day.description])
    }

    /// Reminders held or cancelled with an as-of day in [`from`, `through`], per status and currency.
    package static func heldOrCancelled(_ db: Database, from: Day, through: Day) throws -> [DunningHeldOrCancelled] {
        try DunningHeldOrCancelled.fetchAll(db, sql: """
            SELECT status, currency, COUNT(DISTINCT debtor_id), COUNT(*), SUM(total_minor) FROM dunning_event
            WHERE as_of >= ? AND as_of <= ? AND status IN ('held', 'cancelled') GROUP BY status, currency ORDER BY status, currency
            """, arguments: [from.description, through.description])
    }

    /// Among the open invoices overdue on `day`: per currency, the debtors, items and amount the
    /// ledger marks as `kind` (one aggregate over the `invoice_open` index).
    package static func ledgerExclusions(_ db: Database, kind: LedgerExclusionKind, day: Day) throws -> [LedgerExclusionTotals] {
        // What marks an overdue invoice `i` as `kind`, with the debtor `d` joined when that is where the mark is.
        let debtor = "JOIN debtor d ON d.id = i.debtor_id"
        let (join, marked): (String, String)
        switch kind {
        case .debtorOnHold: (join, marked) = (debtor, "d.on_hold = 1")
        case .directDebit: (join, marked) = (debtor, "d.direct_debit = 1 AND d.on_hold = 0")
        case .promiseNotDue: (join, marked) = ("", "EXISTS (SELECT 1 FROM promise_to_pay p WHERE p.debtor_id = i.debtor_id AND p.until >= ?1)")
        case .invoiceDisputed: (join, marked) = ("", "i.disputed = 1")
        case .invoiceOnHold: (join, marked) = ("", "i.on_hold = 1 AND i.disputed = 0")
        }
        return try LedgerExclusionTotals.fetchAll(db, sql: """
            SELECT i.currency, COUNT(DISTINCT i.debtor_id), COUNT(*), SUM(i.open_minor) FROM invoice i \(join)
            WHERE i.status = 'open' AND i.type = 'invoice' AND i.open_minor > 0 AND i.due_date < ?1 AND \(marked) GROUP BY i.currency
            """, arguments: [day.description])
    }
}
