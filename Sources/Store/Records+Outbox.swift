import Foundation
import GRDB
import Ledger

/// The states of an outbox message (`outbox_message.state`), after Postfix's queue manager.
package enum OutboxState: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case queued, active, deferred, hold, sent, bounced, cancelled

    /// The states a flush picks due messages from (the condition of the partial index `outbox_message_due`).
    package static let due: [OutboxState] = [.queued, .deferred]
    /// The states a message can still be cancelled from: it has not gone out yet and is not being delivered.
    package static let cancellable: [OutboxState] = [.queued, .deferred, .hold]
    /// Where a leased message that was never tried goes back to: `queued`, or `deferred` after attempts.
    package static func untried(attempts: Int) -> OutboxState { attempts == 0 ? .queued : .deferred }
}

/// The stage that queued a message (`outbox_message.origin`).
package enum OutboxOrigin: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case dunning, billing, manual
}

/// An envelope recipient's field (`outbox_recipient.kind`).
package enum OutboxRecipientKind: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case to, cc, bcc
}

/// Where a recipient came from (`outbox_recipient.origin`): the message as queued, or the
/// workspace's Cc/Bcc added at the first lease.
package enum OutboxRecipientOrigin: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case message, config
}

/// A recipient's own delivery status (`outbox_recipient.status`).
package enum OutboxRecipientStatus: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case pending, sent, deferred, bounced
}

/// Why a message bounced (`outbox_message.bounce_kind`).
package enum OutboxBounceKind: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    /// The server refused it (5xx) for every To recipient.
    case remote
    /// Still failing past its maximum lifetime.
    case expired
    /// It could not be built (a missing attachment file, no usable address).
    case unbuildable
}

/// Who changed a message's state (`outbox_event.actor`); also `peppol_event.actor`.
package enum OutboxActor: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    /// The stages that queue messages (the message's origin).
    case dunning, billing, manual
    /// A flush (lease, outcome, recovery).
    case flush
    /// An operator's verb on the e-mail outbox (hold, release, requeue).
    case admin
    /// A cancellation (`OutboxQueue.cancel`).
    case cancel
    /// An operator's verb on the Peppol outbox.
    case `operator`

    /// The actor that queued a message of `origin`.
    package init(_ origin: OutboxOrigin) {
        switch origin {
        case .dunning: self = .dunning
        case .billing: self = .billing
        case .manual: self = .manual
        }
    }
}

/// The kind of business key a message concerns (`outbox_reference.kind`).
package enum OutboxReferenceKind: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case debtor, invoice, contract
}

extension RawRepresentable where RawValue == String {
    /// The raw value as a quoted SQL literal (`'queued'`), for conditions that must repeat a
    /// partial index's condition word for word (a bound parameter would not use the index).
    package var sqlLiteral: String { "'" + rawValue + "'" }
}

extension Array where Element: RawRepresentable, Element.RawValue == String {
    /// The raw values as a parenthesised SQL list (`('queued', 'deferred')`), see `sqlLiteral`.
    package var sqlLiteral: String { "(" + map(\.sqlLiteral).joined(separator: ", ") + ")" }
}

/// One row of `outbox_message`: an e-mail in the outbox and where it stands.
///
/// Shared writer: Dunning and Billing insert `queued` rows through `OutboxQueue.enqueue`; only
/// Outbox changes a row afterwards, except `OutboxQueue.cancel` (see `Sources/Store/README.md`).
package struct OutboxMessageRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "outbox_message"
    package var id: Int64
    package var idempotencyKey: String
    package var origin: OutboxOrigin
    package var state: OutboxState
    package var subject: String
    package var textBody: String
    package var htmlBody: String?
    package var createdAt: String
    /// Start of the maximum lifetime: the enqueue, or the last requeue of a bounced or cancelled message.
    package var lifetimeFrom: String
    package var nextAttemptAt: String
    package var attempts: Int
    /// The `Message-ID` header, fixed when the message is first leased for delivery: stored whole
    /// before migration 0030c, since derived from the key and the row's `message_id_domain` (the
    /// domain's text: ``OutboxQueries/message(_:_:)`` joins it).
    package var messageIdHeader: String?
    package var leaseOwner: String?
    package var leaseUntil: String?
    package var lastAttemptAt: String?
    package var lastError: String?
    package var serverReply: String?
    package var sentAt: String?
    package var bounceKind: OutboxBounceKind?
    package var bounceReason: String?
    package var cancelReason: String?
    package var updatedAt: String

    enum CodingKeys: String, CodingKey {
        case id, idempotencyKey = "idempotency_key", origin, state, subject, textBody = "text_body"
        case htmlBody = "html_body", createdAt = "created_at", lifetimeFrom = "lifetime_from"
        case nextAttemptAt = "next_attempt_at", attempts, messageIdHeader = "message_id_header"
        case leaseOwner = "lease_owner", leaseUntil = "lease_until", lastAttemptAt = "last_attempt_at"
        case lastError = "last_error", serverReply = "server_reply", sentAt = "sent_at"
        case bounceKind = "bounce_kind", bounceReason = "bounce_reason", cancelReason = "cancel_reason"
        case updatedAt = "updated_at"
    }

    /// What a request of the query interface (`fetchOne(db, key:)`, `filter`) selects: the row and
    /// what the decoder needs beside it, the body dictionary and the `Message-ID`'s domain.
    package static var databaseSelection: [any SQLSelectable] {
        [
            .allColumns,
            SQL(sql: "(SELECT d.text_z FROM outbox_body_dictionary d WHERE d.id = bodies_dictionary_id)").forKey("bodies_dictionary"),
            SQL(sql: "(SELECT x.domain FROM outbox_message_id_domain x WHERE x.id = message_id_domain_id)").forKey("message_id_domain"),
            SQL(sql: "(SELECT \(DunningEventKey.sql("e")) FROM dunning_event e WHERE e.id = dunning_event_id)").forKey("dunning_key"),
        ]
    }

    private enum StoredKeys: String, CodingKey {
        case bodiesZ = "bodies_z", bodiesDictionary = "bodies_dictionary", messageIdDomain = "message_id_domain"
        case dunningKey = "dunning_key"
    }

    /// Decodes a row; the bodies come from `bodies_z` when the message was stored compressed
    /// (migration 0021), else from the plain `text_body` and `html_body` columns of older rows. A
    /// body compressed with a body dictionary (migration 0027a) needs it in the row as
    /// `bodies_dictionary` (the dictionary's `text_z`: ``OutboxQueries/message(_:_:)`` joins it).
    package init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let stored = try decoder.container(keyedBy: StoredKeys.self)
        id = try c.decode(Int64.self, forKey: .id)
        // Since migration 0031b a reminder's message keeps its dunning event's key there (`dunning_key`).
        idempotencyKey = try stored.decodeIfPresent(String.self, forKey: .dunningKey) ?? c.decode(String.self, forKey: .idempotencyKey)
        origin = try c.decode(OutboxOrigin.self, forKey: .origin)
        state = try c.decode(OutboxState.self, forKey: .state)
        subject = try c.decode(String.self, forKey: .subject)
        textBody = try c.decode(String.self, forKey: .textBody)
        htmlBody = try c.decodeIfPresent(String.self, forKey: .htmlBody)
        createdAt = try c.decode(String.self, forKey: .createdAt)
        lifetimeFrom = try c.decode(String.self, forKey: .lifetimeFrom)
        nextAttemptAt = try c.decode(String.self, forKey: .nextAttemptAt)
        attempts = try c.decode(Int.self, forKey: .attempts)
        messageIdHeader = try c.decodeIfPresent(String.self, forKey: .messageIdHeader)
        leaseOwner = try c.decodeIfPresent(String.self, forKey: .leaseOwner)
        leaseUntil = try c.decodeIfPresent(String.self, forKey: .leaseUntil)
        lastAttemptAt = try c.decodeIfPresent(String.self, forKey: .lastAttemptAt)
        lastError = try c.decodeIfPresent(String.self, forKey: .lastError)
        serverReply = try c.decodeIfPresent(String.self, forKey: .serverReply)
        sentAt = try c.decodeIfPresent(String.self, forKey: .sentAt)
        bounceKind = try c.decodeIfPresent(OutboxBounceKind.self, forKey: .bounceKind)
        bounceReason = try c.decodeIfPresent(String.self, forKey: .bounceReason)
        cancelReason = try c.decodeIfPresent(String.self, forKey: .cancelReason)
        updatedAt = try c.decode(String.self, forKey: .updatedAt)
        // Since migration 0033a a sent message keeps its instant once, in `sent_at` (`OutboxInstantSQL`).
        if lifetimeFrom.isEmpty { lifetimeFrom = createdAt }
        if nextAttemptAt.isEmpty { nextAttemptAt = createdAt }
        if lastAttemptAt == nil { lastAttemptAt = sentAt }
        if updatedAt.isEmpty, let sentAt { updatedAt = sentAt }
        if let blob = try stored.decodeIfPresent(Data.self, forKey: .bodiesZ) {
            let dictionary = try stored.decodeIfPresent(Data.self, forKey: .bodiesDictionary).map(MessageBodies.bodyDictionary(stored:))
            let bodies = try MessageBodies.decompressAll(blob, bodyDictionary: dictionary)
            (textBody, htmlBody) = (bodies.text, bodies.html)
            // Since migration 0040a a reminder's subject is kept in the blob, the column ''.
            if subject.isEmpty, let inside = bodies.subject { subject = inside }
        }
        // Since migration 0030c the header is derived from the key and the stored domain (`OutboxMessageID`).
        if messageIdHeader == nil, let domain = try stored.decodeIfPresent(String.self, forKey: .messageIdDomain) {
            messageIdHeader = OutboxMessageID.header(key: idempotencyKey, domain: domain)
        }
    }
}

/// One row of `outbox_body_dictionary` (migration 0027a): a body dictionary, stored compressed like a
/// body (`MessageBodies`), found by its checksum (CRC-32 in the high half, Adler-32 in the low one).
/// Written by `OutboxQueue.enqueue` only; never changed or removed.
package struct OutboxBodyDictionaryRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "outbox_body_dictionary"
    package var id: Int64
    package var checksum: Int64
    package var textZ: Data

    enum CodingKeys: String, CodingKey { case id, checksum, textZ = "text_z" }
}

/// One row of `outbox_recipient`: an envelope recipient of a message and its own delivery status.
package struct OutboxRecipientRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "outbox_recipient"
    package var id: Int64?
    package var messageId: Int64
    package var position: Int
    package var kind: OutboxRecipientKind
    package var address: String
    package var displayName: String?
    /// `message` (given at enqueue) or `config` (the workspace's Cc/Bcc, added at the first delivery).
    package var origin: OutboxRecipientOrigin
    package var status: OutboxRecipientStatus
    /// The server's reply to this recipient (its RCPT reply, or the reply to the whole message).
    package var reply: String?
    package var updatedAt: String?

    enum CodingKeys: String, CodingKey {
        case id, messageId = "message_id", position, kind, address, displayName = "display_name", origin
        case status, reply, updatedAt = "updated_at"
    }

    /// A recipient not yet tried.
    package init(messageId: Int64, position: Int, kind: OutboxRecipientKind, address: String, displayName: String? = nil,
                origin: OutboxRecipientOrigin = .message) {
        self.messageId = messageId
        self.position = position
        self.kind = kind
        self.address = address
        self.displayName = displayName
        self.origin = origin
        self.status = .pending
    }
}

/// The SQL of a message's and a recipient's instants however they are stored (migration 0033a,
/// issue 17's seventh round): a sent message keeps its instant once, in `sent_at`, and leaves
/// `last_attempt_at` NULL, `updated_at` empty, `lifetime_from` and `next_attempt_at` empty when
/// they were `created_at`; a recipient accepted in the attempt that sent its message leaves
/// `updated_at` NULL. Each function gives the text the column held before, for a query on
/// `outbox_message` (or `outbox_recipient`) qualified by `table`. Rows written before read as stored.
package enum OutboxInstantSQL {
    /// `lifetime_from`.
    package static func lifetimeFrom(_ table: String = "outbox_message") -> String {
        "CASE WHEN \(table).lifetime_from = '' THEN \(table).created_at ELSE \(table).lifetime_from END"
    }

    /// `next_attempt_at`.
    package static func nextAttemptAt(_ table: String = "outbox_message") -> String {
        "CASE WHEN \(table).next_attempt_at = '' THEN \(table).created_at ELSE \(table).next_attempt_at END"
    }

    /// `last_attempt_at` (only a sent message has `sent_at`, and it was its last attempt's instant).
    package static func lastAttemptAt(_ table: String = "outbox_message") -> String {
        "COALESCE(\(table).last_attempt_at, \(table).sent_at)"
    }

    /// `updated_at`.
    package static func updatedAt(_ table: String = "outbox_message") -> String {
        "CASE WHEN \(table).updated_at = '' THEN \(table).sent_at ELSE \(table).updated_at END"
    }

    /// A recipient's `updated_at`: NULL with status `sent` (which an attempt always dates) is its message's `sent_at`.
    package static func recipientUpdatedAt(_ table: String = "outbox_recipient") -> String {
        """
        COALESCE(\(table).updated_at, CASE WHEN \(table).status = \(OutboxRecipientStatus.sent.sqlLiteral) \
        THEN (SELECT m.sent_at FROM outbox_message m WHERE m.id = \(table).message_id) END)
        """
    }

    /// The columns of `outbox_recipient` in their order, the instant as stored before.
    package static func recipientColumns(_ table: String = "outbox_recipient") -> String {
        ["id", "message_id", "position", "kind", "address", "display_name", "origin", "status", "reply"].map { "\(table).\($0)" }
            .joined(separator: ", ") + ", " + recipientUpdatedAt(table) + " AS updated_at"
    }
}

/// One row of `outbox_attachment`: a file attached to a message, stored inline or by path.
package struct OutboxAttachmentRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "outbox_attachment"
    package var id: Int64?
    package var messageId: Int64
    package var position: Int
    package var filename: String
    package var contentType: String
    /// The bytes, when stored in the database.
    package var content: Data?
    /// The file to read at delivery time, when not stored in the database.
    package var path: String?

    enum CodingKeys: String, CodingKey {
        case id, messageId = "message_id", position, filename, contentType = "content_type", content, path
    }
}

/// One row of `outbox_reference`: a business key a message concerns (for cancelling it).
package struct OutboxReferenceRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "outbox_reference"
    package var messageId: Int64
    package var kind: OutboxReferenceKind
    package var key: String

    enum CodingKeys: String, CodingKey { case messageId = "message_id", kind, key }
}

/// One row of `outbox_event`: a state change of a message, with who made it and why.
package struct OutboxEventRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "outbox_event"
    package var id: Int64?
    package var messageId: Int64
    /// When; read through ``OutboxQueries/events(_:message:)`` it is the instant however it is
    /// stored (inline, or named by `atId`, `at` then empty).
    package var at: String
    package var fromState: OutboxState?
    package var toState: OutboxState
    package var actor: OutboxActor
    /// Why; read through ``OutboxQueries/events(_:message:)`` it is the text however it is stored
    /// (inline, or named by `detailId`).
    package var detail: String?
    /// The detail stored once in `outbox_event_detail` (migration 0030b), nil when it is inline.
    package var detailId: Int64?
    /// The instant stored once in `outbox_event_instant` (migration 0032b), nil when it is inline.
    package var atId: Int64?

    enum CodingKeys: String, CodingKey {
        case id, messageId = "message_id", at, fromState = "from_state", toState = "to_state", actor, detail, detailId = "detail_id"
        case atId = "at_id"
    }

    /// The SQL of an event's instant however it is stored, for a query on `outbox_event` (`at` and
    /// `at_id` qualified by `table`).
    /// Since migration 0033a a `sent` event may leave `at` empty with no `at_id`: its message's `sent_at`.
    package static func atSQL(_ table: String = "outbox_event") -> String {
        """
        CASE WHEN \(table).at_id IS NOT NULL THEN (SELECT i.at FROM outbox_event_instant i WHERE i.id = \(table).at_id) \
        WHEN \(table).at = '' THEN (SELECT m.sent_at FROM outbox_message m WHERE m.id = \(table).message_id) ELSE \(table).at END
        """
    }

    /// The SQL of an event's detail however it is stored, for a query on `outbox_event` (`detail`
    /// and `detail_id` unqualified or qualified by `table`).
    package static func detailSQL(_ table: String = "outbox_event") -> String {
        "COALESCE(\(table).detail, (SELECT d.detail FROM outbox_event_detail d WHERE d.id = \(table).detail_id))"
    }

    /// Appends an event. With `shared`, a detail that many events repeat (a gate night's held
    /// reason) is stored once in `outbox_event_detail` and named by `detail_id`, and the instant,
    /// which the other events of the night share, once in `outbox_event_instant` by `at_id`. With
    /// `atSentAt`, a `sent` event whose instant is its message's `sent_at` (the caller checked)
    /// leaves `at` empty (migration 0033a).
    package static func append(_ db: Database, message: Int64, at: String, from: OutboxState?, to: OutboxState,
                              actor: OutboxActor, detail: String?, shared: Bool = false, atSentAt: Bool = false) throws {
        let detailID = try shared ? detail.map { try StoredText.id(db, table: "outbox_event_detail", column: "detail", $0) } : nil
        let atID = try shared ? StoredText.id(db, table: "outbox_event_instant", column: "at", at) : nil
        let inline = atID == nil && !(atSentAt && to == .sent)
        try db.cachedStatement(sql: """
            INSERT INTO outbox_event (message_id, at, from_state, to_state, actor, detail, detail_id, at_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [message, inline ? at : "", from, to, actor, detailID == nil ? detail : nil, detailID, atID])
    }

    /// Appends an event given as stored words, for callers that still hold states as text (Dunning's
    /// `DunningLog` hold and release); throws when a word is not an `OutboxState` or `OutboxActor`.
    package static func append(_ db: Database, message: Int64, at: String, from: String?, to: String, actor: String,
                              detail: String?, shared: Bool = false) throws {
        guard let target = OutboxState(rawValue: to) else { throw StoreError.unknownWord(column: "outbox state", word: to) }
        guard let who = OutboxActor(rawValue: actor) else { throw StoreError.unknownWord(column: "outbox actor", word: actor) }
        var source: OutboxState? = nil
        if let from {
            guard let s = OutboxState(rawValue: from) else { throw StoreError.unknownWord(column: "outbox state", word: from) }
            source = s
        }
        try append(db, message: message, at: at, from: source, to: target, actor: who, detail: detail, shared: shared)
    }
}

/// The outbox's identifier of a queued message (`outbox_message.id`); not its `Message-ID` header.
package struct MessageID: RawRepresentable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The row id.
    package let rawValue: Int64
    /// Wraps a row id.
    package init(rawValue: Int64) { self.rawValue = rawValue }
    /// The row id as text.
    package var description: String { String(rawValue) }
    /// Ordered by row id (queue order).
    package static func < (a: MessageID, b: MessageID) -> Bool { a.rawValue < b.rawValue }
}

/// An e-mail address with an optional display name, as the stage that queues a message gives it.
package struct OutboxMailbox: Sendable, Hashable {
    /// The name shown to the reader; any text (the MIME builder encodes and neutralises it).
    package var name: String?
    /// The address; `EmailAddress` cannot hold spaces, line breaks or delimiters.
    package var address: EmailAddress
    /// A mailbox.
    package init(_ address: EmailAddress, name: String? = nil) {
        self.address = address
        self.name = name
    }
}

/// A file attached to a queued message.
package struct OutboxAttachment: Sendable {
    /// Where the bytes are: in the database (durable), or in a file read when the message is sent.
    package enum Content: Sendable {
        case bytes(Data)
        case file(path: String)
    }
    /// The name the reader sees.
    package var filename: String
    /// A MIME type such as `application/pdf`.
    package var contentType: String
    package var content: Content
    /// An attachment.
    package init(filename: String, contentType: String = "application/pdf", content: Content) {
        self.filename = filename
        self.contentType = contentType
        self.content = content
    }
}

/// A business key a message concerns; `OutboxQueue.cancel` finds messages by it.
package enum OutboxReference: Sendable, Hashable {
    case debtor(DebtorID)
    case invoice(InvoiceNumber)
    case contract(String)

    /// The `outbox_reference.kind` and `key` columns.
    package var columns: (kind: OutboxReferenceKind, key: String) {
        switch self {
        case .debtor(let d): (.debtor, d.rawValue)
        case .invoice(let i): (.invoice, i.rawValue)
        case .contract(let c): (.contract, c)
        }
    }
}

/// A message a stage asks the outbox to send, in the same transaction as the decision behind it.
package struct NewOutboxMessage: Sendable {
    /// Identifies the decision (e.g. `dunning:2026-11-21:D042:step-2`); queueing it twice is a no-op.
    package var idempotencyKey: String
    /// `dunning`, `billing` or `manual` (an `OutboxOrigin`; checked by `OutboxQueue.enqueue`).
    package var origin: String
    package var to: [OutboxMailbox]
    package var cc: [OutboxMailbox] = []
    package var bcc: [OutboxMailbox] = []
    /// Any text: line breaks and control characters are neutralised when the message is built.
    package var subject: String
    package var textBody: String
    package var htmlBody: String?
    package var attachments: [OutboxAttachment] = []
    package var references: [OutboxReference] = []
    /// The dunning event a reminder's message is queued for (`dunning_event.id`, already written
    /// with its items). When the key is the event's and `references` are exactly the event's debtor
    /// key and its advanced items' invoice numbers, the message names the event
    /// (`outbox_message.dunning_event_id`) and its key, references and an attachment that is the
    /// event's letter (`document_path`) are read through it instead of stored
    /// (`OutboxMessageKeySQL`, `OutboxReferenceSQL`, `OutboxAttachmentSQL`).
    package var dunningEvent: Int64?
    /// Text the bodies are expected to repeat (e.g. the template rendered with the sender's values and
    /// no recipient's; never personal data): stored once per distinct text and used as the
    /// compression dictionary of the bodies, which then take about 70 % of the space. Nil: none.
    package var bodyDictionary: String?

    /// A message with its required parts.
    package init(idempotencyKey: String, origin: String, to: [OutboxMailbox], subject: String, textBody: String,
                htmlBody: String? = nil) {
        self.idempotencyKey = idempotencyKey
        self.origin = origin
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
    }

    /// A message with its required parts, queued by `origin`.
    package init(idempotencyKey: String, origin: OutboxOrigin, to: [OutboxMailbox], subject: String, textBody: String,
                htmlBody: String? = nil) {
        self.init(idempotencyKey: idempotencyKey, origin: origin.rawValue, to: to, subject: subject, textBody: textBody,
                  htmlBody: htmlBody)
    }
}

/// The outbox's write API for other stages: queue a message, cancel messages that became moot.
///
/// Both take the caller's `Database` so they run inside the caller's own transaction (a reminder
/// and its message are written together, or neither is).
package enum OutboxQueue {
    /// Queues a message and returns its id; when a message with the same idempotency key exists,
    /// returns that one's id and changes nothing.
    @discardableResult
    package static func enqueue(_ db: Database, _ message: NewOutboxMessage, at now: Date) throws -> MessageID {
        let key = message.idempotencyKey
        if let existing = try Int64.fetchOne(db.cachedStatement(sql: OutboxMessageKeySQL.messageWithKey), arguments: [key]) {
            return MessageID(rawValue: existing)
        }
        guard !key.isEmpty, key.utf8.count <= 500 else { throw StoreError.outboxKeyLength(bytes: key.utf8.count) }
        guard let origin = OutboxOrigin(rawValue: message.origin) else {
            throw StoreError.unknownWord(column: "outbox message origin", word: message.origin)
        }
        guard !message.to.isEmpty else { throw StoreError.noRecipient }
        let t = Instant.string(now)
        // The bodies are stored compressed in `bodies_z`; `text_body` stays empty (see MessageBodies).
        let dictionary = try message.bodyDictionary.map { try MessageBodies.bodyDictionary(db, $0) }
        // With a body dictionary (Dunning's reminders) the subject goes inside the blob, where the HTML's
        // `<title>` repeats it, and the column holds '' (migration 0040a; readers: `MessageBodies.decompressAll`).
        let subjectInside = message.bodyDictionary != nil
        let bodies = try MessageBodies.compress(subject: subjectInside ? message.subject : nil, text: message.textBody,
                                                html: message.htmlBody, primed: dictionary?.primed)
        // Key and references read through the dunning event only when they are exactly the event's.
        let event = try message.dunningEvent.flatMap {
            try OutboxReferenceSQL.eventHolds(db, event: $0, key: key, references: message.references) ? $0 : nil
        }
        // The compact key is SQL's `CAST(event AS BLOB)`: the id's digits as a BLOB (the trigger of 0031b checks it).
        let storedKey: any DatabaseValueConvertible = event.map { Data(String($0).utf8) } ?? key
        try db.cachedStatement(sql: """
            INSERT INTO outbox_message (idempotency_key, origin, state, subject, text_body, html_body, bodies_z, bodies_dictionary_id,
              created_at, lifetime_from, next_attempt_at, updated_at, dunning_event_id) VALUES (?, ?, ?, ?, '', NULL, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [storedKey, origin, OutboxState.queued, subjectInside ? "" : message.subject, bodies, dictionary?.id,
                                     t, t, t, t, event])
        let id = db.lastInsertedRowID
        let recipients = message.to.map { (OutboxRecipientKind.to, $0) } + message.cc.map { (OutboxRecipientKind.cc, $0) }
            + message.bcc.map { (OutboxRecipientKind.bcc, $0) }
        let addRecipient = try db.cachedStatement(sql: """
            INSERT INTO outbox_recipient (message_id, position, kind, address, display_name) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (message_id, address) DO NOTHING
            """)
        for (i, (kind, m)) in recipients.enumerated() {
            try addRecipient.execute(arguments: [id, i, kind, m.address.value, m.name])
        }
        let addAttachment = try db.cachedStatement(sql: """
            INSERT INTO outbox_attachment (message_id, position, filename, content_type, content, path) VALUES (?, ?, ?, ?, ?, ?)
            """)
        // The event's letter is stored once, as its `document_path` (see `OutboxAttachmentSQL`).
        let letter = try event.flatMap {
            try String.fetchOne(db.cachedStatement(sql: "SELECT \(DunningEventRecord.documentPathSQL()) FROM dunning_event WHERE id = ?"),
                                arguments: [$0])
        }
        for (i, a) in message.attachments.enumerated() {
            switch a.content {
            case .bytes(let data): try addAttachment.execute(arguments: [id, i, a.filename, a.contentType, data, nil])
            case .file(let path):
                try addAttachment.execute(arguments: [id, i, a.filename, a.contentType, nil, !path.isEmpty && path == letter ? "" : path])
            }
        }
        let addReference = try db.cachedStatement(sql: """
            INSERT INTO outbox_reference (message_id, kind, key) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
            """)
        for r in message.references where event == nil { try addReference.execute(arguments: [id, r.columns.kind, r.columns.key]) }
        // Every message a run queues shares the instant: stored once.
        try OutboxEventRecord.append(db, message: id, at: t, from: nil, to: .queued, actor: OutboxActor(origin), detail: nil, shared: true)
        return MessageID(rawValue: id)
    }

    /// The text shown instead of a body the retention removed.
    package static let removedBody = "[body removed by the retention of sent messages]"

    /// Removes the text and HTML bodies of messages sent before `sentBefore` (the retention of sent
    /// messages) and returns how many. The audit facts stay: recipients and their replies, subject,
    /// `Message-ID`, the times, the state history, the references, the attachments (invoices must
    /// be kept for years) and the dunning event with its amounts; `bodies_removed_at` says when.
    /// A subject kept inside the bodies' blob (migration 0040a) is written to `subject` first.
    @discardableResult
    package static func removeBodies(_ db: Database, sentBefore: Date, at now: Date) throws -> Int {
        try db.execute(sql: """
            UPDATE outbox_message SET subject = \(MessageBodies.subjectSQL()),
              text_body = ?, html_body = NULL, bodies_z = NULL, bodies_removed_at = ?
            WHERE state = \(OutboxState.sent.sqlLiteral) AND bodies_removed_at IS NULL AND sent_at < ?
            """, arguments: [removedBody, Instant.string(now), Instant.string(sentBefore)])
        return db.changesCount
    }

    /// Cancels the messages concerning `reference` that have not gone out yet (queued, deferred or
    /// on hold) and returns their ids. A message being delivered right now (`active`) is left alone.
    @discardableResult
    package static func cancel(_ db: Database, reason: String, where reference: OutboxReference, at now: Date) throws -> [MessageID] {
        let (kind, key) = reference.columns
        let ids = try Int64.fetchAll(db, sql: OutboxReferenceSQL.messages(concerning: "m.state IN \(OutboxState.cancellable.sqlLiteral)"),
                                     arguments: [kind, key])
        var cancelled: [MessageID] = []
        for id in ids where try cancel(db, message: MessageID(rawValue: id), reason: reason, at: now) {
            cancelled.append(MessageID(rawValue: id))
        }
        return cancelled
    }

    /// Cancels one message if it has not gone out yet (queued, deferred or on hold); returns
    /// whether it did. A message being delivered right now (`active`) or already sent is left alone.
    @discardableResult
    package static func cancel(_ db: Database, message id: MessageID, reason: String, at now: Date) throws -> Bool {
        guard let from = try OutboxState.fetchOne(db, sql: "SELECT state FROM outbox_message WHERE id = ?", arguments: [id.rawValue]),
            OutboxState.cancellable.contains(from)
        else { return false }
        let t = Instant.string(now)
        let why = reason.isEmpty ? "cancelled" : reason
        try db.execute(sql: """
            UPDATE outbox_message SET state = ?, cancel_reason = ?, updated_at = ? WHERE id = ?
            """, arguments: [OutboxState.cancelled, why, t, id.rawValue])
        try OutboxEventRecord.append(db, message: id.rawValue, at: t, from: from, to: .cancelled, actor: .cancel, detail: why)
        return true
    }
}
