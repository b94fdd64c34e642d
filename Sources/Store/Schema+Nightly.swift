import GRDB

extension Schema {
    /// The nightly run's stages (owner: `relance nightly`): one row per stage per run, so a run
    /// killed at any point resumes without redoing what finished.
    static func nightlyV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE nightly_stage (
              run_id INTEGER NOT NULL REFERENCES run(id),
              as_of TEXT NOT NULL,
              stage TEXT NOT NULL,
              started_at TEXT NOT NULL,
              finished_at TEXT,
              outcome TEXT NOT NULL DEFAULT 'running'
                CHECK (outcome IN ('running', 'ok', 'rejected', 'held', 'skipped', 'failed')),
              counts TEXT,
              PRIMARY KEY (run_id, stage)
            );
            CREATE INDEX nightly_stage_by_day ON nightly_stage(as_of, stage, outcome);
            """)
    }
}
