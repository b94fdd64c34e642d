import Foundation
import GRDB
import Ledger
import Store
import Testing

@testable import Reports

/// Backups and their retention, restore with its checks, the export archive, debtor erasure.
@Suite struct DataRightsTests {
    func count(_ store: LedgerStore, _ table: String) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0 }
    }

    @Test func backupIsAConsistentOwnerOnlyCopy() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let folder = l.dir + "/backups"
        let b = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: TimeZone(identifier: "Europe/Brussels")!,
                                   policy: .init())
        #expect((b.path as NSString).lastPathComponent == "relance-2026-11-21T033000.sqlite")
        #expect(mode(b.path) == 0o600)
        #expect(mode(folder) == 0o700)
        #expect(!FileManager.default.fileExists(atPath: b.path + "-wal"))
        let copy = try DatabaseQueue(path: b.path)
        #expect(try copy.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice") } == 11)
        #expect(try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") } == ["ok"])
        // A second backup in the same second gets its own name.
        let again = try Backups.backup(store: l.store, folder: folder, at: seedNow, timeZone: .gmt, policy: .init())
        #expect(again.path != b.path)
    }

    @Test func retentionKeepsNewestPerDayAndPerMonth() throws {
        let l = try TempLedger()
        let folder = l.dir + "/backups"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let names = ["relance-2026-11-21T023000.sqlite", "relance-2026-11-21T120000.sqlite", "relance-2026-11-20T023000.sqlite",
                     "relance-2026-11-19T023000.sqlite", "relance-2026-11-18T023000.sqlite", "relance-2026-10-31T023000.sqlite",
                     "relance-2026-10-30T023000.sqlite", "relance-2026-09-30T023000.sqlite", "relance-2026-08-31T023000.sqlite",
                     "notes.txt", "relance-bogus.sqlite"]
        for n in names { _ = FileManager.default.createFile(atPath: folder + "/" + n, contents: Data()) }
        let removed = try Backups.prune(folder: folder, policy: .init(daily: 3, monthly: 3)).map { ($0 as NSString).lastPathComponent }
        #expect(Set(removed) == ["relance-2026-11-21T023000.sqlite", "relance-2026-11-18T023000.sqlite",
                                 "relance-2026-10-30T023000.sqlite", "relance-2026-08-31T023000.sqlite"])
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
        #expect(left == ["relance-2026-11-21T120000.sqlite", "relance-2026-11-20T023000.sqlite", "relance-2026-11-19T023000.sqlite",
                         "relance-2026-10-31T023000.sqlite", "relance-2026-09-30T023000.sqlite", "notes.txt", "relance-bogus.sqlite"])
    }

    @Test func retentionRemovesACopyAKilledBackupLeftOnceADayOld() throws {
        let l = try TempLedger()
        let folder = l.dir + "/backups"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let old = ["relance-2026-11-20T023000.sqlite.partial", "relance-precopy.sqlite.partial", "relance-precopy.sqlite.partial-journal"]
        let fresh = ["relance-2026-11-21T023000.sqlite.partial", "relance-2026-11-21T023000.sqlite"]
        for n in old + fresh + ["notes.partial"] { _ = FileManager.default.createFile(atPath: folder + "/" + n, contents: Data()) }
        let dayAndAMinute = Date().addingTimeInterval(-Backups.staleCopyAge - 60)
        for n in old + ["notes.partial"] {
            try FileManager.default.setAttributes([.modificationDate: dayAndAMinute], ofItemAtPath: folder + "/" + n)
        }
        _ = try Backups.prune(folder: folder, policy: .init(daily: 3, monthly: 3))
        // A copy another backup may still be writing stays; so does what is not Relance's.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: folder)) == Set(fresh + ["notes.partial"]))
    }

    @Test func restorePutsTheBackupBackAndKeepsTheCurrentDatabase() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let b = try Backups.backup(store: l.store, folder: l.dir + "/backups", at: seedNow, timeZone: .gmt, policy: .init())
        try l.store.pool.write { db in try db.execute(sql: "DELETE FROM record_change; UPDATE debtor SET name = 'changed'") }
        let outcome = try DatabaseRestore.restore(from: b.path, databasePath: l.path, actor: "test", at: seedNow)
        #expect(mode(outcome.before) == 0o600)
        #expect(try l.store.pool.read { db in try String.fetchOne(db, sql: "SELECT name FROM debtor WHERE id = 1") } == "Brasserie Éclair SRL")
        #expect(try count(l.store, "record_change") == 3)
        #expect(try count(l.store, "data_rights_log") == 1)
        let before = try DatabaseQueue(path: outcome.before)
        #expect(try before.read { db in try String.fetchOne(db, sql: "SELECT name FROM debtor WHERE id = 1") } == "changed")
    }

    @Test func restoreRefusesADamagedOrForeignFile() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let b = try Backups.backup(store: l.store, folder: l.dir + "/backups", at: seedNow, timeZone: .gmt, policy: .init())
        // Damage: overwrite the middle of the file.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: b.path))
        for i in 4096..<(min(bytes.count, 4096 * 6)) { bytes[i] = 0x5A }
        let damaged = l.dir + "/damaged.sqlite"
        try bytes.write(to: URL(fileURLWithPath: damaged))
        #expect(throws: DatabaseRestore.Failure.self) { try DatabaseRestore.restore(from: damaged, databasePath: l.path, actor: "t", at: seedNow) }
        // Not a database at all.
        let text = l.dir + "/text.sqlite"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: text))
        #expect(throws: DatabaseRestore.Failure.self) { try DatabaseRestore.check(text) }
        // Another application's database.
        let foreign = l.dir + "/foreign.sqlite"
        try DatabaseQueue(path: foreign).write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        #expect(throws: DatabaseRestore.Failure.notRelance(foreign, "it has no Relance tables")) { try DatabaseRestore.check(foreign) }
        // A newer version's.
        try DatabaseQueue(path: b.path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('9999-from-the-future')")
        }
        #expect(throws: DatabaseRestore.Failure.notRelance(b.path, "it was written by a newer version (migration 9999-from-the-future)")) {
            try DatabaseRestore.check(b.path)
        }
        #expect(throws: DatabaseRestore.Failure.missing(l.dir + "/nope.sqlite")) { try DatabaseRestore.check(l.dir + "/nope.sqlite") }
        #expect(try l.store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor") } == 7)
    }

    @Test func exportHoldsEveryTable() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        // Event 7 with its computation stored compressed (migration 0026a), as the dunning run writes it.
        let json = #"{"step":"first reminder","total":"13145.67"}"#
        try l.store.pool.write { db in
            try db.execute(sql: "UPDATE dunning_event SET computation = '', computation_z = ? WHERE id = 7",
                           arguments: [try DunningComputation.compress(json)])
            // A message compressed with a body dictionary (migration 0027a), as the dunning run queues them.
            var m = NewOutboxMessage(idempotencyKey: "with-dictionary", origin: "dunning",
                                     to: [OutboxMailbox(EmailAddress("k1@example.be")!)], subject: "Second reminder for K001",
                                     textBody: "Dear customer, please pay 12.00 now.", htmlBody: "<p>Dear customer, please pay 12.00 now.</p>")
            m.bodyDictionary = "Dear customer, please pay 0.00 now."
            let queued = try OutboxQueue.enqueue(db, m, at: seedNow)
            // A held reason and an event detail stored once (migrations 0030a, 0030b), a Message-ID derived (0030c).
            let reason = try StoredText.id(db, table: "dunning_held_reason", column: "reason", "gate: held tonight")
            try db.execute(sql: "UPDATE dunning_event SET held_reason = NULL, held_reason_id = ? WHERE id = 7", arguments: [reason])
            try OutboxEventRecord.append(db, message: queued.rawValue, at: "t", from: .queued, to: .hold, actor: .dunning,
                                         detail: "gate: held tonight", shared: true)
            try OutboxCommands.lease(db, ids: [queued.rawValue], owner: "me", until: "u", at: "t", domain: "demo.example", cc: [], bcc: [])
        }
        let path = l.dir + "/export.tar.gz"
        let outcome = try DataExport.export(store: l.store, to: path, at: seedNow, actor: "test")
        #expect(mode(path) == 0o600)
        #expect(outcome.tables.contains(DataExport.Outcome.Table(name: "invoice", rows: 11)))
        #expect(outcome.tables.contains { $0.name == "grdb_migrations" })
        let listing = try run("/usr/bin/tar", ["-tzf", path])
        for t in outcome.tables { #expect(listing.contains("relance-export/\(t.name).csv"), "\(t.name)") }
        #expect(listing.contains("relance-export/manifest.json"))
        let debtors = try run("/usr/bin/tar", ["-xzOf", path, "relance-export/debtor.csv"])
        #expect(debtors.contains("K003,\"'=HYPERLINK(\"\"http://evil.example/?x\"\",\"\"click me\"\")\""))
        #expect(debtors.hasPrefix("id,debtor_key,name,kind,"))
        let attachments = try run("/usr/bin/tar", ["-xzOf", path, "relance-export/outbox_attachment.csv"])
        #expect(attachments.contains(Data("%PDF-1.4".utf8).base64EncodedString()))
        let messages = try run("/usr/bin/tar", ["-xzOf", path, "relance-export/outbox_message.csv"])
        #expect(messages.contains(",Reminder for K001,\"Dear customer, please pay.\","), "bodies stored compressed are exported readable")
        #expect(messages.contains(",Second reminder for K001,\"Dear customer, please pay 12.00 now.\",\"<p>Dear customer, please pay 12.00 now.</p>\","),
                "bodies compressed with a body dictionary are exported readable")
        let events = try run("/usr/bin/tar", ["-xzOf", path, "relance-export/dunning_event.csv"])
        #expect(events.contains(#","{""step"":""first reminder"",""total"":""13145.67""}","#), "a compressed computation is exported readable")
        #expect(events.contains(",gate: held tonight,"), "a held reason stored once is exported in held_reason")
        let history = try run("/usr/bin/tar", ["-xzOf", path, "relance-export/outbox_event.csv"])
        #expect(history.contains(",gate: held tonight,"), "an event detail stored once is exported in detail")
        #expect(messages.contains("," + OutboxMessageID.header(key: "with-dictionary", domain: "demo.example") + ","),
                "a derived Message-ID is exported in message_id_header")
        #expect(throws: DataExport.Failure.self) { try DataExport.export(store: l.store, to: path, at: seedNow, actor: "test") }
        let raw = try DataExport.export(store: l.store, to: l.dir + "/raw.tar.gz", at: seedNow, actor: "test", neutralise: false)
        let rawDebtors = try run("/usr/bin/tar", ["-xzOf", raw.path, "relance-export/debtor.csv"])
        #expect(rawDebtors.contains("K003,\"=HYPERLINK("))
        #expect(try count(l.store, "data_rights_log") == 2)
    }

    func run(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
