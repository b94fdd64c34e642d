import GRDB
import Ledger

/// What the dunning run decided last night and this month, per step and channel, with the
/// amounts claimed; and what kept debtors out of it, as far as the ledger records it.
enum DunningReport {
    /// `["email","letter"]`, `email,letter` or `email letter` as `email + letter`.
    static func channels(_ raw: String) -> String {
        let parts = raw.split(whereSeparator: { ",; []\"+".contains($0) }).map(String.init)
        return parts.isEmpty ? raw : parts.joined(separator: " + ")
    }

    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(
            kind: .dunning, title: "Dunning activity", asOf: asOf,
            subtitle: "reminders decided last night and this month, per step and channel")
        let monthStart = Day(year: asOf.year, month: asOf.month, day: 1) ?? asOf
        let day = asOf.description, month = monthStart.description
        let totals = try Row.fetchAll(db, sql: """
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
            """, arguments: [day, month])
        for r in totals {
            let code: String = r[0]
            let currency = Currency(code: code) ?? .eur
            let suffix = totals.count > 1 ? " (\(code))" : ""
            doc.blocks.append(.figures(id: "figures_\(code.lowercased())", [
                Figure(key: "reminders_last_night", label: "Reminders last night" + suffix, value: .int(r[1])),
                Figure(key: "claimed_last_night", label: "Claimed last night" + suffix, value: .money(r[2], currency)),
                Figure(key: "worklist_last_night", label: "To call (worklist)" + suffix, value: .int(r[3])),
                Figure(key: "reminders_this_month", label: "Reminders this month" + suffix, value: .int(r[4])),
                Figure(key: "claimed_this_month", label: "Claimed this month (latest demand per debtor)" + suffix, value: .money(r[5], currency)),
                Figure(key: "interest_and_fees_this_month", label: "Interest and fees in those demands" + suffix, value: .money(r[6], currency)),
            ]))
        }
        if totals.isEmpty {
            doc.blocks.append(.note("The dunning run decided no reminders between \(month) and \(day)."))
        }
        let columns = [Column("period", "Period"), Column("ladder", "Ladder"), Column("step", "Step"),
                       Column("channels", "Channels"), Column("status", "Status"), Column("currency", "Cur."),
                       Column("reminders", "Reminders", numeric: true), Column("balance", "Balance", numeric: true),
                       Column("interest", "Interest", numeric: true), Column("fees", "Fees", numeric: true),
                       Column("claimed", "Claimed", numeric: true)]
        var stepRows: [[Cell]] = []
        for (period, from) in [("last night", day), ("this month", month)] {
            let rows = try Row.fetchAll(db, sql: """
                SELECT ladder, step_index, step, channels, status, currency, COUNT(*), SUM(balance_minor), SUM(interest_minor),
                  SUM(fees_minor), SUM(total_minor)
                FROM dunning_event WHERE as_of >= ? AND as_of <= ?
                GROUP BY ladder, step_index, step, channels, status, currency
                ORDER BY ladder, step_index, channels, status, currency
                """, arguments: [from, day])
            for r in rows {
                let currency = Currency(code: r[5] as String) ?? .eur
                stepRows.append([.text(period), .text(r[0] as String), .text("\(r[1] as Int). \(r[2] as String)"),
                                 .text(channels(r[3])), .text(r[4] as String), .text(r[5] as String), .int(r[6]),
                                 .money(r[7], currency), .money(r[8], currency), .money(r[9], currency), .money(r[10], currency)])
            }
        }
        doc.blocks.append(.heading("Per step and channel"))
        doc.blocks.append(.table(Table(
            id: "steps", title: "Reminders per step and channel", columns: columns, rows: stepRows,
            emptyText: "No reminders this month.",
            caption: "Status: queued = sent or being sent (see the outbox report); worklist = a person acts; held; cancelled (a payment or correction arrived before it left).")))
        try exclusions(db, asOf: asOf, monthStart: monthStart, into: &doc)
        let listSQL = """
            SELECT d.debtor_key, d.name, e.ladder, e.step_index, e.step, e.channels, e.status, e.currency,
              (SELECT COUNT(*) FROM dunning_event_item it WHERE it.event_id = e.id), e.total_minor
            FROM dunning_event e JOIN debtor d ON d.id = e.debtor_id
            WHERE e.as_of = ? ORDER BY e.total_minor DESC, d.debtor_key
            """
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event WHERE as_of = ?", arguments: [day]) ?? 0
        doc.blocks.append(.heading("Last night's reminders"))
        doc.blocks.append(.table(Table(
            id: "reminders", title: "Reminders decided on \(day) (\(count)), largest first",
            columns: [Column("debtor", "Debtor"), Column("name", "Name", layout: .name), Column("ladder", "Ladder"), Column("step", "Step"),
                      Column("channels", "Channels"), Column("status", "Status"), Column("currency", "Cur."),
                      Column("invoices", "Invoices", numeric: true), Column("claimed", "Claimed", numeric: true)],
            stream: { emit in
                let cursor = try Row.fetchCursor(db, sql: listSQL, arguments: [day])
                while let r = try cursor.next() {
                    let currency = Currency(code: r[7] as String) ?? .eur
                    try emit([.text(r[0] as String), .text(r[1] as String), .text(r[2] as String),
                              .text("\(r[3] as Int). \(r[4] as String)"), .text(channels(r[5])), .text(r[6] as String),
                              .text(r[7] as String), .int(r[8]), .money(r[9], currency)])
                }
            }, htmlLimit: options.topRows, emptyText: "No reminders were decided on \(day).")))
        return doc
    }

    /// What the dunning run of the day left out, by reason, as it stored it (`dunning_exclusion`);
    /// for a day without a run, what the ledger itself marks as not to be reminded. Then the
    /// reminders held or cancelled this month.
    static func exclusions(_ db: Database, asOf: Day, monthStart: Day, into doc: inout ReportDocument) throws {
        let day = asOf.description
        var rows: [[Cell]] = []
        let stored = try Row.fetchAll(db, sql: """
            SELECT reason, level, currency, debtors, items, amount_minor FROM dunning_exclusion WHERE as_of = ?
            ORDER BY level, amount_minor DESC, reason, currency
            """, arguments: [day])
        let caption: String
        if stored.isEmpty {
            rows = try ledgerExclusions(db, day: day)
            caption = "No dunning run on \(day): these are the debtors and invoices the ledger marks as not to be reminded, among "
                + "those with an overdue open invoice. `relance dunning plan --as-of \(day)` lists every exclusion with its reason."
        } else {
            for r in stored {
                let currency = Currency(code: r[2] as String) ?? .eur
                let level: String = r[1]
                rows.append([.text(r[0] as String), .text(level == "debtor" ? "whole debtor" : "single invoices"), .text(r[2] as String),
                             .int(r[3]), .int(r[4]), .money(r[5], currency)])
            }
            caption = "As the dunning run of \(day) decided: overdue open invoices it left out. Whole debtor: nothing was sent to "
                + "the debtor; single invoices: the debtor was reminded of its other invoices. `relance dunning plan --as-of \(day)` "
                + "names each debtor."
        }
        for r in try Row.fetchAll(db, sql: """
            SELECT status, currency, COUNT(DISTINCT debtor_id), COUNT(*), SUM(total_minor) FROM dunning_event
            WHERE as_of >= ? AND as_of <= ? AND status IN ('held', 'cancelled') GROUP BY status, currency ORDER BY status, currency
            """, arguments: [monthStart.description, day]) {
            let currency = Currency(code: r[1] as String) ?? .eur
            rows.append([.text("reminder \(r[0] as String) this month"), .text("reminder"), .text(r[1] as String), .int(r[2]), .int(r[3]),
                         .money(r[4], currency)])
        }
        doc.blocks.append(.heading("Exclusions"))
        doc.blocks.append(.table(Table(
            id: "exclusions", title: "Left out of reminders, by reason",
            columns: [Column("reason", "Reason"), Column("level", "Left out"), Column("currency", "Cur."),
                      Column("debtors", "Debtors", numeric: true), Column("items", "Items", numeric: true),
                      Column("amount", "Overdue / claimed", numeric: true)],
            rows: rows, emptyText: "Nothing kept an overdue debtor out of the reminders.", caption: caption)))
    }

    /// Without a stored run: debtors and invoices the ledger itself marks as not to be reminded,
    /// among those with an overdue open invoice on the day.
    static func ledgerExclusions(_ db: Database, day: String) throws -> [[Cell]] {
        let overdue = "i.status = 'open' AND i.type = 'invoice' AND i.open_minor > 0 AND i.due_date < ?1"
        let queries: [(String, String, String)] = [
            ("debtor on hold", "whole debtor", """
                SELECT i.currency, COUNT(DISTINCT i.debtor_id), COUNT(*), SUM(i.open_minor) FROM invoice i
                JOIN debtor d ON d.id = i.debtor_id WHERE \(overdue) AND d.on_hold = 1 GROUP BY i.currency
                """),
            ("pays by direct debit", "whole debtor", """
                SELECT i.currency, COUNT(DISTINCT i.debtor_id), COUNT(*), SUM(i.open_minor) FROM invoice i
                JOIN debtor d ON d.id = i.debtor_id WHERE \(overdue) AND d.direct_debit = 1 AND d.on_hold = 0 GROUP BY i.currency
                """),
            ("promise to pay not yet due", "whole debtor", """
                SELECT i.currency, COUNT(DISTINCT i.debtor_id), COUNT(*), SUM(i.open_minor) FROM invoice i
                WHERE \(overdue) AND EXISTS (SELECT 1 FROM promise_to_pay p WHERE p.debtor_id = i.debtor_id AND p.until >= ?1)
                GROUP BY i.currency
                """),
            ("invoice disputed", "single invoices", """
                SELECT i.currency, COUNT(DISTINCT i.debtor_id), COUNT(*), SUM(i.open_minor) FROM invoice i
                WHERE \(overdue) AND i.disputed = 1 GROUP BY i.currency
                """),
            ("invoice on hold", "single invoices", """
                SELECT i.currency, COUNT(DISTINCT i.debtor_id), COUNT(*), SUM(i.open_minor) FROM invoice i
                WHERE \(overdue) AND i.on_hold = 1 AND i.disputed = 0 GROUP BY i.currency
                """),
        ]
        var rows: [[Cell]] = []
        for (reason, level, sql) in queries {
            for r in try Row.fetchAll(db, sql: sql, arguments: [day]) {
                let currency = Currency(code: r[0] as String) ?? .eur
                rows.append([.text(reason), .text(level), .text(r[0] as String), .int(r[1]), .int(r[2]), .money(r[3], currency)])
            }
        }
        return rows
    }
}
