import Foundation
import GRDB
import RelanceTestSupport
import Store
import Testing

/// Migration 0047: `payment_by_counterparty` is gone. No query reads payments by their
/// counterparty's account (who pays from an account is `debtor_account`), and every bank payment
/// wrote an entry into it.
@Suite struct PaymentCounterpartyIndexTests {
    /// The index-entry writes (`IdxInsert`) of a bank payment's insert, by the program SQLite
    /// compiles for it: one per index of `payment` (a partial index's guarded by its `WHERE`).
    static func indexWrites(_ db: Database) throws -> Int {
        let program = try Row.fetchAll(db, sql: """
            EXPLAIN INSERT INTO payment (payment_key, payment_date, currency, amount_minor, unapplied_minor, content_hash, source,
              counterparty_iban, counterparty_name, free_text) VALUES ('k', '2026-11-21', 'EUR', 100, 100, 0, 'coda', 'BE68539007547034', 'N', 'T')
            """)
        return program.filter { ($0["opcode"] as String) == "IdxInsert" }.count
    }

    /// A fresh ledger: a bank payment writes its key, its batch, its day and the two unapplied
    /// indexes' entries, none by account.
    @Test func aBankPaymentWritesNoEntryByItsCounterparty() throws {
        let temporary = try TemporaryStore("payment-counterparty")
        try temporary.store.pool.read { (db: Database) throws in
            #expect(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payment' ORDER BY name")
                    == ["payment_by_batch", "payment_by_day", "payment_unapplied", "payment_unapplied_by_debtor", "sqlite_autoindex_payment_1"])
            #expect(try Self.indexWrites(db) == 5)
        }
    }

    /// A workspace at 0046 with bank payments: 0047 drops the index and nothing else; the rows,
    /// their accounts and the learned payers stay, and the schema is a fresh ledger's.
    @Test func aWorkspaceAt0046DropsTheIndexAndKeepsEveryPayment() throws {
        try upgradeLedger(from: "0046-invoice-open-narrow", label: "payment-counterparty-upgrade", seed: { db in
            try db.execute(sql: """
                INSERT INTO debtor (id, debtor_key, name, kind, language, country, content_hash) VALUES (1, 'D1', 'Debiteur', 'b2b', 'nl', 'BE', 0);
                INSERT INTO payment (id, payment_key, payment_date, currency, amount_minor, unapplied_minor, content_hash, source,
                  counterparty_iban, counterparty_name, free_text)
                VALUES (1, 'CODA/A/1', '2026-11-20', 'EUR', 12100, 0, 0, 'coda', 'BE68539007547034', 'Brasserie', 'F-001'),
                       (2, 'CODA/A/2', '2026-11-20', 'EUR', 500, 500, 0, 'coda', NULL, NULL, NULL),
                       (3, 'P-1', '2026-11-21', 'EUR', 700, 700, 0, 'csv', NULL, NULL, NULL);
                INSERT INTO debtor_account (iban, debtor_id, learned_from_payment_id) VALUES ('BE68539007547034', 1, 1);
                """)
            #expect(try Self.indexWrites(db) == 6)
            return try Row.fetchAll(db, sql: "SELECT * FROM payment ORDER BY id")
        }, check: { store, before in
            let fresh = try TemporaryStore("payment-counterparty-fresh")
            let freshSchema = try fresh.store.pool.read { db in try SchemaTests.dump(db) }
            try store.pool.read { (db: Database) throws in
                #expect(try Schema.migrator.appliedMigrations(db).contains("0047-payment-counterparty-unindexed"))
                #expect(try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'payment_by_counterparty')") == false)
                #expect(try Self.indexWrites(db) == 5)
                #expect(try Row.fetchAll(db, sql: "SELECT * FROM payment ORDER BY id") == before)
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM debtor_account WHERE iban = 'BE68539007547034'") == 1)
                #expect(try SchemaTests.dump(db) == freshSchema)
                #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            }
        })
    }
}
