import Foundation
import GRDB

/// A UBL document to hand to the Peppol network, as Billing queues it.
public struct NewPeppolDocument: Sendable, Equatable {
    /// Names the decision (`billing:peppol:F2027-000001`): queueing the same key again changes nothing.
    public var idempotencyKey: String
    /// The invoice or credit note number.
    public var invoiceNumber: String
    /// True for a credit note (UBL `CreditNote`), false for an invoice.
    public var isCreditNote: Bool
    /// The billing period (`YYYY-MM`), which names the pickup sub-folder.
    public var period: String
    /// The receiver's Peppol participant id, `scheme:id` (`0208:0403019261`).
    public var receiver: String
    /// The UBL file, relative to the workspace.
    public var path: String

    /// A document to queue.
    public init(idempotencyKey: String, invoiceNumber: String, isCreditNote: Bool, period: String, receiver: String, path: String) {
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
public enum PeppolQueue {
    /// Queues a document and returns its row id; the same idempotency key again returns the first id.
    @discardableResult
    public static func enqueue(_ db: Database, _ d: NewPeppolDocument, at now: Date) throws -> Int64 {
        if let id = try Int64.fetchOne(db, sql: "SELECT id FROM peppol_document WHERE idempotency_key = ?",
                                       arguments: [d.idempotencyKey]) {
            return id
        }
        guard !d.idempotencyKey.isEmpty else { throw StoreError("a Peppol idempotency key cannot be empty") }
        let t = Instant.string(now)
        try db.cachedStatement(sql: """
            INSERT INTO peppol_document (idempotency_key, invoice_number, document_type, period, receiver, path, state,
              created_at, lifetime_from, next_attempt_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)
            """).execute(arguments: [d.idempotencyKey, d.invoiceNumber, d.isCreditNote ? "credit_note" : "invoice", d.period,
                                     d.receiver, d.path, t, t, t, t])
        let id = db.lastInsertedRowID
        try appendEvent(db, document: id, at: t, from: nil, to: "queued", actor: "billing", detail: nil)
        return id
    }

    /// Records one state change of a document (in the caller's transaction).
    public static func appendEvent(_ db: Database, document: Int64, at: String, from: String?, to: String, actor: String,
                                   detail: String?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO peppol_event (document_id, at, from_state, to_state, actor, detail) VALUES (?, ?, ?, ?, ?, ?)
            """).execute(arguments: [document, at, from, to, actor, detail])
    }
}

/// How a debtor receives its billing invoices (`billing_channel`, owner: Billing).
public enum BillingChannelRecord {
    /// The stored channel and Peppol id of a debtor, nil when none was set.
    public static func fetch(_ db: Database, debtorID: Int64) throws -> (channel: String, peppolID: String?)? {
        guard let r = try Row.fetchOne(db, sql: "SELECT channel, peppol_id FROM billing_channel WHERE debtor_id = ?",
                                       arguments: [debtorID]) else { return nil }
        return (r[0], r[1])
    }

    /// Sets (replaces) a debtor's channel.
    public static func set(_ db: Database, debtorID: Int64, channel: String, peppolID: String?, at now: Date) throws {
        try db.execute(sql: """
            INSERT INTO billing_channel (debtor_id, channel, peppol_id, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (debtor_id) DO UPDATE SET channel = excluded.channel, peppol_id = excluded.peppol_id,
              updated_at = excluded.updated_at
            """, arguments: [debtorID, channel, peppolID, Instant.string(now)])
    }
}
