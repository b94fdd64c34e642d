import GRDB

/// One `peppol_document` row as the operator's list shows it.
package struct PeppolDocumentRow: Sendable, Equatable {
    /// `id`.
    package var id: Int64
    /// `invoice_number`.
    package var invoiceNumber: String
    /// `document_type`.
    package var documentType: PeppolDocumentType
    /// `receiver`.
    package var receiver: String
    /// `state`.
    package var state: PeppolState
    /// `attempts`.
    package var attempts: Int
    /// A stored instant.
    package var nextAttemptAt: String
    /// The access point's answer (sent), the reason (bounced), else the last error.
    package var detail: String?
}

/// A leased Peppol document (`state = 'active'`) as a recovery sees it.
package struct PeppolLease: Sendable, Equatable {
    /// `id`.
    package var id: Int64
    /// The lease owner's token.
    package var owner: String
    /// The lease's deadline, a stored instant.
    package var until: String
}

/// Reads of the Peppol outbox for the stage that delivers it (Outbox).
package enum PeppolQueries {
    /// Documents in `state` (all when nil), oldest first.
    package static func list(_ db: Database, state: PeppolState?) throws -> [PeppolDocumentRow] {
        try Row.fetchAll(db, sql: """
            SELECT id, invoice_number, document_type, receiver, state, attempts, next_attempt_at,
              CASE state WHEN \(PeppolState.sent.sqlLiteral) THEN reply WHEN \(PeppolState.bounced.sqlLiteral) THEN bounce_reason
                ELSE last_error END
            FROM peppol_document WHERE ?1 IS NULL OR state = ?1 ORDER BY id
            """, arguments: [state]).map {
            PeppolDocumentRow(id: $0[0], invoiceNumber: $0[1], documentType: $0[2], receiver: $0[3], state: $0[4], attempts: $0[5],
                              nextAttemptAt: $0[6], detail: $0[7])
        }
    }

    /// The document named by `key`, a row id or an invoice number (the newest when several), with its state.
    package static func find(_ db: Database, key: String) throws -> (id: Int64, state: PeppolState)? {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT id, state FROM peppol_document WHERE invoice_number = ?1 OR CAST(id AS TEXT) = ?1 ORDER BY id DESC LIMIT 1
            """, arguments: [key]) else { return nil }
        return (r[0], r[1])
    }

    /// The documents leased right now.
    package static func activeLeases(_ db: Database) throws -> [PeppolLease] {
        try Row.fetchAll(db, sql: """
            SELECT id, lease_owner, lease_until FROM peppol_document WHERE state = \(PeppolState.active.sqlLiteral)
            """).map { PeppolLease(id: $0[0], owner: $0[1], until: $0[2]) }
    }
}
