import GRDB
import Ledger

/// One week of a run's 13-week cash-in forecast in one currency.
package struct CashForecastWeek: FetchableRecord, Sendable {
    /// ISO currency code.
    package var currency: String
    /// Week 1–13.
    package var week: Int
    /// First and last day of the week.
    package var weekStart: String, weekEnd: String
    /// P10, expected and P90 cash-in, minor units.
    package var p10: Int64, expected: Int64, p90: Int64

    /// Decodes `currency, week, week_start, week_end, p10_minor, expected_minor, p90_minor`.
    package init(row: Row) throws {
        currency = row[0]
        week = row[1]
        weekStart = row[2]
        weekEnd = row[3]
        p10 = row[4]
        expected = row[5]
        p90 = row[6]
    }
}

/// Payments received on one day in one currency.
package struct DailyCashIn: FetchableRecord, Sendable {
    /// ISO currency code.
    package var currency: String
    /// The payment date.
    package var day: String
    /// Received, minor units.
    package var amount: Int64

    /// Decodes `currency, payment_date, SUM(amount_minor)`.
    package init(row: Row) throws {
        currency = row[0]
        day = row[1]
        amount = row[2]
    }
}

/// A past week as some kept forecast run expected it.
package struct PastForecastWeek: FetchableRecord, Sendable {
    /// ISO currency code.
    package var currency: String
    /// First and last day of the week.
    package var weekStart: String, weekEnd: String
    /// Expected cash-in, minor units.
    package var expected: Int64?
    /// The day of the run that forecast it.
    package var runAsOf: String?

    /// Decodes `currency, week_start, week_end, expected_minor, run as_of`.
    package init(row: Row) throws {
        currency = row[0]
        weekStart = row[1]
        weekEnd = row[2]
        expected = row[3]
        runAsOf = row[4]
    }
}

extension ReportQueries {
    /// The 13 weeks of forecast run `runID`, by currency and week.
    package static func cashForecastWeeks(_ db: Database, runID: Int64) throws -> [CashForecastWeek] {
        try CashForecastWeek.fetchAll(db, sql: """
            SELECT currency, week, week_start, week_end, p10_minor, expected_minor, p90_minor
            FROM cash_forecast WHERE forecast_run_id = ? ORDER BY currency, week
            """, arguments: [runID])
    }

    /// Payments received per currency and payment date in [`from`, `through`].
    package static func dailyCashIn(_ db: Database, from: Day, through: Day) throws -> [DailyCashIn] {
        try DailyCashIn.fetchAll(db, sql: """
            SELECT currency, payment_date, SUM(amount_minor) FROM payment
            WHERE payment_date >= ? AND payment_date <= ? GROUP BY currency, payment_date
            """, arguments: [from.description, through.description])
    }

    /// Every kept run's forecast weeks lying inside [`from`, `through`], oldest run first.
    package static func pastForecastWeeks(_ db: Database, from: Day, through: Day) throws -> [PastForecastWeek] {
        try PastForecastWeek.fetchAll(db, sql: """
            SELECT c.currency, c.week_start, c.week_end, c.expected_minor, r.as_of FROM cash_forecast c
            JOIN forecast_run r ON r.id = c.forecast_run_id
            WHERE c.week_end <= ? AND c.week_start >= ? ORDER BY r.as_of
            """, arguments: [through.description, from.description])
    }
}
