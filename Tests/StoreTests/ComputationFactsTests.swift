import Foundation
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Issue 17, twelfth round: the stored computation written straight from its figures
/// (`DunningComputation.compress` of `Facts`) is byte for byte the blob written from its JSON,
/// over every format and over computations that meet each format's conditions or just miss them.
@Suite struct ComputationFactsTests {
    /// The figures of `DunningComputationTests.withInterest`.
    static let withInterest = DunningComputation.Facts(
        asOf: "2026-12-05", kind: "b2b", ladder: "b2b/v1", step: "reminder-2", currency: "EUR", balance: "2721.12", unapplied: "0.00",
        demanded: "2721.12", interest: "72.87", fees: "80.00", reminderFees: "0.00", announcedDamages: "0.00", total: "2873.99",
        payBy: "2026-12-19", dayCount: "actual/365", contractRate: nil, items: [])

    @Test func theJSONIsTheComposersAndTheBlobIsTheJSONsOverGeneratedComputations() throws {
        var rng = SeededGenerator(state: 17_12)
        var formats: [UInt8: Int] = [:]
        var direct = 0
        for n in 0..<4_000 {
            let (facts, items, header) = Self.generated(&rng)
            if facts.storedText(items: items, header: header) != nil { direct += 1 }
            let json = facts.json()
            let fromFacts = try DunningComputation.compress(facts, items: items, header: header)
            let throughJSON = try DunningComputation.compress(json, items: items, header: header)
            #expect([UInt8](fromFacts) == [UInt8](throughJSON), "computation \(n): \(json)")
            formats[fromFacts[0], default: 0] += 1
            if fromFacts != throughJSON { break }
            let back = try DunningComputation.decompress(fromFacts, items: items, header: header)
            #expect([UInt8](back.utf8) == [UInt8](json.utf8), "computation \(n)")
        }
        // Every format is met by some of them.
        for f in UInt8(1)...6 { #expect(formats[f, default: 0] > 50, "format \(f): \(formats)") }
        // Most are written from their figures (the rest: a currency code that is not three plain letters, a due day with a quote).
        #expect(direct > 2_000, "\(direct) of 4,000 written from their figures")
    }

    @Test func theFactsWriteTheSameJSONAsTheKnownComputation() throws {
        var facts = Self.withInterest
        facts.items = [DunningComputation.FactsItem(number: "F-1", creditNote: false, open: "12.50", due: "2026-10-09", daysLate: 57,
                                                    step: "reminder-2", advances: true, excluded: nil, claim: nil)]
        #expect(facts.json() == #"{"as_of":"2026-12-05","kind":"b2b","ladder":"b2b/v1","step":"reminder-2","currency":"EUR","#
            + #""balance":"2721.12","unapplied":"0.00","demanded":"2721.12","interest":"72.87","fees":"80.00","reminder_fees":"0.00","#
            + #""announced_damages":"0.00","total":"2873.99","pay_by":"2026-12-19","day_count":"actual/365","contract_rate":null,"#
            + #""items":[{"invoice":"F-1","credit_note":false,"open":"12.50","due":"2026-10-09","days_late":57,"step":"reminder-2","#
            + #""advances":true,"excluded":null}]}"#)
    }

    /// A computation, the event's items and its columns, each figure right or just wrong.
    static func generated(_ rng: inout SeededGenerator) -> (DunningComputation.Facts, [DunningComputation.Item], DunningComputation.Header?) {
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        let currencies: [(String, Int)] = [("EUR", 2), ("EUR", 2), ("EUR", 2), ("JPY", 0), ("KWD", 3), ("EURO", 2), ("EU", 2), ("E\"R", 2)]
        let (currency, digits) = currencies[Int.random(in: 0..<currencies.count, using: &rng)]
        func money(_ minor: Int64) -> String { Money.decimalString(minorUnits: minor, digits: digits) }
        let asOf = Day(iso: "2026-12-05")!.adding(days: Int.random(in: -40...40, using: &rng))
        let dayCount = chance(0.9) ? "actual/365" : ["actual/360", "", "x", "a/b/366"][Int.random(in: 0..<4, using: &rng)]
        let yearDays = dayCount.split(separator: "/").last.map(String.init) ?? ""
        let numbers = ["F-1", "F-2", "FA2026-0512", "F\"3", "F\\4", "é-5", "e\u{301}-5", "F\n6", "7", "F-8", "F-9", "F-10"]
        var facts: [DunningComputation.FactsItem] = []
        var items: [DunningComputation.Item] = []
        for k in 0..<Int.random(in: 0...5, using: &rng) {
            let number = numbers[Int.random(in: 0..<numbers.count, using: &rng)]
            let openMinor = Int64.random(in: -50_000...900_000, using: &rng)
            let daysLate = Int.random(in: -5...400, using: &rng)
            let due = chance(0.85) ? asOf.adding(days: -daysLate).description : (chance(0.9) ? asOf.adding(days: 3 - daysLate).description : "2026-1\"-01")
            var claim: DunningComputation.FactsClaim?
            if chance(0.6) {
                let open = money(openMinor)
                let periods = (0..<Int.random(in: 0...3, using: &rng)).map { p in
                    DunningComputation.FactsPeriod(from: asOf.adding(days: -300 + 100 * p).description, to: asOf.adding(days: -201 + 100 * p).description,
                                                   days: Int.random(in: 1...100, using: &rng), rate: ["10.5", "12", "8.00"][p],
                                                   amount: money(Int64.random(in: 0...9_000, using: &rng)))
                }
                let interest = money(Int64.random(in: 0...20_000, using: &rng))
                let flat = chance(0.5) ? "0.00" : money(Int64.random(in: 0...9_000, using: &rng))
                var lines = periods.map { "\(open) × \($0.rate)% × \($0.days)/\(yearDays) (\($0.from) to \($0.to)) = \($0.amount)" }
                lines.append("interest \(interest) = the periods' exact sum, half-up to the minor unit, once")
                if flat != "0.00" { lines.append("flat recovery compensation \(flat) (law of 2 August 2002, art. 6)") }
                if chance(0.1) { lines.append("first reminder 2026-10-01 by post") }
                if chance(0.05), !lines.isEmpty { lines[0] += " " }
                claim = DunningComputation.FactsClaim(interest: interest, flat: flat, claimableFrom: chance(0.5) ? nil : due,
                                                      periods: periods, explanation: lines)
            }
            facts.append(DunningComputation.FactsItem(
                number: number, creditNote: openMinor < 0, open: chance(0.97) ? money(openMinor) : money(openMinor + 1), due: due,
                daysLate: daysLate, step: chance(0.7) ? "reminder-2" : nil, advances: chance(0.5), excluded: chance(0.2) ? "disputed invoice" : nil,
                claim: claim))
            if chance(0.92) {
                items.append(DunningComputation.Item(invoiceID: chance(0.97) ? Int64(100 - 7 * k) : 100, number: number,
                                                     openMinor: openMinor, daysLate: chance(0.97) ? daysLate : daysLate + 1))
            }
        }
        let balanceMinor = Int64.random(in: 0...900_000, using: &rng), demandedMinor = Int64.random(in: 0...900_000, using: &rng)
        let interestMinor = Int64.random(in: 0...9_000, using: &rng), feesMinor = Int64.random(in: 0...9_000, using: &rng)
        let totalMinor = Int64.random(in: 0...900_000, using: &rng)
        let payBy = asOf.adding(days: 14).description
        let computation = DunningComputation.Facts(
            asOf: asOf.description, kind: chance(0.5) ? "b2b" : "b2c", ladder: "b2b/v1", step: "reminder-2", currency: currency,
            balance: money(balanceMinor), unapplied: money(0), demanded: money(demandedMinor), interest: money(interestMinor),
            fees: money(feesMinor), reminderFees: money(0), announcedDamages: money(0), total: money(totalMinor), payBy: payBy,
            dayCount: dayCount, contractRate: chance(0.3) ? "8.00" : nil, items: facts)
        guard chance(0.9) else { return (computation, items, nil) }
        var header = DunningComputation.Header(asOf: asOf.description, ladder: "b2b/v1", step: "reminder-2", currency: currency,
                                               balanceMinor: balanceMinor, demandedMinor: demandedMinor, interestMinor: interestMinor,
                                               feesMinor: feesMinor, totalMinor: totalMinor, payBy: payBy)
        switch Int.random(in: 0..<24, using: &rng) {
        case 0: header.totalMinor += 1
        case 1: header.demandedMinor = nil
        case 2: header.payBy = nil
        case 3: header.step = "reminder-1"
        case 4: header.asOf = "2026-13-01"
        case 5: header.balanceMinor -= 1
        case 6: header.ladder = "b2c/v1"
        default: break
        }
        return (computation, items, header)
    }
}
