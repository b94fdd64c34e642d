import Foundation
import Ledger
@testable import Outbox
import RelanceTestSupport
import Store
import Testing

/// The SMTP session against a real server: TLS and certificates, AUTH, timeouts, refused
/// connections. A session that cannot be set up defers the message and stops the flush.
@Suite(.tags(.smtp), .enabled(if: SMTPServer.isAvailable, SMTPServer.skipReason))
struct SMTPSessionTests {
    /// A self-signed certificate for 127.0.0.1, made with openssl for this test.
    struct Certificate {
        let dir: String
        var cert: String { dir + "/cert.pem" }
        var key: String { dir + "/key.pem" }

        init() throws {
            dir = TestDir.make("tls")
            let r = try SMTPServer.run("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem",
            ])
            guard r.status == 0 else { throw ServerError("openssl could not make a test certificate") }
        }
    }

    func queueOne(_ db: TestStore, _ clock: ManualClock, count: Int = 1) throws -> [MessageID] {
        try db.enqueue((1...count).map { Fixture.reminder("k\($0)", pdfSize: 2_000) }, clock: clock)
    }

    func transport(_ url: String, tls: SMTPSettings.TLS = .required, _ configure: (inout SMTPSettings) -> Void = { _ in }) throws
        -> SMTPTransport {
        var s = try SMTPSettings(url: url, tls: tls)
        s.connectTimeout = 3
        s.timeout = 5
        configure(&s)
        return try SMTPTransport(settings: s)
    }

    @Test func aCertificateTheClientDoesNotTrustIsRefusedAndAConfiguredCAIsAccepted() throws {
        let cert = try Certificate()
        defer { try? FileManager.default.removeItem(atPath: cert.dir) }
        let server = try SMTPServer(["--tls-cert", cert.cert, "--tls-key", cert.key])
        let db = try TestStore()
        let clock = ManualClock()
        let ids = try queueOne(db, clock, count: 2)
        let refused = try db.flush(try transport(server.url), clock: clock)
        #expect(refused.deferred == 1 && refused.sent == 0)
        let reason = try #require(refused.unavailable)
        #expect(reason.lowercased().contains("certificate"))
        #expect(try db.states() == ["deferred", "queued"], "the flush stops after the first refusal")
        #expect(try server.received().isEmpty)
        // With the certificate as the trusted CA file, STARTTLS succeeds.
        clock.advance(300)
        let trusted = try db.flush(try transport(server.url) { $0.caFile = cert.cert }, clock: clock)
        #expect(trusted.sent == 2)
        #expect(try server.waitFor(2).count == 2)
        #expect(try db.message(ids[0])?.state == .sent)
    }

    @Test func turningVerificationOffIsExplicitAndWorks() throws {
        let cert = try Certificate()
        defer { try? FileManager.default.removeItem(atPath: cert.dir) }
        let server = try SMTPServer(["--tls-cert", cert.cert, "--tls-key", cert.key])
        let db = try TestStore()
        let clock = ManualClock()
        _ = try queueOne(db, clock)
        let t = try transport(server.url) { $0.insecureSkipVerify = true }
        #expect(t.settings.description.contains("certificate verification OFF"))
        #expect(try db.flush(t, clock: clock).sent == 1)
    }

    @Test func implicitTLSOnSMTPS() throws {
        let cert = try Certificate()
        defer { try? FileManager.default.removeItem(atPath: cert.dir) }
        let server = try SMTPServer(["--tls-cert", cert.cert, "--tls-key", cert.key, "--implicit-tls"])
        let db = try TestStore()
        let clock = ManualClock()
        _ = try queueOne(db, clock)
        let report = try db.flush(try transport("smtps://127.0.0.1:\(server.port)") { $0.caFile = cert.cert }, clock: clock)
        #expect(report.sent == 1)
        #expect(try server.waitFor(1).first?.message.attachments.first?.bytes == [UInt8](Fixture.pdf(2_000)))
    }

    @Test func requiredSTARTTLSRefusesAServerThatDoesNotOfferIt() throws {
        let server = try SMTPServer()
        let db = try TestStore()
        let clock = ManualClock()
        _ = try queueOne(db, clock)
        let report = try db.flush(try transport(server.url, tls: .required), clock: clock)
        #expect(report.unavailable != nil && report.sent == 0)
        #expect(try server.received().isEmpty)
        // "optional" goes on in plain text, as asked.
        #expect(try db.flush(try transport(server.url, tls: .optional), clock: clock.advancing(300)).sent == 1)
    }

    @Test func plainTextIsRefusedForAHostThatIsNotLoopback() {
        #expect(throws: SMTPSettings.Invalid.self) { try SMTPSettings(url: "smtp://mail.voorbeeld.example:25", tls: .none) }
        #expect(throws: SMTPSettings.Invalid.self) { try SMTPSettings(url: "smtps://127.0.0.1:465", tls: .none) }
        #expect(throws: SMTPSettings.Invalid.self) { try SMTPSettings(url: "http://127.0.0.1:25") }
        #expect(throws: SMTPSettings.Invalid.self) { try SMTPSettings(url: "smtp://user:pw@127.0.0.1:25") }
        #expect((try? SMTPSettings(url: "smtp://127.0.0.2:2525", tls: .none)) != nil)
    }

    @Test func authUsesThePasswordFromAnOwnerOnlyFile() throws {
        let server = try SMTPServer(["--auth", "relance:s3cret pass"])
        let dir = TestDir.make("secret")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/password"
        _ = FileManager.default.createFile(atPath: file, contents: Data("s3cret pass\n".utf8), attributes: [.posixPermissions: 0o644])
        #expect(throws: SMTPSettings.Invalid.self) { try SMTPSettings.readPasswordFile(file) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        let password = try SMTPSettings.readPasswordFile(file)
        let db = try TestStore()
        let clock = ManualClock()
        _ = try queueOne(db, clock)
        let wrong = try db.flush(try transport(server.url, tls: .none) { $0.user = "relance"; $0.password = "wrong" }, clock: clock)
        #expect(wrong.unavailable != nil && wrong.sent == 0)
        clock.advance(300)
        let right = try db.flush(try transport(server.url, tls: .none) { $0.user = "relance"; $0.password = password }, clock: clock)
        #expect(right.sent == 1)
        #expect(server.events().contains("auth refused") && server.events().contains("auth ok"))
        #expect(!(try transport(server.url, tls: .none) { $0.password = password }).settings.description.contains(password))
    }

    @Test func aServerThatNeverAnswersTimesOutAndStopsTheFlush() throws {
        let server = try SMTPServer(["--silent"])
        let db = try TestStore()
        let clock = ManualClock()
        _ = try queueOne(db, clock, count: 3)
        let started = Date()
        let report = try db.flush(try transport(server.url, tls: .none) { $0.connectTimeout = 1; $0.timeout = 2 }, clock: clock)
        #expect(Date().timeIntervalSince(started) < 4)
        #expect(report.unavailable?.lowercased().contains("timeout") == true || report.unavailable?.contains("timed out") == true)
        #expect(try db.states() == ["deferred", "queued", "queued"])
        #expect(report.leftDue == 2)
    }

    @Test func aRefusedConnectionIsUnavailable() throws {
        // A port that was free a moment ago: nothing listens there.
        let server = try SMTPServer()
        let url = server.url
        server.stop()
        let db = try TestStore()
        let clock = ManualClock()
        _ = try queueOne(db, clock)
        let report = try db.flush(try transport(url, tls: .none), clock: clock)
        #expect(report.unavailable != nil)
        let m = try #require(try db.message(MessageID(rawValue: 1)))
        #expect(m.state == .deferred && m.lastError == report.unavailable)
    }
}

extension ManualClock {
    /// Moves the clock on and returns it.
    func advancing(_ seconds: TimeInterval) -> ManualClock {
        advance(seconds)
        return self
    }
}
