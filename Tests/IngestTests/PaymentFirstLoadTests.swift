import Foundation
import GRDB
import Ledger
import Store
import Testing

@testable import Ingest

/// A first load of payments (the `payment` table empty) builds the secondary indexes of `payment`
/// and `payment_allocation` once after its rows (`DeferredIndexes`; `payment_allocation_by_invoice`,
/// which each candidate look-up reads, and the two partial indexes of unapplied payments stay) and
/// stores each row without a look-up by its key first (`PaymentSink.insertsOnly`). Each test runs the
/// same files on two ledgers, one with and one without (`IngestOptions.setsPaymentIndexesAside`), and
/// compares summaries, diagnostics, rejects files, every column of the payments, allocations, invoices
/// and change history (ids included), the schema and the integrity check.
@Suite struct PaymentFirstLoadTests {
    /// `aside` sets the payment indexes aside on a first load, `kept` keeps them.
    final class Twin: TwinLedgers {
        var aside: TestLedger { subject }
        var kept: TestLedger { reference }

        init() throws { try super.init(Twin.ledger, dump: Twin.dump) }

        static func ledger() throws -> TestLedger {
            let t = try TestLedger().withDebtors()
            try t.ingest(.invoices, [fixture("invoices-en.csv")], asOf: "2026-10-15")
            try t.ingest(.invoices, [fixture("invoices-tab.tsv")], asOf: "2026-10-15")
            t.diagnostics.removeAll()
            return t
        }

        /// Ingests `files` (name, text) as one payments command into both; checks that both saw and
        /// stored the same; returns the first ledger's summaries.
        @discardableResult
        func ingest(_ files: [(String, String)], booked: Bool = false, sourceLocation: SourceLocation = #_sourceLocation)
            throws -> [FileSummary]
        {
            let a = try ingestBoth(files, sourceLocation: sourceLocation) { t, paths, isSubject in
                try t.ingest(.payments, paths, booked: booked, setsPaymentIndexesAside: isSubject)
            }
            #expect(try aside.store.pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"],
                    sourceLocation: sourceLocation)
            return a
        }

        /// Every column of the payment tables, the invoices and the change history, and the schema, as text.
        static func dump(_ t: TestLedger) throws -> [String] {
            try t.store.pool.read { db in
                var out: [String] = []
                for table in ["payment", "payment_allocation", "invoice", "record_change"] {
                    for r in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id") { out.append(r.description) }
                }
                out += try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || IFNULL(sql, '') FROM sqlite_master ORDER BY name")
                return out
            }
        }
    }

    static let header = "payment_id,date,amount,currency,invoice_number,structured_reference,debtor_id\n"

    /// Two files: references, numbers, debtors, an overpayment, a second and third payment on one
    /// invoice, a reference failing its check, a refused row, and keys repeated within and across files.
    static let files: [(String, String)] = [
        ("a.csv", header + """
            P-1,2026-10-20,600.00,EUR,,+++240/2838/42818+++,
            P-2,2026-10-21,300.00,EUR,INV-2,,
            P-3,2026-10-22,1234.56,EUR,,,K001
            P-4,2026-10-23,10.00,EUR,,+++999/9999/99948+++,
            P-5,2026-10-24,10.00,EUR,,+++999/9999/99999+++,
            P-6,2026-10-25,0.00,EUR,INV-2,,
            P-7,2026-10-26,300.00,EUR,INV-1,,
            P-2,2026-10-27,1.00,EUR,INV-2,,
            P-8,2026-10-28,5.00,EUR,,,K004
            """),
        ("b.csv", header + """
            P-9,2026-10-29,200.00,EUR,,240283842818,
            P-1,2026-10-30,1.00,EUR,INV-1,,
            P-10,2026-10-31,20.25,EUR,T-2,,
            P-11,2026-11-01,9.00,EUR,,,K999
            """),
    ]

    @Test func aFirstLoadStoresWhatALoadKeepingItsIndexesStores() throws {
        let twin = try Twin()
        let s = try twin.ingest(Self.files)
        #expect(s.map(\.imported) == [7, 3])
        #expect(s.map(\.rejected) == [2, 1])
        // INV-1 took three payments: the later look-ups summed the earlier allocations (by invoice).
        #expect(try twin.aside.count("SELECT COUNT(*) FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id WHERE i.invoice_number = 'INV-1'") == 3)
        #expect(try twin.aside.invoice("INV-1")?.status == "closed")
        // A later load into the table with rows: updates, unchanged rows and a new one, on the rebuilt indexes.
        let later = try twin.ingest([("c.csv", Self.header + """
            P-3,2026-10-22,1000.00,EUR,,,K001
            P-4,2026-10-23,10.00,EUR,,+++999/9999/99948+++,
            P-12,2026-11-02,1.00,EUR,,,K002
            """)])
        #expect(later[0].updated == 1 && later[0].unchanged == 1 && later[0].imported == 1)
    }

    @Test func aBookedFirstLoadStoresTheSame() throws {
        let twin = try Twin()
        let s = try twin.ingest(Self.files, booked: true)
        #expect(s.map(\.imported) == [7, 3])
    }

    /// After a first load with unapplied payments, every index of both tables (those built after the
    /// rows and those kept in place through them, the partial ones included) is there with its own
    /// SQL, and read on its own returns what a scan of the table returns: its columns and rowids.
    @Test func everyPaymentIndexReturnsWhatATableScanReturnsAfterAFirstLoad() throws {
        let t = try Twin.ledger()
        let before = try DeferredIndexTests.schema(t)
        try t.ingest(.payments, Self.files.map { t.write($0.0, $0.1) })
        #expect(try DeferredIndexTests.schema(t) == before)
        #expect(try DeferredIndexTests.integrity(t) == ["ok"])
        #expect(try t.count("SELECT COUNT(*) FROM payment WHERE unapplied_minor > 0") >= 3)
        let indexes = try t.store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT name, tbl_name, sql FROM sqlite_master
                WHERE type = 'index' AND tbl_name IN ('payment', 'payment_allocation') AND sql IS NOT NULL ORDER BY name
                """)
        }
        #expect(indexes.count == 7)
        for index in indexes {
            let name: String = index[0], table: String = index[1], sql: String = index[2]
            let columns = try t.store.pool.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [name])
            }
            let filter = sql.range(of: " WHERE ").map { String(sql[$0.upperBound...]) } ?? "1"
            let selected = (columns + ["rowid"]).joined(separator: ", ")
            func rows(_ how: String) throws -> [String] {
                try t.store.pool.read { db in
                    try Row.fetchAll(db, sql: "SELECT \(selected) FROM \(table) \(how) WHERE \(filter) ORDER BY \(selected)")
                        .map(\.description)
                }
            }
            let byIndex = try rows("INDEXED BY \(name)")
            #expect(!byIndex.isEmpty, "\(name) holds rows")
            #expect(byIndex == (try rows("NOT INDEXED")), "\(name) returns what a table scan returns")
        }
    }

    /// What a first load of payments sets aside: both tables' secondary indexes but the allocations by
    /// invoice and the two partial indexes of unapplied payments (`DeferredIndexes.keptInPlace`).
    @Test func theAllocationsByInvoiceAndThePartialIndexesStayInPlace() throws {
        let t = try Twin.ledger()
        let names = try t.store.pool.writeWithoutTransaction { db -> [String] in
            var names: [String] = []
            try db.inTransaction {
                names = try DeferredIndexes.setAside(db, table: .payment).dropped.map(\.name)
                return .rollback
            }
            return names
        }
        #expect(names == ["payment_by_batch", "payment_by_day", "payment_allocation_by_batch", "payment_allocation_by_payment"])
        #expect(try DeferredIndexTests.integrity(t) == ["ok"])
    }

    @Test func aFirstLoadThatFailsHalfWayLeavesTheTablesAndTheirIndexesAsTheyWere() throws {
        let t = try Twin.ledger()
        let before = try DeferredIndexTests.schema(t)
        let pages = try DeferredIndexTests.rootPages(t, "payment").merging(DeferredIndexTests.rootPages(t, "payment_allocation")) { a, _ in a }
        try t.store.pool.write { db in
            try db.execute(sql: """
                CREATE TEMP TRIGGER boom BEFORE INSERT ON main.payment WHEN NEW.payment_key = 'P-9'
                BEGIN SELECT RAISE(ABORT, 'boom'); END
                """)
        }
        #expect(throws: (any Error).self) { try t.ingest(.payments, Self.files.map { t.write($0.0, $0.1) }) }
        try t.store.pool.write { db in try db.execute(sql: "DROP TRIGGER temp.boom") }
        #expect(try t.count("SELECT COUNT(*) FROM payment") == 0)
        #expect(try t.count("SELECT COUNT(*) FROM payment_allocation") == 0)
        #expect(try DeferredIndexTests.schema(t) == before)
        #expect(try DeferredIndexTests.rootPages(t, "payment").merging(DeferredIndexTests.rootPages(t, "payment_allocation")) { a, _ in a } == pages)
        #expect(try t.ingest(.payments, Self.files.map { t.write($0.0, $0.1) }).map(\.imported) == [7, 3])
        #expect(try DeferredIndexTests.schema(t) == before)
        #expect(try DeferredIndexTests.integrity(t) == ["ok"])
    }

    @Test func aLoadIntoATableWithRowsKeepsItsIndexesInPlace() throws {
        let t = try Twin.ledger()
        try t.ingest(.payments, [t.write("a.csv", Self.files[0].1)])
        let pages = try DeferredIndexTests.rootPages(t, "payment").merging(DeferredIndexTests.rootPages(t, "payment_allocation")) { a, _ in a }
        #expect(try t.ingest(.payments, [t.write("b.csv", Self.files[1].1)])[0].imported == 3)
        #expect(try DeferredIndexTests.rootPages(t, "payment").merging(DeferredIndexTests.rootPages(t, "payment_allocation")) { a, _ in a } == pages)
    }
}
