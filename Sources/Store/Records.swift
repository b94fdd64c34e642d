import GRDB

/// One row of `run`: a command invocation in the run ledger.
package struct RunRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    package static let databaseTableName = "run"
    package var id: Int64?
    package var command: String
    package var asOf: String?
    package var startedAt: String
    package var finishedAt: String?
    package var outcome: String
    package var exitCode: Int?
    package var summary: String?
    /// The process that runs (ran) it; nil for runs recorded before migration 0016.
    package var pid: Int32?

    enum CodingKeys: String, CodingKey {
        case id, command, asOf = "as_of", startedAt = "started_at", finishedAt = "finished_at"
        case outcome, exitCode = "exit_code", summary, pid
    }

    package init(command: String, asOf: String?, startedAt: String) {
        self.command = command
        self.asOf = asOf
        self.startedAt = startedAt
        self.outcome = "running"
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of `ingest_batch`: one input file read by one ingest command.
package struct IngestBatchRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    package static let databaseTableName = "ingest_batch"
    package var id: Int64?
    package var runId: Int64?
    package var kind: String
    package var fileName: String
    package var filePath: String
    package var fileBytes: Int64
    package var fileHash: String
    package var encoding: String
    package var snapshot: Bool
    package var asOf: String
    package var startedAt: String
    package var finishedAt: String
    package var rowsRead: Int
    package var rowsImported: Int
    package var rowsUpdated: Int
    package var rowsUnchanged: Int
    package var rowsRejected: Int
    package var closedBySnapshot: Int

    enum CodingKeys: String, CodingKey {
        case id, runId = "run_id", kind, fileName = "file_name", filePath = "file_path"
        case fileBytes = "file_bytes", fileHash = "file_hash", encoding, snapshot, asOf = "as_of"
        case startedAt = "started_at", finishedAt = "finished_at", rowsRead = "rows_read"
        case rowsImported = "rows_imported", rowsUpdated = "rows_updated"
        case rowsUnchanged = "rows_unchanged", rowsRejected = "rows_rejected"
        case closedBySnapshot = "closed_by_snapshot"
    }

    /// A batch about to be read: counts zero, finished when started.
    package init(runId: Int64?, kind: String, fileName: String, filePath: String, encoding: String, snapshot: Bool,
                asOf: String, startedAt: String) {
        self.runId = runId
        self.kind = kind
        self.fileName = fileName
        self.filePath = filePath
        self.fileBytes = 0
        self.fileHash = ""
        self.encoding = encoding
        self.snapshot = snapshot
        self.asOf = asOf
        self.startedAt = startedAt
        self.finishedAt = startedAt
        self.rowsRead = 0
        self.rowsImported = 0
        self.rowsUpdated = 0
        self.rowsUnchanged = 0
        self.rowsRejected = 0
        self.closedBySnapshot = 0
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of `debtor`.
package struct DebtorRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "debtor"
    package var id: Int64
    package var debtorKey: String
    package var name: String
    package var kind: String
    package var vatNumber: String?
    package var email: String?
    package var language: String
    package var street: String?
    package var postalCode: String?
    package var city: String?
    package var country: String
    package var phone: String?
    package var paymentTermsDays: Int?
    package var onHold: Bool
    package var paperlessSince: String?
    package var contentHash: Int64
    package var createdBatchId: Int64?
    package var updatedBatchId: Int64?

    enum CodingKeys: String, CodingKey {
        case paperlessSince = "paperless_since"
        case id, debtorKey = "debtor_key", name, kind, vatNumber = "vat_number", email, language
        case street, postalCode = "postal_code", city, country, phone
        case paymentTermsDays = "payment_terms_days", onHold = "on_hold", contentHash = "content_hash"
        case createdBatchId = "created_batch_id", updatedBatchId = "updated_batch_id"
    }
}

/// One row of `invoice` (invoices and credit notes).
package struct InvoiceRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "invoice"
    package var id: Int64
    package var invoiceNumber: String
    package var debtorId: Int64
    package var type: String
    package var issueDate: String
    package var dueDate: String
    package var currency: String
    package var amountMinor: Int64
    package var reportedOpenMinor: Int64?
    /// The ingest batch that last changed `reportedOpenMinor`.
    package var reportedBatchId: Int64?
    package var openMinor: Int64
    package var structuredReference: String?
    package var description: String?
    package var disputed: Bool
    package var status: String
    package var closedReason: String?
    package var closedOn: String?
    package var source: String
    package var contentHash: Int64
    package var createdBatchId: Int64?
    package var updatedBatchId: Int64?

    enum CodingKeys: String, CodingKey {
        case id, invoiceNumber = "invoice_number", debtorId = "debtor_id", type
        case issueDate = "issue_date", dueDate = "due_date", currency, amountMinor = "amount_minor"
        case reportedOpenMinor = "reported_open_minor", reportedBatchId = "reported_batch_id", openMinor = "open_minor"
        case structuredReference = "structured_reference", description, disputed, status
        case closedReason = "closed_reason", closedOn = "closed_on", source, contentHash = "content_hash"
        case createdBatchId = "created_batch_id", updatedBatchId = "updated_batch_id"
    }
}

/// One row of `payment`.
package struct PaymentRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "payment"
    package var id: Int64
    package var paymentKey: String
    package var paymentDate: String
    package var currency: String
    package var amountMinor: Int64
    package var invoiceNumber: String?
    package var structuredReference: String?
    package var debtorKey: String?
    package var unappliedMinor: Int64
    package var unappliedReason: String?
    /// True when the payment comes from the accounting system whose invoice exports already reflect it.
    package var booked: Bool
    package var source: String
    package var contentHash: Int64
    package var createdBatchId: Int64?
    package var updatedBatchId: Int64?

    enum CodingKeys: String, CodingKey {
        case id, paymentKey = "payment_key", paymentDate = "payment_date", currency
        case amountMinor = "amount_minor", invoiceNumber = "invoice_number"
        case structuredReference = "structured_reference", debtorKey = "debtor_key"
        case unappliedMinor = "unapplied_minor", unappliedReason = "unapplied_reason", booked, source
        case contentHash = "content_hash", createdBatchId = "created_batch_id", updatedBatchId = "updated_batch_id"
    }
}

/// One row of `payment_allocation`: part of a payment applied to one invoice, with the rule that matched.
package struct PaymentAllocationRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "payment_allocation"
    package var id: Int64?
    package var paymentId: Int64
    package var invoiceId: Int64
    package var amountMinor: Int64
    package var rule: String
    package var batchId: Int64?

    enum CodingKeys: String, CodingKey {
        case id, paymentId = "payment_id", invoiceId = "invoice_id", amountMinor = "amount_minor", rule
        case batchId = "batch_id"
    }
}

/// One row of `record_change`: the history of a changed debtor, invoice or payment.
package struct RecordChangeRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "record_change"
    package var id: Int64?
    package var batchId: Int64
    package var entity: String
    package var entityKey: String
    package var change: String
    /// JSON object of the changed fields' old values.
    package var oldValues: String
    /// JSON object of the changed fields' new values.
    package var newValues: String

    enum CodingKeys: String, CodingKey {
        case id, batchId = "batch_id", entity, entityKey = "entity_key", change
        case oldValues = "old_values", newValues = "new_values"
    }
}

/// One row of `bank_statement`: one CODA or camt statement read (owner: Ingest).
package struct BankStatementRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "bank_statement"
    /// Row id (nil before insert).
    package var id: Int64?
    /// `coda` or `camt`.
    package var format: String
    /// What identifies the statement across files (unique).
    package var statementKey: String
    /// The account (IBAN) the statement is for.
    package var account: String
    /// ISO currency code.
    package var currency: String
    /// The statement's day, `YYYY-MM-DD`, when the file gives one.
    package var statementDate: String?
    /// Opening balance, minor units.
    package var oldBalanceMinor: Int64?
    /// Closing balance, minor units.
    package var newBalanceMinor: Int64?
    /// Movements read.
    package var movements: Int
    /// Credit movements (the payments it yielded).
    package var credits: Int
    /// The ingest batch that read it.
    package var batchID: Int64

    /// Every column.
    package init(id: Int64?, format: String, statementKey: String, account: String, currency: String, statementDate: String?, oldBalanceMinor: Int64?, newBalanceMinor: Int64?, movements: Int, credits: Int, batchID: Int64) {
        self.id = id
        self.format = format
        self.statementKey = statementKey
        self.account = account
        self.currency = currency
        self.statementDate = statementDate
        self.oldBalanceMinor = oldBalanceMinor
        self.newBalanceMinor = newBalanceMinor
        self.movements = movements
        self.credits = credits
        self.batchID = batchID
    }

    enum CodingKeys: String, CodingKey {
        case id, format, statementKey = "statement_key", account, currency, statementDate = "statement_date"
        case oldBalanceMinor = "old_balance_minor", newBalanceMinor = "new_balance_minor", movements, credits, batchID = "batch_id"
    }
}

/// One row of `debtor_account`: an IBAN known to belong to a debtor (owner: Ingest).
package struct DebtorAccountRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "debtor_account"
    /// The IBAN.
    package var iban: String
    /// The debtor it belongs to.
    package var debtorID: Int64
    /// The payment it was learned from, if any.
    package var learnedFromPaymentID: Int64?

    /// Every column.
    package init(iban: String, debtorID: Int64, learnedFromPaymentID: Int64?) {
        self.iban = iban
        self.debtorID = debtorID
        self.learnedFromPaymentID = learnedFromPaymentID
    }

    enum CodingKeys: String, CodingKey {
        case iban, debtorID = "debtor_id", learnedFromPaymentID = "learned_from_payment_id"
    }
}
