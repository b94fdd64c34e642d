import Foundation
import Ledger

/// Makes the forecast for one as-of day: learns the delay model from the invoices paid by then,
/// forecasts every invoice open at the end of that day, scores the debtors and sums the cash
/// forecast. Pure: the same facts and day give the same result.
package enum Forecaster {
    /// Weeks in the cash forecast.
    package static let weeks = 13
    /// z of the 90th percentile of the standard normal, for the cash band.
    static let z90 = 1.281_551_565_544_600_4

    /// The cash sums of one chunk of debtors, per currency and week: the expected amount and its
    /// variance, a debtor's invoices taken as moving together (their standard deviations add up).
    private struct ChunkCash: Sendable {
        var expected: [Double]
        var variance: [Double]
        var debtorSD: [Double]

        init(currencies: Int) {
            expected = [Double](repeating: 0, count: currencies * weeks)
            variance = expected
            debtorSD = expected
        }

        /// Adds an open amount paid in week k with the chance `weekly[from + k]` (NaN: a week after
        /// the one by which it is surely paid, which adds nothing).
        mutating func add(_ weekly: SharedBuffer<Double>, from: Int, amount: Double, currency cur: Int) {
            for k in 0..<weeks {
                let p = weekly[from + k]
                if p.isNaN { break }
                expected[cur * weeks + k] += amount * p
                debtorSD[cur * weeks + k] += amount * (p * (1 - p)).squareRoot()
            }
        }

        /// Ends a debtor: its summed standard deviation goes into the variance.
        mutating func closeDebtor(currency cur: Int) {
            for k in 0..<weeks {
                variance[cur * weeks + k] += debtorSD[cur * weeks + k] * debtorSD[cur * weeks + k]
                debtorSD[cur * weeks + k] = 0
            }
        }
    }

    /// The forecast as of `asOf`, from what the facts say was known at the end of that day.
    package static func forecast(_ facts: LedgerFacts, asOf: Day) -> ForecastResult {
        forecast(facts, asOf: asOf, output: nil)
    }

    /// `forecast(_:asOf:)`, handing the rows to `output` while it runs: the invoice forecasts in
    /// invoice-id order as each chunk is done, then the debtor scores (with their reasons as JSON) in
    /// debtor order, so a writer can store them while the rest is still being computed.
    static func forecast(_ facts: LedgerFacts, asOf: Day, output: ForecastOutput?) -> ForecastResult {
        let origin = asOf.daysSinceEpoch
        // The open invoices need only the facts: grouped on a thread of its own while the model learns
        // (a pass over every invoice that would otherwise run alone on one core after the fit).
        let grouping = Background { OpenInvoices(facts, origin: origin) }
        let learnt = LearntModel(facts: facts, origin: origin).withoutTrainingRows()
        let training = learnt.training
        let debtors = facts.debtorCount, currencies = max(1, facts.currencies.count)
        let open = grouping.wait() ?? OpenInvoices(facts, origin: origin)
        let openStartCounts = open.start, openInvoices = open.invoices, rankOf = open.rankOf, byRank = open.byRank
        let inIDOrder = open.inIDOrder, openCount = open.count

        // First each open invoice on its own, in rank order (chunks of ranks on all cores): its
        // forecast and its weekly payment chances, handed to `output` chunk by chunk in order.
        let placeholder = InvoiceForecast(invoiceID: 0, p10: asOf, p50: asOf, p90: asOf, paidByDue: 0, paidByDue30: 0, paidByDue60: 0)
        let forecasts = SharedBuffer<InvoiceForecast>(repeating: placeholder, count: openCount)
        let context = Context(learnt: learnt, openStart: openStartCounts, open: openInvoices, rankOf: rankOf, byRank: byRank)
        let rankChunks = Parallel.ranges(count: openCount, chunks: 64)
        let scores = SharedBuffer<DebtorScore?>(repeating: nil, count: debtors)
        let reasons = SharedBuffer<String>(repeating: "", count: output == nil ? 0 : debtors)
        let chunks = Parallel.ranges(count: max(1, openCount + training.rowCount),
                                     boundaries: zip(openStartCounts, training.rowStart).map { $0 + $1 },
                                     groups: debtors, chunks: 16)
        let cash = SharedBuffer<ChunkCash>(repeating: ChunkCash(currencies: currencies), count: chunks.count)
        let sorted: [InvoiceForecast]
        do {
            // The weekly chances live only between the two passes (8 bytes × 13 weeks an open invoice).
            let weekly = SharedBuffer<Double>(repeating: .nan, count: openCount * weeks)
            let invoicesDone = InOrder(count: rankChunks.count) { k in
                if inIDOrder { output?.invoices(forecasts, rankChunks[k]) }
            }
            Parallel.run(chunks: rankChunks.count) { ch in
                for r in rankChunks[ch] { context.invoice(rank: r, forecasts: forecasts, weekly: weekly) }
                invoicesDone.finished(ch)
            }
            sorted = inIDOrder ? [] : forecasts.array(openCount).sorted { $0.invoiceID < $1.invoiceID }
            if !inIDOrder, let output { output.invoices(SharedBuffer(sorted), 0..<openCount) }

            // Then per debtor (the same debtor-aligned chunks whatever the machine): the cash sums, added
            // in chunk order, and the scores.
            let debtorsDone = InOrder(count: chunks.count) { k in output?.debtors(scores, reasons: reasons, chunks[k]) }
            Parallel.run(chunks: chunks.count) { ch in
                var sums = ChunkCash(currencies: currencies)
                for c in chunks[ch] {
                    let score = context.debtor(c, forecasts: forecasts, weekly: weekly, cash: &sums)
                    scores[c] = score
                    if output != nil, let score { reasons[c] = JSONWriter.array(score.reasons) }
                }
                cash[ch] = sums
                debtorsDone.finished(ch)
            }
        }
        var result = ForecastResult(
            asOf: asOf, model: DelayModel.name, parameters: learnt.model.parametersJSON, paidInvoices: training.rowCount,
            invoices: inIDOrder ? forecasts.array(openCount) : sorted, debtors: (0..<debtors).compactMap { scores[$0] },
            cash: cashWeeks(cash.array(chunks.count), asOf: asOf, currencies: facts.currencies))
        result.littleHistoryInvoices = (0..<debtors).reduce(0) { n, c in
            learnt.model.paidCount[c] < DebtorScoring.littleHistory ? n + openStartCounts[c + 1] - openStartCounts[c] : n
        }
        for h in learnt.habits.perDebtor where h.kind != .anyDay {
            result.habitDebtors[["any working day", "weekly run", "month end", "payday"][Int(h.kind.rawValue)], default: 0] += 1
        }
        return result
    }

    /// The invoices open at the end of the origin day, grouped by debtor (a counting sort), and each
    /// one's rank among the open invoices in the facts' order (invoice-id order when read from the store).
    private struct OpenInvoices: Sendable {
        /// Slots of debtor `c`: `start[c] ..< start[c + 1]`.
        var start: [Int]
        /// The open invoice in each slot, and its rank.
        var invoices: [Int]
        var rankOf: [Int32]
        /// The invoice of each rank.
        var byRank: [Int32]
        /// Whether the facts' invoices are in increasing id order.
        var inIDOrder: Bool

        var count: Int { invoices.count }

        init(_ facts: LedgerFacts, origin: Int32) {
            let debtors = facts.debtorCount
            var start = [Int](repeating: 0, count: debtors + 1)
            for i in 0..<facts.invoiceCount where facts.isOpen(i, on: origin) { start[Int(facts.debtor[i]) + 1] += 1 }
            for c in 0..<debtors { start[c + 1] += start[c] }
            inIDOrder = zip(facts.invoiceIDs, facts.invoiceIDs.dropFirst()).allSatisfy { $0 < $1 }
            let openCount = start[debtors]
            invoices = [Int](repeating: 0, count: openCount)
            rankOf = [Int32](repeating: 0, count: openCount)
            byRank = rankOf
            var next = Array(start.dropLast()), rank = 0
            for i in 0..<facts.invoiceCount where facts.isOpen(i, on: origin) {
                let c = Int(facts.debtor[i])
                invoices[next[c]] = i
                rankOf[next[c]] = Int32(rank)
                byRank[rank] = Int32(i)
                next[c] += 1
                rank += 1
            }
            self.start = start
        }
    }

    /// What every chunk reads: the facts, the fitted model and the open invoices grouped by debtor.
    private struct Context: Sendable {
        let learnt: LearntModel
        let openStart: [Int]
        let open: [Int]
        /// Each open invoice's rank (by debtor slot), where its forecast goes; and the invoice of each rank.
        let rankOf: [Int32]
        let byRank: [Int32]

        /// Forecasts the open invoice of rank `r` into `forecasts[r]` and its chances of payment in
        /// each cash week into `weekly[r * weeks ..< (r + 1) * weeks]` (NaN for the weeks after the
        /// one where it is surely paid).
        func invoice(rank r: Int, forecasts: SharedBuffer<InvoiceForecast>, weekly: SharedBuffer<Double>) {
            let facts = learnt.facts, origin = learnt.origin, i = Int(byRank[r])
            let due = facts.due[i]
            let days = learnt.outlook(i, on: origin, partlyPaid: facts.firstPaid[i] <= origin, through: origin)
            let byDue = days.paidBy(day: due)
            let by30 = max(byDue, days.paidBy(day: due + 30)), by60 = max(by30, days.paidBy(day: due + 60))
            let q = days.deciles()
            forecasts[r] = InvoiceForecast(
                invoiceID: facts.invoiceIDs[i], p10: Day(daysSinceEpoch: q.p10), p50: Day(daysSinceEpoch: q.p50),
                p90: Day(daysSinceEpoch: q.p90), paidByDue: byDue, paidByDue30: by30, paidByDue60: by60)
            var before = 0.0
            for k in 0..<weeks where before < 1 {
                let after = days.paidBy(day: days.origin + Int32(7 * (k + 1)))
                weekly[r * weeks + k] = max(0, after - before)
                before = max(before, after)
            }
        }

        /// Adds debtor `c`'s open invoices (forecast already) to the chunk's cash sums and returns
        /// the debtor's score (nil for a debtor without any invoice yet).
        func debtor(_ c: Int, forecasts: SharedBuffer<InvoiceForecast>, weekly: SharedBuffer<Double>,
                    cash: inout ChunkCash) -> DebtorScore? {
            var touched: [Int] = []
            let facts = learnt.facts, origin = learnt.origin, training = learnt.training, model = learnt.model
            var snapshot = DebtorSnapshot(paid: Int(model.paidCount[c]))
            for slot in openStart[c]..<openStart[c + 1] {
                let i = open[slot], r = Int(rankOf[slot]), f = forecasts[r]
                let due = facts.due[i], overdue = Int(origin - due)
                let cur = Int(facts.currency[i])
                if !touched.contains(cur) { touched.append(cur) }
                cash.add(weekly, from: r * weeks, amount: Double(facts.openMinor[i]), currency: cur)
                let q = (f.p10.daysSinceEpoch, f.p50.daysSinceEpoch, f.p90.daysSinceEpoch)
                snapshot.add(overdue: overdue, points: DebtorScoring.points((Int(q.0 - due), Int(q.1 - due), Int(q.2 - due))),
                             disputed: facts.flags[i] & LedgerFacts.disputedFlag != 0, partlyPaid: facts.firstPaid[i] <= origin)
            }
            for cur in touched { cash.closeDebtor(currency: cur) }
            guard snapshot.paid > 0 || snapshot.open > 0 else { return nil }
            let typical = model.distribution(debtor: c, amountZ: training.debtorAmountZ[c], bits: 0)
            return DebtorScoring.score(
                debtorID: facts.debtorIDs[c], key: facts.debtorKeys[c], snapshot: snapshot, typical: typical,
                next: learnt.typicalDeciles(debtor: c), habit: learnt.habits.perDebtor[c],
                segment: DebtorScoring.segmentWords(consumer: facts.debtorIsConsumer[c], language: Int(facts.debtorLanguage[c]),
                                                    size: training.segment[c] % 3))
        }
    }

    /// Sums the chunks' cash in chunk order and rounds once per week and currency.
    private static func cashWeeks(_ chunks: [ChunkCash], asOf: Day, currencies: [String]) -> [CashWeek] {
        var result: [CashWeek] = []
        for (cur, code) in currencies.enumerated() {
            for k in 0..<weeks {
                var mean = 0.0, variance = 0.0
                for c in chunks where c.expected.count > cur * weeks + k {
                    mean += c.expected[cur * weeks + k]
                    variance += c.variance[cur * weeks + k]
                }
                let sd = variance.squareRoot()
                let expected = CashRounding.minorUnits(mean)
                result.append(CashWeek(
                    currency: code, week: k + 1, start: asOf.adding(days: 7 * k + 1), end: asOf.adding(days: 7 * k + 7),
                    expectedMinor: expected,
                    p10Minor: min(expected, max(0, CashRounding.minorUnits(mean - z90 * sd))),
                    p90Minor: max(expected, CashRounding.minorUnits(mean + z90 * sd))))
            }
        }
        return result
    }
}

/// Receives a forecast's rows while `Forecaster.forecast(_:asOf:output:)` is still making it, each
/// kind in its final order, from any thread (`ForecastStore`'s writer).
protocol ForecastOutput: AnyObject, Sendable {
    /// The invoice forecasts `rows[range]`, the next ones in invoice-id order.
    func invoices(_ rows: SharedBuffer<InvoiceForecast>, _ range: Range<Int>)
    /// The scores `scores[range]` (nil: a debtor without invoices, not stored) of the next debtors in
    /// the facts' order, with each one's reasons as a JSON array in `reasons`.
    func debtors(_ scores: SharedBuffer<DebtorScore?>, reasons: SharedBuffer<String>, _ range: Range<Int>)
}
