/// When one open invoice will be paid, day by day: its delay distribution (`ConditionalDelay`,
/// when it becomes ready to pay) mapped through its debtor's settlement habit (on which days it
/// then pays), so that every P10, P50 and P90 date is a day on which this debtor pays.
///
/// Each day, what is ready and not yet paid is paid with the debtor's acceptance of that day (1 on
/// its payment-run day, 0 on a weekend in a ledger that books on working days, …); the rest waits.
/// What became ready before the as-of day and still waits is carried in: an invoice of a Tuesday
/// payer that was ready on Wednesday is paid next Tuesday.
struct PaymentDays {
    /// The as-of day; `cumulative[k]` is P(paid by the end of day `origin + 1 + k`).
    let origin: Int32
    /// Cumulative chance of payment, day by day after the origin.
    private(set) var cumulative: [Double] = []
    /// The delay distribution, for the far end (see `paidBy`).
    let delay: ConditionalDelay
    /// Its CDF at the end of the last day computed.
    private var delayAtEnd = 0.0
    /// The weight of a promised payment day mixed in (`promise`), 0 without.
    private var promiseWeight = 0.0

    /// Longest outlook, in days after the origin.
    static let horizon: Int32 = 1_100

    /// The outlook of an invoice due on `due`, unpaid at the end of `origin`; computed at least up to
    /// `through` and then until it reaches 90 %.
    init(_ delay: ConditionalDelay, due: Int32, origin: Int32, debtor c: Int, habits: SettlementHabits, through: Int32) {
        self.origin = origin
        self.delay = delay
        self.due = due
        let m = delay.mixture
        let habit = habits.perDebtor[c], closedDay = habits.closedDay, calendar = habits.calendar
        /// The debtor's acceptance of a day (`SettlementHabits.acceptance`, with the habit read once).
        @inline(__always) func acceptance(_ day: Int32) -> Double {
            let f = calendar.flag(day)
            if f & PaymentCalendar.working == 0 { return closedDay }
            if habit.kind == .anyDay { return 1 }
            return habit.isHabitDay(f, previous: calendar.flag(day - 1)) ? 1 : habit.offHabit
        }
        // What became ready by the origin and still waits for a payment day, against what is not ready yet.
        var waiting = 0.0, survive = 1.0, d = origin
        var upper = m.cdf(Double(d - due) + 0.5)
        while d > origin - 45 {
            survive *= 1 - acceptance(d)
            if survive < 1e-6 { break }
            let lowerCDF = m.cdf(Double(d - due) - 0.5)
            waiting += (upper - lowerCDF) * survive
            upper = lowerCDF
            d -= 1
        }
        let notReady = 1 - delay.cdfAfter
        let share = waiting + notReady > 0 ? delay.modelWeight * waiting / (waiting + notReady) : 0
        var carry = share, total = 0.0, before = 0.0
        let end = max(through, origin + 1)
        cumulative.reserveCapacity(max(64, Int(end - origin) + 16))
        var t = origin + 1
        while t <= origin + PaymentDays.horizon {
            let now = delay.cdf(Double(t - due) + 0.5)
            carry += (1 - share) * max(0, now - before)
            before = max(before, now)
            let paid = carry * acceptance(t)
            carry -= paid
            total = min(1, total + paid)
            cumulative.append(total)
            if t >= end && total >= 0.9 { break }
            t += 1
        }
        delayAtEnd = before
    }

    /// The due day.
    let due: Int32

    /// Mixes in a promised payment day: with `weight` the invoice is paid on `day`, otherwise as before.
    mutating func promise(day: Int32, weight: Double) {
        guard day > origin, weight > 0 else { return }
        while origin + Int32(cumulative.count) < day { cumulative.append(extrapolated(origin + Int32(cumulative.count) + 1)) }
        for k in cumulative.indices {
            cumulative[k] = (1 - weight) * cumulative[k] + (origin + 1 + Int32(k) >= day ? weight : 0)
        }
        promiseWeight = weight
    }

    /// A reminder's effect: through `end`, the daily chance of payment of what is still unpaid is
    /// multiplied by `factor` (at most 1); after it, what is left is paid as before.
    mutating func remind(through end: Int32, factor: Double) {
        guard end > origin, factor != 1, promiseWeight == 0 else { return }
        while origin + Int32(cumulative.count) < end { cumulative.append(extrapolated(origin + Int32(cumulative.count) + 1)) }
        var before = 0.0, now = 0.0
        for k in cumulative.indices {
            let old = cumulative[k]
            if origin + 1 + Int32(k) <= end {
                let hazard = before < 1 ? max(0, old - before) / (1 - before) : 1
                now = min(1, now + (1 - now) * min(1, factor * hazard))
                before = old
                cumulative[k] = now
            } else {
                // Unpaid at the window's end: its later chances as before, in proportion.
                let left = 1 - before
                cumulative[k] = left > 1e-12 ? 1 - (1 - now) * (1 - old) / left : now
            }
        }
    }

    /// P(paid by the end of `day`). Beyond the days computed (past the P90), what is left is paid
    /// as the delay distribution says, without the habit: the habit moves a payment by days, which
    /// matters for a date but hardly for a week's cash or the chance by 60 days.
    @inline(__always)
    func paidBy(day: Int32) -> Double {
        let k = Int(day - origin) - 1
        if k < 0 { return 0 }
        if k < cumulative.count { return cumulative[k] }
        return (1 - promiseWeight) * extrapolated(day) + promiseWeight
    }

    /// P(paid by the end of `day`) past the days computed, without a promise.
    private func extrapolated(_ day: Int32) -> Double {
        let last = ((cumulative.last ?? 0) - promiseWeight) / (1 - promiseWeight)
        let left = 1 - delayAtEnd
        guard left > 1e-12 else { return last }
        let more = (delay.cdf(Double(day - due) + 0.5) - delayAtEnd) / left
        return min(1, last + (1 - last) * min(1, max(0, more)))
    }

    /// The first day by which the chance of payment reaches `q` (the last day computed when never).
    func quantile(_ q: Double) -> Int32 {
        var lo = 0, hi = cumulative.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] >= q { hi = mid } else { lo = mid + 1 }
        }
        return origin + 1 + Int32(min(lo, max(0, cumulative.count - 1)))
    }

    /// The P10, P50 and P90 days.
    func deciles() -> (p10: Int32, p50: Int32, p90: Int32) {
        (quantile(0.1), quantile(0.5), quantile(0.9))
    }
}
