import GRDB
import Ledger
import Store

/// One debtor's statement and timeline, as `relance debtor show` prints it: read only.
public struct DebtorStatement: Sendable {
    /// One titled table of the statement.
    public struct Section: Sendable {
        public var title: String
        public var columns: [String]
        public var rows: [[String]]
    }

    /// Key facts: key, name, kind, hold, direct debit, balance.
    public var facts: [(String, String)]
    /// Open items, not yet due, credit notes, unapplied payments, promises, disputes, notes,
    /// messages (Relance's and external), the journal.
    public var sections: [Section]

    /// Reads the statement of debtor `key` as of `asOf`; `nextStep` is the line the caller puts
    /// under "next step" (the planner's decision, or where to find it).
    public static func load(_ db: Database, debtor key: String, asOf: Day, nextStep: String) throws -> DebtorStatement {
        guard let d = try Row.fetchOne(db, sql: """
            SELECT id, name, kind, on_hold, hold_reason, hold_until, direct_debit, language FROM debtor WHERE debtor_key = ?
            """, arguments: [key]) else { throw ControlRefusal("debtor \(key) is not in the ledger") }
        let id: Int64 = d[0]
        func money(_ minor: Int64, _ cur: String) -> String { Money(minorUnits: minor, currency: Currency(code: cur) ?? .eur).decimalString }
        let items = try Row.fetchAll(db, sql: """
            SELECT i.invoice_number, i.type, i.issue_date, i.due_date, i.currency, i.amount_minor, i.open_minor, i.disputed,
              COALESCE(i.dispute_reason, ''), COALESCE(s.step, ''), COALESCE(s.last_reminder, '')
            FROM invoice i LEFT JOIN dunning_state s ON s.invoice_id = i.id
            WHERE i.debtor_id = ? AND i.status = 'open' ORDER BY i.due_date, i.id
            """, arguments: [id])
        var overdue: [[String]] = [], notDue: [[String]] = [], credits: [[String]] = [], disputes: [[String]] = []
        var balances: [String: Int64] = [:]
        for r in items {
            let cur: String = r[4]
            balances[cur, default: 0] += r[6] as Int64
            let due: String = r[3]
            if (r[1] as String) == "credit_note" {
                credits.append([r[0], r[2], money(r[5], cur), money(r[6], cur), cur])
                continue
            }
            if r[7] as Bool { disputes.append([r[0], money(r[6], cur), cur, r[8]]) }
            let late = Day(iso: due).map { max(0, asOf.days(since: $0)) } ?? 0
            if let dueDay = Day(iso: due), dueDay < asOf {
                overdue.append([r[0], r[2], due, String(late), money(r[5], cur), money(r[6], cur), cur, r[9], r[10], (r[7] as Bool) ? "yes" : ""])
            } else {
                notDue.append([r[0], r[2], due, money(r[5], cur), money(r[6], cur), cur])
            }
        }
        let unapplied = try Row.fetchAll(db, sql: """
            SELECT DISTINCT p.payment_key, p.payment_date, p.currency, p.amount_minor, p.unapplied_minor, COALESCE(p.unapplied_reason, '')
            FROM payment p WHERE p.unapplied_minor > 0 AND (p.debtor_key = ?1 OR p.id IN (
              SELECT a.payment_id FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id WHERE i.debtor_id = ?2))
            ORDER BY p.payment_date, p.id
            """, arguments: [key, id]).map { r -> [String] in
            let cur: String = r[2]
            balances[cur, default: 0] -= r[4] as Int64
            return [r[0], r[1], money(r[3], cur), money(r[4], cur), cur, r[5]]
        }
        let notes = try Row.fetchAll(db, sql: "SELECT at, who, text FROM debtor_note WHERE debtor_id = ? ORDER BY id", arguments: [id])
            .map { [$0[0], $0[1], $0[2]] as [String] }
        var messages = try Row.fetchAll(db, sql: """
            SELECT e.as_of, 'relance', e.step, e.channels, e.status, COALESCE(m.state, ''), e.currency, e.total_minor, COALESCE(e.document_path, '')
            FROM dunning_event e LEFT JOIN outbox_message m ON m.id = e.outbox_message_id
            WHERE e.debtor_id = ? ORDER BY e.as_of, e.id
            """, arguments: [id]).map { r -> [String] in
            [r[0], r[1], r[2], r[3], r[4], r[5], money(r[7], r[6]) + " " + (r[6] as String), r[8]]
        }
        messages += try Row.fetchAll(db, sql: """
            SELECT x.day, 'external', x.step, COALESCE(x.channel, ''), GROUP_CONCAT(i.invoice_number, ' ')
            FROM external_reminder x JOIN invoice i ON i.id = x.invoice_id WHERE i.debtor_id = ?
            GROUP BY x.day, x.step_index, x.channel ORDER BY x.day
            """, arguments: [id]).map { r -> [String] in [r[0], r[1], r[2], r[3], "sent outside Relance", "", r[4], ""] }
        messages.sort { $0[0] < $1[0] }
        let journal = try ActionJournal.entries(db, debtorID: id).map { [$0.at, $0.who, $0.action, $0.invoiceNumber ?? "", $0.detail] }
        let promises = try Promises.list(db, debtor: key).map { Array($0.fields.dropFirst()) }
        var hold = (d[3] as Bool) ? "yes" : "no"
        if d[3] as Bool {
            if let r = d[4] as String? { hold += ": " + r }
            if let u = d[5] as String? { hold += " (until \(u))" }
        }
        let balance = balances.keys.sorted().map { "\($0) \(money(balances[$0] ?? 0, $0))" }.joined(separator: ", ")
        return DebtorStatement(
            facts: [("debtor", key), ("name", d[1]), ("kind", d[2]), ("language", d[7]), ("as_of", asOf.description),
                    ("balance", balance.isEmpty ? "0.00" : balance), ("on_hold", hold), ("direct_debit", (d[6] as Bool) ? "yes" : "no"),
                    ("next_step", nextStep)],
            sections: [
                Section(title: "open items", columns: ["invoice", "issued", "due", "days_late", "amount", "open", "currency", "step", "last_reminder", "disputed"], rows: overdue),
                Section(title: "not yet due", columns: ["invoice", "issued", "due", "amount", "open", "currency"], rows: notDue),
                Section(title: "credit notes", columns: ["credit_note", "issued", "amount", "open", "currency"], rows: credits),
                Section(title: "unapplied payments", columns: ["payment", "date", "amount", "unapplied", "currency", "reason"], rows: unapplied),
                Section(title: "promises", columns: Array(PromiseRow.columns.dropFirst()), rows: promises),
                Section(title: "disputes", columns: ["invoice", "open", "currency", "reason"], rows: disputes),
                Section(title: "notes", columns: ["at", "who", "text"], rows: notes),
                Section(title: "messages", columns: ["day", "by", "step", "channels", "status", "e-mail", "total", "document"], rows: messages),
                Section(title: "journal", columns: ["at", "who", "action", "invoice", "detail"], rows: journal),
            ])
    }
}
