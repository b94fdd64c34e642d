import Foundation
import GRDB
import Ledger
@testable import Outbox
import RelanceTestSupport
import Store
import Testing

/// Delivery to a real SMTP server on loopback: what arrives, and what each reply class does.
@Suite(.tags(.smtp), .enabled(if: SMTPServer.isAvailable, SMTPServer.skipReason))
struct SMTPDeliveryTests {
    @Test func aReminderArrivesIntactOverOneConnection() throws {
        let server = try SMTPServer()
        let db = try TestStore()
        let clock = ManualClock()
        var first = Fixture.reminder("dunning:2026-11-21:D042:2", name: "Jan Peeters-Ó Súilleabháin")
        first.cc = [OutboxMailbox(Fixture.address("boekhouding@klant.example"), name: "Boekhouding")]
        let ids = try db.enqueue([first, Fixture.reminder("b", to: "b@klant.example"), Fixture.reminder("c", to: "c@klant.example")],
                                 clock: clock)
        var identity = Fixture.identity
        identity.cc = [Fixture.address("kopie@facturatie.example")]
        identity.bcc = [Fixture.address("archief@facturatie.example")]
        let report = try db.flush(try Fixture.smtp(server), clock: clock, identity: identity)
        #expect(report.sent == 3 && report.unavailable == nil)
        let got = try server.waitFor(3)
        try #require(got.count == 3)
        let mail = got[0].message
        #expect(got[0].mail_from == "boekhouding@facturatie.example")
        #expect(got[0].rcpt_tos == ["jan.peeters@klant.example", "boekhouding@klant.example", "kopie@facturatie.example",
                                    "archief@facturatie.example"])
        #expect(mail.header("from") == "Facturatie Łódź & Zonen BV <boekhouding@facturatie.example>")
        #expect(mail.header("reply-to") == "debiteuren@facturatie.example")
        #expect(mail.header("to") == "Jan Peeters-Ó Súilleabháin <jan.peeters@klant.example>")
        #expect(mail.header("cc") == "Boekhouding <boekhouding@klant.example>, kopie@facturatie.example")
        #expect(mail.headers["bcc"] == nil)
        #expect(mail.header("subject") == "Herinnering: factuur F-2026-001 staat open")
        #expect(mail.header("message-id") == identity.messageID(forKey: "dunning:2026-11-21:D042:2"))
        #expect(mail.header("date") == "Sat, 21 Nov 2026 08:00:00 +0000")
        #expect(Fixture.lf(mail.text) == Fixture.text && Fixture.lf(mail.html) == Fixture.html)
        #expect(mail.attachments.count == 1 && mail.attachments[0].bytes == [UInt8](Fixture.pdf(30_000)))
        #expect(mail.defects.isEmpty)
        // Byte for byte what `outbox export` gives, and recorded as sent with the server's reply.
        #expect(got[0].raw == (try db.export(ids[0], identity: identity)))
        let m = try #require(try db.message(ids[0]))
        #expect(m.state == .sent && m.serverReply == "250 2.0.0 OK: queued as 1" && m.attempts == 1)
        #expect(try db.recipients(ids[0]).map(\.status) == [.sent, .sent, .sent, .sent])
        #expect(server.events().filter { $0 == "connect" }.count == 1, "one connection for the whole flush")
    }

    @Test(arguments: [
        ("--mail-reply", "451 4.3.0 Mail server temporarily rejected message"),
        ("--rcpt-reply", "jan.peeters@klant.example=450 4.2.1 Mailbox busy"),
        ("--data-reply", "452 4.3.1 Insufficient system storage"),
        ("--end-reply", "421 4.7.0 Try again later"),
    ])
    func aTemporaryFailureDefersWithTheServersText(_ flag: String, _ value: String) throws {
        let server = try SMTPServer([flag, value])
        let db = try TestStore()
        let clock = ManualClock()
        let id = try db.enqueue([Fixture.reminder("a")], clock: clock)[0]
        let report = try db.flush(try Fixture.smtp(server), clock: clock)
        #expect(report.deferred == 1)
        let m = try #require(try db.message(id))
        let reply = value.split(separator: "=").last.map(String.init) ?? value
        #expect(m.state == .deferred && m.attempts == 1)
        #expect(m.lastError == reply)
        #expect(m.nextAttemptAt == Instant.string(clock.now().addingTimeInterval(300)))
        #expect(m.messageIdHeader != nil)
        #expect(try server.received().isEmpty)
    }

    @Test(arguments: [
        ("--mail-reply", "553 5.7.1 Sender address rejected: not owned by user"),
        ("--rcpt-reply", "jan.peeters@klant.example=550 5.1.1 User unknown"),
        ("--data-reply", "554 5.3.4 Message too big for system"),
        ("--end-reply", "554 5.7.1 Message rejected as spam"),
    ])
    func aPermanentFailureBouncesWithTheServersText(_ flag: String, _ value: String) throws {
        let server = try SMTPServer([flag, value])
        let db = try TestStore()
        let clock = ManualClock()
        let id = try db.enqueue([Fixture.reminder("a")], clock: clock)[0]
        let report = try db.flush(try Fixture.smtp(server), clock: clock)
        #expect(report.bounced == 1)
        let m = try #require(try db.message(id))
        let reply = value.split(separator: "=").last.map(String.init) ?? value
        #expect(m.state == .bounced && m.bounceKind == .remote && m.bounceReason == reply)
        #expect(try db.recipients(id).map(\.status) == [.bounced])
    }

    /// libcurl sends no RSET after a failed transaction: the next message must not inherit it
    /// (the server would answer its MAIL with "503 nested MAIL command" and a good message bounce).
    @Test func aFailedTransactionDoesNotSpoilTheNextMessage() throws {
        let server = try SMTPServer(["--end-raise-count", "1"])
        let db = try TestStore()
        let clock = ManualClock()
        let ids = try db.enqueue([Fixture.reminder("a"), Fixture.reminder("b")], clock: clock)
        let report = try db.flush(try Fixture.smtp(server), clock: clock)
        let second = try db.message(ids[1])
        #expect(report.sent == 1, "\(second?.bounceReason ?? second?.lastError ?? "")")
        #expect(try db.message(ids[0])?.state != .sent && db.message(ids[1])?.state == .sent)
        #expect(try server.waitFor(1).count == 1)
    }

    @Test func aRefusedRecipientIsRecordedAloneAndATemporaryOneIsRetriedAlone() throws {
        let server = try SMTPServer(["--rcpt-reply", "weg@klant.example=550 5.1.1 User unknown",
                                     "--rcpt-reply", "vol@klant.example=452 4.2.2 Mailbox full"])
        let db = try TestStore()
        let clock = ManualClock()
        var m = Fixture.reminder("a")
        m.cc = [OutboxMailbox(Fixture.address("weg@klant.example")), OutboxMailbox(Fixture.address("vol@klant.example"))]
        let id = try db.enqueue([m], clock: clock)[0]
        _ = try db.flush(try Fixture.smtp(server), clock: clock)
        let got = try server.waitFor(1)
        #expect(got.map(\.rcpt_tos) == [["jan.peeters@klant.example"]])
        #expect(try db.recipients(id).map { "\($0.status) \($0.reply ?? "")" }
            == ["sent 250 OK", "bounced 550 5.1.1 User unknown", "deferred 452 4.2.2 Mailbox full"])
        #expect(try db.message(id)?.state == .deferred)
        server.stop()
        // The next attempt goes to the deferred recipient only, with the same Message-ID.
        let fixed = try SMTPServer()
        clock.advance(300)
        let report = try db.flush(try Fixture.smtp(fixed), clock: clock)
        #expect(report.sent == 1)
        let again = try fixed.waitFor(1)
        #expect(again.map(\.rcpt_tos) == [["vol@klant.example"]])
        #expect(again.first?.message.header("message-id") == got.first?.message.header("message-id"))
        #expect(try db.recipients(id).map(\.status) == [.sent, .bounced, .sent])
    }

    @Test func aConnectionDroppedDuringDataDefersAndTheFlushGoesOn() throws {
        let server = try SMTPServer(["--drop-in-data"])
        let db = try TestStore()
        let clock = ManualClock()
        let ids = try db.enqueue([Fixture.reminder("a"), Fixture.reminder("b")], clock: clock)
        let report = try db.flush(try Fixture.smtp(server), clock: clock)
        #expect(report.deferred == 2 && report.unavailable == nil)
        #expect(try db.message(ids[0])?.lastError?.contains("during DATA") == true)
        #expect(server.events().filter { $0 == "drop" }.count == 2)
    }

    @Test func aDeferredMessageIsRetriedOnTheBackoffScheduleAndBouncesAtTheEndOfItsLifetime() throws {
        let server = try SMTPServer(["--end-reply", "451 4.3.0 Try later"])
        let db = try TestStore()
        let clock = ManualClock()
        let start = clock.now()
        let policy = RetryPolicy(backoffMin: 300, backoffMax: 3600, maxLifetime: 3 * 3600)
        let id = try db.enqueue([Fixture.reminder("a")], clock: clock)[0]
        let transport = try Fixture.smtp(server)
        var attempts: [String] = []
        for _ in 0..<12 {
            let r = try db.flush(transport, clock: clock, policy: policy)
            let m = try #require(try db.message(id))
            attempts.append("\(Int(clock.now().timeIntervalSince(start)) / 60):\(m.state)")
            if m.state != .deferred { break }
            let next = Fixture.instant(m.nextAttemptAt)
            // One second before the next attempt nothing is due.
            clock.set(next.addingTimeInterval(-1))
            #expect(try db.flush(transport, clock: clock, policy: policy).deferred == 0)
            clock.set(next)
            _ = r
        }
        // 5, 10, 20, 40, 60, 60 minutes apart; the last try lands exactly at the 3-hour expiry.
        #expect(attempts == ["0:deferred", "5:deferred", "15:deferred", "35:deferred", "75:deferred", "135:deferred",
                             "180:bounced"])
        let m = try #require(try db.message(id))
        #expect(m.bounceKind == .expired)
        #expect(m.bounceReason == "still undeliverable after 3 hours in the queue: 451 4.3.0 Try later")
    }

    @Test func theRateLimitSpacesMessagesEvenly() throws {
        let server = try SMTPServer()
        let db = try TestStore()
        let clock = ManualClock()
        try db.enqueue((1...4).map { Fixture.reminder("k\($0)", pdfSize: 100) }, clock: clock)
        var options = FlushOptions()
        options.ratePerMinute = 30
        let report = try db.flush(try Fixture.smtp(server), clock: clock, options: options)
        #expect(report.sent == 4)
        #expect(clock.sleeps == [2, 2, 2])
    }

    @Test func aLimitLeavesTheRestForTheNextFlush() throws {
        let server = try SMTPServer()
        let db = try TestStore()
        let clock = ManualClock()
        try db.enqueue((1...5).map { Fixture.reminder("k\($0)", pdfSize: 100) }, clock: clock)
        let report = try db.flush(try Fixture.smtp(server), clock: clock, options: FlushOptions(limit: 3))
        #expect(report.sent == 3 && report.leftDue == 2)
        #expect(try db.states() == ["sent", "sent", "sent", "queued", "queued"])
    }
}
