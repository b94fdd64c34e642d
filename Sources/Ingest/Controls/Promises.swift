import Foundation
import GRDB
import Ledger
import Store

/// One promise to pay, as `relance promise list` and `debtor show` list it.
public struct PromiseRow: Sendable, Equatable {
    /// `promise list`'s columns.
    public static let columns = ["debtor", "amount", "currency", "date", "resumes_after", "invoices", "status", "made_on", "made_by", "source"]
    public var fields: [String]
}

/// Promises to pay (`promise_to_pay`): made by a person (`relance promise add`) or read from an
/// export's "expected payment date" column. The ladder pauses for the debtor until the promised
/// date plus the grace days (`pause_until`); `review` marks a promise kept when the payments
/// received from the day it was made until then cover it, and broken once that day has passed.
public enum Promises {
    /// Records a promise; an identical open one changes nothing.
    public static func add(_ db: Database, debtor key: String, amount text: String, date: Day, invoices: [String],
                           graceDays: Int, by actor: Actor) throws -> ControlOutcome {
        let d = try Controls.debtor(db, key)
        let debtorID: Int64 = d[0]
        if date < actor.today { throw ControlRefusal("the promised date \(date) is in the past") }
        var currency: Currency? = nil
        for number in invoices {
            let i = try Controls.invoice(db, number)
            guard (i[1] as Int64) == debtorID else { throw ControlRefusal("invoice \(number) is not debtor \(key)'s") }
            guard (i[5] as String) == "invoice" else { throw ControlRefusal("invoice \(number) is a credit note") }
            guard (i[4] as String) == "open" else { throw ControlRefusal("invoice \(number) is closed") }
            currency = currency ?? Currency(code: i[6] as String)
        }
        if currency == nil {
            currency = try String.fetchOne(db, sql: "SELECT currency FROM invoice WHERE debtor_id = ? AND status = 'open' LIMIT 1",
                                           arguments: [debtorID]).flatMap { Currency(code: $0) }
        }
        let cur = currency ?? .eur
        guard case .success(let money) = AmountParser.parse(text, currency: cur, decimal: .point), money.isPositive else {
            throw ControlRefusal("\"\(text)\" is not a positive amount (decimal point, e.g. 250.00)")
        }
        let list = invoices.isEmpty ? nil : Self.jsonArray(invoices.sorted())
        let same = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM promise_to_pay WHERE debtor_id = ? AND status = 'open' AND amount_minor = ? AND until = ?
              AND invoices IS ?)
            """, arguments: [debtorID, money.minorUnits, date.description, list]) ?? false
        if same { return .unchanged("debtor \(key) already promised \(cur.code) \(money.decimalString) by \(date)") }
        let pause = date.adding(days: graceDays)
        try db.execute(sql: """
            INSERT INTO promise_to_pay (debtor_id, until, created_at, amount_minor, currency, invoices, made_on, made_by, pause_until, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'command')
            """, arguments: [debtorID, date.description, Instant.string(actor.at), money.minorUnits, cur.code, list,
                             actor.today.description, actor.who, pause.description])
        try ActionJournal.append(db, at: actor.at, who: actor.who, action: "promise", debtorID: debtorID, detail: [
            "promise_id": String(db.lastInsertedRowID), "amount": money.decimalString, "currency": cur.code,
            "date": date.description, "invoices": invoices.sorted().joined(separator: " "),
        ])
        return .done("debtor \(key) promised \(cur.code) \(money.decimalString) by \(date); no reminder until \(pause)")
    }

    /// The "expected payment date" of an invoice export, as a promise for that invoice's open amount.
    /// A date in the past, or one already recorded, adds nothing; a new date replaces the export's
    /// earlier open promise for the invoice.
    static func fromExport(_ db: Database, invoiceNumber: String, date: Day, asOf: Day, graceDays: Int) throws {
        guard date >= asOf, let i = try Row.fetchOne(db, sql: """
            SELECT id, debtor_id, open_minor, currency FROM invoice WHERE invoice_number = ? AND status = 'open' AND type = 'invoice'
            """, arguments: [invoiceNumber]) else { return }
        let list = Self.jsonArray([invoiceNumber])
        let existing = try Row.fetchOne(db, sql: """
            SELECT id, until FROM promise_to_pay WHERE source = 'export' AND status = 'open' AND invoices = ?
            """, arguments: [list])
        if let e = existing {
            guard (e[1] as String) != date.description else { return }
            try db.execute(sql: "UPDATE promise_to_pay SET until = ?, pause_until = ? WHERE id = ?",
                           arguments: [date.description, date.adding(days: graceDays).description, e[0] as Int64])
            return
        }
        try db.execute(sql: """
            INSERT INTO promise_to_pay (debtor_id, until, created_at, amount_minor, currency, invoices, made_on, made_by, pause_until, source)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'export', ?, 'export')
            """, arguments: [i[1] as Int64, date.description, asOf.description + "T00:00:00.000Z", i[2] as Int64, i[3] as String, list,
                             asOf.description, date.adding(days: graceDays).description])
    }

    /// Marks open promises kept (covered by the payments received from the day they were made until
    /// the end of their grace, or every promised invoice closed) or broken (that day has passed);
    /// each change is journaled with `actor`. Returns how many were kept and broken.
    @discardableResult
    public static func review(_ db: Database, asOf: Day, by actor: Actor) throws -> (kept: Int, broken: Int) {
        var kept = 0, broken = 0
        let open = try Row.fetchAll(db, sql: """
            SELECT p.id, p.debtor_id, d.debtor_key, p.amount_minor, p.invoices, p.made_on, p.pause_until, p.until
            FROM promise_to_pay p JOIN debtor d ON d.id = p.debtor_id
            WHERE p.status = 'open' AND p.amount_minor IS NOT NULL AND p.made_on IS NOT NULL AND p.pause_until IS NOT NULL
            """)
        for p in open {
            let id: Int64 = p[0], debtorID: Int64 = p[1], amount: Int64 = p[3]
            let from: String = p[5], to: String = p[6]
            let numbers = (p[4] as String?).map(Self.strings) ?? []
            var paid: Int64 = 0
            var allClosed = !numbers.isEmpty
            let allocated = try Row.fetchAll(db, sql: """
                SELECT i.invoice_number, i.status, COALESCE(SUM(CASE WHEN y.payment_date BETWEEN ? AND ? THEN a.amount_minor END), 0)
                FROM invoice i LEFT JOIN payment_allocation a ON a.invoice_id = i.id LEFT JOIN payment y ON y.id = a.payment_id
                WHERE i.debtor_id = ? AND i.type = 'invoice' GROUP BY i.id
                """, arguments: [from, to, debtorID])
            for r in allocated where numbers.isEmpty || numbers.contains(r[0] as String) {
                paid += r[2] as Int64
                if (r[1] as String) == "open" { allClosed = false }
            }
            if numbers.isEmpty {
                paid += try Int64.fetchOne(db, sql: """
                    SELECT COALESCE(SUM(unapplied_minor), 0) FROM payment WHERE debtor_key = ? AND payment_date BETWEEN ? AND ?
                    """, arguments: [p[2] as String, from, to]) ?? 0
            }
            let status: String
            if paid >= amount || allClosed { status = "kept"; kept += 1 }
            else if asOf.description > to { status = "broken"; broken += 1 }
            else { continue }
            try db.execute(sql: "UPDATE promise_to_pay SET status = ?, status_on = ? WHERE id = ?", arguments: [status, asOf.description, id])
            try ActionJournal.append(db, at: actor.at, who: actor.who, action: "promise-" + status, debtorID: debtorID, detail: [
                "promise_id": String(id), "date": p[7] as String, "paid": String(paid), "promised": String(amount),
            ])
        }
        return (kept, broken)
    }

    /// Every promise, open ones first, then by date (`only`: one debtor's).
    public static func list(_ db: Database, debtor key: String? = nil) throws -> [PromiseRow] {
        try Row.fetchAll(db, sql: """
            SELECT d.debtor_key, p.amount_minor, COALESCE(p.currency, ''), p.until, COALESCE(p.pause_until, p.until),
              COALESCE(p.invoices, ''), p.status, COALESCE(p.made_on, substr(p.created_at, 1, 10)), COALESCE(p.made_by, ''), p.source
            FROM promise_to_pay p JOIN debtor d ON d.id = p.debtor_id
            WHERE ?1 IS NULL OR d.debtor_key = ?1
            ORDER BY p.status <> 'open', p.until, p.id
            """, arguments: [key]).map { r in
            let amount = (r[1] as Int64?).map { Money(minorUnits: $0, currency: Currency(code: r[2] as String) ?? .eur).decimalString } ?? ""
            let invoices = (r[5] as String).isEmpty ? "" : Self.strings(r[5]).joined(separator: " ")
            return PromiseRow(fields: [r[0], amount, r[2], r[3], r[4], invoices, r[6], r[7], r[8], r[9]])
        }
    }

    /// A JSON array of strings (the promised invoices).
    static func jsonArray(_ items: [String]) -> String { "[" + items.map(JSONText.quoted).joined(separator: ",") + "]" }

    /// The strings of a JSON array written by `jsonArray`.
    static func strings(_ json: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]) ?? []
    }
}
