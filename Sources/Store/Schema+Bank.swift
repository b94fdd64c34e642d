import GRDB

extension Schema {
    /// Bank statements (CODA, camt.053/054) and what a payment from one carries (owner: Ingest).
    static func bankV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE bank_statement (
              id INTEGER PRIMARY KEY,
              format TEXT NOT NULL CHECK (format IN ('coda', 'camt')),
              statement_key TEXT NOT NULL UNIQUE,
              account TEXT NOT NULL,
              currency TEXT NOT NULL,
              statement_date TEXT,
              old_balance_minor INTEGER,
              new_balance_minor INTEGER,
              movements INTEGER NOT NULL,
              credits INTEGER NOT NULL,
              batch_id INTEGER NOT NULL REFERENCES ingest_batch(id)
            );

            ALTER TABLE payment ADD COLUMN statement_id INTEGER REFERENCES bank_statement(id);
            ALTER TABLE payment ADD COLUMN counterparty_iban TEXT;
            ALTER TABLE payment ADD COLUMN counterparty_name TEXT;
            ALTER TABLE payment ADD COLUMN free_text TEXT;
            CREATE INDEX payment_by_counterparty ON payment(counterparty_iban) WHERE counterparty_iban IS NOT NULL;

            CREATE TABLE debtor_account (
              iban TEXT NOT NULL,
              debtor_id INTEGER NOT NULL REFERENCES debtor(id),
              learned_from_payment_id INTEGER REFERENCES payment(id),
              PRIMARY KEY (iban, debtor_id)
            ) WITHOUT ROWID;
            """)
    }

    /// Migration 0047: `payment_by_counterparty` dropped (issue 17, fifteenth round). No query reads
    /// payments by their counterparty's IBAN: who pays from an account is learned into `debtor_account`
    /// and read from there (`IngestQueries.byPayerIBANSQL`, `payerCountSQL`), and the data-rights
    /// erasure finds a debtor's payments by key. Every bank payment wrote an entry into it, keyed by
    /// an account in no particular order (a random page of an index that grows with the ledger's bank
    /// payments): a statement of 100,000 credits wrote 100,000 of them.
    static func paymentCounterpartyUnindexedV1(_ db: Database) throws {
        try db.execute(sql: "DROP INDEX IF EXISTS payment_by_counterparty")
    }
}
