import Foundation
import GRDB
import Ledger
import Store

/// Who to call first: debtors with overdue invoices ranked by the expected amount at risk, with
/// the reasons from the forecast's score, the ladder and the ledger.
///
/// Amount at risk of an overdue invoice = open amount × (1 − the forecast's chance that it is
/// paid within 60 days of its due date). The chance is a ratio rounded to four decimals; the
/// amount is then rounded once, half up, to the cent, in integer arithmetic.
enum WorklistReport {
    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(
            kind: .worklist, title: "Worklist: who to call first", asOf: asOf,
            subtitle: "debtors with overdue invoices, by the expected amount at risk")
        let run = try ReportQueries.latestForecastRun(db, onOrBefore: asOf)
        let runID: Int64? = run?.id
        if let run {
            let runDay = run.asOf
            if runDay != asOf.description {
                doc.blocks.append(.note("The risk comes from the forecast made on \(runDay), the latest on or before \(asOf)."))
            }
        } else {
            doc.blocks.append(.note("There is no forecast on or before \(asOf): the whole overdue amount counts as at risk and "
                + "debtors have no grade. Run `relance forecast run` for a ranking by the chance of payment."))
        }
        // The totals per currency: summed from the listing as it streams (a night's reports stream it
        // before they show the totals), else by their own query (`ReportQueries.worklistTotals`).
        let later = Later { try figures(ReportQueries.worklistTotals(db, asOf: asOf, runID: runID)) }
        doc.blocks.append(.later(later))
        var rank = 0
        let decoder = JSONDecoder()  // one for every row: making one per row cost more than decoding
        func cells(_ r: WorklistLine) -> [Cell] {
            rank += 1
            let currency = Currency(stored: r.currency)
            let oldest = Day(iso: r.oldest).map { asOf.days(since: $0) } ?? 0
            return [.int(rank), .text(r.debtorKey), .debtor(r.name, id: r.debtorID), .text(r.phone),
                    .text(r.currency), .money(r.risk, currency), .money(r.overdue, currency),
                    .int(oldest), .int(r.items), .text(r.grade), r.score.map { .int($0) } ?? .empty,
                    .text(reasons(r, daysLate: oldest, decoder: decoder))]
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
                var sums = WorklistSums()
                let cursor = try ReportQueries.worklistCursor(db, asOf: asOf, runID: runID)
                while let r = try cursor.next() {
                    sums.add(r)
                    try emit(cells(r))
                }
                later.blocks = figures(sums.totals)
            }, htmlLimit: options.topRows, emptyText: "No debtor has an overdue invoice.",
            caption: "At risk: open amount × chance it is still unpaid 60 days after its due date (forecast). "
                + "Grade A (pays on time) to E; score 0–100.")))
        return doc
    }

    /// The headline figures, one block per currency (the label names the currency when there are several).
    static func figures(_ totals: [WorklistTotals]) -> [ReportDocument.Block] {
        totals.map { r in
            let code = r.currency
            let currency = Currency(stored: code)
            let suffix = totals.count > 1 ? " (\(code))" : ""
            return .figures(id: "figures_\(code.lowercased())", [
                Figure(key: "debtors_overdue", label: "Debtors overdue" + suffix, value: .int(r.debtors)),
                Figure(key: "overdue", label: "Overdue" + suffix, value: .money(r.overdue, currency), tone: .warn),
                Figure(key: "at_risk", label: "Expected at risk" + suffix, value: .money(r.risk, currency), tone: .bad),
            ])
        }
    }

    /// The reasons in words, most pressing first.
    static func reasons(_ r: WorklistLine, daysLate: Int, decoder: JSONDecoder = JSONDecoder()) -> String {
        var out: [String] = []
        if let w = r.worklistStep {
            let parts = w.split(separator: "|", maxSplits: 1).map(String.init)
            out.append("ladder step \"\(parts[0])\" asks for a call" + (parts.count > 1 ? " (since \(parts[1]))" : ""))
        }
        if let p = r.brokenPromise, r.openPromise == nil { out.append("broken promise: promised to pay by \(p), not kept") }
        if let p = r.openPromise { out.append("promised to pay by \(p)") }
        let scoreReasons = r.reasons.flatMap { $0.data(using: .utf8) }
            .flatMap { try? decoder.decode([String].self, from: $0) } ?? []
        if daysLate > 90 && scoreReasons.isEmpty { out.append("\(daysLate) days late") }
        let disputed: Int = r.disputed ?? 0
        if disputed > 0 { out.append("\(disputed) disputed invoice\(disputed == 1 ? "" : "s")") }
        if r.onHold == true { out.append("debtor on hold") }
        out.append(contentsOf: scoreReasons.prefix(2))
        return out.joined(separator: "; ")
    }
}

/// The worklist's totals per currency summed from its listing: one line a debtor and currency, so
/// the lines of a currency are its debtors overdue, their overdue and at-risk amounts its sums.
struct WorklistSums {
    private var byCurrency: [String: WorklistTotals] = [:]

    /// Counts one line.
    mutating func add(_ line: WorklistLine) {
        var t = byCurrency[line.currency] ?? WorklistTotals(currency: line.currency, debtors: 0, overdue: 0, risk: 0)
        t.debtors += 1
        t.overdue += line.overdue
        t.risk += line.risk
        byCurrency[line.currency] = t
    }

    /// The totals in currency order, as `ReportQueries.worklistTotals` gives them.
    var totals: [WorklistTotals] { byCurrency.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.compactMap { byCurrency[$0] } }
}
