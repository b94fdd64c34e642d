import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// Ingest meets the database only through Store's named functions and typed kinds: what it writes
/// must read back as those kinds, and the typed reads must see what the ingest wrote.
@Suite struct StoreContractTests {
    func ledger() throws -> TestLedger {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [fixture("invoices-en.csv")], asOf: "2026-10-15")
        try t.ingest(.invoices, [fixture("invoices-tab.tsv")], asOf: "2026-10-15")
        try t.ingest(.payments, [fixture("payments.csv")])
        return t
    }

    @Test func everyKindIngestWritesReadsBackAsItsEnum() throws {
        let t = try ledger()
        try t.store.pool.read { db in
            let types = try String.fetchAll(db, sql: "SELECT DISTINCT type FROM invoice")
            let statuses = try String.fetchAll(db, sql: "SELECT DISTINCT status FROM invoice")
            let sources = try String.fetchAll(db, sql: "SELECT DISTINCT source FROM invoice")
            let rules = try String.fetchAll(db, sql: "SELECT DISTINCT rule FROM payment_allocation")
            let entities = try String.fetchAll(db, sql: "SELECT DISTINCT entity FROM record_change")
            let changes = try String.fetchAll(db, sql: "SELECT DISTINCT change FROM record_change")
            #expect(!types.isEmpty && types.allSatisfy { InvoiceType(rawValue: $0) != nil })
            #expect(Set(statuses.compactMap(InvoiceStatus.init(rawValue:))) == [.open, .closed])
            #expect(sources.map(InvoiceSource.init(rawValue:)) == [.csv])
            #expect(Set(rules.compactMap(AllocationRule.init(rawValue:))) == [.structuredReference, .invoiceNumber, .debtorOldestFirst])
            #expect(entities.allSatisfy { RecordEntity(rawValue: $0) != nil })
            #expect(changes.allSatisfy { RecordChangeKind(rawValue: $0) != nil })
        }
    }

    @Test func typedReadsSeeWhatTheIngestWrote() throws {
        let t = try ledger()
        try t.store.pool.read { db in
            // INV-1 (1,234.56, the export said 1,000.00 open) was paid by P-1's 1,000.00 through its
            // structured reference: closed, and it can still take what no payment covered.
            let inv1 = try #require(try IngestQueries.controlInvoice(db, number: "INV-1"))
            #expect(inv1.status == .closed && inv1.type == .invoice && inv1.openMinor == 0)
            let state = try IngestQueries.openState(db, invoiceID: inv1.id)
            #expect(state.openMinor == 0 && state.status == .closed)
            let statements = AllocationStatements(db)
            #expect(try statements.candidates(invoiceNumber: "INV-1").map(\.capacity) == [23_456])
            #expect(try statements.invoiceExists(number: "INV-1") && !statements.invoiceExists(number: "NOPE"))
            // The unapplied list is the typed rows `payments unapplied` prints.
            let unapplied = try IngestQueries.unappliedPayments(db)
            #expect(unapplied.map(\.key).contains("P-2") && unapplied.first { $0.key == "P-2" }?.reason == "overpayment")
            // The change history reads a stored row's columns as text.
            let texts = try IngestQueries.columnTexts(db, .invoice, id: inv1.id)
            #expect((texts["invoice_number"] ?? nil) == "INV-1" && (texts["open_minor"] ?? nil) == "0")
        }
    }
}
