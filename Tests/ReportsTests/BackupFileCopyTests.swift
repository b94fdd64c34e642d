#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GRDB
import Store
import Testing

@testable import Reports

/// The backup copied from the database file while `quick_check` runs on the same snapshot, on real
/// files: the copy is the file byte for byte but for its journal bytes, a copy damaged after its
/// write is refused with the words the check of the copy itself gives, and a database whose WAL a
/// reader keeps from being checkpointed is copied with the backup API as before.
@Suite struct BackupFileCopyTests {
    let tz = TimeZone(identifier: "Europe/Brussels")!

    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    @Test func theBackupIsTheDatabaseFileButForItsJournalBytes() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let b = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init())
        // The snapshot was the database file itself (the WAL wholly checkpointed into it).
        var source = try bytes(l.path)
        let copy = try bytes(b.path)
        #expect(source[18] == 2 && source[19] == 2, "the ledger is in WAL mode")
        source[18] = 1
        source[19] = 1
        #expect(copy == source)
        #expect(mode(b.path) == 0o600)
        #expect(!FileManager.default.fileExists(atPath: b.path + "-wal") && !FileManager.default.fileExists(atPath: b.path + "-journal"))
        // One file in rollback-journal mode that SQLite reads as it is, with the ledger's rows and the record.
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: b.path, configuration: config)
        #expect(try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
        #expect(try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
        try queue.close()
        #expect(Backups.Record.counts(of: b.path) == (try Backups.counts(b.path)))
        #expect(Backups.Record.counts(of: b.path)?["invoice"] == 11)
    }

    /// A byte of a table's page flipped once the copy is on disk: refused with the same message as the
    /// check of that copy gives (`quick_check` on the copy, as every backup was checked before), kept
    /// as suspect, and the verified backup stays.
    @Test func aCopyDamagedAfterItsWriteIsRefusedAsBefore() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let good = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init(daily: 1, monthly: 0))
        let root = try #require(try l.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE name = 'invoice'") })
        let pageSize = try #require(try l.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") })
        var message = ""
        do {
            _ = try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(60), timeZone: tz,
                                   policy: .init(daily: 1, monthly: 0), acceptShrink: false,
                                   afterCopy: { path in
                                       // The b-tree page's type byte.
                                       let fd = open(path, O_RDWR)
                                       var b: UInt8 = 0xFF
                                       _ = pwrite(fd, &b, 1, off_t((root - 1) * pageSize))
                                       close(fd)
                                   })
            Issue.record("a damaged copy was accepted")
        } catch let f as Backups.Failure {
            message = f.message
        }
        let suspect = folder + "/relance-2026-11-21T033100-suspect.sqlite"
        // What the check of the copy itself says (here SQLite finds the page malformed).
        let ownCheck = try #require(try Backups.verify(suspect, against: nil, acceptShrink: true))
        #expect(message == "the backup failed its check (\(ownCheck)); the copy is kept as \(suspect); no verified backup was replaced or removed")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            == [(good.path as NSString).lastPathComponent, (good.path as NSString).lastPathComponent + ".verified",
                "relance-2026-11-21T033100-suspect.sqlite"])
        #expect(Backups.newestVerified(folder: folder) == good.path)
    }

    /// A difference `quick_check` does not see (a page added after the last one) is refused too, by page.
    @Test func aCopyThatDiffersWhereTheCheckSeesNothingIsRefusedByPage() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let pageSize = try #require(try l.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") })
        let pages = try #require(try l.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") })
        do {
            _ = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init(), acceptShrink: false,
                                   afterCopy: { path in
                                       let fd = open(path, O_RDWR)
                                       let zeros = [UInt8](repeating: 0, count: pageSize)
                                       _ = pwrite(fd, zeros, pageSize, off_t(pages * pageSize))
                                       close(fd)
                                   })
            Issue.record("a copy longer than the database was accepted")
        } catch let f as Backups.Failure {
            #expect(f.message.hasPrefix("the backup failed its check (the copy differs from the database at page \(pages + 1));"), "\(f.message)")
            #expect(f.suspect != nil)
        }
        #expect(Backups.newestVerified(folder: folder) == nil)
    }

    /// A ledger of several 4 MiB chunks (each written and read back directly, past the page cache):
    /// blobs no check reads, so only the comparison of the copy with the database file can see a byte
    /// of them changed.
    func largeLedger() throws -> (TempLedger, pageSize: Int, pages: Int) {
        let l = try TempLedger()
        try seedLedger(l.store)
        try l.store.pool.write { db in
            try db.execute(sql: "CREATE TABLE filler(id INTEGER PRIMARY KEY, b BLOB)")
            for i in 0..<12 { try db.execute(sql: "INSERT INTO filler VALUES (?, randomblob(1000000))", arguments: [i]) }
        }
        let pageSize = try #require(try l.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") })
        let pages = try #require(try l.store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_count") })
        #expect(pages * pageSize > 2 * Backups.FileCopy.chunk)
        return (l, pageSize, pages)
    }

    @Test func aLedgerOfSeveralChunksIsCopiedByteForByte() throws {
        let (l, _, _) = try largeLedger()
        let folder = l.dir + "/backups"
        let b = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init())
        var source = try bytes(l.path)
        source[18] = 1
        source[19] = 1
        #expect(try bytes(b.path) == source)
        #expect(Backups.Record.counts(of: b.path)?["invoice"] == 11)
    }

    /// A byte of a blob in the third chunk changed once the copy is on disk (through the page cache,
    /// while the copy was written past it): `quick_check` reads no blob, the comparison finds the page.
    @Test func aByteChangedInALaterChunkIsRefusedByPage() throws {
        let (l, pageSize, pages) = try largeLedger()
        let folder = l.dir + "/backups"
        let page = 2 * Backups.FileCopy.chunk / pageSize + 3
        #expect(page < pages)
        do {
            _ = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init(), acceptShrink: false,
                                   afterCopy: { path in
                                       let fd = open(path, O_RDWR)
                                       let at = off_t((page - 1) * pageSize + pageSize / 2)
                                       var b: UInt8 = 0
                                       _ = pread(fd, &b, 1, at)
                                       b ^= 0x5A
                                       _ = pwrite(fd, &b, 1, at)
                                       close(fd)
                                   })
            Issue.record("a copy with a changed byte was accepted")
        } catch let f as Backups.Failure {
            #expect(f.message.hasPrefix("the backup failed its check (the copy differs from the database at page \(page));"), "\(f.message)")
            #expect(f.suspect != nil)
        }
        #expect(Backups.newestVerified(folder: folder) == nil)
    }

    /// A copy cut short after its write (its last chunks gone) is refused.
    @Test func aCopyCutShortIsRefused() throws {
        let (l, pageSize, _) = try largeLedger()
        let folder = l.dir + "/backups"
        do {
            _ = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init(), acceptShrink: false,
                                   afterCopy: { path in
                                       _ = truncate(path, off_t(Backups.FileCopy.chunk + 5 * pageSize))
                                   })
            Issue.record("a copy cut short was accepted")
        } catch let f as Backups.Failure {
            #expect(f.message.hasPrefix("the backup failed its check ("), "\(f.message)")
            let suspect = try #require(f.suspect)
            #expect(try bytes(suspect).count == Backups.FileCopy.chunk + 5 * pageSize)
        }
        #expect(Backups.newestVerified(folder: folder) == nil)
    }

    /// Pages of 1 KiB and an odd count: the last chunk is no multiple of 4 KiB, which direct I/O does
    /// not take; it goes through the page cache and the copy is still the file byte for byte.
    @Test func aLastChunkDirectIOCannotTakeIsCopiedThroughThePageCache() throws {
        let dir = NSTemporaryDirectory() + "relance-filecopy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/small.sqlite"
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 1024") }
        let queue = try DatabaseQueue(path: path, configuration: config)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "CREATE TABLE t(b BLOB)")
        }
        let pages = try queue.write { db in
            for _ in 0..<1000 { try db.execute(sql: "INSERT INTO t VALUES (randomblob(5000))") }
            // One more small row at a time until the page count is odd.
            while (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) % 2 == 0 {
                try db.execute(sql: "INSERT INTO t VALUES (randomblob(900))")
            }
            return try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        }
        try queue.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let size = pages * 1024
        #expect(size > Backups.FileCopy.chunk && size % Backups.FileCopy.directAlignment != 0)
        let copied = try queue.read { db in
            try Backups.FileCopy.copyFile(db, bytes: size, pageSize: 1024, to: dir + "/copy.sqlite", afterCopy: nil)
        }
        try queue.close()
        guard case .same = copied else {
            Issue.record("copied: \(copied)")
            return
        }
        var source = try bytes(path)
        source[18] = 1
        source[19] = 1
        #expect(try bytes(dir + "/copy.sqlite") == source)
    }

    /// A read transaction holds a SHARED lock on the database file (POSIX, per process). The copy
    /// reads the file through SQLite's own handle, so it leaves that lock in place: a descriptor of
    /// its own, closed, would drop every lock the process holds on the file, and another process
    /// closing its last connection could then checkpoint under the reader's snapshot.
    @Test func theCopyLeavesTheProcessLocksOnTheDatabaseFile() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let reader = try DatabaseQueue(path: l.path)
        defer { try? reader.close() }
        try reader.read { db in
            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice")
            #expect(try sharedRangeIsLocked(l.path), "a read transaction holds the SHARED lock")
            _ = try Backups.backup(store: l.store, folder: l.dir + "/backups", at: seedNow, timeZone: tz, policy: .init())
            #expect(try sharedRangeIsLocked(l.path), "the backup left the reader's lock in place")
        }
    }

    /// Whether another process finds SQLite's SHARED byte range of `path` locked.
    func sharedRangeIsLocked(_ path: String) throws -> Bool {
        let probe = """
        import fcntl, os, sys
        fd = os.open(sys.argv[1], os.O_RDWR)
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 510, 0x40000002)
            print("free")
        except OSError:
            print("locked")
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        p.arguments = ["-c", probe, path]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let said = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return said.trimmingCharacters(in: .whitespacesAndNewlines) == "locked"
    }

    /// A reader holding an older snapshot keeps the WAL from being checkpointed into the file: the
    /// database is copied with the backup API and the copy checked, as before; the backup holds every
    /// committed write.
    @Test func aWALAReaderHoldsIsCopiedWithTheBackupAPI() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let reader = try DatabaseQueue(path: l.path)
        let begun = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), ended = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            _ = try? reader.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice")
                begun.signal()
                release.wait()
            }
            ended.signal()
        }
        begun.wait()
        let invoices = try l.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice") ?? 0 }
        try l.store.pool.write { db in try db.execute(sql: "UPDATE debtor SET name = name || ' (renamed)'") }
        let b = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init())
        release.signal()
        ended.wait()
        try reader.close()
        var config = Configuration()
        config.readonly = true
        let queue = try DatabaseQueue(path: b.path, configuration: config)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor WHERE name LIKE '% (renamed)'") } ?? 0 > 0)
        #expect(try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice") } == invoices)
        #expect(try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "delete")
        try queue.close()
        // Not the file (its journal bytes aside): its WAL was not checkpointed into it.
        var source = try bytes(l.path)
        source[18] = 1
        source[19] = 1
        #expect(try bytes(b.path) != source)
    }
}
