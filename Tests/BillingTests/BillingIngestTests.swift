import Billing
import Foundation
import Ledger
import Store
import Testing

/// `relance ingest contracts|usage|index`: diagnostics with file:line:column, rejects kept verbatim,
/// idempotent re-reads.
@Suite struct BillingIngestTests {
    @Test func badContractRowsAreDiagnosedAndKeptVerbatim() throws {
        let w = try BillingWorkspace()
        try w.debtors()
        let file = w.write("contracts-bad.csv", """
            contract_id;debtor_id;plan;monthly_price;activation_date;price_adjusted_on;billing_day;status;end_date;index_floor;colour
            K-1;B-001;Pro;100,00;01/03/2025;;1;active;;nee;blue
            K-2;B-999;Pro;100,00;2025-03-01;;1;active;;;
            K-3;B-001;;12,3O;2025-03-01;2025-02-01;31;paused;;maybe;
            K-4;B-002;Start;49,99;2025-03-01;;;terminated;;;
            K-1;B-002;Start;49,99;2025-03-01;;;active;;;
            K-5;B-002;Start;-5,00;2025-03-01;;;active;2025-01-01;;

            """)
        let s = try w.ingest(.contracts, file)
        #expect(s.read == 6 && s.imported == 1 && s.rejected == 5)
        let lines = w.diagnostics.map(\.description)
        #expect(lines == [
            "contracts-bad.csv:1:11: warning: [unknown-column] column \"colour\" is not used",
            "contracts-bad.csv:3:2: error: [unknown-debtor] debtor \"B-999\" is not in the ledger; ingest the debtors first",
            "contracts-bad.csv:4:3: error: [missing-field] plan is required",
            "contracts-bad.csv:4:4: error: [amount] monthly_price: not a number",
            "contracts-bad.csv:4:6: error: [adjusted-before-activation] price_adjusted_on 2025-02-01 is before the activation date 2025-03-01",
            "contracts-bad.csv:4:7: error: [number] billing_day must be a whole number from 1 to 28, found \"31\"",
            "contracts-bad.csv:4:8: error: [status] status must be active, suspended or terminated, found \"paused\"",
            "contracts-bad.csv:4:10: error: [boolean] index_floor must be true or false, found \"maybe\"",
            "contracts-bad.csv:5:9: error: [missing-field] a terminated contract needs its end_date",
            "contracts-bad.csv:6:1: error: [duplicate-key] K-1 already appears on line 2; each key once per file",
            "contracts-bad.csv:7:4: error: [negative-price] monthly_price must not be negative",
            "contracts-bad.csv:7:9: error: [end-before-activation] end_date 2025-01-01 is before the activation date 2025-03-01",
        ])
        let rejects = try String(contentsOfFile: try #require(s.rejectsPath), encoding: .utf8)
        #expect(rejects.hasPrefix("rejected_line;rejected_reason;contract_id;debtor_id;plan;"))
        #expect(rejects.contains("\n3;\"[unknown-debtor] debtor \"\"B-999\"\" is not in the ledger; ingest the debtors first\";K-2;B-999;Pro;100,00;2025-03-01;;1;active;;;\n"))
        #expect(rejects.split(separator: "\n").count == 6)
        // The good row: defaults filled in (price set on activation, 14 days, no floor).
        #expect(try w.strings("SELECT contract_key || ' ' || monthly_price_minor || ' ' || price_adjusted_on || ' ' || payment_terms_days || ' ' || index_floor || ' ' || status FROM contract")
                == ["K-1 10000 2025-03-01 14 0 active"])
    }

    @Test func aFileWithoutARequiredColumnIsRefusedWhole() throws {
        let w = try BillingWorkspace()
        let s = try w.ingest(.index, w.write("index.csv", "series,value\nagoria,100\n"))
        #expect(s.fatal == "[missing-column] required column month not in the header" && s.read == 0)
        #expect(w.diagnostics.map(\.description) == ["index.csv:1:0: error: [missing-column] required column month not in the header"])
    }

    @Test func rereadingTheExamplesChangesNothing() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        for (kind, file, n) in [(BillingFileKind.contracts, "contracts.csv", 8), (.usage, "usage.csv", 4), (.index, "index.csv", 105)] {
            let s = try w.ingest(kind, examples + "/" + file)
            #expect(s.unchanged == n && s.imported == 0 && s.updated == 0, "\(file)")
        }
        #expect(try w.count("SELECT COUNT(*) FROM billing_ingest") == 6)
        #expect(try w.strings("SELECT value FROM price_index WHERE series = 'agoria-digital' AND month = '2026-11'") == ["115.50"])
    }

    @Test func aDryRunWritesNothing() throws {
        let w = try BillingWorkspace()
        try w.debtors()
        let s = try w.ingest(.contracts, examples + "/contracts.csv", dryRun: true)
        #expect(s.imported == 8)
        #expect(try w.count("SELECT COUNT(*) FROM contract") == 0 && w.count("SELECT COUNT(*) FROM billing_ingest") == 0)
    }

    @Test func usageAndIndexRowsAreChecked() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        let usage = try w.ingest(.usage, w.write("usage-bad.csv", """
            contract_id,month,item,quantity,unit_price
            C-9999,2026-12,Users,1,4.50
            C-1001,2026-13,Users,x,4.50
            C-1001,2026-12,,2,-1

            """))
        #expect(usage.rejected == 3)
        let index = try w.ingest(.index, w.write("index-bad.csv", "series,month,value\nagoria-digital,2026-12,0\nagoria-digital,12/2026,101\n,2026-12,101\n"))
        #expect(index.rejected == 3)
        #expect(w.diagnostics.map(\.description) == [
            "usage-bad.csv:2:1: error: [unknown-contract] contract \"C-9999\" is not known; ingest the contracts first",
            "usage-bad.csv:3:2: error: [month] month must be a month written YYYY-MM, found \"2026-13\"",
            "usage-bad.csv:3:4: error: [number] quantity must be a plain number such as 12 or 1.5, found \"x\"",
            "usage-bad.csv:4:3: error: [missing-field] item is required",
            "usage-bad.csv:4:5: error: [number] unit_price must be a plain number such as 12 or 1.5, found \"-1\"",
            "index-bad.csv:2:3: error: [index-value] value must be a positive number such as 115.50, found \"0\"",
            "index-bad.csv:3:2: error: [month] month must be a month written YYYY-MM, found \"12/2026\"",
            "index-bad.csv:4:1: error: [missing-field] series is required",
        ])
    }

    @Test func aPublishedValueUsedOnAnInvoiceCannotChange() throws {
        let w = try BillingWorkspace()
        try w.loadExamples()
        // Before any invoice uses it, a correction is accepted.
        let fix = try w.ingest(.index, w.write("fix.csv", "series,month,value\nagoria-digital,2026-10,108.70\n"))
        #expect(fix.updated == 1)
        try w.run("2027-01")
        let late = try w.ingest(.index, w.write("late.csv", "series,month,value\nagoria-digital,2026-11,116.00\nagoria-digital,2026-11,115.5\n"))
        #expect(late.rejected == 2)
        #expect(w.diagnostics.suffix(2).map(\.description) == [
            "late.csv:2:3: error: [index-value] agoria-digital 2026-11 was already used to index F2027-000001; a published value does not change",
            "late.csv:3:1: error: [duplicate-key] agoria-digital 2026-11 already appears on line 2; each key once per file",
        ].map { $0.replacingOccurrences(of: "[index-value]", with: "[index-used]") })
    }
}
