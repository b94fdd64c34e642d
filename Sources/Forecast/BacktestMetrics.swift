import Foundation

/// Accuracy of one forecaster over the scored forecasts of a backtest.
package struct BacktestMetrics: Sendable, Equatable {
    /// What was evaluated, e.g. "relance (two-regime-eb/2)".
    package var name: String
    /// Forecasts scored.
    package var count = 0
    /// Mean absolute error of the P50 date, days.
    package var meanAbsoluteError: Double { count > 0 ? Double(absoluteErrorSum) / Double(count) : 0 }
    /// Share of P50 dates within ±3 and ±7 days of the payment.
    package var within3: Double { share(within3Count) }
    package var within7: Double { share(within7Count) }
    /// Share of forecasts right about late versus not late (P50 after the due date or not).
    package var lateAccuracy: Double { share(lateRightCount) }
    /// Share of payments inside the P10–P90 dates; nil for a forecaster without an interval.
    package var coverage: Double? { hasInterval ? share(coveredCount) : nil }

    var absoluteErrorSum = 0
    var within3Count = 0
    var within7Count = 0
    var lateRightCount = 0
    var coveredCount = 0
    var hasInterval: Bool

    /// Empty metrics.
    package init(name: String, hasInterval: Bool) {
        self.name = name
        self.hasInterval = hasInterval
    }

    /// Scores one forecast: predicted P50 delay and P10–P90 delays against the actual delay (days
    /// after the due date).
    mutating func add(p50: Int, p10: Int = 0, p90: Int = 0, actual: Int) {
        let e = abs(p50 - actual)
        count += 1
        absoluteErrorSum += e
        if e <= 3 { within3Count += 1 }
        if e <= 7 { within7Count += 1 }
        if (p50 > 0) == (actual > 0) { lateRightCount += 1 }
        if p10 <= actual && actual <= p90 { coveredCount += 1 }
    }

    private func share(_ n: Int) -> Double { count > 0 ? Double(n) / Double(count) : 0 }
}

/// The model and the debtor-median baseline on one group of a backtest's forecasts.
package struct BacktestGroup: Sendable {
    /// E.g. "due within 7 days", "consumers", "debtors with fewer than 5 paid invoices".
    package var name: String
    /// Relance's model on the group.
    package var model: BacktestMetrics
    /// The debtor-median baseline on the group.
    package var debtorMedian: BacktestMetrics

    /// The groups every backtest reports, in this order: four horizons (when the invoice is due,
    /// seen from the forecast's day), the two kinds of debtor, then short and long histories.
    static func standard() -> [BacktestGroup] {
        ["due within 7 days", "due in 8–30 days", "due in more than 30 days", "overdue", "companies", "consumers",
         "fewer than 5 paid invoices", "5 paid invoices or more"].map {
            BacktestGroup(name: $0, model: BacktestMetrics(name: "relance", hasInterval: true),
                          debtorMedian: BacktestMetrics(name: "debtor's median delay", hasInterval: true))
        }
    }
}

/// The outcome of a backtest: the model and the two baselines on the same forecasts.
package struct BacktestReport: Sendable {
    /// How the forecasts were made, in words.
    package var protocolDescription: String
    /// Forecast origins (as-of days).
    package var origins: [Int32]
    /// Forecasts not scored because the invoice is still unpaid today.
    package var unscored: Int
    /// Relance's model.
    package var model: BacktestMetrics
    /// Baseline: payment on the due date (or the day after the origin when already overdue).
    package var dueDate: BacktestMetrics
    /// Baseline: the debtor's median delay so far (the ledger's without history), P10–P90 likewise.
    package var debtorMedian: BacktestMetrics
    /// The model against the debtor-median baseline per horizon, kind of debtor and length of history.
    package var groups: [BacktestGroup] = BacktestGroup.standard()

    /// The report as text: one line of protocol, a table of the three forecasters.
    package var text: String {
        var s = protocolDescription + "\n"
        s += "\(model.count) forecasts scored" + (unscored > 0 ? "; \(unscored) not scored (invoice still unpaid)" : "") + "\n"
        guard model.count > 0 else { return s }
        s += "\n"
        let header = ["forecaster", "MAE (days)", "within ±3", "within ±7", "late/not late", "P10–P90 coverage"]
        let rows = [model, dueDate, debtorMedian].map { m in
            [m.name, String(format: "%.2f", m.meanAbsoluteError), percent(m.within3), percent(m.within7),
             percent(m.lateAccuracy), m.coverage.map(percent) ?? "–"]
        }
        s += table([header] + rows)
        let shown = groups.filter { $0.model.count > 0 }
        guard !shown.isEmpty else { return s }
        s += "\nBy horizon, kind of debtor and history (relance against the debtor's median delay):\n\n"
        let groupHeader = ["forecasts", "count", "MAE", "median MAE", "within ±3", "median ±3", "late/not late",
                           "median late", "coverage", "median cov."]
        let groupRows = shown.map { g in
            [g.name, String(g.model.count), String(format: "%.2f", g.model.meanAbsoluteError),
             String(format: "%.2f", g.debtorMedian.meanAbsoluteError), percent(g.model.within3), percent(g.debtorMedian.within3),
             percent(g.model.lateAccuracy), percent(g.debtorMedian.lateAccuracy), g.model.coverage.map(percent) ?? "–",
             g.debtorMedian.coverage.map(percent) ?? "–"]
        }
        s += table([groupHeader] + groupRows)
        return s
    }

    /// Rows as a text table: the first column left-aligned, the others right-aligned.
    private func table(_ rows: [[String]]) -> String {
        let widths = (rows.first ?? []).indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        var s = ""
        for r in rows {
            s += r.enumerated().map { c, v in
                c == 0 ? v + String(repeating: " ", count: widths[c] - v.count)
                    : String(repeating: " ", count: widths[c] - v.count) + v
            }.joined(separator: "  ") + "\n"
        }
        return s
    }

    private func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }
}
