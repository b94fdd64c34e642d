import GRDB

/// A contract row as the contracts file gives it, checked (`contract`, owner: Billing).
package struct ContractValues: Sendable, Equatable {
    /// `debtor_id`.
    package var debtorId: Int64
    /// `plan`.
    package var plan: String
    /// ISO 4217.
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
    /// `content_hash`.
    package var contentHash: Int64
    /// A plain decimal percentage, nil: `[billing] vat_rate`.
    package var vatRate: String?
    /// `vat_exemption`.
    package var vatExemption: String?

    /// The values of one contract row.
    package init(debtorId: Int64, plan: String, currency: String, monthlyPriceMinor: Int64, activationDate: String, priceAdjustedOn: String,
                indexSeries: String?, billingDay: Int?, paymentTermsDays: Int, indexFloor: Bool, status: ContractStatus, endDate: String?,
                contentHash: Int64, vatRate: String?, vatExemption: String?) {
        self.debtorId = debtorId
        self.plan = plan
        self.currency = currency
        self.monthlyPriceMinor = monthlyPriceMinor
        self.activationDate = activationDate
        self.priceAdjustedOn = priceAdjustedOn
        self.indexSeries = indexSeries
        self.billingDay = billingDay
        self.paymentTermsDays = paymentTermsDays
        self.indexFloor = indexFloor
        self.status = status
        self.endDate = endDate
        self.contentHash = contentHash
        self.vatRate = vatRate
        self.vatExemption = vatExemption
    }
}

/// A billing-run invoice about to enter the ledger: the `invoice` row (`source = 'billing'`) and its `billing_invoice` row.
package struct NewBillingInvoice: Sendable, Equatable {
    /// `invoice_number`.
    package var number: String
    /// `debtor_id`.
    package var debtorId: Int64
    /// `contract_id`.
    package var contractId: Int64
    /// `YYYY-MM`.
    package var period: String
    /// `issue_date`.
    package var issueDate: String
    /// `due_date`.
    package var dueDate: String
    /// `currency`.
    package var currency: String
    /// The amount including VAT (open in full).
    package var amountMinor: Int64
    /// `net_minor`.
    package var netMinor: Int64
    /// `vat_minor`.
    package var vatMinor: Int64
    /// The structured reference's twelve digits.
    package var structuredReference: String
    /// `description`.
    package var description: String
    /// `content_hash`.
    package var contentHash: Int64
    /// `sequence_name`.
    package var sequenceName: String
    /// `sequence_value`.
    package var sequenceValue: Int64
    /// The PDF, relative to the workspace.
    package var pdfPath: String
    /// `run_id`.
    package var runId: Int64?
    /// A stored instant.
    package var createdAt: String

    /// An invoice to insert.
    package init(number: String, debtorId: Int64, contractId: Int64, period: String, issueDate: String, dueDate: String, currency: String,
                amountMinor: Int64, netMinor: Int64, vatMinor: Int64, structuredReference: String, description: String, contentHash: Int64,
                sequenceName: String, sequenceValue: Int64, pdfPath: String, runId: Int64?, createdAt: String) {
        self.number = number
        self.debtorId = debtorId
        self.contractId = contractId
        self.period = period
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.currency = currency
        self.amountMinor = amountMinor
        self.netMinor = netMinor
        self.vatMinor = vatMinor
        self.structuredReference = structuredReference
        self.description = description
        self.contentHash = contentHash
        self.sequenceName = sequenceName
        self.sequenceValue = sequenceValue
        self.pdfPath = pdfPath
        self.runId = runId
        self.createdAt = createdAt
    }
}

/// A credit note about to enter the ledger: an open `credit_note` invoice row (negative amounts,
/// `source = 'billing'`) and its `billing_credit_note` row.
package struct NewBillingCreditNote: Sendable, Equatable {
    /// `invoice_number`.
    package var number: String
    /// `debtor_id`.
    package var debtorId: Int64
    /// The `invoice.id` of the invoice it credits.
    package var creditedInvoiceId: Int64
    /// `reason`.
    package var reason: String
    /// Issued and due on this day.
    package var issueDate: String
    /// `currency`.
    package var currency: String
    /// The credited amount including VAT, negative (open in full).
    package var amountMinor: Int64
    /// Negative or zero.
    package var netMinor: Int64
    /// Negative or zero.
    package var vatMinor: Int64
    /// `structured_reference`.
    package var structuredReference: String
    /// `description`.
    package var description: String
    /// `content_hash`.
    package var contentHash: Int64
    /// `sequence_name`.
    package var sequenceName: String
    /// `sequence_value`.
    package var sequenceValue: Int64
    /// `pdf_path`.
    package var pdfPath: String
    /// `run_id`.
    package var runId: Int64?
    /// `created_at`.
    package var createdAt: String

    /// A credit note to insert.
    package init(number: String, debtorId: Int64, creditedInvoiceId: Int64, reason: String, issueDate: String, currency: String,
                amountMinor: Int64, netMinor: Int64, vatMinor: Int64, structuredReference: String, description: String, contentHash: Int64,
                sequenceName: String, sequenceValue: Int64, pdfPath: String, runId: Int64?, createdAt: String) {
        self.number = number
        self.debtorId = debtorId
        self.creditedInvoiceId = creditedInvoiceId
        self.reason = reason
        self.issueDate = issueDate
        self.currency = currency
        self.amountMinor = amountMinor
        self.netMinor = netMinor
        self.vatMinor = vatMinor
        self.structuredReference = structuredReference
        self.description = description
        self.contentHash = contentHash
        self.sequenceName = sequenceName
        self.sequenceValue = sequenceValue
        self.pdfPath = pdfPath
        self.runId = runId
        self.createdAt = createdAt
    }
}

/// Billing's writes (owner: Billing), in the caller's transaction.
package enum BillingCommands {
    /// Inserts contract `key`, read from ingest `batch`.
    package static func insertContract(_ db: Database, key: String, _ v: ContractValues, batch: Int64?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO contract (contract_key, debtor_id, plan, currency, monthly_price_minor, activation_date,
              price_adjusted_on, index_series, billing_day, payment_terms_days, index_floor, status, end_date,
              content_hash, created_ingest_id, updated_ingest_id, vat_rate, vat_exemption)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [key, v.debtorId, v.plan, v.currency, v.monthlyPriceMinor, v.activationDate,
                                     v.priceAdjustedOn, v.indexSeries, v.billingDay, v.paymentTermsDays, v.indexFloor, v.status,
                                     v.endDate, v.contentHash, batch, batch, v.vatRate, v.vatExemption])
    }

    /// Updates contract `id` from ingest `batch`; `keepPrice` keeps the stored price and its
    /// `price_adjusted_on` (the billing run indexed it after the file's date).
    package static func updateContract(_ db: Database, id: Int64, _ v: ContractValues, keepPrice: Bool, batch: Int64?) throws {
        try db.cachedStatement(sql: """
            UPDATE contract SET debtor_id = ?, plan = ?, currency = ?,
              monthly_price_minor = CASE WHEN ? THEN monthly_price_minor ELSE ? END,
              price_adjusted_on = CASE WHEN ? THEN price_adjusted_on ELSE ? END,
              activation_date = ?, index_series = ?, billing_day = ?, payment_terms_days = ?, index_floor = ?,
              status = ?, end_date = ?, content_hash = ?, updated_ingest_id = ?, vat_rate = ?, vat_exemption = ?
            WHERE id = ?
            """).execute(arguments: [v.debtorId, v.plan, v.currency, keepPrice, v.monthlyPriceMinor, keepPrice,
                                     v.priceAdjustedOn, v.activationDate, v.indexSeries, v.billingDay, v.paymentTermsDays,
                                     v.indexFloor, v.status, v.endDate, v.contentHash, batch, v.vatRate, v.vatExemption, id])
    }

    /// Inserts a usage row (quantity and unit price as plain decimals).
    package static func insertUsage(_ db: Database, contract: Int64, month: String, item: String, quantity: String, unitPrice: String,
                                   contentHash: Int64, batch: Int64?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO contract_usage (contract_id, month, item, quantity, unit_price, content_hash, ingest_id)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [contract, month, item, quantity, unitPrice, contentHash, batch])
    }

    /// Updates usage row `id`.
    package static func updateUsage(_ db: Database, id: Int64, quantity: String, unitPrice: String, contentHash: Int64,
                                   batch: Int64?) throws {
        try db.execute(sql: "UPDATE contract_usage SET quantity = ?, unit_price = ?, content_hash = ?, ingest_id = ? WHERE id = ?",
                       arguments: [quantity, unitPrice, contentHash, batch, id])
    }

    /// Inserts or replaces an index value (as published).
    package static func upsertIndex(_ db: Database, series: String, month: String, value: String, batch: Int64?) throws {
        try db.cachedStatement(sql: """
            INSERT INTO price_index (series, month, value, ingest_id) VALUES (?, ?, ?, ?)
            ON CONFLICT (series, month) DO UPDATE SET value = excluded.value, ingest_id = excluded.ingest_id
            """).execute(arguments: [series, month, value, batch])
    }

    /// Inserts an invoice of the billing run (open, its whole amount open) and its billing row;
    /// returns the `invoice.id`.
    package static func insertInvoice(_ db: Database, _ i: NewBillingInvoice) throws -> Int64 {
        let total = i.amountMinor
        try db.cachedStatement(sql: """
            INSERT INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor,
              structured_reference, description, status, source, content_hash)
            VALUES (?, ?, 'invoice', ?, ?, ?, ?, ?, ?, ?, 'open', 'billing', ?)
            """).execute(arguments: [i.number, i.debtorId, i.issueDate, i.dueDate, i.currency, total, total, i.structuredReference,
                                     i.description, i.contentHash])
        let invoiceID = db.lastInsertedRowID
        try db.cachedStatement(sql: """
            INSERT INTO billing_invoice (invoice_id, contract_id, period, sequence_name, sequence_value, net_minor, vat_minor,
              pdf_path, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [invoiceID, i.contractId, i.period, i.sequenceName, i.sequenceValue, i.netMinor, i.vatMinor,
                                     i.pdfPath, i.runId, i.createdAt])
        return invoiceID
    }

    /// Inserts an invoice's lines (their `invoiceId` and `position` as given).
    package static func insertLines(_ db: Database, _ lines: [BillingLineRecord]) throws {
        let line = try db.cachedStatement(sql: """
            INSERT INTO billing_line (invoice_id, position, kind, description, service_month, quantity, unit_price, net_minor,
              vat_rate, vat_minor, old_price_minor, new_price_minor, factor, actual_index_month, actual_index, base_index_month,
              base_index, index_series, rounding, usage_id, vat_exemption) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for l in lines {
            try line.execute(arguments: [
                l.invoiceId, l.position, l.kind, l.description, l.serviceMonth, l.quantity, l.unitPrice, l.netMinor, l.vatRate,
                l.vatMinor, l.oldPriceMinor, l.newPriceMinor, l.factor, l.actualIndexMonth, l.actualIndex, l.baseIndexMonth,
                l.baseIndex, l.indexSeries, l.rounding, l.usageId, l.vatExemption,
            ])
        }
    }

    /// Sets a contract's price in force after an indexation, effective `adjustedOn`.
    package static func setContractPrice(_ db: Database, contract id: Int64, minor: Int64, adjustedOn: String) throws {
        try db.execute(sql: "UPDATE contract SET monthly_price_minor = ?, price_adjusted_on = ? WHERE id = ?",
                       arguments: [minor, adjustedOn, id])
    }

    /// Clears a contract's reactivation fee (its invoice carries it).
    package static func clearReactivationFee(_ db: Database, contract id: Int64) throws {
        try db.execute(sql: "UPDATE contract SET reactivation_fee_due = 0 WHERE id = ?", arguments: [id])
    }

    /// Inserts a credit note and its billing row; returns its `invoice.id`.
    @discardableResult
    package static func insertCreditNote(_ db: Database, _ c: NewBillingCreditNote) throws -> Int64 {
        let total = c.amountMinor
        try db.execute(sql: """
            INSERT INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor,
              structured_reference, description, status, source, content_hash)
            VALUES (?, ?, 'credit_note', ?, ?, ?, ?, ?, ?, ?, 'open', 'billing', ?)
            """, arguments: [c.number, c.debtorId, c.issueDate, c.issueDate, c.currency, total, total, c.structuredReference,
                             c.description, c.contentHash])
        let id = db.lastInsertedRowID
        try db.execute(sql: """
            INSERT INTO billing_credit_note (invoice_id, credited_invoice_id, reason, sequence_name, sequence_value, net_minor,
              vat_minor, pdf_path, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, c.creditedInvoiceId, c.reason, c.sequenceName, c.sequenceValue, c.netMinor, c.vatMinor, c.pdfPath,
                             c.runId, c.createdAt])
        return id
    }

    /// Records the UBL file of invoice (or credit note) `number`, relative to the workspace.
    package static func setUBLPath(_ db: Database, number: String, creditNote: Bool, path: String) throws {
        let table = creditNote ? "billing_credit_note" : "billing_invoice"
        try db.execute(sql: "UPDATE \(table) SET ubl_path = ? WHERE invoice_id = (SELECT id FROM invoice WHERE invoice_number = ?)",
                       arguments: [path, number])
    }

    /// The suspension flow: contract `id` is overdue and its formal notice queued on `day`.
    package static func flagOverdue(_ db: Database, contract id: Int64, day: String) throws {
        try db.execute(sql: "UPDATE contract SET overdue_since = ?, notice_on = ? WHERE id = ?", arguments: [day, day, id])
    }

    /// The suspension flow: contract `id` is suspended for non-payment on `day`.
    package static func suspend(_ db: Database, contract id: Int64, day: String) throws {
        try db.execute(sql: "UPDATE contract SET suspended_on = ? WHERE id = ?", arguments: [day, id])
    }

    /// The suspension flow: contract `id` was paid before its suspension; flag and notice cleared.
    package static func cure(_ db: Database, contract id: Int64) throws {
        try db.execute(sql: "UPDATE contract SET overdue_since = NULL, notice_on = NULL WHERE id = ?", arguments: [id])
    }

    /// The suspension flow: suspended contract `id` is paid and active again on `day`; its next invoice carries the fee.
    package static func reactivate(_ db: Database, contract id: Int64, day: String) throws {
        try db.execute(sql: """
            UPDATE contract SET suspended_on = NULL, notice_on = NULL, overdue_since = NULL, reactivated_on = ?,
              reactivation_fee_due = 1 WHERE id = ?
            """, arguments: [day, id])
    }
}
