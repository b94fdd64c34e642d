import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing
@testable import Outbox

/// The retention of sent messages' bodies: after `bodyRetentionDays`, a flush removes the text and
/// HTML bodies of messages sent before, and keeps the audit facts.
@Suite struct RetentionTests {
    @Test func aFlushRemovesTheBodiesOfMessagesSentLongAgoAndKeepsTheAuditFacts() throws {
        let db = try TestStore()
        let clock = ManualClock()
        let pickup = TestDir.make("pickup")
        defer { try? FileManager.default.removeItem(atPath: pickup) }
        let old = try db.enqueue([Fixture.reminder("old")], clock: clock)[0]
        #expect(try db.flush(PickupTransport(directory: pickup), clock: clock).sent == 1)
        let sent = try #require(try db.message(old))
        #expect(sent.textBody == Fixture.text && sent.htmlBody == Fixture.html)

        clock.advance(30 * 86_400)
        let recent = try db.enqueue([Fixture.reminder("recent", to: "an@klant.example")], clock: clock)[0]
        var options = FlushOptions()
        options.bodyRetentionDays = 20
        let report = try db.flush(PickupTransport(directory: pickup), clock: clock, options: options)
        #expect(report.sent == 1 && report.bodiesRemoved == 1)

        let pruned = try #require(try db.message(old))
        #expect(pruned.textBody == OutboxQueue.removedBody && pruned.htmlBody == nil)
        #expect(pruned.state == .sent && pruned.subject == sent.subject && pruned.messageIdHeader == sent.messageIdHeader)
        #expect(pruned.sentAt == sent.sentAt)
        #expect(try db.recipients(old).map(\.address) == ["jan.peeters@klant.example"])
        try db.store.pool.read { d in
            let row = try #require(try Row.fetchOne(d, sql: "SELECT bodies_z, bodies_removed_at FROM outbox_message WHERE id = ?",
                                                    arguments: [old.rawValue]))
            #expect((row["bodies_z"] as Data?) == nil && (row["bodies_removed_at"] as String?) != nil)
            #expect(try Int.fetchOne(d, sql: "SELECT count(*) FROM outbox_attachment WHERE message_id = ?", arguments: [old.rawValue]) == 1,
                    "attachments (invoices) are kept")
            #expect(try Int.fetchOne(d, sql: "SELECT count(*) FROM outbox_reference WHERE message_id = ?", arguments: [old.rawValue]) == 2)
        }
        let kept = try #require(try db.message(recent))
        #expect(kept.textBody == Fixture.text && kept.htmlBody == Fixture.html, "sent within the retention: kept")

        options.bodyRetentionDays = nil
        clock.advance(401 * 86_400)
        #expect(try db.flush(PickupTransport(directory: pickup), clock: clock, options: options).bodiesRemoved == 0, "nil keeps every body")
        #expect(try db.flush(PickupTransport(directory: pickup), clock: clock).bodiesRemoved == 1, "the default is 400 days")
    }

    @Test func aDamagedStoredBodyBouncesThatMessageOnlyAsUnbuildable() throws {
        let db = try TestStore()
        let clock = ManualClock()
        let pickup = TestDir.make("pickup")
        defer { try? FileManager.default.removeItem(atPath: pickup) }
        let ids = try db.enqueue([Fixture.reminder("a"), Fixture.reminder("b", to: "an@klant.example")], clock: clock)
        try db.store.pool.write { d in
            try d.execute(sql: "UPDATE outbox_message SET bodies_z = substr(bodies_z, 1, 12) WHERE id = ?", arguments: [ids[0].rawValue])
        }
        let report = try db.flush(PickupTransport(directory: pickup), clock: clock)
        #expect(report.unbuildable == 1 && report.sent == 1)
        #expect(try db.states() == ["bounced", "sent"])
    }
}
