import Foundation
import RelanceTestSupport
import Testing

/// `relance-gen --flow-day` (issue 17): one day's new invoices and receipts after the base ledger,
/// from the arguments alone. Each receipt pays an invoice that exists (the base's open ones or an
/// earlier flow day's) for its whole open amount, on that day, and no invoice is paid twice.
@Suite struct DailyFlowTests {
    static let base = ["--debtors", "60", "--open-invoices", "300", "--history", "200", "--as-of", "2026-11-21", "--seed", "5",
                       "--flow-invoices", "40"]

    static func generate(_ generator: String, _ out: String, _ extra: [String]) throws {
        let gen = Process()
        gen.executableURL = URL(fileURLWithPath: generator)
        gen.arguments = ["--out", out] + base + extra
        gen.standardError = FileHandle.nullDevice
        try gen.run()
        gen.waitUntilExit()
        #expect(gen.terminationStatus == 0, "relance-gen \(extra)")
    }

    /// Data rows of a generated file, split on commas (the columns read here come before any quoted field).
    static func rows(_ path: String) throws -> [[Substring]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    @Test func eachReceiptPaysAnOpenInvoiceOnceOnItsDay() throws {
        guard try RequiredTools.check(.relanceGen), let generator = Products.path("relance-gen") else { return }
        let dir = NSTemporaryDirectory() + "relance-flow-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.generate(generator, dir + "/base", [])
        // Open amounts by invoice number and by structured reference: the base's open invoices, then each day's new ones.
        var open: [Substring: Int] = [:]
        var byReference: [Substring: Substring] = [:]
        for r in try Self.rows(dir + "/base/invoices-open.csv") {
            open[r[0]] = Int(r[6].replacingOccurrences(of: ".", with: ""))
            byReference[r[8]] = r[0]
        }
        var paid = Set<Substring>()
        var receipts = 0
        let days = (22...30).map { "2026-11-\($0)" } + (1...9).map { "2026-12-0\($0)" }
        for day in days {
            try Self.generate(generator, dir + "/flow", ["--flow-day", day])
            for r in try Self.rows(dir + "/flow/payments-\(day).csv") {
                #expect(r[1] == day[...])
                let number = r[4].isEmpty ? byReference[r[5]] : r[4]
                guard let number, let amount = open[number] else {
                    Issue.record("receipt \(r[0]) of \(day) pays no known open invoice")
                    continue
                }
                #expect(Int(r[2].replacingOccurrences(of: ".", with: "")) == amount, "receipt \(r[0])")
                #expect(paid.insert(number).inserted, "invoice \(number) paid twice")
                receipts += 1
            }
            let invoices = try Self.rows(dir + "/flow/invoices-\(day).csv")
            #expect(invoices.count == (["2026-11-22", "2026-11-28", "2026-11-29", "2026-12-05", "2026-12-06"].contains(day) ? 3 : 40),
                    "\(day)")  // weekends: 8 %
            for r in invoices {
                #expect(r[2] == day[...] && r[5] == r[6])  // issued that day, open in full
                #expect(open[r[0]] == nil, "invoice number \(r[0]) used twice")
                open[r[0]] = Int(r[6].replacingOccurrences(of: ".", with: ""))
                byReference[r[8]] = r[0]
            }
        }
        #expect(receipts > 20)
        // The same arguments, the same bytes.
        let first = try Data(contentsOf: URL(fileURLWithPath: dir + "/flow/payments-2026-12-09.csv"))
        try Self.generate(generator, dir + "/again", ["--flow-day", "2026-12-09"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/again/payments-2026-12-09.csv")) == first)
    }
}
