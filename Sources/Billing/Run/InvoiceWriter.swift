import Foundation
import GRDB
import Ledger
import Store
import Workspace

/// Writes one planned invoice inside the caller's transaction: the number taken from the gapless
/// sequence, the receivable, its billing lines, the contract's new price or cleared fee, and the
/// queued e-mail. Rolled back with the transaction, the number goes back to the sequence.
struct InvoiceWriter {
    let db: Database
    let period: Month
    let numbering: InvoiceNumbering
    /// The invoice folder, relative to the workspace.
    let folder: String
    let runID: Int64?
    let now: Date

    /// Writes the invoice; nil when the contract already has its invoice of the period (written by
    /// a concurrent run since the snapshot). Returns the number, reference and PDF path (relative).
    func write(_ d: DraftInvoice) throws -> (String, StructuredReference, String)? {
        let c = d.contract
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM billing_invoice WHERE contract_id = ? AND period = ?)",
                             arguments: [c.id, period.description]) == true {
            return nil
        }
        let sequence = numbering.sequence(for: period)
        let value = try BillingSequence.next(db, name: sequence)
        let number = numbering.number(value, period: period)
        let reference = numbering.reference(value, period: period)
        if let source = try String.fetchOne(db, sql: "SELECT source FROM invoice WHERE invoice_number = ?", arguments: [number]) {
            throw BillingError.company("invoice number \(number) is already in the ledger (source \(source)); choose another billing.number_prefix")
        }
        let relative = folder + "/" + period.description + "/" + number + ".pdf"
        let description = d.lines.first.map { "\($0.description) \(period)" } ?? ""
        let hash = contentHash([number, String(c.debtorID), d.issue.description, d.due.description, String(d.total.minorUnits)])
        try db.cachedStatement(sql: """
            INSERT INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor,
              structured_reference, description, status, source, content_hash)
            VALUES (?, ?, 'invoice', ?, ?, ?, ?, ?, ?, ?, 'open', 'billing', ?)
            """).execute(arguments: [number, c.debtorID, d.issue.description, d.due.description, d.total.currency.code,
                                     d.total.minorUnits, d.total.minorUnits, reference.digits, description, hash])
        let invoiceID = db.lastInsertedRowID
        try db.cachedStatement(sql: """
            INSERT INTO billing_invoice (invoice_id, contract_id, period, sequence_name, sequence_value, net_minor, vat_minor,
              pdf_path, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [invoiceID, c.id, period.description, sequence, value, d.net.minorUnits, d.vat.minorUnits,
                                     relative, runID, Instant.string(now)])
        let line = try db.cachedStatement(sql: """
            INSERT INTO billing_line (invoice_id, position, kind, description, service_month, quantity, unit_price, net_minor,
              vat_rate, vat_minor, old_price_minor, new_price_minor, factor, actual_index_month, actual_index, base_index_month,
              base_index, index_series, rounding, usage_id, vat_exemption) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for (i, l) in d.lines.enumerated() {
            let x = l.indexation
            try line.execute(arguments: [
                invoiceID, i + 1, l.kind.rawValue, l.description, l.serviceMonth.description, BillingRounding.plain(l.quantity),
                BillingRounding.plain(l.unitPrice), l.net.minorUnits, l.vatRate, l.vat.minorUnits, x?.oldPrice.minorUnits, x?.newPrice.minorUnits,
                x.map { BillingRounding.plain($0.factor) }, x?.actualMonth.description, x?.actual.text, x?.baseMonth.description,
                x?.base.text, x?.series, x == nil ? nil : BillingRounding.mode + (x!.floored ? "; floor kept the old price" : ""),
                l.usageID, l.vatExemption,
            ])
        }
        if let x = d.indexation {
            try db.execute(sql: "UPDATE contract SET monthly_price_minor = ?, price_adjusted_on = ? WHERE id = ?",
                           arguments: [x.newPrice.minorUnits, x.effective.description, c.id])
        }
        if d.chargesReactivationFee {
            try db.execute(sql: "UPDATE contract SET reactivation_fee_due = 0 WHERE id = ?", arguments: [c.id])
        }
        return (number, reference, relative)
    }

    /// Queues the invoice e-mail with the PDF attached (read at delivery time); false when the
    /// debtor has no usable address.
    func enqueue(_ d: DraftInvoice, number: String, reference: StructuredReference, to a: Addressee, pdf: String,
                 company: WorkspaceConfig.Company) throws -> Bool {
        guard let e = a.email, MailConfig.isUsableAddress(e), let address = EmailAddress(e) else { return false }
        let t = InvoiceTexts(language: a.language)
        var m = NewOutboxMessage(idempotencyKey: "billing:invoice:\(number)", origin: "billing",
                                 to: [OutboxMailbox(address, name: a.name)],
                                 subject: t.emailSubject(number: number, company: company.name),
                                 textBody: t.emailBody(number: number, total: d.total, due: d.due, reference: reference.formatted,
                                                       company: company.name))
        m.attachments = [OutboxAttachment(filename: number + ".pdf", content: .file(path: pdf))]
        m.references = [.invoice(InvoiceNumber(rawValue: number)), .debtor(DebtorID(rawValue: a.key)), .contract(d.contract.key)]
        try OutboxQueue.enqueue(db, m, at: now)
        return true
    }
}
