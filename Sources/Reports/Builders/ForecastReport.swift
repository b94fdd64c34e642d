import GRDB
import Ledger

/// The 13-week cash-in forecast with its P10–P90 band (the latest `forecast_run` on or before
/// the day), and expected against actual cash-in for the past weeks.
enum ForecastReport {
    /// Past weeks compared with what was forecast.
    static let pastWeeks = 8

    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(
            kind: .forecast, title: "Cash-in forecast", asOf: asOf,
            subtitle: "expected payments of open invoices over the next 13 weeks, with the P10–P90 band")
        let run = try Row.fetchOne(db, sql: """
            SELECT id, as_of, model, open_invoices, paid_invoices, debtors FROM forecast_run
            WHERE as_of <= ? ORDER BY as_of DESC LIMIT 1
            """, arguments: [asOf.description])
        var weekRows: [[Cell]] = []
        if let run {
            let runDay: String = run[1]
            if runDay != asOf.description {
                doc.blocks.append(.note("No forecast was made on \(asOf); this report shows the latest one, made on \(runDay). "
                    + "Run `relance forecast run --as-of \(asOf)` for a fresh one."))
            }
            let weeks = try Row.fetchAll(db, sql: """
                SELECT currency, week, week_start, week_end, p10_minor, expected_minor, p90_minor
                FROM cash_forecast WHERE forecast_run_id = ? ORDER BY currency, week
                """, arguments: [run[0] as Int64])
            let byCurrency = Dictionary(grouping: weeks, by: { $0[0] as String })
            for code in byCurrency.keys.sorted() {
                let rows = byCurrency[code] ?? []
                let currency = Currency(code: code) ?? .eur
                let suffix = byCurrency.count > 1 ? " (\(code))" : ""
                let expected: [Int64] = rows.map { $0[5] }
                doc.blocks.append(.figures(id: "figures_\(code.lowercased())", [
                    Figure(key: "expected_13_weeks", label: "Expected, 13 weeks" + suffix, value: .money(expected.reduce(0, +), currency)),
                    Figure(key: "expected_4_weeks", label: "Expected, next 4 weeks" + suffix,
                           value: .money(expected.prefix(4).reduce(0, +), currency)),
                    Figure(key: "open_invoices", label: "Open invoices forecast", value: .int(run[3])),
                    Figure(key: "paid_invoices_learnt", label: "Paid invoices learnt from", value: .int(run[4])),
                    Figure(key: "forecast_made_on", label: "Forecast made on", value: .day(runDay)),
                ]))
                let labels = rows.map { r -> String in Day(iso: r[2] as String).map { Format.shortDay($0, language: options.language) } ?? "W\(r[1] as Int)" }
                doc.blocks.append(.chart(.band(
                    title: "Expected cash-in per week" + suffix, labels: labels,
                    low: rows.map { $0[4] }, mid: expected, high: rows.map { $0[6] }, currency: currency)))
                for r in rows {
                    weekRows.append([.text(code), .int(r[1]), .day(r[2] as String), .day(r[3] as String),
                                     .money(r[4], currency), .money(r[5], currency), .money(r[6], currency)])
                }
            }
        } else {
            doc.blocks.append(.note("There is no forecast on or before \(asOf) in the ledger: run `relance forecast run`."))
        }
        doc.blocks.append(.table(Table(
            id: "weeks", title: "Next 13 weeks",
            columns: [Column("currency", "Cur."), Column("week", "Week", numeric: true), Column("week_start", "From"),
                      Column("week_end", "To"), Column("p10", "P10 (low)", numeric: true),
                      Column("expected", "Expected", numeric: true), Column("p90", "P90 (high)", numeric: true)],
            rows: weekRows, emptyText: "No forecast.",
            caption: "Week 1 starts the day after the forecast day. P10: 9 chances in 10 of at least this much; P90: 1 in 10.")))
        try past(db, asOf: asOf, language: options.language, into: &doc)
        return doc
    }

    /// Past windows of seven days ending on the report day, the one before, …: actual cash-in
    /// (payments by payment date) and, when a kept forecast run had forecast exactly that window
    /// as one of its weeks, what it expected (the latest such run: the best informed).
    static func past(_ db: Database, asOf: Day, language: String = "en", into doc: inout ReportDocument) throws {
        doc.blocks.append(.heading("Expected against actual, past weeks"))
        let first = asOf.adding(days: -7 * pastWeeks + 1)
        let payments = try Row.fetchAll(db, sql: """
            SELECT currency, payment_date, SUM(amount_minor) FROM payment
            WHERE payment_date >= ? AND payment_date <= ? GROUP BY currency, payment_date
            """, arguments: [first.description, asOf.description])
        let forecasts = try Row.fetchAll(db, sql: """
            SELECT c.currency, c.week_start, c.week_end, c.expected_minor, r.as_of FROM cash_forecast c
            JOIN forecast_run r ON r.id = c.forecast_run_id
            WHERE c.week_end <= ? AND c.week_start >= ? ORDER BY r.as_of
            """, arguments: [asOf.description, first.description])
        var currencies = Set(payments.map { $0[0] as String })
        currencies.formUnion(forecasts.map { $0[0] as String })
        var rows: [[Cell]] = []
        var matched = 0
        for code in currencies.sorted() {
            let currency = Currency(code: code) ?? .eur
            var labels: [String] = [], expectedSeries: [Int64] = [], actualSeries: [Int64] = []
            for j in stride(from: pastWeeks, through: 1, by: -1) {
                let end = asOf.adding(days: -7 * (j - 1)), start = end.adding(days: -6)
                let actual = payments.filter {
                    ($0[0] as String) == code && ($0[1] as String) >= start.description && ($0[1] as String) <= end.description
                }.reduce(Int64(0)) { $0 + ($1[2] as Int64) }
                // The latest kept run that had this window as one of its weeks.
                let f = forecasts.last {
                    ($0[0] as String) == code && ($0[1] as String) == start.description && ($0[2] as String) == end.description
                }
                let expected: Int64? = f?[3]
                if expected != nil { matched += 1 }
                rows.append([.text(code), .day(start.description), .day(end.description),
                             expected.map { .money($0, currency) } ?? .empty, .money(actual, currency),
                             expected.map { .money(actual - $0, currency) } ?? .empty, .day(f?[4] as String?)])
                labels.append(Format.shortDay(end, language: language))
                expectedSeries.append(expected ?? 0)
                actualSeries.append(actual)
            }
            doc.blocks.append(.chart(.pairs(
                title: "Cash-in per week, expected and actual" + (currencies.count > 1 ? " (\(code))" : ""),
                labels: labels, first: expectedSeries, second: actualSeries, names: ("expected", "actual"), currency: currency)))
        }
        if matched == 0 {
            doc.blocks.append(.note("No forecast in the ledger covers these past weeks, so only the actual cash-in is shown. "
                + "A week is compared once it has ended, with the forecast made the latest before it began; the weekly cash "
                + "forecast of every night is kept for 400 days, so this fills in as the nightly run forecasts day after day."))
        }
        doc.blocks.append(.table(Table(
            id: "past_weeks", title: "Past \(pastWeeks) weeks",
            columns: [Column("currency", "Cur."), Column("week_start", "From"), Column("week_end", "To"),
                      Column("expected", "Expected", numeric: true), Column("actual", "Actual", numeric: true),
                      Column("difference", "Actual − expected", numeric: true), Column("forecast_made_on", "Forecast of")],
            rows: rows, emptyText: "No payments and no forecasts in these weeks.",
            caption: "Actual: payments received (by payment date), applied or not.")))
    }
}
