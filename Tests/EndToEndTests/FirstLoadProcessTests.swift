import Foundation
import GRDB
import RelanceTestSupport
import Store
import Testing

/// The real `relance ingest invoices` process loading a first file with a rollback journal instead of
/// the WAL (`RollbackJournalLoad`), killed (SIGKILL) at several moments of the load: the next open
/// rolls the journal back (no invoice, the same schema, integrity ok, WAL mode again), and the next
/// load stores the whole file.
@Suite(.tags(.slow), .requires(.relance))
struct FirstLoadProcessTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `n` open invoices of the demo's debtors, in the demo's export format (UTF-8).
    static func invoices(_ n: Int) -> String {
        var out = "numéro de facture;client;date de facture;échéance;devise;montant;solde;type;communication structurée;libellé;litige\n"
        for i in 0..<n {
            out += "FL-\(i);K\(1001 + i % 200);01/10/2026;31/10/2026;EUR;\(100 + i % 900),\(i % 100 / 10)0;\(100 + i % 900),\(i % 100 / 10)0;facture;;Load \(i);non\n"
        }
        return out
    }

    /// The schema, integrity, journal mode and invoice count, as a fresh `LedgerStore` sees them.
    static func state(_ ws: String) throws -> (schema: [String], integrity: [String], mode: String?, invoices: Int) {
        let store = try LedgerStore(path: ws + "/relance.sqlite")
        return try store.pool.read { db in
            (try String.fetchAll(db, sql: "SELECT type || ' ' || name || ': ' || IFNULL(sql, '') FROM sqlite_master ORDER BY name"),
             try String.fetchAll(db, sql: "PRAGMA integrity_check"),
             try String.fetchOne(db, sql: "PRAGMA journal_mode"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice") ?? -1)
        }
    }

    /// A rollback journal SQLite would play back: it exists and its first byte is not zero (pager.c's
    /// `hasHotJournal`; the database is not locked here, its writer was killed).
    static func isHot(_ journal: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: journal) else { return false }
        defer { try? handle.close() }
        return (try? handle.read(upToCount: 1))?.first.map { $0 != 0 } ?? false
    }

    @Test func aKilledFirstLoadIsRolledBackAndTheNextStoresItWhole() throws {
        let dir = TestDir.make("first-load")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = dir + "/ws"
        let env = ["RELANCE_WORKSPACE": ws, "RELANCE_DEMO_DIR": Self.root.path + "/Examples/demo"]
        try #require(try RelanceBinary.run(["init", ws, "--demo"], env: env, logDir: dir).status == 0)
        // The demo's debtors (one row refused on purpose: exit 65).
        let debtors = try RelanceBinary.run(["ingest", "debtors", ws + "/inbox/debtors.csv", "--as-of", "2026-11-21"], env: env, logDir: dir)
        try #require([0, 65].contains(debtors.status), "\(debtors.stderr)")
        let n = 120_000
        let file = dir + "/invoices-open.csv"
        try Self.invoices(n).write(toFile: file, atomically: true, encoding: .utf8)
        let before = try Self.state(ws)
        #expect(before.invoices == 0 && before.integrity == ["ok"] && before.mode == "wal")
        let args = ["ingest", "invoices", file, "--as-of", "2026-11-21"]
        let journal = ws + "/relance.sqlite-journal"
        // Killed as soon as the journal appears, then later into the reading (and, for a slow debug build,
        // the index builds or the commit); a load that ended before its kill leaves nothing to roll back.
        for delay in [0.0, 0.4, 1.5, 5] {
            let p = try RelanceBinary.start(args, env: env, logDir: dir)
            let deadline = Date().addingTimeInterval(60)
            while !FileManager.default.fileExists(atPath: journal) && p.isRunning && Date() < deadline {
                Thread.sleep(forTimeInterval: 0.002)
            }
            Thread.sleep(forTimeInterval: delay)
            let killedInTime = p.isRunning
            kill(p.processIdentifier, SIGKILL)
            let out = RelanceBinary.finish(p)
            guard killedInTime else {
                // It finished first (a fast machine): nothing left to roll back; start again from empty.
                #expect(out.status == 0, "\(out.stderr)")
                break
            }
            #expect(out.status == SIGKILL)
            // Inside the load's transaction the journal is there (hot: the killed writer left it).
            if delay > 0 { #expect(FileManager.default.fileExists(atPath: journal), "killed \(delay) s after the journal appeared") }
            let after = try Self.state(ws)
            #expect(after.invoices == 0, "killed \(delay) s after the journal appeared")
            #expect(after.schema == before.schema && after.integrity == ["ok"] && after.mode == "wal")
            // The next open rolled a hot journal back, or found a cold one and deleted it as it set WAL
            // mode again. With `synchronous = FULL` the journal's magic stays zero until the first page
            // is written to the database file, so a kill that early leaves a cold journal; killed while
            // the database was still marked WAL (setting DELETE mode before the load), nothing deletes
            // it. SQLite ignores a cold journal and the next load's overwrites it: it is never played back.
            #expect(!Self.isHot(journal), "killed \(delay) s after the journal appeared")
        }
        let loaded = try RelanceBinary.run(args, env: env, logDir: dir, timeout: 120)
        #expect(loaded.status == 0, "\(loaded.stderr)")
        let after = try Self.state(ws)
        #expect(after.invoices == n)
        #expect(after.schema == before.schema && after.integrity == ["ok"] && after.mode == "wal")
    }
}
