import GRDB

extension Schema {
    /// A small daily snapshot the nightly's reports stage keeps for the trends (owner: Reports):
    /// per day and currency the aging buckets, open and overdue balance, DSO, payments received
    /// that day, and per ladder step the messages and amounts demanded that night. A rerun of the
    /// same day replaces its rows. A few rows a night: 13 weeks and 12 months read in one query.
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
            """)
    }
}
