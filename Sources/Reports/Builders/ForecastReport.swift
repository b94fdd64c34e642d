import GRDB
import Ledger
import Store

/// The 13-week cash-in forecast with its P10–P90 band (the latest `forecast_run` on or before
/// the day), and expected against actual cash-in for the past weeks.
enum ForecastReport {
    /// Past weeks compared with what was forecast.
    static let pastWeeks = 8

    static func build(_ db: Database, asOf: Day, options: ReportOptions) throws -> ReportDocument {
        var doc = ReportDocument(
            kind: .forecast, title: "Cash-in forecast", asOf: asOf,
            subtitle: "expected payments of open invoices over the next 13 weeks, with the P10–P90 band")
        let run = try ReportQueries.latestForecastRun(db, onOrBefore: asOf)
        var weekRows: [[Cell]] = []
        if let run {
            let runDay = run.asOf
            if runDay != asOf.description {
                doc.blocks.append(.note("No forecast was made on \(asOf); this report shows the latest one, made on \(runDay). "
                    + "Run `relance forecast run --as-of \(asOf)` for a fresh one."))
            }
            let weeks = try ReportQueries.cashForecastWeeks(db, runID: run.id)
            let byCurrency = Dictionary(grouping: weeks, by: \.currency)
            for code in byCurrency.keys.sorted() {
                let rows = byCurrency[code] ?? []
                let currency = Currency(stored: code)
                let suffix = byCurrency.count > 1 ? " (\(code))" : ""
                let expected: [Int64] = rows.map(\.expected)
                doc.blocks.append(.figures(id: "figures_\(code.lowercased())", [
                    Figure(key: "expected_13_weeks", label: "Expected, 13 weeks" + suffix, value: .money(expected.reduce(0, +), currency)),
                    Figure(key: "expected_4_weeks", label: "Expected, next 4 weeks" + suffix,
                           value: .money(expected.prefix(4).reduce(0, +), currency)),
                    Figure(key: "open_invoices", label: "Open invoices forecast", value: .int(run.openInvoices)),
                    Figure(key: "paid_invoices_learnt", label: "Paid invoices learnt from", value: .int(run.paidInvoices)),
                    Figure(key: "forecast_made_on", label: "Forecast made on", value: .day(runDay)),
                ]))
                let labels = rows.map { r -> String in
                    Day(iso: r.weekStart).map { Format.shortDay($0, language: options.language) } ?? "W\(r.week)"
                }
                doc.blocks.append(.chart(.band(
                    title: "Expected cash-in per week" + suffix, labels: labels,
                    low: rows.map(\.p10), mid: expected, high: rows.map(\.p90), currency: currency)))
                for r in rows {
                    weekRows.append([.text(code), .int(r.week), .day(r.weekStart), .day(r.weekEnd),
                                     .money(r.p10, currency), .money(r.expected, currency), .money(r.p90, currency)])
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
        let payments = try ReportQueries.dailyCashIn(db, from: first, through: asOf)
        let forecasts = try ReportQueries.pastForecastWeeks(db, from: first, through: asOf)
        var currencies = Set(payments.map(\.currency))
        currencies.formUnion(forecasts.map(\.currency))
        var rows: [[Cell]] = []
        var matched = 0
        for code in currencies.sorted() {
            let currency = Currency(stored: code)
            var labels: [String] = [], expectedSeries: [Int64] = [], actualSeries: [Int64] = []
            for j in stride(from: pastWeeks, through: 1, by: -1) {
                let end = asOf.adding(days: -7 * (j - 1)), start = end.adding(days: -6)
                let actual = payments.filter {
                    $0.currency == code && $0.day >= start.description && $0.day <= end.description
                }.reduce(Int64(0)) { $0 + $1.amount }
                // The latest kept run that had this window as one of its weeks.
                let f = forecasts.last {
                    $0.currency == code && $0.weekStart == start.description && $0.weekEnd == end.description
                }
                let expected: Int64? = f?.expected
                if expected != nil { matched += 1 }
                rows.append([.text(code), .day(start.description), .day(end.description),
                             expected.map { .money($0, currency) } ?? .empty, .money(actual, currency),
                             expected.map { .money(actual - $0, currency) } ?? .empty, .day(f?.runAsOf)])
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
