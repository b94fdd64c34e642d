import GRDB

/// One row of `run`: a command invocation in the run ledger.
public struct RunRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "run"
    public var id: Int64?
    public var command: String
    public var asOf: String?
    public var startedAt: String
    public var finishedAt: String?
    public var outcome: String
    public var exitCode: Int?
    public var summary: String?
    /// The process that runs (ran) it; nil for runs recorded before migration 0016.
    public var pid: Int32?

    enum CodingKeys: String, CodingKey {
        case id, command, asOf = "as_of", startedAt = "started_at", finishedAt = "finished_at"
        case outcome, exitCode = "exit_code", summary, pid
    }

    public init(command: String, asOf: String?, startedAt: String) {
        self.command = command
        self.asOf = asOf
        self.startedAt = startedAt
        self.outcome = "running"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of `ingest_batch`: one input file read by one ingest command.
public struct IngestBatchRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "ingest_batch"
    public var id: Int64?
    public var runId: Int64?
    public var kind: String
    public var fileName: String
    public var filePath: String
    public var fileBytes: Int64
    public var fileHash: String
    public var encoding: String
    public var snapshot: Bool
    public var asOf: String
    public var startedAt: String
    public var finishedAt: String
    public var rowsRead: Int
    public var rowsImported: Int
    public var rowsUpdated: Int
    public var rowsUnchanged: Int
    public var rowsRejected: Int
    public var closedBySnapshot: Int

    enum CodingKeys: String, CodingKey {
        case id, runId = "run_id", kind, fileName = "file_name", filePath = "file_path"
        case fileBytes = "file_bytes", fileHash = "file_hash", encoding, snapshot, asOf = "as_of"
        case startedAt = "started_at", finishedAt = "finished_at", rowsRead = "rows_read"
        case rowsImported = "rows_imported", rowsUpdated = "rows_updated"
        case rowsUnchanged = "rows_unchanged", rowsRejected = "rows_rejected"
        case closedBySnapshot = "closed_by_snapshot"
    }

    /// A batch about to be read: counts zero, finished when started.
    public init(runId: Int64?, kind: String, fileName: String, filePath: String, encoding: String, snapshot: Bool,
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

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of `debtor`.
public struct DebtorRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "debtor"
    public var id: Int64
    public var debtorKey: String
    public var name: String
    public var kind: String
    public var vatNumber: String?
    public var email: String?
    public var language: String
    public var street: String?
    public var postalCode: String?
    public var city: String?
    public var country: String
    public var phone: String?
    public var paymentTermsDays: Int?
    public var onHold: Bool
    public var paperlessSince: String?
    public var contentHash: Int64
    public var createdBatchId: Int64?
    public var updatedBatchId: Int64?

    enum CodingKeys: String, CodingKey {
        case paperlessSince = "paperless_since"
        case id, debtorKey = "debtor_key", name, kind, vatNumber = "vat_number", email, language
        case street, postalCode = "postal_code", city, country, phone
        case paymentTermsDays = "payment_terms_days", onHold = "on_hold", contentHash = "content_hash"
        case createdBatchId = "created_batch_id", updatedBatchId = "updated_batch_id"
    }
}

/// One row of `invoice` (invoices and credit notes).
public struct InvoiceRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "invoice"
    public var id: Int64
    public var invoiceNumber: String
    public var debtorId: Int64
    public var type: String
    public var issueDate: String
    public var dueDate: String
    public var currency: String
    public var amountMinor: Int64
    public var reportedOpenMinor: Int64?
    /// The ingest batch that last changed `reportedOpenMinor`.
    public var reportedBatchId: Int64?
    public var openMinor: Int64
    public var structuredReference: String?
    public var description: String?
    public var disputed: Bool
    public var status: String
    public var closedReason: String?
    public var closedOn: String?
    public var source: String
    public var contentHash: Int64
    public var createdBatchId: Int64?
    public var updatedBatchId: Int64?

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
public struct PaymentRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "payment"
    public var id: Int64
    public var paymentKey: String
    public var paymentDate: String
    public var currency: String
    public var amountMinor: Int64
    public var invoiceNumber: String?
    public var structuredReference: String?
    public var debtorKey: String?
    public var unappliedMinor: Int64
    public var unappliedReason: String?
    /// True when the payment comes from the accounting system whose invoice exports already reflect it.
    public var booked: Bool
    public var source: String
    public var contentHash: Int64
    public var createdBatchId: Int64?
    public var updatedBatchId: Int64?

    enum CodingKeys: String, CodingKey {
        case id, paymentKey = "payment_key", paymentDate = "payment_date", currency
        case amountMinor = "amount_minor", invoiceNumber = "invoice_number"
        case structuredReference = "structured_reference", debtorKey = "debtor_key"
        case unappliedMinor = "unapplied_minor", unappliedReason = "unapplied_reason", booked, source
        case contentHash = "content_hash", createdBatchId = "created_batch_id", updatedBatchId = "updated_batch_id"
    }
}

/// One row of `payment_allocation`: part of a payment applied to one invoice, with the rule that matched.
public struct PaymentAllocationRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "payment_allocation"
    public var id: Int64?
    public var paymentId: Int64
    public var invoiceId: Int64
    public var amountMinor: Int64
    public var rule: String
    public var batchId: Int64?

    enum CodingKeys: String, CodingKey {
        case id, paymentId = "payment_id", invoiceId = "invoice_id", amountMinor = "amount_minor", rule
        case batchId = "batch_id"
    }
}

/// One row of `record_change`: the history of a changed debtor, invoice or payment.
public struct RecordChangeRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "record_change"
    public var id: Int64?
    public var batchId: Int64
    public var entity: String
    public var entityKey: String
    public var change: String
    /// JSON object of the changed fields' old values.
    public var oldValues: String
    /// JSON object of the changed fields' new values.
    public var newValues: String

    enum CodingKeys: String, CodingKey {
        case id, batchId = "batch_id", entity, entityKey = "entity_key", change
        case oldValues = "old_values", newValues = "new_values"
    }
}
