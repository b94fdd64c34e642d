/// Promises to pay as the forecast uses them: each debtor's open promise on the origin day, and how
/// often its earlier promises were kept.
///
/// A promise's outcome is its `promise_to_pay.status` (kept or broken, set by the review of the
/// nightly run) once that status was set by the origin (`status_on`): a backtest sees a promise as
/// open on the days before its review. A promise whose status was never set (a ledger that does not
/// review promises) counts as **kept** when a payment of the debtor is dated from the day it was made
/// to 3 days after the day promised, and as settled 3 days after that day. An open promise (made by
/// the origin, promised for the origin or later, not settled by then) becomes a point of the forecast
/// of the debtor's invoices that existed when it was made: with weight 0.9 × (kept + ½) / (earlier
/// settled promises + 2), so 0.22 without any earlier promise and 0.79 after five kept out of five.
struct PromiseRecord: Sendable {
    /// Days after the day promised within which a payment still keeps the promise.
    static let grace: Int32 = 3
    /// Per debtor with an open promise: the day promised, the day it was made, the weight.
    private(set) var open: [Int32: (until: Int32, made: Int32, weight: Double)] = [:]

    /// The promises known at the end of `origin`.
    init(facts: LedgerFacts, origin: Int32) {
        let n = facts.promiseDebtor.count
        guard n > 0 else { return }
        var byDebtor: [Int32: [Int]] = [:]
        for p in 0..<n where facts.promiseMade[p] <= origin { byDebtor[facts.promiseDebtor[p], default: []].append(p) }
        guard !byDebtor.isEmpty else { return }
        // Without a status, a promise is kept by any payment of its debtor known by the origin, from when it
        // was made to the day promised + grace.
        var kept = [Bool](repeating: false, count: n)
        var settled = [Bool](repeating: false, count: n)
        for (_, promises) in byDebtor {
            for p in promises {
                if let k = facts.promiseKept[p], facts.promiseSettled[p] <= origin {
                    kept[p] = k
                    settled[p] = true
                } else if facts.promiseKept[p] == nil {
                    settled[p] = facts.promiseUntil[p] + PromiseRecord.grace < origin
                }
            }
        }
        let inferred = byDebtor.filter { $0.value.contains { facts.promiseKept[$0] == nil } }
        if !inferred.isEmpty {
            for i in 0..<facts.invoiceCount {
                guard let promises = inferred[facts.debtor[i]] else { continue }
                for day in [facts.firstPaid[i], facts.paid[i]] where day != LedgerFacts.unpaid && day != LedgerFacts.unknownDay && day <= origin {
                    for p in promises where facts.promiseKept[p] == nil && day >= facts.promiseMade[p]
                        && day <= facts.promiseUntil[p] + PromiseRecord.grace { kept[p] = true }
                }
            }
        }
        for (debtor, promises) in byDebtor {
            let past = promises.filter { settled[$0] }
            let keptCount = past.filter { kept[$0] }.count
            // The latest open promise: not kept yet, and not settled by the origin.
            guard let p = promises.filter({ facts.promiseUntil[$0] >= origin && !kept[$0] && !settled[$0] })
                .max(by: { facts.promiseMade[$0] < facts.promiseMade[$1] })
            else { continue }
            let weight = 0.9 * (Double(keptCount) + 0.5) / (Double(past.count) + 2)
            open[debtor] = (facts.promiseUntil[p], facts.promiseMade[p], weight)
        }
    }
}
