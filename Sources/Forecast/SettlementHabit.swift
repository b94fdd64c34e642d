import Foundation

/// On which days one debtor pays: any working day, a weekly payment run (one or two weekdays),
/// the last working day of the month, or after payday (the 25th to the 3rd).
///
/// The habit says how likely the debtor is to pay on a day once it is ready to pay (its
/// *acceptance* of the day): 1 on a habit day, `offHabit` on another working day, and the ledger's
/// `closedDay` on weekends and public holidays. A payment made ready on a Wednesday by a debtor
/// that pays on Tuesdays waits for the next Tuesday.
struct SettlementHabit: Sendable {
    /// The kinds of habit, in the order of their words.
    enum Kind: UInt8, Sendable {
        case anyDay, weekly, monthEnd, payday
    }

    /// The habit.
    var kind: Kind = .anyDay
    /// Weekdays of a weekly run: bit `k` = ISO weekday `k` (1 = Monday).
    var runDays: UInt8 = 0
    /// Acceptance of a working day off the habit (1 for `anyDay`).
    var offHabit: Double = 1
    /// Share of its paid invoices paid on habit days.
    var adherence: Double = 0
    /// Paid invoices the habit was learnt from.
    var evidence = 0

    /// True when a day with calendar flags `f` (and `previous` for the day before) is a habit day:
    /// for a weekly run, a run weekday or the working day after a run weekday that was a public holiday.
    @inline(__always)
    func isHabitDay(_ f: UInt8, previous: UInt8) -> Bool {
        switch kind {
        case .anyDay: return true
        case .weekly:
            if runDays & (UInt8(1) << ((f >> 4) & 7)) != 0 { return true }
            let w = (previous >> 4) & 7
            return w <= 5 && previous & PaymentCalendar.working == 0 && runDays & (UInt8(1) << w) != 0
        case .monthEnd: return f & PaymentCalendar.monthEnd != 0
        case .payday: return f & PaymentCalendar.payday != 0
        }
    }

    /// The habit in words, e.g. "pays on Tuesdays and Fridays", nil for any working day.
    var words: String? {
        let names = ["", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays"]
        let share = "\(Int((100 * adherence).rounded())) % of \(evidence) paid invoices"
        switch kind {
        case .anyDay: return nil
        case .weekly:
            let days = (1...7).filter { runDays & (UInt8(1) << UInt8($0)) != 0 }.map { names[$0] }
            return "pays on " + days.joined(separator: " and ") + " (\(share))"
        case .monthEnd: return "pays at month end, on the last working day (\(share))"
        case .payday: return "pays after payday, from the 25th to the 3rd (\(share))"
        }
    }
}

/// Every debtor's settlement habit, learnt from the days its invoices were paid, and the ledger's
/// working-day calendar.
struct SettlementHabits: Sendable {
    /// Tuning that is not learnt.
    struct Settings: Sendable {
        /// Payments a debtor needs before its habit counts in its segment's prior.
        var confidentHistory = 10
        /// Weight, in invoices, of the typical adherence in a debtor's own.
        var adherencePseudoCount = 4.0
        /// Typical share of a habitual debtor's payments made on its habit days.
        var typicalAdherence = 0.85
        /// Extra evidence (log-likelihood) a habit needs beyond the BIC penalty.
        var margin = 1.0
        /// When false every debtor pays on any day (to measure what the habits bring).
        var enabled = true
    }

    /// The working days, month ends and payday windows.
    let calendar: PaymentCalendar
    /// Per debtor.
    var perDebtor: [SettlementHabit]
    /// Acceptance of a closed day (weekend, public holiday): 0 for a ledger whose payments fall on
    /// working days only, 1 for one that books payments on any day (then habits are not learnt).
    var closedDay: Double

    /// Acceptance of `day` by debtor `c`: the chance it pays that day once ready to pay.
    @inline(__always)
    func acceptance(debtor c: Int, day: Int32) -> Double {
        let f = calendar.flag(day)
        if f & PaymentCalendar.working == 0 { return closedDay }
        let h = perDebtor[c]
        if h.kind == .anyDay { return 1 }
        return h.isHabitDay(f, previous: calendar.flag(day - 1)) ? 1 : h.offHabit
    }

    /// The first day on which a payment booked on `paid` by debtor `c` may have become ready: the
    /// day after the last earlier day it would most likely have paid on (at most 45 days back).
    func earliestReady(debtor c: Int, paid: Int32) -> Int32 {
        var lower = paid, d = paid - 1
        while d >= paid - 45 && acceptance(debtor: c, day: d) < 0.5 {
            lower = d
            d -= 1
        }
        return lower
    }

    /// Candidate habits: the five weekdays, the ten pairs of weekdays, month end, payday.
    private static let candidates: [(kind: SettlementHabit.Kind, runDays: UInt8)] = {
        var c: [(SettlementHabit.Kind, UInt8)] = (1...5).map { (.weekly, UInt8(1) << UInt8($0)) }
        for a in 1...5 { for b in (a + 1)...6 where b <= 5 { c.append((.weekly, UInt8(1) << UInt8(a) | UInt8(1) << UInt8(b))) } }
        return c + [(.monthEnd, 0), (.payday, 0)]
    }()

    /// Prior family of a candidate: 0 any day, 1 weekly, 2 month end, 3 payday.
    private static func family(_ k: SettlementHabit.Kind) -> Int { Int(k.rawValue) }

    /// Learns the habits from the training rows' payment days: per debtor, the candidate habit
    /// whose days hold clearly more of its payments than a debtor paying on any working day would
    /// (a likelihood ratio with a BIC penalty and its segment's prior), and how strictly it keeps to it.
    init(_ t: TrainingSet, calendar: PaymentCalendar, origin: Int32, settings: Settings = Settings()) {
        self.calendar = calendar
        let debtors = t.debtorCount
        perDebtor = [SettlementHabit](repeating: SettlementHabit(), count: debtors)
        closedDay = 1
        guard settings.enabled, t.rowCount > 0 else { return }

        // Does the ledger book payments on closed days? Compare with the closed days' share of the window.
        var closedPaid = 0
        for r in 0..<t.rowCount where calendar.flag(t.paidDay[r]) & PaymentCalendar.working == 0 { closedPaid += 1 }
        let windowStart = max(calendar.first, origin - 730)
        var closedDays = 0, days = 0
        // Base rates: the share of ready days (uniform over the calendar) whose next working day is a habit day.
        var hits = [Double](repeating: 0, count: SettlementHabits.candidates.count)
        var habitDays = hits, workingDays = 0.0
        for d in windowStart...origin {
            days += 1
            let f = calendar.flag(d)
            if f & PaymentCalendar.working == 0 { closedDays += 1 } else { workingDays += 1 }
            var w = d
            while calendar.flag(w) & PaymentCalendar.working == 0 && w < d + 14 { w += 1 }
            let fw = calendar.flag(w), pw = calendar.flag(w - 1)
            for (k, c) in SettlementHabits.candidates.enumerated() {
                let h = SettlementHabit(kind: c.kind, runDays: c.runDays)
                if h.isHabitDay(fw, previous: pw) { hits[k] += 1 }
                if f & PaymentCalendar.working != 0 && h.isHabitDay(f, previous: calendar.flag(d - 1)) {
                    habitDays[k] += 1
                }
            }
        }
        let closedShare = days > 0 ? Double(closedDays) / Double(days) : 0.29
        let paidClosedShare = Double(closedPaid) / Double(t.rowCount)
        closedDay = min(1, max(0, (paidClosedShare - 0.02) / max(0.01, closedShare - 0.02)))
        guard closedDay < 0.5 else {
            closedDay = 1
            return
        }
        let base = hits.map { $0 / Double(max(1, days)) }
        let gaps = habitDays.map { $0 > 0 ? workingDays / $0 : 1 }

        // Per debtor: payments on working days, on each weekday's run days, at month end, in the payday window.
        let slots = 8
        var counts = [Int](repeating: 0, count: debtors * slots)
        for c in 0..<debtors {
            for r in t.rowStart[c]..<t.rowStart[c + 1] {
                let day = t.paidDay[r], f = calendar.flag(day)
                guard f & PaymentCalendar.working != 0 else { continue }
                let p = calendar.flag(day - 1)
                counts[c * slots] += 1
                counts[c * slots + Int((f >> 4) & 7)] += 1
                let w = Int((p >> 4) & 7)
                if w <= 5 && p & PaymentCalendar.working == 0 && w != Int((f >> 4) & 7) { counts[c * slots + w] += 1 }
                if f & PaymentCalendar.monthEnd != 0 { counts[c * slots + 6] += 1 }
                if f & PaymentCalendar.payday != 0 { counts[c * slots + 7] += 1 }
            }
        }
        let candidateCount = SettlementHabits.candidates.count
        func hitCount(_ c: Int, _ k: Int) -> Int {
            let cand = SettlementHabits.candidates[k]
            switch cand.kind {
            case .monthEnd: return counts[c * slots + 6]
            case .payday: return counts[c * slots + 7]
            default: return (1...5).reduce(0) { $0 + (cand.runDays & (UInt8(1) << UInt8($1)) != 0 ? counts[c * slots + $1] : 0) }
            }
        }
        func best(_ c: Int, logPrior: [Double]) -> (k: Int, score: Double, n: Int, hits: Int) {
            let n = counts[c * slots]
            var answer = (k: -1, score: 0.0, n: n, hits: 0)
            guard n >= 2 else { return answer }
            let penalty = 0.5 * log(Double(n))
            for k in 0..<candidateCount {
                let h = min(n, hitCount(c, k)), r = base[k]
                let a = Double(h) / Double(n)
                guard a > r, r > 0, r < 1 else { continue }
                var ll = Double(h) * log(a / r)
                if h < n { ll += Double(n - h) * log((1 - a) / (1 - r)) }
                let parameters = SettlementHabits.candidates[k].runDays.nonzeroBitCount > 1 ? 2.0 : 1.0
                let s = ll - parameters * penalty - settings.margin
                    + logPrior[SettlementHabits.family(SettlementHabits.candidates[k].kind)]
                if s > answer.score { answer = (k, s, n, h) }
            }
            return answer
        }

        // Segment priors from the debtors with a long history, then every debtor with its segment's prior.
        var familyCount = [[Double]](repeating: [0, 0, 0, 0], count: TrainingSet.segmentCount)
        let flat = [Double](repeating: 0, count: 4)
        for c in 0..<debtors where counts[c * slots] >= settings.confidentHistory {
            let b = best(c, logPrior: flat)
            familyCount[t.segment[c]][b.k < 0 ? 0 : SettlementHabits.family(SettlementHabits.candidates[b.k].kind)] += 1
        }
        let logPriors = familyCount.map { f -> [Double] in
            let total = f.reduce(0, +) + 4
            let any = (f[0] + 1) / total
            return f.map { log((($0 + 1) / total) / any) }
        }
        for c in 0..<debtors {
            let b = best(c, logPrior: logPriors[t.segment[c]])
            guard b.k >= 0 else { continue }
            let cand = SettlementHabits.candidates[b.k]
            let strength = DelayModel.logistic(b.score)
            let adherence = (Double(b.hits) + settings.adherencePseudoCount * settings.typicalAdherence)
                / (Double(b.n) + settings.adherencePseudoCount)
            let epsilon = SettlementHabits.offHabitAcceptance(adherence: max(adherence, base[b.k]), gap: gaps[b.k])
            perDebtor[c] = SettlementHabit(kind: cand.kind, runDays: cand.runDays, offHabit: strength * epsilon + (1 - strength),
                                           adherence: Double(b.hits) / Double(b.n), evidence: b.n)
        }
    }

    /// The acceptance ε of an off-habit working day that leaves a share `adherence` of payments on
    /// habit days `gap` working days apart, a payment becoming ready uniformly in between:
    /// off-habit share = 1 − (1 − (1 − ε)^gap) / (gap · ε). Bisection.
    static func offHabitAcceptance(adherence: Double, gap: Double) -> Double {
        let target = 1 - min(1, max(0, adherence))
        func off(_ e: Double) -> Double { e < 1e-9 ? 0 : 1 - (1 - pow(1 - e, gap)) / (gap * e) }
        var lo = 0.0, hi = 1.0
        for _ in 0..<40 {
            let mid = (lo + hi) / 2
            if off(mid) < target { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
