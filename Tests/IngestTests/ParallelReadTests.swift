import Foundation
import GRDB
import Ledger
import Testing

@testable import Ingest

/// The reading of a file on two threads (parse and decode | check) gives what one thread gave:
/// the same rows, diagnostics and rejects, in file order, across many chunk boundaries.
@Suite struct ParallelReadTests {
    /// 5,000 rows (about ten parsing chunks) with bad rows spread through them, quoted fields with
    /// line breaks and blank lines; what should happen is worked out row by row, as one thread reads.
    @Test func badRowsSpreadThroughAFileAreReportedAndRejectedInFileOrder() throws {
        let t = try TestLedger().withDebtors()
        let header = "invoice_number,debtor_id,issue_date,due_date,amount,description"
        var lines = [header]
        var physical = 1  // the file's line of the last record written
        var good: [String: Int64] = [:]
        var expectedErrors: [String] = []
        var rejected: [(line: Int, raw: String)] = []
        for i in 0..<5_000 {
            let line = physical + 1
            var raw = "N-\(i),K00\(i % 5 + 1),2026-10-01,2026-10-31,\(i).\(String(format: "%02d", i % 100)),plain"
            var newlines = 0
            if i % 97 == 5 {
                raw = "N-\(i),K001,2026-13-01,2026-10-31,1.00,bad date"
                expectedErrors.append("\(line):3:date")
            } else if i % 131 == 7 {
                raw = "N-\(i),NOBODY,2026-10-01,2026-10-31,1.00,unknown debtor"
                expectedErrors.append("\(line):2:unknown-debtor")
            } else if i % 211 == 11 {
                raw = "N-\(i - 1),K002,2026-10-01,2026-10-31,2.00,repeats the previous number"
                expectedErrors.append("\(line):1:duplicate-key")
            } else if i % 89 == 3 {
                raw = "N-\(i),K003,2026-10-01,2026-10-31,12x,amount"
                expectedErrors.append("\(line):5:amount")
            } else if i % 50 == 0 {
                raw = "N-\(i),K004,2026-10-01,2026-10-31,3.00,\"two\nlines, quoted\""
                newlines = 1
            }
            if expectedErrors.last?.hasPrefix("\(line):") == true {
                rejected.append((line, raw))
            } else {
                good["N-\(i)"] = i % 50 == 0 ? 300 : Int64(i) * 100 + Int64(i % 100)
            }
            lines.append(raw)
            physical += 1 + newlines
            if i % 1_000 == 999 {
                lines.append("")  // a blank line: skipped, not counted
                physical += 1
            }
        }
        let path = t.write("spread.csv", lines.joined(separator: "\n") + "\n")
        let s = try t.ingest(.invoices, [path])
        #expect(s[0].read == 5_000)
        #expect(s[0].rejected == rejected.count && s[0].imported == 5_000 - rejected.count)
        let errors = t.diagnostics.filter { $0.severity == .error }.map { "\($0.line):\($0.column):\($0.rule)" }
        #expect(errors == expectedErrors)
        let stored = try t.store.pool.read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT invoice_number, amount_minor FROM invoice")
                .map { ($0[0] as String, $0[1] as Int64) })
        }
        #expect(stored == good)
        #expect(try t.invoice("N-50")?.description == "two\nlines, quoted")
        let rejects = try String(contentsOfFile: t.rejectsDir + "/spread.csv.rejects.csv", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(rejects[0] == "rejected_line,rejected_reason," + header)
        #expect(rejects.count == rejected.count + 2)  // the header, the rows, the final newline
        for (k, r) in rejected.enumerated() {
            #expect(rejects[k + 1].hasPrefix("\(r.line),\"["))
            #expect(rejects[k + 1].hasSuffix("," + r.raw))
        }
    }

    /// A file that cannot be read as CSV past row 3,300 (an unterminated quote, after the 2,000 rows
    /// the decimal separator is learnt from) refuses the whole file, after reporting the bad rows
    /// before it, as one thread did.
    @Test func aFatalErrorLateInTheFileReportsTheRowsBeforeItAndKeepsNothing() throws {
        let t = try TestLedger().withDebtors()
        var text = "invoice_number,debtor_id,issue_date,due_date,amount\n"
        for i in 0..<3_300 { text += "F-\(i),\(i == 700 || i == 3_290 ? "NOBODY" : "K001"),2026-10-01,2026-10-31,1.00\n" }
        text += "F-X,K001,\"2026-10-01,2026-10-31,1.00\n"
        let s = try t.ingest(.invoices, [t.write("late.csv", text)])
        #expect(s[0].fatal != nil)
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 0)
        let errors = t.diagnostics.filter { $0.severity == .error }.map { "\($0.line):\($0.rule)" }
        #expect(errors == ["702:unknown-debtor", "3292:unknown-debtor", "3302:unterminated-quote"])
    }

    /// The allocation-free amount reader gives exactly what `AmountParser` gives, or leaves the text to it.
    @Test func plainAmountsReadAsAmountParserReadsThem() throws {
        let jpy = try #require(Currency(code: "JPY"))
        let bhd = try #require(Currency(code: "BHD"))
        var texts = ["0", "-0", "1", "12", "0.5", "1.05", "-1.05", "1,05", "1.234", "1,234", "1.2345", "999999999999.99",
                     "9999999999999", "-999999999999.99", "1.", ".5", "-", "--1", "+1", "1 000", "1.000,50", "007.10", "1.5.5"]
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789.,-".utf8)
        for _ in 0..<3_000 {
            texts.append(String(decoding: (0..<Int.random(in: 1...9, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! },
                                as: UTF8.self))
        }
        var fast = 0
        for text in texts {
            for currency in [Currency.eur, jpy, bhd] {
                for decimal in [nil, DecimalSeparator.point, .comma] {
                    guard let m = InputRow.plainAmount(ArraySlice(text.utf8), currency: currency, decimal: decimal) else { continue }
                    fast += 1
                    let full = AmountParser.parse(utf8: Array(text.utf8), currency: currency, decimal: decimal)
                    #expect((try? full.get()) == m, "\(text) \(currency) \(String(describing: decimal))")
                }
            }
        }
        #expect(fast > 1_000)
    }

    /// The debtor table finds what a `[String: …]` dictionary filled in the same order finds.
    @Test func byteKeyTableFindsWhatADictionaryFinds() {
        let keys = (0..<5_000).map { "D\($0)" } + ["", "K\u{E9}", "K001 ", "\u{212B}ngstr\u{F6}m", "D7"]
        let pairs = keys.enumerated().map { ($0.element, $0.offset) }
        let table = ByteKeyTable(pairs)
        var dictionary: [String: Int] = [:]
        for (k, v) in pairs { dictionary[k] = v }
        let probes = keys + ["D5000", "d1", "K001", "Ke\u{301}", "\u{C5}ngstro\u{308}m", "\u{212A}001 ", "K001  "]
        for k in probes {
            #expect(table[k] == dictionary[k], "\(k)")
            if k.utf8.allSatisfy({ $0 < 0x80 }) { #expect(table[ascii: ArraySlice(k.utf8)] == dictionary[k], "\(k)") }
        }
        #expect(table["D7"] == 5_004)
    }
}
