import Foundation
import GRDB
import Ingest
import Ledger
import RelanceTestSupport
import Store
import Testing

@testable import Forecast

/// A deterministic random source for synthetic ledgers.
typealias SplitMix = SeededGenerator

extension SeededGenerator {
    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-12), v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

/// Builds synthetic ledgers in memory, day numbers relative to `start`.
struct LedgerBuilder {
    var facts = LedgerFacts()
    var nextInvoice: Int64 = 1
    let start = Day(year: 2025, month: 1, day: 1)!

    func day(_ offset: Int) -> Day { start.adding(days: offset) }

    @discardableResult
    mutating func debtor(_ key: String, consumer: Bool = false, language: String = "nl") -> Int32 {
        facts.addDebtor(id: Int64(facts.debtorCount + 1), key: key, consumer: consumer, language: language)
    }

    /// An invoice issued on day `issue`, due 30 days later, paid `delay` days after its due day
    /// (nil: still open). Returns its index.
    @discardableResult
    mutating func invoice(_ debtor: Int32, issue: Int, delay: Int?, amount: Int64 = 100_00, disputed: Bool = false,
                          terms: Int = 30, partlyPaidOn: Int? = nil, open: Int64? = nil) -> Int {
        let due = issue + terms
        let paid = delay.map { start.adding(days: due + $0).daysSinceEpoch } ?? LedgerFacts.unpaid
        let first = partlyPaidOn.map { start.adding(days: $0).daysSinceEpoch } ?? paid
        facts.addInvoice(id: nextInvoice, debtor: debtor, issue: day(issue), due: day(due), paid: paid, firstPaid: first,
                         amountMinor: amount, openMinor: delay == nil ? (open ?? amount) : 0, currency: "EUR", disputed: disputed)
        nextInvoice += 1
        return facts.invoiceCount - 1
    }

    /// `count` paid invoices of `debtor`, one every `every` days from day `from`, delays around
    /// `mean` with spread `sd`.
    mutating func history(_ debtor: Int32, count: Int, from: Int = 0, every: Int = 7, mean: Double, sd: Double,
                          rng: inout SplitMix) {
        for k in 0..<count {
            invoice(debtor, issue: from + k * every, delay: Int((mean + sd * rng.normal()).rounded()))
        }
    }
}

/// A fresh database in a temporary folder, removed with the value.
final class TempStore {
    private let temporary: TemporaryStore
    var dir: String { temporary.dir }
    var store: LedgerStore { temporary.store }

    init() throws { temporary = try TemporaryStore("forecast") }

    /// Writes `text` to a file and ingests it.
    func ingest(_ kind: IngestKind, _ name: String, _ text: String, booked: Bool = false, asOf: String = "2026-03-31") throws {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var o = IngestOptions(kind: kind, asOf: Day(iso: asOf)!)
        o.booked = booked
        o.rejectsDirectory = dir + "/rejects"
        var errors: [String] = []
        let summaries = try Ingestor.run(store: store, files: [path], options: o, now: { Date(timeIntervalSince1970: 1_795_000_000) }) {
            if $0.severity == .error { errors.append($0.description) }
        }
        #expect(summaries.allSatisfy { !$0.hasRejects }, "\(name) was not ingested cleanly: \(errors)")
    }

    func facts(asOf: String) throws -> LedgerFacts {
        try store.pool.read { db in try LedgerFacts.read(db, asOf: Day(iso: asOf)!) }
    }
}
