import Foundation
import GRDB
import Store
import Testing

@testable import Reports

/// The backup's copy made in steps beside other work (`SteppedCopy`, `Backups.Precopy`), on real
/// SQLite files: writes made while it runs, through the same pool or another connection, all end
/// up in the copy, which is checked as any backup.
@Suite struct BackupPrecopyTests {
    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "relance-precopy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func fill(_ pool: DatabasePool, from first: Int, count: Int) throws {
        try pool.write { db in
            for i in first..<(first + count) {
                try db.execute(sql: "INSERT INTO t (id, v) VALUES (?, ?)", arguments: [i, String(repeating: "x", count: 400) + "\(i)"])
            }
        }
    }

    func rows(_ reader: some DatabaseReader) throws -> [Row] {
        try reader.read { db in try Row.fetchAll(db, sql: "SELECT id, v FROM t ORDER BY id") }
    }

    @Test func aSteppedCopyHoldsEveryWriteMadeWhileItRan() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let pool = try DatabasePool(path: dir + "/source.sqlite")
        try pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
        try fill(pool, from: 0, count: 3000)  // ≈ 1.3 MB: about 320 pages
        let target = dir + "/copy.sqlite"
        #expect(FileManager.default.createFile(atPath: target, contents: nil))
        let copy = try SteppedCopy(pool: pool, to: target)
        defer { copy.close() }
        #expect(try copy.step(40) > 0)
        // Through the copy's own pool: SQLite carries these into the pages already copied.
        try fill(pool, from: 3000, count: 500)
        try pool.write { db in try db.execute(sql: "UPDATE t SET v = 'changed' WHERE id < 200") }
        #expect(try copy.step(40) > 0)
        // A rolled-back transaction leaves no trace in the copy.
        try? pool.write { db in
            try db.execute(sql: "UPDATE t SET v = 'rolled back' WHERE id < 3000")
            throw CancellationError()
        }
        #expect(try copy.step(40) > 0)
        // Another connection's write: SQLite restarts the copy, which still ends whole.
        let other = try DatabaseQueue(path: dir + "/source.sqlite")
        try other.write { db in try db.execute(sql: "DELETE FROM t WHERE id BETWEEN 500 AND 599") }
        try other.close()
        _ = try copy.step(40)
        try fill(pool, from: 5000, count: 10)
        try copy.finish()

        let backup = try DatabaseQueue(path: target)
        defer { try? backup.close() }
        let expected = try rows(pool)
        #expect(expected.count == 3000 + 500 - 100 + 10)
        #expect(try rows(backup) == expected)
        #expect(try backup.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") } == ["ok"])
        #expect(try backup.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
        #expect(!FileManager.default.fileExists(atPath: target + "-wal"))
    }

    @Test func aPrecopyFinishedByTheBackupHoldsTheWritesSinceItStarted() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        try store.pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
        try fill(store.pool, from: 0, count: 200)
        let backups = dir + "/backups"
        let precopy = try #require(Backups.Precopy.start(store: store, folder: backups))
        #expect(FileManager.default.fileExists(atPath: backups + "/" + Backups.Precopy.fileName))
        try fill(store.pool, from: 200, count: 300)
        try store.pool.write { db in try db.execute(sql: "DELETE FROM t WHERE id < 50") }
        let at = Date(timeIntervalSince1970: 1_795_000_000)
        let outcome = try Backups.backup(store: store, folder: backups, at: at, timeZone: .gmt, policy: Backups.Policy(), precopy: precopy)
        #expect(!FileManager.default.fileExists(atPath: backups + "/" + Backups.Precopy.fileName))
        #expect((outcome.path as NSString).lastPathComponent == Backups.fileName(at: at, timeZone: .gmt))
        let backup = try DatabaseQueue(path: outcome.path)
        defer { try? backup.close() }
        #expect(try rows(backup) == rows(store.pool))
        #expect(try rows(backup).count == 450)
        #expect(try Backups.counts(outcome.path) == Backups.counts(dir + "/relance.sqlite"))
        #expect(try backup.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") } == ["ok"])
    }

    @Test func aCancelledPrecopyLeavesNoFile() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        let precopy = try #require(Backups.Precopy.start(store: store, folder: dir + "/backups"))
        precopy.cancel()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/backups").isEmpty)
        // The store is still writable: the copy let go of its connection.
        try store.pool.write { db in try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)") }
    }

    @Test func aKilledNightsPrecopyAndItsJournalAreRemovedBeforeTheNextOne() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let backups = dir + "/backups"
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        let stale = backups + "/" + Backups.Precopy.fileName
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("stale".utf8)))
        #expect(FileManager.default.createFile(atPath: stale + "-journal", contents: Data("stale".utf8)))
        Backups.Precopy.removeLeftovers(folder: backups)
        #expect(try FileManager.default.contentsOfDirectory(atPath: backups).isEmpty)
    }
}
