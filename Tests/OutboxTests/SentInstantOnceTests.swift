import Foundation
import GRDB
import Ledger
@testable import Outbox
import RelanceTestSupport
import Store
import Testing

/// Issue 17, seventh round (migration 0033a): a sent message keeps its instant once, in `sent_at`;
/// its last attempt, update, unchanged lifetime start and due instant, its `sent` event and its
/// recipients accepted in that attempt read it from there. Every reader (the record, `outbox show`'s
/// recipients and events, `outbox list`, the export, the view) gets the text the row held before,
/// and rows written before read as stored.
@Suite struct SentInstantOnceTests {
    @Test func aSentMessagesInstantIsStoredOnceAndReadAsBefore() throws {
        let db = try TestStore()
        let clock = ManualClock()
        let queuedAt = Instant.string(clock.now())
        var copied = Fixture.reminder("a")
        copied.to.append(OutboxMailbox(Fixture.address("boekhouding@klant.example"), name: nil))
        let ids = try db.enqueue([copied, Fixture.reminder("b")], clock: clock)
        // "b" was made due earlier by hand (as a release does): that instant is not `created_at` and stays.
        let due = "2026-11-21T07:00:00.000Z"
        try db.store.pool.write { d in
            try d.execute(sql: "UPDATE outbox_message SET next_attempt_at = ? WHERE id = ?", arguments: [due, ids[1].rawValue])
        }
        clock.advance(90)
        let sentAt = Instant.string(clock.now())
        let pickup = TestDir.make("pickup")
        defer { try? FileManager.default.removeItem(atPath: pickup) }
        #expect(try db.flush(PickupTransport(directory: pickup), clock: clock).sent == 2)
        try db.store.pool.read { d in
            // Stored: the instant once.
            let stored = try Row.fetchAll(d, sql: """
                SELECT quote(last_attempt_at), updated_at, lifetime_from, next_attempt_at, sent_at, created_at FROM outbox_message ORDER BY id
                """)
            #expect(stored.map { [$0[0], $0[1], $0[2], $0[3], $0[4], $0[5]] as [String] }
                    == [["NULL", "", "", "", sentAt, queuedAt], ["NULL", "", "", due, sentAt, queuedAt]])
            #expect(try String.fetchAll(d, sql: "SELECT quote(updated_at) FROM outbox_recipient ORDER BY id") == ["NULL", "NULL", "NULL"])
            #expect(try String.fetchAll(d, sql: "SELECT quote(at) || quote(at_id) FROM outbox_event WHERE to_state = 'sent' ORDER BY id")
                    == ["''NULL", "''NULL"])
            // Read: as before.
            for (id, next) in zip(ids, [queuedAt, due]) {
                let m = try #require(try OutboxQueries.message(d, id.rawValue))
                #expect([m.lastAttemptAt, m.updatedAt, m.lifetimeFrom, m.nextAttemptAt, m.sentAt, m.createdAt]
                        == [sentAt, sentAt, queuedAt, next, sentAt, queuedAt])
                let viaKey = try #require(try OutboxMessageRecord.fetchOne(d, key: id.rawValue))
                #expect([viaKey.lastAttemptAt, viaKey.updatedAt, viaKey.lifetimeFrom, viaKey.nextAttemptAt] == [sentAt, sentAt, queuedAt, next])
                #expect(try OutboxQueries.recipients(d, message: id.rawValue).map(\.updatedAt) == Array(repeating: sentAt, count: id == ids[0] ? 2 : 1))
                #expect(try OutboxQueries.events(d, message: id.rawValue).map(\.at) == [queuedAt, sentAt])
                #expect(try OutboxQueries.attemptsAndLifetime(d, message: id.rawValue)?.lifetimeFrom == queuedAt)
            }
            #expect(try OutboxQueries.list(d, state: nil, limit: 10).map(\.nextAttemptAt) == [queuedAt, due])
            let view = try Row.fetchAll(d, sql: """
                SELECT lifetime_from, next_attempt_at, last_attempt_at, sent_at, updated_at FROM outbox_message_instant ORDER BY id
                """)
            #expect(view.map { [$0[0], $0[1], $0[2], $0[3], $0[4]] as [String] }
                    == [[queuedAt, queuedAt, sentAt, sentAt, sentAt], [queuedAt, due, sentAt, sentAt, sentAt]])
            // The export's rows: as if stored in the row.
            for (table, columns, expected) in [
                ("outbox_message", ["lifetime_from", "next_attempt_at", "last_attempt_at", "updated_at"],
                 [[queuedAt, queuedAt, sentAt, sentAt], [queuedAt, due, sentAt, sentAt]]),
                ("outbox_recipient", ["updated_at"], [[sentAt], [sentAt], [sentAt]]),
            ] {
                let names = try d.columns(in: table).map(\.name)
                let exported = try Array(DataRightsCommands.tableRows(d, table))
                #expect(exported.map { row in columns.map { String.fromDatabaseValue(row[names.firstIndex(of: $0)!]) ?? "-" } } == expected)
            }
            let names = try d.columns(in: "outbox_event").map(\.name)
            #expect(try Array(DataRightsCommands.tableRows(d, "outbox_event")).map { String.fromDatabaseValue($0[names.firstIndex(of: "at")!]) }
                    == [queuedAt, queuedAt, sentAt, sentAt])
        }
    }

    @Test func aMessageSentBeforeTheMigrationReadsAsStored() throws {
        let db = try TestStore()
        let clock = ManualClock()
        let id = try db.enqueue([Fixture.reminder("old")], clock: clock)[0].rawValue
        let (queued, tried, sent, updated) = ("2026-11-20T08:00:00.000Z", "2026-11-20T08:01:00.000Z", "2026-11-20T08:01:01.000Z",
                                              "2026-11-20T08:02:00.000Z")
        try db.store.pool.write { d in
            try d.execute(sql: """
                UPDATE outbox_message SET state = 'sent', attempts = 1, created_at = ?1, lifetime_from = ?1, next_attempt_at = ?1,
                  last_attempt_at = ?2, sent_at = ?3, updated_at = ?4 WHERE id = ?5
                """, arguments: [queued, tried, sent, updated, id])
            try d.execute(sql: "UPDATE outbox_recipient SET status = 'sent', updated_at = ?", arguments: [tried])
            try d.execute(sql: "INSERT INTO outbox_event (message_id, at, to_state, actor) VALUES (?, ?, 'sent', 'flush')", arguments: [id, tried])
        }
        try db.store.pool.read { d in
            let m = try #require(try OutboxQueries.message(d, id))
            #expect([m.lastAttemptAt, m.updatedAt, m.lifetimeFrom, m.nextAttemptAt, m.sentAt] == [tried, updated, queued, queued, sent])
            #expect(try OutboxQueries.recipients(d, message: id).map(\.updatedAt) == [tried])
            #expect(try OutboxQueries.events(d, message: id).last?.at == tried)
            let view = try #require(try Row.fetchOne(d, sql: "SELECT last_attempt_at, updated_at, lifetime_from FROM outbox_message_instant"))
            #expect([view[0], view[1], view[2]] as [String] == [tried, updated, queued])
        }
    }

    @Test func aMessageNotSentKeepsItsInstants() throws {
        let db = try TestStore()
        let clock = ManualClock()
        let id = try db.enqueue([Fixture.reminder("d")], clock: clock)[0].rawValue
        let t = Instant.string(clock.now())
        try db.store.pool.read { d in
            #expect(try Row.fetchOne(d, sql: "SELECT created_at, lifetime_from, next_attempt_at, updated_at FROM outbox_message")
                    .map { [$0[0], $0[1], $0[2], $0[3]] as [String] } == [t, t, t, t])
            let m = try #require(try OutboxQueries.message(d, id))
            #expect(m.lastAttemptAt == nil && m.sentAt == nil && m.updatedAt == t)
        }
    }
}
