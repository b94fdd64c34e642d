import Foundation
import GRDB
import Ledger
import Letters
import Store
import Workspace

/// What a credit note did.
public struct CreditNoteResult: Sendable, Equatable {
    /// The credit note's number (`FC2027-000001`) and the invoice it credits.
    public var number: String
    /// The number of the invoice it credits.
    public var credits: String
    /// The credited amount including VAT (positive).
    public var total: Money
    /// `peppol` (UBL queued) or `email` (PDF queued, or PDF only without an address).
    public var channel: String
    /// The PDF and, on Peppol, the UBL file (relative to the workspace).
    public var pdf: String
    /// The UBL file (relative), on Peppol.
    public var ubl: String?

    /// One line for people.
    public var text: String {
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
public enum CreditNoteIssue {
    /// Issues the credit note of `invoice`, dated `issue`; throws ``BillingError`` (nothing written) when it cannot.
    public static func run(store: LedgerStore, workspace: Workspace, config: WorkspaceConfig, invoice number: String, reason: String,
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
            if let done = try String.fetchOne(db, sql: """
                SELECT i.invoice_number FROM billing_credit_note c JOIN invoice i ON i.id = c.invoice_id WHERE c.credited_invoice_id = ?
                """, arguments: [original.id]) {
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
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM invoice WHERE invoice_number = ?)", arguments: [cn]) == true {
                throw BillingError.company("credit note number \(cn) is already in the ledger; choose another billing.number_prefix")
            }
            let relative = config.billing.invoiceDir + "/" + period.description + "/" + cn + ".pdf"
            try db.execute(sql: """
                INSERT INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor,
                  structured_reference, description, status, source, content_hash)
                VALUES (?, ?, 'credit_note', ?, ?, ?, ?, ?, ?, ?, 'open', 'billing', ?)
                """, arguments: [cn, draft.contract.debtorID, issue.description, issue.description, draft.total.currency.code,
                                 -draft.total.minorUnits, -draft.total.minorUnits, reference.digits, "credit \(number): \(why)",
                                 contentHash([cn, number, issue.description, String(draft.total.minorUnits)])])
            let id = db.lastInsertedRowID
            try db.execute(sql: """
                INSERT INTO billing_credit_note (invoice_id, credited_invoice_id, reason, sequence_name, sequence_value, net_minor,
                  vat_minor, pdf_path, run_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, original.id, why, sequence, value, -draft.net.minorUnits, -draft.vat.minorUnits, relative, runID,
                                 Instant.string(now())])
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
                var m = NewOutboxMessage(idempotencyKey: "billing:credit:\(cn)", origin: "billing", to: [OutboxMailbox(address, name: addressee.name)],
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
        guard let r = try Row.fetchOne(db, sql: """
            SELECT i.id, i.issue_date, i.currency, b.net_minor, b.vat_minor, b.period, c.id, c.contract_key, c.debtor_id, d.debtor_key,
              d.language, c.plan, c.monthly_price_minor, c.activation_date, c.payment_terms_days,
              d.name, d.street, d.postal_code, d.city, d.country, d.email, d.vat_number, d.kind, ch.channel, ch.peppol_id
            FROM invoice i JOIN billing_invoice b ON b.invoice_id = i.id JOIN contract c ON c.id = b.contract_id
              JOIN debtor d ON d.id = i.debtor_id LEFT JOIN billing_channel ch ON ch.debtor_id = d.id
            WHERE i.invoice_number = ?
            """, arguments: [number]) else {
            throw BillingError.credit("\(number) is not an invoice of the billing run")
        }
        guard let issued = Day(iso: r[1] as String), let period = Month(text: r[5] as String), let activation = Day(iso: r[13] as String)
        else { throw BillingError.credit("invoice \(number) has unreadable dates") }
        guard issue >= issued else { throw BillingError.credit("a credit note cannot be dated before the invoice (\(issued))") }
        let currency = Currency(code: r[2] as String) ?? .eur
        let contract = ContractSnapshot(id: r[6], key: r[7], debtorID: r[8], debtorKey: r[9], language: r[10], plan: r[11],
                                        price: Money(minorUnits: r[12], currency: currency), activation: activation,
                                        priceAdjustedOn: activation, series: nil, billingDay: nil, terms: r[14], floor: false,
                                        status: "active", end: nil, suspendedOn: nil, reactivationFeeDue: false)
        var a = Addressee(key: r[9], name: r[15], street: r[16], postalCode: r[17], city: r[18], country: r[19], email: r[20],
                          language: r[10], vatNumber: r[21])
        a.identity = BuyerIdentity(kind: r[22], country: r[19], vatNumber: r[21],
                                   channel: (r[23] as String?).flatMap(InvoiceChannel.init(rawValue:)), peppolID: r[24])
        var lines: [DraftLine] = []
        for l in try Row.fetchAll(db, sql: """
            SELECT kind, description, service_month, quantity, unit_price, net_minor, vat_rate, vat_minor, vat_exemption
            FROM billing_line WHERE invoice_id = ? ORDER BY position
            """, arguments: [r[0] as Int64]) {
            guard let month = Month(text: l[2] as String), let q = BillingRounding.parse(l[3] as String),
                  let unit = BillingRounding.parse(l[4] as String) else { throw BillingError.credit("invoice \(number) has an unreadable line") }
            var line = DraftLine(kind: LineKind(rawValue: l[0]) ?? .subscription, description: l[1], serviceMonth: month, quantity: q,
                                 unitPrice: unit, net: Money(minorUnits: l[5], currency: currency), vatRate: l[6],
                                 vat: Money(minorUnits: l[7], currency: currency), indexation: nil, usageID: nil)
            line.vatExemption = l[8]
            lines.append(line)
        }
        let net: Int64 = r[3], vat: Int64 = r[4]
        let draft = DraftInvoice(contract: contract, period: period, issue: issue, due: issue, lines: lines,
                                 net: Money(minorUnits: net, currency: currency), vat: Money(minorUnits: vat, currency: currency),
                                 total: Money(minorUnits: net + vat, currency: currency))
        return ((r[0], issued), draft, a)
    }
}
