import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Ledger

/// The fields of a Peppol BIS Billing 3.0 (UBL 2.1) `Invoice` or `CreditNote` that an open
/// receivable needs (`belgian-rules.md` §8), read by element path with namespaces resolved.
struct UBLDocument {
    var root = ""
    /// Every element's text by its path of local names under the root (`IssueDate`,
    /// `AccountingCustomerParty/Party/EndpointID`); the first occurrence wins.
    var values: [String: String] = [:]
    /// Attributes by element path (`LegalMonetaryTotal/PayableAmount` → `currencyID`).
    var attributes: [String: [String: String]] = [:]

    subscript(_ path: String) -> String? {
        guard let v = values[path], !v.isEmpty else { return nil }
        return v
    }

    /// Why a UBL file is not an invoice Relance can take, with the XPath of the problem.
    struct Problem: Error, CustomStringConvertible {
        var xpath: String
        var message: String
        var description: String { "\(xpath): \(message)" }
    }

    /// Parses a document; throws a `Problem` when it is not well-formed UBL.
    static func parse(_ data: Data) throws -> UBLDocument {
        let reader = Reader()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse() else {
            throw Problem(xpath: "/", message: "not well-formed XML at line \(parser.lineNumber)")
        }
        guard ["Invoice", "CreditNote"].contains(reader.doc.root) else {
            throw Problem(xpath: "/" + reader.doc.root, message: "the root element is neither Invoice nor CreditNote")
        }
        return reader.doc
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var doc = UBLDocument()
        var path: [String] = []
        var text = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if doc.root.isEmpty { doc.root = name } else { path.append(name) }
            text = ""
            if !attributes.isEmpty {
                let key = path.joined(separator: "/")
                if doc.attributes[key] == nil { doc.attributes[key] = attributes }
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let key = path.joined(separator: "/")
            let v = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if !key.isEmpty, doc.values[key] == nil, !v.isEmpty { doc.values[key] = v }
            text = ""
            if !path.isEmpty { path.removeLast() }
        }
    }
}

/// A UBL invoice read into what the ledger keeps.
struct UBLInvoice {
    var number: String
    var isCreditNote: Bool
    var issue: Day
    var due: Day
    /// Why the due date is what it is, when it was not given (`PaymentTerms/Note`, the 30-day rule).
    var dueNote: String?
    var currency: Currency
    /// Total incl. VAT (`TaxInclusiveAmount`), negative for a credit note.
    var amount: Int64
    /// What is due (`PayableAmount`, after prepaid amounts), negative for a credit note.
    var payable: Int64
    var reference: String?
    var description: String?
    var buyer: Buyer
    var warnings: [String] = []

    struct Buyer {
        var name: String
        var endpointScheme: String
        var endpointID: String
        var vat: String?
        var street, postalCode, city: String?
        var country: String
        var email: String?
        var phone: String?

        /// The debtor key of a buyer first seen in a Peppol invoice: a Belgian buyer by its
        /// enterprise number whichever scheme named it (`peppol:0208:0403019261`).
        var key: String {
            if let vat, vat.hasPrefix("BE") { return "peppol:0208:" + vat.dropFirst(2) }
            return "peppol:\(endpointScheme):\(endpointID)"
        }
    }

    /// Reads and validates a document; throws the first problem with its XPath.
    init(_ d: UBLDocument) throws {
        let r = "/" + d.root
        let credit = d.root == "CreditNote"
        func need(_ path: String, _ display: String) throws -> String {
            guard let v = d[path] else { throw UBLDocument.Problem(xpath: "\(r)/\(display)", message: "missing") }
            return v
        }
        func day(_ path: String, _ display: String) throws -> Day {
            let v = try need(path, display)
            guard let day = Day(iso: v) else { throw UBLDocument.Problem(xpath: "\(r)/\(display)", message: "\"\(v)\" is not a YYYY-MM-DD date") }
            return day
        }
        number = try need("ID", "cbc:ID")
        isCreditNote = credit
        issue = try day("IssueDate", "cbc:IssueDate")
        let code = try need("DocumentCurrencyCode", "cbc:DocumentCurrencyCode")
        guard let cur = Currency(code: code) else { throw UBLDocument.Problem(xpath: "\(r)/cbc:DocumentCurrencyCode", message: "\"\(code)\" is not a currency") }
        currency = cur
        func money(_ path: String, _ display: String, required: Bool) throws -> Int64? {
            guard let v = d[path] else {
                if required { throw UBLDocument.Problem(xpath: "\(r)/\(display)", message: "missing") }
                return nil
            }
            if let c = d.attributes[path]?["currencyID"], c != cur.code {
                throw UBLDocument.Problem(xpath: "\(r)/\(display)/@currencyID", message: "\(c) differs from the document currency \(cur.code)")
            }
            guard case .success(let m) = AmountParser.parse(v, currency: cur, decimal: .point) else {
                throw UBLDocument.Problem(xpath: "\(r)/\(display)", message: "\"\(v)\" is not an amount")
            }
            return m.minorUnits
        }
        let payable = try money("LegalMonetaryTotal/PayableAmount", "cac:LegalMonetaryTotal/cbc:PayableAmount", required: true) ?? 0
        let inclusive = try money("LegalMonetaryTotal/TaxInclusiveAmount", "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount", required: false) ?? payable
        guard payable >= 0, inclusive >= 0 else {
            throw UBLDocument.Problem(xpath: "\(r)/cac:LegalMonetaryTotal", message: "negative totals; a credit is a CreditNote document")
        }
        amount = credit ? -inclusive : inclusive
        self.payable = credit ? -min(payable, inclusive) : min(payable, inclusive)
        // Due date: given, else the payment terms' number of days, else the legal 30 days (art. 4 §1).
        if let v = d["DueDate"] ?? d["PaymentMeans/PaymentDueDate"] {
            guard let due = Day(iso: v) else { throw UBLDocument.Problem(xpath: "\(r)/cbc:DueDate", message: "\"\(v)\" is not a YYYY-MM-DD date") }
            self.due = due
        } else if let note = d["PaymentTerms/Note"], let days = UBLInvoice.days(in: note) {
            due = issue.adding(days: days)
            dueNote = "due date from the payment terms \"\(note)\""
        } else {
            due = issue.adding(days: 30)
            dueNote = "no due date or payment terms: due 30 days after the issue date (law of 2 August 2002, art. 4)"
        }
        guard due >= issue else { throw UBLDocument.Problem(xpath: "\(r)/cbc:DueDate", message: "before the issue date") }
        if let pid = d["PaymentMeans/PaymentID"] {
            if let o = try? StructuredReference(parsing: pid) { reference = o.digits }
            else if let rf = try? CreditorReference(parsing: pid) { reference = rf.value }
            else { warnings.append("\(r)/cac:PaymentMeans/cbc:PaymentID \"\(pid)\" is neither a structured communication nor an RF reference; kept out") }
        }
        description = d["Note"] ?? d["InvoiceLine/Item/Name"] ?? d["CreditNoteLine/Item/Name"]
        let party = "AccountingCustomerParty/Party/"
        let px = "\(r)/cac:AccountingCustomerParty/cac:Party"
        guard let name = d[party + "PartyLegalEntity/RegistrationName"] ?? d[party + "PartyName/Name"] else {
            throw UBLDocument.Problem(xpath: "\(px)/cac:PartyLegalEntity/cbc:RegistrationName", message: "missing buyer name")
        }
        let endpoint = try need(party + "EndpointID", "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID")
        guard let scheme = d.attributes[party + "EndpointID"]?["schemeID"] else {
            throw UBLDocument.Problem(xpath: "\(px)/cbc:EndpointID/@schemeID", message: "missing (PEPPOL-EN16931-R010)")
        }
        var vat: String? = nil
        if let v = d[party + "PartyTaxScheme/CompanyID"] { vat = v.replacingOccurrences(of: " ", with: "").uppercased() }
        if scheme == "0208" || scheme == "9925" || vat?.hasPrefix("BE") == true {
            let raw = vat ?? endpoint
            guard let e = try? EnterpriseNumber(parsing: raw) else {
                throw UBLDocument.Problem(xpath: vat != nil ? "\(px)/cac:PartyTaxScheme/cbc:CompanyID" : "\(px)/cbc:EndpointID",
                                          message: "\"\(raw)\" is not a valid Belgian enterprise/VAT number")
            }
            vat = e.vatNumber
        }
        let street = [d[party + "PostalAddress/StreetName"], d[party + "PostalAddress/AdditionalStreetName"]].compactMap { $0 }
        buyer = Buyer(name: name, endpointScheme: scheme, endpointID: endpoint.replacingOccurrences(of: " ", with: ""), vat: vat,
                      street: street.isEmpty ? nil : street.joined(separator: ", "), postalCode: d[party + "PostalAddress/PostalZone"],
                      city: d[party + "PostalAddress/CityName"], country: d[party + "PostalAddress/Country/IdentificationCode"] ?? "BE",
                      email: d[party + "Contact/ElectronicMail"].flatMap { EmailAddress($0)?.value }, phone: d[party + "Contact/Telephone"])
        if !(d["CustomizationID"] ?? "").contains("peppol.eu:2017:poacc:billing:3.0") {
            warnings.append("\(r)/cbc:CustomizationID is not Peppol BIS Billing 3.0; read as plain UBL 2.1")
        }
    }

    /// The number of days in a payment-terms note: "30 days", "30 dagen", "30 jours", "Net 30", "30 Tage".
    static func days(in note: String) -> Int? {
        let words = note.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber })
        for (i, w) in words.enumerated() {
            guard let n = Int(w), (0...365).contains(n) else { continue }
            let next = i + 1 < words.count ? String(words[i + 1]) : ""
            let prev = i > 0 ? String(words[i - 1]) : ""
            if ["days", "day", "dagen", "dag", "jours", "jour", "tage", "tagen"].contains(next) || ["net", "netto"].contains(prev) { return n }
        }
        return nil
    }
}
