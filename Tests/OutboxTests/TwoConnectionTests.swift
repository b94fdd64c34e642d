import Foundation
@testable import Outbox
import RelanceTestSupport
import Store
import Testing

/// A flush over two SMTP connections (`FlushOptions.connections = 2`): one message's MAIL, RCPT and
/// DATA go out while the previous message's end of data is answered and its outcome committed, but
/// the ends of data still go out one at a time, in order, each after every earlier outcome is
/// committed — so the server completes the messages in queue order, and a flush that stops gives
/// back the message waiting on the other connection untried.
@Suite(.tags(.smtp), .enabled(if: SMTPServer.isAvailable, SMTPServer.skipReason))
struct TwoConnectionTests {
    var two: FlushOptions {
        var o = FlushOptions()
        o.connections = 2
        return o
    }

    @Test func everyMessageArrivesOnceAndTheEndsOfDataFollowTheQueueOrder() throws {
        let server = try SMTPServer()
        let db = try TestStore()
        let clock = ManualClock()
        let keys = (1...40).map { "dunning:2026-11-21:D\($0):1" }
        var options = two
        options.chunkSize = 7  // several chunks, each drained before the next lease
        _ = try db.enqueue(keys.map { Fixture.reminder($0, pdfSize: 2_000) }, clock: clock)
        let report = try db.flush(try Fixture.smtp(server), clock: clock, options: options)
        #expect(report.sent == 40 && report.unavailable == nil)
        let received = try server.waitFor(40).compactMap { $0.message.header("message-id") }
        #expect(received == keys.map(Fixture.identity.messageID(forKey:)), "completed one at a time, in queue order")
        #expect(server.events().filter { $0 == "connect" }.count == 2, "two connections for the whole flush")
        #expect(try db.states() == Array(repeating: "sent", count: 40))
    }

    @Test func refusedRecipientsAndTemporaryFailuresAreRecordedAsWithOneConnection() throws {
        let server = try SMTPServer(["--rcpt-reply", "nobody@klant.example=550 5.1.1 User unknown",
                                     "--rcpt-reply", "later@klant.example=451 4.3.0 Try again later"])
        let db = try TestStore()
        let clock = ManualClock()
        let ids = try db.enqueue([Fixture.reminder("a", to: "a@klant.example"), Fixture.reminder("b", to: "nobody@klant.example"),
                                  Fixture.reminder("c", to: "later@klant.example"), Fixture.reminder("d", to: "d@klant.example")],
                                 clock: clock)
        let report = try db.flush(try Fixture.smtp(server), clock: clock, options: two)
        #expect(report.sent == 2 && report.bounced == 1 && report.deferred == 1 && report.unavailable == nil)
        #expect(try ids.map { try db.message($0)?.state } == [.sent, .bounced, .deferred, .sent])
        #expect(try server.waitFor(2).count == 2)
    }

    /// connect: no greeting; ehlo: no reply to MAIL; mail: no reply to RCPT; end: no reply to the end of data.
    @Test(arguments: ["connect", "ehlo", "mail", "end"])
    func aStalledServerDefersOneMessageAndTheOneOnTheOtherConnectionGoesBackUntried(phase: String) throws {
        let server = try SMTPServer(["--stall", phase])
        let db = try TestStore()
        let clock = ManualClock()
        _ = try db.enqueue((1...4).map { Fixture.reminder("k\($0)", pdfSize: 2_000) }, clock: clock)
        let report = try db.flush(try Fixture.smtp(server, timeout: 2), clock: clock, options: two)
        #expect(report.unavailable != nil, "phase \(phase): the flush stops")
        #expect(report.sent == 0 && report.deferred == 1)
        #expect(try db.states() == ["deferred", "queued", "queued", "queued"], "phase \(phase)")
        let attempts = try db.store.pool.read { db in try Int.fetchAll(db, sql: "SELECT attempts FROM outbox_message ORDER BY id") }
        #expect(attempts == [1, 0, 0, 0], "phase \(phase): only the first message counts an attempt")
    }

    @Test func aRateLimitKeepsOneConnection() throws {
        let server = try SMTPServer()
        let db = try TestStore()
        let clock = ManualClock()
        _ = try db.enqueue((1...3).map { Fixture.reminder("k\($0)", pdfSize: 1_000) }, clock: clock)
        var options = two
        options.ratePerMinute = 6_000
        let report = try db.flush(try Fixture.smtp(server), clock: clock, options: options)
        #expect(report.sent == 3)
        #expect(server.events().filter { $0 == "connect" }.count == 1)
    }
}
