import GRDB
import Ledger

/// Aged receivables: the open balance in age buckets by due date, DSO, the largest debtors, and
/// every debtor's balance (CSV and JSON), all from SQL aggregates over `invoice`.
enum AgingReport {
    /// Bucket names, in order.
    static let buckets = ["not due", "1–30 days", "31–60 days", "61–90 days", "> 90 days"]
    static let bucketKeys = ["not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90"]
    static let tones = ["#2e7d32", "#9ccc65", "#f9a825", "#ef6c00", "#c62828"]
    /// The DSO window in days.
    static let dsoDays = 90

    /// SQL sums of `open_minor` per bucket, by due date against `?1`…`?4` (as-of, −30, −60, −90),
    /// for a query over open items only (`WHERE i.status = 'open'`).
    static let bucketSums = """
        SUM(CASE WHEN i.due_date >= ?1 THEN i.open_minor ELSE 0 END),
        SUM(CASE WHEN i.due_date < ?1 AND i.due_date >= ?2 THEN i.open_minor ELSE 0 END),
        SUM(CASE WHEN i.due_date < ?2 AND i.due_date >= ?3 THEN i.open_minor ELSE 0 END),
        SUM(CASE WHEN i.due_date < ?3 AND i.due_date >= ?4 THEN i.open_minor ELSE 0 END),
        SUM(CASE WHEN i.due_date < ?4 THEN i.open_minor ELSE 0 END)
        """

    static func boundaries(_ d: Day) -> StatementArguments {
        [d.description, d.adding(days: -30).description, d.adding(days: -60).description, d.adding(days: -90).description]
    }

    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(
            kind: .aging, title: "Aged receivables", asOf: asOf,
            subtitle: "open invoices and credit notes by days past their due date")
        // Bucket sums and counts of the open items (the `invoice_open` index), then the last 90 days' sales.
        let open = try Row.fetchAll(db, sql: """
            SELECT i.currency, \(bucketSums),
              SUM(i.due_date >= ?1), SUM(i.due_date < ?1 AND i.due_date >= ?2), SUM(i.due_date < ?2 AND i.due_date >= ?3),
              SUM(i.due_date < ?3 AND i.due_date >= ?4), SUM(i.due_date < ?4)
            FROM invoice i WHERE i.status = 'open' GROUP BY i.currency
            """, arguments: boundaries(asOf))
        let sales = try Row.fetchAll(db, sql: """
            SELECT currency, SUM(amount_minor) FROM invoice WHERE issue_date > ? AND issue_date <= ? GROUP BY currency
            """, arguments: [asOf.adding(days: -dsoDays).description, asOf.description])
        let salesBy = Dictionary(uniqueKeysWithValues: sales.map { ($0[0] as String, ($0[1] as Int64?) ?? 0) })
        let openBy = Dictionary(uniqueKeysWithValues: open.map { ($0[0] as String, $0) })
        let totals = Set(openBy.keys).union(salesBy.keys).sorted()
        let debtors = try Row.fetchAll(db, sql: """
            SELECT currency, COUNT(*) FROM (
              SELECT debtor_id, currency FROM invoice WHERE status = 'open' GROUP BY debtor_id, currency HAVING SUM(open_minor) <> 0)
            GROUP BY currency
            """)
        let debtorCount = Dictionary(uniqueKeysWithValues: debtors.map { ($0[0] as String, $0[1] as Int) })
        let multi = totals.count > 1
        var bucketRows: [[Cell]] = []
        for code in totals {
            let currency = Currency(code: code) ?? .eur
            let r = openBy[code]
            let sums: [Int64] = (1...5).map { (r?[$0] as Int64?) ?? 0 }
            let counts: [Int] = (6...10).map { (r?[$0] as Int?) ?? 0 }
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
        let perDebtor = """
            SELECT d.debtor_key, d.name, i.currency, SUM(i.open_minor) AS total, \(bucketSums),
              MIN(CASE WHEN i.type = 'invoice' AND i.open_minor > 0 AND i.due_date < ?1 THEN i.due_date END), COUNT(*), d.id
            FROM invoice i JOIN debtor d ON d.id = i.debtor_id
            WHERE i.status = 'open'
            GROUP BY i.debtor_id, i.currency HAVING SUM(i.open_minor) <> 0
            ORDER BY total DESC, d.debtor_key
            """
        func cells(_ r: Row) -> [Cell] {
            let currency = Currency(code: r[2] as String) ?? .eur
            var out: [Cell] = [.text(r[0] as String), .debtor(r[1] as String, id: r[11]), .text(r[2] as String), .money(r[3], currency)]
            for k in 4...8 { out.append(.money(r[k], currency)) }
            let oldest = (r[9] as String?).flatMap { Day(iso: $0) }
            out.append(oldest.map { .int(asOf.days(since: $0)) } ?? .empty)
            out.append(.int(r[10]))
            return out
        }
        let bounds = boundaries(asOf)
        let top = try Row.fetchAll(db, sql: perDebtor + " LIMIT ?5", arguments: bounds + [options.topRows]).map(cells)
        doc.blocks.append(.heading("Debtors"))
        doc.blocks.append(.table(Table(
            id: "top_debtors", title: "Top \(options.topRows) debtors by open balance", columns: columns, rows: top,
            emptyText: "No debtor has an open balance.")))
        doc.blocks.append(.table(Table(
            id: "debtors", title: "Every debtor with a balance", columns: columns,
            stream: { emit in
                let cursor = try Row.fetchCursor(db, sql: perDebtor, arguments: bounds)
                while let r = try cursor.next() { try emit(cells(r)) }
            }, formats: [.csv, .json])))
        return doc
    }
}
