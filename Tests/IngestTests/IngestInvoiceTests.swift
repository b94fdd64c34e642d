import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

@Suite struct IngestInvoiceTests {
    @Test func frenchWindows1252ExportWithDecimalCommas() throws {
        let t = try TestLedger().withDebtors()
        let s = try t.ingest(.invoices, [fixture("invoices-fr-cp1252.csv")])
        #expect(s[0].encoding == "windows-1252" && s[0].delimiter == "semicolon")
        #expect(s[0].imported == 5 && s[0].rejected == 0)
        #expect(t.diagnostics.isEmpty)
        let f1 = try #require(try t.invoice("F-2026-001"))
        #expect(f1.amountMinor == 123_456 && f1.openMinor == 123_456 && f1.structuredReference == "123456789002")
        #expect(f1.description == "Maintenance chaudière" && f1.issueDate == "2026-09-01" && f1.dueDate == "2026-10-01")
        let f2 = try #require(try t.invoice("F-2026-002"))
        #expect(f2.amountMinor == 9_999 && f2.openMinor == 4_999 && f2.disputed && f2.issueDate == "2026-09-15")
        #expect(f2.description == "Réparation — pièces" && f2.structuredReference == "012345678939")
        let f3 = try #require(try t.invoice("F-2026-003"))
        #expect(f3.amountMinor == 150_000 && f3.dueDate == "2026-10-20")  // K003 pays at 30 days
        let f4 = try #require(try t.invoice("F-2026-004"))
        #expect(f4.type == "credit_note" && f4.amountMinor == -12_000 && f4.openMinor == -12_000)
        let f5 = try #require(try t.invoice("F-2026-005"))
        #expect(f5.status == "closed" && f5.closedReason == "paid" && f5.closedOn == nil)  // paid before Relance saw it
        #expect(f5.description == "Événement à Namur")
    }

    @Test func commaDelimitedWithQuotedThousandsAndMultilineText() throws {
        let t = try TestLedger().withDebtors()
        let s = try t.ingest(.invoices, [fixture("invoices-en.csv")])
        #expect(s[0].imported == 3 && s[0].rejected == 0 && s[0].delimiter == "comma")
        #expect(try t.invoice("INV-1")?.amountMinor == 123_456)
        #expect(try t.invoice("INV-1")?.openMinor == 100_000)
        #expect(try t.invoice("INV-2")?.description == "Two lines:\nfirst, second")
        #expect(try t.invoice("INV-3")?.type == "credit_note")
    }

    @Test func tabDelimitedWithoutFinalNewlineReadsEachUnambiguousValue() throws {
        let t = try TestLedger().withDebtors()
        let s = try t.ingest(.invoices, [fixture("invoices-tab.tsv")])
        #expect(s[0].delimiter == "tab" && s[0].imported == 2 && s[0].rejected == 0)
        #expect(try t.invoice("T-1")?.amountMinor == 1_050)
        #expect(try t.invoice("T-2")?.amountMinor == 2_025)
    }

    @Test func aReferenceOfTwelveDigitsIsStoredAsGivenAndEveryOtherFormReadOrRefused() throws {
        let t = try TestLedger().withDebtors()
        let rows = [
            ("R-1", "123456789002"), ("R-2", "012345678939"), ("R-3", "+++000/0000/09797+++"), ("R-4", "***123/4567/89002***"),
            ("R-5", " 123456789002"), ("R-6", "123456789003"), ("R-7", "12345 789002"), ("R-8", "１２３４５６７８９００２"),
            ("R-9", "000000000000"), ("R-10", "RF18539007547034"),
        ]
        var csv = "invoice_number,debtor_id,issue_date,due_date,amount,type,structured_reference\n"
        for (number, reference) in rows { csv += "\(number),K001,2026-09-01,2026-10-01,10.00,invoice,\(reference)\n" }
        let s = try t.ingest(.invoices, [t.write("references.csv", csv)])
        #expect(s[0].imported == 6 && s[0].rejected == 4)
        #expect(try t.invoice("R-1")?.structuredReference == "123456789002")
        #expect(try t.invoice("R-2")?.structuredReference == "012345678939")
        #expect(try t.invoice("R-3")?.structuredReference == "000000009797")
        #expect(try t.invoice("R-4")?.structuredReference == "123456789002")
        #expect(try t.invoice("R-5")?.structuredReference == "123456789002")
        #expect(try t.invoice("R-10")?.structuredReference == "RF18539007547034")
        let refused = t.diagnostics.filter { $0.severity == .error }.map { "\($0.line):\($0.rule)" }
        #expect(refused == ["7:ogm", "8:ogm", "9:ogm", "10:ogm"])
        #expect(t.diagnostics.contains { $0.line == 7 && $0.message.contains("wrong check digits 03: expected 02") })
        #expect(t.diagnostics.contains { $0.line == 10 && $0.message.contains("wrong check digits 00: expected 97") })
    }

    @Test func everyBadRowIsReportedWithItsLineColumnAndRuleAndKeptVerbatim() throws {
        let t = try TestLedger().withDebtors()
        let s = try t.ingest(.invoices, [fixture("invoices-bad.csv")])
        #expect(s[0].read == 12 && s[0].imported == 2 && s[0].rejected == 10)
        let errors = t.diagnostics.filter { $0.severity == .error }.map { "\($0.line):\($0.column):\($0.rule)" }
        #expect(errors == [
            "3:7:ogm", "4:3:date", "5:4:due-before-issue", "6:2:unknown-debtor", "7:1:duplicate-key", "8:5:amount",
            "9:2:missing-field", "10:6:negative-open-amount", "11:8:too-long", "12:6:open-exceeds-amount",
        ])
        #expect(t.diagnostics.first?.description
            == "invoices-bad.csv:3:7: error: [ogm] invalid structured communication \"+++123/4567/89003+++\": wrong check digits 03: expected 02 (mod 97)")
        #expect(try t.invoice("B-1") != nil && t.invoice("B-12") != nil)
        // The rejects file holds the header and each refused row exactly as it stood.
        let rejects = try String(contentsOfFile: t.rejectsDir + "/invoices-bad.csv.rejects.csv", encoding: .utf8)
        let original = try String(contentsOfFile: fixture("invoices-bad.csv"), encoding: .utf8).split(separator: "\n")
        let lines = rejects.split(separator: "\n")
        #expect(lines.count == 11)
        #expect(lines[0] == "rejected_line;rejected_reason;" + original[0])
        for (i, line) in [3, 4, 5, 6, 7, 8, 9, 10, 11, 12].enumerated() {
            #expect(lines[i + 1].hasPrefix("\(line);\"["))
            #expect(lines[i + 1].hasSuffix(";" + original[line - 1]))
        }
        // Re-reading the rejects file after fixing nothing rejects the same rows, not more.
        let again = try t.ingest(.invoices, [t.rejectsDir + "/invoices-bad.csv.rejects.csv"])
        #expect(again[0].read == 10 && again[0].imported == 0)
    }

    @Test func ambiguousAmountsAreErrorsUntilTheMappingSaysWhichSeparator() throws {
        let t = try TestLedger().withDebtors()
        let s = try t.ingest(.invoices, [fixture("invoices-ambiguous.csv")])
        #expect(s[0].rejected == 2)
        #expect(t.errors(rule: "amount").allSatisfy { $0.message.contains("ambiguous") })

        let comma = try Mapping.load(path: fixture("mapping-decimal-comma.toml"))
        let c = try t.ingest(.invoices, [fixture("invoices-ambiguous.csv")], mapping: comma)
        #expect(c[0].imported == 1 && c[0].rejected == 1)  // 1,234 has three decimals with a decimal comma
        #expect(try t.invoice("A-2")?.amountMinor == 250)

        var point = Mapping()
        point.decimalSeparator = .point
        let p = try t.ingest(.invoices, [fixture("invoices-ambiguous.csv")], mapping: point)
        #expect(p[0].imported == 1 && p[0].updated == 1)
        #expect(try t.invoice("A-1")?.amountMinor == 123_400)
        #expect(try t.invoice("A-2")?.amountMinor == 250_000)
    }

    @Test func mappingFileForAnExportWithItsOwnHeaders() throws {
        let t = try TestLedger().withDebtors()
        let m = try Mapping.load(path: fixture("mapping-custom.toml"))
        #expect(m.delimiter == UInt8(ascii: "|") && m.dateOrder == .mdy)
        let s = try t.ingest(.invoices, [fixture("invoices-custom.csv")], mapping: m)
        #expect(s[0].imported == 1)
        let c = try #require(try t.invoice("C-1"))
        #expect(c.issueDate == "2026-10-01" && c.dueDate == "2026-10-31" && c.amountMinor == 123_450)
    }

    @Test func badMappingFileNamesTheKeyAndLine() throws {
        let t = try TestLedger()
        let p = t.write("m.toml", "# comment\ndelimiter = \";\"\n[columns]\ninvoice_nr = \"Nr\"\n")
        #expect {
            try Mapping.load(path: p)
        } throws: { e in
            (e as? Mapping.Problem)?.description == "m.toml:4:0: error: [mapping] columns.invoice_nr: not a canonical column (debtor_id, name, kind, vat_number, email, language, street, postal_code, city, country, phone, payment_terms_days, on_hold, paperless_since, invoice_number, issue_date, due_date, currency, amount, open_amount, type, structured_reference, description, disputed, payment_id, date, interest_rate, public_authority, direct_debit, expected_payment_date)"
        }
    }

    @Test func snapshotClosesMissingOpenInvoicesButNotRejectedOnes() throws {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [fixture("invoices-en.csv")])
        let snap = t.write("snapshot.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,open_amount
            INV-1,K001,2026-10-01,2026-10-31,1234.56,1000.00
            INV-2,K004,2026-10-02,2026-11-01,25O.00,250.00
            """)
        let s = try t.ingest(.invoices, [snap], snapshot: true)
        #expect(s[0].closedBySnapshot == 1 && s[0].rejected == 1)
        #expect(try t.invoice("INV-3")?.closedReason == "settled_outside")
        #expect(try t.invoice("INV-3")?.openMinor == 0)
        #expect(try t.invoice("INV-2")?.status == "open")
        #expect(try t.count("SELECT COUNT(*) FROM record_change WHERE change = 'close' AND entity_key = 'INV-3'") == 1)
        // Without --snapshot nothing is closed.
        try t.ingest(.invoices, [snap])
        #expect(try t.count("SELECT COUNT(*) FROM invoice WHERE closed_reason = 'settled_outside'") == 1)
    }

    @Test func dryRunChangesNothingAndWritesNoRejects() throws {
        let t = try TestLedger().withDebtors()
        let s = try t.ingest(.invoices, [fixture("invoices-bad.csv")], dryRun: true)
        #expect(s[0].imported == 2 && s[0].rejected == 10)
        #expect(try t.count("SELECT COUNT(*) FROM invoice") == 0)
        #expect(try t.count("SELECT COUNT(*) FROM ingest_batch WHERE kind = 'invoices'") == 0)
        #expect(!FileManager.default.fileExists(atPath: t.rejectsDir + "/invoices-bad.csv.rejects.csv"))
    }

    @Test func unterminatedQuoteRefusesTheWholeFile() throws {
        let t = try TestLedger().withDebtors()
        let p = t.write("broken.csv", "invoice_number,debtor_id,issue_date,due_date,amount\nOK-1,K001,2026-10-01,2026-10-31,1.00\nX,K001,\"2026-10-01,2026-10-31,1.00\n")
        let s = try t.ingest(.invoices, [p])
        #expect(s[0].fatal != nil)
        #expect(try t.invoice("OK-1") == nil)
        #expect(t.errors(rule: "unterminated-quote").count == 1)
    }
}
