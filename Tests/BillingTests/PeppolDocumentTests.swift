import Billing
import Foundation
import Ledger
import Store
import Testing

/// The UBL writer on documents built by hand: several VAT rates on one invoice, the checks that
/// refuse a document before it is written, and the channel rules.
@Suite struct PeppolDocumentTests {
    static let seller = PeppolParty(name: "Demo Facturatie BV", endpointScheme: "0208", endpointID: "0428759497", vat: "BE0428759497",
                                    legalID: "0428759497", legalScheme: "0208", street: "Kunstlaan 1", postalCode: "1000", city: "Brussel",
                                    country: "BE")
    static let buyer = PeppolParty(name: "Brouwerij Claes NV", endpointScheme: "0208", endpointID: "0403019261", vat: "BE0403019261",
                                   legalID: "0403019261", legalScheme: "0208", street: "Dorpstraat 1", postalCode: "3000", city: "Leuven",
                                   country: "BE")

    static func eur(_ minor: Int64) -> Money { Money(minorUnits: minor, currency: .eur) }

    /// Lines at 21 % and 6 % and an exempt one, with the totals that reconcile.
    static func mixed(total: Int64 = 10_000 + 2_100 + 5_000 + 300 + 1_000) throws -> PeppolDocument {
        let m = Month(text: "2027-01")!
        let lines = [
            PeppolDocument.Line(name: "Software", serviceMonth: m, quantity: 1, unitPrice: 100, net: eur(10_000),
                                vat: try VATTreatment(rate: "21", exemption: nil), note: nil),
            PeppolDocument.Line(name: "Books", serviceMonth: m, quantity: 2, unitPrice: 25, net: eur(5_000),
                                vat: try VATTreatment(rate: "6", exemption: nil), note: nil),
            PeppolDocument.Line(name: "Training (exempt, art. 44)", serviceMonth: m, quantity: 1, unitPrice: 10, net: eur(1_000),
                                vat: try VATTreatment(rate: "0", exemption: "VATEX-EU-132-1I"), note: nil),
        ]
        return PeppolDocument(
            number: "F2027-000099", isCreditNote: false, issue: Day(iso: "2027-01-01")!, due: Day(iso: "2027-01-31")!, currency: .eur,
            buyerReference: "K-MIX", contractKey: "K-MIX", note: nil, seller: seller, buyer: buyer, lines: lines,
            iban: try IBAN(parsing: "BE68 5390 0754 7034"), bic: "GKCCBEBB", reference: StructuredReference(number: 2_700_000_099)!,
            paymentTerms: "Payment within 30 days", credits: nil, pdf: Data("%PDF-1.4\n".utf8), pdfName: "F2027-000099.pdf",
            expectedNet: eur(16_000), expectedVAT: eur(2_400), expectedTotal: eur(total))
    }

    @Test func severalRatesOnOneInvoiceGiveOneBreakdownRowEachAndValidate() throws {
        let d = try Self.mixed()
        #expect(d.vatGroups.map { "\($0.treatment.category) \($0.treatment.rate) \($0.taxable.decimalString) \($0.tax.decimalString)" }
                == ["E 0 10.00 0.00", "S 6 50.00 3.00", "S 21 100.00 21.00"])
        let dir = NSTemporaryDirectory() + "relance-peppol-doc-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/F2027-000099.xml"
        try UBLWriter.xml(d).write(toFile: file, atomically: true, encoding: .utf8)
        try PeppolValidator.expectValid([file])
    }

    @Test func theValidatorCatchesABadEnterpriseNumber() throws {
        guard PeppolValidator.available() else { return }
        var d = try Self.mixed()
        d.buyer.endpointID = "0403019262"
        let dir = NSTemporaryDirectory() + "relance-peppol-bad-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try UBLWriter.xml(d).write(toFile: dir + "/bad.xml", atomically: true, encoding: .utf8)
        let (status, out) = try PeppolValidator.run([dir + "/bad.xml"])
        #expect(status == 1 && out.contains("1 with fatal errors"), "\(out)")
    }

    @Test func totalsThatDoNotReconcileAreRefused() throws {
        #expect(throws: PeppolRefusal(rule: "totals", message: "the totals do not reconcile: lines 160.00 + VAT 24.00 against the invoice's 160.00 + 24.00 = 184.01")) {
            try UBLWriter.xml(try Self.mixed(total: 18_401))
        }
    }

    @Test func vatTreatments() throws {
        #expect(try VATTreatment(rate: "21", exemption: nil).category == "S")
        #expect(try VATTreatment(rate: "0", exemption: "vatex-eu-ae").category == "AE")
        #expect(try VATTreatment(rate: "0", exemption: "VATEX-EU-79-C").category == "E")
        #expect(throws: PeppolRefusal.self) { try VATTreatment(rate: "0", exemption: nil) }
        #expect(throws: PeppolRefusal.self) { try VATTreatment(rate: "21", exemption: "VATEX-EU-AE") }
        #expect(throws: PeppolRefusal.self) { try VATTreatment(rate: "0", exemption: "reverse charge") }
    }

    @Test func whoGetsPeppol() throws {
        func id(_ kind: String, _ country: String, _ vat: String?, _ channel: InvoiceChannel? = nil, _ peppol: String? = nil) -> BuyerIdentity {
            BuyerIdentity(kind: kind, country: country, vatNumber: vat, channel: channel, peppolID: peppol)
        }
        #expect(id("b2b", "BE", "BE0403019261").resolvedChannel == .peppol)
        #expect(id("b2c", "BE", nil).resolvedChannel == .email)
        #expect(id("b2b", "BE", nil).resolvedChannel == .email && id("b2b", "BE", nil).needsEnterpriseNumber)
        #expect(id("b2b", "NL", "NL859915424B01").resolvedChannel == .email, "a foreign company needs a Peppol id")
        #expect(id("b2b", "NL", "NL859915424B01", nil, "9944:NL859915424B01").resolvedChannel == .peppol)
        #expect(id("b2b", "BE", "BE0403019261", .email).resolvedChannel == .email)
        #expect(throws: PeppolRefusal(rule: "enterprise-number", message: "a Belgian B2B debtor on Peppol needs its enterprise number (vat_number in the debtors file)")) {
            try id("b2b", "BE", nil, .peppol).endpoint()
        }
        #expect(throws: PeppolRefusal.self) { try id("b2b", "BE", "BE0403019261", .peppol, "0208:0428759497").endpoint() }
        #expect(throws: PeppolRefusal.self) { try id("b2b", "NL", nil, .peppol, "NL123").endpoint() }
        #expect(try id("b2b", "BE", "BE 0403.019.261").endpoint().id == "0403019261")
    }
}
