import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Issue 17, sixth round: a reminder's creation instant and its letter's folder, which all the
/// events of a night share, are stored once (migration 0032a); every reader gets the text the row
/// held before, rows written before keep theirs, and a rerun stores nothing. So is the instant of
/// the outbox events a run writes for many messages (migration 0032b).
@Suite struct EventStoredOnceTests {
    static let instant = "2026-11-21T22:00:00.000Z"
    static let folder = "/srv/relance/w/out/letters/2026-11-21"

    func event(_ key: String, letter: String?, createdAt: String = Self.instant) -> DunningEventRecord {
        DebtorD1.reminder(key, channels: [.email, .letter], totalMinor: 100, documentPath: letter, createdAt: createdAt)
    }

    @Test func aNightsInstantAndLetterFolderAreStoredOnceAndReadAsBefore() throws {
        let temporary = try TemporaryStore("event-stored-once")
        let letters = [Self.folder + "/D1-1-reminder-1.pdf", Self.folder + "/D1-1-reminder-2.pdf", nil, "relative.pdf", "/top.pdf"]
        try temporary.store.pool.write { db in
            try DebtorD1.insert(db)
            for (n, letter) in letters.enumerated() {
                #expect(try DunningCommands.insertEvent(db, event("e\(n)", letter: letter)) != nil)
            }
            // A rerun inserts nothing, not even its own instant.
            #expect(try DunningCommands.insertEvent(db, event("e0", letter: letters[0], createdAt: "2026-11-22T22:00:00.000Z")) == nil)
            // An event written before migration 0032a: its instant and path in the row.
            try db.execute(sql: """
                INSERT INTO dunning_event (idempotency_key, debtor_id, as_of, ladder, step, step_index, channels, language, currency,
                  balance_minor, interest_minor, fees_minor, total_minor, computation, status, created_at, document_path)
                VALUES ('old', 1, '2026-11-20', 'b2b/v1', 'reminder-1', 0, 'letter', 'nl', 'EUR', 1, 0, 0, 1, '{}', 'queued',
                  '2026-11-20T22:00:00.000Z', '/old/out/letters/2026-11-20/D1-1-reminder-1.pdf')
                """)
        }
        let expected = letters + ["/old/out/letters/2026-11-20/D1-1-reminder-1.pdf"]
        let instants = Array(repeating: Self.instant, count: letters.count) + ["2026-11-20T22:00:00.000Z"]
        try temporary.store.pool.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT at FROM dunning_event_instant") == [Self.instant])
            #expect(try String.fetchAll(db, sql: "SELECT folder FROM dunning_letter_folder ORDER BY id") == [Self.folder, ""])
            #expect(try String.fetchAll(db, sql: "SELECT quote(created_at) FROM dunning_event ORDER BY id") == ["''", "''", "''", "''", "''", "'2026-11-20T22:00:00.000Z'"])
            #expect(try String.fetchAll(db, sql: "SELECT quote(document_path) FROM dunning_event ORDER BY id")
                    == ["'D1-1-reminder-1.pdf'", "'D1-1-reminder-2.pdf'", "NULL", "'relative.pdf'", "'top.pdf'", "'/old/out/letters/2026-11-20/D1-1-reminder-1.pdf'"])
            #expect(try String?.fetchAll(db, sql: "SELECT \(DunningEventRecord.documentPathSQL()) FROM dunning_event ORDER BY id") == expected)
            #expect(try String.fetchAll(db, sql: "SELECT \(DunningEventRecord.createdAtSQL("e")) FROM dunning_event e ORDER BY id") == instants)
            // The export's rows: as if stored in the row.
            let columns = try db.columns(in: "dunning_event").map(\.name)
            let (path, created) = try (#require(columns.firstIndex(of: "document_path")), #require(columns.firstIndex(of: "created_at")))
            let exported = try Array(DataRightsCommands.tableRows(db, "dunning_event"))
            #expect(exported.map { String.fromDatabaseValue($0[path]) } == expected)
            #expect(exported.map { String.fromDatabaseValue($0[created]) } == instants)
            // The debtor's page, `debtor show` and the erasure's file list.
            #expect(try Array(ReportQueries.messagesCursor(db, id: 1)).map(\.documentPath) == letters.reversed() + [expected.last!])
            #expect(try IngestQueries.reminderMessages(db, debtorID: 1).map(\.document) == ([expected.last!] + letters).map { $0 ?? "" })
        }
        // The erasure's file list, then the erasure forgets the paths, whichever way they are stored.
        try temporary.store.pool.write { db in
            _ = try ErasureCommands.markMessages(db, debtorKey: "D1", debtorID: 1)
            #expect(try ErasureCommands.fileRefs(db, debtorID: 1, headers: false).documentPaths.sorted() == expected.compactMap { $0 }.sorted())
            _ = try ErasureCommands.scrubMarkedMessages(db, debtorID: 1)
            #expect(try String?.fetchAll(db, sql: "SELECT \(DunningEventRecord.documentPathSQL()) FROM dunning_event") == Array(repeating: nil, count: expected.count))
        }
    }

    @Test func theInstantARunsQueuedEventsShareIsStoredOnceAndReadAsBefore() throws {
        let temporary = try TemporaryStore("outbox-event-instant")
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let to = [OutboxMailbox(EmailAddress("debiteur@example.be")!, name: "Debiteur")]
        let queued = Instant.string(now)
        try temporary.store.pool.write { db in
            for key in ["k1", "k2"] {
                _ = try OutboxQueue.enqueue(db, NewOutboxMessage(idempotencyKey: key, origin: "dunning", to: to, subject: "s", textBody: "t"), at: now)
            }
            // A flush's event keeps its own instant inline; an event written before 0032b too.
            try OutboxEventRecord.append(db, message: 1, at: "2026-11-22T03:00:00.123Z", from: .queued, to: .hold, actor: .admin, detail: "x")
            try db.execute(sql: "INSERT INTO outbox_event (message_id, at, to_state, actor) VALUES (2, '2026-11-20T01:00:00.000Z', 'hold', 'admin')")
        }
        try temporary.store.pool.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT at FROM outbox_event_instant") == [queued])
            #expect(try String.fetchAll(db, sql: "SELECT quote(at) FROM outbox_event ORDER BY id")
                    == ["''", "''", "'2026-11-22T03:00:00.123Z'", "'2026-11-20T01:00:00.000Z'"])
            #expect(try OutboxQueries.events(db, message: 1).map(\.at) == [queued, "2026-11-22T03:00:00.123Z"])
            #expect(try OutboxQueries.events(db, message: 2).map(\.at) == [queued, "2026-11-20T01:00:00.000Z"])
            let at = try #require(try db.columns(in: "outbox_event").map(\.name).firstIndex(of: "at"))
            #expect(try Array(DataRightsCommands.tableRows(db, "outbox_event")).map { String.fromDatabaseValue($0[at]) }
                    == [queued, queued, "2026-11-22T03:00:00.123Z", "2026-11-20T01:00:00.000Z"])
        }
    }
}
