import Foundation
import GRDB

/// The states of a Peppol document (`peppol_document.state`): the e-mail outbox's, without `cancelled`.
package enum PeppolState: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case queued, active, deferred, hold, sent, bounced

    /// The states a flush picks due documents from (the condition of the partial index `peppol_document_due`).
    package static let due: [PeppolState] = [.queued, .deferred]
}

/// What a Peppol document is (`peppol_document.document_type`).
package enum PeppolDocumentType: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable, CustomStringConvertible {
    case invoice
    case creditNote = "credit_note"

    /// The stored word (`credit_note`).
    package var description: String { rawValue }
}

/// A UBL document to hand to the Peppol network, as Billing queues it.
package struct NewPeppolDocument: Sendable, Equatable {
    /// Names the decision (`billing:peppol:F2027-000001`): queueing the same key again changes nothing.
    package var idempotencyKey: String
    /// The invoice or credit note number.
    package var invoiceNumber: String
    /// True for a credit note (UBL `CreditNote`), false for an invoice.
    package var isCreditNote: Bool
    /// The billing period (`YYYY-MM`), which names the pickup sub-folder.
    package var period: String
    /// The receiver's Peppol participant id, `scheme:id` (`0208:0403019261`).
    package var receiver: String
    /// The UBL file, relative to the workspace.
    package var path: String

    /// A document to queue.
    package init(idempotencyKey: String, invoiceNumber: String, isCreditNote: Bool, period: String, receiver: String, path: String) {
        self.idempotencyKey = idempotencyKey
        self.invoiceNumber = invoiceNumber
        self.isCreditNote = isCreditNote
        self.period = period
        self.receiver = receiver
        self.path = path
    }
}

/// The Peppol outbox's write API for the stage that queues documents (Billing), inside its own
/// transaction: the invoice and its queued document are written together or not at all.
package enum PeppolQueue {
    /// Queues a document and returns its row id; the same idempotency key again returns the first id.
    @discardableResult
    package static func enqueue(_ db: Database, _ d: NewPeppolDocument, at now: Date) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM peppol_document WHERE idempotency_key = ?",
                                       arguments: [d.idempotencyKey]) {
            return id
        }
        guard !d.idempotencyKey.isEmpty else { throw StoreError.emptyPeppolKey }
        let t = Instant.string(now)
        try db.cachedStatement(sql: """
            INSERT INTO peppol_document (idempotency_key, invoice_number, document_type, period, receiver, path, state,
              created_at, lifetime_from, next_attempt_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [d.idempotencyKey, d.invoiceNumber, d.isCreditNote ? PeppolDocumentType.creditNote : .invoice,
                                     d.period, d.receiver, d.path, PeppolState.queued, t, t, t, t])
        let id = db.lastInsertedRowID
        try appendEvent(db, document: id, at: t, from: nil, to: .queued, actor: .billing, detail: nil)
        return id
    }

    /// Records one state change of a document (in the caller's transaction).
    package static func appendEvent(_ db: Database, document: Int64, at: String, from: PeppolState?, to: PeppolState,
                                   actor: OutboxActor, detail: String?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO peppol_event (document_id, at, from_state, to_state, actor, detail) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [document, at, from, to, actor, detail])
    }
}

/// One row of `peppol_document`: a UBL document in the Peppol outbox, and where its delivery stands.
package struct PeppolDocumentRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "peppol_document"
    /// Row id (nil before insert).
    package var id: Int64?
    /// What makes a second queueing of the same document a no-op (unique).
    package var idempotencyKey: String
    /// The invoice or credit note number.
    package var invoiceNumber: String
    /// Invoice or credit note.
    package var documentType: PeppolDocumentType
    /// The billed month, `YYYY-MM`.
    package var period: String
    /// The receiver's Peppol participant id.
    package var receiver: String
    /// The UBL file.
    package var path: String
    /// Where the delivery stands.
    package var state: PeppolState
    /// When it was queued, an `Instant` string.
    package var createdAt: String
    /// Where its delivery lifetime starts counting.
    package var lifetimeFrom: String
    /// When a flush may try it next.
    package var nextAttemptAt: String
    /// Attempts made.
    package var attempts: Int
    /// The flush holding it (state `active` only).
    package var leaseOwner: String?
    /// Until when the lease holds (state `active` only).
    package var leaseUntil: String?
    /// The last attempt's instant.
    package var lastAttemptAt: String?
    /// The last attempt's error.
    package var lastError: String?
    /// The transport that took it.
    package var transport: String?
    /// The access point's reply.
    package var reply: String?
    /// When it was sent (state `sent` only).
    package var sentAt: String?
    /// Why it bounced (state `bounced` only).
    package var bounceReason: String?
    /// When the row last changed.
    package var updatedAt: String

    /// Every column.
    package init(id: Int64?, idempotencyKey: String, invoiceNumber: String, documentType: PeppolDocumentType, period: String, receiver: String, path: String, state: PeppolState, createdAt: String, lifetimeFrom: String, nextAttemptAt: String, attempts: Int, leaseOwner: String?, leaseUntil: String?, lastAttemptAt: String?, lastError: String?, transport: String?, reply: String?, sentAt: String?, bounceReason: String?, updatedAt: String) {
        self.id = id
        self.idempotencyKey = idempotencyKey
        self.invoiceNumber = invoiceNumber
        self.documentType = documentType
        self.period = period
        self.receiver = receiver
        self.path = path
        self.state = state
        self.createdAt = createdAt
        self.lifetimeFrom = lifetimeFrom
        self.nextAttemptAt = nextAttemptAt
        self.attempts = attempts
        self.leaseOwner = leaseOwner
        self.leaseUntil = leaseUntil
        self.lastAttemptAt = lastAttemptAt
        self.lastError = lastError
        self.transport = transport
        self.reply = reply
        self.sentAt = sentAt
        self.bounceReason = bounceReason
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, idempotencyKey = "idempotency_key", invoiceNumber = "invoice_number", documentType = "document_type", period
        case receiver, path, state, createdAt = "created_at", lifetimeFrom = "lifetime_from", nextAttemptAt = "next_attempt_at"
        case attempts, leaseOwner = "lease_owner", leaseUntil = "lease_until", lastAttemptAt = "last_attempt_at"
        case lastError = "last_error", transport, reply, sentAt = "sent_at", bounceReason = "bounce_reason", updatedAt = "updated_at"
    }
}

/// One row of `peppol_event`: one state change of a Peppol document.
package struct PeppolEventRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "peppol_event"
    /// Row id (nil before insert).
    package var id: Int64?
    /// The document.
    package var documentID: Int64
    /// When, an `Instant` string.
    package var at: String
    /// The state before (nil when it was queued).
    package var fromState: PeppolState?
    /// The state after.
    package var toState: PeppolState
    /// Who changed it.
    package var actor: OutboxActor
    /// Free text (`lease recovered`, an error).
    package var detail: String?

    /// Every column.
    package init(id: Int64?, documentID: Int64, at: String, fromState: PeppolState?, toState: PeppolState, actor: OutboxActor, detail: String?) {
        self.id = id
        self.documentID = documentID
        self.at = at
        self.fromState = fromState
        self.toState = toState
        self.actor = actor
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case id, documentID = "document_id", at, fromState = "from_state", toState = "to_state", actor, detail
    }
}
