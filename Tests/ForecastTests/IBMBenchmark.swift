import Forecast
import Foundation
import GRDB
import Ingest
import Ledger
import RelanceTestSupport
import Store

/// The public IBM accounts-receivable sample (`../shared/data/ar-ibm/`), ingested through the
/// shipped mappings in `Examples/ar-ibm/`, for the benchmark of docs/FORECAST.md.
enum IBMBenchmark {
    /// The package root (this file is `Tests/ForecastTests/IBMBenchmark.swift`).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    /// The sample, from the project's shared folder beside the package.
    static let csv = packageRoot + "/../shared/data/ar-ibm/accounts-receivable.csv"
    static let examples = packageRoot + "/Examples/ar-ibm"
    /// The sample is there, or skipping is forbidden (`RELANCE_REQUIRE_TOOLS=1`, `CI=true`): then its absence fails.
    static var isAvailable: Bool { RequiredTools.runnable([.shared("data/ar-ibm/accounts-receivable.csv")]) }
    static let skipMessage = "the IBM sample is not there: ../shared/data/ar-ibm/accounts-receivable.csv (relative to the package root) is absent"

    /// The protocol's split day: learn from invoices issued and settled before it, test from it on.
    static let split = Day(year: 2013, month: 6, day: 5)!

    /// Ingests the sample (debtors, invoices with or without the Disputed flag, payments --booked)
    /// into a fresh database and reads it as facts.
    static func facts(disputed: Bool, in dir: String) throws -> LedgerFacts {
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        func ingest(_ kind: IngestKind, _ mapping: String, booked: Bool = false) throws {
            var o = IngestOptions(kind: kind, asOf: Day(year: 2014, month: 12, day: 31)!)
            o.mapping = try Mapping.load(path: examples + "/" + mapping)
            o.booked = booked
            o.rejectsDirectory = dir + "/rejects"
            let summaries = try Ingestor.run(store: store, files: [csv], options: o, now: { Date(timeIntervalSince1970: 1_795_000_000) }) { _ in }
            guard summaries.allSatisfy({ !$0.hasRejects && $0.read == 2466 }) else {
                throw SampleNotClean(mapping: mapping)
            }
        }
        try ingest(.debtors, "debtors.toml")
        try ingest(.invoices, disputed ? "invoices.toml" : "invoices-without-disputed.toml")
        try ingest(.payments, "payments.toml", booked: true)
        return try store.pool.read { db in try LedgerFacts.read(db, asOf: Day(year: 2014, month: 12, day: 31)!) }
    }

    /// The CSV's rows as header → value (the file has no quoted fields).
    static func rows() throws -> [[String: String]] {
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        var lines = text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        guard !lines.isEmpty else { return [] }
        let header = lines.removeFirst().split(separator: ",").map(String.init)
        return lines.filter { !$0.isEmpty }.compactMap { l in
            let f = l.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return f.count == header.count ? Dictionary(uniqueKeysWithValues: zip(header, f)) : nil
        }
    }

    /// Days since 1970-01-01 of an `M/D/YYYY` date.
    static func day(_ s: String) -> Int32? {
        let p = s.split(separator: "/").compactMap { Int($0) }
        guard p.count == 3, let d = Day(year: p[2], month: p[0], day: p[1]) else { return nil }
        return d.daysSinceEpoch
    }

    /// HARNESS-ONLY ATTRIBUTE, read from the CSV, not from the ledger (which cannot hold it yet):
    /// whether each invoice was issued after its customer went paperless (`PaperlessDate`), i.e.
    /// billed electronically. That is what the file's `PaperlessBill` column says, and it was known
    /// on the issue day. See docs/FORECAST.md for the debtor column that would carry it.
    static func paperless(for facts: LedgerFacts, in dir: String) throws -> InvoiceAttribute {
        var electronic: [String: Bool] = [:]
        for f in try rows() {
            guard let s = day(f["PaperlessDate"] ?? ""), let i = day(f["InvoiceDate"] ?? ""), let number = f["invoiceNumber"] else { continue }
            electronic[number] = i > s
        }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        let numbers = try store.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, invoice_number FROM invoice").map {
                ($0[0] as Int64, $0[1] as String)
            })
        }
        return InvoiceAttribute(name: "paperless", values: facts.invoiceIDs.map { electronic[numbers[$0] ?? ""] ?? false })
    }
}

/// The IBM sample did not ingest cleanly with a mapping (rejects, or not every row read).
struct SampleNotClean: Error, CustomStringConvertible {
    let mapping: String
    var description: String { "the IBM sample did not ingest cleanly with \(mapping)" }
}
