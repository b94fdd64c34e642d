import GRDB
import Ledger
import Store

/// Aged receivables: the open balance in age buckets by due date, DSO, the largest debtors, and
/// every debtor's balance (CSV and JSON), all from the aggregates over `invoice` in `ReportQueries`.
enum AgingReport {
    /// Bucket names, in order.
    static let buckets = ["not due", "1–30 days", "31–60 days", "61–90 days", "> 90 days"]
    static let bucketKeys = ["not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90"]
    static let tones = ["#2e7d32", "#9ccc65", "#f9a825", "#ef6c00", "#c62828"]
    /// The DSO window in days.
    static let dsoDays = 90

    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(
            kind: .aging, title: "Aged receivables", asOf: asOf,
            subtitle: "open invoices and credit notes by days past their due date")
        // Bucket sums and counts of the open items (the `invoice_open` index), then the last 90 days' sales.
        let night = options.night?.asOf == asOf ? options.night : nil
        let open = try night?.buckets ?? ReportQueries.agingBuckets(db, asOf: asOf)
        let salesBy = try night?.sales ?? ReportQueries.salesByCurrency(db, after: asOf.adding(days: -dsoDays), through: asOf)
        let openBy = Dictionary(uniqueKeysWithValues: open.map { ($0.currency, $0) })
        let totals = Set(openBy.keys).union(salesBy.keys).sorted()
        let debtorCount = try ReportQueries.debtorsWithBalance(db)
        let multi = totals.count > 1
        var bucketRows: [[Cell]] = []
        for code in totals {
            let currency = Currency(stored: code)
            let r = openBy[code]
            let sums: [Int64] = r?.sums ?? [0, 0, 0, 0, 0]
            let counts: [Int] = r?.counts ?? [0, 0, 0, 0, 0]
            let sales: Int64 = salesBy[code] ?? 0
            let open = sums.reduce(0, +)
            let overdue = open - sums[0]
            guard counts.reduce(0, +) > 0 || open != 0 else { continue }
            let suffix = multi ? " (\(code))" : ""
            let overdueShare = Format.ratio(overdue * 100, open, places: 1)
            let dso = open > 0 ? Format.ratio(open * Int64(dsoDays), sales, places: 1) : "0.0"
            doc.blocks.append(.figures(id: "figures_\(code.lowercased())", [
                Figure(key: "open_balance", label: "Open balance" + suffix, value: .money(open, currency)),
                Figure(key: "overdue", label: "Overdue" + suffix, value: .money(overdue, currency),
                       tone: overdue > 0 ? .warn : .good),
                Figure(key: "overdue_share_percent", label: "Overdue share" + suffix,
                       value: overdueShare.map { .percent($0) } ?? .empty),
                Figure(key: "over_90_days", label: "Over 90 days" + suffix, value: .money(sums[4], currency),
                       tone: sums[4] > 0 ? .bad : .good),
                Figure(key: "dso_days", label: "DSO, days" + suffix, value: dso.map { .decimal($0) } ?? .empty),
                Figure(key: "debtors_with_balance", label: "Debtors with a balance" + suffix, value: .int(debtorCount[code] ?? 0)),
            ]))
            doc.blocks.append(.chart(.bars(title: "Open balance by age" + suffix, labels: buckets, values: sums,
                                          currency: currency, tones: tones)))
            for (k, name) in buckets.enumerated() {
                let share = Format.ratio(sums[k] * 100, open, places: 1)
                bucketRows.append([.text(code), .text(name), .int(counts[k]), .money(sums[k], currency),
                                   share.map { .percent($0) } ?? .empty])
            }
        }
        if totals.isEmpty { doc.blocks.append(.note("The ledger holds no invoices yet.")) }
        doc.blocks.append(.table(Table(
            id: "buckets", title: "Balance by age",
            columns: [Column("currency", "Currency"), Column("bucket", "Days past due"),
                      Column("invoices", "Items", numeric: true), Column("amount", "Amount", numeric: true),
                      Column("share_percent", "Share", numeric: true)],
            rows: bucketRows,
            caption: "DSO = open balance ÷ invoiced (net of credit notes) in the last \(dsoDays) days × \(dsoDays).")))
        let columns = [Column("debtor", "Debtor", layout: .dataOnly), Column("name", "Name", layout: .name), Column("currency", "Cur."),
                       Column("open", "Open", numeric: true)]
            + zip(bucketKeys, buckets).map { Column($0, $1, numeric: true) }
            + [Column("oldest_days_late", "Days late", numeric: true), Column("items", "Items", numeric: true, layout: .dataOnly)]
        func cells(_ r: AgingDebtorLine) -> [Cell] {
            let currency = Currency(stored: r.currency)
            var out: [Cell] = [.text(r.debtorKey), .debtor(r.name, id: r.debtorID), .text(r.currency), .money(r.total, currency)]
            for sum in r.buckets { out.append(.money(sum, currency)) }
            let oldest = r.oldestOverdue.flatMap { Day(iso: $0) }
            out.append(oldest.map { .int(asOf.days(since: $0)) } ?? .empty)
            out.append(.int(r.items))
            return out
        }
        let top = try ReportQueries.agingDebtors(db, asOf: asOf, limit: options.topRows).map(cells)
        doc.blocks.append(.heading("Debtors"))
        doc.blocks.append(.table(Table(
            id: "top_debtors", title: "Top \(options.topRows) debtors by open balance", columns: columns, rows: top,
            emptyText: "No debtor has an open balance.")))
        doc.blocks.append(.table(Table(
            id: "debtors", title: "Every debtor with a balance", columns: columns,
            stream: { emit in
                let cursor = try ReportQueries.agingDebtorCursor(db, asOf: asOf)
                while let r = try cursor.next() { try emit(cells(r)) }
            }, formats: [.csv, .json])))
        return doc
    }
}
