import Foundation
import Ledger
import Store

/// Reading and writing the database's instants (`2026-11-21T12:00:00.000Z`) and mail dates.
enum InstantText {
    /// The stored form of an instant.
    static func string(_ d: Date) -> String { Instant.string(d) }

    /// Parses the stored form; nil when it is not one.
    static func date(_ s: String) -> Date? {
        let u = Array(s.utf8)
        guard u.count == 24, u[10] == UInt8(ascii: "T"), u[23] == UInt8(ascii: "Z"),
            let day = Day(iso: s.prefix(10))
        else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for b in u[r] {
                guard b >= 48 && b <= 57 else { return nil }
                v = v * 10 + Int(b - 48)
            }
            return v
        }
        guard let h = num(11..<13), let m = num(14..<16), let sec = num(17..<19), let ms = num(20..<23) else { return nil }
        let seconds = Double(day.daysSinceEpoch) * 86_400 + Double(h * 3600 + m * 60 + sec) + Double(ms) / 1000
        return Date(timeIntervalSince1970: seconds)
    }

    /// An RFC 5322 date in UTC: `Sat, 21 Nov 2026 12:00:00 +0000`.
    static func rfc5322(_ d: Date) -> String {
        let secs = Int64(d.timeIntervalSince1970.rounded(.down))
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = Int(secs - days * 86_400)
        let day = Day(daysSinceEpoch: Int32(days))
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let (y, mo, dd) = day.components
        return "\(names[day.isoWeekday - 1]), \(dd) \(months[mo - 1]) \(y) \(two(rem / 3600)):\(two(rem % 3600 / 60)):\(two(rem % 60)) +0000"
    }
}
