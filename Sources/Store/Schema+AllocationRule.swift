import GRDB

extension Schema {
    /// The allocation rules a `payment_allocation` row may name (docs/INGEST.md).
    package static let allocationRules = ["invoice_number", "structured_reference", "rf_reference", "invoice_number_in_text",
                                         "unique_open_amount", "debtor_oldest_first", "manual"]

    /// `payment_allocation.rule` checked by equalities joined with `OR` instead of `IN (…)`: the same
    /// rule, but SQLite compiles a `CHECK (x IN (…))` of more than two words into a temporary B-tree
    /// built afresh for every row inserted (an ephemeral table opened, seven inserts, closed: ≈ 8 % of
    /// `ingest payments` and of a bank ingest). Rebuilds the table (SQLite cannot change a CHECK) with
    /// the same columns, rows, ids and indexes, so it is registered with deferred foreign keys and
    /// checks the table it rebuilt.
    static func allocationRuleCheckV1(_ db: Database) throws {
        let rules = allocationRules.map { "rule = '\($0)'" }.joined(separator: " OR ")
        try db.execute(sql: """
            CREATE TABLE payment_allocation_new (
              id INTEGER PRIMARY KEY,
              payment_id INTEGER NOT NULL REFERENCES payment(id),
              invoice_id INTEGER NOT NULL REFERENCES invoice(id),
              amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
              rule TEXT NOT NULL CHECK (\(rules)),
              batch_id INTEGER REFERENCES ingest_batch(id),
              seen_batch_id INTEGER REFERENCES ingest_batch(id)
            );
            INSERT INTO payment_allocation_new (id, payment_id, invoice_id, amount_minor, rule, batch_id, seen_batch_id)
              SELECT id, payment_id, invoice_id, amount_minor, rule, batch_id, seen_batch_id FROM payment_allocation ORDER BY id;
            DROP TABLE payment_allocation;
            ALTER TABLE payment_allocation_new RENAME TO payment_allocation;
            CREATE INDEX payment_allocation_by_payment ON payment_allocation(payment_id);
            CREATE INDEX payment_allocation_by_invoice ON payment_allocation(invoice_id);
            CREATE INDEX payment_allocation_by_batch ON payment_allocation(batch_id);
            """)
        try db.checkForeignKeys(in: "payment_allocation")
    }
}
