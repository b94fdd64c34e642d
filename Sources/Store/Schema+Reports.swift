import GRDB

extension Schema {
    /// A small daily snapshot the nightly's reports stage keeps for the trends (owner: Reports):
    /// per day and currency the aging buckets, open and overdue balance, DSO, payments received
    /// that day, and per ladder step the messages and amounts demanded that night. A rerun of the
    /// same day replaces its rows. A few rows a night: 13 weeks and 12 months read in one query.
    ///
    /// The indexes let the morning page read one night's rows without scanning the ledger:
    /// payments, allocations and changes by import batch, payments by day, new disputed invoices,
    /// messages by day, bounces by time.
    static func reportSnapshotV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE report_snapshot (
              day TEXT NOT NULL,
              currency TEXT NOT NULL,
              not_due_minor INTEGER NOT NULL,
              days_1_30_minor INTEGER NOT NULL,
              days_31_60_minor INTEGER NOT NULL,
              days_61_90_minor INTEGER NOT NULL,
              days_over_90_minor INTEGER NOT NULL,
              open_minor INTEGER NOT NULL,
              dso TEXT,
              collected_minor INTEGER NOT NULL,
              PRIMARY KEY (day, currency)
            ) WITHOUT ROWID;

            CREATE TABLE report_snapshot_step (
              day TEXT NOT NULL,
              currency TEXT NOT NULL,
              step TEXT NOT NULL,
              messages INTEGER NOT NULL,
              demanded_minor INTEGER NOT NULL,
              PRIMARY KEY (day, currency, step)
            ) WITHOUT ROWID;

            CREATE INDEX payment_by_batch ON payment(created_batch_id);
            CREATE INDEX payment_by_day ON payment(payment_date);
            CREATE INDEX payment_allocation_by_batch ON payment_allocation(batch_id);
            CREATE INDEX record_change_by_batch ON record_change(batch_id);
            CREATE INDEX invoice_disputed_by_batch ON invoice(created_batch_id) WHERE disputed = 1;
            CREATE INDEX dunning_event_by_day ON dunning_event(as_of, status);
            CREATE INDEX outbox_message_bounced ON outbox_message(updated_at) WHERE state = 'bounced';
            """)
    }
}
