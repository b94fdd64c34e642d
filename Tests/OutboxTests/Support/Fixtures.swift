import Foundation
import GRDB
import Ledger
import Outbox
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
    let dir: String
    let store: LedgerStore

    init() throws {
        dir = TestDir.make("db")
        store = try LedgerStore(path: dir + "/relance.sqlite")
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

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

/// Sample data.
enum Fixture {
    static func address(_ s: String) -> EmailAddress {
        guard let a = EmailAddress(s) else { preconditionFailure("bad fixture address \(s)") }
        return a
    }

    static let identity = SenderIdentity(
        from: address("boekhouding@facturatie.example"), fromName: "Facturatie Łódź & Zonen BV",
        replyTo: address("debiteuren@facturatie.example"))

    static func instant(_ iso: String) -> Date {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: iso) ?? Date(timeIntervalSince1970: 0)
    }

    /// A PDF-like attachment: a PDF header, then every byte value, CRLF-dot sequences and filler.
    static func pdf(_ size: Int, seed: UInt8 = 0) -> Data {
        var bytes = Array("%PDF-1.7\r\n".utf8) + (0...255).map { UInt8($0) } + Array("\r\n.\r\n..\r\n.".utf8)
        var x = UInt32(seed) &+ 12_345
        while bytes.count < size {
            x = x &* 1_103_515_245 &+ 12_345
            bytes.append(UInt8(truncatingIfNeeded: x >> 16))
        }
        return Data(bytes.prefix(size))
    }

    static let text = """
        Beste klant,

        Volgens onze boekhouding staat factuur F-2026-001 van € 1.234,56 nog open.
        .Deze regel begint met een punt, en deze lijn is bewust heel erg lang zodat quoted-printable haar moet afbreken zonder iets te verliezen.
        Eindigt op spaties   
        = is geen probleem; ook geen 100% of <html>.
        Met vriendelijke groeten,
        Ş. Łukasz
        """

    static let html = "<p>Beste klant,</p><p>Factuur <b>F-2026-001</b> — € 1.234,56 — staat nog open.</p>"

    /// A reminder with a text and HTML body and one PDF.
    static func reminder(_ key: String, to: String = "jan.peeters@klant.example", name: String? = "Jan Peeters",
                         pdfSize: Int = 30_000) -> NewOutboxMessage {
        var m = NewOutboxMessage(idempotencyKey: key, origin: "dunning", to: [OutboxMailbox(address(to), name: name)],
                                 subject: "Herinnering: factuur F-2026-001 staat open", textBody: text, htmlBody: html)
        m.attachments = [OutboxAttachment(filename: "herinnering-F-2026-001.pdf", content: .bytes(pdf(pdfSize)))]
        m.references = [.debtor(DebtorID(rawValue: "D042")), .invoice(InvoiceNumber(rawValue: "F-2026-001"))]
        return m
    }

    /// Plain SMTP to the loopback test server.
    static func smtp(_ server: SMTPServer, tls: SMTPSettings.TLS = .none, timeout: Double = 5) throws -> SMTPTransport {
        var s = try SMTPSettings(url: server.url, tls: tls)
        s.connectTimeout = timeout
        s.timeout = timeout
        return try SMTPTransport(settings: s)
    }

    /// Text with CRLF line breaks as LF, for comparing bodies.
    static func lf(_ s: String?) -> String? { s?.replacingOccurrences(of: "\r\n", with: "\n") }
}

extension Tag {
    /// Tests that start processes or wait on the network for more than a moment.
    @Tag static var slow: Self
    /// Tests that talk to a real SMTP server.
    @Tag static var smtp: Self
}
