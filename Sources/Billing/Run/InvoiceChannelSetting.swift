import Foundation
import GRDB
import Ledger
import Store

/// `relance billing channel DEBTOR peppol|email [--peppol-id SCHEME:ID]`: how a debtor receives
/// its billing invoices, and what the run will do with it.
package enum InvoiceChannelSetting {
    /// Why a channel cannot be set.
    package enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// No debtor has that key.
        case unknownDebtor(String)
        /// The debtor cannot be reached over Peppol with what the ledger knows (the rule's message).
        case refused(PeppolRefusal)

        /// For the CLI.
        package var description: String {
            switch self {
            case .unknownDebtor(let k): "debtor \(k) is not in the ledger"
            case .refused(let r): r.description
            }
        }
    }

    /// Sets the channel (replacing any earlier choice) and returns the one in force with the Peppol
    /// participant id it routes to, `0208:0403019261`, or nil for e-mail.
    /// - Throws: ``Problem`` when the debtor is unknown, or Peppol is asked for a debtor without a
    ///   valid enterprise number or Peppol id.
    @discardableResult
    package static func set(store: LedgerStore, debtor key: String, channel: InvoiceChannel, peppolID: String?,
                           now: Date) throws -> String? {
        try store.pool.write { db in
            guard let r = try BillingQueries.debtorIdentity(db, key: key) else { throw Problem.unknownDebtor(key) }
            let identity = BuyerIdentity(kind: r.kind, country: r.country, vatNumber: r.vatNumber, channel: channel, peppolID: peppolID)
            var participant: String? = nil
            if channel == .peppol {
                do {
                    let e = try identity.endpoint()
                    participant = "\(e.scheme):\(e.id)"
                } catch let refusal as PeppolRefusal { throw Problem.refused(refusal) }
            }
            try BillingChannelRecord.set(db, debtorID: r.id, channel: channel, peppolID: peppolID, at: now)
            return participant
        }
    }
}
