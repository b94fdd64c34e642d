import GRDB

extension Schema {
    /// The words a run and a nightly stage can end with (docs/NIGHTLY.md).
    package static let runOutcomes = ["running", "ok", "rejected", "held", "deferred", "bounced", "partial", "failed",
                                     "interrupted", "skipped"]

    /// Runs and nightly stages take the outcome words monitoring needs (held, deferred, bounced,
    /// partial, interrupted), and a run records its process id, so that the next run can mark a run
    /// whose process died as interrupted. Rebuilds both tables (SQLite cannot change a CHECK), so it
    /// is registered with deferred foreign keys and checks only the two tables it rebuilt.
    static func runOutcomesV1(_ db: Database) throws {
        let words = runOutcomes.map { "'\($0)'" }.joined(separator: ", ")
        try db.execute(sql: """
            CREATE TABLE run_new (
              id INTEGER PRIMARY KEY,
              command TEXT NOT NULL,
              as_of TEXT,
              started_at TEXT NOT NULL,
              finished_at TEXT,
              outcome TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN (\(words))),
              exit_code INTEGER,
              summary TEXT,
              pid INTEGER
            );
            INSERT INTO run_new (id, command, as_of, started_at, finished_at, outcome, exit_code, summary)
              SELECT id, command, as_of, started_at, finished_at, outcome, exit_code, summary FROM run;
            DROP TABLE run;
            ALTER TABLE run_new RENAME TO run;
            CREATE TABLE nightly_stage_new (
              run_id INTEGER NOT NULL REFERENCES run(id),
              as_of TEXT NOT NULL,
              stage TEXT NOT NULL,
              started_at TEXT NOT NULL,
              finished_at TEXT,
              outcome TEXT NOT NULL DEFAULT 'running' CHECK (outcome IN (\(words))),
              counts TEXT,
              PRIMARY KEY (run_id, stage)
            );
            INSERT INTO nightly_stage_new SELECT run_id, as_of, stage, started_at, finished_at, outcome, counts FROM nightly_stage;
            DROP TABLE nightly_stage;
            ALTER TABLE nightly_stage_new RENAME TO nightly_stage;
            CREATE INDEX nightly_stage_by_day ON nightly_stage(as_of, stage, outcome);
            """)
        try db.checkForeignKeys(in: "nightly_stage")
    }
}
