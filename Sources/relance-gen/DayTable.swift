import Ledger

/// The `YYYY-MM-DD` text of every day in a range, formatted once so that a row copies ten bytes.
///
/// Days outside the range are still written correctly, just formatted on the spot.
struct DayTable {
    /// The first day in the table.
    let first: Day
    /// Number of days in the table.
    let count: Int
    /// Ten bytes per day, in order.
    private let text: [UInt8]

    /// A table covering `first...last`.
    init(first: Day, last: Day) {
        self.first = first
        self.count = max(0, last.days(since: first) + 1)
        var text: [UInt8] = []
        text.reserveCapacity(count * 10)
        for i in 0..<count {
            text.append(contentsOf: DayTable.format(first.adding(days: i)))
        }
        self.text = text
    }

    /// The ten ISO bytes of one day.
    static func format(_ day: Day) -> [UInt8] {
        let c = day.components
        var out: [UInt8] = []
        for (value, width) in [(c.year, 4), (c.month, 2), (c.day, 2)] {
            if !out.isEmpty { out.append(0x2D) }
            var digits: [UInt8] = []
            var v = value
            for _ in 0..<width {
                digits.append(UInt8(48 + v % 10))
                v /= 10
            }
            out.append(contentsOf: digits.reversed())
        }
        return out
    }

    /// Writes `YYYY-MM-DD`.
    @inline(__always) func write(_ day: Day, to out: OutputFile) {
        let i = day.days(since: first)
        if i >= 0 && i < count {
            text.withUnsafeBufferPointer { buf in
                if let p = buf.baseAddress { out.bytes(p + i * 10, count: 10) }
            }
        } else {
            out.bytes(DayTable.format(day))
        }
    }

    /// Writes the four-digit year of a day.
    @inline(__always) func writeYear(_ day: Day, to out: OutputFile) {
        let i = day.days(since: first)
        if i >= 0 && i < count {
            text.withUnsafeBufferPointer { buf in
                if let p = buf.baseAddress { out.bytes(p + i * 10, count: 4) }
            }
        } else {
            out.bytes(Array(DayTable.format(day).prefix(4)))
        }
    }
}
