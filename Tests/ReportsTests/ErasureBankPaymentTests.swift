import Foundation
import GRDB
import RelanceTestSupport
import Store
import Testing

/// `relance debtor erase` after bank statements: a credit never applied (no debtor key, no
/// allocation) that came from an account learnt as the debtor's, or that carries the debtor's name,
/// loses its payer's name, IBAN and free text like the debtor's applied payments; its amount, day and
/// bank reference stay, and so does the ledger's unapplied sum. A credit from an account that pays for
/// other debtors as well, in another name, is no evidence and keeps its data, and that account's link.
@Suite struct ErasureBankPaymentTests {
    /// Accented, as the debtor file has it; the bank writes it in capitals without accents (F3).
    static let name = "Brasserie Éclair"
    /// The debtor's own account (learnt from its applied credit), a holding's account that pays for
    /// it and another debtor, and an account never seen before.
    static let own = "BE71096123456769", shared = "NL91ABNA0417164300", unknown = "DE89370400440532013000"

    func relance(_ args: [String], ws: String?) throws -> ProcessOutput {
        try ProcessRunner.run(CommandTests.binary, args + (ws.map { ["--workspace", $0] } ?? []),
                              environment: ProcessRunner.environment(["RELANCE_WORKSPACE": nil]))
    }

    /// A camt.053 credit from `iban` in the name `payer`, with a free text.
    func credit(_ ref: String, _ amount: String, iban: String, payer: String, text: String) -> String {
        """
        <Ntry><NtryRef>\(ref)</NtryRef><Amt Ccy="EUR">\(amount)</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-19</Dt></BookgDt><NtryDtls><TxDtls>
        <RltdPties><Dbtr><Nm>\(payer)</Nm></Dbtr><DbtrAcct><Id><IBAN>\(iban)</IBAN></Id></DbtrAcct></RltdPties>
        <RmtInf><Ustrd>\(text)</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
        """
    }

    func statement(_ id: String, _ entries: [String]) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>\(id)</Id>
        <Acct><Id><IBAN>BE68539007547034</IBAN></Id><Ccy>EUR</Ccy></Acct>
        \(entries.joined(separator: "\n"))
        </Stmt></BkToCstmrStmt></Document>
        """
    }

    /// The database file and its WAL, whole (every table, index and free page).
    func databaseBytes(_ ws: String) throws -> Data {
        var bytes = Data()
        for f in [ws + "/relance.sqlite", ws + "/relance.sqlite-wal"] where FileManager.default.fileExists(atPath: f) {
            bytes += try Data(contentsOf: URL(fileURLWithPath: f))
        }
        return bytes
    }

    @Test func anUnappliedCreditFromTheDebtorsAccountOrInItsNameIsScrubbed() throws {
        let l = try TempLedger()
        let ws = l.dir + "/ws"
        #expect(try relance(["init", ws], ws: nil).status == 0)
        let debtors = l.dir + "/debtors.csv", invoices = l.dir + "/invoices.csv"
        try """
            debtor_id,name,email,street
            K001,\(Self.name),compta@eclair.example,Rue du Pain 1
            K002,Atelier Vrac,info@vrac.example,Kerkstraat 2
            """.write(toFile: debtors, atomically: true, encoding: .utf8)
        try """
            invoice_number,debtor_id,issue_date,due_date,amount,structured_reference,description
            BK-1,K001,2026-10-01,2026-10-31,500.00,,Consultancy
            BK-2,K001,2026-10-01,2026-10-31,120.00,,Repair
            BK-3,K002,2026-10-01,2026-10-31,300.00,,Service
            BK-4,K001,2026-10-01,2026-12-31,900.00,,Parts
            """.write(toFile: invoices, atomically: true, encoding: .utf8)
        #expect(try relance(["ingest", "debtors", debtors, "--as-of", "2026-11-01"], ws: ws).status == 0)
        #expect(try relance(["ingest", "invoices", invoices, "--as-of", "2026-11-01"], ws: ws).status == 0)
        // The first statement teaches who pays from which account: the debtor's own account pays BK-1,
        // the holding's pays BK-2 for it and BK-3 for K002.
        let first = l.dir + "/s1.xml", second = l.dir + "/s2.xml"
        try statement("S1", [
            credit("E1", "500.00", iban: Self.own, payer: Self.name, text: "BK-1"),
            credit("E2", "120.00", iban: Self.shared, payer: "Holding Zuid NV", text: "BK-2"),
            credit("E3", "300.00", iban: Self.shared, payer: "Holding Zuid NV", text: "BK-3"),
        ]).write(toFile: first, atomically: true, encoding: .utf8)
        // The second: credits nothing matches, left unapplied for a person.
        try statement("S2", [
            credit("F1", "77.77", iban: Self.own, payer: "B. ECLAIR", text: "voorschot keuken Eclair"),
            credit("F2", "33.33", iban: Self.shared, payer: "Holding Zuid NV", text: "advance"),
            credit("F3", "44.44", iban: Self.unknown, payer: "  BRASSERIE  ECLAIR ", text: "tip for the kitchen"),
        ]).write(toFile: second, atomically: true, encoding: .utf8)
        for f in [first, second] {
            let r = try relance(["ingest", "camt", f, "--as-of", "2026-11-20"], ws: ws)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let store = try LedgerStore(path: ws + "/relance.sqlite")
        let before = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT payment_key, amount_minor, unapplied_minor, payment_date, structured_reference FROM payment ORDER BY payment_key
                """).map { "\($0[0] as String) \($0[1] as Int64) \($0[2] as Int64) \($0[3] as String) \(($0[4] as String?) ?? "-")" }
        }
        try store.pool.read { (db: Database) throws -> Void in
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM payment WHERE unapplied_minor > 0 AND debtor_key IS NULL") == 3)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor_account WHERE iban = ?", arguments: [Self.shared]) == 2)
        }
        for value in [Self.own, "B. ECLAIR", "BRASSERIE  ECLAIR", "voorschot keuken"] {
            #expect(try databaseBytes(ws).range(of: Data(value.utf8)) != nil, "\(value) is stored before the erasure")
        }

        let erased = try relance(["debtor", "erase", "K001"], ws: ws)
        #expect(erased.status == 0, "\(erased.stderr)")
        // E1 and E2 applied to its invoices, F1 from its own account, F3 in its name.
        #expect(erased.stdout.contains("4 payment(s) cleared (2 of them found by its bank accounts or name)"),
                "\(erased.stdout)")

        // Not in any table, index, free page or the WAL.
        let bytes = try databaseBytes(ws)
        for value in [Self.name, Self.name.uppercased(), "BRASSERIE  ECLAIR", Self.own, "B. ECLAIR", "voorschot keuken", "tip for the kitchen"] {
            #expect(bytes.range(of: Data(value.utf8)) == nil, "\(value) is still in the database file")
        }
        try store.pool.read { (db: Database) throws -> Void in
            let rows = try Row.fetchAll(db, sql: """
                SELECT payment_key, counterparty_iban, counterparty_name, free_text FROM payment ORDER BY payment_key
                """)
            let kept = Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, [$0[1], $0[2], $0[3]] as [String?]) })
            for key in kept.keys.sorted() where kept[key]!.contains(where: { $0 != nil }) {
                #expect(["E3", "F2"].contains { key.hasSuffix($0) }, "\(key) keeps its payer's data: \(kept[key]!)")
            }
            // The holding's credit for K002 and its unapplied one keep theirs: that account pays for others.
            #expect(kept.filter { $0.value.contains(where: { $0 != nil }) }.count == 2)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM payment WHERE counterparty_iban = ?", arguments: [Self.shared]) == 2)
            // Its own account is forgotten; the holding's stays learnt for both (the other debtor's
            // matching is unchanged: an account's debtors are counted).
            #expect(try String.fetchAll(db, sql: "SELECT iban FROM debtor_account WHERE debtor_id = 1") == [Self.shared])
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor_account WHERE iban = ?", arguments: [Self.own]) == 0)
            // Money is conserved: every payment's amount, unapplied part, day and bank reference stay.
            let after = try Row.fetchAll(db, sql: """
                SELECT payment_key, amount_minor, unapplied_minor, payment_date, structured_reference FROM payment ORDER BY payment_key
                """).map { "\($0[0] as String) \($0[1] as Int64) \($0[2] as Int64) \($0[3] as String) \(($0[4] as String?) ?? "-")" }
            #expect(after == before)
            #expect(try String.fetchOne(db, sql: "PRAGMA quick_check") == "ok")
        }
        // Nor in any workspace file (the statements were read from outside it).
        let e = FileManager.default.enumerator(atPath: ws)
        while let rel = e?.nextObject() as? String {
            guard let data = FileManager.default.contents(atPath: ws + "/" + rel), !rel.hasPrefix("relance.sqlite") else { continue }
            for value in [Self.name, Self.own, "B. ECLAIR"] {
                #expect(data.range(of: Data(value.utf8)) == nil, "\(value) in \(rel)")
            }
        }
        let unapplied = try relance(["payments", "unapplied"], ws: ws)
        #expect(unapplied.status == 0 && !unapplied.stdout.contains("ECLAIR") && unapplied.stdout.contains("Holding Zuid NV"),
                "\(unapplied.stdout)")
    }
}
