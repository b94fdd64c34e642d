import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Issue 17, fourth round: a gate night's held reason stored once (migrations 0030a, 0030b) and
/// the `Message-ID` derived from the key and a stored domain (0030c); readers get the same text as
/// when it was stored in every row, and rows written before keep theirs.
@Suite struct StoredOnceTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let to = [OutboxMailbox(EmailAddress("debiteur@example.be")!, name: "Debiteur")]
    static let reason = "anomaly: 3 reminders tonight against a usual 1 (more than 3.0×); once checked, release them with `relance dunning release 2026-11-21`"

    /// Three queued reminders of 2026-11-21, each with an e-mail, and one event held before 0030a.
    func seed(_ store: LedgerStore) throws {
        try store.pool.write { db in
            let debtor = try DebtorD1.insert(db)
            for n in 1...3 {
                let message = try OutboxQueue.enqueue(db, NewOutboxMessage(idempotencyKey: "k\(n)", origin: "dunning", to: to, subject: "s",
                                                                          textBody: "t", htmlBody: nil), at: now)
                let event = try #require(try DunningCommands.insertEvent(db, DebtorD1.reminder("e\(n)", debtorID: debtor, totalMinor: 100)))
                try DunningCommands.linkMessage(db, event: event, message: message)
            }
            // An event held before migration 0030a: its reason in the row.
            try db.execute(sql: """
                INSERT INTO dunning_event (idempotency_key, debtor_id, as_of, ladder, step, step_index, channels, language, currency,
                  balance_minor, interest_minor, fees_minor, total_minor, computation, status, created_at, held_reason)
                VALUES ('old', ?, '2026-11-20', 'b2b/v1', 'reminder-1', 0, 'email', 'nl', 'EUR', 1, 0, 0, 1, '{}', 'held', 't', 'old reason')
                """, arguments: [debtor])
        }
    }

    @Test func aHeldNightsReasonIsStoredOnceAndReadAsBefore() throws {
        let temporary = try TemporaryStore("held-once")
        let store = temporary.store
        try seed(store)
        try store.pool.write { db in
            let held = try DunningHolds.hold(db, day: Day(iso: "2026-11-21")!, reason: Self.reason, at: now)
            #expect(held == 3)
        }
        try store.pool.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_held_reason") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_event_detail") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dunning_event WHERE held_reason IS NOT NULL") == 1, "only the old row")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_event WHERE detail IS NOT NULL") == 0)
            let days = try DunningHolds.heldDays(db)
            #expect(days.map(\.day) == ["2026-11-20", "2026-11-21"])
            #expect(days.map(\.reason) == ["old reason", Self.reason])
            #expect(try ReportQueries.heldDays(db, onOrBefore: Day(iso: "2026-11-21")!).count == 2)
            let lines = try Array(ReportQueries.messagesCursor(db, id: 1))
            #expect(lines.map(\.heldReason) == [Self.reason, Self.reason, Self.reason, "old reason"])
            let events = try OutboxQueries.events(db, message: 1)
            #expect(events.map(\.detail) == [nil, Self.reason])
            #expect(events.last?.toState == .hold)
        }
        // Released and held again with another reason: the rows name the new one.
        try store.pool.write { db in
            try DunningHolds.release(db, day: Day(iso: "2026-11-21")!, by: "tester", at: now)
            try DunningHolds.hold(db, day: Day(iso: "2026-11-21")!, reason: "again", at: now)
            try DunningHolds.release(db, day: Day(iso: "2026-11-21")!, by: "tester", at: now)
        }
        try store.pool.read { db in
            let details = try OutboxQueries.events(db, message: 2).map(\.detail)
            #expect(details == [nil, Self.reason, "released by tester", "again", "released by tester"])
            let texts = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_event_detail")
            #expect(texts == 3)
            let reasons = try Array(ReportQueries.messagesCursor(db, id: 1)).map(\.heldReason)
            #expect(reasons == ["again", "again", "again", "old reason"])
        }
    }

    @Test func theMessageIDIsDerivedFromTheKeyAndTheStoredDomain() throws {
        let temporary = try TemporaryStore("message-id")
        let store = temporary.store
        try seed(store)
        try store.pool.write { db in
            // A message leased before migration 0030c: its header stored whole.
            try db.execute(sql: "UPDATE outbox_message SET message_id_header = '<old@x.example>' WHERE id = 3")
            try OutboxCommands.lease(db, ids: [1, 2, 3], owner: "me", until: "u", at: "t", domain: "demo.example", cc: [], bcc: [])
            // A later lease from another domain changes nothing fixed.
            try OutboxCommands.lease(db, ids: [1], owner: "me", until: "u", at: "t", domain: "other.example", cc: [], bcc: [])
        }
        try store.pool.read { db in
            #expect(try String.fetchAll(db, sql: "SELECT domain FROM outbox_message_id_domain ORDER BY id") == ["demo.example", "other.example"])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox_message WHERE message_id_header IS NOT NULL") == 1)
            let headers = try (1...3).map { try OutboxQueries.message(db, Int64($0))?.messageIdHeader }
            #expect(headers == [OutboxMessageID.header(key: "k1", domain: "demo.example"),
                                OutboxMessageID.header(key: "k2", domain: "demo.example"), "<old@x.example>"])
            // What `SenderIdentity.messageID(forKey:)` wrote into the column before 0030c.
            #expect(headers[0] == "<relance." + SHA256.hex(Array("k1".utf8)).prefix(32) + "@demo.example>")
        }
    }
}
