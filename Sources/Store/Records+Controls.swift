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

/// One row of `action_journal`, every column (append-only: the schema refuses UPDATE and DELETE).
package struct ActionJournalRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "action_journal"
    /// Row id (nil before insert).
    package var id: Int64?
    /// When, as an `Instant` string.
    package var at: String
    /// Who: the OS user at the host, or `relance`.
    package var who: String
    /// What (`hold`, `note`, `promise`, …; see `ActionJournal.Entry.action`).
    package var action: String
    /// The debtor it concerns, if any.
    package var debtorID: Int64?
    /// The invoice it concerns, if any.
    package var invoiceID: Int64?
    /// The payment it concerns, if any.
    package var paymentID: Int64?
    /// The details, as a JSON object.
    package var detail: String

    /// Every column.
    package init(id: Int64?, at: String, who: String, action: String, debtorID: Int64?, invoiceID: Int64?, paymentID: Int64?, detail: String) {
        self.id = id
        self.at = at
        self.who = who
        self.action = action
        self.debtorID = debtorID
        self.invoiceID = invoiceID
        self.paymentID = paymentID
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey {
        case id, at, who, action, debtorID = "debtor_id", invoiceID = "invoice_id", paymentID = "payment_id", detail
    }
}

/// One row of `debtor_note`: a person's free-text note on a debtor.
package struct DebtorNoteRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "debtor_note"
    /// Row id (nil before insert).
    package var id: Int64?
    /// The debtor.
    package var debtorID: Int64
    /// When, as an `Instant` string.
    package var at: String
    /// Who wrote it.
    package var who: String
    /// The note.
    package var text: String

    /// Every column.
    package init(id: Int64?, debtorID: Int64, at: String, who: String, text: String) {
        self.id = id
        self.debtorID = debtorID
        self.at = at
        self.who = who
        self.text = text
    }

    enum CodingKeys: String, CodingKey {
        case id, debtorID = "debtor_id", at, who, text
    }
}

/// One row of `external_reminder`: a reminder sent before Relance, read from a reminders file.
package struct ExternalReminderRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "external_reminder"
    /// Row id (nil before insert).
    package var id: Int64?
    /// The invoice reminded.
    package var invoiceID: Int64
    /// The day it was sent, `YYYY-MM-DD`.
    package var day: String
    /// The ladder step's index.
    package var stepIndex: Int
    /// The ladder step's name.
    package var step: String
    /// How it was sent, as the file gave it (`email`, `post`), if known.
    package var channel: String?
    /// The file it was read from.
    package var fileName: String
    /// The file's line.
    package var line: Int
    /// When it was recorded, an `Instant` string.
    package var at: String

    /// Every column.
    package init(id: Int64?, invoiceID: Int64, day: String, stepIndex: Int, step: String, channel: String?, fileName: String, line: Int, at: String) {
        self.id = id
        self.invoiceID = invoiceID
        self.day = day
        self.stepIndex = stepIndex
        self.step = step
        self.channel = channel
        self.fileName = fileName
        self.line = line
        self.at = at
    }

    enum CodingKeys: String, CodingKey {
        case id, invoiceID = "invoice_id", day, stepIndex = "step_index", step, channel, fileName = "file_name", line, at
    }
}

/// One row of `promise_to_pay`: a debtor's promise, by command or from an export.
package struct PromiseToPayRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "promise_to_pay"
    /// Row id (nil before insert).
    package var id: Int64?
    /// The debtor who promised.
    package var debtorID: Int64
    /// The promised day, `YYYY-MM-DD`.
    package var until: String
    /// A free-text note.
    package var note: String?
    /// When it was recorded, an `Instant` string.
    package var createdAt: String
    /// The promised amount, minor units, if given.
    package var amountMinor: Int64?
    /// The amount's currency.
    package var currency: String?
    /// The invoice numbers it covers, as stored (JSON).
    package var invoices: String?
    /// The day the promise was made.
    package var madeOn: String?
    /// Who took it.
    package var madeBy: String?
    /// The last day reminders pause for it.
    package var pauseUntil: String?
    /// A command or an export.
    package var source: PromiseSource
    /// Open, kept or broken.
    package var status: PromiseStatus
    /// The day it was marked kept or broken.
    package var statusOn: String?

    /// Every column.
    package init(id: Int64?, debtorID: Int64, until: String, note: String?, createdAt: String, amountMinor: Int64?, currency: String?, invoices: String?, madeOn: String?, madeBy: String?, pauseUntil: String?, source: PromiseSource, status: PromiseStatus, statusOn: String?) {
        self.id = id
        self.debtorID = debtorID
        self.until = until
        self.note = note
        self.createdAt = createdAt
        self.amountMinor = amountMinor
        self.currency = currency
        self.invoices = invoices
        self.madeOn = madeOn
        self.madeBy = madeBy
        self.pauseUntil = pauseUntil
        self.source = source
        self.status = status
        self.statusOn = statusOn
    }

    enum CodingKeys: String, CodingKey {
        case id, debtorID = "debtor_id", until, note, createdAt = "created_at", amountMinor = "amount_minor", currency, invoices
        case madeOn = "made_on", madeBy = "made_by", pauseUntil = "pause_until", source, status, statusOn = "status_on"
    }
}
