import Foundation
import GRDB
import Ledger
import Outbox
import RelanceTestSupport
import Store
import Testing

/// A clock the test moves by hand; `sleep(until:)` moves it instead of waiting.
final class ManualClock: OutboxClock, @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date
    private var slept: [TimeInterval] = []

    init(_ iso: String = "2026-11-21T08:00:00.000Z") {
        instant = Fixture.instant(iso)
    }

    func now() -> Date { lock.withLock { instant } }

    func sleep(until target: Date) {
        lock.withLock {
            if target > instant {
                slept.append(target.timeIntervalSince(instant))
                instant = target
            }
        }
    }

    func advance(_ seconds: TimeInterval) { lock.withLock { instant = instant.addingTimeInterval(seconds) } }

    func set(_ date: Date) { lock.withLock { instant = date } }

    var sleeps: [TimeInterval] { lock.withLock { slept } }
}

/// A temporary database with the outbox schema, removed at the end of the test.
final class TestStore {
    private let temporary: TemporaryStore
    var dir: String { temporary.dir }
    var store: LedgerStore { temporary.store }

    init() throws { temporary = try TemporaryStore("outbox-db") }

    /// Queues messages at the clock's time; returns their ids.
    @discardableResult
    func enqueue(_ messages: [NewOutboxMessage], clock: ManualClock) throws -> [MessageID] {
        try store.pool.write { db in try messages.map { try OutboxQueue.enqueue(db, $0, at: clock.now()) } }
    }

    func message(_ id: MessageID) throws -> OutboxMessageRecord? {
        try store.pool.read { db in try OutboxMessageRecord.fetchOne(db, key: id.rawValue) }
    }

    func recipients(_ id: MessageID) throws -> [OutboxRecipientRecord] {
        try store.pool.read { db in
            try OutboxRecipientRecord.fetchAll(db, sql: "SELECT * FROM outbox_recipient WHERE message_id = ? ORDER BY position",
                                               arguments: [id.rawValue])
        }
    }

    func states() throws -> [String] {
        try store.pool.read { db in try String.fetchAll(db, sql: "SELECT state FROM outbox_message ORDER BY id") }
    }

    /// Flushes with `transport` and the test clock.
    func flush(_ transport: any MailTransport, clock: ManualClock, identity: SenderIdentity = Fixture.identity,
               policy: RetryPolicy = RetryPolicy(), options: FlushOptions = FlushOptions(),
               owner: LeaseOwner = .current()) throws -> FlushReport {
        try Flusher(store: store, transport: transport, identity: identity, policy: policy, clock: clock, owner: owner).run(options)
    }

    /// The `.eml` a message is (or would be) sent as.
    func export(_ id: MessageID, identity: SenderIdentity = Fixture.identity) throws -> [UInt8] {
        guard case .success(let bytes)? = try store.pool.read({ db in try OutboxInspector.export(db, id, identity: identity) }) else {
            throw ServerError("message \(id) cannot be exported")
        }
        return bytes
    }
}

/// Sample data that needs the Outbox target (the rest of `Fixture` is in RelanceTestSupport).
extension Fixture {
    /// The sender of the test messages.
    static let identity = SenderIdentity(
        from: address("boekhouding@facturatie.example"), fromName: "Facturatie Łódź & Zonen BV",
        replyTo: address("debiteuren@facturatie.example"))

    /// Plain SMTP to the loopback test server.
    static func smtp(_ server: SMTPServer, tls: SMTPSettings.TLS = .none, timeout: Double = 5) throws -> SMTPTransport {
        var s = try SMTPSettings(url: server.url, tls: tls)
        s.connectTimeout = timeout
        s.timeout = timeout
        return try SMTPTransport(settings: s)
    }
}
