import GRDB

extension Schema {
    /// A debtor's contractual late-payment interest rate in percent, as a decimal string ("8.00";
    /// owner: Ingest, from the debtors export's `interest_rate` column; read by Dunning). NULL: the
    /// company's `[legal]` rate, else the statutory one. Text, not REAL, so the rate is exact.
    static func debtorInterestRateV1(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE debtor ADD COLUMN interest_rate_percent TEXT
              CHECK (interest_rate_percent IS NULL OR (interest_rate_percent GLOB '[0-9]*.[0-9][0-9]'
                AND CAST(interest_rate_percent AS REAL) > 0 AND CAST(interest_rate_percent AS REAL) < 100))
            """)
    }
}
