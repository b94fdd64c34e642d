import GRDB

extension Schema {
    /// Payment forecasts, debtor scores and the cash forecast (owner: Forecast).
    ///
    /// One `forecast_run` per as-of day: running the forecast again for the same day replaces that
    /// day's run and everything hanging off it, in one transaction. Days are `YYYY-MM-DD`,
    /// probabilities REAL in 0…1, money INTEGER minor units with its currency.
    static func forecastV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE forecast_run (
              id INTEGER PRIMARY KEY,
              as_of TEXT NOT NULL UNIQUE,
              run_id INTEGER REFERENCES run(id),
              created_at TEXT NOT NULL,
              model TEXT NOT NULL,
              paid_invoices INTEGER NOT NULL CHECK (paid_invoices >= 0),
              open_invoices INTEGER NOT NULL CHECK (open_invoices >= 0),
              debtors INTEGER NOT NULL CHECK (debtors >= 0),
              parameters TEXT NOT NULL
            );

            CREATE TABLE invoice_forecast (
              forecast_run_id INTEGER NOT NULL REFERENCES forecast_run(id) ON DELETE CASCADE,
              invoice_id INTEGER NOT NULL REFERENCES invoice(id),
              p10_date TEXT NOT NULL,
              p50_date TEXT NOT NULL,
              p90_date TEXT NOT NULL,
              p_paid_by_due REAL NOT NULL CHECK (p_paid_by_due BETWEEN 0 AND 1),
              p_paid_by_due_30 REAL NOT NULL CHECK (p_paid_by_due_30 BETWEEN p_paid_by_due AND 1),
              p_paid_by_due_60 REAL NOT NULL CHECK (p_paid_by_due_60 BETWEEN p_paid_by_due_30 AND 1),
              CHECK (p10_date <= p50_date AND p50_date <= p90_date),
              PRIMARY KEY (forecast_run_id, invoice_id)
            ) WITHOUT ROWID;

            CREATE TABLE debtor_score (
              forecast_run_id INTEGER NOT NULL REFERENCES forecast_run(id) ON DELETE CASCADE,
              debtor_id INTEGER NOT NULL REFERENCES debtor(id),
              score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 100),
              grade TEXT NOT NULL CHECK (grade IN ('A', 'B', 'C', 'D', 'E')),
              reasons TEXT NOT NULL,
              paid_invoices INTEGER NOT NULL CHECK (paid_invoices >= 0),
              open_invoices INTEGER NOT NULL CHECK (open_invoices >= 0),
              overdue_30_invoices INTEGER NOT NULL CHECK (overdue_30_invoices BETWEEN 0 AND open_invoices),
              typical_delay_days INTEGER NOT NULL,
              late_share REAL NOT NULL CHECK (late_share BETWEEN 0 AND 1),
              PRIMARY KEY (forecast_run_id, debtor_id)
            ) WITHOUT ROWID;

            CREATE TABLE cash_forecast (
              forecast_run_id INTEGER NOT NULL REFERENCES forecast_run(id) ON DELETE CASCADE,
              currency TEXT NOT NULL,
              week INTEGER NOT NULL CHECK (week BETWEEN 1 AND 13),
              week_start TEXT NOT NULL,
              week_end TEXT NOT NULL CHECK (week_end >= week_start),
              expected_minor INTEGER NOT NULL CHECK (expected_minor >= 0),
              p10_minor INTEGER NOT NULL CHECK (p10_minor BETWEEN 0 AND expected_minor),
              p90_minor INTEGER NOT NULL CHECK (p90_minor >= expected_minor),
              PRIMARY KEY (forecast_run_id, currency, week)
            ) WITHOUT ROWID;
            """)
    }
}
