import GRDB

extension Schema {
    /// A debtor's contractual late-payment interest rate in percent, as a decimal string ("8.00";
    /// owner: Ingest, from the debtors export's `interest_rate` column; read by Dunning). NULL: the
    /// company's `[legal]` rate, else the statutory one. Text, not REAL, so the rate is exact.
    /// And whether the debtor is a public authority, which always pays the statutory rate (law of
    /// 2 August 2002, art. 5), whatever its own or the company's contractual rate.
    static func debtorInterestRateV1(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE debtor ADD COLUMN interest_rate_percent TEXT
              CHECK (interest_rate_percent IS NULL OR (interest_rate_percent GLOB '[0-9]*.[0-9][0-9]'
                AND CAST(interest_rate_percent AS REAL) > 0 AND CAST(interest_rate_percent AS REAL) < 100))
            """)
        try db.execute(sql: "ALTER TABLE debtor ADD COLUMN public_authority INTEGER NOT NULL DEFAULT 0 CHECK (public_authority IN (0, 1))")
    }
}
