import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Support
import Testing

@testable import Ingest

/// An unchanged invoice row is recognised from its bytes (`RowFingerprint`, `invoice.row_check`)
/// without being read again: every outcome must be what the full check gives. Each test runs the
/// same steps on two ledgers, one with the fast path and one without, and compares summaries,
/// diagnostics, rejects files and the stored rows and history.
@Suite struct UnchangedRowTests {
    /// Two ledgers fed the same steps: `fast` recognises unchanged rows, `full` reads every row.
    final class Twin: TwinLedgers {
        var fast: TestLedger { subject }
        var full: TestLedger { reference }

        init() throws { try super.init(dump: Twin.dump) }

        /// Ingests the same text into both; checks that everything the user sees and everything stored
        /// is the same; returns the fast ledger's summaries.
        @discardableResult
        func ingest(_ name: String, _ text: String, kind: IngestKind = .invoices, mapping: Mapping? = nil,
                    snapshot: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) throws -> [FileSummary] {
            try ingestBoth([(name, text)], sourceLocation: sourceLocation) { t, paths, isSubject in
                let s = try t.ingest(kind, paths, mapping: mapping, snapshot: snapshot, recogniseUnchanged: isSubject)
                #expect(isSubject || s.allSatisfy { $0.unchangedByFingerprint == 0 }, sourceLocation: sourceLocation)
                return s
            }
        }

        /// Runs the same SQL on both ledgers.
        func execute(_ sql: String) throws {
            for t in [fast, full] { try t.store.pool.write { try $0.execute(sql: sql) } }
        }

        /// Invoices (without `row_check`), the change history and promises, as text.
        static func dump(_ t: TestLedger) throws -> [String] {
            try t.store.pool.read { db in
                var out: [String] = []
                for r in try Row.fetchAll(db, sql: "SELECT * FROM invoice ORDER BY id") {
                    out.append(r.columnNames.filter { $0 != "row_check" }.map { "\($0)=\(r[$0] as DatabaseValue)" }.joined(separator: " "))
                }
                for table in ["record_change", "promise_to_pay"] {
                    for r in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id") { out.append(r.description) }
                }
                return out
            }
        }
    }

    static let header = "invoice_number,debtor_id,issue_date,due_date,amount,open_amount,description,structured_reference"

    /// A file of `n` rows (several parsing chunks of 512), some with their due date left to the
    /// debtor's payment terms (K001: 14 days, K003: 30).
    static func rows(_ n: Int) -> [String] {
        (0..<n).map { i in
            let debtor = "K00\(i % 5 + 1)"
            let due = (i % 7 == 0 && (debtor == "K001" || debtor == "K003")) ? "" : "2026-10-31"
            let amount = "\(100 + i).\(String(format: "%02d", i % 100))"
            return "N-\(i),\(debtor),2026-10-01,\(due),\(amount),\(amount),\"item \(i), plain\","
        }
    }

    static func file(_ rows: [String]) -> String { ([header] + rows).joined(separator: "\n") + "\n" }

    @Test func theSameFileAgainIsUnchangedWithoutBeingReadAndInAnyOrder() throws {
        let twin = try Twin()
        let rows = Self.rows(3_000)
        let first = try twin.ingest("open.csv", Self.file(rows))
        #expect(first[0].imported == 3_000 && first[0].unchangedByFingerprint == 0)
        let again = try twin.ingest("open.csv", Self.file(rows))
        #expect(again[0].unchanged == 3_000 && again[0].unchangedByFingerprint == 3_000)
        var shuffled = rows
        var rng = SeededGenerator(state: 17)
        shuffled.shuffle(using: &rng)
        let reordered = try twin.ingest("open.csv", Self.file(shuffled))
        #expect(reordered[0].unchanged == 3_000 && reordered[0].unchangedByFingerprint == 3_000)
        // The same fields in another column order: the same fingerprints (they follow the columns, not the positions).
        let swapped = "debtor_id,invoice_number,issue_date,due_date,amount,open_amount,description,structured_reference\n"
            + rows.map { r -> String in
                var f = r.split(separator: ",", maxSplits: 2, omittingEmptySubsequences: false)
                f.swapAt(0, 1)
                return f.joined(separator: ",")
            }.joined(separator: "\n") + "\n"
        let columns = try twin.ingest("open.csv", swapped)
        #expect(columns[0].unchanged == 3_000 && columns[0].unchangedByFingerprint == 3_000)
    }

    @Test func changedBadAndRepeatedRowsAmongUnchangedOnesGiveTheFullChecksOutcome() throws {
        let twin = try Twin()
        let rows = Self.rows(2_000)
        try twin.ingest("open.csv", Self.file(rows))
        var next = rows
        next[3] = next[3].replacingOccurrences(of: "plain", with: "plaiN")  // one byte of the description
        next[600] = next[600].replacingOccurrences(of: "K001", with: "K002")  // another debtor
        next[700] = "N-700,K001,2026-13-01,2026-10-31,1.00,1.00,bad date,"  // refused
        next[800] = "N-800,NOBODY,2026-10-01,2026-10-31,1.00,1.00,unknown debtor,"  // refused
        next[900] = rows[10]  // repeats N-10, unchanged itself: refused as a duplicate
        next[1_200] = next[1_200].replacingOccurrences(of: "2026-10-01", with: " 2026-10-01 ")  // other bytes, same values
        next[1_300] = "N-1300,K002,2026-10-01,2026-10-31,5000.00,5000.00,another debtor and amount,"
        next[1_400] = "N-1400,K001,2026-10-01,2026-10-31,7.00,7.00,a lower amount than was open,"
        next.append("N-5000,K004,2026-10-01,2026-10-31,9.99,9.99,new,")
        next.append("N-5001,K004,2026-10-01,2026-10-31,1.00,1.00,short row")  // a field missing: refused
        next.append("N-3,K004,2026-10-01,2026-10-31,1.00,1.00,repeats a changed row,")
        let s = try twin.ingest("open.csv", Self.file(next))
        #expect(s[0].read == 2_003 && s[0].imported == 1 && s[0].updated == 4 && s[0].rejected == 5)
        #expect(s[0].unchanged == 1_993 && s[0].unchangedByFingerprint == 1_992)
        #expect(try twin.fast.invoice("N-1400")?.openMinor == 700)
        // The row whose bytes changed but not its values was read in full and keeps its new bytes' check.
        let again = try twin.ingest("open.csv", Self.file(next))
        #expect(again[0].unchanged == 1_998 && again[0].unchangedByFingerprint == 1_998 && again[0].rejected == 5)
    }

    /// The database thread fails while the reading thread waits for its answers: the ingest ends
    /// with the error (no thread left waiting) and the ledger is as it was.
    @Test func aFailureOnTheDatabaseThreadLeavesNothingWaitingAndNothingChanged() throws {
        let t = try TestLedger().withDebtors()
        let rows = Self.rows(6_000)
        try t.ingest(.invoices, [t.write("open.csv", Self.file(rows))])
        try t.store.pool.write { db in
            try db.execute(sql: "CREATE TRIGGER refuse BEFORE UPDATE OF amount_minor ON invoice BEGIN SELECT RAISE(ABORT, 'refused'); END")
        }
        let before = try Twin.dump(t)
        var next = rows
        next[1_500] = next[1_500].replacingOccurrences(of: ",plain", with: ",changed")
        next[1_500] = next[1_500].replacingOccurrences(of: "\"item 1500", with: "\"item 1500b")
        next[1_501] = "N-1501,K002,2026-10-01,2026-10-31,9999.00,9999.00,a higher amount,"
        #expect(throws: (any Error).self) { try t.ingest(.invoices, [t.write("open.csv", Self.file(next))]) }
        #expect(try Twin.dump(t) == before)
    }

    @Test func aChangedByteAnywhereInARowIsNoticed() throws {
        let twin = try Twin()
        let rows = Self.rows(40)
        try twin.ingest("open.csv", Self.file(rows))
        // Every byte of one row replaced in turn (the row reads the same bytes otherwise).
        let row = Array(rows[21].utf8)
        for i in row.indices where row[i] != UInt8(ascii: ",") && row[i] != UInt8(ascii: "\"") {
            var changed = row
            changed[i] = row[i] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            var next = rows
            next[21] = String(decoding: changed, as: UTF8.self)
            let s = try twin.ingest("open.csv", Self.file(next))
            // The changed row is never recognised (a key changed into the next row's makes that row a
            // refused duplicate: 38); what the full check does with it, the twin compares.
            #expect(s[0].unchangedByFingerprint <= 39, "byte \(i)")
            let back = try twin.ingest("open.csv", Self.file(rows))
            #expect(back[0].unchangedByFingerprint == (s[0].updated == 1 ? 39 : 40), "byte \(i)")
        }
    }

    @Test func fingerprintsDifferForEveryChangedByteAndEveryContext() throws {
        let t = try TestLedger().withDebtors()
        let validator = try t.store.pool.write { db in try InvoiceSink(db: db, asOf: Day(iso: "2026-11-21")!).validator }
        let fieldIndex = Self.fieldIndex
        let format = InputRow.Format(decimal: .point, dateOrder: .dmy, defaultCurrency: .eur)
        let seed = RowFingerprint.seed(fieldIndex: fieldIndex, format: format)
        func fingerprint(_ line: String, seed: UInt64) -> UInt64? {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { Array($0.utf8) }
            var bytes: [UInt8] = [], ranges: [Range<Int>] = []
            for f in fields { ranges.append(bytes.count..<(bytes.count + f.count)); bytes += f }
            return bytes.withUnsafeBufferPointer { validator.fingerprint($0, ranges: ranges[...], fieldIndex: fieldIndex, seed: seed)?.fingerprint }
        }
        let line = "INV-77,K003,2026-10-01,,1234.50,1234.50,Consultancy,000444872716"
        let base = try #require(fingerprint(line, seed: seed))
        var seen: Set<UInt64> = [base]
        for i in line.utf8.indices where line[i] != "," {
            for replacement in ["0", "9", "x", " "] where String(line[i]) != replacement {
                var changed = line
                changed.replaceSubrange(i...i, with: replacement)
                guard let f = fingerprint(changed, seed: seed) else { continue }  // not a candidate: read in full
                #expect(!seen.contains(f), "\(changed)")
                seen.insert(f)
            }
        }
        // A field's bytes moved to its neighbour gives another fingerprint.
        #expect(fingerprint("INV-77,K003,2026-10-01,,1234.50,1234.5,0Consultancy,000444872716", seed: seed) != base)
        // The same bytes read under another date order, decimal separator or default currency.
        for other in [InputRow.Format(decimal: .point, dateOrder: .mdy, defaultCurrency: .eur),
                      InputRow.Format(decimal: .comma, dateOrder: .dmy, defaultCurrency: .eur),
                      InputRow.Format(decimal: nil, dateOrder: .dmy, defaultCurrency: .eur),
                      InputRow.Format(decimal: .point, dateOrder: .dmy, defaultCurrency: Currency(code: "USD")!)] {
            #expect(fingerprint(line, seed: RowFingerprint.seed(fieldIndex: fieldIndex, format: other)) != base)
        }
        // Another debtor with other terms: another fingerprint; an unknown debtor or a key `text` would change: none.
        #expect(fingerprint(line.replacingOccurrences(of: "K003", with: "K001"), seed: seed) != base)
        #expect(fingerprint(line.replacingOccurrences(of: "K003", with: "K009"), seed: seed) == nil)
        #expect(fingerprint(" " + line, seed: seed) == nil)
    }

    /// invoice_number, debtor_id, issue_date, due_date, amount, open_amount, description, structured_reference.
    static var fieldIndex: [Int] {
        var index = [Int](repeating: -1, count: Column.allCases.count)
        for (i, c) in [Column.invoiceNumber, .debtorID, .issueDate, .dueDate, .amount, .openAmount, .description, .structuredReference]
            .enumerated() { index[c.ordinal] = i }
        return index
    }

    @Test func whatARowMeansBesidesItsBytesIsCheckedAgain() throws {
        let twin = try Twin()
        let rows = Self.rows(1_200)
        try twin.ingest("open.csv", Self.file(rows))
        // K001's payment terms change: its rows without a due date get another one.
        try twin.ingest("terms.csv", "debtor_id,name,payment_terms_days\nK001,Łukasz Wiśniewski,21\n", kind: .debtors)
        let terms = try twin.ingest("open.csv", Self.file(rows))
        let derived = (0..<1_200).filter { $0 % 7 == 0 && $0 % 5 == 0 }.count
        #expect(terms[0].updated == derived && terms[0].unchangedByFingerprint == 1_200 - 240)
        // Another writer changes a stored content hash: that row is compared in full again.
        try twin.execute("UPDATE invoice SET content_hash = 42 WHERE invoice_number = 'N-33'")
        let other = try twin.ingest("open.csv", Self.file(rows))
        #expect(other[0].updated == 1 && other[0].unchangedByFingerprint == 1_199)
        // A debtor's personal data erased: its rows are compared as the full check compares them.
        for t in [twin.fast, twin.full] {
            try t.store.pool.write { db in
                let id = try Int64.fetchOne(db, sql: "SELECT id FROM debtor WHERE debtor_key = 'K002'") ?? 0
                _ = try ErasureCommands.scrubDebtor(db, debtorKey: "K002", debtorID: id, erasedName: "erased")
            }
        }
        try twin.ingest("open.csv", Self.file(rows))
        // A debtor whose key changed: its rows are refused as unknown, by both.
        try twin.execute("UPDATE debtor SET debtor_key = 'K404' WHERE debtor_key = 'K004'")
        let unknown = try twin.ingest("open.csv", Self.file(rows))
        #expect(unknown[0].rejected == 240)
        // The same bytes under another date order: read in full.
        let dated = Self.rows(600).map { $0.replacingOccurrences(of: "2026-10-01", with: "01/10/2026") }
        try twin.ingest("dated.csv", Self.file(dated))
        var mapping = Mapping()
        mapping.dateOrder = .mdy
        let mdy = try twin.ingest("dated.csv", Self.file(dated), mapping: mapping)
        #expect(mdy[0].unchangedByFingerprint == 0)
        // A snapshot that relies on the recognised rows being listed closes only the others.
        let snapshot = try twin.ingest("open.csv", Self.file(Array(rows.prefix(1_000))), snapshot: true)
        #expect(snapshot[0].closedBySnapshot > 0)
    }
}

extension FileSummary {
    /// Everything but `unchangedByFingerprint` (which only the fast path sets), as text.
    var comparable: String {
        var s = self
        s.unchangedByFingerprint = 0
        s.rejectsPath = s.rejectsPath.map { ($0 as NSString).lastPathComponent }
        return "\(s)"
    }
}

