import Foundation
import GRDB
import Ledger

/// A page per debtor: statement, timeline of messages with their letters, promises, disputes,
/// forecast and score with reasons. Every query is by the debtor's id on an index.
enum DebtorPage {
    /// `debtors/ID.html` relative to the reports: `ID.html`.
    static func fileName(_ id: Int64) -> String { "\(id).html" }

    /// The debtors that get a page: the worklist's first `top` and the `top` largest balances.
    static func debtorIDs(_ db: Database, asOf: Day, top: Int) throws -> [Int64] {
        let run = try Int64.fetchOne(db, sql: "SELECT id FROM forecast_run WHERE as_of <= ? ORDER BY as_of DESC LIMIT 1",
                                     arguments: [asOf.description])
        let worklist = try Int64.fetchAll(db, sql: "SELECT debtor_id FROM (\(WorklistReport.riskSQL(runID: run))) LIMIT ?4",
                                          arguments: [asOf.description, asOf.adding(days: -30).description, run ?? -1, top])
        let largest = try Int64.fetchAll(db, sql: """
            SELECT debtor_id FROM invoice WHERE status = 'open' GROUP BY debtor_id, currency HAVING SUM(open_minor) <> 0
            ORDER BY SUM(open_minor) DESC, debtor_id LIMIT ?
            """, arguments: [top])
        var seen = Set<Int64>()
        return (worklist + largest).filter { seen.insert($0).inserted }
    }

    /// The page of debtor `id`; nil when there is no such debtor. `letters` turns a letter's
    /// stored path into the link the page shows (relative to the page).
    static func build(_ db: Database, id: Int64, asOf: Day, options: ReportOptions,
                      letters: @escaping (String) -> String = { $0 }) throws -> ReportDocument? {
        guard let d = try Row.fetchOne(db, sql: """
            SELECT debtor_key, name, kind, email, phone, language, on_hold, direct_debit FROM debtor WHERE id = ?
            """, arguments: [id]) else { return nil }
        let key: String = d["debtor_key"], name: String = d["name"]
        var facts = ["customer \(key)", (d["kind"] as String).uppercased()]
        if let e = d["email"] as String? { facts.append(e) }
        if let p = d["phone"] as String? { facts.append(p) }
        if (d["on_hold"] as Bool?) == true { facts.append("on hold") }
        if (d["direct_debit"] as Bool?) == true { facts.append("direct debit") }
        var doc = ReportDocument(kind: .worklist, title: name, asOf: asOf, subtitle: facts.joined(separator: " · "))
        doc.name = "debtor"
        doc.upLink = "../index.html"
        let arg = asOf.description
        let run = try Row.fetchOne(db, sql: "SELECT id, as_of FROM forecast_run WHERE as_of <= ? ORDER BY as_of DESC LIMIT 1",
                                   arguments: [arg])
        let runID: Int64 = run?[0] ?? -1

        // Figures per currency.
        for r in try Row.fetchAll(db, sql: """
            SELECT currency, SUM(open_minor), SUM(CASE WHEN due_date < ?2 AND type = 'invoice' THEN open_minor ELSE 0 END),
              SUM(disputed)
            FROM invoice WHERE debtor_id = ?1 AND status = 'open' GROUP BY currency ORDER BY currency
            """, arguments: [id, arg]) {
            let code: String = r[0]
            let cur = Currency(code: code) ?? .eur
            doc.blocks.append(.figures(id: "figures_\(code.lowercased())", [
                Figure(key: "open", label: "Open (\(code))", value: .money(r[1], cur)),
                Figure(key: "overdue", label: "Overdue (\(code))", value: .money(r[2], cur), tone: .warn),
                Figure(key: "disputed", label: "Disputed invoices", value: .int(r[3] ?? 0), tone: (r[3] as Int? ?? 0) > 0 ? .bad : .neutral),
            ]))
        }
        if let s = try Row.fetchOne(db, sql: """
            SELECT grade, score, reasons, typical_delay_days, late_share FROM debtor_score WHERE forecast_run_id = ? AND debtor_id = ?
            """, arguments: [runID, id]) {
            let reasons = (s[2] as String?).flatMap { $0.data(using: .utf8) }
                .flatMap { try? JSONDecoder().decode([String].self, from: $0) } ?? []
            doc.blocks.append(.heading("Score"))
            doc.blocks.append(.figures(id: "score", [
                Figure(key: "grade", label: "Grade (A pays on time … E)", value: .text(s[0] as String)),
                Figure(key: "score", label: "Score 0–100", value: .int(s[1])),
                Figure(key: "typical_delay_days", label: "Typical delay, days", value: .int(s[3])),
            ]))
            doc.blocks.append(.note("Why: " + (reasons.isEmpty ? "no particular reason" : reasons.joined(separator: "; ")) + "."))
        } else {
            doc.blocks.append(.note("No forecast scores this debtor yet (relance forecast run)."))
        }

        doc.blocks.append(.heading("Statement"))
        doc.blocks.append(.table(Table(
            id: "statement", title: "Open items",
            columns: [Column("invoice", "Invoice", layout: .nowrap), Column("issued", "Issued", layout: .nowrap),
                      Column("due", "Due", layout: .nowrap), Column("days_late", "Days late", numeric: true),
                      Column("currency", "Cur."), Column("amount", "Amount", numeric: true), Column("open", "Open", numeric: true),
                      Column("expected", "Expected paid", layout: .nowrap), Column("status", "Note")],
            stream: { emit in
                let c = try Row.fetchCursor(db, sql: """
                    SELECT i.invoice_number, i.issue_date, i.due_date, i.currency, i.amount_minor, i.open_minor, i.disputed, i.on_hold,
                      i.type, f.p50_date
                    FROM invoice i LEFT JOIN invoice_forecast f ON f.forecast_run_id = ?3 AND f.invoice_id = i.id
                    WHERE i.debtor_id = ?1 AND i.status = 'open' ORDER BY i.due_date, i.invoice_number
                    """, arguments: [id, arg, runID])
                while let r = try c.next() {
                    let cur = Currency(code: r[3] as String) ?? .eur
                    let due = Day(iso: r[2] as String)
                    let late = due.map { asOf.days(since: $0) } ?? 0
                    var note: [String] = []
                    if (r[8] as String) == "credit_note" { note.append("credit note") }
                    if (r[6] as Bool?) == true { note.append("disputed") }
                    if (r[7] as Bool?) == true { note.append("on hold") }
                    try emit([.text(r[0] as String), .day(r[1] as String), .day(r[2] as String), late > 0 ? .int(late) : .empty,
                              .text(r[3] as String), .money(r[4], cur), .money(r[5], cur), .day(r[9] as String?),
                              .text(note.joined(separator: ", "))])
                }
            }, emptyText: "Nothing open.",
            caption: "Expected paid: the forecast's median payment day" + (run.map { " (forecast of \($0[1] as String))" } ?? "") + ".")))

        doc.blocks.append(.heading("Timeline"))
        doc.blocks.append(.table(Table(
            id: "messages", title: "Messages",
            columns: [Column("day", "Day", layout: .nowrap), Column("step", "Step"), Column("channels", "Channels"),
                      Column("status", "Status"), Column("currency", "Cur."), Column("demanded", "Demanded", numeric: true),
                      Column("pay_by", "Pay by", layout: .nowrap), Column("letter", "Letter")],
            stream: { emit in
                let c = try Row.fetchCursor(db, sql: """
                    SELECT as_of, step, channels, status, currency, COALESCE(demanded_minor, total_minor), pay_by, document_path,
                      held_reason, cancel_reason
                    FROM dunning_event WHERE debtor_id = ? ORDER BY as_of DESC, id DESC
                    """, arguments: [id])
                while let r = try c.next() {
                    let cur = Currency(code: r[4] as String) ?? .eur
                    var status: String = r[3]
                    if let why = (r[8] as String?) ?? (r[9] as String?) { status += ": " + why }
                    let letter: Cell = (r[7] as String?).map { .link(($0 as NSString).lastPathComponent, href: letters($0)) } ?? .empty
                    try emit([.day(r[0] as String), .text(r[1] as String), .text(r[2] as String), .text(status),
                              .text(r[4] as String), .money(r[5], cur), .day(r[6] as String?), letter])
                }
            }, emptyText: "No message yet.")))
        doc.blocks.append(.table(Table(
            id: "promises", title: "Promises to pay",
            columns: [Column("until", "Until", layout: .nowrap), Column("state", "State"), Column("note", "Note", layout: .wide),
                      Column("recorded", "Recorded (UTC)", layout: .nowrap)],
            rows: try Row.fetchAll(db, sql: """
                SELECT until, note, created_at FROM promise_to_pay WHERE debtor_id = ? ORDER BY until DESC, id DESC
                """, arguments: [id]).map { r in
                let until: String = r[0]
                let state = until < arg ? "not kept by then" : (until == arg ? "due today" : "open")
                return [.day(until), .text(state), .text(r[1] as String?), .text(r[2] as String)]
            }, emptyText: "No promise recorded.")))
        doc.blocks.append(.table(Table(
            id: "disputes", title: "Disputed invoices",
            columns: [Column("invoice", "Invoice", layout: .nowrap), Column("due", "Due", layout: .nowrap),
                      Column("currency", "Cur."), Column("open", "Open", numeric: true), Column("since", "Disputed since import of")],
            rows: try Row.fetchAll(db, sql: """
                SELECT i.invoice_number, i.due_date, i.currency, i.open_minor,
                  (SELECT MAX(b.as_of) FROM record_change c JOIN ingest_batch b ON b.id = c.batch_id
                   WHERE c.entity = 'invoice' AND c.entity_key = i.invoice_number AND json_extract(c.new_values, '$.disputed') = '1')
                FROM invoice i WHERE i.debtor_id = ? AND i.status = 'open' AND i.disputed = 1 ORDER BY i.due_date
                """, arguments: [id]).map { r in
                [.text(r[0] as String), .day(r[1] as String), .text(r[2] as String),
                 .money(r[3], Currency(code: r[2] as String) ?? .eur), .day(r[4] as String?)]
            }, emptyText: "No open invoice is disputed.",
            caption: "Notes and a disputes journal are not kept in the ledger yet; the ERP's disputed flag is shown.")))
        return doc
    }

    /// `path` relative to the folder `from` (both absolute), e.g. `../../letters/2026-11-21/K1.pdf`;
    /// a relative `path` is returned as it is.
    static func relative(_ path: String, from: String) -> String {
        guard path.hasPrefix("/"), from.hasPrefix("/") else { return path }
        let a = (from as NSString).standardizingPath.split(separator: "/"), b = (path as NSString).standardizingPath.split(separator: "/")
        var i = 0
        while i < a.count && i < b.count - 1 && a[i] == b[i] { i += 1 }
        return (Array(repeating: "..", count: a.count - i) + b[i...].map(String.init)).joined(separator: "/")
    }
}
