import Foundation
import Ledger
import Store

/// The data-freshness gate: sending is held when the last ingest is older than a limit, when
/// nothing was ingested yet, or when the last ingest's time cannot be read (it fails closed).
package enum FreshnessGate {
    /// How old the last ingest is.
    package enum Age: Equatable, Sendable {
        /// Nothing was ingested yet.
        case never
        /// The recorded instant is not one the store writes.
        case unreadable(String)
        /// Whole hours since the last ingest finished.
        case hours(Int)
    }

    /// The age of `lastIngest` (an instant as the store writes it) at `now`.
    package static func age(lastIngest: String?, now: Date) -> Age {
        guard let last = lastIngest else { return .never }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        guard let when = formatter.date(from: last) ?? plain.date(from: last) else { return .unreadable(last) }
        return .hours(Int(now.timeIntervalSince(when) / 3600))
    }

    /// Why sending is held, or nil when the data is fresh.
    package static func staleReason(lastIngest: String?, maxHours: Int, now: Date) -> String? {
        switch age(lastIngest: lastIngest, now: now) {
        case .never: return "nothing has been ingested yet"
        case .unreadable(let text): return "the last ingest time '\(text)' cannot be read"
        case .hours(let hours):
            return hours > maxHours ? "the last ingest was \(hours) h ago (\(lastIngest ?? "")), over the \(maxHours) h limit" : nil
        }
    }

    /// The gate's verdict, in words, for `relance dunning plan`.
    package static func freshness(lastIngest: String?, maxHours: Int, now: Date) -> String {
        if let stale = staleReason(lastIngest: lastIngest, maxHours: maxHours, now: now) {
            return "data freshness: \(stale): sending would be held until fresh data arrives"
        }
        guard case .hours(let hours) = age(lastIngest: lastIngest, now: now) else { return "data freshness: ok" }
        return "data freshness: last ingest \(lastIngest ?? ""), \(hours) h ago: ok"
    }
}

/// The anomaly gate: tonight's reminders, or the total they claim in a currency, more than
/// `factor` times the median of the last 7 nights that decided any (at least 3 such nights).
package enum AnomalyGate {
    /// Why tonight looks wrong, in words with the release command; nil when it looks usual.
    package static func verdict(_ f: DunningNightFigures, day: Day, factor: Double) -> String? {
        guard f.history.count >= 3 else { return nil }
        let median = f.history.sorted()[f.history.count / 2]
        var why: [String] = []
        if f.tonight >= 20, Double(f.tonight) > factor * Double(max(1, median)) {
            why.append("\(f.tonight) reminders tonight against a usual \(median)")
        }
        for (code, rows) in Dictionary(grouping: f.claimed, by: \.currency).sorted(by: { $0.key < $1.key }) {
            let total = rows.first { $0.asOf == day.description }?.totalMinor ?? 0
            let past = rows.filter { $0.asOf < day.description }.map(\.totalMinor)
            guard past.count >= 3, total > 0 else { continue }
            let usual = past.sorted()[past.count / 2]
            if Double(total) > factor * Double(max(1, usual)) {
                let currency = Currency(stored: code)
                why.append("\(Money(minorUnits: total, currency: currency)) claimed tonight against a usual "
                    + "\(Money(minorUnits: usual, currency: currency))")
            }
        }
        guard !why.isEmpty else { return nil }
        return why.joined(separator: "; ") + " (more than \(factor)×); once checked, release them with `relance dunning release \(day)`"
    }
}
