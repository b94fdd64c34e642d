import Foundation
import GRDB
import Store

/// One document of the Peppol outbox, as `relance peppol list` shows it.
package struct PeppolListing: Sendable, Equatable {
    /// The id.
    package var id: Int64
    /// The invoice number.
    package var invoiceNumber: String
    /// The document type.
    package var documentType: PeppolDocumentType
    /// The receiver.
    package var receiver: String
    /// queued, active, deferred, hold, sent or bounced.
    package var state: PeppolState
    /// Attempts so far.
    package var attempts: Int
    /// When the next attempt is due (stored instant).
    package var nextAttemptAt: String
    /// The access point's answer (sent), the last error (deferred) or the reason (bounced).
    package var detail: String?

    /// `12  F2027-000001  invoice  0208:0403019261  sent  1  HTTP 202: {"id":"…"}`.
    package var line: String {
        var s = "\(id)\t\(invoiceNumber)\t\(documentType.rawValue)\t\(receiver)\t\(state.rawValue)\t\(attempts)"
        if state == .deferred || state == .queued { s += "\tnext \(nextAttemptAt)" }
        if let d = detail { s += "\t\(d)" }
        return s
    }
}

/// The Peppol outbox's operator verbs: list, hold, release, requeue (after Postfix's `postqueue -p`
/// and `postsuper -h/-H/-r`). Each change is recorded in `peppol_event` with the actor `operator`.
package enum PeppolAdmin {
    /// Why a verb could not apply.
    package struct Problem: Error, Sendable, CustomStringConvertible {
        /// What is wrong, for the CLI.
        package var description: String
    }

    /// Documents, optionally of one state, oldest first.
    package static func list(store: LedgerStore, state: PeppolState? = nil) throws -> [PeppolListing] {
        try store.pool.read { db in
            try PeppolQueries.list(db, state: state).map {
                PeppolListing(id: $0.id, invoiceNumber: $0.invoiceNumber, documentType: $0.documentType, receiver: $0.receiver,
                              state: $0.state, attempts: $0.attempts, nextAttemptAt: $0.nextAttemptAt, detail: $0.detail)
            }
        }
    }

    /// Parks documents (queued or deferred) so no flush sends them.
    package static func hold(store: LedgerStore, _ keys: [String], now: Date) throws -> Int {
        try change(store: store, keys, from: [.queued, .deferred], to: .hold, now: now)
    }

    /// Releases held documents: due at once.
    package static func release(store: LedgerStore, _ keys: [String], now: Date) throws -> Int {
        try change(store: store, keys, from: [.hold], to: .queued, now: now)
    }

    /// Puts deferred or bounced documents back in the queue, due at once with a new lifetime
    /// (after the access point or the data was fixed).
    package static func requeue(store: LedgerStore, _ keys: [String], now: Date) throws -> Int {
        try change(store: store, keys, from: [.deferred, .bounced], to: .queued, now: now, newLifetime: true)
    }

    /// `keys` are row ids or invoice numbers; unknown ones are an error and nothing changes.
    private static func change(store: LedgerStore, _ keys: [String], from: Set<PeppolState>, to: PeppolState, now: Date,
                               newLifetime: Bool = false) throws -> Int {
        let t = Instant.string(now)
        return try store.pool.write { db in
            var n = 0
            for k in keys {
                guard let (id, state) = try PeppolQueries.find(db, key: k) else { throw Problem(description: "no Peppol document \(k)") }
                guard from.contains(state) else { continue }
                try PeppolCommands.operatorChange(db, document: id, from: state, to: to, newLifetime: newLifetime, at: t)
                n += 1
            }
            return n
        }
    }
}
