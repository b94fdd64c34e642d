import GRDB

/// A contract to invoice in a period, with its debtor and invoice channel (the billing run's snapshot).
package struct BillingContractRow: FetchableRecord, Sendable {
    /// `id`.
    package var id: Int64
    /// `contract_key`.
    package var contractKey: String
    /// `debtor_id`.
    package var debtorId: Int64
    /// `debtor_key`.
    package var debtorKey: String
    /// `language`.
    package var language: String
    /// `plan`.
    package var plan: String
    /// `currency`.
    package var currency: String
    /// `monthly_price_minor`.
    package var monthlyPriceMinor: Int64
    /// `activation_date`.
    package var activationDate: String
    /// `price_adjusted_on`.
    package var priceAdjustedOn: String
    /// `index_series`.
    package var indexSeries: String?
    /// `billing_day`.
    package var billingDay: Int?
    /// `payment_terms_days`.
    package var paymentTermsDays: Int
    /// `index_floor`.
    package var indexFloor: Bool
    /// `status`.
    package var status: ContractStatus
    /// `end_date`.
    package var endDate: String?
    /// `suspended_on`.
    package var suspendedOn: String?
    /// `reactivation_fee_due`.
    package var reactivationFeeDue: Bool
    /// `name`.
    package var name: String
    /// `street`.
    package var street: String?
    /// `postal_code`.
    package var postalCode: String?
    /// `city`.
    package var city: String?
    /// `country`.
    package var country: String
    /// `email`.
    package var email: String?
    /// `vat_number`.
    package var vatNumber: String?
    /// The contract already has its invoice of the period.
    package var invoiced: Bool
    /// `vat_rate`.
    package var vatRate: String?
    /// `vat_exemption`.
    package var vatExemption: String?
    /// The debtor's kind (`b2b`, `b2c`).
    package var debtorKind: String
    /// `channel`.
    package var channel: InvoiceChannel?
    /// `peppol_id`.
    package var peppolID: String?

    /// Decodes a row of `BillingQueries.contracts`.
    package init(row r: Row) throws {
        id = r[0]; contractKey = r[1]; debtorId = r[2]; debtorKey = r[3]; language = r[4]; plan = r[5]; currency = r[6]
        monthlyPriceMinor = r[7]; activationDate = r[8]; priceAdjustedOn = r[9]; indexSeries = r[10]; billingDay = r[11]
        paymentTermsDays = r[12]; indexFloor = r[13]; status = r[14]; endDate = r[15]; suspendedOn = r[16]
        reactivationFeeDue = r[17]; name = r[18]; street = r[19]; postalCode = r[20]; city = r[21]; country = r[22]
        email = r[23]; vatNumber = r[24]; invoiced = r[25]; vatRate = r[26]; vatExemption = r[27]; debtorKind = r[28]
        channel = r[29]; peppolID = r[30]
    }
}

/// A usage row not billed yet, from a month before the period.
package struct BillingUsageRow: FetchableRecord, Sendable {
    /// `id`.
    package var id: Int64
    /// `contract_id`.
    package var contractId: Int64
    /// `YYYY-MM`.
    package var month: String
    /// `item`.
    package var item: String
    /// `quantity`.
    package var quantity: String
    /// `unit_price`.
    package var unitPrice: String
    /// `currency`.
    package var currency: String
    /// Its contract ended before the period.
    package var contractEnded: Bool

    /// Decodes a row of `BillingQueries.unbilledUsage`.
    package init(row r: Row) throws {
        id = r[0]; contractId = r[1]; month = r[2]; item = r[3]; quantity = r[4]; unitPrice = r[5]; currency = r[6]
        contractEnded = r[7]
    }
}

/// An invoice of the billing run, with its contract and debtor, as a credit note needs it.
package struct BilledInvoiceRow: Sendable {
    /// `invoice_id`.
    package var invoiceId: Int64
    /// `issue_date`.
    package var issueDate: String
    /// `currency`.
    package var currency: String
    /// `net_minor`.
    package var netMinor: Int64
    /// `vat_minor`.
    package var vatMinor: Int64
    /// `YYYY-MM`.
    package var period: String
    /// `contract_id`.
    package var contractId: Int64
    /// `contract_key`.
    package var contractKey: String
    /// `debtor_id`.
    package var debtorId: Int64
    /// `debtor_key`.
    package var debtorKey: String
    /// `language`.
    package var language: String
    /// `plan`.
    package var plan: String
    /// `monthly_price_minor`.
    package var monthlyPriceMinor: Int64
    /// `activation_date`.
    package var activationDate: String
    /// `payment_terms_days`.
    package var paymentTermsDays: Int
    /// `name`.
    package var name: String
    /// `street`.
    package var street: String?
    /// `postal_code`.
    package var postalCode: String?
    /// `city`.
    package var city: String?
    /// `country`.
    package var country: String
    /// `email`.
    package var email: String?
    /// `vat_number`.
    package var vatNumber: String?
    /// `kind`.
    package var debtorKind: String
    /// `channel`.
    package var channel: InvoiceChannel?
    /// `peppol_id`.
    package var peppolID: String?
}

/// A contract the suspension check looks at, with its oldest unpaid (undisputed) billing invoice.
package struct SuspensionCandidateRow: Sendable {
    /// `id`.
    package var id: Int64
    /// `contract_key`.
    package var contractKey: String
    /// `overdue_since`.
    package var overdueSince: String?
    /// `notice_on`.
    package var noticeOn: String?
    /// `suspended_on`.
    package var suspendedOn: String?
    /// The due day of the oldest open, undisputed billing invoice with something open.
    package var oldestDue: String?
    /// `oldest_number`.
    package var oldestInvoice: String?
    /// What is open on its undisputed billing invoices, in minor units.
    package var openMinor: Int64
    /// `currency`.
    package var currency: String
    /// `debtor_key`.
    package var debtorKey: String
    /// `name`.
    package var name: String
    /// `street`.
    package var street: String?
    /// `postal_code`.
    package var postalCode: String?
    /// `city`.
    package var city: String?
    /// `country`.
    package var country: String
    /// `email`.
    package var email: String?
    /// `language`.
    package var language: String
}

/// A debtor as the channel rule sees it.
package struct BillingDebtorIdentity: Sendable, Equatable {
    /// `id`.
    package var id: Int64
    /// `b2b` or `b2c`.
    package var kind: String
    /// `country`.
    package var country: String
    /// `vat_number`.
    package var vatNumber: String?
}

/// Billing's reads: its own tables, and the `debtor` and `invoice` facts it needs (owner: Billing).
package enum BillingQueries {
    /// Debtor ids by `debtor_key`.
    package static func debtorIDs(_ db: Database) throws -> [String: Int64] {
        try ids(db, sql: "SELECT debtor_key, id FROM debtor")
    }

    /// Contract ids by `contract_key`.
    package static func contractIDs(_ db: Database) throws -> [String: Int64] {
        try ids(db, sql: "SELECT contract_key, id FROM contract")
    }

    /// The rows of `sql` (a key, an id) as ids by key.
    private static func ids(_ db: Database, sql: String) throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        let rows = try Row.fetchCursor(db, sql: sql)
        while let r = try rows.next() { ids[r[0]] = r[1] }
        return ids
    }

    /// A stored contract's id, content hash and `price_adjusted_on`.
    package static func contract(_ db: Database, key: String) throws -> (id: Int64, contentHash: Int64, priceAdjustedOn: String)? {
        guard let r = try Row.fetchOne(db, sql: "SELECT id, content_hash, price_adjusted_on FROM contract WHERE contract_key = ?",
                                       arguments: [key]) else { return nil }
        return (r[0], r[1], r[2])
    }

    /// A stored usage row's id and content hash.
    package static func usage(_ db: Database, contract: Int64, month: String, item: String) throws -> (id: Int64, contentHash: Int64)? {
        guard let r = try Row.fetchOne(db, sql: "SELECT id, content_hash FROM contract_usage WHERE contract_id = ? AND month = ? AND item = ?",
                                       arguments: [contract, month, item]) else { return nil }
        return (r[0], r[1])
    }

    /// The number of the invoice that billed usage row `usage`, nil when not billed.
    package static func invoiceBilling(_ db: Database, usage: Int64) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT i.invoice_number FROM billing_line l JOIN invoice i ON i.id = l.invoice_id WHERE l.usage_id = ?
            """, arguments: [usage])
    }

    /// The stored value of an index month, as published.
    package static func indexValue(_ db: Database, series: String, month: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT value FROM price_index WHERE series = ? AND month = ?", arguments: [series, month])
    }

    /// The number of an invoice indexed with `series` of `month` (as its actual or base month), nil when none.
    package static func invoiceIndexedWith(_ db: Database, series: String, month: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT i.invoice_number FROM billing_line l JOIN invoice i ON i.id = l.invoice_id
            WHERE l.index_series = ?1 AND (l.actual_index_month = ?2 OR l.base_index_month = ?2) LIMIT 1
            """, arguments: [series, month])
    }

    /// The contracts active by `lastDay` (the period's last day), in contract order, with whether
    /// each has its invoice of `period` already; streamed.
    package static func contracts(_ db: Database, period: String, lastDay: String) throws -> RecordCursor<BillingContractRow> {
        try BillingContractRow.fetchCursor(db, sql: """
            SELECT c.id, c.contract_key, c.debtor_id, d.debtor_key, d.language, c.plan, c.currency, c.monthly_price_minor,
              c.activation_date, c.price_adjusted_on, c.index_series, c.billing_day, c.payment_terms_days, c.index_floor,
              c.status, c.end_date, c.suspended_on, c.reactivation_fee_due,
              d.name, d.street, d.postal_code, d.city, d.country, d.email, d.vat_number,
              EXISTS (SELECT 1 FROM billing_invoice b WHERE b.contract_id = c.id AND b.period = ?1) AS done,
              c.vat_rate, c.vat_exemption, d.kind, ch.channel, ch.peppol_id
            FROM contract c JOIN debtor d ON d.id = c.debtor_id LEFT JOIN billing_channel ch ON ch.debtor_id = d.id
            WHERE c.activation_date <= ?2
            ORDER BY c.contract_key
            """, arguments: [period, lastDay])
    }

    /// The usage rows of months before `period` not billed yet, by contract, month and item; streamed.
    package static func unbilledUsage(_ db: Database, period: String, firstDay: String) throws -> RecordCursor<BillingUsageRow> {
        try BillingUsageRow.fetchCursor(db, sql: """
            SELECT u.id, u.contract_id, u.month, u.item, u.quantity, u.unit_price, c.currency,
              c.end_date IS NOT NULL AND c.end_date < ?2 AS ended
            FROM contract_usage u JOIN contract c ON c.id = u.contract_id
            WHERE u.month < ?1 AND NOT EXISTS (SELECT 1 FROM billing_line l WHERE l.usage_id = u.id)
            ORDER BY u.contract_id, u.month, u.item
            """, arguments: [period, firstDay])
    }

    /// Every index value: series, month and the value as published; streamed.
    package static func indexValues(_ db: Database) throws -> RecordCursor<PriceIndexRecord> {
        try PriceIndexRecord.fetchCursor(db, sql: "SELECT series, month, value, ingest_id FROM price_index")
    }

    /// Whether `contract` has its invoice of `period`.
    package static func hasInvoice(_ db: Database, contract: Int64, period: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM billing_invoice WHERE contract_id = ? AND period = ?)",
                          arguments: [contract, period]) == true
    }

    /// The `source` of the ledger's invoice `number`, nil when there is none.
    package static func invoiceSource(_ db: Database, number: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT source FROM invoice WHERE invoice_number = ?", arguments: [number])
    }

    /// Whether the ledger has an invoice or credit note `number`.
    package static func invoiceExists(_ db: Database, number: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM invoice WHERE invoice_number = ?)", arguments: [number]) == true
    }

    /// The number of the credit note that credits invoice `id`, nil when none does.
    package static func creditNoteCrediting(_ db: Database, invoice id: Int64) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT i.invoice_number FROM billing_credit_note c JOIN invoice i ON i.id = c.invoice_id WHERE c.credited_invoice_id = ?
            """, arguments: [id])
    }

    /// The billing run's invoice `number` with its contract and debtor, nil when it is not one.
    package static func billedInvoice(_ db: Database, number: String) throws -> BilledInvoiceRow? {
        guard let r = try Row.fetchOne(db, sql: """
            SELECT i.id, i.issue_date, i.currency, b.net_minor, b.vat_minor, b.period, c.id, c.contract_key, c.debtor_id, d.debtor_key,
              d.language, c.plan, c.monthly_price_minor, c.activation_date, c.payment_terms_days,
              d.name, d.street, d.postal_code, d.city, d.country, d.email, d.vat_number, d.kind, ch.channel, ch.peppol_id
            FROM invoice i JOIN billing_invoice b ON b.invoice_id = i.id JOIN contract c ON c.id = b.contract_id
              JOIN debtor d ON d.id = i.debtor_id LEFT JOIN billing_channel ch ON ch.debtor_id = d.id
            WHERE i.invoice_number = ?
            """, arguments: [number]) else { return nil }
        return BilledInvoiceRow(
            invoiceId: r[0], issueDate: r[1], currency: r[2], netMinor: r[3], vatMinor: r[4], period: r[5], contractId: r[6],
            contractKey: r[7], debtorId: r[8], debtorKey: r[9], language: r[10], plan: r[11], monthlyPriceMinor: r[12],
            activationDate: r[13], paymentTermsDays: r[14], name: r[15], street: r[16], postalCode: r[17], city: r[18], country: r[19],
            email: r[20], vatNumber: r[21], debtorKind: r[22], channel: r[23], peppolID: r[24])
    }

    /// An invoice's billing lines, in position order.
    package static func lines(_ db: Database, invoice id: Int64) throws -> [BillingLineRecord] {
        try BillingLineRecord.fetchAll(db, sql: "SELECT * FROM billing_line WHERE invoice_id = ? ORDER BY position", arguments: [id])
    }

    /// The contracts the suspension check looks at (active, or suspended by Billing), in contract order.
    package static func suspensionCandidates(_ db: Database) throws -> [SuspensionCandidateRow] {
        try Row.fetchAll(db, sql: """
            SELECT c.id, c.contract_key, c.overdue_since, c.notice_on, c.suspended_on,
              (SELECT i.due_date FROM billing_invoice bi JOIN invoice i ON i.id = bi.invoice_id
               WHERE bi.contract_id = c.id AND i.status = 'open' AND i.open_minor > 0 AND i.disputed = 0
               ORDER BY i.due_date, i.invoice_number LIMIT 1) AS oldest_due,
              (SELECT i.invoice_number FROM billing_invoice bi JOIN invoice i ON i.id = bi.invoice_id
               WHERE bi.contract_id = c.id AND i.status = 'open' AND i.open_minor > 0 AND i.disputed = 0
               ORDER BY i.due_date, i.invoice_number LIMIT 1) AS oldest_number,
              (SELECT COALESCE(SUM(i.open_minor), 0) FROM billing_invoice bi JOIN invoice i ON i.id = bi.invoice_id
               WHERE bi.contract_id = c.id AND i.status = 'open' AND i.disputed = 0) AS open_total,
              c.currency, d.debtor_key, d.name, d.street, d.postal_code, d.city, d.country, d.email, d.language
            FROM contract c JOIN debtor d ON d.id = c.debtor_id
            WHERE c.status = \(ContractStatus.active.sqlLiteral) OR c.suspended_on IS NOT NULL
            ORDER BY c.contract_key
            """).map { r in
            SuspensionCandidateRow(id: r[0], contractKey: r[1], overdueSince: r[2], noticeOn: r[3], suspendedOn: r[4], oldestDue: r[5],
                                   oldestInvoice: r[6], openMinor: r[7], currency: r[8], debtorKey: r[9], name: r[10], street: r[11],
                                   postalCode: r[12], city: r[13], country: r[14], email: r[15], language: r[16])
        }
    }

    /// The debtor `key`'s id and what the channel rule needs, nil when unknown.
    package static func debtorIdentity(_ db: Database, key: String) throws -> BillingDebtorIdentity? {
        guard let r = try Row.fetchOne(db, sql: "SELECT id, kind, country, vat_number FROM debtor WHERE debtor_key = ?", arguments: [key])
        else { return nil }
        return BillingDebtorIdentity(id: r[0], kind: r[1], country: r[2], vatNumber: r[3])
    }
}
