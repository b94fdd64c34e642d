import GRDB

extension Schema {
    /// The data-rights log (owner: `relance db …` and `relance debtor erase` through the Reports
    /// library's `DataRights`): who erased which debtor, exported or restored the data, and when.
    ///
    /// `detail` holds counts and file names as JSON, never the personal data itself. Ingest can
    /// find erased debtors here (`action = 'erase'`, `subject` = the debtor key).
    static func dataRightsV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE data_rights_log (
              id INTEGER PRIMARY KEY,
              at TEXT NOT NULL,
              actor TEXT NOT NULL,
              action TEXT NOT NULL CHECK (action IN ('erase', 'export', 'restore')),
              subject TEXT,
              detail TEXT NOT NULL
            );
            CREATE INDEX data_rights_by_subject ON data_rights_log(action, subject);
            """)
    }
}
