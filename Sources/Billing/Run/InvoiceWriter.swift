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
        if try BillingQueries.hasInvoice(db, contract: c.id, period: period.description) { return nil }
        let sequence = numbering.sequence(for: period)
        let value = try BillingSequence.next(db, name: sequence)
        let number = numbering.number(value, period: period)
        let reference = numbering.reference(value, period: period)
        if let source = try BillingQueries.invoiceSource(db, number: number) {
            throw BillingError.company("invoice number \(number) is already in the ledger (source \(source)); choose another billing.number_prefix")
        }
        let relative = folder + "/" + period.description + "/" + number + ".pdf"
        let description = d.lines.first.map { "\($0.description) \(period)" } ?? ""
        let hash = contentHash([number, String(c.debtorID), d.issue.description, d.due.description, String(d.total.minorUnits)])
        let invoiceID = try BillingCommands.insertInvoice(db, NewBillingInvoice(
            number: number, debtorId: c.debtorID, contractId: c.id, period: period.description, issueDate: d.issue.description,
            dueDate: d.due.description, currency: d.total.currency.code, amountMinor: d.total.minorUnits, netMinor: d.net.minorUnits,
            vatMinor: d.vat.minorUnits, structuredReference: reference.digits, description: description, contentHash: hash,
            sequenceName: sequence, sequenceValue: value, pdfPath: relative, runId: runID, createdAt: Instant.string(now)))
        try BillingCommands.insertLines(db, d.lines.enumerated().map { i, l in
            let x = l.indexation
            var r = BillingLineRecord(
                invoiceId: invoiceID, position: i + 1, kind: l.kind, description: l.description, serviceMonth: l.serviceMonth.description,
                quantity: BillingRounding.plain(l.quantity), unitPrice: BillingRounding.plain(l.unitPrice), netMinor: l.net.minorUnits,
                vatRate: l.vatRate.text, vatMinor: l.vat.minorUnits)
            if let x {
                r.oldPriceMinor = x.oldPrice.minorUnits
                r.newPriceMinor = x.newPrice.minorUnits
                r.factor = BillingRounding.plain(x.factor)
                r.actualIndexMonth = x.actualMonth.description
                r.actualIndex = x.actual.text
                r.baseIndexMonth = x.baseMonth.description
                r.baseIndex = x.base.text
                r.indexSeries = x.series
                r.rounding = BillingRounding.mode + (x.floored ? "; floor kept the old price" : "")
            }
            r.usageId = l.usageID
            r.vatExemption = l.vatExemption
            return r
        })
        if let x = d.indexation {
            try BillingCommands.setContractPrice(db, contract: c.id, minor: x.newPrice.minorUnits, adjustedOn: x.effective.description)
        }
        if d.chargesReactivationFee { try BillingCommands.clearReactivationFee(db, contract: c.id) }
        return (number, reference, relative)
    }

    /// Queues the invoice e-mail with the PDF attached (read at delivery time); false when the
    /// debtor has no usable address.
    func enqueue(_ d: DraftInvoice, number: String, reference: StructuredReference, to a: Addressee, pdf: String,
                 company: WorkspaceConfig.Company) throws -> Bool {
        guard let e = a.email, MailConfig.isUsableAddress(e), let address = EmailAddress(e) else { return false }
        let t = InvoiceTexts(language: a.language)
        var m = NewOutboxMessage(idempotencyKey: "billing:invoice:\(number)", origin: .billing,
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
