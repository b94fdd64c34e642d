import Foundation
import Ledger
import Letters
import Workspace

/// The addressee of a document: the debtor's name, address and e-mail.
package struct Addressee: Sendable {
    package var key: String
    package var name: String
    package var street: String?
    package var postalCode: String?
    package var city: String?
    package var country: String
    package var email: String?
    package var language: String
    /// The customer's VAT number, printed on its invoices.
    package var vatNumber: String?
    /// What decides the channel (Peppol or e-mail); nil for a consumer-style addressee (e-mail).
    package var identity: BuyerIdentity?

    package init(key: String, name: String, street: String?, postalCode: String?, city: String?, country: String, email: String?,
                language: String, vatNumber: String? = nil) {
        self.vatNumber = vatNumber
        self.key = key
        self.name = name
        self.street = street
        self.postalCode = postalCode
        self.city = city
        self.country = country
        self.email = email
        self.language = language
    }

    /// The address lines under the name.
    var lines: [String] {
        var l: [String] = []
        if let s = street, !s.isEmpty { l.append(s) }
        let town = [postalCode, city].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        if !town.isEmpty { l.append(town) }
        if country != "BE" { l.append(country) }
        return l
    }
}

/// Composes the invoice (and notice) letters from the company's identity: the same letterhead,
/// footer and payment block with EPC QR code as the reminders, through `Letters`.
struct DocumentComposer: Sendable {
    let company: WorkspaceConfig.Company

    var sender: LetterDocument.Party {
        LetterDocument.Party(name: company.name, lines: [company.street, [company.postalCode, company.city].filter { !$0.isEmpty }
            .joined(separator: " ")].filter { !$0.isEmpty })
    }

    func senderDetails(_ t: InvoiceTexts) -> [String] {
        var d: [String] = []
        if let e = company.enterpriseNumber { d.append("\(t.enterpriseNumber) \(e)") }
        if let iban = company.iban { d.append("IBAN \(iban.formatted)") }
        if let b = company.bic { d.append("BIC \(b)") }
        if let p = company.phone, !p.isEmpty { d.append(p) }
        if let e = company.email { d.append(e) }
        return d
    }

    func placeAndDate(_ day: Day, _ t: InvoiceTexts) -> String {
        company.city.isEmpty ? t.long(day) : "\(company.city), \(t.long(day))"
    }

    /// The payment block: beneficiary, IBAN, BIC, communication, amount, and the QR code when the
    /// company has an IBAN and the amount is in euros.
    func payment(amount: Money, reference: StructuredReference, _ t: InvoiceTexts) -> LetterDocument.PaymentBlock {
        var lines: [(label: String, value: String)] = [(t.beneficiary, company.name)]
        var payload: String? = nil
        if let iban = company.iban {
            lines.append(("IBAN", iban.formatted))
            payload = try? EPCPayload.make(name: company.name, iban: iban, bic: company.bic, amount: amount,
                                           reference: reference.formatted, text: nil)
        }
        if let b = company.bic { lines.append(("BIC", b)) }
        lines.append((t.communication, reference.formatted))
        lines.append((t.amount, t.money(amount)))
        return LetterDocument.PaymentBlock(title: t.paymentDetails, lines: lines, qrPayload: payload,
                                           qrCaption: payload == nil ? nil : t.scanToPay)
    }

    /// The invoice letter.
    func invoice(_ d: DraftInvoice, number: String, reference: StructuredReference, to a: Addressee) -> LetterDocument {
        let t = InvoiceTexts(language: a.language)
        let columns: [LetterDocument.Column] = [
            .init(title: t.description, alignment: .left), .init(title: t.period, alignment: .left),
            .init(title: t.quantity, alignment: .right), .init(title: t.unitPrice, alignment: .right),
            .init(title: t.net, alignment: .right), .init(title: t.vatPercent, alignment: .right), .init(title: t.vat, alignment: .right),
        ]
        let rows = d.lines.map { l in
            [l.description, t.monthName(l.serviceMonth), t.number(BillingRounding.plain(l.quantity)), t.money(l.unitPrice, l.net.currency),
             t.money(l.net), t.number(l.vatRate.text), t.money(l.vat)]
        }
        var before: [String] = []
        if let v = a.vatNumber, !v.isEmpty { before.append("\(t.customerVAT) \(v)") }
        if let i = d.indexation { before.append(t.indexed(i, series: i.series)) }
        let rate = d.lines.first?.vatRate.text
        return LetterDocument(
            sender: sender, senderDetails: senderDetails(t), recipient: .init(name: a.name, lines: a.lines),
            placeAndDate: placeAndDate(d.issue, t),
            reference: t.header(customer: a.key, contract: d.contract.key, plan: d.contract.plan), subject: "\(t.invoice) \(number)",
            paragraphsBefore: before, columns: columns, rows: rows,
            totals: [
                .init(label: t.totalNet, amount: t.money(d.net)), .init(label: rate.map(t.vatLabel) ?? t.vat, amount: t.money(d.vat)),
                .init(label: t.totalDue, amount: t.money(d.total), emphasised: true),
            ],
            paragraphsAfter: [t.payBy(d.due), "\(t.greeting)\n\(company.name)"],
            payment: payment(amount: d.total, reference: reference, t), pageLabel: t.pageLabel,
            creationDate: d.issue.description + "T00:00:00Z")
    }
}
