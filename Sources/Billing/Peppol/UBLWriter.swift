import Foundation
import Ledger

/// Writes a ``PeppolDocument`` as a UBL 2.1 `Invoice` (type 380) or `CreditNote` (381) conforming
/// to Peppol BIS Billing 3.0, elements in the order the UBL schema requires. Deterministic: the
/// same document gives the same bytes (golden files).
package enum UBLWriter {
    /// BIS Billing 3.0's CustomizationID (BT-24).
    package static let customizationID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    /// BIS Billing 3.0's ProfileID (BT-23).
    package static let profileID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

    /// The UBL text, after ``PeppolDocument/check()``.
    /// - Throws: ``PeppolRefusal`` when the document fails the check.
    package static func xml(_ d: PeppolDocument) throws(PeppolRefusal) -> String {
        try d.check()
        let x = XMLText()
        let root = d.isCreditNote ? "CreditNote" : "Invoice"
        let money = { (m: Money) in m.magnitudeString }
        let cur = d.currency.code
        x.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        x.open(root, attributes: [
            ("xmlns", "urn:oasis:names:specification:ubl:schema:xsd:\(root)-2"),
            ("xmlns:cac", "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"),
            ("xmlns:cbc", "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"),
        ])
        x.leaf("cbc:CustomizationID", customizationID)
        x.leaf("cbc:ProfileID", profileID)
        x.leaf("cbc:ID", d.number)
        x.leaf("cbc:IssueDate", d.issue.description)
        if !d.isCreditNote, let due = d.due { x.leaf("cbc:DueDate", due.description) }
        x.leaf(d.isCreditNote ? "cbc:CreditNoteTypeCode" : "cbc:InvoiceTypeCode", d.isCreditNote ? "381" : "380")
        if let n = d.note { x.leaf("cbc:Note", n) }
        x.leaf("cbc:DocumentCurrencyCode", cur)
        x.leaf("cbc:BuyerReference", d.buyerReference)
        let months = d.lines.map(\.serviceMonth)
        if let first = months.min(), let last = months.max() {
            x.group("cac:InvoicePeriod") {
                x.leaf("cbc:StartDate", first.firstDay.description)
                x.leaf("cbc:EndDate", last.lastDay.description)
            }
        }
        if let c = d.credits {
            x.group("cac:BillingReference") {
                x.group("cac:InvoiceDocumentReference") {
                    x.leaf("cbc:ID", c.number)
                    x.leaf("cbc:IssueDate", c.issue.description)
                }
            }
        }
        x.group("cac:ContractDocumentReference") { x.leaf("cbc:ID", d.contractKey) }
        x.group("cac:AdditionalDocumentReference") {
            x.leaf("cbc:ID", d.number)
            x.leaf("cbc:DocumentDescription", d.isCreditNote ? "Credit note (PDF copy)" : "Invoice (PDF copy)")
            x.group("cac:Attachment") {
                x.leaf("cbc:EmbeddedDocumentBinaryObject", d.pdf.base64EncodedString(),
                       attributes: [("mimeCode", "application/pdf"), ("filename", d.pdfName)])
            }
        }
        x.group("cac:AccountingSupplierParty") { party(x, d.seller) }
        x.group("cac:AccountingCustomerParty") { party(x, d.buyer) }
        x.group("cac:PaymentMeans") {
            x.leaf("cbc:PaymentMeansCode", d.currency == .eur ? "58" : "30",
                   attributes: [("name", d.currency == .eur ? "SEPA credit transfer" : "Credit transfer")])
            x.leaf("cbc:PaymentID", d.reference.formatted)
            if let iban = d.iban {
                x.group("cac:PayeeFinancialAccount") {
                    x.leaf("cbc:ID", iban.value)
                    x.leaf("cbc:Name", d.seller.name)
                    if let bic = d.bic { x.group("cac:FinancialInstitutionBranch") { x.leaf("cbc:ID", bic) } }
                }
            }
        }
        x.group("cac:PaymentTerms") { x.leaf("cbc:Note", d.paymentTerms) }
        let groups = d.vatGroups
        let tax = groups.reduce(Int64(0)) { $0 + $1.tax.minorUnits }
        let net = d.lines.reduce(Int64(0)) { $0 + $1.net.minorUnits }
        x.group("cac:TaxTotal") {
            x.leaf("cbc:TaxAmount", money(Money(minorUnits: tax, currency: d.currency)), attributes: [("currencyID", cur)])
            for g in groups {
                x.group("cac:TaxSubtotal") {
                    x.leaf("cbc:TaxableAmount", money(g.taxable), attributes: [("currencyID", cur)])
                    x.leaf("cbc:TaxAmount", money(g.tax), attributes: [("currencyID", cur)])
                    x.group("cac:TaxCategory") {
                        x.leaf("cbc:ID", g.treatment.category)
                        if g.treatment.category != "O" { x.leaf("cbc:Percent", g.treatment.rate.text) }
                        if let e = g.treatment.exemption {
                            x.leaf("cbc:TaxExemptionReasonCode", e)
                        }
                        x.group("cac:TaxScheme") { x.leaf("cbc:ID", "VAT") }
                    }
                }
            }
        }
        x.group("cac:LegalMonetaryTotal") {
            x.leaf("cbc:LineExtensionAmount", money(Money(minorUnits: net, currency: d.currency)), attributes: [("currencyID", cur)])
            x.leaf("cbc:TaxExclusiveAmount", money(Money(minorUnits: net, currency: d.currency)), attributes: [("currencyID", cur)])
            x.leaf("cbc:TaxInclusiveAmount", money(Money(minorUnits: net + tax, currency: d.currency)), attributes: [("currencyID", cur)])
            x.leaf("cbc:PayableAmount", money(Money(minorUnits: net + tax, currency: d.currency)), attributes: [("currencyID", cur)])
        }
        let lineTag = d.isCreditNote ? "cac:CreditNoteLine" : "cac:InvoiceLine"
        for (i, l) in d.lines.enumerated() {
            x.group(lineTag) {
                x.leaf("cbc:ID", String(i + 1))
                if let n = l.note { x.leaf("cbc:Note", n) }
                x.leaf(d.isCreditNote ? "cbc:CreditedQuantity" : "cbc:InvoicedQuantity", BillingRounding.plain(l.quantity),
                       attributes: [("unitCode", "C62")])
                x.leaf("cbc:LineExtensionAmount", money(l.net), attributes: [("currencyID", cur)])
                x.group("cac:InvoicePeriod") {
                    x.leaf("cbc:StartDate", l.serviceMonth.firstDay.description)
                    x.leaf("cbc:EndDate", l.serviceMonth.lastDay.description)
                }
                x.group("cac:Item") {
                    x.leaf("cbc:Name", l.name)
                    x.group("cac:ClassifiedTaxCategory") {
                        x.leaf("cbc:ID", l.vat.category)
                        if l.vat.category != "O" { x.leaf("cbc:Percent", l.vat.rate.text) }
                        x.group("cac:TaxScheme") { x.leaf("cbc:ID", "VAT") }
                    }
                }
                x.group("cac:Price") {
                    x.leaf("cbc:PriceAmount", BillingRounding.plain(abs(l.unitPrice)), attributes: [("currencyID", cur)])
                }
            }
        }
        x.close(root)
        return x.text
    }

    private static func party(_ x: XMLText, _ p: PeppolParty) {
        x.group("cac:Party") {
            x.leaf("cbc:EndpointID", p.endpointID, attributes: [("schemeID", p.endpointScheme)])
            x.group("cac:PartyName") { x.leaf("cbc:Name", p.name) }
            x.group("cac:PostalAddress") {
                if let s = p.street, !s.isEmpty { x.leaf("cbc:StreetName", s) }
                if let c = p.city, !c.isEmpty { x.leaf("cbc:CityName", c) }
                if let z = p.postalCode, !z.isEmpty { x.leaf("cbc:PostalZone", z) }
                x.group("cac:Country") { x.leaf("cbc:IdentificationCode", p.country) }
            }
            if let v = p.vat {
                x.group("cac:PartyTaxScheme") {
                    x.leaf("cbc:CompanyID", v)
                    x.group("cac:TaxScheme") { x.leaf("cbc:ID", "VAT") }
                }
            }
            x.group("cac:PartyLegalEntity") {
                x.leaf("cbc:RegistrationName", p.name)
                if let id = p.legalID {
                    x.leaf("cbc:CompanyID", id, attributes: p.legalScheme.map { [("schemeID", $0)] } ?? [])
                }
            }
        }
    }
}

extension Money {
    /// The amount without its sign, as UBL writes a credit note's (and every) total: `123.45`.
    var magnitudeString: String {
        Money.decimalString(minorUnits: Int64(minorUnits.magnitude), digits: currency.minorDigits)
    }
}

/// A minimal, escaping, indenting XML text builder (two spaces per level).
final class XMLText {
    private(set) var text = ""
    private var depth = 0

    func raw(_ s: String) { text += s }

    func open(_ name: String, attributes: [(String, String)] = []) {
        text += indent + "<" + name + XMLText.attributes(attributes) + ">\n"
        depth += 1
    }

    func close(_ name: String) {
        depth -= 1
        text += indent + "</" + name + ">\n"
    }

    func group(_ name: String, _ body: () -> Void) {
        open(name)
        body()
        close(name)
    }

    func leaf(_ name: String, _ value: String, attributes: [(String, String)] = []) {
        text += indent + "<" + name + XMLText.attributes(attributes) + ">" + XMLText.escape(value) + "</" + name + ">\n"
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    private static func attributes(_ a: [(String, String)]) -> String {
        a.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    /// Escapes the five XML specials and drops characters XML 1.0 cannot carry.
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            default:
                if c.value < 0x20 || (0xFFFE...0xFFFF).contains(c.value) { continue }
                out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
