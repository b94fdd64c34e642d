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

/// The record a verified backup leaves beside it (`relance-….sqlite.verified`: its row counts and
/// what identifies the file), on real files: the next backup's check trusts it only while it matches
/// its backup, the check refuses a shrink with the same words either way, retention removes it, and a
/// backup killed before its rename leaves none that could be trusted.
@Suite struct BackupRecordTests {
    let tz = TimeZone(identifier: "Europe/Brussels")!

    func names(_ folder: String) throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    /// The record's text with `invoice`'s count replaced.
    func forge(_ backup: String, invoices: Int) throws {
        let path = backup + Backups.Record.suffix
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n").map { $0.hasPrefix("count invoice ") ? "count invoice \(invoices)" : String($0) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test func aVerifiedBackupRecordsItsCountsOwnerOnly() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let b = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init())
        let record = b.path + Backups.Record.suffix
        #expect(try names(folder) == ["relance-2026-11-21T033000.sqlite", "relance-2026-11-21T033000.sqlite.verified"])
        #expect(mode(record) == 0o600)
        let counts = try Backups.counts(b.path)
        #expect(counts["invoice"] == 11)
        #expect(Backups.Record.counts(of: b.path) == counts)
        // Counts and the file's identity only: none of the ledger's personal data.
        let text = try String(contentsOfFile: record, encoding: .utf8)
        #expect(!text.contains("Brasserie") && !text.contains("eclair.example"), "\(text)")
    }

    /// A record that matches its backup is what the next check compares with; one that does not (the
    /// file touched, replaced, or the record beside another name) is ignored and the file counted again.
    @Test func aRecordThatDoesNotMatchItsBackupIsIgnored() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let good = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init())
        try forge(good.path, invoices: 1000)
        // Matching: trusted, so the check sees 1000 → 11 and refuses.
        #expect(Backups.Record.counts(of: good.path)?["invoice"] == 1000)
        let trusted = try Backups.verify(l.path, against: good.path, acceptShrink: false)
        #expect(trusted?.contains("invoice 1000 → 11") == true, "\(trusted ?? "nil")")
        // The backup's modification time changed: the record no longer describes it.
        var times = [timespec(tv_sec: 1_700_000_000, tv_nsec: 0), timespec(tv_sec: 1_700_000_000, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, good.path, &times, 0) == 0)
        #expect(Backups.Record.counts(of: good.path) == nil)
        #expect(try Backups.verify(l.path, against: good.path, acceptShrink: false) == nil, "counted again: 11 → 11")
        let next = try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(60), timeZone: tz, policy: .init())
        #expect(Backups.Record.counts(of: next.path)?["invoice"] == 11)

        // The file replaced by another of the same size and modification time: ignored.
        let other = try TempLedger()
        try seedLedger(other.store)
        try other.store.pool.write { db in try db.execute(sql: "UPDATE debtor SET name = name || '!'") }
        try forge(next.path, invoices: 1000)
        #expect(Backups.Record.counts(of: next.path)?["invoice"] == 1000)
        var st = stat()
        #expect(stat(next.path, &st) == 0)
        let replacement = l.dir + "/replacement.sqlite"
        try Backups.copy(other.store.pool, to: replacement)
        let size = Int64(st.st_size)
        #expect(truncate(replacement, off_t(size)) == 0)
        var kept = [st.st_atim, st.st_mtim]
        #expect(utimensat(AT_FDCWD, replacement, &kept, 0) == 0)
        #expect(rename(replacement, next.path) == 0)
        #expect(Backups.Record.counts(of: next.path) == nil)

        // A record beside a name it does not describe: ignored.
        let moved = folder + "/relance-2026-11-22T033000.sqlite"
        let b3 = try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(120), timeZone: tz, policy: .init())
        #expect(link(b3.path, moved) == 0)
        #expect(link(b3.path + Backups.Record.suffix, moved + Backups.Record.suffix) == 0)
        #expect(Backups.Record.counts(of: b3.path) != nil)
        #expect(Backups.Record.counts(of: moved) == nil)

        // A torn or foreign record: ignored.
        try "relance backup verified 1\nfile relance-2026-11-21T033200.sqlite\n".write(
            toFile: b3.path + Backups.Record.suffix, atomically: true, encoding: .utf8)
        #expect(Backups.Record.counts(of: b3.path) == nil)
    }

    /// The shrink check says the same with the previous backup's counts from its record as read from
    /// the file, and `--accept-shrink` still lets the copy through.
    @Test func aShrinkIsStillRefusedWithTheSameMessage() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let good = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init(daily: 1, monthly: 0))
        try l.store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "DELETE FROM invoice WHERE id > 2")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        #expect(Backups.Record.counts(of: good.path) != nil)
        let fromRecord = try Backups.verify(l.path, against: good.path, acceptShrink: false)
        var failure: Backups.Failure?
        do {
            _ = try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(60), timeZone: tz,
                                   policy: .init(daily: 1, monthly: 0))
        } catch let f as Backups.Failure {
            failure = f
        }
        let f = try #require(failure)
        #expect(f.message.contains("invoice 11 → 2") && f.message.contains("--accept-shrink"), "\(f.message)")
        let problem = try #require(fromRecord)
        #expect(f.message.contains(problem))
        // No record for the suspect copy, and the verified backup and its record stay.
        #expect(try names(folder) == ["relance-2026-11-21T033000.sqlite", "relance-2026-11-21T033000.sqlite.verified",
                                      "relance-2026-11-21T033100-suspect.sqlite"])
        unlink(good.path + Backups.Record.suffix)
        let fromFile = try Backups.verify(l.path, against: good.path, acceptShrink: false)
        #expect(fromFile == fromRecord)
        #expect(try Backups.verify(l.path, against: good.path, acceptShrink: true) == nil)
    }

    @Test func retentionRemovesTheRecordsWithTheirBackups() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let day = 86_400.0
        let first = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init(daily: 1, monthly: 0))
        // A record whose backup is gone (removed by hand).
        _ = FileManager.default.createFile(atPath: folder + "/relance-2026-11-19T023000.sqlite.verified", contents: Data("x\n".utf8))
        // Not a record of a backup name: left alone, as any other file.
        _ = FileManager.default.createFile(atPath: folder + "/notes.verified", contents: Data())
        let second = try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(day), timeZone: tz,
                                        policy: .init(daily: 1, monthly: 0))
        #expect(second.removed == [first.path])
        #expect(try names(folder) == ["notes.verified", "relance-2026-11-22T033000.sqlite", "relance-2026-11-22T033000.sqlite.verified"])
        #expect(Backups.Record.counts(of: second.path) == (try Backups.counts(second.path)))
    }

    /// A backup killed after its check wrote the record but before the rename published the copy: the
    /// record names a backup that does not exist, so nothing trusts it; the next backup under that name
    /// removes it before it copies, and retention removes it otherwise.
    @Test func aBackupKilledBeforeItsRenameLeavesNoTrustedRecord() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let good = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init())
        // The killed backup's state: its copy under `.partial`, its record published.
        let killed = folder + "/relance-2026-11-21T033100.sqlite"
        try Backups.copy(l.store.pool, to: killed + ".partial")
        try Backups.Record.write(counts: ["invoice": 1000], of: killed + ".partial", as: killed)
        #expect(FileManager.default.fileExists(atPath: killed + Backups.Record.suffix))
        #expect(Backups.newestVerified(folder: folder) == good.path)
        #expect(Backups.Record.counts(of: killed) == nil)
        #expect(Backups.Record.counts(of: killed + ".partial") == nil)
        // The next backup under the same name: the stale record (1000 invoices) does not judge it.
        let again = try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(60), timeZone: tz, policy: .init())
        #expect(again.path == killed)
        #expect(Backups.Record.counts(of: killed)?["invoice"] == 11)
        // Retention kept the newest of the day, with its record.
        #expect(again.removed == [good.path])
        #expect(try names(folder) == ["relance-2026-11-21T033100.sqlite", "relance-2026-11-21T033100.sqlite.verified"])
        // Killed again (its copy gone); a later backup under another name prunes the orphan record.
        unlink(killed)
        try Backups.Record.write(counts: ["invoice": 1000], of: l.path, as: killed)
        let later = try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(120), timeZone: tz, policy: .init())
        #expect(!FileManager.default.fileExists(atPath: killed + Backups.Record.suffix))
        #expect(try names(folder) == ["relance-2026-11-21T033200.sqlite", "relance-2026-11-21T033200.sqlite.verified"])
        #expect(later.removed.isEmpty)
    }
}
