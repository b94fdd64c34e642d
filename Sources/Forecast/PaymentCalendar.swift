import Ledger

/// The days a forecast works on, with what matters for when payments are booked: working days
/// (Monday to Friday outside the Belgian public holidays, `Ledger.BelgianCalendar`), the last
/// working day of each month, and the payday window (a working day from the 25th to the 3rd).
/// Days are `Day.daysSinceEpoch`; the table covers the ledger and 1,200 days past it.
struct PaymentCalendar: Sendable {
    /// Flag bits of `flags`.
    static let working: UInt8 = 1, monthEnd: UInt8 = 2, payday: UInt8 = 4
    /// Flag bits of the seasons: July–August, and 15 December to 10 January (the year end).
    static let summer: UInt8 = 8, yearEnd: UInt8 = 128
    /// The first day in the table.
    let first: Int32
    /// Per day: working, month-end, payday, summer and year-end bits; ISO weekday in bits 4–6.
    let flags: [UInt8]

    /// A calendar for `first...last` (days since epoch).
    init(first: Int32, last: Int32) {
        self.first = first
        let n = Int(max(0, last - first + 1))
        var flags = [UInt8](repeating: 0, count: n)
        var months = [Int](repeating: 0, count: n)
        for i in 0..<n {
            let d = Day(daysSinceEpoch: first + Int32(i))
            let c = d.components
            months[i] = c.year * 12 + c.month
            let weekday = d.isoWeekday
            var f = UInt8(weekday) << 4
            if c.month == 7 || c.month == 8 { f |= PaymentCalendar.summer }
            if (c.month == 12 && c.day >= 15) || (c.month == 1 && c.day <= 10) { f |= PaymentCalendar.yearEnd }
            if BelgianCalendar.isWorkingDay(d) {
                f |= PaymentCalendar.working
                if c.day >= 25 || c.day <= 3 { f |= PaymentCalendar.payday }
            }
            flags[i] = f
        }
        // The last working day of a month: no working day after it before the month changes.
        var nextWorkingMonth = -1
        for i in stride(from: n - 1, through: 0, by: -1) where flags[i] & PaymentCalendar.working != 0 {
            if nextWorkingMonth != months[i] { flags[i] |= PaymentCalendar.monthEnd }
            nextWorkingMonth = months[i]
        }
        self.flags = flags
    }

    /// The calendar a forecast of `facts` needs: from 60 days before its first issue day to 1,200
    /// days after its last day of any kind (past the longest outlook, `PaymentDays.horizon`).
    init(covering facts: LedgerFacts, through origin: Int32) {
        var lo = origin, hi = origin
        for i in 0..<facts.invoiceCount {
            lo = min(lo, facts.issue[i], facts.due[i])
            hi = max(hi, facts.due[i])
            let p = facts.paid[i]
            if p != LedgerFacts.unpaid && p != LedgerFacts.unknownDay { hi = max(hi, p) }
        }
        self.init(first: lo - 60, last: hi + 1_200)
    }

    /// Flags of a day (0, a closed day, outside the table).
    @inline(__always)
    func flag(_ day: Int32) -> UInt8 {
        let i = Int(day - first)
        return i >= 0 && i < flags.count ? flags[i] : 0
    }

    /// ISO weekday 1…7 of a day.
    @inline(__always)
    static func weekday(_ day: Int32) -> Int {
        let r = (Int(day) + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }
}
