import Foundation
import GRDB
import Ledger
import Store
import Testing

@testable import Ingest

/// A first load appends its new invoices many to a statement (`InvoiceAppend`, 64 rows), with
/// foreign-key enforcement set aside (`ForeignKeysSetAside`) and a rollback journal instead of the WAL
/// (`RollbackJournalLoad`): each test runs the same files on two ledgers, one appending together and
/// one a statement a row with enforcement on in WAL mode, and compares summaries, diagnostics, rejects
/// files, every invoice column (ids included), the change history, promises and the schema (indexes).
@Suite struct FirstLoadAppendTests {
    /// `together` appends together, with references set aside and the WAL left; `single` does none of it.
    final class Twin: TwinLedgers {
        var together: TestLedger { subject }
        var single: TestLedger { reference }

        init() throws { try super.init(dump: Twin.dump) }

        /// Writes `files` (name, text) into both and ingests them as one command; checks that both saw
        /// and stored the same; returns the first ledger's summaries.
        @discardableResult
        func ingest(_ files: [(String, String)], snapshot: Bool = false, sourceLocation: SourceLocation = #_sourceLocation)
            throws -> [FileSummary]
        {
            try ingestBoth(files, sourceLocation: sourceLocation) { t, paths, isSubject in
                try t.ingest(.invoices, paths, snapshot: snapshot, appendsTogether: isSubject, setsReferencesAside: isSubject,
                             leavesWAL: isSubject)
            }
        }

        /// Every invoice column, the change history and promises, as text.
        static func dump(_ t: TestLedger) throws -> [String] {
            try t.store.pool.read { db in
                var out: [String] = []
                for table in ["invoice", "record_change", "promise_to_pay"] {
                    for r in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id") { out.append(r.description) }
                }
                out.append(try String.fetchAll(db, sql: "PRAGMA integrity_check").joined())
                out += try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || IFNULL(sql, '') FROM sqlite_master ORDER BY name")
                out.append(try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?")
                return out
            }
        }
    }

    static let header = "invoice_number,debtor_id,issue_date,due_date,amount,open_amount,type,disputed,description,"
        + "structured_reference,expected_payment_date"

    /// `n` rows of every kind a first load stores: invoices and credit notes, open amounts given or
    /// not (and zero: closed as paid), disputed ones, due dates from the debtor's terms, references,
    /// promises (which take the row-by-row path), and bad rows the reading thread rejects.
    static func rows(_ n: Int, prefix: String = "N") -> [String] {
        (0..<n).map { i in
            let debtor = "K00\(i % 5 + 1)"
            let due = (i % 7 == 0 && (debtor == "K001" || debtor == "K003")) ? "" : "2026-10-31"
            let credit = i % 11 == 0
            let amount = (credit ? "-" : "") + "\(100 + i).\(String(format: "%02d", i % 100))"
            let open = i % 13 == 0 ? "" : (i % 17 == 0 ? "0" : amount)
            let type = credit ? "credit_note" : "invoice"
            let reference = i % 3 == 0 ? StructuredReference(base: String(format: "%010d", 1_000 + i))!.digits : ""
            let promise = i % 97 == 5 ? "2026-12-15" : ""
            let bad = i % 101 == 50
            return "\(prefix)-\(i),\(debtor),2026-10-01,\(bad ? "2026-09-01" : due),\(amount),\(open),\(type),\(i % 19 == 0),"
                + "\"item \(i), plain\",\(reference),\(promise)"
        }
    }

    static func file(_ rows: [String]) -> String { ([header] + rows).joined(separator: "\n") + "\n" }

    @Test func aFirstLoadStoresWhatOneStatementARowStores() throws {
        let twin = try Twin()
        // Several statements' worth and several parsing chunks, not a multiple of either.
        let s = try twin.ingest([("open.csv", Self.file(Self.rows(1_333)))])
        #expect(s[0].imported > 1_250 && s[0].rejected > 0)
        #expect(try twin.together.count("SELECT COUNT(*) FROM promise_to_pay") > 0)
        // The next load is not a first one: both take the same row-by-row path again.
        try twin.ingest([("open.csv", Self.file(Self.rows(1_400)))])
    }

    @Test func aFewRowsAndSeveralFilesInOneCommand() throws {
        let twin = try Twin()
        // Fewer rows than a statement carries; a second file whose repeated keys are refused; a third
        // file refused whole (a row of the wrong width: its kept-back rows are rolled back with it).
        let broken = Self.file(Self.rows(200, prefix: "C")) + "C-x,K001\n\"unterminated\n"
        try twin.ingest([("a.csv", Self.file(Self.rows(10, prefix: "A"))), ("b.csv", Self.file(Self.rows(300, prefix: "A"))),
                         ("c.csv", broken), ("d.csv", Self.file(Self.rows(70, prefix: "D")))], snapshot: true)
    }

    @Test func aFailureInAStatementIsTheOneARowByRowLoadMeets() throws {
        let twin = try Twin()
        // A row that the database refuses (a trigger of the writer's connection) inside the second statement.
        let trigger = """
            CREATE TEMP TRIGGER boom BEFORE INSERT ON main.invoice WHEN NEW.invoice_number = 'N-100'
            BEGIN SELECT RAISE(ABORT, 'boom'); END
            """
        for t in [twin.together, twin.single] { try t.store.pool.write { try $0.execute(sql: trigger) } }
        var errors: [String] = []
        for (t, together) in [(twin.together, true), (twin.single, false)] {
            do {
                try t.ingest(.invoices, [t.write("open.csv", Self.file(Self.rows(300)))], appendsTogether: together,
                             setsReferencesAside: together)
                Issue.record("the load went through")
            } catch { errors.append("\(error)") }
            #expect(try t.count("SELECT COUNT(*) FROM invoice") == 0)
        }
        #expect(errors.count == 2 && errors[0] == errors[1])
    }

    @Test func theRowsAFailedStatementKeptAreUndoneBeforeTheRowByRowPath() throws {
        // `INSERT OR FAIL` keeps the rows before the refused one; `InvoiceAppend` deletes them, so the
        // row-by-row path that follows gives the ledger (ids included) of a load that met no failure.
        let failed = try TestLedger().withDebtors()
        let plain = try TestLedger().withDebtors()
        try failed.store.pool.write { db in
            try db.execute(sql: "CREATE TEMP TABLE once (x)")
            try db.execute(sql: """
                CREATE TEMP TRIGGER refuse BEFORE INSERT ON main.invoice
                WHEN NEW.invoice_number = 'N-130' AND NOT EXISTS (SELECT 1 FROM temp.once)
                BEGIN INSERT INTO once VALUES (1); SELECT RAISE(FAIL, 'refused once'); END
                """)
        }
        let rows = Self.file(Self.rows(300))
        let a = try failed.ingest(.invoices, [failed.write("open.csv", rows)])
        let b = try plain.ingest(.invoices, [plain.write("open.csv", rows)])
        #expect(try failed.store.pool.write { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM temp.once") } == 1)
        #expect(a.map(\.comparable) == b.map(\.comparable))
        #expect(try Twin.dump(failed) == Twin.dump(plain))
    }
}
