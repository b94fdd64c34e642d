import Foundation
import Ledger

/// The payment-delay model: a hierarchical empirical-Bayes model of the signed delay (payment day −
/// due day) with two regimes.
///
/// - Regular regime: delay = debtor location + covariate effects + noise with the debtor's own spread.
/// - Late regime (an invoice that goes badly: lost, contested, forgotten): the same plus a ledger-wide
///   shift, with its own spread. Its probability is the debtor's logit plus a slope on the amount.
/// - Every debtor quantity is shrunk toward its segment (consumer or company, language, invoice size)
///   and the segment toward the whole ledger, in proportion to how little is known: a debtor with
///   two paid invoices is mostly its segment, one with two hundred is mostly itself. The strength
///   of the location shrinkage is estimated from the ledger (empirical Bayes).
///
/// Fitted by EM (`DelayModel.fit`): deterministic for a given ledger and origin.
struct DelayModel: Sendable {
    /// Tuning that is not learnt from the data.
    struct Settings: Sendable {
        /// EM iterations.
        var iterations = 20
        /// Paid invoices needed before the late regime is fitted.
        var minimumRowsForLateRegime = 50
        /// Prior precision of a debtor's late-regime logit around its segment's.
        var logitPrecision = 0.5
        /// Weight, in invoices, of the ledger's spread in a debtor's spread.
        var spreadPseudoCount = 10.0
        /// Weight, in debtors, of the ledger in a segment's location and logit.
        var segmentPseudoCount = 5.0
        /// Weight, in invoices, of each covariate's prior effect.
        var covariatePseudoCount = 10.0
        /// Prior effects of the covariates by name, in days (absent: 0).
        var covariatePriors = ["disputed": 30.0, "on hold": 10.0, "direct debit": -3.0]
        /// Spread assumed when the ledger has no payment history at all, in days.
        var defaultSpread = 10.0
        /// Whether a ledger-wide linear drift of the delay in time (days per year of due day) is learnt.
        var trend = true
        /// Whether the drift is kept only when it wins a validation on the ledger's own recent history
        /// (`DriftChoice`); false: `trend` alone decides.
        var validateTrend = true
        /// Days between the validation's cut and the origin.
        var trendValidationDays: Int32 = 120
        /// The validation scores the invoices open at the cut and due by this many days after it.
        var trendValidationHorizon: Int32 = 30
        /// The validation also scores the invoices issued after the cut and due by the origin.
        var trendValidationNewInvoices = true
        /// The drift is kept when its validation gain exceeds this many standard errors (a tie keeps
        /// the simpler model).
        var trendValidationMargin = 1.0
        /// Paid invoices due within this many days of the newest payment do not inform the drift (only
        /// the quick payers among them are paid yet).
        var trendMinimumAge: Int32 = 90
        /// Weight of the drift's prior (0), in invoice-years².
        var trendPseudoCount = 10.0
        /// The drift is kept only when it is this many standard errors from 0.
        var trendMinimumZ = 0.0
    }

    /// Covariate names in bit order.
    var covariates: [String]
    /// Effect of each covariate on the delay, days.
    var covariateEffect: [Double]
    /// Ledger mean of the debtors' locations, days.
    var ledgerLocation: Double
    /// Variance of debtor locations around their segment's (τ²).
    var locationVariance: Double
    /// Ledger spread of the regular regime (σ), days.
    var spread: Double
    /// Shift and spread of the late regime, days.
    var lateShift: Double
    var lateSpread: Double
    /// Ledger logit of the late regime and its slope on the amount z-score.
    var ledgerLogit: Double
    var amountSlope: Double
    /// Ledger-wide drift of the delay, days per year of due day after `trendOrigin` (0 unless learnt).
    var trendPerYear = 0.0
    var trendOrigin: Int32 = 0
    /// The drift's estimate in standard errors.
    var trendZ = 0.0
    /// The validation that decided whether the drift is learnt (set by `LearntModel`).
    var driftChoice: DriftChoice?
    /// Whether the late regime was fitted (enough history).
    var hasLateRegime: Bool
    /// Per segment: location and logit.
    var segmentLocation: [Double]
    var segmentLogit: [Double]
    /// Per debtor: location, its posterior variance, spread, logit, paid invoices learnt from.
    var location: [Double]
    var locationPosteriorVariance: [Double]
    var debtorSpread: [Double]
    var logit: [Double]
    var paidCount: [Int32]
    /// Paid invoices learnt from.
    var rowCount: Int

    /// The model's name and version as stored with each run (2: settlement habits, ready-day
    /// imputation, hold, direct debit and season covariates, promises to pay; 3: the drift; 4: the
    /// drift only when the ledger's recent history prefers it, `DriftChoice`).
    static let name = "two-regime-eb/4"

    /// Sum of the covariate effects of a bit set.
    func offset(bits: UInt8) -> Double {
        var s = 0.0
        for k in 0..<covariateEffect.count where bits & (UInt8(1) << UInt8(k)) != 0 { s += covariateEffect[k] }
        return s
    }

    /// Late-regime probability of an invoice of debtor `c` with amount z-score `z`.
    func lateProbability(debtor c: Int, amountZ z: Float) -> Double {
        guard hasLateRegime else { return 0 }
        return DelayModel.logistic(logit[c] + amountSlope * Double(z))
    }

    /// The predictive distribution of the delay of an invoice, before any conditioning.
    func distribution(debtor c: Int, amountZ z: Float, bits: UInt8, due: Int32? = nil) -> DelayMixture {
        var m = location[c] + offset(bits: bits)
        if trendPerYear != 0, let due { m += trendPerYear * Double(due - trendOrigin) / 365.25 }
        let v = locationPosteriorVariance[c]
        return DelayMixture(
            lateWeight: lateProbability(debtor: c, amountZ: z),
            regularMean: m, regularSD: (debtorSpread[c] * debtorSpread[c] + v).squareRoot(),
            lateMean: m + lateShift, lateSD: (lateSpread * lateSpread + v).squareRoot())
    }

    /// The fitted ledger-level parameters as a JSON object (stored with each run).
    var parametersJSON: String {
        func f(_ x: Double) -> String { String(format: "%.4f", x) }
        var w = JSONWriter()
        w.beginObject()
        w.field("paid_invoices", rowCount)
        w.field("ledger_location_days", decimal: f(ledgerLocation))
        w.field("location_sd_days", decimal: f(locationVariance.squareRoot()))
        w.field("spread_days", decimal: f(spread))
        w.field("late_regime", hasLateRegime)
        w.field("late_shift_days", decimal: f(lateShift))
        w.field("late_spread_days", decimal: f(lateSpread))
        w.field("late_share", decimal: f(DelayModel.logistic(ledgerLogit)))
        w.field("late_amount_slope", decimal: f(amountSlope))
        w.field("drift_days_per_year", decimal: f(trendPerYear))
        if let c = driftChoice, let with = c.errorWith, let without = c.errorWithout {
            w.key("drift_validation")
            w.beginObject()
            w.field("mae_with_days", decimal: f(with))
            w.field("mae_without_days", decimal: f(without))
            w.field("gain_standard_error_days", decimal: f(c.gainStandardError ?? 0))
            w.field("invoices", c.scored)
            w.field("debtor_step", c.step)
            w.endObject()
        }
        w.key("covariate_effects_days")
        w.beginObject()
        for (name, effect) in zip(covariates, covariateEffect) { w.field(name, decimal: f(effect)) }
        w.endObject()
        w.endObject()
        return w.take()
    }

    /// 1 / (1 + e^−x), safe for large |x|.
    @inline(__always)
    static func logistic(_ x: Double) -> Double {
        let t = min(40, max(-40, x))
        return 1 / (1 + exp(-t))
    }
}
