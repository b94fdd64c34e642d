import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// A first load into an empty table sets its secondary indexes aside and builds them again at the
/// end (`DeferredIndexes`): the schema after it is the schema before it, the indexes hold every
/// row, and a load that fails half-way leaves the table and all its indexes as they were.
@Suite struct DeferredIndexTests {
    /// Every object of the schema with its SQL, and the root pages of `table`'s indexes.
    static func schema(_ t: TestLedger) throws -> String {
        try t.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name")
                .map { "\($0[0] as String) \($0[1] as String) \($0[2] as String) \(($0[3] as String?) ?? "-")" }
                .joined(separator: "\n")
        }
    }

    static func rootPages(_ t: TestLedger, _ table: String) throws -> [String: Int] {
        try t.store.pool.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT name, rootpage FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL
                """, arguments: [table]).map { ($0[0] as String, $0[1] as Int) })
        }
    }

    static func integrity(_ t: TestLedger) throws -> [String] {
        try t.store.pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
    }

    @Test func aFirstLoadLeavesTheSameSchemaWithEveryRowInItsIndexes() throws {
        let t = try TestLedger()
        let before = try Self.schema(t)
        try t.ingest(.debtors, [fixture("debtors-nl.csv")])
        try t.ingest(.invoices, [fixture("invoices-fr-cp1252.csv")])
        #expect(try Self.schema(t) == before)
        #expect(try Self.integrity(t) == ["ok"])
        // The indexes answer for the new rows (integrity_check compares each index with the table).
        #expect(try t.count("SELECT COUNT(*) FROM invoice INDEXED BY invoice_by_debtor WHERE debtor_id > 0") == 5)
        #expect(try t.count("SELECT COUNT(*) FROM invoice INDEXED BY invoice_by_reference WHERE structured_reference IS NOT NULL") == 4)
        #expect(try t.count("SELECT COUNT(*) FROM invoice INDEXED BY invoice_open WHERE status = 'open'") == 4)
        #expect(try t.count("SELECT COUNT(*) FROM invoice INDEXED BY invoice_disputed_by_batch WHERE disputed = 1 AND created_batch_id > 0") == 1)
        #expect(try t.count("SELECT COUNT(*) FROM debtor INDEXED BY debtor_by_vat WHERE vat_number IS NOT NULL")
                == t.count("SELECT COUNT(*) FROM debtor WHERE vat_number IS NOT NULL"))
    }

    @Test func aLoadIntoATableWithRowsKeepsItsIndexesInPlace() throws {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [fixture("invoices-fr-cp1252.csv")])
        let pages = try Self.rootPages(t, "invoice")
        #expect(pages.count == 4)
        let s = try t.ingest(.invoices, [fixture("invoices-en.csv")])
        #expect(s[0].imported == 3)
        #expect(try Self.rootPages(t, "invoice") == pages)
        #expect(try Self.integrity(t) == ["ok"])
    }

    @Test func aFirstLoadThatFailsHalfWayLeavesTheTableAndItsIndexesAsTheyWere() throws {
        let t = try TestLedger().withDebtors()
        let before = try Self.schema(t)
        let pages = try Self.rootPages(t, "invoice")
        // A failure on the database thread after rows went in (a temporary trigger, on the writer's connection only).
        try t.store.pool.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER boom BEFORE INSERT ON main.invoice WHEN NEW.invoice_number = 'INV-3'
                BEGIN SELECT RAISE(ABORT, 'boom'); END
                """)
        }
        #expect(throws: (any Error).self) { try t.ingest(.invoices, [fixture("invoices-en.csv")]) }
        try t.store.pool.write { db in try db.execute(sql: "DROP TRIGGER temp.boom") }
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 0)
        #expect(try Self.schema(t) == before)
        #expect(try Self.rootPages(t, "invoice") == pages)
        // The next load works and builds them.
        #expect(try t.ingest(.invoices, [fixture("invoices-en.csv")])[0].imported == 3)
        #expect(try Self.schema(t) == before)
        #expect(try Self.integrity(t) == ["ok"])
    }

    @Test func aDryRunOnAnEmptyTableLeavesItsIndexes() throws {
        let t = try TestLedger().withDebtors()
        let pages = try Self.rootPages(t, "invoice")
        let s = try t.ingest(.invoices, [fixture("invoices-en.csv")], dryRun: true)
        #expect(s[0].imported == 3)
        #expect(try Self.rootPages(t, "invoice") == pages)
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 0)
    }

    /// The writer's memory mapping and page cache, as a first load leaves them.
    static func connectionSettings(_ t: TestLedger) throws -> [Int] {
        try t.store.pool.write { db in
            [try Int.fetchOne(db, sql: "PRAGMA mmap_size") ?? -1, try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -1,
             try Int.fetchOne(db, sql: "PRAGMA threads") ?? -1]
        }
    }

    /// A first load maps the database file for its look-ups and builds its indexes with a smaller
    /// page cache (`DeferredIndexes.readsFromFile`, `rebuild`), a later load a bigger one: the writer's
    /// connection has none of them afterwards, whether the load committed or failed.
    @Test func aFirstLoadLeavesTheWritersConnectionAsItFoundIt() throws {
        let t = try TestLedger().withDebtors()
        let before = try Self.connectionSettings(t)
        #expect(before == [0, -32768, 0])
        #expect(try t.ingest(.invoices, [fixture("invoices-en.csv")])[0].imported == 3)
        #expect(try Self.connectionSettings(t) == before)
        // A load into a table with rows takes a bigger cache for its look-ups, and gives it back too.
        _ = try t.ingest(.invoices, [fixture("invoices-en.csv")])
        #expect(try Self.connectionSettings(t) == before)
        let u = try TestLedger().withDebtors()
        try u.store.pool.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER boom BEFORE INSERT ON main.invoice WHEN NEW.invoice_number = 'INV-3'
                BEGIN SELECT RAISE(ABORT, 'boom'); END
                """)
        }
        #expect(throws: (any Error).self) { try u.ingest(.invoices, [fixture("invoices-en.csv")]) }
        #expect(try Self.connectionSettings(u) == before)
    }
}
