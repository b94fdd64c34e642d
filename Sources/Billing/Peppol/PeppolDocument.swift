import Foundation
import Ledger

/// One Peppol BIS Billing 3.0 invoice or credit note, in the terms of EN 16931, before it is
/// written as UBL 2.1 (`UBLWriter`). Amounts of a credit note are positive, as UBL has them.
package struct PeppolDocument: Sendable {
    /// One line: what was sold, for which month, how many at which price, and its VAT.
    package struct Line: Sendable {
        /// The name (for people and logs).
        package var name: String
        /// The service month.
        package var serviceMonth: Month
        /// The quantity.
        package var quantity: Decimal
        /// In major units; may be below the cent (usage).
        package var unitPrice: Decimal
        /// The line amount excluding VAT.
        package var net: Money
        /// The line's VAT category and rate.
        package var vat: VATTreatment
        /// The indexation note, on the line whose price was indexed.
        package var note: String?

        /// A line; every field given.
        package init(name: String, serviceMonth: Month, quantity: Decimal, unitPrice: Decimal, net: Money, vat: VATTreatment, note: String?) {
            self.name = name
            self.serviceMonth = serviceMonth
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.net = net
            self.vat = vat
            self.note = note
        }
    }

    /// One row of the VAT breakdown: a category and rate, its taxable base and its tax, rounded once.
    package struct VATGroup: Sendable, Equatable {
        /// The category and rate.
        package var treatment: VATTreatment
        /// The taxable amount (BT-116).
        package var taxable: Money
        /// The VAT, rounded once (BT-117).
        package var tax: Money
    }

    /// The number.
    package var number: String
    /// True for a `CreditNote`.
    package var isCreditNote: Bool
    /// The issue date.
    package var issue: Day
    /// The due date of an invoice (a credit note has none).
    package var due: Day?
    /// The currency.
    package var currency: Currency
    /// `BuyerReference` (BT-10): the contract key, which Peppol requires in some form.
    package var buyerReference: String
    /// The contract key.
    package var contractKey: String
    /// The document-level note (the indexation text, when the price was indexed).
    package var note: String?
    /// The seller.
    package var seller: PeppolParty
    /// The buyer.
    package var buyer: PeppolParty
    /// The lines.
    package var lines: [Line]
    /// The seller's IBAN, BIC and the structured communication (the payment id).
    package var iban: IBAN?
    /// The BIC.
    package var bic: String?
    /// The reference.
    package var reference: StructuredReference
    /// The payment terms.
    package var paymentTerms: String
    /// The invoice a credit note credits: number and issue day.
    package var credits: (number: String, issue: Day)?
    /// The PDF copy, embedded base64.
    package var pdf: Data
    /// The PDF name.
    package var pdfName: String
    /// Totals the document must reproduce to the cent: excluding VAT, VAT, including VAT.
    package var expectedNet: Money
    /// The invoice's VAT the document must reproduce.
    package var expectedVAT: Money
    /// The invoice's total including VAT the document must reproduce.
    package var expectedTotal: Money

    /// A document; every field given.
    package init(number: String, isCreditNote: Bool, issue: Day, due: Day?, currency: Currency, buyerReference: String, contractKey: String,
                note: String?, seller: PeppolParty, buyer: PeppolParty, lines: [Line], iban: IBAN?, bic: String?,
                reference: StructuredReference, paymentTerms: String, credits: (number: String, issue: Day)?, pdf: Data, pdfName: String,
                expectedNet: Money, expectedVAT: Money, expectedTotal: Money) {
        self.number = number
        self.isCreditNote = isCreditNote
        self.issue = issue
        self.due = due
        self.currency = currency
        self.buyerReference = buyerReference
        self.contractKey = contractKey
        self.note = note
        self.seller = seller
        self.buyer = buyer
        self.lines = lines
        self.iban = iban
        self.bic = bic
        self.reference = reference
        self.paymentTerms = paymentTerms
        self.credits = credits
        self.pdf = pdf
        self.pdfName = pdfName
        self.expectedNet = expectedNet
        self.expectedVAT = expectedVAT
        self.expectedTotal = expectedTotal
    }

    /// The VAT breakdown (BG-23): one group per category and rate, the tax rounded once per group
    /// (BR-CO-17), in category then rate order.
    package var vatGroups: [VATGroup] {
        var taxable: [VATTreatment: Int64] = [:]
        for l in lines { taxable[l.vat, default: 0] += l.net.minorUnits }
        return taxable.keys.sorted().map { t in
            let base = Money(minorUnits: taxable[t] ?? 0, currency: currency)
            return VATGroup(treatment: t, taxable: base, tax: BillingRounding.round(BillingRounding.decimal(base) * t.rate.percent / 100, currency))
        }
    }

    /// Checks what the validators would refuse and Relance can know beforehand: the seller's and
    /// buyer's identifiers, an exemption reason for every 0 % group, and totals that reconcile to
    /// the cent with the invoice's (BR-CO-10, BR-CO-13 to BR-CO-15).
    /// - Throws: the first ``PeppolRefusal``.
    package func check() throws(PeppolRefusal) {
        guard !lines.isEmpty else { throw PeppolRefusal(rule: "totals", message: "a document without lines") }
        for l in lines where l.net.currency != currency {
            throw PeppolRefusal(rule: "totals", message: "a line in \(l.net.currency.code) on a \(currency.code) document")
        }
        for g in vatGroups where g.treatment.category != "S" && g.treatment.exemption == nil {
            throw PeppolRefusal(rule: "vat-exemption", message: "VAT category \(g.treatment.category) without an exemption reason")
        }
        if vatGroups.contains(where: { $0.treatment.category == "AE" }) && buyer.vat == nil && buyer.legalID == nil {
            throw PeppolRefusal(rule: "vat-exemption", message: "reverse charge (VATEX-EU-AE) needs the buyer's VAT number")
        }
        let net = lines.reduce(Int64(0)) { $0 + $1.net.minorUnits }
        let tax = vatGroups.reduce(Int64(0)) { $0 + $1.tax.minorUnits }
        guard net == expectedNet.minorUnits, tax == expectedVAT.minorUnits, net + tax == expectedTotal.minorUnits else {
            throw PeppolRefusal(rule: "totals", message: "the totals do not reconcile: lines \(Money(minorUnits: net, currency: currency).decimalString) "
                + "+ VAT \(Money(minorUnits: tax, currency: currency).decimalString) against the invoice's \(expectedNet.decimalString) "
                + "+ \(expectedVAT.decimalString) = \(expectedTotal.decimalString)")
        }
    }
}
