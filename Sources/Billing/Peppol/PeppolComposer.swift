import Foundation
import Ledger
import Workspace

/// Builds the Peppol documents of billing invoices and credit notes from the workspace's
/// `[company]` (the seller) and each debtor (the buyer).
struct PeppolComposer: Sendable {
    let company: WorkspaceConfig.Company
    let seller: PeppolParty
    let iban: IBAN?

    /// A composer; throws when `[company]` lacks what a Peppol invoice must carry.
    init(company: WorkspaceConfig.Company) throws(BillingError) {
        self.company = company
        guard let raw = company.enterpriseNumber, let e = try? EnterpriseNumber(parsing: raw) else {
            throw BillingError.company("enterprise_number is missing or invalid; Peppol invoices name the seller by it")
        }
        iban = company.iban
        seller = PeppolParty(name: company.name, endpointScheme: "0208", endpointID: e.digits, vat: e.vatNumber, legalID: e.digits,
                             legalScheme: "0208", street: company.street, postalCode: company.postalCode, city: company.city,
                             country: company.country)
    }

    /// The buyer party of a debtor on the Peppol channel.
    /// - Throws: ``PeppolRefusal`` when its identifiers do not allow it.
    static func buyer(_ a: Addressee) throws(PeppolRefusal) -> PeppolParty {
        let identity = a.identity ?? BuyerIdentity(kind: "b2b", country: a.country, vatNumber: a.vatNumber, channel: .peppol, peppolID: nil)
        let (scheme, id, enterprise) = try identity.endpoint()
        let vat = enterprise?.vatNumber ?? a.vatNumber.map { $0.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ".", with: "").uppercased() }
        return PeppolParty(name: a.name, endpointScheme: scheme, endpointID: id, vat: vat, legalID: enterprise?.digits,
                           legalScheme: enterprise == nil ? nil : "0208", street: a.street, postalCode: a.postalCode, city: a.city,
                           country: a.country)
    }

    /// The document of a billing invoice (or, with `credits`, of the credit note that reverses it).
    func document(_ d: DraftInvoice, number: String, reference: StructuredReference, buyer: PeppolParty, language: String,
                  credits: (number: String, issue: Day)? = nil, pdf: Data) throws(PeppolRefusal) -> PeppolDocument {
        let t = InvoiceTexts(language: language)
        var lines: [PeppolDocument.Line] = []
        for l in d.lines {
            let vat = try VATTreatment(rate: l.vatRate, exemption: l.vatExemption)
            let note = l.indexation.map { t.indexed($0, series: $0.series) }
            lines.append(PeppolDocument.Line(name: l.description, serviceMonth: l.serviceMonth, quantity: l.quantity,
                                             unitPrice: l.unitPrice, net: l.net.absolute, vat: vat, note: note))
        }
        return PeppolDocument(
            number: number, isCreditNote: credits != nil, issue: d.issue, due: credits == nil ? d.due : nil, currency: d.total.currency,
            buyerReference: d.contract.key, contractKey: d.contract.key, note: d.indexation.map { t.indexed($0, series: $0.series) },
            seller: seller, buyer: buyer, lines: lines, iban: iban, bic: company.bic, reference: reference,
            paymentTerms: credits == nil ? t.peppolTerms(days: d.contract.terms, due: d.due) : t.creditTerms(credits?.number ?? ""),
            credits: credits, pdf: pdf, pdfName: number + ".pdf",
            expectedNet: d.net.absolute, expectedVAT: d.vat.absolute, expectedTotal: d.total.absolute)
    }

    /// Checks a draft before anything is written: the buyer's identifiers, the VAT treatment and
    /// the totals, with a placeholder number and no PDF.
    func preview(_ d: DraftInvoice, to a: Addressee) throws(PeppolRefusal) {
        let buyer = try PeppolComposer.buyer(a)
        guard let placeholder = StructuredReference(number: 1) else { return }
        try document(d, number: "preview", reference: placeholder, buyer: buyer, language: a.language, pdf: Data()).check()
    }
}

extension Money {
    /// The same amount without its sign.
    var absolute: Money { Money(minorUnits: Int64(minorUnits.magnitude), currency: currency) }
}

extension InvoiceTexts {
    /// The payment terms of a Peppol invoice (`PaymentTerms/Note`), with the number of days.
    func peppolTerms(days: Int, due: Day) -> String {
        let d = due.description
        return pick("Betaling binnen \(days) dagen, uiterlijk op \(d), met de gestructureerde mededeling.",
                    "Paiement à \(days) jours, au plus tard le \(d), avec la communication structurée.",
                    "Zahlbar innerhalb von \(days) Tagen, spätestens am \(d), mit der strukturierten Mitteilung.",
                    "Payment within \(days) days, by \(d), with the structured reference.")
    }

    /// The terms of a credit note: what it credits.
    func creditTerms(_ number: String) -> String {
        pick("Creditnota op factuur \(number); niets te betalen.", "Note de crédit sur la facture \(number) ; rien à payer.",
             "Gutschrift zur Rechnung \(number); nichts zu zahlen.", "Credit note on invoice \(number); nothing to pay.")
    }
}
