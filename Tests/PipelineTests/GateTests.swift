import Foundation
import GRDB
import Ledger
import Pipeline
import Store
import Testing

/// The data-freshness gate, at its threshold and one hour either side, and failing closed.
@Suite struct FreshnessGateTests {
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func instant(hoursBefore h: Double) -> String { Instant.string(now.addingTimeInterval(-h * 3600)) }

    @Test func nothingIngestedIsStale() {
        #expect(FreshnessGate.staleReason(lastIngest: nil, maxHours: 24, now: Self.now) == "nothing has been ingested yet")
    }

    @Test func atTheLimitIsFreshOneHourOverIsStale() {
        #expect(FreshnessGate.staleReason(lastIngest: Self.instant(hoursBefore: 23), maxHours: 24, now: Self.now) == nil)
        #expect(FreshnessGate.staleReason(lastIngest: Self.instant(hoursBefore: 24), maxHours: 24, now: Self.now) == nil)
        let last = Self.instant(hoursBefore: 25)
        #expect(FreshnessGate.staleReason(lastIngest: last, maxHours: 24, now: Self.now)
            == "the last ingest was 25 h ago (\(last)), over the 24 h limit")
    }

    /// An instant that cannot be read holds sending (it used to count as 0 h old and let it through).
    @Test func anUnreadableInstantFailsClosed() {
        #expect(FreshnessGate.age(lastIngest: "yesterday", now: Self.now) == .unreadable("yesterday"))
        #expect(FreshnessGate.staleReason(lastIngest: "yesterday", maxHours: 24, now: Self.now)
            == "the last ingest time 'yesterday' cannot be read")
        #expect(FreshnessGate.staleReason(lastIngest: "", maxHours: 24, now: Self.now) == "the last ingest time '' cannot be read")
        #expect(FreshnessGate.freshness(lastIngest: "2026-13-45T99:00:00Z", maxHours: 24, now: Self.now)
            == "data freshness: the last ingest time '2026-13-45T99:00:00Z' cannot be read: sending would be held until fresh data arrives")
    }

    /// An instant without milliseconds is still an instant.
    @Test func anInstantWithoutMillisecondsIsRead() {
        let plain = ISO8601DateFormatter().string(from: Self.now.addingTimeInterval(-2 * 3600))
        #expect(FreshnessGate.age(lastIngest: plain, now: Self.now) == .hours(2))
    }

    @Test func theVerdictForThePlan() {
        let last = Self.instant(hoursBefore: 3)
        #expect(FreshnessGate.freshness(lastIngest: last, maxHours: 24, now: Self.now) == "data freshness: last ingest \(last), 3 h ago: ok")
    }
}

/// The anomaly gate's statistics: the median of the last nights, at least three of them, at least
/// 20 reminders, per currency for the amounts.
@Suite struct AnomalyGateTests {
    static let day = Day(iso: "2026-11-21")!

    static func claimed(_ currency: String, _ totals: [(String, Int64)]) -> [DunningNightFigures.Claimed] {
        totals.map { DunningNightFigures.Claimed(currency: currency, asOf: $0.0, totalMinor: $0.1) }
    }

    @Test func fewerThanThreeNightsNeverHold() {
        let f = DunningNightFigures(tonight: 500, history: [1, 1], claimed: [])
        #expect(AnomalyGate.verdict(f, day: Self.day, factor: 3) == nil)
    }

    @Test func theCountThreshold() {
        // 21 > 3 × 7 is false: not held; 22 is.
        #expect(AnomalyGate.verdict(DunningNightFigures(tonight: 21, history: [7, 6, 8], claimed: []), day: Self.day, factor: 3) == nil)
        let held = AnomalyGate.verdict(DunningNightFigures(tonight: 22, history: [7, 6, 8], claimed: []), day: Self.day, factor: 3)
        #expect(held == "22 reminders tonight against a usual 7 (more than 3.0×); once checked, release them with `relance dunning release 2026-11-21`")
    }

    @Test func fewerThanTwentyRemindersNeverHoldOnTheCount() {
        #expect(AnomalyGate.verdict(DunningNightFigures(tonight: 19, history: [1, 1, 1], claimed: []), day: Self.day, factor: 3) == nil)
    }

    @Test func theAmountsPerCurrency() {
        let eur = Self.claimed("EUR", [("2026-11-21", 400_01), ("2026-11-20", 100_00), ("2026-11-19", 200_00), ("2026-11-18", 100_00)])
        let usd = Self.claimed("USD", [("2026-11-21", 100_00), ("2026-11-20", 100_00), ("2026-11-19", 100_00), ("2026-11-18", 100_00)])
        let f = DunningNightFigures(tonight: 5, history: [5, 5, 5], claimed: eur + usd)
        let verdict = AnomalyGate.verdict(f, day: Self.day, factor: 3)
        #expect(verdict?.contains("400.01") == true && verdict?.contains("claimed tonight against a usual") == true, "\(verdict ?? "nil")")
        #expect(verdict?.contains("USD") == false)
        let exactly = Self.claimed("EUR", [("2026-11-21", 300_00), ("2026-11-20", 100_00), ("2026-11-19", 100_00), ("2026-11-18", 100_00)])
        #expect(AnomalyGate.verdict(DunningNightFigures(tonight: 5, history: [5, 5, 5], claimed: exactly), day: Self.day, factor: 3) == nil)
    }

    /// The figures as the store reads them from `dunning_event`: queued and held count, cancelled not.
    @Test func theFiguresFromARealLedger() throws {
        let folder = try TempFolder()
        defer { folder.remove() }
        let store = try folder.store()
        try store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            var n = 0
            for (day, count, status) in [("2026-11-18", 2, "queued"), ("2026-11-19", 3, "held"), ("2026-11-20", 4, "queued"),
                                         ("2026-11-20", 5, "cancelled"), ("2026-11-21", 6, "queued")] {
                for _ in 0..<count {
                    n += 1
                    try db.execute(sql: """
                        INSERT INTO dunning_event (idempotency_key, debtor_id, as_of, ladder, step, step_index, channels, language, currency,
                          balance_minor, interest_minor, fees_minor, total_minor, computation, status, created_at)
                        VALUES (?, 1, ?, 'b2b/v1', 'first', 0, 'email', 'nl', 'EUR', 1000, 0, 0, 1000, '{}', ?, '2026-11-21T00:00:00.000Z')
                        """, arguments: ["k\(n)", day, status])
                }
            }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let f = try store.pool.read { db in try DunningNights.figures(db, asOf: Self.day) }
        #expect(f.tonight == 6)
        #expect(f.history == [4, 3, 2])
        #expect(f.claimed.map(\.totalMinor) == [6000, 4000, 3000, 2000])
        let previous = try store.pool.read { db in try PreviousRun.load(db, before: Self.day) }
        #expect(previous.day == "2026-11-20")
        #expect(previous.reminders.count == 1)
    }
}
