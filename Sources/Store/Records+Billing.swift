import Foundation
import GRDB

/// How a debtor gets its billing invoices (`billing_channel.channel`).
public enum InvoiceChannel: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    /// UBL over Peppol (with the PDF inside).
    case peppol
    /// PDF by e-mail.
    case email
}

/// A contract's status as the contracts file gives it (`contract.status`).
public enum ContractStatus: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case active, suspended, terminated
}

/// The kind of file a `billing_ingest` row records (`billing_ingest.kind`).
public enum BillingFileKind: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case contracts, usage, index
}

/// What an invoice line bills (`billing_line.kind`).
public enum BillingLineKind: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case subscription, usage, fee
}

/// One row of `billing_ingest`: one contracts, usage or index file read (owner: Billing).
public struct BillingIngestRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    public static let databaseTableName = "billing_ingest"
    public var id: Int64?
    public var runId: Int64?
    public var kind: BillingFileKind
    public var fileName: String
    public var filePath: String
    public var fileBytes: Int64
    /// FNV-1a 64 of the file's bytes, hexadecimal.
    public var fileHash: String
    public var asOf: String
    public var startedAt: String
    public var finishedAt: String
    public var rowsRead: Int
    public var rowsImported: Int
    public var rowsUpdated: Int
    public var rowsUnchanged: Int
    public var rowsRejected: Int

    enum CodingKeys: String, CodingKey {
        case id, runId = "run_id", kind, fileName = "file_name", filePath = "file_path", fileBytes = "file_bytes"
        case fileHash = "file_hash", asOf = "as_of", startedAt = "started_at", finishedAt = "finished_at"
        case rowsRead = "rows_read", rowsImported = "rows_imported", rowsUpdated = "rows_updated"
        case rowsUnchanged = "rows_unchanged", rowsRejected = "rows_rejected"
    }

    /// A file about to be read: counts zero, finished when started.
    public init(runId: Int64?, kind: BillingFileKind, fileName: String, filePath: String, asOf: String, startedAt: String) {
        self.runId = runId
        self.kind = kind
        self.fileName = fileName
        self.filePath = filePath
        self.fileBytes = 0
        self.fileHash = ""
        self.asOf = asOf
        self.startedAt = startedAt
        self.finishedAt = startedAt
        self.rowsRead = 0
        self.rowsImported = 0
        self.rowsUpdated = 0
        self.rowsUnchanged = 0
        self.rowsRejected = 0
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of `contract`: a subscription billed monthly, with its suspension state (owner: Billing).
public struct ContractRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "contract"
    public var id: Int64
    public var contractKey: String
    public var debtorId: Int64
    public var plan: String
    public var currency: String
    /// The price in force, in minor units; the billing run's indexation updates it.
    public var monthlyPriceMinor: Int64
    public var activationDate: String
    /// The day the price in force was set (the base index is the month before this day's month).
    public var priceAdjustedOn: String
    /// The index series the price follows; nil: not indexed.
    public var indexSeries: String?
    /// Day of the month its invoices are dated; nil: the workspace's `billing.billing_day`.
    public var billingDay: Int?
    public var paymentTermsDays: Int
    /// A falling index never lowers the price.
    public var indexFloor: Bool
    /// As the contracts file says.
    public var status: ContractStatus
    public var endDate: String?
    /// The day an invoice of the contract was first seen unpaid past its due date and grace.
    public var overdueSince: String?
    /// The day the formal notice was queued.
    public var noticeOn: String?
    /// The day Billing suspended the contract for non-payment (nil: not suspended by Billing).
    public var suspendedOn: String?
    public var reactivatedOn: String?
    /// The next invoice carries the reactivation fee.
    public var reactivationFeeDue: Bool
    public var contentHash: Int64
    public var createdIngestId: Int64?
    public var updatedIngestId: Int64?

    enum CodingKeys: String, CodingKey {
        case id, contractKey = "contract_key", debtorId = "debtor_id", plan, currency
        case monthlyPriceMinor = "monthly_price_minor", activationDate = "activation_date"
        case priceAdjustedOn = "price_adjusted_on", indexSeries = "index_series", billingDay = "billing_day"
        case paymentTermsDays = "payment_terms_days", indexFloor = "index_floor", status, endDate = "end_date"
        case overdueSince = "overdue_since", noticeOn = "notice_on", suspendedOn = "suspended_on"
        case reactivatedOn = "reactivated_on", reactivationFeeDue = "reactivation_fee_due"
        case contentHash = "content_hash", createdIngestId = "created_ingest_id", updatedIngestId = "updated_ingest_id"
    }
}

/// One row of `contract_usage`: extras of one month, billed in arrears (owner: Billing).
public struct ContractUsageRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "contract_usage"
    public var id: Int64?
    public var contractId: Int64
    /// `YYYY-MM`.
    public var month: String
    public var item: String
    /// A plain decimal, as in the file (`12`, `1.5`).
    public var quantity: String
    /// A plain decimal in major units, as in the file (`0.085`): unit prices may be below the cent.
    public var unitPrice: String
    public var contentHash: Int64
    public var ingestId: Int64?

    enum CodingKeys: String, CodingKey {
        case id, contractId = "contract_id", month, item, quantity, unitPrice = "unit_price"
        case contentHash = "content_hash", ingestId = "ingest_id"
    }
}

/// One row of `price_index`: a published index value (owner: Billing; the user maintains the file).
public struct PriceIndexRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "price_index"
    public var series: String
    /// `YYYY-MM`.
    public var month: String
    /// The value exactly as published, a plain decimal (`115.50`).
    public var value: String
    public var ingestId: Int64?

    enum CodingKeys: String, CodingKey { case series, month, value, ingestId = "ingest_id" }
}

/// One row of `billing_invoice`: the Billing side of an `invoice` row (owner: Billing).
public struct BillingInvoiceRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "billing_invoice"
    public var invoiceId: Int64
    public var contractId: Int64
    /// `YYYY-MM`: the period billed.
    public var period: String
    public var sequenceName: String
    public var sequenceValue: Int64
    public var netMinor: Int64
    public var vatMinor: Int64
    /// The PDF, relative to the workspace.
    public var pdfPath: String
    public var runId: Int64?
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case invoiceId = "invoice_id", contractId = "contract_id", period, sequenceName = "sequence_name"
        case sequenceValue = "sequence_value", netMinor = "net_minor", vatMinor = "vat_minor", pdfPath = "pdf_path"
        case runId = "run_id", createdAt = "created_at"
    }
}

/// One row of `billing_line`: an invoice line with its VAT and, when indexed, how (owner: Billing).
public struct BillingLineRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    public static let databaseTableName = "billing_line"
    public var id: Int64?
    public var invoiceId: Int64
    public var position: Int
    public var kind: BillingLineKind
    public var description: String
    /// `YYYY-MM`: the month the line pays for.
    public var serviceMonth: String
    public var quantity: String
    /// A plain decimal in major units (`100.00`, `0.085`).
    public var unitPrice: String
    public var netMinor: Int64
    /// Percent, a plain decimal (`21`).
    public var vatRate: String
    public var vatMinor: Int64
    public var oldPriceMinor: Int64?
    public var newPriceMinor: Int64?
    public var factor: String?
    public var actualIndexMonth: String?
    public var actualIndex: String?
    public var baseIndexMonth: String?
    public var baseIndex: String?
    public var indexSeries: String?
    /// The rounding applied to the new price (`half-up to the minor unit, once`).
    public var rounding: String?
    /// The usage row a usage line bills (each usage row is billed once).
    public var usageId: Int64?
    /// The VAT exemption code of a 0 % line (`VATEX-EU-AE`), migration 0019.
    public var vatExemption: String?

    /// A line with its required columns; the indexation, usage and exemption columns start nil.
    public init(invoiceId: Int64, position: Int, kind: BillingLineKind, description: String, serviceMonth: String, quantity: String,
                unitPrice: String, netMinor: Int64, vatRate: String, vatMinor: Int64) {
        self.invoiceId = invoiceId
        self.position = position
        self.kind = kind
        self.description = description
        self.serviceMonth = serviceMonth
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.netMinor = netMinor
        self.vatRate = vatRate
        self.vatMinor = vatMinor
    }

    enum CodingKeys: String, CodingKey {
        case usageId = "usage_id", vatExemption = "vat_exemption"
        case id, invoiceId = "invoice_id", position, kind, description, serviceMonth = "service_month", quantity
        case unitPrice = "unit_price", netMinor = "net_minor", vatRate = "vat_rate", vatMinor = "vat_minor"
        case oldPriceMinor = "old_price_minor", newPriceMinor = "new_price_minor", factor
        case actualIndexMonth = "actual_index_month", actualIndex = "actual_index", baseIndexMonth = "base_index_month"
        case baseIndex = "base_index", indexSeries = "index_series", rounding
    }
}

/// The gapless invoice-number sequences (`billing_sequence`).
public enum BillingSequence {
    /// Takes the next value of sequence `name` (1 for a new one). Call it inside the transaction
    /// that inserts the invoice: a rolled-back invoice gives its number back.
    public static func next(_ db: Database, name: String) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO billing_sequence (name, last_value) VALUES (?, 1)
            ON CONFLICT (name) DO UPDATE SET last_value = last_value + 1
            """).execute(arguments: [name])
        return try Int64.fetchOne(db, sql: "SELECT last_value FROM billing_sequence WHERE name = ?", arguments: [name]) ?? 0
    }

    /// The last value taken from sequence `name` (0 when none yet).
    public static func last(_ db: Database, name: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT last_value FROM billing_sequence WHERE name = ?", arguments: [name]) ?? 0
    }
}

/// How a debtor receives its billing invoices (`billing_channel`, owner: Billing).
public enum BillingChannelRecord {
    /// The stored channel and Peppol id of a debtor, nil when none was set.
    public static func fetch(_ db: Database, debtorID: Int64) throws -> (channel: InvoiceChannel, peppolID: String?)? {
        guard let r = try Row.fetchOne(db, sql: "SELECT channel, peppol_id FROM billing_channel WHERE debtor_id = ?",
                                       arguments: [debtorID]) else { return nil }
        return (r[0], r[1])
    }

    /// Sets (replaces) a debtor's channel.
    public static func set(_ db: Database, debtorID: Int64, channel: InvoiceChannel, peppolID: String?, at now: Date) throws {
        try db.execute(sql: """
            INSERT INTO billing_channel (debtor_id, channel, peppol_id, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (debtor_id) DO UPDATE SET channel = excluded.channel, peppol_id = excluded.peppol_id,
              updated_at = excluded.updated_at
            """, arguments: [debtorID, channel, peppolID, Instant.string(now)])
    }
}
