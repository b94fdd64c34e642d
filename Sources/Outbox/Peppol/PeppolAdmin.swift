import Foundation
import GRDB
import Store

/// One document of the Peppol outbox, as `relance peppol list` shows it.
public struct PeppolListing: Sendable, Equatable {
    /// The id.
    public var id: Int64
    /// The invoice number.
    public var invoiceNumber: String
    /// The document type.
    public var documentType: String
    /// The receiver.
    public var receiver: String
    /// queued, active, deferred, hold, sent or bounced.
    public var state: String
    /// Attempts so far.
    public var attempts: Int
    /// When the next attempt is due (stored instant).
    public var nextAttemptAt: String
    /// The access point's answer (sent), the last error (deferred) or the reason (bounced).
    public var detail: String?

    /// `12  F2027-000001  invoice  0208:0403019261  sent  1  HTTP 202: {"id":"…"}`.
    public var line: String {
        var s = "\(id)\t\(invoiceNumber)\t\(documentType)\t\(receiver)\t\(state)\t\(attempts)"
        if state == "deferred" || state == "queued" { s += "\tnext \(nextAttemptAt)" }
        if let d = detail { s += "\t\(d)" }
        return s
    }
}

/// The Peppol outbox's operator verbs: list, hold, release, requeue (after Postfix's `postqueue -p`
/// and `postsuper -h/-H/-r`). Each change is recorded in `peppol_event` with the actor `operator`.
public enum PeppolAdmin {
    /// Why a verb could not apply.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// What is wrong, for the CLI.
        public var description: String
    }

    /// Documents, optionally of one state, oldest first.
    public static func list(store: LedgerStore, state: String? = nil) throws -> [PeppolListing] {
        try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, invoice_number, document_type, receiver, state, attempts, next_attempt_at,
                  CASE state WHEN 'sent' THEN reply WHEN 'bounced' THEN bounce_reason ELSE last_error END
                FROM peppol_document WHERE ?1 IS NULL OR state = ?1 ORDER BY id
                """, arguments: [state]).map {
                PeppolListing(id: $0[0], invoiceNumber: $0[1], documentType: $0[2], receiver: $0[3], state: $0[4], attempts: $0[5],
                              nextAttemptAt: $0[6], detail: $0[7])
            }
        }
    }

    /// Parks documents (queued or deferred) so no flush sends them.
    public static func hold(store: LedgerStore, _ keys: [String], now: Date) throws -> Int {
        try change(store: store, keys, from: ["queued", "deferred"], to: "hold", now: now)
    }

    /// Releases held documents: due at once.
    public static func release(store: LedgerStore, _ keys: [String], now: Date) throws -> Int {
        try change(store: store, keys, from: ["hold"], to: "queued", now: now)
    }

    /// Puts deferred or bounced documents back in the queue, due at once with a new lifetime
    /// (after the access point or the data was fixed).
    public static func requeue(store: LedgerStore, _ keys: [String], now: Date) throws -> Int {
        try change(store: store, keys, from: ["deferred", "bounced"], to: "queued", now: now, newLifetime: true)
    }

    /// `keys` are row ids or invoice numbers; unknown ones are an error and nothing changes.
    private static func change(store: LedgerStore, _ keys: [String], from: Set<String>, to: String, now: Date,
                               newLifetime: Bool = false) throws -> Int {
        let t = Instant.string(now)
        return try store.pool.write { db in
            var n = 0
            for k in keys {
                guard let r = try Row.fetchOne(db, sql: """
                    SELECT id, state FROM peppol_document WHERE invoice_number = ?1 OR CAST(id AS TEXT) = ?1 ORDER BY id DESC LIMIT 1
                    """, arguments: [k]) else { throw Problem(description: "no Peppol document \(k)") }
                let state: String = r[1]
                guard from.contains(state) else { continue }
                try db.execute(sql: """
                    UPDATE peppol_document SET state = ?, next_attempt_at = CASE WHEN ? = 'queued' THEN ? ELSE next_attempt_at END,
                      lifetime_from = CASE WHEN ? THEN ? ELSE lifetime_from END, bounce_reason = NULL, updated_at = ? WHERE id = ?
                    """, arguments: [to, to, t, newLifetime, t, t, r[0] as Int64])
                try PeppolQueue.appendEvent(db, document: r[0], at: t, from: state, to: to, actor: "operator", detail: nil)
                n += 1
            }
            return n
        }
    }
}
