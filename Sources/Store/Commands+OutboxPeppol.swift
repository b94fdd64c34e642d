import GRDB

/// A Peppol document leased for one attempt.
package struct PeppolLeasedDocument: Sendable, Equatable {
    /// `id`.
    package var id: Int64
    /// `idempotency_key`.
    package var idempotencyKey: String
    /// `invoice_number`.
    package var invoiceNumber: String
    /// `document_type`.
    package var documentType: PeppolDocumentType
    /// `YYYY-MM`.
    package var period: String
    /// The receiver's participant id, `scheme:id`.
    package var receiver: String
    /// The UBL file, relative to the workspace.
    package var path: String
    /// Attempts including this one.
    package var attempts: Int
    /// The start of its lifetime, a stored instant.
    package var lifetimeFrom: String
}

/// The state changes of the Peppol outbox after Billing queued a document (owner: Outbox). Each
/// records its `peppol_event` row in the caller's transaction. Instants are stored text.
package enum PeppolCommands {
    /// An operator's verb: moves document `id` from `from` to `to` (due at `t` when `to` is
    /// `queued`; a new lifetime from `t` when `newLifetime`) and clears the bounce reason.
    package static func operatorChange(_ db: Database, document id: Int64, from: PeppolState, to: PeppolState, newLifetime: Bool,
                                      at t: String) throws {
        try db.execute(sql: """
            UPDATE peppol_document SET state = ?, next_attempt_at = CASE WHEN ? = \(PeppolState.queued.sqlLiteral) THEN ? ELSE next_attempt_at END,
              lifetime_from = CASE WHEN ? THEN ? ELSE lifetime_from END, bounce_reason = NULL, updated_at = ? WHERE id = ?
            """, arguments: [to, to, t, newLifetime, t, t, id])
        try PeppolQueue.appendEvent(db, document: id, at: t, from: from, to: to, actor: .operator, detail: nil)
    }

    /// A leased document whose flush stopped: deferred "in doubt", due at `t`.
    package static func recoverLease(_ db: Database, document id: Int64, at t: String) throws {
        try db.execute(sql: """
            UPDATE peppol_document SET state = ?, lease_owner = NULL, lease_until = NULL, next_attempt_at = ?,
              last_error = 'in doubt: the flush that held it stopped', updated_at = ? WHERE id = ?
            """, arguments: [PeppolState.deferred, t, t, id])
        try PeppolQueue.appendEvent(db, document: id, at: t, from: .active, to: .deferred, actor: .flush, detail: "lease recovered")
    }

    /// Leases the next document due at `t` (oldest due first) to `owner` until `until`, counting the
    /// attempt; nil when none is due.
    package static func leaseNext(_ db: Database, owner: String, until u: String, at t: String) throws -> PeppolLeasedDocument? {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT id, idempotency_key, invoice_number, document_type, period, receiver, path, attempts, lifetime_from, state
            FROM peppol_document WHERE state IN \(PeppolState.due.sqlLiteral) AND next_attempt_at <= ?
            ORDER BY next_attempt_at, id LIMIT 1
            """, arguments: [t]) else { return nil }
        let id: Int64 = r[0]
        try db.execute(sql: """
            UPDATE peppol_document SET state = ?, lease_owner = ?, lease_until = ?, attempts = attempts + 1,
              last_attempt_at = ?, updated_at = ? WHERE id = ?
            """, arguments: [PeppolState.active, owner, u, t, t, id])
        try PeppolQueue.appendEvent(db, document: id, at: t, from: r[9], to: .active, actor: .flush, detail: nil)
        return PeppolLeasedDocument(id: id, idempotencyKey: r[1], invoiceNumber: r[2], documentType: r[3], period: r[4],
                                    receiver: r[5], path: r[6], attempts: (r[7] as Int) + 1, lifetimeFrom: r[8])
    }

    /// The access point took document `id`: sent, with its reply.
    package static func recordSent(_ db: Database, document id: Int64, reply: String, transport: String, at t: String) throws {
        try db.execute(sql: """
            UPDATE peppol_document SET state = ?, lease_owner = NULL, lease_until = NULL, sent_at = ?, reply = ?,
              transport = ?, last_error = NULL, updated_at = ? WHERE id = ?
            """, arguments: [PeppolState.sent, t, reply, transport, t, id])
    }

    /// Document `id` failed for now: deferred to `next`.
    package static func recordDeferred(_ db: Database, document id: Int64, next: String, reason: String, transport: String,
                                      at t: String) throws {
        try db.execute(sql: """
            UPDATE peppol_document SET state = ?, lease_owner = NULL, lease_until = NULL, next_attempt_at = ?,
              last_error = ?, transport = ?, updated_at = ? WHERE id = ?
            """, arguments: [PeppolState.deferred, next, reason, transport, t, id])
    }

    /// Document `id` was rejected or expired: bounced, with the reason.
    package static func recordBounced(_ db: Database, document id: Int64, reason: String, transport: String, at t: String) throws {
        try db.execute(sql: """
            UPDATE peppol_document SET state = ?, lease_owner = NULL, lease_until = NULL, bounce_reason = ?, last_error = ?,
              transport = ?, updated_at = ? WHERE id = ?
            """, arguments: [PeppolState.bounced, reason, reason, transport, t, id])
    }
}
