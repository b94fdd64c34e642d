import Billing
import Foundation
import Ledger
import Testing

/// The Agoria clause of `belgian-rules.md` §6: the worked examples, the month arithmetic, floors,
/// missing months and the one rounding step.
@Suite struct AgoriaTests {
    func d(_ s: String) -> Day { Day(iso: s)! }
    func m(_ s: String) -> Month { Month(text: s)! }

    /// A table with `base` in `baseMonth` and `actual` in `actualMonth` for series `s`.
    func table(_ s: String = "agoria", base: String, _ baseMonth: String, actual: String, _ actualMonth: String) -> IndexTable {
        var t = IndexTable()
        t.set(s, m(baseMonth), IndexValue(text: base)!)
        t.set(s, m(actualMonth), IndexValue(text: actual)!)
        return t
    }

    @Test(arguments: [
        // current price, base, actual, expected factor, expected new price (§6.3)
        (Int64(10_000), "110.00", "115.50", "1.04", Int64(10_400)),
        (Int64(4_999), "120.00", "126.24", "1.0416", Int64(5_207)),
        (Int64(25_000), "130.00", "127.40", "0.984", Int64(24_600)),
    ])
    func workedExamples(_ price: Int64, _ base: String, _ actual: String, _ factor: String, _ expected: Int64) throws {
        let t = table(base: base, "2025-12", actual: actual, "2026-11")
        let i = try Agoria.index(price: .eur(cents: price), priceAdjustedOn: d("2026-01-01"), indexationDate: d("2027-01-01"),
                                 series: "agoria", floor: false, table: t)
        #expect(i.newPrice == .eur(cents: expected))
        #expect(BillingRounding.plain(i.factor) == factor)
        #expect(i.oldPrice == .eur(cents: price))
        #expect(i.actual.text == actual && i.base.text == base)
        #expect(!i.floored)
    }

    @Test func theSecondExampleRoundsOnceFrom52_069584() {
        // 49.99 × 1.0416 = 52.069584 exactly; half-up to the cent once gives 52.07.
        let exact = Decimal(string: "49.99")! * Agoria.factor(actual: Decimal(string: "126.24")!, base: Decimal(string: "120.00")!)
        #expect(exact == Decimal(string: "52.069584")!)
        #expect(BillingRounding.round(exact, .eur) == .eur(cents: 5_207))
    }

    @Test func monthArithmetic() {
        // Price set on 15 March 2025 and never changed: base = February 2025.
        #expect(Agoria.baseMonth(priceAdjustedOn: d("2025-03-15")) == m("2025-02"))
        // Price last set in January 2026: base = December 2025 (across the year).
        #expect(Agoria.baseMonth(priceAdjustedOn: d("2026-01-01")) == m("2025-12"))
        #expect(Agoria.baseMonth(priceAdjustedOn: d("2026-01-31")) == m("2025-12"))
        // January indexation: actual = November of the previous year.
        #expect(Agoria.actualMonth(indexationDate: d("2027-01-01")) == m("2026-11"))
        // Another indexation month: two months before, within the year.
        #expect(Agoria.actualMonth(indexationDate: d("2027-04-01")) == m("2027-02"))
        #expect(Agoria.actualMonth(indexationDate: d("2027-02-01")) == m("2026-12"))
        #expect(Agoria.indexationDate(year: 2027, month: 1) == d("2027-01-01"))
    }

    @Test func theIndexMonthsComeFromTheDates() throws {
        // Price set 15 March 2025, indexed 1 January 2027: base February 2025, actual November 2026.
        let t = table(base: "120.00", "2025-02", actual: "126.24", "2026-11")
        let i = try Agoria.index(price: .eur(cents: 4_999), priceAdjustedOn: d("2025-03-15"), indexationDate: d("2027-01-01"),
                                 series: "agoria", floor: false, table: t)
        #expect(i.baseMonth == m("2025-02") && i.actualMonth == m("2026-11"))
        #expect(i.effective == d("2027-01-01"))
    }

    @Test func aFallingIndexLowersThePriceUnlessTheContractHasAFloor() throws {
        let t = table(base: "130.00", "2025-12", actual: "127.40", "2026-11")
        let free = try Agoria.index(price: .eur(cents: 25_000), priceAdjustedOn: d("2026-01-01"), indexationDate: d("2027-01-01"),
                                    series: "agoria", floor: false, table: t)
        #expect(free.newPrice == .eur(cents: 24_600) && !free.floored)
        let floored = try Agoria.index(price: .eur(cents: 25_000), priceAdjustedOn: d("2026-01-01"), indexationDate: d("2027-01-01"),
                                       series: "agoria", floor: true, table: t)
        #expect(floored.newPrice == .eur(cents: 25_000) && floored.floored)
        #expect(BillingRounding.plain(floored.factor) == "0.984")
        // A rising index is untouched by the floor.
        let up = table(base: "110.00", "2025-12", actual: "115.50", "2026-11")
        let risen = try Agoria.index(price: .eur(cents: 10_000), priceAdjustedOn: d("2026-01-01"), indexationDate: d("2027-01-01"),
                                     series: "agoria", floor: true, table: up)
        #expect(risen.newPrice == .eur(cents: 10_400) && !risen.floored)
    }

    @Test func aMissingMonthNamesTheSeriesAndTheMonth() {
        var t = IndexTable()
        t.set("agoria-digital", m("2025-12"), IndexValue(text: "110.00")!)
        #expect {
            try Agoria.index(price: .eur(cents: 10_000), priceAdjustedOn: d("2026-01-01"), indexationDate: d("2027-01-01"),
                             series: "agoria-digital", floor: false, table: t)
        } throws: { e in
            let f = e as! IndexationFailure
            return f.missing == [MissingIndex(series: "agoria-digital", month: m("2026-11"))]
                && f.description.contains("\"agoria-digital\" has no value for 2026-11")
        }
        // Another series with the month does not stand in for it.
        t.set("agoria-manufacturing", m("2026-11"), IndexValue(text: "115.50")!)
        #expect(throws: IndexationFailure.self) {
            try Agoria.index(price: .eur(cents: 10_000), priceAdjustedOn: d("2026-01-01"), indexationDate: d("2027-01-01"),
                             series: "agoria-digital", floor: false, table: t)
        }
        // Both months missing: both named, actual first.
        #expect {
            try Agoria.index(price: .eur(cents: 10_000), priceAdjustedOn: d("2025-03-15"), indexationDate: d("2027-01-01"),
                             series: "x", floor: false, table: IndexTable())
        } throws: { e in (e as! IndexationFailure).missing.map(\.month) == [m("2026-11"), m("2025-02")] }
    }

    @Test(arguments: [
        // price, base, actual, expected: exactly half a cent rounds up; just under stays down.
        (Int64(10_000), "100", "100.00625", Int64(10_001)),  // 100.005 → 100.01
        (Int64(10_000), "100", "100.006249", Int64(10_000)),  // 100.0049999 → 100.00
        (Int64(10_000), "100", "100.018749", Int64(10_001)),  // 100.0149999 → 100.01
        (Int64(10_000), "100", "100.01875", Int64(10_002)),  // 100.015 → 100.02
        (Int64(1), "3", "7", Int64(2)),  // 0.01 × (0.6 + 5.6) / 3 = 0.0206666… → 0.02
        (Int64(333), "3", "1", Int64(155)),  // 3.33 × 1.4 / 3 = 1.554 → 1.55
    ])
    func roundingEdges(_ price: Int64, _ base: String, _ actual: String, _ expected: Int64) throws {
        let t = table(base: base, "2025-12", actual: actual, "2026-11")
        let i = try Agoria.index(price: .eur(cents: price), priceAdjustedOn: d("2026-01-01"), indexationDate: d("2027-01-01"),
                                 series: "agoria", floor: false, table: t)
        #expect(i.newPrice == .eur(cents: expected))
    }

    @Test func roundingIsHalfUpAwayFromZeroOnce() {
        #expect(BillingRounding.round(Decimal(string: "0.005")!, .eur) == .eur(cents: 1))
        #expect(BillingRounding.round(Decimal(string: "0.004999999999")!, .eur) == .eur(cents: 0))
        #expect(BillingRounding.round(Decimal(string: "-0.005")!, .eur) == .eur(cents: -1))
        #expect(BillingRounding.round(Decimal(string: "123456789.125")!, .eur) == .eur(cents: 12_345_678_913))
        #expect(BillingRounding.round(Decimal(string: "7.5")!, Currency(code: "JPY")!).minorUnits == 8)
    }

    @Test func monthsParseAndMove() {
        #expect(Month(text: "2027-01")?.description == "2027-01")
        #expect(Month(text: "2027-1") == nil && Month(text: "2027-13") == nil && Month(text: "27-01") == nil)
        #expect(m("2027-01").adding(months: -2) == m("2026-11"))
        #expect(m("2026-12").adding(months: 1) == m("2027-01"))
        #expect(m("2024-02").lastDay == d("2024-02-29"))
        #expect(m("2027-02").day(31) == d("2027-02-28"))
    }
}
