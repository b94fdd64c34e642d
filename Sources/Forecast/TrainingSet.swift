import Foundation
import Ledger

/// What was known on one origin day (the as-of day), prepared for the model: the paid invoices
/// as rows sorted by debtor, each debtor's segment, and the amount scale per currency.
///
/// Only facts dated on or before the origin are used: an invoice counts as paid when its payment
/// day is on or before it, and debtors are sized by the invoices issued by then.
struct TrainingSet: Sendable {
    /// Covariate names in bit order: `disputed`, `partly paid`, `on hold`, `direct debit`, `due in
    /// July–August`, `due around the year end`, then up to two attributes (e.g. `paperless`).
    let covariates: [String]
    /// Per paid invoice, sorted by debtor: signed delay (payment day − due day), amount z-score,
    /// covariate bits.
    var delay: [Float] = []
    var amountZ: [Float] = []
    var bits: [UInt8] = []
    /// Per paid invoice: its payment day, and the earliest delay at which it may have become ready to
    /// pay (`lower ≤ delay`; below `delay` when the debtor's habit made it wait for a payment day,
    /// see `setReadyBounds`; empty until then).
    var paidDay: [Int32] = []
    var lower: [Float] = []
    /// Row range of each debtor (`rowStart[c] ..< rowStart[c + 1]`).
    var rowStart: [Int] = []
    /// Segment of each debtor (kind × language × invoice size).
    var segment: [Int] = []
    /// Mean amount z-score of each debtor's invoices issued by the origin (0 without any).
    var debtorAmountZ: [Float] = []
    /// Mean and standard deviation of ln(amount) per currency index.
    var logAmountMean: [Double] = []
    var logAmountSD: [Double] = []

    static let segmentCount = 2 * DebtorLanguage.all.count * 3
    static let partlyPaidBit: UInt8 = 2
    /// Covariates before the attributes, and the attributes kept.
    static let fixedCovariates = ["disputed", "partly paid", "on hold", "direct debit", "due in July–August",
                                  "due around the year end"]
    static let maximumAttributes = 2
    /// The calendar of summer and year-end dues.
    let calendar: PaymentCalendar
    /// Calendar flags of the seasons learnt: a season counts only once the paid history holds it in
    /// at least two different years (30 invoices each), so that a drift is not taken for a season.
    var seasons: UInt8 = 0
    /// Paid invoices a season needs in a year to count.
    static let seasonMinimum = 30

    var rowCount: Int { rowStart.last ?? 0 }
    var debtorCount: Int { segment.count }

    /// Builds the set as of `origin` (days since epoch).
    init(facts: LedgerFacts, origin: Int32, calendar: PaymentCalendar? = nil) {
        self.calendar = calendar ?? PaymentCalendar(covering: facts, through: origin)
        covariates = TrainingSet.fixedCovariates + facts.attributes.prefix(TrainingSet.maximumAttributes).map(\.name)
        let n = facts.invoiceCount, debtors = facts.debtorCount
        // Amount scale per currency over invoices issued by the origin.
        let currencies = max(1, facts.currencies.count)
        // ln(amount) of each invoice issued by the origin, computed once (on all cores: each value is
        // the same wherever it is computed; the sums below still add them in invoice order).
        let logAmount = SharedBuffer<Double>(repeating: 0, count: n)
        let logChunks = Parallel.ranges(count: n, chunks: 8)
        Parallel.run(chunks: logChunks.count) { ch in
            for i in logChunks[ch] where facts.issue[i] <= origin { logAmount[i] = log(Double(facts.amountMinor[i])) }
        }
        var sum = [Double](repeating: 0, count: currencies), sum2 = sum, count = sum
        for i in 0..<n where facts.issue[i] <= origin {
            let l = logAmount[i], c = Int(facts.currency[i])
            sum[c] += l; sum2[c] += l * l; count[c] += 1
        }
        logAmountMean = (0..<currencies).map { count[$0] > 0 ? sum[$0] / count[$0] : 0 }
        logAmountSD = (0..<currencies).map { c in
            guard count[c] > 1 else { return 1 }
            let v = sum2[c] / count[c] - logAmountMean[c] * logAmountMean[c]
            return v > 1e-12 ? v.squareRoot() : 1
        }
        // `amountZ(of:in:)` from the logarithms above.
        let mean = logAmountMean, sd = logAmountSD
        func z(_ i: Int) -> Float {
            let c = Int(facts.currency[i])
            guard c < mean.count else { return 0 }
            return Float((logAmount[i] - mean[c]) / sd[c])
        }
        // Debtor sizes and paid rows per debtor (a counting sort by debtor).
        var zSum = [Double](repeating: 0, count: debtors), zCount = [Int](repeating: 0, count: debtors)
        var rows = [Int](repeating: 0, count: debtors + 1)
        for i in 0..<n where facts.issue[i] <= origin {
            let c = Int(facts.debtor[i])
            zSum[c] += Double(z(i)); zCount[c] += 1
            if facts.isPaid(i, by: origin) { rows[c + 1] += 1 }
        }
        for c in 0..<debtors { rows[c + 1] += rows[c] }
        rowStart = rows
        debtorAmountZ = (0..<debtors).map { zCount[$0] > 0 ? Float(zSum[$0] / Double(zCount[$0])) : 0 }
        segment = (0..<debtors).map { c in
            let size = debtorAmountZ[c] < -0.43 ? 0 : (debtorAmountZ[c] > 0.43 ? 2 : 1)
            return ((facts.debtorIsConsumer[c] ? 1 : 0) * DebtorLanguage.all.count + Int(facts.debtorLanguage[c])) * 3 + size
        }
        let total = rows[debtors]
        delay = [Float](repeating: 0, count: total)
        amountZ = [Float](repeating: 0, count: total)
        bits = [UInt8](repeating: 0, count: total)
        paidDay = [Int32](repeating: 0, count: total)
        // Seasons seen in at least two years of paid history.
        // Per season and calendar year (15 Dec–10 Jan counts as one year end: shifted 20 days into January;
        // days / 365.2425 is the year except within a day of New Year, which no season is near).
        let firstYear = Int((Double(self.calendar.first) / 365.2425).rounded(.down))
        var seasonCounts = [Int](repeating: 0, count: 2 * (self.calendar.flags.count / 365 + 3))
        for i in 0..<n where facts.issue[i] <= origin && facts.isPaid(i, by: origin) {
            let f = self.calendar.flag(facts.due[i])
            guard f & (PaymentCalendar.summer | PaymentCalendar.yearEnd) != 0 else { continue }
            let year = Int((Double(facts.due[i] + 20) / 365.2425).rounded(.down)) - firstYear
            guard year >= 0 && year < seasonCounts.count / 2 else { continue }
            seasonCounts[year * 2 + (f & PaymentCalendar.summer != 0 ? 0 : 1)] += 1
        }
        for (season, flag) in [(0, PaymentCalendar.summer), (1, PaymentCalendar.yearEnd)]
        where stride(from: season, to: seasonCounts.count, by: 2).filter({ seasonCounts[$0] >= TrainingSet.seasonMinimum }).count >= 2 {
            seasons |= flag
        }
        var next = Array(rows.dropLast())
        for i in 0..<n where facts.issue[i] <= origin && facts.isPaid(i, by: origin) {
            let c = Int(facts.debtor[i]), r = next[c]
            next[c] += 1
            delay[r] = Float(facts.paid[i] - facts.due[i])
            paidDay[r] = facts.paid[i]
            amountZ[r] = z(i)
            // Paid in instalments: a first payment before the last one.
            bits[r] = covariateBits(of: i, in: facts, partlyPaid: facts.firstPaid[i] < facts.paid[i])
        }
    }

    /// Lets the per-row columns go (`rowCount` and `rowStart` stay): for a model already learnt.
    mutating func dropRows() {
        delay = []; amountZ = []; bits = []; paidDay = []; lower = []
    }

    /// Sets `lower` from the debtors' habits: a payment booked on a Tuesday by a debtor that pays on
    /// Tuesdays may have been ready since the Wednesday before. Leaves `lower` empty when no payment
    /// could have waited (a ledger that books on any day, no habits).
    mutating func setReadyBounds(_ habits: SettlementHabits) {
        var bounds = delay
        var waited = false
        for c in 0..<debtorCount {
            for r in rowStart[c]..<rowStart[c + 1] {
                let ready = habits.earliestReady(debtor: c, paid: paidDay[r])
                if ready < paidDay[r] {
                    bounds[r] = delay[r] - Float(paidDay[r] - ready)
                    waited = true
                }
            }
        }
        lower = waited ? bounds : []
    }

    /// Amount z-score of invoice `i` on this set's scale.
    func amountZ(of i: Int, in facts: LedgerFacts) -> Float {
        let c = Int(facts.currency[i])
        guard c < logAmountMean.count else { return 0 }
        return Float((log(Double(facts.amountMinor[i])) - logAmountMean[c]) / logAmountSD[c])
    }

    /// Covariate bits of invoice `i` in the order of `covariates`.
    func covariateBits(of i: Int, in facts: LedgerFacts, partlyPaid: Bool) -> UInt8 {
        let f = facts.flags[i]
        var b: UInt8 = f & LedgerFacts.disputedFlag
        if partlyPaid { b |= TrainingSet.partlyPaidBit }
        if f & LedgerFacts.holdFlag != 0 { b |= 4 }
        if f & LedgerFacts.directDebitFlag != 0 { b |= 8 }
        let due = calendar.flag(facts.due[i]) & seasons
        if due & PaymentCalendar.summer != 0 { b |= 16 }
        if due & PaymentCalendar.yearEnd != 0 { b |= 32 }
        for (k, a) in facts.attributes.prefix(TrainingSet.maximumAttributes).enumerated() where i < a.values.count && a.values[i] {
            b |= UInt8(1) << UInt8(k + 6)
        }
        return b
    }
}
