import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// A first load of invoices or payments runs its transaction with a rollback journal instead of the WAL
/// (`RollbackJournalLoad`) when nothing else has the database open, and in WAL mode otherwise; WAL
/// again afterwards, whatever the outcome. (`FirstLoadAppendTests` compare its rows, indexes and
/// integrity with a load in WAL mode; `FirstLoadProcessTests` kill one.)
@Suite struct RollbackJournalLoadTests {
    /// What the files beside the database looked like when the reading of each file ended (inside
    /// the load's transaction).
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var files: [String] = []
        let dir: String
        init(_ dir: String) { self.dir = dir }

        var progress: @Sendable (String, Int, Int) -> Void {
            { [self] _, read, size in
                guard read == size else { return }
                let fm = FileManager.default
                let wal = fm.fileExists(atPath: dir + "/relance.sqlite-wal")
                let journal = fm.fileExists(atPath: dir + "/relance.sqlite-journal")
                lock.withLock { files.append("wal \(wal), journal \(journal)") }
            }
        }

        var all: [String] { lock.withLock { files } }
    }

    static func journalMode(_ t: TestLedger) throws -> String? {
        try t.store.pool.write { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
    }

    static let file = FirstLoadAppendTests.file(FirstLoadAppendTests.rows(700))

    @Test func aFirstLoadLeavesTheWALAndComesBack() throws {
        let t = try TestLedger().withDebtors()
        // A reader of this pool was open (withDebtors counted nothing, so read something).
        #expect(try t.count("SELECT COUNT(*) FROM debtor") == 5)
        let seen = Seen(t.dir)
        let s = try t.ingest(.invoices, [t.write("open.csv", Self.file)], progress: seen.progress)
        #expect(s[0].imported > 600)
        #expect(seen.all == ["wal false, journal true"])
        #expect(try Self.journalMode(t) == "wal")
        // The load synced fully (a rollback journal with NORMAL is not power-loss safe); NORMAL again.
        #expect(try t.store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1)
        #expect(!FileManager.default.fileExists(atPath: t.dir + "/relance.sqlite-journal"))
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == s[0].imported)
        #expect(try t.store.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        // The next load is not a first one: it runs in WAL mode.
        let again = Seen(t.dir)
        try t.ingest(.invoices, [t.write("open2.csv", Self.file)], progress: again.progress)
        #expect(again.all == ["wal true, journal false"])
        #expect(try Self.journalMode(t) == "wal")
    }

    /// A first load of payments (the `payment` table empty) leaves the WAL too, and stores what a
    /// load in WAL mode stores (every column of payments, allocations, invoices, changes; the schema).
    @Test func aFirstLoadOfPaymentsLeavesTheWALAndStoresTheSame() throws {
        let journal = try PaymentFirstLoadTests.Twin.ledger()
        let wal = try PaymentFirstLoadTests.Twin.ledger()
        let seen = Seen(journal.dir)
        let files = PaymentFirstLoadTests.files
        let a = try journal.ingest(.payments, files.map { journal.write($0.0, $0.1) }, progress: seen.progress)
        let walSeen = Seen(wal.dir)
        let b = try wal.ingest(.payments, files.map { wal.write($0.0, $0.1) }, leavesWAL: false, progress: walSeen.progress)
        #expect(seen.all == ["wal false, journal true", "wal false, journal true"])
        #expect(walSeen.all == ["wal true, journal false", "wal true, journal false"])
        #expect(a.map(\.comparable) == b.map(\.comparable))
        #expect(journal.diagnostics.map(\.description) == wal.diagnostics.map(\.description))
        #expect(try PaymentFirstLoadTests.Twin.dump(journal) == PaymentFirstLoadTests.Twin.dump(wal))
        #expect(try Self.journalMode(journal) == "wal")
        #expect(try journal.store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1)
        #expect(try journal.store.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        // A later load (the table has rows) runs in WAL mode, and stores the same again.
        let later = [("c.csv", PaymentFirstLoadTests.header + "P-3,2026-10-22,1000.00,EUR,,,K001\nP-12,2026-11-02,1.00,EUR,,,K002\n")]
        let again = Seen(journal.dir)
        try journal.ingest(.payments, later.map { journal.write($0.0, $0.1) }, progress: again.progress)
        try wal.ingest(.payments, later.map { wal.write($0.0, $0.1) }, leavesWAL: false)
        #expect(again.all == ["wal true, journal false"])
        #expect(try PaymentFirstLoadTests.Twin.dump(journal) == PaymentFirstLoadTests.Twin.dump(wal))
    }

    @Test func anotherConnectionKeepsTheLoadInWALMode() throws {
        let t = try TestLedger().withDebtors()
        // Another connection with the database open (another process would do the same).
        let other = try DatabaseQueue(path: t.dir + "/relance.sqlite")
        #expect(try other.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM debtor") } == 5)
        let seen = Seen(t.dir)
        let s = try t.ingest(.invoices, [t.write("open.csv", Self.file)], progress: seen.progress)
        #expect(seen.all == ["wal true, journal false"])
        #expect(try Self.journalMode(t) == "wal")
        #expect(try other.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM invoice") } == s[0].imported)
        try other.close()
    }

    @Test func aRefusedOrDryLoadLeavesNothingAndWALAgain() throws {
        let t = try TestLedger().withDebtors()
        let before = try t.store.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master ORDER BY name") }
        let seen = Seen(t.dir)
        let dry = try t.ingest(.invoices, [t.write("open.csv", Self.file)], dryRun: true, progress: seen.progress)
        #expect(dry[0].imported > 600)
        #expect(seen.all == ["wal false, journal true"])
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 0)
        #expect(try Self.journalMode(t) == "wal")
        // A dangling reference refuses the whole load (`ForeignKeysSetAside`): rolled back from the journal.
        try t.store.pool.write {
            try $0.execute(sql: """
                CREATE TEMP TRIGGER stray AFTER INSERT ON main.invoice WHEN NEW.invoice_number = 'N-400'
                BEGIN UPDATE invoice SET debtor_id = 999999 WHERE id = NEW.id; END
                """)
        }
        #expect(throws: StoreError.self) { try t.ingest(.invoices, [t.write("open.csv", Self.file)]) }
        try t.store.pool.write { try $0.execute(sql: "DROP TRIGGER temp.stray") }
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 0)
        #expect(try t.count("SELECT COUNT(*) FROM ingest_batch WHERE kind = 'invoices'") == 0)
        #expect(try Self.journalMode(t) == "wal")
        #expect(try t.store.pool.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master ORDER BY name") } == before)
        #expect(try t.store.pool.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        #expect(try t.ingest(.invoices, [t.write("open.csv", Self.file)])[0].imported == dry[0].imported)
    }

    @Test func theSwitchNeedsAnEmptyTableAndNoOtherConnection() throws {
        let t = try TestLedger().withDebtors()
        let path = t.dir + "/relance.sqlite"
        let queue = try DatabaseQueue(path: path)
        let (applies, notEmpty, switched, mode) = try queue.writeWithoutTransaction { db in
            (try RollbackJournalLoad.applies(db, emptyTable: .invoice),
             try RollbackJournalLoad.applies(db, emptyTable: .debtor),
             // The store's pool still has the database open: SQLite refuses, at once.
             try RollbackJournalLoad.setAside(db, emptyTable: .invoice) != nil,
             try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(applies && !notEmpty && !switched && mode == "wal")
        try queue.close()
    }
}
