import Foundation

/// The predictive distribution of one invoice's delay (payment day − due day, in days): a mixture of
/// the regular and the late regime, each normal.
struct DelayMixture: Sendable {
    var lateWeight: Double
    var regularMean: Double
    var regularSD: Double
    var lateMean: Double
    var lateSD: Double

    /// P(delay ≤ x).
    @inline(__always)
    func cdf(_ x: Double) -> Double {
        let a = DelayMixture.phi((x - regularMean) / regularSD)
        guard lateWeight > 1e-9 else { return a }
        return (1 - lateWeight) * a + lateWeight * DelayMixture.phi((x - lateMean) / lateSD)
    }

    /// Whole-day P10, P50 and P90 delays, with nothing ruled out (a new invoice).
    func deciles() -> (p10: Int, p50: Int, p90: Int) {
        let lowest = min(regularMean - 8 * regularSD, lateMean - 8 * lateSD)
        return ConditionalDelay(self, tail: LedgerTail(delays: []), unpaidThrough: Int(lowest.rounded(.down)) - 1).deciles()
    }

    /// Standard normal distribution function.
    @inline(__always)
    static func phi(_ z: Double) -> Double { NormalTable.cdf(z) }
}

/// What happened to the ledger's paid invoices: the distribution of their delays, used for the
/// far tail — an invoice so overdue that its debtor's own model gives it almost no chance left
/// leans on what became of the ledger's other invoices that were that late.
struct LedgerTail: Sendable {
    /// Delay counted by `atMost[0]`.
    let minimum: Int
    /// Invoices paid with each delay from `minimum` on, cumulated: `atMost[i]` paid with delay ≤ minimum + i.
    let atMost: [Int]
    let total: Int

    /// Invoices with a later delay needed before the ledger's tail is trusted.
    static let minimumTail = 20
    /// Mean of the exponential remaining time used beyond anything the ledger has seen paid, days.
    static let unknownTailMean = 60.0

    init(delays: [Float]) {
        guard let lo = delays.min(), let hi = delays.max() else {
            minimum = 0; atMost = [0]; total = 0
            return
        }
        let low = Int(lo.rounded(.down)), high = Int(hi.rounded(.up))
        let width = min(high - low + 1, 20_000)
        var c = [Int](repeating: 0, count: width)
        for d in delays { c[min(width - 1, max(0, Int(d.rounded()) - low))] += 1 }
        for i in 1..<width { c[i] += c[i - 1] }
        minimum = low
        atMost = c
        total = delays.count
    }

    /// Invoices paid with a delay ≤ x.
    @inline(__always)
    func count(atMost x: Double) -> Int {
        let i = Int(x.rounded(.down)) - minimum
        if i < 0 { return 0 }
        return i >= atMost.count ? total : atMost[i]
    }

    /// P(delay ≤ x | delay > after) among the ledger's paid invoices; beyond what the ledger has seen,
    /// an exponential remaining time with mean `unknownTailMean`.
    @inline(__always)
    func conditionalCDF(_ x: Double, after: Double) -> Double {
        if x <= after { return 0 }
        let before = count(atMost: after)
        let remaining = total - before
        if remaining < LedgerTail.minimumTail {
            return 1 - exp(-(x - after) / LedgerTail.unknownTailMean)
        }
        return Double(count(atMost: x) - before) / Double(remaining)
    }
}

/// An invoice's delay distribution given that it is still unpaid at the end of the as-of day:
/// the model's mixture truncated there, blended with the ledger's tail when the model says the
/// invoice should long have been paid.
struct ConditionalDelay: Sendable {
    let mixture: DelayMixture
    let tail: LedgerTail
    /// Delays at or below this are ruled out (the invoice was unpaid then); a half-day boundary.
    let after: Double
    let cdfAfter: Double
    let modelWeight: Double

    /// Survival below which the model's own tail is trusted less and less (linearly to 0).
    static let trustedSurvival = 0.05

    /// `unpaidThrough` = the last delay already ruled out (as-of day − due day).
    init(_ mixture: DelayMixture, tail: LedgerTail, unpaidThrough: Int) {
        self.mixture = mixture
        self.tail = tail
        after = Double(unpaidThrough) + 0.5
        cdfAfter = mixture.cdf(after)
        let survival = 1 - cdfAfter
        modelWeight = survival >= ConditionalDelay.trustedSurvival ? 1 : max(0, survival / ConditionalDelay.trustedSurvival)
    }

    /// P(delay ≤ x | unpaid through the as-of day), x in days after the due day.
    @inline(__always)
    func cdf(_ x: Double) -> Double {
        if x <= after { return 0 }
        var p = 0.0
        if modelWeight > 0 {
            let survival = 1 - cdfAfter
            p = modelWeight * (survival > 0 ? min(1, max(0, (mixture.cdf(x) - cdfAfter) / survival)) : 1)
        }
        if modelWeight < 1 { p += (1 - modelWeight) * tail.conditionalCDF(x, after: after) }
        return min(1, p)
    }

    /// P(paid on or before day-delay d), d a whole number of days after the due day.
    @inline(__always)
    func paidBy(delay d: Int) -> Double { cdf(Double(d) + 0.5) }

    /// The first whole delay whose probability of payment by then reaches `q`, searching from
    /// `from` (a delay known to be at or below the answer; default the first possible one).
    func quantile(_ q: Double, from: Int? = nil) -> Int {
        let first = max(Int((after + 0.5).rounded(.down)), from ?? Int.min)
        if paidBy(delay: first) >= q { return first }
        var lo = first, step = 4, hi = first + step
        while paidBy(delay: hi) < q {
            lo = hi
            step *= 2
            hi += step
            if step > 1 << 16 { return hi }
        }
        // paidBy(lo) < q ≤ paidBy(hi)
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2
            if paidBy(delay: mid) >= q { hi = mid } else { lo = mid }
        }
        return hi
    }

    /// The P10, P50 and P90 delays, each search starting from the previous answer.
    func deciles() -> (p10: Int, p50: Int, p90: Int) {
        let p10 = quantile(0.1)
        let p50 = quantile(0.5, from: p10)
        return (p10, p50, quantile(0.9, from: p50))
    }
}
