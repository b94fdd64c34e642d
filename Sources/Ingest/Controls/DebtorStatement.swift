import GRDB
import Ledger
import Store

/// One debtor's statement and timeline, as `relance debtor show` prints it: read only.
package struct DebtorStatement: Sendable {
    /// One titled table of the statement.
    package struct Section: Sendable {
        package var title: String
        package var columns: [String]
        package var rows: [[String]]
    }

    /// Key facts: key, name, kind, hold, direct debit, balance.
    package var facts: [(String, String)]
    /// Open items, not yet due, credit notes, unapplied payments, promises, disputes, notes,
    /// messages (Relance's and external), the journal.
    package var sections: [Section]

    /// Reads the statement of debtor `key` as of `asOf`; `nextStep` is the line the caller puts
    /// under "next step" (the planner's decision, or where to find it).
    package static func load(_ db: Database, debtor key: String, asOf: Day, nextStep: String) throws -> DebtorStatement {
        guard let d = try IngestQueries.statementDebtor(db, key: key) else { throw ControlRefusal("debtor \(key) is not in the ledger") }
        let id = d.id
        func money(_ minor: Int64, _ cur: String) -> String { Money(minorUnits: minor, currency: Currency(stored: cur)).decimalString }
        let items = try IngestQueries.statementItems(db, debtorID: id)
        var overdue: [[String]] = [], notDue: [[String]] = [], credits: [[String]] = [], disputes: [[String]] = []
        var balances: [String: Int64] = [:]
        for r in items {
            let cur = r.currency
            balances[cur, default: 0] += r.open
            let due = r.due
            if r.type == .creditNote {
                credits.append([r.number, r.issue, money(r.amount, cur), money(r.open, cur), cur])
                continue
            }
            if r.disputed { disputes.append([r.number, money(r.open, cur), cur, r.disputeReason]) }
            let late = Day(iso: due).map { max(0, asOf.days(since: $0)) } ?? 0
            if let dueDay = Day(iso: due), dueDay < asOf {
                overdue.append([r.number, r.issue, due, String(late), money(r.amount, cur), money(r.open, cur), cur, r.step, r.lastReminder,
                                r.disputed ? "yes" : ""])
            } else {
                notDue.append([r.number, r.issue, due, money(r.amount, cur), money(r.open, cur), cur])
            }
        }
        let unapplied = try IngestQueries.statementPayments(db, debtorKey: key, debtorID: id).map { r -> [String] in
            balances[r.currency, default: 0] -= r.unapplied
            return [r.key, r.date, money(r.amount, r.currency), money(r.unapplied, r.currency), r.currency, r.reason]
        }
        let notes = try IngestQueries.notes(db, debtorID: id).map { [$0.at, $0.who, $0.text] }
        var messages = try IngestQueries.reminderMessages(db, debtorID: id).map { r -> [String] in
            [r.asOf, "relance", r.step, r.channels, r.status, r.mailState, money(r.total, r.currency) + " " + r.currency, r.document]
        }
        messages += try IngestQueries.externalReminderMessages(db, debtorID: id).map { r -> [String] in
            [r.day, "external", r.step, r.channel, "sent outside Relance", "", r.invoices, ""]
        }
        messages.sort { $0[0] < $1[0] }
        let journal = try ActionJournal.entries(db, debtorID: id).map { [$0.at, $0.who, $0.action, $0.invoiceNumber ?? "", $0.detail] }
        let promises = try Promises.list(db, debtor: key).map { Array($0.fields.dropFirst()) }
        var hold = d.onHold ? "yes" : "no"
        if d.onHold {
            if let r = d.holdReason { hold += ": " + r }
            if let u = d.holdUntil { hold += " (until \(u))" }
        }
        let balance = balances.keys.sorted().map { "\($0) \(money(balances[$0] ?? 0, $0))" }.joined(separator: ", ")
        return DebtorStatement(
            facts: [("debtor", key), ("name", d.name), ("kind", d.kind), ("language", d.language), ("as_of", asOf.description),
                    ("balance", balance.isEmpty ? "0.00" : balance), ("on_hold", hold), ("direct_debit", d.directDebit ? "yes" : "no"),
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
