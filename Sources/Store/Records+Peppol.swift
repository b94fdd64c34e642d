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
