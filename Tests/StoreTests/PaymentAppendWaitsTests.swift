import GRDB
import RelanceTestSupport
import Store
import Testing

/// `PaymentAppend.waits(invoiceID:)` tells an invoice with an allocation waiting by a bit of its id
/// (modulo 1,024) before it scans the waiting ids: the answer must be exactly "an allocation to it is
/// kept back and not written yet", for ids sharing a bit, and after a statement's worth of allocations
/// was written with some left waiting (the bits rebuilt from those).
@Suite struct PaymentAppendWaitsTests {
    @Test func waitsIsExactlyWhatIsKeptBackForIdsSharingABit() throws {
        let temporary = try TemporaryStore("append-waits")
        try temporary.store.pool.write { db in
            try db.execute(sql: "INSERT INTO debtor (id, debtor_key, name, kind, language, country, content_hash) VALUES (1, 'D', 'N', 'b2b', 'nl', 'BE', 0)")
            // Invoices k and k + 1,024 share a bit; k + 2,048 too. Paid in this order, the first 64 allocations
            // written are on invoices 1–64, and among those left waiting are 1,025 on: same bits, other ids.
            let ids: [Int64] = [0, 1024, 2048].flatMap { offset in (1...70).map { Int64($0 + offset) } }
            for id in ids {
                try db.execute(sql: """
                    INSERT INTO invoice (id, invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor,
                      open_minor, status, content_hash)
                    VALUES (?, ?, 1, 'invoice', '2026-01-01', '2026-01-31', 'EUR', 100, 100, 'open', 0)
                    """, arguments: [id, "F\(id)"])
            }
            try db.execute(sql: """
                INSERT INTO ingest_batch (id, kind, file_name, file_path, file_bytes, file_hash, encoding, as_of, started_at,
                  finished_at, rows_read, rows_imported, rows_updated, rows_unchanged, rows_rejected)
                VALUES (1, 'payments', 'p.csv', 'p.csv', 0, '', 'utf-8', '2026-02-01', '', '', 0, 0, 0, 0, 0)
                """)
            let append = try PaymentAppend(db)
            var kept: [Int64] = []
            func check(_ when: String) throws {
                let written = try Set(Int64.fetchAll(db, sql: "SELECT invoice_id FROM payment_allocation"))
                for id in ids + [Int64(5000), Int64(1024 * 5 + 3)] {
                    let expected = kept.contains(id) && !written.contains(id)
                    #expect(append.waits(invoiceID: id) == expected, "invoice \(id) \(when)")
                }
            }
            try check("before any row")
            // 100 payments; every third pays two invoices, so that a statement's worth of payments leaves
            // allocations waiting after the first 64 allocations are written. Each invoice is paid once.
            var next = ids.makeIterator()
            for n in 0..<100 {
                let row = PaymentRow(key: "P\(n)", date: "2026-02-01", currency: "EUR", amount: 100, invoiceNumber: nil,
                                     reference: nil, debtorKey: nil, booked: true)
                let payment = try append.add(row, hash: 0, batch: 1, unapplied: 0, reason: nil, line: n + 2)
                for _ in 0..<(n % 3 == 0 ? 2 : 1) {
                    guard let invoice = next.next() else { break }
                    try append.allocate(paymentID: payment, invoiceID: invoice, amount: 50, rule: .invoiceNumber, batch: 1,
                                        booked: true, line: n + 2)
                    kept.append(invoice)
                }
                try check("after payment \(n)")
            }
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM payment_allocation") == 64)
            try append.flush()
            try check("after the flush")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM payment_allocation") == kept.count)
        }
    }
}
