import Foundation
import Ledger
@testable import Outbox
import RelanceTestSupport
import Store
import Testing

/// Time limits on every SMTP phase, against a real loopback server that stops answering at one
/// phase (`smtp_server.py --stall PHASE`): each costs at most about one timeout, the message on
/// the wire is deferred, the flush stops and the other messages stay due.
@Suite(.tags(.smtp), .enabled(if: SMTPServer.isAvailable, SMTPServer.skipReason))
struct SMTPTimeLimitTests {
    func stalled(at phase: String, pdfSize: Int = 2_000) throws -> (report: FlushReport, seconds: Double, states: [String],
                                                                     events: [String]) {
        let server = try SMTPServer(["--stall", phase])
        let db = try TestStore()
        let clock = ManualClock()
        _ = try db.enqueue((1...3).map { Fixture.reminder("k\($0)", pdfSize: pdfSize) }, clock: clock)
        var s = try SMTPSettings(url: server.url, tls: .none)
        s.connectTimeout = 2
        s.timeout = 2
        let started = Date()
        let report = try db.flush(try SMTPTransport(settings: s), clock: clock)
        return (report, Date().timeIntervalSince(started), try db.states(), server.events())
    }

    /// connect: no greeting; ehlo: no reply to MAIL; mail: no reply to RCPT; end: no reply to the end of data.
    @Test(arguments: ["connect", "ehlo", "mail", "end"])
    func aServerThatStallsCostsOneTimeoutAndTheRestStayDue(phase: String) throws {
        let r = try stalled(at: phase)
        #expect(r.seconds < 5, "phase \(phase): \(r.seconds) s for a 2 s limit")
        #expect(r.report.unavailable != nil, "phase \(phase): the flush stops")
        #expect(r.report.sent == 0)
        #expect(r.states == ["deferred", "queued", "queued"], "phase \(phase)")
        #expect(r.report.leftDue == 2)
    }

    @Test func aServerThatStopsReadingDuringTheDataCostsOneTimeout() throws {
        // 6 MB does not fit in the socket buffers: the client is still writing when the server stops reading.
        let r = try stalled(at: "data", pdfSize: 6_000_000)
        // Without the limit the blocked write would never return. The bound is loose on purpose: the
        // run includes building and encoding 6 MB three times, which took 10–15 s on a loaded 2-core
        // machine; that the limit fired once, not per message, is what `events` and `states` show.
        #expect(r.seconds < 30, "\(r.seconds) s for a 2 s limit (building 6 MB included)")
        #expect(r.events.filter { $0 == "stall" }.count == 1, "one stall, one timeout")
        #expect(r.report.unavailable != nil)
        #expect(r.states == ["deferred", "queued", "queued"])
        #expect(r.events.contains("stall"))
    }

    @Test func theStalledEndOfDataNamesTheLimit() throws {
        let r = try stalled(at: "end")
        let reason = try #require(r.report.unavailable)
        #expect(reason.contains("did not answer within 2 s"))
        #expect(r.events.filter { $0 == "connect" }.count == 1, "no second connection is tried after a stall")
    }

    /// A transport that takes ten (test clock) seconds per message.
    final class SlowTransport: MailTransport {
        let clock: ManualClock
        var sent = 0
        init(clock: ManualClock) { self.clock = clock }
        var name: String { "slow" }
        func send(_ message: [UInt8], envelope: Envelope, beforeEnd: () -> Bool) -> DeliveryResult {
            _ = beforeEnd()
            clock.advance(10)
            sent += 1
            return DeliveryResult(.accepted(reply: "250 ok"))
        }
        func close() {}
    }

    @Test func theWholeFlushStopsAtItsDeadlineAndLeavesTheRestDue() throws {
        let db = try TestStore()
        let clock = ManualClock()
        _ = try db.enqueue((1...6).map { Fixture.reminder("k\($0)", pdfSize: 200) }, clock: clock)
        var options = FlushOptions()
        options.deadline = 25
        let transport = SlowTransport(clock: clock)
        let report = try db.flush(transport, clock: clock, options: options)
        #expect(report.sent == 3 && transport.sent == 3, "messages started at 0, 10 and 20 s")
        #expect(report.deadlineReached)
        #expect(report.leftDue == 3)
        #expect(try db.states() == ["sent", "sent", "sent", "queued", "queued", "queued"])
    }

    @Test func authIsNeverSentInClearTextWhenTLSIsOptional() throws {
        // The server offers AUTH but no STARTTLS.
        let server = try SMTPServer(["--auth", "relance:secret"])
        let db = try TestStore()
        let clock = ManualClock()
        _ = try db.enqueue([Fixture.reminder("k1", pdfSize: 200)], clock: clock)
        var s = try SMTPSettings(url: server.url, tls: .optional)
        s.user = "relance"
        s.password = "secret"
        s.timeout = 3
        let report = try db.flush(try SMTPTransport(settings: s), clock: clock)
        #expect(report.sent == 0 && report.unavailable != nil)
        #expect(!server.events().contains { $0.hasPrefix("auth") }, "no AUTH without TLS")
    }
}
