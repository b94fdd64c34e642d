import Foundation
import GRDB
import Store
import Testing

@testable import Reports

/// The database identity, checked backups and restore over a damaged database, with real files:
/// emptied, truncated and corrupted databases, an older copy put in place, a shrunken ledger.
@Suite struct CheckedBackupTests {
    let commands = CommandTests()

    func relance(_ args: String..., ws: String) throws -> CommandTests.Result { try commands.relance(args, workspace: ws) }

    func backups(_ ws: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: ws + "/backups")) ?? []).filter { $0.hasSuffix(".sqlite") }.sorted()
    }

    func truncate(_ path: String, to size: Int) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.truncate(atOffset: UInt64(size))
        try h.close()
    }

    @Test func anEmptiedDatabaseIsRefusedNamesTheBackupAndIsRestored() throws {
        let (ws, l) = try commands.workspace()
        _ = l
        let first = try relance("db", "backup", ws: ws)
        #expect(first.status == 0, "\(first.stderr)")
        let good = try #require(backups(ws).first)
        #expect(FileManager.default.fileExists(atPath: ws + "/relance.identity"))
        // Emptied: every command refuses it (78) and nothing is created in it.
        for suffix in ["", "-wal", "-shm"] { unlink(ws + "/relance.sqlite" + suffix) }
        _ = FileManager.default.createFile(atPath: ws + "/relance.sqlite", contents: Data())
        let refused = try relance("db", "backup", ws: ws)
        #expect(refused.status == 78, "\(refused.stderr)")
        #expect(refused.stderr.contains("is empty (0 bytes)") && refused.stderr.contains("relance db restore \(ws)/backups/\(good)"),
                "\(refused.stderr)")
        #expect(try relance("status", ws: ws).status == 78)
        #expect(backups(ws) == [good], "no backup of the empty ledger, the good one is kept")
        #expect((try FileManager.default.attributesOfItem(atPath: ws + "/relance.sqlite")[.size] as? NSNumber)?.intValue == 0)
        // Restore works over it.
        let restored = try relance("db", "restore", ws + "/backups/" + good, ws: ws)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try relance("status", ws: ws).status == 0)
        let store = try LedgerStore(path: ws + "/relance.sqlite")
        #expect(try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice") } == 11)
    }

    @Test(arguments: ["truncated", "corrupted", "missing"])
    func restoreWorksOverADamagedDatabase(_ damage: String) throws {
        let (ws, l) = try commands.workspace()
        _ = l
        #expect(try relance("db", "backup", ws: ws).status == 0)
        let good = try #require(backups(ws).first)
        let db = ws + "/relance.sqlite"
        // Fold the WAL in first, so the damage hits the real pages.
        let store = try LedgerStore(path: db)
        try store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try store.pool.close()
        let size = (try FileManager.default.attributesOfItem(atPath: db)[.size] as? NSNumber)?.intValue ?? 0
        switch damage {
        case "truncated": try truncate(db, to: size / 3)
        case "corrupted":
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: db))
            try h.seek(toOffset: 4096)
            h.write(Data(repeating: 0xA5, count: min(size - 4096, 16_384)))
            try h.close()
        default: unlink(db)
        }
        let status = try relance("status", ws: ws)
        #expect(status.status == 78, "\(damage): \(status.stderr)")
        let restored = try relance("db", "restore", ws + "/backups/" + good, ws: ws)
        #expect(restored.status == 0, "\(damage): \(restored.stderr)")
        #expect(try relance("status", ws: ws).status == 0)
        let back = try LedgerStore(path: db)
        #expect(try back.pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
        #expect(try back.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice") } == 11)
        if damage != "missing" { #expect(FileManager.default.fileExists(atPath: db + ".before-restore")) }
    }

    @Test func anOlderCopyPutInPlaceByHandIsRefused() throws {
        let (ws, l) = try commands.workspace()
        _ = l
        #expect(try relance("status", ws: ws).status == 0)
        var text = try String(contentsOfFile: ws + "/relance.identity", encoding: .utf8)
        let level = try #require(text.split(separator: "\n").first { $0.hasPrefix("schema_level=") }.flatMap { Int($0.dropFirst(13)) })
        // As if the last command had seen a newer schema than the file now in place.
        text = text.replacingOccurrences(of: "schema_level=\(level)", with: "schema_level=\(level + 1)")
        try text.write(toFile: ws + "/relance.identity", atomically: true, encoding: .utf8)
        let r = try relance("status", ws: ws)
        #expect(r.status == 78 && r.stderr.contains("lower than the \(level + 1) the last command saw"), "\(r.stderr)")
        // Another workspace's ledger.
        text = text.replacingOccurrences(of: "schema_level=\(level + 1)", with: "schema_level=\(level)")
        let other = text.split(separator: "\n").map { $0.hasPrefix("workspace_id=") ? "workspace_id=someone-else" : String($0) }
        try (other.joined(separator: "\n") + "\n").write(toFile: ws + "/relance.identity", atomically: true, encoding: .utf8)
        let r2 = try relance("status", ws: ws)
        #expect(r2.status == 78 && r2.stderr.contains("not to this one (someone-else)"), "\(r2.stderr)")
    }

    @Test func aBackupThatLostMoreThanHalfTheRowsIsKeptAsSuspectAndRotatesNothingOut() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let tz = TimeZone(identifier: "Europe/Brussels")!
        let good = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: tz, policy: .init(daily: 1, monthly: 0))
        try l.store.pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            try db.execute(sql: "DELETE FROM invoice WHERE id > 2")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        #expect(throws: Backups.Failure.self) {
            try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(60), timeZone: tz,
                               policy: .init(daily: 1, monthly: 0))
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(names == [(good.path as NSString).lastPathComponent, (good.path as NSString).lastPathComponent + ".verified",
                          "relance-2026-11-21T033100-suspect.sqlite"])
        #expect(Backups.newestVerified(folder: folder) == good.path)
        do {
            _ = try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(120), timeZone: tz,
                                   policy: .init(daily: 1, monthly: 0))
        } catch let f as Backups.Failure {
            #expect(f.message.contains("invoice 11 → 2") && f.message.contains("--accept-shrink"), "\(f.message)")
        }
        // Accepted: it becomes the newest verified backup, and retention may then rotate the old one out.
        let accepted = try Backups.backup(store: l.store, folder: folder, at: seedNow.addingTimeInterval(180), timeZone: tz,
                                          policy: .init(daily: 1, monthly: 0), acceptShrink: true)
        #expect(Backups.newestVerified(folder: folder) == accepted.path)
        #expect(FileManager.default.fileExists(atPath: folder + "/relance-2026-11-21T033100-suspect.sqlite"))
    }

    @Test func aCorruptCopyNeverBecomesAVerifiedBackup() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        #expect(try Backups.verify(l.path, against: nil, acceptShrink: false) == nil)
        let bad = l.dir + "/bad.sqlite"
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: bad))
        #expect(try Backups.verify(bad, against: nil, acceptShrink: false) != nil)
    }

    @Test func aLedgerFromBeforeIdentitiesIsAdoptedAndAnEmptyOneRefused() throws {
        let l = try TempLedger()
        let record = l.dir + "/relance.identity"
        // No identity row, no data, no record: not a ledger `relance init` made.
        #expect(throws: WorkspaceIdentity.Refusal.self) {
            try WorkspaceIdentity.check(databasePath: l.path, recordPath: record, at: seedNow)
        }
        try seedLedger(l.store)
        #expect(try WorkspaceIdentity.check(databasePath: l.path, recordPath: record, at: seedNow) == nil, "adopted")
        try WorkspaceIdentity.confirm(store: l.store, recordPath: record, at: seedNow)
        let recorded = try #require(WorkspaceIdentity.recorded(at: record))
        #expect(try WorkspaceIdentity.check(databasePath: l.path, recordPath: record, at: seedNow) == recorded)
        #expect(recorded.schemaLevel == (try l.store.appliedMigrations().count))
        #expect(mode(record) == 0o600)
    }
}
