import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

@testable import Ingest

@Suite struct BankIngestTests {
    func ledger() throws -> TestLedger {
        let t = try TestLedger().withDebtors()
        try t.ingest(.invoices, [fixture("bank/bank-invoices.csv")], asOf: "2026-11-01")
        t.diagnostics.removeAll()
        return t
    }

    func allocations(_ t: TestLedger) throws -> [String: [String]] {
        let rows = try t.store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT i.invoice_number, a.rule FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id ORDER BY a.id
                """)
        }
        return Dictionary(grouping: rows, by: { $0[0] as String }).mapValues { $0.map { $0[1] as String } }
    }

    @Test func codaCreditsCloseTheRightInvoicesByEveryRule() throws {
        let t = try ledger()
        let s = try t.ingestBank(.coda, [fixture("bank/statement-042.cod")])
        #expect(s[0].fatal == nil)
        #expect(s[0].read == 8 && s[0].imported == 8)  // 6 credits + 2 details of the globalised one; the debit is no payment
        #expect(s[0].note == "1 statement(s), 1 debit(s), not payments")
        #expect(try t.invoice("BK-1")?.status == "closed")
        #expect(try t.invoice("BK-1")?.closedOn == "2026-11-18")
        #expect(try t.invoice("BK-2")?.openMinor == 20_000)
        #expect(try t.invoice("BK-3")?.status == "closed")
        #expect(try t.invoice("BK-4")?.status == "closed")
        #expect(try t.invoice("BK-5")?.status == "closed")
        #expect(try t.invoice("BK-6")?.status == "closed")
        #expect(try t.invoice("BK-7")?.status == "closed")
        #expect(try allocations(t) == [
            "BK-1": ["structured_reference"], "BK-2": ["structured_reference"], "BK-3": ["structured_reference"],
            "BK-4": ["invoice_number_in_text"], "BK-6": ["structured_reference"], "BK-5": ["unique_open_amount"],
            "BK-7": ["rf_reference"],
        ])
        // The overpayment on BK-3 and the gift stay unapplied, for a person.
        let unapplied = try t.store.pool.read { db in try ManualAllocation.unapplied(db) }
        #expect(unapplied.map { $0.fields[3] } == ["50.00", "77.77"])
        #expect(t.diagnostics.filter { $0.rule == "unapplied" }.count == 2)
        // The same statement again adds nothing.
        let again = try t.ingestBank(.coda, [fixture("bank/statement-042.cod")])
        #expect(again[0].imported == 0 && again[0].unchanged == 8)
        #expect(try t.count("SELECT COUNT(*) FROM payment") == 8)
        #expect(try t.count("SELECT COUNT(*) FROM bank_statement") == 1)
    }

    @Test func aStatementThatDoesNotAddUpIsRefusedWhole() throws {
        let t = try ledger()
        let s = try t.ingestBank(.coda, [fixture("bank/statement-bad-balance.cod")])
        #expect(s[0].fatal != nil && s[0].hasRejects)
        #expect(t.errors(rule: "balance").count == 1)
        #expect(try t.count("SELECT COUNT(*) FROM payment") == 0)
        #expect(try t.invoice("BK-1")?.status == "open")
        let c = try t.ingestBank(.camt, [fixture("bank/statement-bad-balance.camt053.xml")])
        #expect(c[0].fatal?.contains("closing balance is 1604.99") == true)
        #expect(try t.count("SELECT COUNT(*) FROM bank_statement") == 0)
    }

    @Test func camtStructuredRFAndFreeTextAndBatchBookings() throws {
        let t = try ledger()
        let s = try t.ingestBank(.camt, [fixture("bank/statement-043.camt053.xml")])
        #expect(s[0].fatal == nil && s[0].read == 3 && s[0].imported == 3)
        #expect(try t.invoice("BK-1")?.status == "closed")
        #expect(try t.invoice("BK-7")?.status == "closed")
        #expect(try t.invoice("BK-4")?.openMinor == 1_000)
        #expect(try allocations(t) == ["BK-1": ["structured_reference"], "BK-7": ["rf_reference"], "BK-4": ["invoice_number_in_text"]])
        let names = try t.store.pool.read { db in try String.fetchAll(db, sql: "SELECT counterparty_name FROM payment ORDER BY id") }
        #expect(names == ["Łukasz Wiśniewski", "Łukasz Wiśniewski", "Jürgen Müller GmbH"])
        #expect(try t.ingestBank(.camt, [fixture("bank/statement-043.camt053.xml")])[0].unchanged == 3)
    }

    /// A camt.053 statement with one credit from `iban`, no reference, and the given free text.
    func camt(id: String, amount: String, iban: String, text: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>\(id)</Id>
        <Acct><Id><IBAN>BE68539007547034</IBAN></Id></Acct>
        <Ntry><Amt Ccy="EUR">\(amount)</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-11-20</Dt></BookgDt>
        <NtryDtls><TxDtls><RltdPties><DbtrAcct><Id><IBAN>\(iban)</IBAN></Id></DbtrAcct></RltdPties>
        <RmtInf><Ustrd>\(text)</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>
        """
    }

    /// A camt.053 statement of one credit, with `account` as its `Acct/Ccy` (none when nil) and
    /// `amounts` inside its entry (the entry's own first).
    func camtIn(_ account: String?, entry: String, detail: String = "") -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>X</Id>
        <Acct><Id><IBAN>BE68539007547034</IBAN></Id>\(account.map { "<Ccy>\($0)</Ccy>" } ?? "")</Acct>
        <Ntry>\(entry)<CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-11-20</Dt></BookgDt>
        <NtryDtls><TxDtls>\(detail)<RmtInf><Ustrd>merci</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>
        """
    }

    @Test func aCamtAmountInAnotherCurrencyThanTheAccountsIsRefusedNotBookedAsIts() throws {
        let t = try ledger()
        let usd = try t.ingestBank(.camt, [t.write("usd.xml", camtIn("EUR", entry: #"<Amt Ccy="USD">15.00</Amt>"#))])
        #expect(usd[0].fatal?.contains("15.00 USD on an account in EUR") == true)
        let bad = try t.ingestBank(.camt, [t.write("bad.xml", camtIn("E1R", entry: #"<Amt Ccy="EUR">15.00</Amt>"#))])
        #expect(bad[0].fatal?.contains("\"E1R\" is not a currency code") == true)
        #expect(t.errors(rule: "camt-currency").count == 2)
        #expect(try t.count("SELECT COUNT(*) FROM payment") == 0)
        // Without `Acct/Ccy`, the statement is in its first amount's currency, not the euro.
        try t.ingestBank(.camt, [t.write("jpy.xml", camtIn(nil, entry: #"<Amt Ccy="JPY">1500</Amt>"#))])
        #expect(try t.count("SELECT COUNT(*) FROM payment WHERE currency = 'JPY' AND amount_minor = 1500") == 1)
        // A detail's instructed amount in another currency is not the payment's: the entry's is.
        try t.ingestBank(.camt, [t.write("fx.xml", camtIn("EUR", entry: #"<Amt Ccy="EUR">15.00</Amt>"#,
                                                          detail: #"<AmtDtls><TxAmt><Amt Ccy="USD">16.40</Amt></TxAmt></AmtDtls>"#)
                                            .replacingOccurrences(of: "<Id>X</Id>", with: "<Id>Y</Id>"))])
        #expect(try t.count("SELECT COUNT(*) FROM payment WHERE currency = 'EUR' AND amount_minor = 1500") == 1)
    }

    @Test func aPaymentNamingOnlyThePayerAccountNeedsOneOpenInvoiceOfThatAmount() throws {
        let t = try ledger()
        try t.ingestBank(.coda, [fixture("bank/statement-042.cod")])  // learns BE41063012345610 → K005
        let more = t.write("more.csv", "invoice_number,debtor_id,issue_date,due_date,amount\nBK-9,K005,2026-11-01,2026-11-30,15.00\nBK-10,K005,2026-11-02,2026-12-01,15.00\nBK-11,K005,2026-11-02,2026-12-01,16.00\n")
        try t.ingest(.invoices, [more])
        try t.ingestBank(.camt, [t.write("a.xml", camt(id: "A", amount: "15.00", iban: "BE41063012345610", text: "merci"))])
        try t.ingestBank(.camt, [t.write("b.xml", camt(id: "B", amount: "16.00", iban: "BE41063012345610", text: "merci"))])
        try t.ingestBank(.camt, [t.write("c.xml", camt(id: "C", amount: "16.00", iban: "BE00UNKNOWN", text: "merci"))])
        let reasons = try t.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT COALESCE(unapplied_reason, 'applied') FROM payment WHERE statement_id IN (SELECT id FROM bank_statement WHERE format = 'camt') ORDER BY id")
        }
        #expect(reasons == ["2 open invoices of the payer have this amount; allocate it by hand", "applied",
                            "no reference, invoice number or known payer account matches"])
        #expect(try t.invoice("BK-11")?.status == "closed")
    }

    /// One camt.053 statement holding `entries` (amount, booking day, structured reference or nil,
    /// free text, debtor IBAN or nil), all credits, from 0.00 to `total`.
    func camtStatement(total: String, _ entries: [(amount: String, day: String, reference: String?, text: String, iban: String?)]) -> String {
        let ntry = entries.map { e -> String in
            let info: String = e.reference.map { #"<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>BBA</Issr></Tp><Ref>\#($0)</Ref></CdtrRefInf></Strd>"# }
                ?? "<Ustrd>\(e.text)</Ustrd>"
            let payer: String = e.iban.map { "<RltdPties><DbtrAcct><Id><IBAN>\($0)</IBAN></Id></DbtrAcct></RltdPties>" } ?? ""
            let head: String = #"<Ntry><Amt Ccy="EUR">\#(e.amount)</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>\#(e.day)</Dt></BookgDt>"#
            return head + "<NtryDtls><TxDtls>\(payer)<RmtInf>\(info)</RmtInf></TxDtls></NtryDtls></Ntry>"
        }.joined(separator: "\n")
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><Stmt><Id>W</Id>
            <Acct><Id><IBAN>BE68539007547034</IBAN></Id><Ccy>EUR</Ccy></Acct>
            <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-18</Dt></Dt></Bal>
            <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">\(total)</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-20</Dt></Dt></Bal>
            \(ntry)
            </Stmt></BkToCstmrStmt></Document>
            """
    }

    /// The waiting writes' example: seven invoices X-1 to X-7 and a reminder of K005's, then one camt
    /// statement of nine credits that changes seven invoices (X-5 stays open, BK-5 takes the reminder's
    /// credit). Returns the ledger and a dump of its invoices' open states, payments, allocations and
    /// accounts; `limit`: `IngestOptions.deferredOpenStatesLimit` when not the default.
    func waitingWritesExample(defers: Bool, limit: Int? = nil, leavesWAL: Bool = false) throws -> (TestLedger, [String]) {
        let invoices = """
            invoice_number,debtor_id,issue_date,due_date,amount,structured_reference,description
            X-1,K002,2026-10-01,2026-10-31,100.00,000000000101,Shared
            X-2,K002,2026-10-02,2026-11-30,80.00,000000000101,Shared
            X-3,K003,2026-10-01,2026-10-31,100.00,000000000202,Twice
            X-4,K004,2026-10-01,2026-10-31,30.00,,By account
            X-5,K004,2026-10-01,2026-10-31,31.00,,Not this amount
            X-6,K004,2026-10-03,2026-11-02,30.00,000000000303,By reference
            X-7,K005,2026-09-01,2026-09-30,50.00,,By number

            """
        let reminder = try #require(StructuredReference(number: 555)?.digits)
        let iban = "BE71096123456769"
        let statement = camtStatement(total: "430.00", [
            ("100.00", "2026-11-19", "000000000101", "", nil), ("80.00", "2026-11-19", "000000000101", "", nil),
            ("40.00", "2026-11-19", "000000000202", "", nil), ("60.00", "2026-11-20", "000000000202", "", nil),
            ("30.00", "2026-11-19", "000000000303", "", iban), ("30.00", "2026-11-20", nil, "merci", iban),
            ("20.00", "2026-11-19", nil, "Betaling X-7", nil), ("30.00", "2026-11-20", nil, "X-7 rest", nil),
            ("40.00", "2026-11-20", reminder, "", nil),
        ])
        let t = try ledger()
        try t.ingest(.invoices, [t.write("x.csv", invoices)], asOf: "2026-11-01")
        // K005's reminder, as Dunning stores it (only the columns the look-up reads matter).
        try t.store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO dunning_event (key_digest, debtor_id, as_of, ladder, step, step_index, channels, language,
                  currency, balance_minor, interest_minor, fees_minor, total_minor, computation, status, created_at,
                  structured_reference)
                SELECT 1, id, '2026-11-10', 'standard', 'first', 0, 'email', 'nl', 'EUR', 9000, 0, 0, 9000, '', 'queued',
                  '2026-11-10T00:00:00Z', ? FROM debtor WHERE debtor_key = 'K005'
                """, arguments: [reminder])
        }
        let s = try t.ingestBank(.camt, [t.write("w.xml", statement)], defersOpenStates: defers, deferredOpenStatesLimit: limit,
                                 leavesWAL: leavesWAL)
        #expect(s[0].fatal == nil && s[0].imported == 9, "\(s[0].fatal ?? "")")
        return (t, try ledgerDump(t))
    }

    /// What a bank file writes: the invoices' open states, the payments, allocations and accounts.
    func ledgerDump(_ t: TestLedger) throws -> [String] {
        try t.store.pool.read { db in
            try [
                "SELECT invoice_number, open_minor, status, closed_reason, closed_on FROM invoice ORDER BY id",
                "SELECT * FROM payment ORDER BY id", "SELECT * FROM payment_allocation ORDER BY id",
                "SELECT * FROM debtor_account ORDER BY iban, debtor_id",
            ].map { sql in try Row.fetchAll(db, sql: sql).map(\.description).joined(separator: "\n") }
        }
    }

    /// A statement's open-amount writes wait and go in invoice order at the file's end
    /// (`DeferredOpenStates`): every later credit of the file sees the states as if written at once.
    /// Two invoices sharing a reference, one invoice paid in two credits on two days, an account's
    /// unique open amount after its debtor's other invoice of that amount was closed by the same
    /// file, an invoice number in two free texts, a reminder's communication after its debtor's oldest
    /// invoice was closed by the same file: the ledger ends as with the writes made as they come.
    @Test func aStatementsWaitingOpenStatesEndTheLedgerAsWritesAsTheyCome() throws {
        let (t, deferred) = try waitingWritesExample(defers: true)
        let (_, asTheyCome) = try waitingWritesExample(defers: false)
        #expect(deferred == asTheyCome)
        for n in ["X-1", "X-2", "X-4", "X-6"] { #expect(try t.invoice(n)?.status == "closed") }
        #expect(try t.invoice("X-3")?.closedOn == "2026-11-20")
        #expect(try t.invoice("X-7")?.closedOn == "2026-11-20")
        #expect(try t.invoice("X-5")?.status == "open")
        #expect(try allocations(t)["X-4"] == ["unique_open_amount"])
        #expect(try allocations(t)["X-2"] == ["structured_reference"])
        // K005's reminder is paid after X-7, its oldest invoice, was closed by the same file: BK-5 next.
        #expect(try allocations(t)["BK-5"] == ["debtor_oldest_first"])
        #expect(try t.invoice("BK-5")?.openMinor == 200)
    }

    /// Large statements run their transaction in a rollback journal (`IngestOptions.leavesWALFromCredits`):
    /// the database is out of WAL mode while the credits are written, in WAL mode (and `synchronous =
    /// NORMAL`) again after, and the ledger ends as in the WAL.
    @Test func aLargeStatementLeavesTheWALForItsTransactionAndEndsTheLedgerAsInIt() throws {
        let (_, inTheWAL) = try waitingWritesExample(defers: true)
        let (t, inAJournal) = try waitingWritesExample(defers: true, leavesWAL: true)
        #expect(inAJournal == inTheWAL)
        #expect(try t.store.pool.write { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try t.store.pool.write { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 1)
        // What is beside the database when a credit is left unapplied (inside the transaction).
        func filesWhileWriting(from credits: Int) throws -> [String] {
            let statement = camtStatement(total: "25.00", [("25.00", "2026-11-20", nil, "no invoice named", nil)])
                .replacingOccurrences(of: "<Id>W</Id>", with: "<Id>U\(credits)</Id>")  // another statement each time
            var o = IngestOptions(kind: .payments, asOf: Day(iso: "2026-11-21")!)
            o.leavesWALFromCredits = credits
            var seen: [String] = []
            let dir = t.dir
            _ = try BankIngestor.run(store: t.store, files: [t.write("u\(credits).xml", statement)], format: .camt, options: o) { d in
                guard d.rule == "unapplied" else { return }
                let fm = FileManager.default
                seen.append("wal \(fm.fileExists(atPath: dir + "/relance.sqlite-wal")), journal \(fm.fileExists(atPath: dir + "/relance.sqlite-journal"))")
            }
            return seen
        }
        let journal = try filesWhileWriting(from: 1), wal = try filesWhileWriting(from: 2)
        #expect(journal == ["wal false, journal true"], "\(journal)")
        #expect(wal == ["wal true, journal false"], "\(wal)")
        #expect(try t.store.pool.write { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }

    /// At most `IngestOptions.deferredOpenStatesLimit` invoices wait: reaching it writes them all and
    /// the file goes on, each later credit's invoice waiting again. The example's look-ups write the
    /// waiting states they could read first, so at most three invoices wait at once: with a limit of
    /// 1, 2 or 3 it is reached (clearing the waiting states there without writing them fails each of
    /// the three), and the ledger ends as with the default limit and as with the writes made as they come.
    @Test func aStatementAboveTheWaitingLimitEndsTheLedgerAsBelowItAndAsWritesAsTheyCome() throws {
        let (_, belowTheLimit) = try waitingWritesExample(defers: true)
        let (_, asTheyCome) = try waitingWritesExample(defers: false)
        #expect(belowTheLimit == asTheyCome)
        for limit in 1...3 {
            let (_, aboveTheLimit) = try waitingWritesExample(defers: true, limit: limit)
            #expect(aboveTheLimit == belowTheLimit, "limit \(limit)")
        }
    }

    /// A later credit's look-up reads an invoice's waiting state, not its stored one
    /// (`DeferredOpenStates.overlaid`): Y-1, reported half paid by the export, is closed by a credit
    /// booked on 2026-11-20; a later credit of the file, booked on 2026-11-19, names it again (by its
    /// allocations it still lacks half its amount). Y-1 keeps 2026-11-20 as its closing day, as with the
    /// writes made as they come; read from the stored row (still open), it would close on 2026-11-19.
    @Test func aLaterCreditOfTheFileKeepsTheClosingDayAnEarlierOneGave() throws {
        let statement = camtStatement(total: "60.00", [
            ("50.00", "2026-11-20", nil, "Betaling Y-1", nil), ("10.00", "2026-11-19", nil, "Y-1 rest", nil),
        ])
        func run(defers: Bool) throws -> (TestLedger, [String]) {
            let t = try ledger()
            try t.ingest(.invoices, [t.write("y.csv", """
                invoice_number,debtor_id,issue_date,due_date,amount,open_amount
                Y-1,K002,2026-10-01,2026-10-31,100.00,50.00
                """)], asOf: "2026-11-01")
            let s = try t.ingestBank(.camt, [t.write("w.xml", statement)], defersOpenStates: defers)
            #expect(s[0].fatal == nil && s[0].imported == 2, "\(s[0].fatal ?? "")")
            return (t, try ledgerDump(t))
        }
        let (t, deferred) = try run(defers: true)
        let (_, asTheyCome) = try run(defers: false)
        #expect(deferred == asTheyCome)
        #expect(try allocations(t)["Y-1"] == ["invoice_number_in_text", "invoice_number_in_text"])
        #expect(try t.invoice("Y-1")?.closedOn == "2026-11-20")
    }

    @Test func manualAllocationOfAnUnappliedPayment() throws {
        let t = try ledger()
        try t.ingestBank(.coda, [fixture("bank/statement-042.cod")])
        let key = try #require(try t.store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT payment_key FROM payment WHERE amount_minor = 7777")
        })
        let applied = try t.store.pool.write { db in try ManualAllocation.allocate(db, payment: key, invoice: "BK-2", amount: nil) }
        #expect(applied.minorUnits == 7_777)
        #expect(try t.invoice("BK-2")?.openMinor == 20_000 - 7_777)
        #expect(throws: ManualAllocation.Refusal.self) {
            try t.store.pool.write { db in try ManualAllocation.allocate(db, payment: key, invoice: "BK-2", amount: "1.00") }
        }
    }

    @Test func peppolInvoicesAndCreditNotesEnterTheLedger() throws {
        let t = try TestLedger().withDebtors()
        let s = try t.ingestUBL([fixture("bank/ubl")])
        #expect(s[0].read == 5 && s[0].imported == 3 && s[0].rejected == 2)
        // A buyer known by its VAT number is the existing debtor.
        let known = try #require(try t.invoice("UBL-2026-001"))
        #expect(known.debtorId == (try t.debtor("K003"))?.id)
        #expect(known.amountMinor == 121_000 && known.openMinor == 100_000 && known.structuredReference == "202400012363")
        #expect(known.source == "ubl" && known.dueDate == "2026-12-02" && known.description == "Onderhoud november")
        // A new buyer becomes a debtor; the due date comes from the payment terms.
        let newDebtor = try #require(try t.debtor("peppol:0208:0539930110"))
        #expect(newDebtor.name == "Chocolaterie Şükrü SRL" && newDebtor.vatNumber == "BE0539930110" && newDebtor.city == "Liège")
        #expect(newDebtor.email == "compta@chocolaterie.example")
        #expect(try t.invoice("UBL-2026-002")?.dueDate == "2026-11-17")
        // The credit note finds the same buyer through its VAT endpoint.
        let cn = try #require(try t.invoice("UBL-CN-2026-001"))
        #expect(cn.type == "credit_note" && cn.amountMinor == -6_050 && cn.debtorId == newDebtor.id)
        #expect(t.diagnostics.contains { $0.file == "invalid-missing-issue-date.xml" && $0.message == "/Invoice/cbc:IssueDate: missing" })
        #expect(t.diagnostics.contains { $0.file == "not-xml.xml" && $0.rule == "ubl" })
        // The same files again add nothing.
        let again = try t.ingestUBL([fixture("bank/ubl")])
        #expect(again[0].unchanged == 3 && again[0].imported == 0)
    }

    @Test func peppolInvoicesAfterABankStatementRetryItsUnappliedPayments() throws {
        let t = try ledger()
        try t.ingestBank(.coda, [fixture("bank/statement-042.cod")])  // leaves two payments unapplied
        let s = try t.ingestUBL([fixture("bank/ubl")])
        #expect(s[0].imported == 3)
    }

    @Test func paymentTermsNotes() {
        #expect(UBLInvoice.days(in: "Betaling binnen 14 dagen") == 14)
        #expect(UBLInvoice.days(in: "Net 30") == 30)
        #expect(UBLInvoice.days(in: "Paiement à 45 jours fin de mois") == 45)
        #expect(UBLInvoice.days(in: "Zahlbar sofort") == nil)
    }

    /// The words of a free-text communication that may be invoice numbers: an ASCII text (read as
    /// bytes) gives the words the character-by-character reading gives, over seeded random texts.
    @Test func invoiceNumberWordsOfAnASCIITextAreThoseOfItsCharacters() {
        var rng = SeededGenerator(state: 17)
        let alphabet = Array("aZ09 5,;:()./-#+*_INV\tx")
        for _ in 0..<2_000 {
            let text = String((0..<Int.random(in: 0...60, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
            #expect(PaymentAllocator.asciiInvoiceNumberCandidates(in: text) == PaymentAllocator.characterInvoiceNumberCandidates(in: text),
                    "\(text)")
        }
        let many = (1...30).map { "F-\($0 % 25)00" }.joined(separator: " ")
        #expect(PaymentAllocator.invoiceNumberCandidates(in: many).count == 20)
        #expect(PaymentAllocator.invoiceNumberCandidates(in: "Facture n° 2026/0042.") == ["2026/0042"])
        #expect(PaymentAllocator.invoiceNumberCandidates(in: "F-12\r\n3 INV-7") == PaymentAllocator.characterInvoiceNumberCandidates(in: "F-12\r\n3 INV-7"))
    }
}
