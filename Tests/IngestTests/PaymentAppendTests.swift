import Foundation
import GRDB
import Ledger
import Store
import Testing

@testable import Ingest

/// A first load of payments appends its new payments and allocations many to a statement (Store's
/// `PaymentAppend`, 64 rows), the look-ups counting the allocations kept back. Each test runs the
/// same random files on two ledgers, one appending together and one a statement a row (both with
/// the payment indexes set aside), and compares summaries, diagnostics, rejects files, every column
/// of the payments, allocations, invoices and change history (ids included), the schema and the
/// integrity check (`PaymentFirstLoadTests.Twin.dump`).
@Suite struct PaymentAppendTests {
    /// `together` appends together, `single` stores a statement a row.
    final class Twin: TwinLedgers {
        var together: TestLedger { subject }
        var single: TestLedger { reference }

        init() throws { try super.init(Twin.ledger, dump: PaymentFirstLoadTests.Twin.dump) }

        /// Debtors K001–K005 and the invoices of `PaymentAppendTests.invoices`.
        static func ledger() throws -> TestLedger {
            let t = try TestLedger().withDebtors()
            try t.ingest(.invoices, [t.write("invoices.csv", PaymentAppendTests.invoices)], asOf: "2026-10-15")
            t.diagnostics.removeAll()
            return t
        }

        @discardableResult
        func ingest(_ files: [(String, String)], booked: Bool, sourceLocation: SourceLocation = #_sourceLocation)
            throws -> [FileSummary]
        {
            let s = try ingestBoth(files, diagnosticsInAnyOrder: true, sourceLocation: sourceLocation) { t, paths, isSubject in
                try t.ingest(.payments, paths, booked: booked, appendsTogether: isSubject)
            }
            #expect(try together.store.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"],
                    sourceLocation: sourceLocation)
            return s
        }
    }

    static let invoiceCount = 120

    /// The structured reference of invoice `i`: pairs of invoices share one (`i / 2`), a third have none.
    static func reference(_ i: Int) -> String? {
        i % 3 == 0 ? nil : StructuredReference(base: String(format: "%010d", 7_000 + i / 2))!.digits
    }

    /// Invoices I-0 … I-119: credit notes, open amounts reported or not (and zero: closed as paid),
    /// references shared by two invoices.
    static let invoices: String = {
        var lines = ["invoice_number,debtor_id,issue_date,due_date,amount,open_amount,type,disputed,description,"
                     + "structured_reference,expected_payment_date"]
        for i in 0..<invoiceCount {
            let credit = i % 10 == 7
            let amount = "\(credit ? "-" : "")\(50 + i * 3).\(String(format: "%02d", i % 100))"
            let open = credit ? amount : (i % 4 == 0 ? "" : (i % 4 == 1 ? "0" : amount))
            lines.append("I-\(i),K00\(i % 5 + 1),2026-09-01,2026-10-\(String(format: "%02d", i % 28 + 1)),\(amount),\(open),"
                         + "\(credit ? "credit_note" : "invoice"),false,item \(i),\(reference(i) ?? ""),")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    static let header = "payment_id,date,amount,currency,invoice_number,structured_reference,debtor_id\n"

    /// A small deterministic generator (SplitMix64).
    struct Random {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    /// `n` payment rows from key `first` on: by invoice number (invoices, credit notes, unknown ones),
    /// by structured reference (shared by two invoices, unknown, failing its check), by debtor (known
    /// or not); several in a row on one invoice, others coming back to it later; overpayments; keys
    /// repeated (refused) and amounts of zero (rejected).
    static func payments(_ n: Int, first: Int, seed: UInt64) -> String {
        var r = Random(state: seed)
        var rows: [String] = []
        var last = 0
        for k in 0..<n {
            let key = r.next(40) == 0 && k > 0 ? "P-\(first + r.next(k))" : "P-\(first + k)"
            let target = r.next(3) == 0 ? last : (r.next(4) == 0 ? r.next(invoiceCount) : (last + 1 + r.next(3)) % invoiceCount)
            last = target
            let amount = r.next(30) == 0 ? "0.00" : "\(1 + r.next(r.next(5) == 0 ? 900 : 120)).\(String(format: "%02d", r.next(100)))"
            var number = "", ref = "", debtor = ""
            switch r.next(20) {
            case 0: number = "X-\(r.next(9))"                                      // unknown invoice
            case 1: ref = StructuredReference(base: "99999\(String(format: "%05d", r.next(99_999)))")!.digits  // unknown reference
            case 2: ref = "+++999/9999/99999+++"                                   // fails its check
            case 3: debtor = r.next(4) == 0 ? "K999" : "K00\(1 + r.next(5))"
            case 4...9: number = "I-\(target)"
            default:
                if let reference = reference(target) { ref = reference } else { number = "I-\(target)" }
            }
            let day = String(format: "2026-10-%02d", 1 + (k / 16) % 28)
            rows.append("\(key),\(day),\(amount),EUR,\(number),\(ref),\(debtor)")
        }
        return header + rows.joined(separator: "\n") + "\n"
    }

    @Test(arguments: [(UInt64(1), false), (2, true), (3, false), (4, true)])
    func aFirstLoadAppendedTogetherStoresWhatOneStatementARowStores(seed: UInt64, booked: Bool) throws {
        let twin = try Twin()
        // Several statements' worth in each file, not a multiple of 64; the second file's payments
        // go to the invoices the first one's reached.
        let s = try twin.ingest([("a.csv", Self.payments(700, first: 0, seed: seed)),
                                 ("b.csv", Self.payments(333, first: 700, seed: seed &+ 100))], booked: booked)
        #expect(s[0].imported > 500 && s[0].rejected > 0 && s[0].unapplied > 0)
        // Many invoices took several payments, within a statement's rows and across them.
        let several = try twin.together.count(
            "SELECT COUNT(*) FROM (SELECT invoice_id FROM payment_allocation GROUP BY invoice_id HAVING COUNT(*) > 2)")
        let allocations = try twin.together.count("SELECT COUNT(*) FROM payment_allocation")
        #expect(several > 10 && allocations > 200, "\(several) invoices with several allocations, \(allocations) allocations")
        // A later load (the table has rows) takes the row-by-row path on both.
        try twin.ingest([("c.csv", Self.payments(150, first: 600, seed: seed &+ 200))], booked: booked)
    }

    /// A row the database refuses (a trigger of the test's, at insert time) is named by its line, on
    /// the appended path as on the path a statement a row: the appended statement that fails is
    /// replayed one row a statement. The load is rolled back, and no row after it is said anything of
    /// (the appended path keeps a payment's notes until it is written). `FAIL` keeps the statement's
    /// rows before the refused one; `ABORT` undoes them all.
    @Test(arguments: [("payment", "FAIL"), ("payment_allocation", "ABORT"), ("payment_allocation", "FAIL")])
    func aRowTheDatabaseRefusesIsNamedByItsLine(table: String, raise: String) throws {
        var refusals: [[String]] = []
        for together in [true, false] {
            let t = try Twin.ledger()
            try t.ingest(.invoices, [t.write("z.csv", "invoice_number,debtor_id,issue_date,due_date,amount,open_amount,type,"
                                                + "disputed,description,structured_reference,expected_payment_date\n"
                                                + "Z-1,K001,2026-09-01,2026-10-10,500.00,500.00,invoice,false,z,,\n")], asOf: "2026-10-15")
            let when = table == "payment" ? "NEW.payment_key = 'P-REFUSED'"
                : "NEW.payment_id = (SELECT id FROM payment WHERE payment_key = 'P-REFUSED')"
            try t.store.pool.write {
                try $0.execute(sql: "CREATE TRIGGER refuse BEFORE INSERT ON \(table) WHEN \(when) BEGIN SELECT RAISE(\(raise), 'refused by the test'); END")
            }
            t.diagnostics.removeAll()
            // 300 payments of Z-1, every fifth of an unknown invoice (a note: unapplied), nothing that
            // writes what waits before a statement's worth: line 152 is the third statement's 23rd row
            // (the header is line 1).
            let rows = (0..<300).map { k in
                k == 150 ? "P-REFUSED,2026-10-05,1.00,EUR,Z-1,," : "P-\(k),2026-10-05,1.00,EUR,\(k % 5 == 0 ? "X-1" : "Z-1"),,"
            }
            let path = t.write("a.csv", Self.header + rows.joined(separator: "\n") + "\n")
            #expect(throws: DatabaseError.self) { try t.ingest(.payments, [path], appendsTogether: together) }
            let refused = t.diagnostics.filter { $0.rule == "not-stored" }
            #expect(refused.map(\.line) == [152], "\(t.diagnostics.filter { $0.severity == .error }.map(\.description))")
            #expect(refused.allSatisfy { $0.severity == .error })
            refusals.append(refused.map(\.description))
            let later = t.diagnostics.filter { $0.rule == "unapplied" && $0.line >= 152 }
            #expect(later.isEmpty, "\(later.count) notes of rows not written")
            #expect(t.diagnostics.filter { $0.rule == "unapplied" }.count > 10)
            // Rolled back: no payment, no allocation, the invoice still open.
            #expect(try t.count("SELECT COUNT(*) FROM payment") + t.count("SELECT COUNT(*) FROM payment_allocation") == 0)
            #expect(try t.count("SELECT COUNT(*) FROM invoice WHERE status = 'closed' AND closed_on IS NOT NULL") == 0)
            #expect(try t.count("SELECT open_minor FROM invoice WHERE invoice_number = 'Z-1'") == 50_000)
        }
        #expect(refusals[0] == refusals[1])
    }

    @Test func aFewRowsFewerThanAStatementAndAFileRefusedWhole() throws {
        let twin = try Twin()
        let broken = Self.payments(100, first: 2_000, seed: 9) + "P-x,2026-10-01\n\"unterminated\n"
        try twin.ingest([("a.csv", Self.payments(10, first: 0, seed: 7)), ("b.csv", broken),
                         ("c.csv", Self.payments(90, first: 100, seed: 8))], booked: false)
    }
}
