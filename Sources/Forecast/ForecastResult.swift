import Ledger
import Store

/// When one open invoice will most likely be paid, and how sure that is.
package struct InvoiceForecast: Sendable, Equatable {
    /// The store's `invoice.id`.
    package var invoiceID: Int64
    /// Days by which payment has a 10 %, 50 % and 90 % chance (never before the day after the as-of day).
    package var p10: Day
    package var p50: Day
    package var p90: Day
    /// Chance of payment by the due date, by 30 days after it, by 60 days after it.
    package var paidByDue: Double
    package var paidByDue30: Double
    package var paidByDue60: Double
}

/// A debtor's grade, from A (pays reliably) to E (needs a call): `debtor_score.grade`, in Store.
package typealias Grade = DebtorGrade

extension DebtorGrade {
    /// The grade of a score 0–100: A ≥ 80 (on time or early), B ≥ 70 (up to about 15 days late),
    /// C ≥ 50 (up to 30), D ≥ 30 (up to 90), else E.
    package init(score: Int) {
        switch score {
        case 80...: self = .a
        case 70..<80: self = .b
        case 50..<70: self = .c
        case 30..<50: self = .d
        default: self = .e
        }
    }
}

/// A debtor's score 0–100 with its grade and the main reasons in words.
package struct DebtorScore: Sendable, Equatable {
    /// The store's `debtor.id`.
    package var debtorID: Int64
    package var debtorKey: String
    /// 0–100, the average over the debtor's open invoices and its next one of each invoice's points
    /// on a payment-index scale (80 paid on the due date, 50 30 days late, 20 120 days late; see
    /// `docs/FORECAST.md`).
    package var score: Int
    package var grade: Grade
    /// The main reasons, most important first.
    package var reasons: [String]
    package var paidInvoices: Int
    package var openInvoices: Int
    /// Open invoices more than 30 days past their due date.
    package var overdue30Invoices: Int
    /// P50 delay of a typical next invoice, days after the due date (negative: before).
    package var typicalDelayDays: Int
    /// Share of the debtor's invoices expected to go badly (the late regime).
    package var lateShare: Double
}

/// Expected cash-in of one week in one currency, with a P10–P90 band.
package struct CashWeek: Sendable, Equatable {
    package var currency: String
    /// 1…13; week 1 is the seven days after the as-of day.
    package var week: Int
    package var start: Day
    package var end: Day
    package var expectedMinor: Int64
    package var p10Minor: Int64
    package var p90Minor: Int64
}

/// The forecast for one as-of day: every open invoice, every debtor with invoices, 13 weeks of cash.
package struct ForecastResult: Sendable {
    package var asOf: Day
    /// The model's name and version.
    package var model: String
    /// The fitted ledger-level parameters as a JSON object.
    package var parameters: String
    /// Paid invoices the model learnt from.
    package var paidInvoices: Int
    package var invoices: [InvoiceForecast]
    package var debtors: [DebtorScore]
    package var cash: [CashWeek]
    /// Open invoices whose debtor had fewer than 5 paid invoices: their forecast rests mostly on
    /// similar debtors (the segment), not on the debtor's own history.
    package var littleHistoryInvoices = 0
    /// Debtors whose settlement habit was learnt (a weekly run, month end or payday), by habit.
    package var habitDebtors: [String: Int] = [:]
}

/// The one rounding step of the cash forecast: an expected amount (a sum of amount × probability)
/// to whole minor units, half away from zero.
package enum CashRounding {
    /// Rounds an expected amount in minor units to an integer number of minor units.
    package static func minorUnits(_ expected: Double) -> Int64 {
        guard expected.isFinite else { return 0 }
        return Int64(expected.rounded(.toNearestOrAwayFromZero))
    }
}
