import GRDB

/// One row of `forecast_run`: the forecast made for one as-of day (owner: Forecast).
package struct ForecastRunRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    package static let databaseTableName = "forecast_run"
    package var id: Int64?
    /// The as-of day, `YYYY-MM-DD`; unique: a new run for the same day replaces the old one.
    package var asOf: String
    /// The `run` row of the command that made it, if any.
    package var runId: Int64?
    /// When it was made (`Instant.string`).
    package var createdAt: String
    /// The model's name and version, e.g. `two-regime-eb/1`.
    package var model: String
    /// Paid invoices the model learnt from.
    package var paidInvoices: Int
    /// Open invoices forecast.
    package var openInvoices: Int
    /// Debtors scored.
    package var debtors: Int
    /// The fitted ledger-level parameters as a JSON object, for audits and explanations.
    package var parameters: String

    enum CodingKeys: String, CodingKey {
        case id, asOf = "as_of", runId = "run_id", createdAt = "created_at", model
        case paidInvoices = "paid_invoices", openInvoices = "open_invoices", debtors, parameters
    }

    /// A run about to be stored.
    package init(asOf: String, runId: Int64?, createdAt: String, model: String, paidInvoices: Int, openInvoices: Int,
                debtors: Int, parameters: String) {
        self.asOf = asOf
        self.runId = runId
        self.createdAt = createdAt
        self.model = model
        self.paidInvoices = paidInvoices
        self.openInvoices = openInvoices
        self.debtors = debtors
        self.parameters = parameters
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of `invoice_forecast`: when one open invoice will most likely be paid.
package struct InvoiceForecastRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    package static let databaseTableName = "invoice_forecast"
    package var forecastRunId: Int64
    package var invoiceId: Int64
    /// Payment dates (`YYYY-MM-DD`) with 10 %, 50 % and 90 % chance of payment by then.
    package var p10Date: String
    package var p50Date: String
    package var p90Date: String
    /// Chance of payment by the due date, by 30 and by 60 days after it.
    package var pPaidByDue: Double
    package var pPaidByDue30: Double
    package var pPaidByDue60: Double

    enum CodingKeys: String, CodingKey {
        case forecastRunId = "forecast_run_id", invoiceId = "invoice_id"
        case p10Date = "p10_date", p50Date = "p50_date", p90Date = "p90_date"
        case pPaidByDue = "p_paid_by_due", pPaidByDue30 = "p_paid_by_due_30", pPaidByDue60 = "p_paid_by_due_60"
    }

    /// A forecast row.
    package init(forecastRunId: Int64, invoiceId: Int64, p10Date: String, p50Date: String, p90Date: String,
                pPaidByDue: Double, pPaidByDue30: Double, pPaidByDue60: Double) {
        self.forecastRunId = forecastRunId
        self.invoiceId = invoiceId
        self.p10Date = p10Date
        self.p50Date = p50Date
        self.p90Date = p90Date
        self.pPaidByDue = pPaidByDue
        self.pPaidByDue30 = pPaidByDue30
        self.pPaidByDue60 = pPaidByDue60
    }
}

/// One row of `debtor_score`: a debtor's score 0–100, grade and the main reasons in words.
package struct DebtorScoreRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    package static let databaseTableName = "debtor_score"
    package var forecastRunId: Int64
    package var debtorId: Int64
    package var score: Int
    /// `A` (best) … `E`.
    package var grade: String
    /// The main reasons, most important first, as a JSON array of sentences.
    package var reasons: String
    package var paidInvoices: Int
    package var openInvoices: Int
    /// Open invoices more than 30 days past their due date.
    package var overdue30Invoices: Int
    /// The delay (days after the due date; negative is early) of a typical next invoice's P50.
    package var typicalDelayDays: Int
    /// The share of this debtor's invoices expected to go badly (the late regime).
    package var lateShare: Double

    enum CodingKeys: String, CodingKey {
        case forecastRunId = "forecast_run_id", debtorId = "debtor_id", score, grade, reasons
        case paidInvoices = "paid_invoices", openInvoices = "open_invoices", overdue30Invoices = "overdue_30_invoices"
        case typicalDelayDays = "typical_delay_days", lateShare = "late_share"
    }

    /// A score row.
    package init(forecastRunId: Int64, debtorId: Int64, score: Int, grade: String, reasons: String, paidInvoices: Int,
                openInvoices: Int, overdue30Invoices: Int, typicalDelayDays: Int, lateShare: Double) {
        self.forecastRunId = forecastRunId
        self.debtorId = debtorId
        self.score = score
        self.grade = grade
        self.reasons = reasons
        self.paidInvoices = paidInvoices
        self.openInvoices = openInvoices
        self.overdue30Invoices = overdue30Invoices
        self.typicalDelayDays = typicalDelayDays
        self.lateShare = lateShare
    }
}

/// One row of `cash_forecast`: expected cash-in of one week in one currency, with a P10–P90 band.
package struct CashForecastRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    package static let databaseTableName = "cash_forecast"
    package var forecastRunId: Int64
    package var currency: String
    /// 1 … 13: week 1 is the seven days after the as-of day.
    package var week: Int
    package var weekStart: String
    package var weekEnd: String
    package var expectedMinor: Int64
    package var p10Minor: Int64
    package var p90Minor: Int64

    enum CodingKeys: String, CodingKey {
        case forecastRunId = "forecast_run_id", currency, week, weekStart = "week_start", weekEnd = "week_end"
        case expectedMinor = "expected_minor", p10Minor = "p10_minor", p90Minor = "p90_minor"
    }

    /// A week row.
    package init(forecastRunId: Int64, currency: String, week: Int, weekStart: String, weekEnd: String,
                expectedMinor: Int64, p10Minor: Int64, p90Minor: Int64) {
        self.forecastRunId = forecastRunId
        self.currency = currency
        self.week = week
        self.weekStart = weekStart
        self.weekEnd = weekEnd
        self.expectedMinor = expectedMinor
        self.p10Minor = p10Minor
        self.p90Minor = p90Minor
    }
}

/// A debtor's grade in `debtor_score.grade`, from A (pays reliably) to E (needs a call); Forecast
/// sets it from the score.
package enum DebtorGrade: String, DatabaseValueConvertible, Sendable, CaseIterable {
    /// A: on time or early (score ≥ 80).
    case a = "A"
    /// B: up to about 15 days late (≥ 70).
    case b = "B"
    /// C: up to 30 days late (≥ 50).
    case c = "C"
    /// D: up to 90 days late (≥ 30).
    case d = "D"
    /// E: needs a call.
    case e = "E"
}
