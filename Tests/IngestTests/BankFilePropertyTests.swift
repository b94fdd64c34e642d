import Foundation
import GRDB
import Ingest
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Property (issue 17): over seeded random CODA statements — credits by structured communication
/// (some shared by several invoices, some unknown), by invoice number in the free text, by nothing —
/// between invoice exports with and without open amounts and a file of the books' register, the money
/// rules hold after every step: every payment is allocated + unapplied, no invoice takes more than
/// its amount, and every invoice's open amount, status and closing are what the open-amount rule
/// gives on a fresh read of its figures (the refresh after an allocation works from the figures its
/// candidate look-up read: this is what checks it against the read). A statement again changes nothing.
/// A twin ledger takes the same inputs with each open-amount write made as its credit comes: after
/// every step both hold the same allocations, payments and open states (the waiting writes of a large
/// statement, `DeferredOpenStates`, change nothing). Some credits come from the debtor's account alone,
/// for the open amount an invoice held before the statement: without the account's waiting states
/// written first, that look-up reads a stale amount, and the twins differ.
@Suite struct BankFilePropertyTests {
    @Test func randomStatementsKeepTheMoneyRules() throws {
        let sequences = Int(ProcessInfo.processInfo.environment["RELANCE_PROPERTY_SEQUENCES"] ?? "") ?? 25
        let only = UInt64(ProcessInfo.processInfo.environment["RELANCE_PROPERTY_SEED"] ?? "")
        for seed in 0..<UInt64(sequences) where only == nil || only == seed { try Self.check(seed: seed) }
    }

    static func check(seed: UInt64) throws {
        var rng = SeededGenerator(state: seed &* 7_561 &+ 11)
        let debtors = ["K001", "K002", "K004"]
        var invoices: [(number: String, debtor: String, amount: Int64, reference: String)] = []
        for n in 1...Int.random(in: 3...7, using: &rng) {
            let ref = StructuredReference(number: Int64(Int.random(in: 0..<3, using: &rng) == 0 ? 200 + n : 17 + n % 2))?.digits ?? ""
            invoices.append(("B\(seed)-\(n)", debtors.randomElement(using: &rng) ?? "K001", Int64.random(in: 1_000...40_000, using: &rng), ref))
        }
        let t = try TestLedger().withDebtors()
        // The same inputs with each open-amount write as its credit comes (a small file's way): the
        // waiting writes `t` runs must end every step with the same ledger.
        let u = try TestLedger().withDebtors()
        var log: [String] = []
        var statements: [String] = []
        func export(open: Bool) throws {
            var csv = "invoice_number,debtor_id,issue_date,due_date,amount,\(open ? "open_amount," : "")type,structured_reference\n"
            for i in invoices {
                let r = open ? cents(i.amount - Int64.random(in: 0...i.amount / 2, using: &rng)) + "," : ""
                csv += "\(i.number),\(i.debtor),2026-09-01,2026-10-\(10 + Int.random(in: 0...9, using: &rng)),\(cents(i.amount)),\(r)invoice,\(i.reference)\n"
            }
            csv += "CB\(seed),K001,2026-09-05,2026-10-05,-30.00,\(open ? "-10.00," : "")credit_note,\n"
            try t.ingest(.invoices, [t.write("inv-\(log.count).csv", csv)])
            try u.ingest(.invoices, [u.write("inv-\(log.count).csv", csv)])
            log.append("export: " + csv.replacingOccurrences(of: "\n", with: " | "))
        }
        func statement(_ number: Int) throws {
            var credits: [(amount: Int64, how: String, text: String, iban: String)] = []
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                let i = invoices.randomElement(using: &rng) ?? invoices[0]
                let amount = Int64.random(in: 100...max(100, i.amount * 7 / 10), using: &rng)
                let iban = Self.iban(debtor: i.debtor)
                switch Int.random(in: 0..<11, using: &rng) {
                case 0...5: credits.append((amount, "ogm", i.reference, iban))
                case 6, 7: credits.append((amount, "text", "Betaling factuur \(i.number)", iban))
                case 8: credits.append((amount, "ogm", StructuredReference(number: 990_000 + Int64(number))?.digits ?? "", iban))
                case 9:
                    // From the debtor's account, nothing else: the open amount the invoice held before this
                    // statement, which an earlier credit of the same statement may have changed.
                    let open = try t.invoice(i.number)?.openMinor ?? 0
                    credits.append((open > 0 ? open : amount, "text", "Voorschot", iban))
                default: credits.append((amount, "text", "Voorschot", iban))
                }
            }
            let coda = Self.coda(number: number, credits: credits)
            statements.append(t.write("st-\(number).cod", coda))
            let s = try t.ingestBank(.coda, [statements[statements.count - 1]])
            #expect(s[0].fatal == nil, "seed \(seed): \(s[0].fatal ?? "")")
            _ = try u.ingestBank(.coda, [u.write("st-\(number).cod", coda)], defersOpenStates: false)
            log.append("statement \(number): " + credits.map { "\($0.amount) \($0.how) \($0.text)" }.joined(separator: ", "))
        }
        func booked() throws {
            let i = invoices.randomElement(using: &rng) ?? invoices[0]
            let csv = "payment_id,date,amount,invoice_number\nR\(seed)-\(log.count),2026-10-20,\(cents(Int64.random(in: 100...i.amount, using: &rng))),\(i.number)\n"
            try t.ingest(.payments, [t.write("reg-\(log.count).csv", csv)], booked: true)
            try u.ingest(.payments, [u.write("reg-\(log.count).csv", csv)], booked: true)
            log.append("booked: " + csv.replacingOccurrences(of: "\n", with: " | "))
        }

        try export(open: Bool.random(using: &rng))
        var number = 0
        for _ in 0..<Int.random(in: 3...7, using: &rng) {
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: try export(open: Int.random(in: 0..<3, using: &rng) > 0)
            case 1: try booked()
            default: number += 1; try statement(number)
            }
            try Self.checkMoneyRules(t, "seed \(seed): " + log.joined(separator: "; "))
            #expect(try PaymentFilePropertyTests.state(t) == PaymentFilePropertyTests.state(u),
                    "seed \(seed): the waiting writes end as the writes as they come: \(log.joined(separator: "; "))")
        }
        let before = try PaymentFilePropertyTests.state(t)
        for path in statements {
            let again = try t.ingestBank(.coda, [path])
            #expect(again[0].imported == 0, "seed \(seed): a statement again imports nothing")
        }
        #expect(try PaymentFilePropertyTests.state(t) == before, "seed \(seed): a statement again changes nothing")
    }

    /// Payment = allocated + unapplied; no invoice takes more than its amount; every invoice's stored
    /// open amount, status, reason and closing day are the open-amount rule's on a fresh read.
    static func checkMoneyRules(_ t: TestLedger, _ context: String) throws {
        try t.store.pool.read { db in
            let unbalanced = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM payment p WHERE p.amount_minor <> p.unapplied_minor
                  + (SELECT COALESCE(SUM(amount_minor), 0) FROM payment_allocation a WHERE a.payment_id = p.id)
                """)
            #expect(unbalanced == 0, "payment = allocated + unapplied, \(context)")
            let over = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM invoice i WHERE i.type = 'invoice' AND i.amount_minor
                  < (SELECT COALESCE(SUM(amount_minor), 0) FROM payment_allocation a WHERE a.invoice_id = i.id)
                """)
            #expect(over == 0, "no invoice takes more than its amount, \(context)")
        }
        #expect(try openStatesAreTheRules(t), "every open amount is the rule's on a fresh read, \(context)")
    }

    /// True when refreshing every invoice from a fresh read of its figures (`IngestCommands.refreshOpenAmount`,
    /// no payment day) changes nothing (rolled back).
    static func openStatesAreTheRules(_ t: TestLedger) throws -> Bool {
        let sql = "SELECT id, open_minor, status, COALESCE(closed_reason, '-'), COALESCE(closed_on, '-') FROM invoice ORDER BY id"
        var same = false
        try t.store.pool.writeWithoutTransaction { db in
            try db.inTransaction {
                let stored = try Row.fetchAll(db, sql: sql)
                for id in try Int64.fetchAll(db, sql: "SELECT id FROM invoice") {
                    try IngestCommands.refreshOpenAmount(db, invoiceID: id, closedOn: nil)
                }
                same = try Row.fetchAll(db, sql: sql) == stored
                return .rollback
            }
        }
        return same
    }

    /// A valid Belgian IBAN per debtor (as `scripts/gen-bank.py` makes them).
    static func iban(debtor: String) -> String {
        let d = String(debtor.filter(\.isNumber).suffix(7))
        let head = "539" + String(repeating: "0", count: 7 - d.count) + d
        let mod = (Int(head) ?? 0) % 97
        let bban = head + String(format: "%02d", mod == 0 ? 97 : mod)
        let check = 98 - (bban + "111400").reduce(0) { ($0 * 10 + ($1.wholeNumberValue ?? 0)) % 97 }
        return String(format: "BE%02d", check) + bban
    }

    /// A CODA statement (version 2) of credits, balanced, as `scripts/gen-bank.py` writes one.
    static func coda(number: Int, credits: [(amount: Int64, how: String, text: String, iban: String)]) -> String {
        func record(_ fields: [(Int, String)]) -> String {
            var line = [Character](repeating: " ", count: 128)
            for (pos, text) in fields { for (k, ch) in text.enumerated() { line[pos + k] = ch } }
            return String(line)
        }
        func amount15(_ cents: Int64) -> String { String(format: "%015lld", abs(cents) * 10) }
        let seq = String(format: "%03d", number)
        var lines = [record([(0, "0000"), (5, "211126"), (11, "725"), (34, "BENCH BV"), (127, "2")])]
        var body = [record([(0, "1"), (1, "2"), (2, seq), (5, "BE68539007547034"), (39, "EUR"), (42, "0"), (43, amount15(0)),
                            (58, "201126"), (64, "BENCH BV"), (125, seq)])]
        var total: Int64 = 0
        for (i, c) in credits.enumerated() {
            let s = String(format: "%04d", i)
            var f: [(Int, String)] = [(0, "21"), (2, s), (6, "0000"), (10, "B" + String(format: "%020d", i)), (31, "0"), (32, amount15(c.amount)),
                                      (47, "201126"), (53, "00150000"), (115, "201126"), (121, seq), (124, "0"), (127, "0")]
            f += c.how == "ogm" ? [(61, "1"), (62, "101"), (65, c.text)] : [(61, "0"), (62, c.text)]
            body.append(record(f))
            body.append(record([(0, "23"), (2, s), (6, "0000"), (10, c.iban), (44, "EUR"), (47, "PAYER")]))
            total += c.amount
        }
        body.append(record([(0, "8"), (1, seq), (4, "BE68539007547034"), (41, "0"), (42, amount15(total)), (57, "201126")]))
        lines += body
        lines.append(record([(0, "9"), (16, String(format: "%06d", body.count)), (22, amount15(0)), (37, amount15(total)), (127, "2")]))
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
