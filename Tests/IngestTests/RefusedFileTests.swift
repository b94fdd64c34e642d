import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// A file refused whole among good ones: the command's transaction has no savepoint per file, so a
/// refused file rolls the transaction back and the command runs again without it (`Ingestor`). What
/// the user sees and what is stored must be what a savepoint per file gave.
@Suite struct RefusedFileTests {
    /// Invoice rows `prefix-1`…`prefix-n` for the fixture's debtors, the `bad`-th row (1-based, if any)
    /// with an amount that is refused.
    static func invoices(_ prefix: String, _ n: Int, bad: Int? = nil) -> String {
        var text = "invoice_number,debtor_id,issue_date,due_date,amount\n"
        for i in 1...n {
            let debtor = "K00\(i % 5 + 1)"
            text += "\(prefix)-\(i),\(debtor),2026-10-01,2026-10-31,\(i == bad ? "twelve" : "\(i).25")\n"
        }
        return text
    }

    /// A file whose first `n` rows are good and stored before its last line, an unterminated quote,
    /// refuses it whole: enough rows that the database thread stores many before the error is found.
    /// Its last good row's number is `clash`, a number a good file also carries.
    static func broken(_ n: Int, clash: String) -> String {
        invoices("BAD", n) + "\(clash),K001,2026-10-01,2026-10-31,1.00\nX,K001,\"2026-10-01,2026-10-31,1.00\n"
    }

    /// Everything an ingest writes, in a stable order.
    static func contents(_ t: TestLedger) throws -> [String] {
        try t.store.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT invoice_number || '|' || debtor_id || '|' || amount_minor || '|' || open_minor || '|' || status
                FROM invoice ORDER BY invoice_number
                """)
                + String.fetchAll(db, sql: """
                    SELECT file_name || '|' || rows_read || '|' || rows_imported || '|' || rows_rejected FROM ingest_batch WHERE kind = 'invoices' ORDER BY id
                    """)
                + String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE tbl_name = 'invoice' ORDER BY name")
        }
    }

    /// The three files, the broken one at `position`: each good file has one refused row (a
    /// diagnostic and a rejects line) and the broken file's last good row carries a number of the
    /// third file's, which must not count as a repeated key.
    func files(_ t: TestLedger, brokenAt position: Int) -> [String] {
        var good = [t.write("a.csv", Self.invoices("A", 300, bad: 7)), t.write("b.csv", Self.invoices("B", 300, bad: 9))]
        good.insert(t.write("broken.csv", Self.broken(3000, clash: "B-5")), at: position)
        return good
    }

    @Test(arguments: [0, 1, 2])
    func aBrokenFileImportsNothingOfItselfAndAllOfTheOthers(position: Int) throws {
        let t = try TestLedger().withDebtors()
        let paths = files(t, brokenAt: position)
        let s = try t.ingest(.invoices, paths)
        #expect(s.map(\.file) == paths.map { ($0 as NSString).lastPathComponent })
        for (i, summary) in s.enumerated() {
            if i == position {
                #expect(summary.fatal != nil)
                #expect(summary.imported == 0)
            } else {
                #expect(summary.fatal == nil)
                #expect(summary.imported == 299)
                #expect(summary.rejected == 1)
            }
        }
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 598)
        #expect(try t.count("SELECT COUNT(*) FROM invoice WHERE invoice_number LIKE 'BAD-%'") == 0)
        #expect(try t.count("SELECT COUNT(*) FROM ingest_batch WHERE kind = 'invoices'") == 2)
        // Every diagnostic once, as it was found: none of a good file read again, no repeated key.
        #expect(t.errors(rule: "unterminated-quote").count == 1)
        #expect(t.errors(rule: "unterminated-quote").first?.file == "broken.csv")
        #expect(t.errors(rule: "amount").map(\.file).sorted() == ["a.csv", "b.csv"])
        // The broken file's row that repeats b.csv's key: refused there when b.csv came first (as
        // read), never in b.csv (the broken file's keys are not kept).
        #expect(t.errors(rule: "duplicate-key").map(\.file) == (position == 2 ? ["broken.csv"] : []))
        let keys = t.diagnostics.map { "\($0.file):\($0.line):\($0.column):\($0.rule)" }
        #expect(Set(keys).count == keys.count)
        for name in ["a.csv", "b.csv"] {
            let rejects = try String(contentsOfFile: t.rejectsDir + "/\(name).rejects.csv", encoding: .utf8)
            #expect(rejects.split(separator: "\n").count == 2)
        }
        // The deferred indexes of the first load are built again.
        let fresh = try TestLedger().withDebtors()
        try fresh.ingest(.invoices, [fresh.write("a.csv", Self.invoices("A", 3))])
        #expect(try Self.contents(t).filter { !$0.contains("|") } == Self.contents(fresh).filter { !$0.contains("|") })
    }

    @Test func theSameAsTheFilesWithoutTheBrokenOne() throws {
        let t = try TestLedger().withDebtors()
        let paths = files(t, brokenAt: 1)
        let s = try t.ingest(.invoices, paths)
        let other = try TestLedger().withDebtors()
        let good = [other.write("a.csv", Self.invoices("A", 300, bad: 7)), other.write("b.csv", Self.invoices("B", 300, bad: 9))]
        let o = try other.ingest(.invoices, good)
        #expect([s[0], s[2]] == o.map { var x = $0; x.rejectsPath = x.rejectsPath.map { $0.replacingOccurrences(of: other.dir, with: t.dir) }; return x })
        #expect(try Self.contents(t) == Self.contents(other))
        #expect(t.diagnostics.filter { $0.file != "broken.csv" } == other.diagnostics)
    }

    @Test func twoBrokenFilesAndTheirNeighbours() throws {
        let t = try TestLedger().withDebtors()
        let paths = [t.write("x.csv", Self.broken(2000, clash: "A-1")), t.write("a.csv", Self.invoices("A", 300, bad: 7)),
                     t.write("y.csv", "invoice_number,debtor_id,issue_date\nY-1,K001,2026-10-01\n"),
                     t.write("b.csv", Self.invoices("B", 300, bad: 9))]
        let s = try t.ingest(.invoices, paths)
        #expect(s.map { $0.fatal != nil } == [true, false, true, false])
        #expect(s.map(\.imported) == [0, 299, 0, 299])
        #expect(t.errors(rule: "unterminated-quote").count == 1)
        #expect(t.errors(rule: "missing-column").count == 1)
        #expect(t.errors(rule: "amount").map(\.file).sorted() == ["a.csv", "b.csv"])
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 598)
        #expect(try t.count("SELECT COUNT(*) FROM ingest_batch WHERE kind = 'invoices'") == 2)
    }

    @Test func intoALedgerWithRowsAndASnapshot() throws {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [t.write("old.csv", Self.invoices("A", 400))])
        let before = try Self.contents(t)
        // Changed amounts in a.csv, the broken file in the middle of a snapshot: nothing is closed.
        let paths = [t.write("a.csv", Self.invoices("A", 200).replacingOccurrences(of: ".25\n", with: ".50\n")),
                     t.write("broken.csv", Self.broken(3000, clash: "A-300")), t.write("b.csv", Self.invoices("B", 10))]
        let s = try t.ingest(.invoices, paths, snapshot: true)
        #expect(s.map(\.updated) == [200, 0, 0])
        #expect(s.map(\.closedBySnapshot) == [0, 0, 0])
        #expect(try t.count("SELECT COUNT(*) FROM invoice WHERE status = 'open'") == 410)
        #expect(try t.count("SELECT COUNT(*) FROM invoice WHERE invoice_number LIKE 'BAD-%'") == 0)
        // Again, unchanged: the same state, nothing imported or updated.
        let after = try Self.contents(t)
        #expect(after != before)
        let again = try t.ingest(.invoices, paths, snapshot: true)
        #expect(again.map(\.imported) == [0, 0, 0])
        #expect(again.map(\.updated) == [0, 0, 0])
        #expect(again.map(\.unchanged) == [200, 0, 10])
        #expect(again[1].fatal != nil)
        let batches = try t.count("SELECT COUNT(*) FROM ingest_batch WHERE kind = 'invoices'")
        #expect(try Self.contents(t).filter { !$0.contains(".csv|") } == after.filter { !$0.contains(".csv|") })
        #expect(batches == 5)
    }

    @Test func aDryRunChangesNothing() throws {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [t.write("old.csv", Self.invoices("A", 50))])
        let before = try Self.contents(t)
        let paths = files(t, brokenAt: 1)
        let s = try t.ingest(.invoices, paths, dryRun: true)
        #expect(s.map { $0.fatal != nil } == [false, true, false])
        #expect(s.map(\.imported) == [250, 0, 299])
        #expect(s.map(\.unchanged) == [49, 0, 0])
        #expect(try Self.contents(t) == before)
        #expect(!FileManager.default.fileExists(atPath: t.rejectsDir + "/b.csv.rejects.csv"))
    }

    /// Fails after every file is stored, inside the command's transaction.
    struct FailingGuard: OutdatedReminderCancelling {
        struct Failure: Error {}
        func cancelOutdatedReminders(_ db: Database, at now: Date) throws { throw Failure() }
    }

    @Test(arguments: [false, true])
    func aFailureAfterTheFilesLeavesTheLedgerAsBefore(withBrokenFile: Bool) throws {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [t.write("old.csv", Self.invoices("A", 50))])
        let before = try Self.contents(t)
        let paths = withBrokenFile ? files(t, brokenAt: 1)
            : [t.write("a.csv", Self.invoices("A", 300, bad: 7)), t.write("b.csv", Self.invoices("B", 300, bad: 9))]
        var o = IngestOptions(kind: .invoices, asOf: Day(iso: "2026-11-21")!)
        o.rejectsDirectory = t.rejectsDir
        o.reminderGuard = FailingGuard()
        #expect(throws: FailingGuard.Failure.self) {
            try Ingestor.run(store: t.store, files: paths, options: o) { _ in }
        }
        #expect(try Self.contents(t) == before)
        // The same files afterwards import as if the failure had not been.
        let s = try t.ingest(.invoices, paths)
        #expect(s.filter { $0.fatal == nil }.map(\.imported) == [250, 299])
    }
}
