import Billing
import Ingest
import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// The monthly run on the example data: what it writes, golden JSON, PDFs, e-mails, idempotency.
@Suite struct BillingRunTests {
    @Test func januaryOnTheExamplesMatchesTheGoldenJSON() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        let dry = try w.run("2027-01", dryRun: true)
        #expect(try w.count("SELECT COUNT(*) FROM invoice") == 0)
        #expect(try w.count("SELECT COUNT(*) FROM billing_sequence") == 0)
        let real = try w.run("2027-01")
        try assertGolden(real.json + "\n", "run-2027-01.json")
        #expect(dry.json == real.json, "a dry run reports the lines the run creates")
        #expect(real.invoices == 6 && real.indexed == 4 && real.withoutEmail == 1)
        #expect(real.warnings == ["1 usage row(s) of ended contracts are not billed (no invoice after termination)",
                                  "3 Belgian B2B debtor(s) without an enterprise number get PDF by e-mail, not Peppol: B-003, B-004, B-005"])
    }

    @Test func invoicesEnterTheLedgerWithNumbersReferencesVATAndDueDates() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        try w.run("2027-01")
        let rows = try w.store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.invoice_number, i.issue_date, i.due_date, i.amount_minor, i.open_minor, i.structured_reference, i.source,
                  i.status, b.net_minor, b.vat_minor, b.sequence_value, c.contract_key
                FROM invoice i JOIN billing_invoice b ON b.invoice_id = i.id JOIN contract c ON c.id = b.contract_id
                ORDER BY i.invoice_number
                """)
        }
        #expect(rows.map { $0[0] as String } == (1...6).map { String(format: "F2027-%06d", $0) })
        for (n, r) in rows.enumerated() {
            #expect(r[6] as String == "billing" && r[7] as String == "open")
            #expect((r[3] as Int64) == (r[8] as Int64) + (r[9] as Int64) && (r[4] as Int64) == (r[3] as Int64))
            #expect((r[10] as Int64) == Int64(n + 1))
            // The structured communication is valid and derived from the number: year 27, sequence on eight digits.
            let ogm = try StructuredReference(parsing: r[5] as String)
            #expect(ogm.digits.prefix(10) == "27" + String(format: "%08d", n + 1))
        }
        // C-1001: 104.00 + 21 % = 125.84; issued on its billing day, due 14 days later.
        let c1001 = rows.first { $0[11] as String == "C-1001" }!
        #expect(c1001[1] as String == "2027-01-01" && c1001[2] as String == "2027-01-15" && c1001[3] as Int64 == 12_584)
        // C-1003 bills on the 5th with 30 days' terms.
        let c1003 = rows.first { $0[11] as String == "C-1003" }!
        #expect(c1003[1] as String == "2027-01-05" && c1003[2] as String == "2027-02-04")
        // C-1006 starts on 15 January: the started month is due in full, dated on its activation.
        let c1006 = rows.first { $0[11] as String == "C-1006" }!
        #expect(c1006[1] as String == "2027-01-15" && c1006[8] as Int64 == 1_900)
        // VAT per line, each rounded once: 125 × 0.085 = 10.625 → 10.63; its VAT 2.2323 → 2.23.
        let lines = try w.strings("""
            SELECT kind || ' ' || quantity || ' ' || unit_price || ' ' || net_minor || ' ' || vat_rate || ' ' || vat_minor
            FROM billing_line l JOIN invoice i ON i.id = l.invoice_id WHERE i.invoice_number = 'F2027-000002' ORDER BY position
            """)
        #expect(lines == ["subscription 1 52.07 5207 21 1093", "usage 3 4.5 1350 21 284", "usage 125 0.085 1063 21 223"])
        // Terminated (C-1007) and suspended (C-1008) contracts get nothing.
        #expect(try w.count("SELECT COUNT(*) FROM billing_invoice b JOIN contract c ON c.id = b.contract_id WHERE c.contract_key IN ('C-1007', 'C-1008')") == 0)
    }

    @Test func theIndexedLineStoresBothIndicesAndTheContractTakesTheNewPrice() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        try w.run("2027-01")
        let line = try w.strings("""
            SELECT old_price_minor || '|' || new_price_minor || '|' || factor || '|' || actual_index_month || '|' || actual_index
              || '|' || base_index_month || '|' || base_index || '|' || l.index_series || '|' || rounding
            FROM billing_line l JOIN billing_invoice b ON b.invoice_id = l.invoice_id JOIN contract c ON c.id = b.contract_id
            WHERE c.contract_key = 'C-1002' AND l.kind = 'subscription'
            """)
        #expect(line == ["4999|5207|1.0416|2026-11|126.24|2025-02|120.00|agoria-manufacturing|half-up to the minor unit, once"])
        #expect(try w.strings("SELECT monthly_price_minor || ' ' || price_adjusted_on FROM contract WHERE contract_key IN ('C-1001', 'C-1002', 'C-1003', 'C-1004', 'C-1005') ORDER BY contract_key")
                == ["10400 2027-01-01", "5207 2027-01-01", "24600 2027-01-01", "25000 2027-01-01", "7500 2025-11-01"])
        // Ingesting the old contracts file again keeps the indexed prices, and says so.
        let again = try w.ingest(.contracts, examples + "/contracts.csv")
        #expect(again.unchanged == 8)
        let touched = w.write("contracts-changed.csv", try String(contentsOfFile: examples + "/contracts.csv", encoding: .utf8)
            .replacingOccurrences(of: "C-1001,B-001,Pro,", with: "C-1001,B-001,Pro Plus,"))
        let changed = try w.ingest(.contracts, touched)
        #expect(changed.updated == 1 && changed.note == "1 contract(s) keep the price Relance indexed after the file's price_adjusted_on")
        #expect(try w.strings("SELECT plan || ' ' || monthly_price_minor FROM contract WHERE contract_key = 'C-1001'") == ["Pro Plus 10400"])
        // February: the indexed price, no second indexation.
        let feb = try w.run("2027-02")
        #expect(feb.indexed == 0)
        #expect(feb.lines.first { $0.contractKey == "C-1001" }?.amount == .eur(cents: 10_400))
    }

    @Test func rerunningAPeriodChangesNothing() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        try w.run("2027-01")
        let before = try w.dump()
        let pdf = try Data(contentsOf: URL(fileURLWithPath: w.workspace.path("out/invoices/2027-01/F2027-000001.pdf")))
        let again = try w.run("2027-01")
        #expect(again.invoices == 0 && again.lines.isEmpty && again.alreadyInvoiced == 6 && again.json == "[]")
        #expect(try w.dump() == before)
        #expect(try Data(contentsOf: URL(fileURLWithPath: w.workspace.path("out/invoices/2027-01/F2027-000001.pdf"))) == pdf)
    }

    @Test(arguments: [(1, 0), (2, 3), (2, 4), (4, 5)])
    func aRunStoppedHalfwayResumesWithoutDuplicateOrGap(_ batch: Int, _ stopAfter: Int) throws {
        let clean = try BillingWorkspace()
        try clean.loadExamples()
        try clean.run("2027-01", batchSize: batch)

        let w = try BillingWorkspace()
        try w.loadExamples()
        #expect(throws: BillingError.self) { try w.run("2027-01", batchSize: batch, interruptAfter: stopAfter) }
        // Only whole batches were committed: the batch in progress rolled back with its numbers.
        let committed = stopAfter / batch * batch
        #expect(try w.count("SELECT COUNT(*) FROM billing_invoice") == committed)
        #expect(try w.count("SELECT COALESCE(MAX(last_value), 0) FROM billing_sequence") == committed)
        // One message per committed invoice, by e-mail or Peppol, except C-1005's (no e-mail address).
        #expect(try w.count("SELECT (SELECT COUNT(*) FROM outbox_message) + (SELECT COUNT(*) FROM peppol_document)")
                == committed - (committed >= 5 ? 1 : 0))
        let resumed = try w.run("2027-01", batchSize: batch)
        #expect(resumed.invoices == 6 - committed && resumed.alreadyInvoiced == committed)
        #expect(try w.strings("SELECT sequence_value FROM billing_invoice ORDER BY sequence_value") == (1...6).map(String.init))
        // The same state as a run that never stopped (paths inside the workspace aside).
        #expect(try w.dump().replacingOccurrences(of: w.dir, with: "WS") == clean.dump().replacingOccurrences(of: clean.dir, with: "WS"))
    }

    @Test func numbersStayGaplessAcrossPeriodsAndRestartEachYear() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        try w.run("2026-12")
        try w.run("2027-01")
        try w.run("2027-02")
        let numbers = try w.strings("SELECT invoice_number FROM invoice ORDER BY invoice_number")
        let y2026 = numbers.filter { $0.hasPrefix("F2026-") }, y2027 = numbers.filter { $0.hasPrefix("F2027-") }
        #expect(y2026 == (1...y2026.count).map { String(format: "F2026-%06d", $0) })
        #expect(y2027 == (1...y2027.count).map { String(format: "F2027-%06d", $0) })
        #expect(try w.strings("SELECT name || '=' || last_value FROM billing_sequence ORDER BY name") == ["F2026=\(y2026.count)", "F2027=\(y2027.count)"])
        // Usage is billed once, in arrears: December's usage went on January's invoices, not February's.
        #expect(try w.count("SELECT COUNT(*) FROM billing_line WHERE kind = 'usage'") == 3)
        #expect(try w.count("SELECT COUNT(*) FROM billing_line WHERE usage_id IS NOT NULL GROUP BY usage_id HAVING COUNT(*) > 1") == 0)
        // A usage row for a month already invoiced cannot change.
        let late = w.write("usage-late.csv", "contract_id,month,item,quantity,unit_price\nC-1002,2026-12,Extra users,4,4.50\nC-1002,2027-01,Extra users,1,4.50\n")
        let s = try w.ingest(.usage, late)
        #expect(s.rejected == 1 && s.imported == 1)
        #expect(w.diagnostics.contains { $0.description.hasPrefix("usage-late.csv:2:2: error: [already-invoiced] the usage of 2026-12 was invoiced on F2027-000002") })
        let march = try w.run("2027-03")
        #expect(march.lines.contains { $0.contractKey == "C-1002" && $0.kind == .usage && $0.amount == .eur(cents: 450) })
    }

    @Test func aMissingIndexMonthStopsTheRunBeforeAnythingIsWritten() throws {
        let w = try BillingWorkspace()
        try w.debtors()
        try w.ingest(.contracts, examples + "/contracts.csv")
        let index = try String(contentsOfFile: examples + "/index.csv", encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("agoria-digital,2026-11") && !$0.hasPrefix("agoria-national,2025-08") }
        try w.ingest(.index, w.write("index-partial.csv", index.joined(separator: "\n") + "\n"))
        #expect {
            try w.run("2027-01")
        } throws: { e in
            guard case .missingIndex(let m) = e as? BillingError else { return false }
            return m == [MissingIndex(series: "agoria-digital", month: Month(text: "2026-11")!),
                         MissingIndex(series: "agoria-national", month: Month(text: "2025-08")!)]
                && "\(e)".contains("index series \"agoria-digital\" has no value for 2026-11")
        }
        for table in ["invoice", "billing_invoice", "billing_line", "billing_sequence", "outbox_message"] {
            #expect(try w.count("SELECT COUNT(*) FROM \(table)") == 0, "\(table)")
        }
        #expect(try w.strings("SELECT monthly_price_minor FROM contract WHERE contract_key = 'C-1001'") == ["10000"])
        #expect((try? FileManager.default.contentsOfDirectory(atPath: w.workspace.path("out/invoices/2027-01")))?.isEmpty ?? true)
        // Outside the indexation month the series is not needed.
        #expect(try w.run("2027-02").invoices == 6)
    }

    @Test func eachInvoiceQueuesOneEmailWithItsPDF() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        // B-001 and B-002 would get Peppol UBL (they have enterprise numbers): keep them on e-mail.
        try w.channel("B-001", .email)
        try w.channel("B-002", .email)
        try w.run("2027-01")
        let messages = try w.store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT m.idempotency_key, m.origin, m.state, m.subject, r.address, a.filename, a.path
                FROM outbox_message m JOIN outbox_recipient r ON r.message_id = m.id JOIN outbox_attachment a ON a.message_id = m.id
                ORDER BY m.id
                """)
        }
        // Five invoices have a debtor with an e-mail address; Bakkerij Peeters (C-1005) has none.
        #expect(messages.map { $0[0] as String } == ["billing:invoice:F2027-000001", "billing:invoice:F2027-000002",
                                                    "billing:invoice:F2027-000003", "billing:invoice:F2027-000004",
                                                    "billing:invoice:F2027-000006"])
        #expect(messages.allSatisfy { $0[1] as String == "billing" && $0[2] as String == "queued" })
        #expect(messages[1][3] as String == "Facture F2027-000002 – Demo Facturatie BV")
        #expect(messages[1][4] as String == "compta@atelier-lambert.example")
        #expect(messages[1][5] as String == "F2027-000002.pdf")
        for m in messages { #expect(FileManager.default.fileExists(atPath: m[6] as String)) }
        #expect(try w.strings("SELECT kind || ':' || key FROM outbox_reference r JOIN outbox_message m ON m.id = r.message_id WHERE m.idempotency_key = 'billing:invoice:F2027-000001' ORDER BY kind")
                == ["contract:C-1001", "debtor:B-001", "invoice:F2027-000001"])
    }

    @Test(.requires(.pdftotext))
    func thePDFShowsTheInvoiceTheIndexationAndThePaymentBlock() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        try w.run("2027-01")
        let nl = try flat(pdfText(w.workspace.path("out/invoices/2027-01/F2027-000001.pdf")))
        for expected in ["Demo Facturatie BV", "Studio Vermeulen BV", "Factuur F2027-000001", "Brussel, 1 januari 2027",
                         "Klant B-001 · contract C-1001 · formule Pro", "Btw-nummer klant BE0403170701",
                         "Uw prijs is op 1 januari 2027 geïndexeerd volgens de index agoria-digital",
                         "€ 100,00 × (0,2 + 0,8 × 115,50 / 110,00) = € 104,00", "Abonnement Pro", "€ 104,00", "€ 21,84",
                         "Totaal te betalen", "€ 125,84", "15/01/2027", StructuredReference(base: "2700000001")!.formatted, "BE68 5390 0754 7034",
                         "Scan met uw bankapp om te betalen", "Pagina 1 van 1"] {
            #expect(nl.contains(expected), "missing \"\(expected)\" in:\n\(nl)")
        }
        let en = try flat(pdfText(w.workspace.path("out/invoices/2027-01/F2027-000004.pdf")))
        for expected in ["Invoice F2027-000004", "= €246.00", "The price does not fall (floor clause): it stays €250.00.", "Total due", "€302.50"] {
            #expect(en.contains(expected), "missing \"\(expected)\" in:\n\(en)")
        }
        let de = try pdfText(w.workspace.path("out/invoices/2027-01/F2027-000003.pdf"))
        #expect(de.contains("Rechnung F2027-000003") && de.contains("€ 246,00") && de.contains("Zu zahlender Betrag"))
    }

    /// Runs of spaces and line breaks as one space, so wrapped paragraphs read as one line.
    func flat(_ s: String) -> String { s.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ") }

    @Test func anIngestSnapshotNeverClosesBillingInvoices() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        try w.run("2027-01")
        let csv = w.write("open-invoices.csv", "invoice_number,debtor_id,issue_date,due_date,amount,currency\nA-1,B-001,2026-12-01,2026-12-31,100.00,EUR\n")
        var o = IngestOptions(kind: .invoices, asOf: Day(iso: "2027-01-20")!)
        o.snapshot = true
        let s = try Ingestor.run(store: w.store, files: [csv], options: o, now: { fixedNow }) { _ in }
        #expect(s[0].closedBySnapshot == 0)
        #expect(try w.count("SELECT COUNT(*) FROM invoice WHERE source = 'billing' AND status = 'open'") == 6)
    }
}
