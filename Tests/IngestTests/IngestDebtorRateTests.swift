import Foundation
import GRDB
import Ingest
import Ledger
import Store
import Testing

/// A debtor's contractual interest rate (`interest_rate` / `rentevoet` / `taux d'intérêt`), kept
/// exactly as a two-decimal string in `debtor.interest_rate_percent` (migration 0014).
@Suite struct IngestDebtorRateTests {
    @Test func theRateColumnIsReadInEveryLanguageAndBadRatesAreRejected() throws {
        let t = try TestLedger()
        let p = t.write("klanten.csv", """
            klant;naam;btw;rentevoet
            K1;Alfa BV;BE0428759497;8
            K2;Beta BV;BE0403019261;"7,5 %"
            K3;Gamma BV;BE0539930110;
            K4;Delta BV;BE0428759497;12.125
            K5;Epsilon BV;BE0428759497;0
            K6;Zeta BV;BE0428759497;100

            """)
        let s = try t.ingest(.debtors, [p])
        #expect(s[0].imported == 3 && s[0].rejected == 3)
        #expect(t.diagnostics.filter { $0.rule == "interest-rate" }.map(\.line) == [5, 6, 7])
        #expect(!t.diagnostics.contains { $0.rule == "unknown-column" })
        let rates = try t.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT debtor_key, interest_rate_percent FROM debtor ORDER BY debtor_key")
                .map { "\($0[0] as String)=\(($0[1] as String?) ?? "null")" }
        }
        #expect(rates == ["K1=8.00", "K2=7.50", "K3=null"])
        // The French header, and a changed rate is an update kept in history.
        let fr = t.write("clients.csv", "numero client,nom,tva,taux d'intérêt\nK1,Alfa BV,BE0428759497,\"9,00\"\n")
        #expect(try t.ingest(.debtors, [fr])[0].updated == 1)
        let k1 = try t.store.pool.read { db in try String.fetchOne(db, sql: "SELECT interest_rate_percent FROM debtor WHERE debtor_key = 'K1'") }
        #expect(k1 == "9.00")
        // The schema refuses anything but a two-decimal rate in range.
        #expect(throws: DatabaseError.self) {
            try t.store.pool.write { db in try db.execute(sql: "UPDATE debtor SET interest_rate_percent = '8' WHERE debtor_key = 'K2'") }
        }
    }

    @Test func aPublicAuthorityIsFlaggedAndItsContractualRateIsWarnedAbout() throws {
        let t = try TestLedger()
        let p = t.write("d.csv", "debtor_id,name,vat_number,overheid,interest_rate\nS1,Stad Gent,BE0428759497,ja,8\nS2,Alfa BV,BE0403019261,nee,8\n")
        let s = try t.ingest(.debtors, [p])
        #expect(s[0].imported == 2)
        #expect(t.diagnostics.map(\.description)
            == ["d.csv:2:5: warning: [interest-rate] a public authority pays the statutory rate whatever the contract says "
                + "(law of 2 August 2002, art. 5): its interest rate is not used"])
        let rows = try t.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT debtor_key, public_authority, interest_rate_percent FROM debtor ORDER BY debtor_key")
                .map { "\($0[0] as String) \($0[1] as Int) \(($0[2] as String?) ?? "null")" }
        }
        #expect(rows == ["S1 1 8.00", "S2 0 8.00"])
    }
}
