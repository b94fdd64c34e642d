import Ledger

/// When a debtor actually pays: the day its payment is booked, given the day it meant to pay.
///
/// Real ledgers do not pay on any day: nobody pays on a weekend or a Belgian public holiday,
/// many companies pay in a weekly payment run (every Tuesday, or Tuesdays and Fridays), some on
/// the last working day of the month, and consumers after payday (the 25th to the 3rd).
enum SettlementHabit: UInt8 {
    /// The first working day on or after the intended day.
    case anyWorkingDay = 0
    /// A weekly payment run on the weekdays of `runDays`.
    case weeklyRun = 1
    /// The last working day of the month.
    case monthEnd = 2
    /// A working day from the 25th to the 3rd of the next month (after payday).
    case payday = 3

    /// Percent of a habitual debtor's payments that follow its habit; the rest fall on the first
    /// working day on or after the intended day.
    static let adherencePercent: UInt64 = 90

    /// Draws a debtor's habit and, for a weekly run, its weekday mask (bit `k` = ISO weekday `k`).
    ///
    /// Companies: 40 % any working day, 30 % one run a week (Tuesday 35 %, Thursday 25 %, Monday,
    /// Wednesday, Friday 40 % together), 15 % two runs (Tuesday and Friday, or Monday and Thursday),
    /// 15 % month end. Consumers: 45 % after payday, 55 % any working day.
    static func draw(isB2B: Bool, _ rng: inout Xoshiro) -> (habit: SettlementHabit, runDays: UInt8) {
        let u = rng.below(100)
        if !isB2B { return u < 45 ? (.payday, 0) : (.anyWorkingDay, 0) }
        switch u {
        case ..<40: return (.anyWorkingDay, 0)
        case ..<70:
            let w = rng.below(100)
            let day = w < 35 ? 2 : (w < 60 ? 4 : [1, 3, 5][rng.below(3)])
            return (.weeklyRun, UInt8(1) << UInt8(day))
        case ..<85: return (.weeklyRun, rng.below(2) == 0 ? (1 << 2 | 1 << 5) : (1 << 1 | 1 << 4))
        default: return (.monthEnd, 0)
        }
    }
}

/// The working days, month ends and payday windows of the generator's calendar, computed once.
struct SettlementCalendar {
    /// The first day of the table.
    let first: Day
    /// Per day: bit 0 working day, bit 1 last working day of its month, bit 2 payday window.
    private let flags: [UInt8]

    /// A calendar covering `first...last`.
    init(first: Day, last: Day) {
        self.first = first
        let n = max(0, last.days(since: first) + 1)
        var flags = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            let d = first.adding(days: i)
            if BelgianCalendar.isWorkingDay(d) {
                flags[i] |= 1
                if d.day >= 25 || d.day <= 3 { flags[i] |= 4 }
            }
        }
        // The last working day of each month: no working day after it before the month changes.
        for i in 0..<n where flags[i] & 1 != 0 {
            let month = first.adding(days: i).month
            var j = i + 1
            while j < n && first.adding(days: j).month == month && flags[j] & 1 == 0 { j += 1 }
            if j < n && first.adding(days: j).month != month { flags[i] |= 2 }
        }
        self.flags = flags
    }

    /// Flags of a day (0 outside the table).
    private func flag(_ d: Day) -> UInt8 {
        let i = d.days(since: first)
        return i >= 0 && i < flags.count ? flags[i] : 0
    }

    /// True for a working day.
    func isWorkingDay(_ d: Day) -> Bool { flag(d) & 1 != 0 }

    /// Whether a debtor with `habit` pays on day `d`.
    func fits(_ d: Day, habit: SettlementHabit, runDays: UInt8) -> Bool {
        let f = flag(d)
        guard f & 1 != 0 else { return false }
        switch habit {
        case .anyWorkingDay: return true
        case .weeklyRun: return runDays & (UInt8(1) << UInt8(d.isoWeekday)) != 0
        case .monthEnd: return f & 2 != 0
        case .payday: return f & 4 != 0
        }
    }

    /// The first day on or after `intended` on which the debtor pays (at most 62 days later; a
    /// weekly run skipped by a public holiday is paid on the next working day).
    func settle(_ intended: Day, habit: SettlementHabit, runDays: UInt8, follows: Bool) -> Day {
        let h = follows ? habit : .anyWorkingDay
        var d = intended
        for _ in 0..<62 {
            if fits(d, habit: h, runDays: runDays) { return d }
            if h == .weeklyRun && runDays & (UInt8(1) << UInt8(d.isoWeekday)) != 0 && d.isoWeekday <= 5 {
                // The run day is a public holiday: the run moves to the next working day.
                return settle(d.adding(days: 1), habit: .anyWorkingDay, runDays: 0, follows: true)
            }
            d = d.adding(days: 1)
        }
        return intended
    }

    /// The last working day on or before `d` and not before `floor` (`d` itself when none).
    func workingDay(onOrBefore d: Day, notBefore floor: Day) -> Day {
        var x = d
        while x >= floor {
            if isWorkingDay(x) { return x }
            x = x.adding(days: -1)
        }
        return d
    }
}

/// A 64-bit mix of a number (SplitMix64's finaliser): per-invoice choices that leave the
/// invoice stream untouched, so the invoice files do not change with the habits.
@inline(__always)
func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
