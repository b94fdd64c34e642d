import Foundation
import GRDB
import Ledger
import Outbox
import RelanceTestSupport
import Store
import Testing

/// The real `relance outbox flush` process: killed mid-batch, run twice at once.
@Suite(.tags(.slow, .smtp), .requires(.aiosmtpd, .relance))
struct FlushProcessTests {
    /// A workspace made by `relance init`, with `count` reminders queued through the store API.
    struct Setup {
        let dir: String
        let ws: String
        let env: [String: String]
        let keys: [String]

        init(count: Int, server: SMTPServer, pdfSize: Int = 20_000) throws {
            dir = TestDir.make("cli")
            ws = dir + "/ws"
            env = ["RELANCE_WORKSPACE": ws, "RELANCE_SMTP_URL": server.url, "RELANCE_SMTP_TLS": "none",
                   "RELANCE_MAIL_FROM": "boekhouding@facturatie.example"]
            let made = try RelanceBinary.run(["init", ws], env: [:], logDir: dir)
            guard made.status == 0 else { throw ServerError("relance init failed: \(made.stderr)") }
            keys = (1...count).map { "dunning:2026-11-21:D\($0):1" }
            let store = try LedgerStore(path: ws + "/relance.sqlite")
            let now = Fixture.instant("2026-11-21T08:00:00.000Z")
            try store.pool.write { db in
                for k in keys { try OutboxQueue.enqueue(db, Fixture.reminder(k, pdfSize: pdfSize), at: now) }
            }
        }

        var identity: SenderIdentity { SenderIdentity(from: Fixture.address("boekhouding@facturatie.example")) }

        func states() throws -> [String: Int] {
            let store = try LedgerStore(path: ws + "/relance.sqlite")
            return try store.pool.read { db in try OutboxInspector.counts(db) }
        }
    }

    @Test func aKilledFlushLosesNothingAndSendsAtMostTheMessageOnTheWireTwice() throws {
        let server = try SMTPServer(["--delay", "0.08"])
        let setup = try Setup(count: 30, server: server)
        defer { try? FileManager.default.removeItem(atPath: setup.dir) }
        let flush = try RelanceBinary.start(["outbox", "flush"], env: setup.env, logDir: setup.dir)
        let before = try server.waitFor(6, timeout: 15)
        try #require(before.count >= 6 && flush.isRunning, "the first flush should still be sending")
        kill(flush.processIdentifier, SIGKILL)
        let killed = RelanceBinary.finish(flush)
        #expect(killed.status == SIGKILL)
        let interrupted = try setup.states()
        #expect((interrupted["sent"] ?? 0) < 30)

        let second = try RelanceBinary.run(["outbox", "flush"], env: setup.env, logDir: setup.dir)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(try setup.states() == ["sent": 30])

        let received = try server.waitFor(30).map { $0.message.header("message-id") ?? "" }
        let expected = Set(setup.keys.map(setup.identity.messageID(forKey:)))
        #expect(Set(received) == expected, "no message lost")
        let twice = Dictionary(grouping: received, by: { $0 }).filter { $0.value.count > 1 }
        #expect(twice.count <= 1 && received.count <= 31, "at most the message on the wire is sent twice")
        if let doubled = twice.keys.first {
            #expect(second.stdout.contains("on the wire"), "the second flush names the message in doubt")
            let store = try LedgerStore(path: setup.ws + "/relance.sqlite")
            // The Message-ID derives from the key (migration 0030c): find the message by its key.
            let key = try #require(setup.keys.first { setup.identity.messageID(forKey: $0) == doubled })
            let history = try store.pool.read { db in
                try String.fetchAll(db, sql: """
                    SELECT e.detail FROM outbox_event e JOIN outbox_message m ON m.id = e.message_id
                    WHERE m.idempotency_key = ? AND e.to_state = 'deferred'
                    """, arguments: [key])
            }
            #expect(history.first?.contains("same Message-ID") == true)
        }
    }

    @Test func twoFlushesAtOnceNeverSendTheSameMessage() throws {
        let server = try SMTPServer(["--delay", "0.01"])
        let setup = try Setup(count: 40, server: server, pdfSize: 5_000)
        defer { try? FileManager.default.removeItem(atPath: setup.dir) }
        let a = try RelanceBinary.start(["outbox", "flush"], env: setup.env, logDir: setup.dir)
        let b = try RelanceBinary.start(["outbox", "flush"], env: setup.env, logDir: setup.dir)
        let ra = RelanceBinary.finish(a), rb = RelanceBinary.finish(b)
        #expect(ra.status == 0 && rb.status == 0, "\(ra.stderr) \(rb.stderr)")
        #expect(try setup.states() == ["sent": 40])
        let received = try server.waitFor(40).compactMap { $0.message.header("message-id") }
        #expect(received.count == 40 && Set(received).count == 40)
    }
}
