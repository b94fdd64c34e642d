import Foundation
import GRDB
@testable import Ingest
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Property (issue 17): a payments file of many rows, stored in chunks with prepared statements,
/// ends exactly where the same rows ingested one file at a time end — the same allocations, the
/// same unapplied amounts and reasons, the same open amounts, statuses and closing days — and the
/// money rules hold: every payment is allocated + unapplied, no invoice takes more than its amount,
/// and a rerun of the same file changes nothing.
@Suite struct PaymentFilePropertyTests {
    @Test func aFileOfPaymentsEndsWhereTheRowsOneByOneEnd() throws {
        let sequences = Int(ProcessInfo.processInfo.environment["RELANCE_PROPERTY_SEQUENCES"] ?? "") ?? 25
        let only = UInt64(ProcessInfo.processInfo.environment["RELANCE_PROPERTY_SEED"] ?? "")
        for seed in 0..<UInt64(sequences) where only == nil || only == seed { try Self.check(seed: seed) }
    }

    /// Invoices (some sharing a structured reference, some with an export open amount, one credit
    /// note) and a file of payments by invoice number, reference, debtor or nothing known.
    static func check(seed: UInt64) throws {
        var rng = SeededGenerator(state: seed &* 104_729 &+ 3)
        let debtors = ["K001", "K002", "K004"]
        var invoices = "invoice_number,debtor_id,issue_date,due_date,amount,open_amount,type,structured_reference\n"
        var numbers: [String] = [], references: [String] = []
        for n in 1...Int.random(in: 3...7, using: &rng) {
            let amount = Int64.random(in: 1_000...40_000, using: &rng)
            let open: String
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: open = ""
            case 1: open = cents(amount - Int64.random(in: 0...amount / 2, using: &rng))
            case 2: open = "0.00"
            default: open = cents(amount)
            }
            // Two invoices in three share one of two references.
            let ref = StructuredReference(number: Int64(Int.random(in: 0..<3, using: &rng) == 0 ? 100 + n : 7 + n % 2))?.digits ?? ""
            references.append(ref)
            numbers.append("I\(seed)-\(n)")
            invoices += "I\(seed)-\(n),\(debtors.randomElement(using: &rng) ?? "K001"),2026-0\(Int.random(in: 1...8, using: &rng))-01,2026-09-\(10 + n),"
                + "\(cents(amount)),\(open),invoice,\(ref)\n"
        }
        invoices += "CN\(seed),K001,2026-08-01,2026-09-01,-20.00,,credit_note,\n"
        var payments = "payment_id,date,amount,invoice_number,structured_reference,debtor_id\n"
        var rows: [String] = []
        for p in 1...Int.random(in: 8...30, using: &rng) {
            let day = "2026-10-\(10 + Int.random(in: 0...15, using: &rng))"
            let amount = cents(Int64.random(in: 100...25_000, using: &rng))
            let i = Int.random(in: 0..<numbers.count, using: &rng)
            let target: String
            switch Int.random(in: 0..<10, using: &rng) {
            case 0...3: target = "\(numbers[i]),,"
            case 4...6: target = ",\(references[i]),"
            case 7: target = ",,\(debtors.randomElement(using: &rng) ?? "K001")"
            case 8: target = Bool.random(using: &rng) ? "NOPE-\(p),," : "CN\(seed),,"
            default: target = ",,K099"
            }
            rows.append("P\(seed)-\(p),\(day),\(amount),\(target)\n")
        }
        payments += rows.joined()
        let booked = Int.random(in: 0..<3, using: &rng) == 0

        let whole = try TestLedger().withDebtors()
        try whole.ingest(.invoices, [whole.write("inv.csv", invoices)])
        try whole.ingest(.payments, [whole.write("pay.csv", payments)], booked: booked)
        let oneByOne = try TestLedger().withDebtors()
        try oneByOne.ingest(.invoices, [oneByOne.write("inv.csv", invoices)])
        for (n, row) in rows.enumerated() {
            try oneByOne.ingest(.payments, [oneByOne.write("pay-\(n).csv", "payment_id,date,amount,invoice_number,structured_reference,debtor_id\n" + row)],
                                booked: booked)
        }
        let context = "seed \(seed), booked \(booked):\n\(invoices)\(payments)"
        let state = try Self.state(whole)
        #expect(state == (try Self.state(oneByOne)), "\(context)")

        // The money rules, and the refresh after each allocation (it worked from its look-up's
        // figures): a fresh read agrees.
        try BankFilePropertyTests.checkMoneyRules(whole, context)
        // The same file again: nothing changes.
        let again = try whole.ingest(.payments, [whole.write("pay.csv", payments)], booked: booked)
        #expect(again.first?.unchanged == rows.count, "\(context)")
        #expect(try Self.state(whole) == state, "a rerun changes nothing, \(context)")
    }

    /// The content hash a payment row gets on the reading thread (`Values.init`) is the hash of its
    /// `fields`' values in order, as it was computed on the database thread before: a stored payment
    /// keeps telling an unchanged row from a changed one across the change.
    @Test func aPreparedPaymentsHashIsTheHashOfItsFields() throws {
        var rng = SeededGenerator(state: 17)
        let jpy = try #require(Currency(code: "JPY"))
        func text(_ s: String) -> String? { Bool.random(using: &rng) ? nil : s + String(Int.random(in: 0...999_999, using: &rng)) }
        for _ in 0..<500 {
            let date = Day(daysSinceEpoch: Int32.random(in: -30_000...60_000, using: &rng))
            let currency = Bool.random(using: &rng) ? Currency.eur : jpy
            let amount = Int64.random(in: 1...Int64.max, using: &rng)
            let (invoiceNumber, reference, debtorKey) = (text("INV-"), text(""), text("D"))
            let booked = Bool.random(using: &rng)
            let v = PaymentSink.Values(key: "P", date: date, currency: currency, amount: amount, invoiceNumber: invoiceNumber,
                                       reference: reference, debtorKey: debtorKey, booked: booked)
            var h = ContentHasher()
            for (_, value) in v.fields { h.add(value) }
            #expect(v.booked == booked && v.hash == h.signed && v.dayText == v.date.description)
            #expect(v.row.date == v.date.description && v.fields[0].1 == v.date.description)
        }
    }

    /// Allocations (in order), payments and invoices, as text.
    static func state(_ t: TestLedger) throws -> [String] {
        try t.store.pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT 'a ' || p.payment_key || ' ' || i.invoice_number || ' ' || a.amount_minor || ' ' || a.rule
                FROM payment_allocation a JOIN payment p ON p.id = a.payment_id JOIN invoice i ON i.id = a.invoice_id ORDER BY a.id
                """) + String.fetchAll(db, sql: """
                SELECT 'p ' || payment_key || ' ' || unapplied_minor || ' ' || COALESCE(unapplied_reason, '-') FROM payment ORDER BY payment_key
                """) + String.fetchAll(db, sql: """
                SELECT 'i ' || invoice_number || ' ' || open_minor || ' ' || status || ' ' || COALESCE(closed_reason, '-') || ' '
                  || COALESCE(closed_on, '-') FROM invoice ORDER BY invoice_number
                """)
        }
    }
}
