import Foundation
import GRDB
import Ingest
import Testing

/// Every row reaches its sink with its content hash computed when its values were made
/// (`InvoiceSink.Values`, `PaymentSink.Values`, `DebtorSink.Values`), whichever path made them: a
/// CSV export, a first load, a Peppol UBL document and its new buyer, `--booked`. The hashes are
/// the ones a ledger already holds (recorded from the build before the values were prepared by
/// their initialisers): a hash that changed would make every unchanged row of the next export an
/// update.
@Suite struct ContentHashTests {
    @Test func everyPathStoresTheContentHashesALedgerAlreadyHolds() throws {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [t.write("inv.csv", """
            invoice_number,debtor_id,issue_date,due_date,amount,open_amount,type,structured_reference,description,disputed,expected_payment_date
            H-1,K001,2026-09-01,2026-10-01,100.00,100.00,invoice,,Onderhoud,nee,
            H-2,K002,2026-09-15,2026-10-15,40.50,,invoice,090933755493,,ja,
            H-3,K001,2026-10-01,,250.00,200.00,invoice,,,nee,2026-11-30
            H-4,K004,2026-10-02,2026-11-02,-30.00,-30.00,credit_note,,Gutschrift,nee,

            """)])
        try t.ingestUBL([fixture("bank/ubl")])
        try t.ingest(.payments, [t.write("pay.csv", """
            payment_id,date,amount,invoice_number,structured_reference,debtor_id
            P-1,2026-10-20,60.00,H-1,,K001
            P-2,2026-10-21,40.50,,090933755493,
            P-3,2026-10-22,12.34,,,K005

            """)])
        try t.ingest(.payments, [t.write("pay-booked.csv", "payment_id,date,amount,invoice_number\nB-1,2026-10-25,10.00,H-3\n")], booked: true)
        let hashes = try t.store.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT 'd ' || debtor_key || ' ' || content_hash FROM debtor
                UNION ALL SELECT 'i ' || invoice_number || ' ' || content_hash FROM invoice
                UNION ALL SELECT 'p ' || payment_key || ' ' || content_hash FROM payment ORDER BY 1
                """)
        }
        #expect(hashes == [
            "d K001 -3425011391726451288", "d K002 -7412632918725323759", "d K003 7855090132062052768",
            "d K004 6215631676821361282", "d K005 2431820781935713620", "d peppol:0208:0539930110 5616934696009490627",
            "i H-1 7547972199047782374", "i H-2 -311332160244391365", "i H-3 -456429190510847035",
            "i H-4 -8712573762812389120", "i UBL-2026-001 -8447394352419706897", "i UBL-2026-002 4708918344489774920",
            "i UBL-CN-2026-001 -6758205728465504262",
            "p B-1 2125893815790003420", "p P-1 -6472858347472325936", "p P-2 4532610861446197066", "p P-3 -7433732668393072535",
        ])
        // The same files again: every row unchanged (a UBL document's debtor and invoice included).
        #expect(try t.ingestUBL([fixture("bank/ubl")]).first?.unchanged == 3)
    }
}
