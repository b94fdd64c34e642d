import Foundation
import GRDB
import Ledger

/// Who to call first: debtors with overdue invoices ranked by the expected amount at risk, with
/// the reasons from the forecast's score, the ladder and the ledger.
///
/// Amount at risk of an overdue invoice = open amount × (1 − the forecast's chance that it is
/// paid within 60 days of its due date). The chance is a ratio rounded to four decimals; the
/// amount is then rounded once, half up, to the cent, in integer arithmetic.
enum WorklistReport {
    /// Per debtor and currency: the overdue amount, items, oldest due date, amount at risk, disputes.
    static func overdueSQL(runID: Int64?) -> String {
        let join = runID.map { "LEFT JOIN invoice_forecast f ON f.forecast_run_id = \($0) AND f.invoice_id = i.id" } ?? ""
        let p = runID == nil ? "0" : "COALESCE(f.p_paid_by_due_60, 0)"
        return """
            SELECT i.debtor_id, i.currency, SUM(i.open_minor) AS overdue, COUNT(*) AS items, MIN(i.due_date) AS oldest,
              SUM((i.open_minor * CAST(ROUND((1 - \(p)) * 10000) AS INTEGER) + 5000) / 10000) AS risk,
              SUM(i.disputed) AS disputed
            FROM invoice i \(join)
            WHERE i.status = 'open' AND i.type = 'invoice' AND i.open_minor > 0 AND i.due_date < ?1
            GROUP BY i.debtor_id, i.currency
            """
    }

    /// `overdueSQL` with each debtor's name, score and the ladder's and promises' facts, riskiest first.
    static func riskSQL(runID: Int64?) -> String {
        """
            SELECT x.*, d.debtor_key, d.name, d.phone, d.on_hold, s.grade, s.score, s.reasons,
              (SELECT e.step || '|' || e.as_of FROM dunning_event e WHERE e.debtor_id = x.debtor_id AND e.status = 'worklist'
                 AND e.as_of >= ?2 AND e.as_of <= ?1 ORDER BY e.as_of DESC, e.id DESC LIMIT 1) AS worklist_step,
              (SELECT MAX(p.until) FROM promise_to_pay p WHERE p.debtor_id = x.debtor_id AND p.status = 'broken'
                 AND NOT EXISTS (SELECT 1 FROM dunning_event e WHERE e.debtor_id = p.debtor_id AND e.as_of >= p.status_on
                                   AND e.status IN ('queued', 'held') AND e.as_of < ?1)) AS broken_promise,
              (SELECT MAX(p.until) FROM promise_to_pay p WHERE p.debtor_id = x.debtor_id AND p.status = 'open') AS open_promise
            FROM (\(overdueSQL(runID: runID))) x JOIN debtor d ON d.id = x.debtor_id
            LEFT JOIN debtor_score s ON s.forecast_run_id = ?3 AND s.debtor_id = x.debtor_id
            ORDER BY (worklist_step IS NOT NULL OR broken_promise IS NOT NULL) DESC, x.risk DESC, x.overdue DESC, d.debtor_key
            """
    }

    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(
            kind: .worklist, title: "Worklist: who to call first", asOf: asOf,
            subtitle: "debtors with overdue invoices, by the expected amount at risk")
        let run = try Row.fetchOne(db, sql: "SELECT id, as_of FROM forecast_run WHERE as_of <= ? ORDER BY as_of DESC LIMIT 1",
                                   arguments: [asOf.description])
        let runID: Int64? = run?[0]
        if let run {
            let runDay: String = run[1]
            if runDay != asOf.description {
                doc.blocks.append(.note("The risk comes from the forecast made on \(runDay), the latest on or before \(asOf)."))
            }
        } else {
            doc.blocks.append(.note("There is no forecast on or before \(asOf): the whole overdue amount counts as at risk and "
                + "debtors have no grade. Run `relance forecast run` for a ranking by the chance of payment."))
        }
        let arguments: StatementArguments = [asOf.description, asOf.adding(days: -30).description, runID ?? -1]
        let sql = riskSQL(runID: runID)
        let totals = try Row.fetchAll(db, sql: """
            SELECT currency, COUNT(*), SUM(overdue), SUM(risk) FROM (\(overdueSQL(runID: runID))) GROUP BY currency ORDER BY currency
            """, arguments: [asOf.description])
        for r in totals {
            let code: String = r[0]
            let currency = Currency(code: code) ?? .eur
            let suffix = totals.count > 1 ? " (\(code))" : ""
            doc.blocks.append(.figures(id: "figures_\(code.lowercased())", [
                Figure(key: "debtors_overdue", label: "Debtors overdue" + suffix, value: .int(r[1])),
                Figure(key: "overdue", label: "Overdue" + suffix, value: .money(r[2], currency), tone: .warn),
                Figure(key: "at_risk", label: "Expected at risk" + suffix, value: .money(r[3], currency), tone: .bad),
            ]))
        }
        var rank = 0
        func cells(_ r: Row) -> [Cell] {
            rank += 1
            let currency = Currency(code: r["currency"] as String) ?? .eur
            let oldest = Day(iso: r["oldest"] as String).map { asOf.days(since: $0) } ?? 0
            return [.int(rank), .text(r["debtor_key"] as String), .debtor(r["name"] as String, id: r["debtor_id"]), .text(r["phone"] as String?),
                    .text(r["currency"] as String), .money(r["risk"], currency), .money(r["overdue"], currency),
                    .int(oldest), .int(r["items"]), .text(r["grade"] as String?), (r["score"] as Int?).map { .int($0) } ?? .empty,
                    .text(reasons(r, daysLate: oldest))]
        }
        let columns = [Column("rank", "#", numeric: true), Column("debtor", "Debtor", layout: .dataOnly), Column("name", "Name", layout: .name),
                       Column("phone", "Phone", layout: .nowrap), Column("currency", "Cur."), Column("at_risk", "At risk", numeric: true),
                       Column("overdue", "Overdue", numeric: true), Column("oldest_days_late", "Days late", numeric: true),
                       Column("invoices", "Invoices", numeric: true, layout: .dataOnly), Column("grade", "Grade"),
                       Column("score", "Score", numeric: true, layout: .dataOnly),
                       Column("reasons", "Why", layout: .wide)]
        doc.blocks.append(.table(Table(
            id: "worklist", title: "Call first", columns: columns,
            stream: { emit in
                let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
                while let r = try cursor.next() { try emit(cells(r)) }
            }, htmlLimit: options.topRows, emptyText: "No debtor has an overdue invoice.",
            caption: "At risk: open amount × chance it is still unpaid 60 days after its due date (forecast). "
                + "Grade A (pays on time) to E; score 0–100.")))
        return doc
    }

    /// The reasons in words, most pressing first.
    static func reasons(_ r: Row, daysLate: Int) -> String {
        var out: [String] = []
        if let w = r["worklist_step"] as String? {
            let parts = w.split(separator: "|", maxSplits: 1).map(String.init)
            out.append("ladder step \"\(parts[0])\" asks for a call" + (parts.count > 1 ? " (since \(parts[1]))" : ""))
        }
        if let p = r["broken_promise"] as String?, r["open_promise"] as String? == nil { out.append("broken promise: promised to pay by \(p), not kept") }
        if let p = r["open_promise"] as String? { out.append("promised to pay by \(p)") }
        let scoreReasons = (r["reasons"] as String?).flatMap { $0.data(using: .utf8) }
            .flatMap { try? JSONDecoder().decode([String].self, from: $0) } ?? []
        if daysLate > 90 && scoreReasons.isEmpty { out.append("\(daysLate) days late") }
        let disputed: Int = r["disputed"] ?? 0
        if disputed > 0 { out.append("\(disputed) disputed invoice\(disputed == 1 ? "" : "s")") }
        if (r["on_hold"] as Bool?) == true { out.append("debtor on hold") }
        out.append(contentsOf: scoreReasons.prefix(2))
        return out.joined(separator: "; ")
    }
}
