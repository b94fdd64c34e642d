import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// A first load of invoices sets foreign-key enforcement aside for its transaction and checks every
/// reference by sets before it commits (`ForeignKeysSetAside`). Each test makes a reference dangle on
/// purpose inside the load's transaction (a temporary trigger of the writer's connection, which
/// enforcement would have refused) and expects the whole load refused, nothing of it stored, and
/// enforcement on again afterwards.
@Suite struct ForeignKeysSetAsideTests {
    /// Creates a temporary trigger on the writer's connection.
    static func trigger(_ t: TestLedger, _ sql: String) throws {
        try t.store.pool.write { try $0.execute(sql: sql) }
    }

    /// A temporary trigger `gone` that deletes INV-3's debtor as the load inserts INV-3.
    static func deleteDebtorOfINV3(_ t: TestLedger) throws {
        try trigger(t, """
            CREATE TEMP TRIGGER gone AFTER INSERT ON main.invoice WHEN NEW.invoice_number = 'INV-3'
            BEGIN DELETE FROM debtor WHERE id = NEW.debtor_id; END
            """)
    }

    /// Enforcement on the writer's connection (the one the ingest used), as SQLite reports it.
    static func enforced(_ t: TestLedger) throws -> Bool {
        try t.store.pool.write { try Bool.fetchOne($0, sql: "PRAGMA foreign_keys") ?? false }
    }

    /// The load fails with `danglingReference` naming `column` and `parent`, stores nothing, and leaves
    /// enforcement on: a dangling insert on the same connection afterwards is refused.
    static func expectRefused(_ t: TestLedger, column: String, parent: String,
                              sourceLocation: SourceLocation = #_sourceLocation, load: () throws -> Void) throws {
        do {
            try load()
            Issue.record("the load went through", sourceLocation: sourceLocation)
        } catch let e as StoreError {
            guard case .danglingReference(_, _, let c, let p) = e else {
                Issue.record("unexpected error \(e)", sourceLocation: sourceLocation)
                return
            }
            #expect(c == column && p == parent, sourceLocation: sourceLocation)
            #expect(e.description.contains("the load was rolled back"), sourceLocation: sourceLocation)
        }
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 0, sourceLocation: sourceLocation)
        #expect(try t.count("SELECT COUNT(*) FROM ingest_batch WHERE kind = 'invoices'") == 0, sourceLocation: sourceLocation)
        #expect(try t.count("SELECT COUNT(*) FROM debtor") == 5, sourceLocation: sourceLocation)
        #expect(try enforced(t), sourceLocation: sourceLocation)
        #expect(throws: DatabaseError.self, sourceLocation: sourceLocation) {
            try t.store.pool.write { try $0.execute(sql: "INSERT INTO debtor_note (debtor_id, at, who, text) VALUES (999999, 'x', 'x', 'x')") }
        }
        #expect(try t.count("PRAGMA foreign_key_check") == 0, sourceLocation: sourceLocation)
    }

    @Test func aDebtorDeletedDuringTheLoadRefusesItWhole() throws {
        let t = try TestLedger().withDebtors()
        // Enforcement would refuse this delete (K004 has invoices by then); set aside, the check finds it.
        try Self.deleteDebtorOfINV3(t)
        try Self.expectRefused(t, column: "debtor_id", parent: "debtor") {
            try t.ingest(.invoices, [fixture("invoices-en.csv")])
        }
        try Self.trigger(t, "DROP TRIGGER temp.gone")
        // The same file loads, and the load after it is not a first one.
        #expect(try t.ingest(.invoices, [fixture("invoices-en.csv")])[0].imported == 3)
        #expect(try Self.enforced(t))
    }

    @Test func aDebtorIDWithoutItsDebtorIsFoundAmongManyRows() throws {
        let t = try TestLedger().withDebtors()
        // Rows appended many to a statement; one of them is given a debtor id no debtor has.
        try Self.trigger(t, """
            CREATE TEMP TRIGGER stray AFTER INSERT ON main.invoice WHEN NEW.invoice_number = 'N-700'
            BEGIN UPDATE invoice SET debtor_id = 999999 WHERE id = NEW.id; END
            """)
        try Self.expectRefused(t, column: "debtor_id", parent: "debtor") {
            try t.ingest(.invoices, [t.write("open.csv", FirstLoadAppendTests.file(FirstLoadAppendTests.rows(1_333)))])
        }
    }

    @Test func aBatchWithoutItsRowIsFound() throws {
        let t = try TestLedger().withDebtors()
        try Self.trigger(t, """
            CREATE TEMP TRIGGER stray AFTER INSERT ON main.invoice WHEN NEW.invoice_number = 'INV-2'
            BEGIN UPDATE invoice SET created_batch_id = 424242 WHERE id = NEW.id; END
            """)
        try Self.expectRefused(t, column: "created_batch_id", parent: "ingest_batch") {
            try t.ingest(.invoices, [fixture("invoices-en.csv")])
        }
    }

    @Test func aDanglingRowInAnotherTableIsFound() throws {
        let t = try TestLedger().withDebtors()
        // Another table written in the same transaction (as promises, allocations or the reminder
        // guard's rows are): its references are checked too.
        try Self.trigger(t, """
            CREATE TEMP TRIGGER stray AFTER INSERT ON main.invoice WHEN NEW.invoice_number = 'INV-2'
            BEGIN INSERT INTO debtor_note (debtor_id, at, who, text) VALUES (999999, 'x', 'x', 'x'); END
            """)
        try Self.expectRefused(t, column: "debtor_id", parent: "debtor") {
            try t.ingest(.invoices, [fixture("invoices-en.csv")])
        }
        #expect(try t.count("SELECT COUNT(*) FROM debtor_note") == 0)
    }

    @Test func aDryRunIsCheckedToo() throws {
        let t = try TestLedger().withDebtors()
        try Self.deleteDebtorOfINV3(t)
        try Self.expectRefused(t, column: "debtor_id", parent: "debtor") {
            try t.ingest(.invoices, [fixture("invoices-en.csv")], dryRun: true)
        }
    }

    @Test func aLoadIntoATableWithRowsKeepsEnforcementOn() throws {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [fixture("invoices-fr-cp1252.csv")])
        let before = try t.count("SELECT COUNT(*) FROM invoice")
        // Enforcement refuses the delete as the trigger runs: SQLite's own error, not the check's.
        try Self.deleteDebtorOfINV3(t)
        #expect(throws: DatabaseError.self) { try t.ingest(.invoices, [fixture("invoices-en.csv")]) }
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == before)
        #expect(try Self.enforced(t))
    }

    @Test func aFailedLoadLeavesEnforcementOn() throws {
        let t = try TestLedger().withDebtors()
        // A failure inside the transaction that is not the check's (as in DeferredIndexTests).
        try Self.trigger(t, """
            CREATE TEMP TRIGGER boom BEFORE INSERT ON main.invoice WHEN NEW.invoice_number = 'INV-3'
            BEGIN SELECT RAISE(ABORT, 'boom'); END
            """)
        #expect(throws: (any Error).self) { try t.ingest(.invoices, [fixture("invoices-en.csv")]) }
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 0)
        #expect(try Self.enforced(t))
        try Self.trigger(t, "DROP TRIGGER temp.boom")
        #expect(try t.ingest(.invoices, [fixture("invoices-en.csv")])[0].imported == 3)
        #expect(try Self.enforced(t))
    }

    @Test func theSameRowsWithEnforcementOnAndSetAside() throws {
        let on = try TestLedger().withDebtors()
        let aside = try TestLedger().withDebtors()
        let rows = FirstLoadAppendTests.file(FirstLoadAppendTests.rows(700))
        let a = try aside.ingest(.invoices, [aside.write("open.csv", rows)])
        let b = try on.ingest(.invoices, [on.write("open.csv", rows)], setsReferencesAside: false)
        #expect(a.map(\.imported) == b.map(\.imported) && a.map(\.rejected) == b.map(\.rejected))
        #expect(try FirstLoadAppendTests.Twin.dump(aside) == FirstLoadAppendTests.Twin.dump(on))
        #expect(try Self.enforced(aside) && Self.enforced(on))
    }
}
