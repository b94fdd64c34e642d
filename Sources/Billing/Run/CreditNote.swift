import Foundation
import GRDB
import Ledger
import Letters
import Store
import Workspace

/// What a credit note did.
package struct CreditNoteResult: Sendable, Equatable {
    /// The credit note's number (`FC2027-000001`) and the invoice it credits.
    package var number: String
    /// The number of the invoice it credits.
    package var credits: String
    /// The credited amount including VAT (positive).
    package var total: Money
    /// `peppol` (UBL queued) or `email` (PDF queued, or PDF only without an address).
    package var channel: String
    /// The PDF and, on Peppol, the UBL file (relative to the workspace).
    package var pdf: String
    /// The UBL file (relative), on Peppol.
    package var ubl: String?

    /// One line for people.
    package var text: String {
        "credit note \(number) on \(credits): \(total.currency.code) \(total.decimalString) incl. VAT, by \(channel)"
            + (ubl.map { "; UBL \($0)" } ?? "")
    }
}

/// `relance billing credit INVOICE --reason TEXT`: a billing correction. The whole invoice is
/// credited (every line, the same VAT), under its own gapless sequence (`FC2027-000001`, the
/// invoice prefix followed by `C`), as a PDF and, for a debtor on Peppol, a UBL `CreditNote` (381)
/// that refers to the invoice (`BillingReference`). The credit note enters the ledger as an open
/// `credit_note` (negative amount, `source = 'billing'`), like one from an export: the dunning run
/// counts it in the debtor's balance; the credited invoice itself stays open. Written in one
/// transaction; a second credit of the same invoice is refused.
package enum CreditNoteIssue {
    /// Issues the credit note of `invoice`, dated `issue`; throws ``BillingError`` (nothing written) when it cannot.
    package static func run(store: LedgerStore, workspace: Workspace, config: WorkspaceConfig, invoice number: String, reason: String,
                           issue: Day, runID: Int64? = nil, now: () -> Date = Date.init) throws -> CreditNoteResult {
        let why = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !why.isEmpty else { throw BillingError.credit("give the reason (--reason)") }
        let base = config.billing.numbering
        let numbering = InvoiceNumbering(prefix: base.prefix + "C", digits: base.digits, perYear: base.perYear)
        let period = Month(issue)
        let folder = workspace.path(config.billing.invoiceDir + "/" + period.description)
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw BillingError.cannotWrite(folder)
        }
        return try store.pool.write { db in
            let (original, draft, addressee) = try load(db, number: number, issue: issue)
            if let done = try BillingQueries.creditNoteCrediting(db, invoice: original.id) {
                throw BillingError.credit("invoice \(number) was already credited by \(done)")
            }
            let channel = addressee.identity?.resolvedChannel ?? .email
            var composer: PeppolComposer? = nil
            if channel == .peppol {
                let c = try PeppolComposer(company: config.company)
                do { try c.preview(draft, to: addressee) } catch { throw BillingError.credit("debtor \(addressee.key): \(error)") }
                composer = c
            }
            let sequence = numbering.sequence(for: period)
            let value = try BillingSequence.next(db, name: sequence)
            let cn = numbering.number(value, period: period)
            let reference = numbering.reference(value, period: period)
            if try BillingQueries.invoiceExists(db, number: cn) {
                throw BillingError.company("credit note number \(cn) is already in the ledger; choose another billing.number_prefix")
            }
            let relative = config.billing.invoiceDir + "/" + period.description + "/" + cn + ".pdf"
            try BillingCommands.insertCreditNote(db, NewBillingCreditNote(
                number: cn, debtorId: draft.contract.debtorID, creditedInvoiceId: original.id, reason: why, issueDate: issue.description,
                currency: draft.total.currency.code, amountMinor: -draft.total.minorUnits, netMinor: -draft.net.minorUnits,
                vatMinor: -draft.vat.minorUnits, structuredReference: reference.digits, description: "credit \(number): \(why)",
                contentHash: contentHash([cn, number, issue.description, String(draft.total.minorUnits)]), sequenceName: sequence,
                sequenceValue: value, pdfPath: relative, runId: runID, createdAt: Instant.string(now())))
            let path = workspace.path(relative)
            let letter = DocumentComposer(company: config.company).creditNote(draft, number: cn, reference: reference, credits: number, reason: why, to: addressee)
            if let error = LetterRenderer.renderAll([(letter, path)], concurrency: 1).first ?? nil {
                throw BillingError.render(cn, "\(error)")
            }
            var ubl: String? = nil
            if let composer {
                let job = PeppolJob(draft: draft, number: cn, reference: reference, addressee: addressee, pdf: path,
                                    relative: String(relative.dropLast(4)) + ".xml", composer: composer,
                                    credits: (number, original.issue))
                try job.write(db, workspace: workspace, period: period, now: now())
                ubl = job.relative
            } else if let e = addressee.email, MailConfig.isUsableAddress(e), let address = EmailAddress(e) {
                let t = InvoiceTexts(language: addressee.language)
                var m = NewOutboxMessage(idempotencyKey: "billing:credit:\(cn)", origin: .billing, to: [OutboxMailbox(address, name: addressee.name)],
                                         subject: "\(t.creditNote) \(cn) – \(config.company.name)",
                                         textBody: t.creditEmailBody(number: cn, credits: number, total: draft.total, company: config.company.name))
                m.attachments = [OutboxAttachment(filename: cn + ".pdf", content: .file(path: path))]
                m.references = [.invoice(InvoiceNumber(rawValue: cn)), .debtor(DebtorID(rawValue: addressee.key)), .contract(draft.contract.key)]
                try OutboxQueue.enqueue(db, m, at: now())
            }
            return CreditNoteResult(number: cn, credits: number, total: draft.total, channel: channel.rawValue, pdf: relative, ubl: ubl)
        }
    }

    /// The credited invoice (id, issue day), its lines as a draft with positive amounts dated
    /// `issue`, and its debtor.
    private static func load(_ db: Database, number: String, issue: Day) throws -> ((id: Int64, issue: Day), DraftInvoice, Addressee) {
        guard let r = try BillingQueries.billedInvoice(db, number: number) else {
            throw BillingError.credit("\(number) is not an invoice of the billing run")
        }
        guard let issued = Day(iso: r.issueDate), let period = Month(text: r.period), let activation = Day(iso: r.activationDate)
        else { throw BillingError.credit("invoice \(number) has unreadable dates") }
        guard issue >= issued else { throw BillingError.credit("a credit note cannot be dated before the invoice (\(issued))") }
        let currency = Currency(stored: r.currency)
        let contract = ContractSnapshot(id: r.contractId, key: r.contractKey, debtorID: r.debtorId, debtorKey: r.debtorKey,
                                        language: r.language, plan: r.plan, price: Money(minorUnits: r.monthlyPriceMinor, currency: currency),
                                        activation: activation, priceAdjustedOn: activation, series: nil, billingDay: nil,
                                        terms: r.paymentTermsDays, floor: false, status: .active, end: nil, suspendedOn: nil,
                                        reactivationFeeDue: false)
        var a = Addressee(key: r.debtorKey, name: r.name, street: r.street, postalCode: r.postalCode, city: r.city, country: r.country,
                          email: r.email, language: r.language, vatNumber: r.vatNumber)
        a.identity = BuyerIdentity(kind: r.debtorKind, country: r.country, vatNumber: r.vatNumber, channel: r.channel, peppolID: r.peppolID)
        var lines: [DraftLine] = []
        for l in try BillingQueries.lines(db, invoice: r.invoiceId) {
            guard let month = Month(text: l.serviceMonth), let q = BillingRounding.parse(l.quantity),
                  let unit = BillingRounding.parse(l.unitPrice), let rate = VATRate(l.vatRate) else { throw BillingError.credit("invoice \(number) has an unreadable line") }
            var line = DraftLine(kind: l.kind, description: l.description, serviceMonth: month, quantity: q,
                                 unitPrice: unit, net: Money(minorUnits: l.netMinor, currency: currency), vatRate: rate,
                                 vat: Money(minorUnits: l.vatMinor, currency: currency), indexation: nil, usageID: nil)
            line.vatExemption = l.vatExemption
            lines.append(line)
        }
        let net = r.netMinor, vat = r.vatMinor
        let draft = DraftInvoice(contract: contract, period: period, issue: issue, due: issue, lines: lines,
                                 net: Money(minorUnits: net, currency: currency), vat: Money(minorUnits: vat, currency: currency),
                                 total: Money(minorUnits: net + vat, currency: currency))
        return ((r.invoiceId, issued), draft, a)
    }
}
