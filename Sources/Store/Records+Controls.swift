import Foundation
import GRDB
import Ledger

/// The append-only journal of a person's actions (`action_journal`): who, when, what, on what.
///
/// Rows are only ever inserted (the schema's triggers refuse UPDATE and DELETE). Writers call
/// `append` in the same transaction as the change it records.
package enum ActionJournal {
    /// One journal row, as `relance debtor show` lists it.
    package struct Entry: Sendable, Equatable {
        /// When, as an `Instant` string (UTC, milliseconds).
        package var at: String
        /// Who: the OS user at the host, or `relance` for automatic decisions.
        package var who: String
        /// What: `hold`, `release`, `direct-debit`, `dispute`, `resolve`, `promise`, `promise-kept`,
        /// `promise-broken`, `note`, `allocate`, `unallocate`, `external-reminder`.
        package var action: String
        /// The invoice it concerns, if any.
        package var invoiceNumber: String?
        /// The details, as a JSON object.
        package var detail: String
    }

    /// Appends one row.
    package static func append(_ db: Database, at: Date, who: String, action: String, debtorID: Int64?,
                              invoiceID: Int64? = nil, paymentID: Int64? = nil, detail: [String: String?] = [:]) throws {
        try db.cachedStatement(sql: """
            INSERT INTO action_journal (at, who, action, debtor_id, invoice_id, payment_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [Instant.string(at), who, action, debtorID, invoiceID, paymentID, JSONWriter.object(sortedKeys: detail)])
    }

    /// A debtor's journal, oldest first.
    package static func entries(_ db: Database, debtorID: Int64) throws -> [Entry] {
        try Row.fetchAll(db, sql: """
            SELECT j.at, j.who, j.action, i.invoice_number, j.detail FROM action_journal j
            LEFT JOIN invoice i ON i.id = j.invoice_id WHERE j.debtor_id = ? ORDER BY j.id
            """, arguments: [debtorID]).map { Entry(at: $0[0], who: $0[1], action: $0[2], invoiceNumber: $0[3], detail: $0[4]) }
    }

    /// Who runs this process: `$SUDO_USER` or `$USER` (else the numeric uid).
    package static func currentUser() -> String {
        let env = ProcessInfo.processInfo.environment
        let user = env["SUDO_USER"].flatMap { $0.isEmpty ? nil : $0 } ?? env["USER"].flatMap { $0.isEmpty ? nil : $0 }
        return user ?? "uid \(getuid())"
    }
}
