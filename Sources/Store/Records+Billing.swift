import Foundation
import GRDB

/// How a debtor gets its billing invoices (`billing_channel.channel`).
package enum InvoiceChannel: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    /// UBL over Peppol (with the PDF inside).
    case peppol
    /// PDF by e-mail.
    case email
}

/// A contract's status as the contracts file gives it (`contract.status`).
package enum ContractStatus: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case active, suspended, terminated
}

/// The kind of file a `billing_ingest` row records (`billing_ingest.kind`).
package enum BillingFileKind: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case contracts, usage, index
}

/// What an invoice line bills (`billing_line.kind`).
package enum BillingLineKind: String, DatabaseValueConvertible, Codable, Sendable, CaseIterable {
    case subscription, usage, fee
}

/// One row of `billing_ingest`: one contracts, usage or index file read (owner: Billing).
package struct BillingIngestRecord: Codable, FetchableRecord, MutablePersistableRecord, Sendable {
    package static let databaseTableName = "billing_ingest"
    package var id: Int64?
    package var runId: Int64?
    package var kind: BillingFileKind
    package var fileName: String
    package var filePath: String
    package var fileBytes: Int64
    /// FNV-1a 64 of the file's bytes, hexadecimal.
    package var fileHash: String
    package var asOf: String
    package var startedAt: String
    package var finishedAt: String
    package var rowsRead: Int
    package var rowsImported: Int
    package var rowsUpdated: Int
    package var rowsUnchanged: Int
    package var rowsRejected: Int

    enum CodingKeys: String, CodingKey {
        case id, runId = "run_id", kind, fileName = "file_name", filePath = "file_path", fileBytes = "file_bytes"
        case fileHash = "file_hash", asOf = "as_of", startedAt = "started_at", finishedAt = "finished_at"
        case rowsRead = "rows_read", rowsImported = "rows_imported", rowsUpdated = "rows_updated"
        case rowsUnchanged = "rows_unchanged", rowsRejected = "rows_rejected"
    }

    /// A file about to be read: counts zero, finished when started.
    package init(runId: Int64?, kind: BillingFileKind, fileName: String, filePath: String, asOf: String, startedAt: String) {
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

    package mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One row of `contract`: a subscription billed monthly, with its suspension state (owner: Billing).
package struct ContractRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "contract"
    package var id: Int64
    package var contractKey: String
    package var debtorId: Int64
    package var plan: String
    package var currency: String
    /// The price in force, in minor units; the billing run's indexation updates it.
    package var monthlyPriceMinor: Int64
    package var activationDate: String
    /// The day the price in force was set (the base index is the month before this day's month).
    package var priceAdjustedOn: String
    /// The index series the price follows; nil: not indexed.
    package var indexSeries: String?
    /// Day of the month its invoices are dated; nil: the workspace's `billing.billing_day`.
    package var billingDay: Int?
    package var paymentTermsDays: Int
    /// A falling index never lowers the price.
    package var indexFloor: Bool
    /// As the contracts file says.
    package var status: ContractStatus
    package var endDate: String?
    /// The day an invoice of the contract was first seen unpaid past its due date and grace.
    package var overdueSince: String?
    /// The day the formal notice was queued.
    package var noticeOn: String?
    /// The day Billing suspended the contract for non-payment (nil: not suspended by Billing).
    package var suspendedOn: String?
    package var reactivatedOn: String?
    /// The next invoice carries the reactivation fee.
    package var reactivationFeeDue: Bool
    package var contentHash: Int64
    package var createdIngestId: Int64?
    package var updatedIngestId: Int64?

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
package struct ContractUsageRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "contract_usage"
    package var id: Int64?
    package var contractId: Int64
    /// `YYYY-MM`.
    package var month: String
    package var item: String
    /// A plain decimal, as in the file (`12`, `1.5`).
    package var quantity: String
    /// A plain decimal in major units, as in the file (`0.085`): unit prices may be below the cent.
    package var unitPrice: String
    package var contentHash: Int64
    package var ingestId: Int64?

    enum CodingKeys: String, CodingKey {
        case id, contractId = "contract_id", month, item, quantity, unitPrice = "unit_price"
        case contentHash = "content_hash", ingestId = "ingest_id"
    }
}

/// One row of `price_index`: a published index value (owner: Billing; the user maintains the file).
package struct PriceIndexRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "price_index"
    package var series: String
    /// `YYYY-MM`.
    package var month: String
    /// The value exactly as published, a plain decimal (`115.50`).
    package var value: String
    package var ingestId: Int64?

    enum CodingKeys: String, CodingKey { case series, month, value, ingestId = "ingest_id" }
}

/// One row of `billing_invoice`: the Billing side of an `invoice` row (owner: Billing).
package struct BillingInvoiceRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "billing_invoice"
    package var invoiceId: Int64
    package var contractId: Int64
    /// `YYYY-MM`: the period billed.
    package var period: String
    package var sequenceName: String
    package var sequenceValue: Int64
    package var netMinor: Int64
    package var vatMinor: Int64
    /// The PDF, relative to the workspace.
    package var pdfPath: String
    package var runId: Int64?
    package var createdAt: String

    enum CodingKeys: String, CodingKey {
        case invoiceId = "invoice_id", contractId = "contract_id", period, sequenceName = "sequence_name"
        case sequenceValue = "sequence_value", netMinor = "net_minor", vatMinor = "vat_minor", pdfPath = "pdf_path"
        case runId = "run_id", createdAt = "created_at"
    }
}

/// One row of `billing_line`: an invoice line with its VAT and, when indexed, how (owner: Billing).
package struct BillingLineRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "billing_line"
    package var id: Int64?
    package var invoiceId: Int64
    package var position: Int
    package var kind: BillingLineKind
    package var description: String
    /// `YYYY-MM`: the month the line pays for.
    package var serviceMonth: String
    package var quantity: String
    /// A plain decimal in major units (`100.00`, `0.085`).
    package var unitPrice: String
    package var netMinor: Int64
    /// Percent, a plain decimal (`21`).
    package var vatRate: String
    package var vatMinor: Int64
    package var oldPriceMinor: Int64?
    package var newPriceMinor: Int64?
    package var factor: String?
    package var actualIndexMonth: String?
    package var actualIndex: String?
    package var baseIndexMonth: String?
    package var baseIndex: String?
    package var indexSeries: String?
    /// The rounding applied to the new price (`half-up to the minor unit, once`).
    package var rounding: String?
    /// The usage row a usage line bills (each usage row is billed once).
    package var usageId: Int64?
    /// The VAT exemption code of a 0 % line (`VATEX-EU-AE`), migration 0019.
    package var vatExemption: String?

    /// A line with its required columns; the indexation, usage and exemption columns start nil.
    package init(invoiceId: Int64, position: Int, kind: BillingLineKind, description: String, serviceMonth: String, quantity: String,
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
package enum BillingSequence {
    /// Takes the next value of sequence `name` (1 for a new one). Call it inside the transaction
    /// that inserts the invoice: a rolled-back invoice gives its number back.
    package static func next(_ db: Database, name: String) throws -> Int64 {
        try db.cachedStatement(sql: """
            INSERT INTO billing_sequence (name, last_value) VALUES (?, 1)
            ON CONFLICT (name) DO UPDATE SET last_value = last_value + 1
            """).execute(arguments: [name])
        return try Int64.fetchOne(db, sql: "SELECT last_value FROM billing_sequence WHERE name = ?", arguments: [name]) ?? 0
    }

    /// The last value taken from sequence `name` (0 when none yet).
    package static func last(_ db: Database, name: String) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT last_value FROM billing_sequence WHERE name = ?", arguments: [name]) ?? 0
    }
}

/// How a debtor receives its billing invoices (`billing_channel`, owner: Billing).
package enum BillingChannelRecord {
    /// The stored channel and Peppol id of a debtor, nil when none was set.
    package static func fetch(_ db: Database, debtorID: Int64) throws -> (channel: InvoiceChannel, peppolID: String?)? {
        guard let r = try Row.fetchOne(db, sql: "SELECT channel, peppol_id FROM billing_channel WHERE debtor_id = ?",
                                       arguments: [debtorID]) else { return nil }
        return (r[0], r[1])
    }

    /// Sets (replaces) a debtor's channel.
    package static func set(_ db: Database, debtorID: Int64, channel: InvoiceChannel, peppolID: String?, at now: Date) throws {
        try db.execute(sql: """
            INSERT INTO billing_channel (debtor_id, channel, peppol_id, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT (debtor_id) DO UPDATE SET channel = excluded.channel, peppol_id = excluded.peppol_id,
              updated_at = excluded.updated_at
            """, arguments: [debtorID, channel, peppolID, Instant.string(now)])
    }
}

/// One row of `billing_sequence`: the last number given in one invoice numbering sequence.
package struct BillingSequenceRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "billing_sequence"
    /// The sequence's name (its prefix and year).
    package var name: String
    /// The last number given (0: none yet).
    package var lastValue: Int64

    /// Every column.
    package init(name: String, lastValue: Int64) {
        self.name = name
        self.lastValue = lastValue
    }

    enum CodingKeys: String, CodingKey {
        case name, lastValue = "last_value"
    }
}

/// One row of `billing_channel`: how a debtor gets its billing invoices (owner: Billing). The name
/// `BillingChannelRecord` is the table's read and write functions.
package struct DebtorBillingChannelRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "billing_channel"
    /// The debtor (primary key).
    package var debtorID: Int64
    /// Peppol or e-mail.
    package var channel: InvoiceChannel
    /// The debtor's Peppol participant id (`0208:…`), for the Peppol channel.
    package var peppolID: String?
    /// When it last changed, an `Instant` string.
    package var updatedAt: String

    /// Every column.
    package init(debtorID: Int64, channel: InvoiceChannel, peppolID: String?, updatedAt: String) {
        self.debtorID = debtorID
        self.channel = channel
        self.peppolID = peppolID
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case debtorID = "debtor_id", channel, peppolID = "peppol_id", updatedAt = "updated_at"
    }
}

/// One row of `billing_credit_note`: a credit note that cancels one billing invoice (owner: Billing).
package struct BillingCreditNoteRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "billing_credit_note"
    /// The credit note's ledger invoice (primary key).
    package var invoiceID: Int64
    /// The billing invoice it credits.
    package var creditedInvoiceID: Int64
    /// Why, as given.
    package var reason: String
    /// The numbering sequence it took its number from.
    package var sequenceName: String
    /// Its number in that sequence.
    package var sequenceValue: Int64
    /// Net amount, minor units (zero or negative).
    package var netMinor: Int64
    /// VAT amount, minor units (zero or negative).
    package var vatMinor: Int64
    /// The PDF written.
    package var pdfPath: String
    /// The UBL written, for a Peppol debtor.
    package var ublPath: String?
    /// The run that wrote it.
    package var runID: Int64?
    /// When, an `Instant` string.
    package var createdAt: String

    /// Every column.
    package init(invoiceID: Int64, creditedInvoiceID: Int64, reason: String, sequenceName: String, sequenceValue: Int64, netMinor: Int64, vatMinor: Int64, pdfPath: String, ublPath: String?, runID: Int64?, createdAt: String) {
        self.invoiceID = invoiceID
        self.creditedInvoiceID = creditedInvoiceID
        self.reason = reason
        self.sequenceName = sequenceName
        self.sequenceValue = sequenceValue
        self.netMinor = netMinor
        self.vatMinor = vatMinor
        self.pdfPath = pdfPath
        self.ublPath = ublPath
        self.runID = runID
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case invoiceID = "invoice_id", creditedInvoiceID = "credited_invoice_id", reason, sequenceName = "sequence_name"
        case sequenceValue = "sequence_value", netMinor = "net_minor", vatMinor = "vat_minor", pdfPath = "pdf_path"
        case ublPath = "ubl_path", runID = "run_id", createdAt = "created_at"
    }
}
