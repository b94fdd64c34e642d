import Foundation
import GRDB
import Ledger
import Store

/// A page per debtor: statement, timeline of messages with their letters, promises, disputes,
/// forecast and score with reasons. Every query is by the debtor's id on an index.
enum DebtorPage {
    /// `debtors/ID.html` relative to the reports: `ID.html`.
    static func fileName(_ id: Int64) -> String { "\(id).html" }

    /// The debtors that get a page: the worklist's first `top` and the `top` largest balances.
    static func debtorIDs(_ db: Database, asOf: Day, top: Int) throws -> [Int64] {
        let run = try ReportQueries.latestForecastRun(db, onOrBefore: asOf)?.id
        let worklist = try ReportQueries.worklistDebtorIDs(db, asOf: asOf, runID: run, limit: top)
        let largest = try ReportQueries.largestBalanceDebtorIDs(db, limit: top)
        var seen = Set<Int64>()
        return (worklist + largest).filter { seen.insert($0).inserted }
    }

    /// The page of debtor `id`; nil when there is no such debtor. `letters` turns a letter's
    /// stored path into the link the page shows (relative to the page).
    static func build(_ db: Database, id: Int64, asOf: Day, options: ReportOptions,
                      letters: @escaping (String) -> String = { $0 }) throws -> ReportDocument? {
        guard let d = try ReportQueries.debtorHeader(db, id: id) else { return nil }
        let key = d.key, name = d.name
        var facts = ["customer \(key)", d.kind.uppercased()]
        if let e = d.email { facts.append(e) }
        if let p = d.phone { facts.append(p) }
        if d.onHold == true { facts.append("on hold") }
        if d.directDebit == true { facts.append("direct debit") }
        var doc = ReportDocument(kind: .worklist, title: name, asOf: asOf, subtitle: facts.joined(separator: " · "))
        doc.name = "debtor"
        doc.upLink = "../index.html"
        let arg = asOf.description
        let run = try ReportQueries.latestForecastRun(db, onOrBefore: asOf)
        let runID: Int64 = run?.id ?? -1

        // Figures per currency.
        for r in try ReportQueries.debtorOpenFigures(db, id: id, asOf: asOf) {
            let code = r.currency
            let cur = Currency(stored: code)
            doc.blocks.append(.figures(id: "figures_\(code.lowercased())", [
                Figure(key: "open", label: "Open (\(code))", value: .money(r.open, cur)),
                Figure(key: "overdue", label: "Overdue (\(code))", value: .money(r.overdue, cur), tone: .warn),
                Figure(key: "disputed", label: "Disputed invoices", value: .int(r.disputed ?? 0), tone: (r.disputed ?? 0) > 0 ? .bad : .neutral),
            ]))
        }
        if let s = try ReportQueries.debtorScore(db, id: id, runID: runID) {
            let reasons = s.reasons.flatMap { $0.data(using: .utf8) }
                .flatMap { try? JSONDecoder().decode([String].self, from: $0) } ?? []
            doc.blocks.append(.heading("Score"))
            doc.blocks.append(.figures(id: "score", [
                Figure(key: "grade", label: "Grade (A pays on time … E)", value: .text(s.grade)),
                Figure(key: "score", label: "Score 0–100", value: .int(s.score)),
                Figure(key: "typical_delay_days", label: "Typical delay, days", value: .int(s.typicalDelayDays)),
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
                let c = try ReportQueries.statementCursor(db, id: id, runID: runID)
                while let r = try c.next() {
                    let cur = Currency(stored: r.currency)
                    let due = Day(iso: r.dueDate)
                    let late = due.map { asOf.days(since: $0) } ?? 0
                    var note: [String] = []
                    if r.type == "credit_note" { note.append("credit note") }
                    if r.disputed == true { note.append("disputed") }
                    if r.onHold == true { note.append("on hold") }
                    try emit([.text(r.invoiceNumber), .day(r.issueDate), .day(r.dueDate), late > 0 ? .int(late) : .empty,
                              .text(r.currency), .money(r.amount, cur), .money(r.open, cur), .day(r.expectedPaid),
                              .text(note.joined(separator: ", "))])
                }
            }, emptyText: "Nothing open.",
            caption: "Expected paid: the forecast's median payment day" + (run.map { " (forecast of \($0.asOf))" } ?? "") + ".")))

        doc.blocks.append(.heading("Timeline"))
        doc.blocks.append(.table(Table(
            id: "messages", title: "Messages",
            columns: [Column("day", "Day", layout: .nowrap), Column("step", "Step"), Column("channels", "Channels"),
                      Column("status", "Status"), Column("currency", "Cur."), Column("demanded", "Demanded", numeric: true),
                      Column("pay_by", "Pay by", layout: .nowrap), Column("letter", "Letter")],
            stream: { emit in
                let c = try ReportQueries.messagesCursor(db, id: id)
                while let r = try c.next() {
                    let cur = Currency(stored: r.currency)
                    var status = r.status
                    if let why = r.heldReason ?? r.cancelReason { status += ": " + why }
                    let letter: Cell = r.documentPath.map { .link(($0 as NSString).lastPathComponent, href: letters($0)) } ?? .empty
                    try emit([.day(r.asOf), .text(r.step), .text(r.channels), .text(status),
                              .text(r.currency), .money(r.demanded, cur), .day(r.payBy), letter])
                }
            }, emptyText: "No message yet.")))
        doc.blocks.append(.table(Table(
            id: "promises", title: "Promises to pay",
            columns: [Column("until", "Until", layout: .nowrap), Column("state", "State"), Column("note", "Note", layout: .wide),
                      Column("recorded", "Recorded (UTC)", layout: .nowrap)],
            rows: try ReportQueries.promises(db, id: id).map { r in
                let until = r.until
                let state = until < arg ? "not kept by then" : (until == arg ? "due today" : "open")
                return [.day(until), .text(state), .text(r.note), .text(r.createdAt)]
            }, emptyText: "No promise recorded.")))
        doc.blocks.append(.table(Table(
            id: "disputes", title: "Disputed invoices",
            columns: [Column("invoice", "Invoice", layout: .nowrap), Column("due", "Due", layout: .nowrap),
                      Column("currency", "Cur."), Column("open", "Open", numeric: true), Column("since", "Disputed since import of")],
            rows: try ReportQueries.disputes(db, id: id).map { r in
                [.text(r.invoiceNumber), .day(r.dueDate), .text(r.currency),
                 .money(r.open, Currency(stored: r.currency)), .day(r.since)]
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
