import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

@Suite struct IngestPaymentTests {
    func ledger() throws -> TestLedger {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [fixture("invoices-en.csv")], asOf: "2026-10-15")
        try t.ingest(.invoices, [fixture("invoices-tab.tsv")], asOf: "2026-10-15")  // T-1: K001, 10.50; T-2: K002, 20.25
        t.diagnostics.removeAll()
        return t
    }

    func payment(_ t: TestLedger, _ key: String) throws -> PaymentRecord? {
        try t.store.pool.read { db in try PaymentRecord.filter(Column("payment_key") == key).fetchOne(db) }
    }

    @Test func paymentsAreAllocatedByReferenceNumberOrDebtorAndNothingIsDropped() throws {
        let t = try ledger()
        let s = try t.ingest(.payments, [fixture("payments.csv")])
        #expect(s[0].read == 6 && s[0].imported == 5 && s[0].rejected == 1)
        // P-1 pays INV-1's open 1000.00 through its structured reference: closed on the payment day.
        let inv1 = try #require(try t.invoice("INV-1"))
        #expect(inv1.status == "closed" && inv1.closedReason == "paid" && inv1.closedOn == "2026-10-20" && inv1.openMinor == 0)
        #expect(try payment(t, "P-1")?.unappliedMinor == 0)
        // P-2 pays INV-2 by number, 50.00 too much: kept as unapplied overpayment.
        #expect(try t.invoice("INV-2")?.status == "closed")
        #expect(try payment(t, "P-2")?.unappliedMinor == 5_000)
        #expect(try payment(t, "P-2")?.unappliedReason == "overpayment")
        // P-3 names only the debtor: oldest open invoice first (T-1), the rest unapplied.
        #expect(try t.invoice("T-1")?.status == "closed")
        #expect(try payment(t, "P-3")?.unappliedMinor == 123_456 - 1_050)
        // P-4: a valid reference that matches nothing; P-5: a reference failing its check. Both kept.
        #expect(try payment(t, "P-4")?.unappliedReason == "no invoice or reminder has this structured reference")
        #expect(try payment(t, "P-5")?.unappliedMinor == 1_000)
        #expect(t.diagnostics.contains { $0.rule == "ogm" && $0.severity == .warning && $0.line == 6 })
        // P-6: zero is not a payment.
        #expect(t.errors(rule: "amount-not-positive").map(\.line) == [7])
        let rules = try t.store.pool.read { db in try String.fetchAll(db, sql: "SELECT rule FROM payment_allocation ORDER BY id") }
        #expect(rules == ["structured_reference", "invoice_number", "debtor_oldest_first"])
        // Idempotent.
        let again = try t.ingest(.payments, [fixture("payments.csv")])
        #expect(again[0].unchanged == 5 && again[0].imported == 0)
        #expect(try t.count("SELECT COUNT(*) FROM payment_allocation") == 3)
    }

    @Test func anUnappliedPaymentIsAppliedWhenItsInvoiceArrives() throws {
        let t = try ledger()
        try t.ingest(.payments, [fixture("payments.csv")])
        #expect(try payment(t, "P-4")?.unappliedMinor == 1_000)
        let late = t.write("late.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,structured_reference
            LATE-1,K002,2026-10-01,2026-10-31,10.00,999999999948
            """)
        try t.ingest(.invoices, [late])
        #expect(try payment(t, "P-4")?.unappliedMinor == 0)
        #expect(try t.invoice("LATE-1")?.status == "closed")
    }

    @Test func aChangedPaymentIsReallocated() throws {
        let t = try ledger()
        let p = t.write("p.csv", "payment_id,date,amount,invoice_number\nQ-1,2026-10-20,100.00,INV-1\n")
        try t.ingest(.payments, [p])
        #expect(try t.invoice("INV-1")?.openMinor == 90_000)
        let fixed = t.write("p.csv", "payment_id,date,amount,invoice_number\nQ-1,2026-10-20,40.00,INV-1\n")
        let s = try t.ingest(.payments, [fixed])
        #expect(s[0].updated == 1)
        #expect(try t.invoice("INV-1")?.openMinor == 96_000)
        #expect(try t.count("SELECT COUNT(*) FROM payment_allocation") == 1)
    }

    @Test func paymentsAfterTheExportComeOffItsOpenAmountUntilTheBooksShowThem() throws {
        let t = try ledger()
        let p = t.write("p.csv", "payment_id,date,amount,invoice_number\nQ-1,2026-10-20,100.00,INV-1\n")
        try t.ingest(.payments, [p])
        #expect(try t.invoice("INV-1")?.openMinor == 90_000)
        // Next export: the books have not caught up (same 1000.00 open), only the description changed.
        let lagging = t.write("inv.csv", "invoice_number,debtor_id,issue_date,due_date,amount,open_amount,description\nINV-1,K001,2026-10-01,2026-10-31,1234.56,1000.00,Rent\n")
        #expect(try t.ingest(.invoices, [lagging], asOf: "2026-10-25")[0].updated == 1)
        #expect(try t.invoice("INV-1")?.openMinor == 90_000)
        // The books now show Q-1: 900.00 open, reported on a later day. Q-1 is not taken off twice.
        let booked = t.write("inv.csv", "invoice_number,debtor_id,issue_date,due_date,amount,open_amount,description\nINV-1,K001,2026-10-01,2026-10-31,1234.56,900.00,Rent\n")
        try t.ingest(.invoices, [booked], asOf: "2026-10-28")
        #expect(try t.invoice("INV-1")?.openMinor == 90_000)
    }

    @Test func bookedPaymentsAlreadyInTheExportAreRecordedNotCountedTwice() throws {
        let t = try TestLedger().withDebtors()
        // The export of 2026-11-21: H-1 fully paid, H-2 partly paid (400.00 of 1000.00).
        let inv = t.write("inv.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,open_amount
            H-1,K002,2026-01-01,2026-01-31,500.00,0.00
            H-2,K002,2026-09-01,2026-10-01,1000.00,600.00
            """)
        try t.ingest(.invoices, [inv], asOf: "2026-11-21")
        #expect(try t.invoice("H-1")?.closedOn == nil)  // settled before Relance saw it
        let pay = t.write("pay.csv", """
            payment_id,date,amount,invoice_number
            HP-1,2026-02-10,500.00,H-1
            HP-2,2026-10-05,400.00,H-2
            """)
        let s = try t.ingest(.payments, [pay], booked: true)
        #expect(s[0].unapplied == 0)
        #expect(try t.invoice("H-1")?.closedOn == "2026-02-10")
        #expect(try t.invoice("H-2")?.openMinor == 60_000)
        #expect(try t.count("SELECT COUNT(*) FROM payment_allocation") == 2)
        // A second payment of H-1 is an overpayment, kept unapplied.
        let dup = t.write("dup.csv", "payment_id,date,amount,invoice_number\nHP-3,2026-02-11,500.00,H-1\n")
        #expect(try t.ingest(.payments, [dup], booked: true)[0].unapplied == 1)
        // Without --booked the same receipts are taken as news the export does not show yet.
        let u = try TestLedger().withDebtors()
        try u.ingest(.invoices, [u.write("inv.csv", try String(contentsOfFile: inv, encoding: .utf8))])
        try u.ingest(.payments, [u.write("pay.csv", try String(contentsOfFile: pay, encoding: .utf8))])
        #expect(try u.invoice("H-2")?.openMinor == 20_000)
    }

    @Test func aPaymentOnAccountSkipsDisputedInvoices() throws {
        let t = try TestLedger().withDebtors()
        let inv = t.write("inv.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,disputed
            D-1,K002,2026-09-01,2026-10-01,100.00,ja
            D-2,K002,2026-09-15,2026-10-15,100.00,nee
            """)
        try t.ingest(.invoices, [inv], asOf: "2026-10-01")
        let pay = t.write("pay.csv", "payment_id,date,amount,debtor_id\nA-1,2026-10-20,100.00,K002\nA-2,2026-10-21,5.00,K999\n")
        try t.ingest(.payments, [pay])
        #expect(try t.invoice("D-1")?.status == "open")
        #expect(try t.invoice("D-2")?.status == "closed")
        #expect(try payment(t, "A-2")?.unappliedReason == "debtor K999 is not in the ledger")
    }
}
