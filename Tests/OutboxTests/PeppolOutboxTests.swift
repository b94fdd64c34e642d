import Foundation
import GRDB
import Outbox
import RelanceTestSupport
import Store
import Testing

/// A fake Peppol access point on 127.0.0.1 (`Servers/peppol_ap.py`, Python's standard library);
/// started per test, always stopped, every wait bounded.
final class PeppolAccessPoint: @unchecked Sendable {
    let dir: String
    let port: Int
    private let process: Process

    /// Starts a server answering each POST with the next of `answers` (the last repeats).
    init(_ answers: [String]) throws {
        dir = TestDir.make("peppol-ap")
        let portFile = dir + "/port"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: SMTPServer.python)
        p.arguments = [SMTPServer.scripts + "/peppol_ap.py", "--port-file", portFile, "--log", dir + "/requests.jsonl",
                       "--max-seconds", "60"] + answers
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(30)  // as `SMTPServer`: python3 starts slowly on loaded cores
        var found: Int?
        while Date() < deadline {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let n = Int(text) { found = n; break }
            if !p.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        guard let found else {
            p.terminate()
            throw ServerError("the test access point did not start")
        }
        port = found
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var url: String { "http://127.0.0.1:\(port)/api/v1/documents" }

    /// The requests received, in order, as decoded JSON objects.
    func requests() throws -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: dir + "/requests.jsonl", encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:]
        }
    }
}

/// The Peppol outbox: pickup folder, HTTP access point (accepted, rejected with a reason, 5xx then
/// retry, timeout, unavailable), backoff and lifetime, and the operator verbs.
@Suite(.requires(.python3))
struct PeppolOutboxTests {
    /// A store with `count` queued documents whose UBL files exist under the store's folder.
    static func queued(_ count: Int = 1, clock: ManualClock) throws -> TestStore {
        let s = try TestStore()
        try FileManager.default.createDirectory(atPath: s.dir + "/out/invoices/2027-01", withIntermediateDirectories: true)
        try s.store.pool.write { db in
            for i in 1...count {
                let number = "F2027-00000\(i)"
                let path = "out/invoices/2027-01/\(number).xml"
                try Data("<Invoice>\(number)</Invoice>\n".utf8).write(to: URL(fileURLWithPath: s.dir + "/" + path))
                try PeppolQueue.enqueue(db, NewPeppolDocument(idempotencyKey: "billing:peppol:\(number)", invoiceNumber: number,
                                                              isCreditNote: false, period: "2027-01", receiver: "0208:0403019261",
                                                              path: path), at: clock.now())
            }
        }
        return s
    }

    static func flush(_ s: TestStore, _ t: any PeppolTransport, _ clock: ManualClock, limit: Int? = nil) throws -> PeppolFlushSummary {
        var o = PeppolFlushOptions(root: s.dir)
        o.limit = limit
        return try PeppolFlusher(store: s.store, transport: t, clock: clock, options: o).flush()
    }

    static func http(_ ap: PeppolAccessPoint, timeout: Double = 5) -> PeppolHTTPTransport {
        PeppolHTTPTransport(settings: PeppolHTTPSettings(url: ap.url, token: "s3cret-token", connectTimeout: 2, timeout: timeout))
    }

    static func state(_ s: TestStore, _ number: String = "F2027-000001") throws -> Row? {
        try s.store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT state, attempts, reply, last_error, bounce_reason, next_attempt_at FROM peppol_document WHERE invoice_number = ?",
                             arguments: [number])
        }
    }

    @Test func thePickupFolderGetsOneFilePerDocumentByPeriodAndNumber() throws {
        let clock = ManualClock()
        let s = try Self.queued(2, clock: clock)
        let t = PeppolPickupTransport(directory: s.dir + "/out/peppol")
        let r = try Self.flush(s, t, clock)
        #expect(r.attempted == 2 && r.sent == 2)
        let text = try String(contentsOfFile: s.dir + "/out/peppol/2027-01/F2027-000001.xml", encoding: .utf8)
        #expect(text == "<Invoice>F2027-000001</Invoice>\n")
        #expect(try Self.state(s)?[2] as String? == "pickup: 2027-01/F2027-000001.xml")
        #expect(try Self.flush(s, t, clock).attempted == 0, "a second flush sends nothing again")
    }

    @Test func anAcceptedDocumentRecordsTheAccessPointsAnswer() throws {
        let ap = try PeppolAccessPoint(["202"])
        let clock = ManualClock()
        let s = try Self.queued(clock: clock)
        let r = try Self.flush(s, Self.http(ap), clock)
        #expect(r.sent == 1)
        let row = try #require(try Self.state(s))
        #expect(row[0] as String == "sent" && row[1] as Int == 1)
        #expect(row[2] as String == #"HTTP 202: {"id": "ap-1", "status": "accepted"}"#)
        let req = try #require(try ap.requests().first)
        let headers = req["headers"] as? [String: String] ?? [:]
        #expect(req["path"] as? String == "/api/v1/documents")
        #expect(headers["authorization"] == "Bearer s3cret-token" && headers["content-type"] == "application/xml")
        #expect(headers["x-peppol-receiver"] == "0208:0403019261" && headers["x-peppol-document-type"] == "invoice")
        #expect(headers["idempotency-key"] == "billing:peppol:F2027-000001")
        let body = Data("<Invoice>F2027-000001</Invoice>\n".utf8)
        #expect(req["sha256"] as? String == SHA256.hex([UInt8](body)))
    }

    @Test func aRejectionBouncesWithTheAccessPointsReason() throws {
        let ap = try PeppolAccessPoint(["422:[PEPPOL-EN16931-R010] Buyer electronic address MUST be provided"])
        let clock = ManualClock()
        let s = try Self.queued(clock: clock)
        let r = try Self.flush(s, Self.http(ap), clock)
        #expect(r.bounced == 1 && r.stoppedBy == nil)
        let row = try #require(try Self.state(s))
        #expect(row[0] as String == "bounced")
        #expect(row[4] as String == "HTTP 422: [PEPPOL-EN16931-R010] Buyer electronic address MUST be provided")
        #expect(try PeppolAdmin.list(store: s.store, state: .bounced).map(\.invoiceNumber) == ["F2027-000001"])
    }

    @Test func a5xxIsDeferredWithBackoffThenSentOnTheRetry() throws {
        let ap = try PeppolAccessPoint(["503", "202"])
        let clock = ManualClock()
        let s = try Self.queued(clock: clock)
        let first = try Self.flush(s, Self.http(ap), clock)
        #expect(first.deferred == 1 && first.sent == 0)
        var row = try #require(try Self.state(s))
        #expect(row[0] as String == "deferred" && row[3] as String == "HTTP 503: temporarily unavailable")
        #expect(row[5] as String == "2026-11-21T08:05:00.000Z", "the first backoff is the minimum, 5 minutes")
        #expect(try Self.flush(s, Self.http(ap), clock).attempted == 0, "not due before its next attempt")
        clock.advance(300)
        let second = try Self.flush(s, Self.http(ap), clock)
        #expect(second.sent == 1)
        row = try #require(try Self.state(s))
        #expect(row[0] as String == "sent" && row[1] as Int == 2)
        #expect(try ap.requests().count == 2)
    }

    @Test func aTimeoutIsDeferredAndAnUnreachableAccessPointStopsTheFlush() throws {
        let ap = try PeppolAccessPoint(["sleep:4"])
        let clock = ManualClock()
        let s = try Self.queued(2, clock: clock)
        let started = Date()
        let r = try Self.flush(s, Self.http(ap, timeout: 1), clock, limit: 1)
        #expect(Date().timeIntervalSince(started) < 4, "the request timeout bounds the attempt")
        #expect(r.deferred == 1)
        #expect((try Self.state(s)?[3] as String?)?.hasPrefix("timeout") == true)
        // Nothing listens any more: the flush defers the document it tried and stops.
        let url = ap.url
        ap.stop()
        let down = PeppolHTTPTransport(settings: PeppolHTTPSettings(url: url, token: "t", connectTimeout: 2, timeout: 2))
        let again = try Self.flush(s, down, clock)
        #expect(again.attempted == 1 && again.deferred == 1 && again.stoppedBy != nil)
        #expect(try Self.state(s, "F2027-000002")?[0] as String? == "deferred")
    }

    @Test func aDocumentFailingPastItsLifetimeBounces() throws {
        let ap = try PeppolAccessPoint(["503"])
        let clock = ManualClock()
        let s = try Self.queued(clock: clock)
        var o = PeppolFlushOptions(root: s.dir)
        o.policy = RetryPolicy(backoffMin: 60, backoffMax: 120, maxLifetime: 200)
        var states: [String] = []
        for _ in 0..<5 {
            _ = try PeppolFlusher(store: s.store, transport: Self.http(ap), clock: clock, options: o).flush()
            states.append(try Self.state(s)?[0] as String? ?? "")
            clock.advance(120)
        }
        #expect(states == ["deferred", "deferred", "bounced", "bounced", "bounced"])
        #expect((try Self.state(s)?[4] as String?)?.hasPrefix("expired after 3 attempt(s): HTTP 503") == true)
    }

    @Test func holdReleaseAndRequeue() throws {
        let clock = ManualClock()
        let s = try Self.queued(2, clock: clock)
        #expect(try PeppolAdmin.hold(store: s.store, ["F2027-000001"], now: clock.now()) == 1)
        let t = PeppolPickupTransport(directory: s.dir + "/out/peppol")
        #expect(try Self.flush(s, t, clock).sent == 1, "the held document waits")
        #expect(try Self.state(s)?[0] as String? == "hold")
        #expect(try PeppolAdmin.release(store: s.store, ["F2027-000001"], now: clock.now()) == 1)
        #expect(try Self.flush(s, t, clock).sent == 1)
        // A bounced document goes back to the queue with a new lifetime.
        let ap = try PeppolAccessPoint(["422:bad", "202"])
        let s2 = try Self.queued(clock: clock)
        _ = try Self.flush(s2, Self.http(ap), clock)
        #expect(try PeppolAdmin.requeue(store: s2.store, ["F2027-000001"], now: clock.now()) == 1)
        #expect(try Self.flush(s2, Self.http(ap), clock).sent == 1)
        #expect(throws: PeppolAdmin.Problem.self) { try PeppolAdmin.hold(store: s2.store, ["F9999"], now: clock.now()) }
        let events = try s2.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT COALESCE(from_state, '-') || '>' || to_state || ' ' || actor FROM peppol_event ORDER BY id")
        }
        #expect(events == ["->queued billing", "queued>active flush", "active>bounced flush", "bounced>queued operator",
                           "queued>active flush", "active>sent flush"])
    }

    @Test func theTokenComesFromTheEnvironmentOrAnOwnerOnlyFile() throws {
        let dir = TestDir.make("token")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try PeppolHTTPSettings.token(env: "T", file: nil, environment: ["T": " abc \n"]) == "abc")
        let file = dir + "/token"
        try Data("from-file\n".utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o644)
        #expect(throws: PeppolHTTPSettings.TokenProblem.self) { try PeppolHTTPSettings.token(env: "T", file: file, environment: [:]) }
        chmod(file, 0o600)
        #expect(try PeppolHTTPSettings.token(env: "T", file: file, environment: [:]) == "from-file")
        #expect(throws: PeppolHTTPSettings.TokenProblem.self) { try PeppolHTTPSettings.token(env: "T", file: nil, environment: [:]) }
    }
}
