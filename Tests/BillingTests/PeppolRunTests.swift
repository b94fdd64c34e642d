import Billing
import Foundation
import GRDB
import Ingest
import Ledger
import RelanceTestSupport
import Store
import Testing

/// The billing run's Peppol side: which debtors get UBL, what is refused, and that every document
/// passes the Peppol validator.
@Suite struct PeppolRunTests {
    @Test func examplesBelgianCompaniesGetValidUBLAndNoEmail() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        let r = try w.run("2027-01")
        // B-001 (C-1001, C-1006) and B-002 (C-1002) have enterprise numbers; the others get e-mail.
        #expect(r.invoices == 6 && r.peppol == 3 && r.refused.isEmpty)
        #expect(r.warnings.contains("3 Belgian B2B debtor(s) without an enterprise number get PDF by e-mail, not Peppol: B-003, B-004, B-005"))
        // A large ledger gets one readable line: 20 keys, then how many more.
        let many = BillingRun.unidentifiedWarning(Set((0..<25_000).map { String(format: "D%06d", $0) }))
        #expect(many == "25000 Belgian B2B debtor(s) without an enterprise number get PDF by e-mail, not Peppol: "
            + (0..<20).map { String(format: "D%06d", $0) }.joined(separator: ", ") + " and 24980 more")
        let docs = try w.strings("SELECT invoice_number || ' ' || receiver || ' ' || path || ' ' || state FROM peppol_document ORDER BY id")
        #expect(docs == ["F2027-000001 0208:0403170701 out/invoices/2027-01/F2027-000001.xml queued",
                         "F2027-000002 0208:0428759497 out/invoices/2027-01/F2027-000002.xml queued",
                         "F2027-000006 0208:0403170701 out/invoices/2027-01/F2027-000006.xml queued"])
        #expect(try w.count("SELECT COUNT(*) FROM outbox_reference WHERE kind = 'invoice' AND key IN ('F2027-000001', 'F2027-000002', 'F2027-000006')") == 0)
        #expect(try w.count("SELECT COUNT(*) FROM billing_invoice WHERE ubl_path IS NOT NULL") == 3)
        let files = try w.strings("SELECT path FROM peppol_document ORDER BY id").map { w.workspace.path($0) }
        try PeppolValidator.expectValid(files)
        // The indexed invoice with usage lines, golden (the embedded PDF is checked separately).
        let xml = try String(contentsOfFile: files[1], encoding: .utf8)
        try assertGolden(withoutPDF(xml), "peppol/F2027-000002.xml")
        // The embedded PDF is the invoice's PDF, byte for byte.
        let pdf = try Data(contentsOf: URL(fileURLWithPath: w.workspace.path("out/invoices/2027-01/F2027-000002.pdf")))
        #expect(xml.contains(pdf.base64EncodedString()))
        // A rerun writes nothing more.
        try w.run("2027-01")
        #expect(try w.count("SELECT COUNT(*) FROM peppol_document") == 3)
    }
}

/// Debtors and contracts covering the VAT cases, a floor, usage, a foreign buyer and the refusals.
enum PeppolCases {
    static let debtors = """
        debtor_id,name,kind,vat_number,email,language,street,postal_code,city,country,payment_terms_days
        P-21,Brouwerij Claes NV,b2b,BE0403019261,,nl,Dorpstraat 1,3000,Leuven,BE,30
        P-06,Boekhandel Dumont SA,b2b,BE0800000075,,fr,Rue Haute 2,1000,Bruxelles,BE,30
        P-AE,Delta Logistics BV,b2b,NL859915424B01,,en,Keizersgracht 10,1015 CJ,Amsterdam,NL,30
        P-FL,Gieterij Maes NV,b2b,BE0700000104,,nl,Kaai 5,9000,Gent,BE,30
        P-BAD,Foutief BV,b2b,,,nl,Straat 1,2000,Antwerpen,BE,30
        P-NOEX,Zonder Vrijstelling BV,b2b,BE0477000072,,nl,Straat 2,2000,Antwerpen,BE,30
        P-C,Jan Janssens,b2c,,jan@example.org,nl,Straat 3,2000,Antwerpen,BE,14

        """
    static let contracts = """
        contract_id,debtor_id,plan,monthly_price,currency,activation_date,price_adjusted_on,index_series,billing_day,payment_terms_days,index_floor,status,end_date,vat_rate,vat_exemption
        K-21,P-21,Pro,100.00,EUR,2024-06-01,2026-01-01,agoria-digital,1,30,false,active,,,
        K-06,P-06,Livres,80.00,EUR,2025-01-01,,,1,30,false,active,,6,
        K-AE,P-AE,Cloud,300.00,EUR,2025-01-01,,,1,30,false,active,,0,VATEX-EU-AE
        K-FL,P-FL,Business,250.00,EUR,2024-02-01,2025-09-10,agoria-national,5,30,true,active,,,
        K-BAD,P-BAD,Basis,10.00,EUR,2025-01-01,,,1,30,false,active,,,
        K-NOEX,P-NOEX,Basis,10.00,EUR,2025-01-01,,,1,30,false,active,,0,
        K-C,P-C,Basis,10.00,EUR,2025-01-01,,,1,14,false,active,,,

        """
    static let usage = """
        contract_id,month,item,quantity,unit_price
        K-21,2026-12,Extra users,3,4.50
        K-21,2026-12,SMS reminders,125,0.085

        """

    /// A workspace with these cases loaded: P-AE on Peppol by its Dutch VAT participant id, P-BAD
    /// forced onto Peppol without an enterprise number (as a later debtors file could leave it).
    static func workspace() throws -> BillingWorkspace {
        let w = try BillingWorkspace()
        try w.debtors(w.write("debtors.csv", debtors))
        for (kind, name, text) in [(BillingFileKind.contracts, "contracts.csv", contracts), (.usage, "usage.csv", usage)] {
            let s = try w.ingest(kind, w.write(name, text))
            #expect(s.rejected == 0 && s.fatal == nil, "\(name): \(w.diagnostics)")
        }
        try w.ingest(.index, examples + "/index.csv")
        try w.channel("P-AE", .peppol, peppolID: "9944:NL859915424B01")
        try w.store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO billing_channel (debtor_id, channel, updated_at)
                SELECT id, 'peppol', '2026-12-01T00:00:00.000Z' FROM debtor WHERE debtor_key = 'P-BAD'
                """)
        }
        return w
    }
}

extension PeppolRunTests {
    @Test func vatRatesExemptionFloorUsageAndAForeignBuyerAllValidate() throws {
        let w = try PeppolCases.workspace()
        let r = try w.run("2027-01")
        #expect(r.invoices == 5 && r.peppol == 4)
        // Refused before anything was written, each naming its contract, debtor and rule; the rest went on.
        #expect(r.refused.count == 2)
        #expect(r.refused.contains { $0.hasPrefix("contract K-BAD (debtor P-BAD): error: [enterprise-number]") })
        #expect(r.refused.contains { $0.hasPrefix("contract K-NOEX (debtor P-NOEX): error: [vat-exemption] VAT rate 0 % without an exemption reason") })
        #expect(try w.count("SELECT COUNT(*) FROM billing_invoice b JOIN contract c ON c.id = b.contract_id WHERE c.contract_key IN ('K-BAD', 'K-NOEX')") == 0)
        #expect(try w.count("SELECT COALESCE(MAX(last_value), 0) FROM billing_sequence") == 5, "no number taken for a refused invoice")
        // The consumer keeps PDF and e-mail.
        #expect(try w.strings("SELECT key FROM outbox_reference WHERE kind = 'contract'") == ["K-C"])
        let rows = try w.strings("SELECT d.invoice_number || ' ' || d.receiver FROM peppol_document d ORDER BY d.id")
        // In contract order: K-06, K-21, K-AE, (K-C by e-mail), K-FL.
        #expect(rows == ["F2027-000001 0208:0800000075", "F2027-000002 0208:0403019261", "F2027-000003 9944:NL859915424B01",
                         "F2027-000005 0208:0700000104"])
        let files = try w.strings("SELECT path FROM peppol_document ORDER BY id").map { w.workspace.path($0) }
        try PeppolValidator.expectValid(files)
        let texts = try files.map { try String(contentsOfFile: $0, encoding: .utf8) }
        // Reverse charge to the Dutch buyer: category AE at 0 % with its exemption code.
        #expect(texts[2].contains("<cbc:ID>AE</cbc:ID>") && texts[2].contains("<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>"))
        #expect(texts[2].contains("<cbc:EndpointID schemeID=\"9944\">NL859915424B01</cbc:EndpointID>"))
        #expect(texts[2].contains("<cbc:PayableAmount currencyID=\"EUR\">300.00</cbc:PayableAmount>"))
        // 6 %: 80.00 + 4.80.
        #expect(texts[0].contains("<cbc:Percent>6</cbc:Percent>") && texts[0].contains("<cbc:PayableAmount currencyID=\"EUR\">84.80</cbc:PayableAmount>"))
        // The floor kept the price, and the note says so.
        #expect(texts[3].contains("bodemclausule") && texts[3].contains("<cbc:PriceAmount currencyID=\"EUR\">250</cbc:PriceAmount>"))
        try assertGolden(withoutPDF(texts[2]), "peppol/reverse-charge.xml")
    }

    @Test func aRoundTripThroughTheUBLIngestGivesBackTheSameInvoices() throws {
        let w = try PeppolCases.workspace()
        try w.run("2027-01")
        let billed = try w.strings("""
            SELECT i.invoice_number || ' ' || i.type || ' ' || i.issue_date || ' ' || i.due_date || ' ' || i.currency || ' '
              || i.amount_minor || ' ' || i.structured_reference
            FROM invoice i JOIN peppol_document p ON p.invoice_number = i.invoice_number ORDER BY 1
            """)
        #expect(billed.count == 4)
        let other = try BillingWorkspace()
        var seen: [Diagnostic] = []
        _ = try UBLIngestor.run(store: other.store, paths: [w.workspace.path("out/invoices/2027-01")],
                                options: IngestOptions(kind: .invoices, asOf: Day(iso: "2027-01-10")!), now: { fixedNow }) { seen.append($0) }
        #expect(seen.filter { $0.severity == .error }.isEmpty, "\(seen)")
        let read = try other.strings("""
            SELECT invoice_number || ' ' || type || ' ' || issue_date || ' ' || due_date || ' ' || currency || ' '
              || amount_minor || ' ' || structured_reference FROM invoice ORDER BY 1
            """)
        #expect(read == billed)
        // The buyers come back by their identifiers.
        #expect(try other.strings("SELECT vat_number FROM debtor ORDER BY vat_number") == ["BE0403019261", "BE0700000104", "BE0800000075", "NL859915424B01"])
    }
}

extension PeppolRunTests {
    @Test func creditNotesFromCorrectionsValidateAndComeBackThroughTheIngest() throws {
        let w = try PeppolCases.workspace()
        try w.run("2027-01")
        func credit(_ number: String, _ reason: String = "wrong plan billed") throws -> CreditNoteResult {
            try CreditNoteIssue.run(store: w.store, workspace: w.workspace, config: w.config, invoice: number, reason: reason,
                                    issue: Day(iso: "2027-01-20")!, now: { fixedNow })
        }
        let indexed = try credit("F2027-000002")
        let reverse = try credit("F2027-000003")
        let consumer = try credit("F2027-000004")
        #expect(indexed.number == "FC2027-000001" && indexed.channel == "peppol" && indexed.ubl == "out/invoices/2027-01/FC2027-000001.xml")
        #expect(reverse.number == "FC2027-000002" && reverse.total.decimalString == "300.00")
        #expect(consumer.channel == "email" && consumer.ubl == nil)
        #expect(throws: BillingError.self) { try credit("F2027-000002") }
        #expect(throws: BillingError.self) { try credit("F2027-000001", "  ") }
        #expect(throws: BillingError.self) { try credit("NOPE-1") }
        // In the ledger: open credit notes with negative amounts; the consumer's by e-mail.
        #expect(try w.strings("SELECT invoice_number || ' ' || type || ' ' || amount_minor || ' ' || open_minor FROM invoice WHERE type = 'credit_note' ORDER BY 1")
                == ["FC2027-000001 credit_note -15504 -15504", "FC2027-000002 credit_note -30000 -30000", "FC2027-000003 credit_note -1210 -1210"])
        #expect(try w.count("SELECT COUNT(*) FROM outbox_message WHERE idempotency_key = 'billing:credit:FC2027-000003'") == 1)
        let files = [indexed.ubl, reverse.ubl].compactMap { $0 }.map { w.workspace.path($0) }
        try PeppolValidator.expectValid(files)
        let xml = try String(contentsOfFile: files[0], encoding: .utf8)
        #expect(xml.contains("<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>"))
        #expect(xml.contains("<cac:InvoiceDocumentReference>\n      <cbc:ID>F2027-000002</cbc:ID>"))
        try assertGolden(withoutPDF(xml), "peppol/FC2027-000001.xml")
        #expect(try pdfText(w.workspace.path(indexed.pdf)).contains("Creditnota FC2027-000001"))
        // Round trip: the ingest reads them back as credit notes of the same amounts.
        let other = try BillingWorkspace()
        _ = try UBLIngestor.run(store: other.store, paths: files, options: IngestOptions(kind: .invoices, asOf: Day(iso: "2027-01-21")!),
                                now: { fixedNow }) { _ in }
        #expect(try other.strings("SELECT invoice_number || ' ' || type || ' ' || amount_minor FROM invoice ORDER BY 1")
                == ["FC2027-000001 credit_note -15504", "FC2027-000002 credit_note -30000"])
    }
}
