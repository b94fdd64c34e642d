import Foundation
import RelanceTestSupport
import Testing

@testable import Reports

/// Every report in every format on the seeded ledger, against golden files.
@Suite struct ReportGoldenTests {
    @Test(arguments: ReportKind.allCases)
    func golden(kind: ReportKind) throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        for format in ReportFormat.allCases {
            let text = try Reports.text(kind: kind, format: format, asOf: seedDay, store: l.store, options: pinnedOptions())
            try assertGolden(text, "\(kind.rawValue).\(format.rawValue)")
        }
        let excel = try Reports.text(kind: kind, format: .csv, asOf: seedDay, store: l.store, options: pinnedOptions(.excelBE))
        try assertGolden(excel, "\(kind.rawValue).excel-be.csv")
    }

    /// A day without a dunning run: the exclusions come from what the ledger marks, and say so.
    @Test func dunningExclusionsWithoutARunComeFromTheLedger() throws {
        let l = try TempLedger()
        try seedLedger(l.store)
        let stored = try Reports.text(kind: .dunning, format: .csv, asOf: seedDay, store: l.store, options: pinnedOptions())
        #expect(stored.contains("debtor on hold,whole debtor,EUR,1,2,3100.00"), "\(stored)")
        #expect(!stored.contains("balance under the minimum"), "another night's rows")
        try l.store.pool.write { db in try db.execute(sql: "DELETE FROM dunning_exclusion") }
        let html = try Reports.text(kind: .dunning, format: .html, asOf: seedDay, store: l.store, options: pinnedOptions())
        #expect(html.contains("No dunning run on 2026-11-21"))
        let csv = try Reports.text(kind: .dunning, format: .csv, asOf: seedDay, store: l.store, options: pinnedOptions())
        #expect(csv.contains("promise to pay not yet due,whole debtor,EUR"), "\(csv)")
        // Every mark the ledger knows, each on one overdue invoice (F-003 put on hold for the last).
        try l.store.pool.write { db in try db.execute(sql: "UPDATE invoice SET on_hold = 1 WHERE invoice_number = 'F-003'") }
        let marked = try Reports.text(kind: .dunning, format: .csv, asOf: seedDay, store: l.store, options: pinnedOptions())
        #expect(marked.contains("""
            reason,level,currency,debtors,items,amount
            debtor on hold,whole debtor,EUR,1,1,600.00
            pays by direct debit,whole debtor,EUR,1,1,310.00
            promise to pay not yet due,whole debtor,EUR,1,1,99.99
            invoice disputed,single invoices,EUR,1,1,4200.00
            invoice on hold,single invoices,EUR,1,1,800.00
            reminder
            """), "\(marked)")
    }

    @Test func emptyLedgerRendersEveryReport() throws {
        let l = try TempLedger()
        for kind in ReportKind.allCases {
            for format in ReportFormat.allCases {
                let text = try Reports.text(kind: kind, format: format, asOf: seedDay, store: l.store, options: pinnedOptions())
                #expect(!text.isEmpty)
            }
        }
        let json = try Reports.text(kind: .aging, format: .json, asOf: seedDay, store: l.store, options: pinnedOptions())
        #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any])
    }
}
