import GRDB

extension Schema {
    /// `invoice_open` widened to cover the dunning plan (owner: Store; read by the plan, the aging
    /// and worklist reports): the same leading columns as 0013's, so the reports' sums read it as
    /// before, plus what the plan reads of each open invoice (issue date, amount, hold, number,
    /// description). The plan's ordered walk of the ~1M open invoices then reads the index alone,
    /// in debtor order, instead of one look-up per invoice in the 6M-row table (issue 17).
    static func invoiceOpenPlanV1(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX IF EXISTS invoice_open;
            CREATE INDEX invoice_open ON invoice(debtor_id, currency, due_date, type, open_minor, disputed,
              issue_date, amount_minor, on_hold, invoice_number, description)
            WHERE status = 'open';
            """)
    }

    /// Migration 0046: `invoice_open` without `description` (issue 17, fourteenth round). The plan
    /// needs an invoice's description only in the text of a reminder it writes (a few percent of the
    /// open items a night), so the walk no longer carries it for every open invoice: it reads the
    /// descriptions of a reminded debtor's items by primary key (`DunningQueries.openItemDescriptions`).
    /// The index's entries are a quarter narrower; every credit that closes or moves an open
    /// invoice rewrites fewer bytes (CODA, payments), and the first load builds less. The same
    /// columns otherwise, the same `WHERE`, so the reports and the walk read it as before.
    static func invoiceOpenNarrowV1(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX IF EXISTS invoice_open;
            CREATE INDEX invoice_open ON invoice(debtor_id, currency, due_date, type, open_minor, disputed,
              issue_date, amount_minor, on_hold, invoice_number)
            WHERE status = 'open';
            """)
    }

    /// Migration 0048: `invoice_by_debtor` keyed by `(debtor_id, due_date)`, without `status` (issue 17,
    /// sixteenth round). A credit that closes an invoice changed `status`, so SQLite moved the invoice's
    /// entry in this index from `open` to `closed` (a delete and an insert at a random place of a 6M-entry
    /// index) besides deleting its `invoice_open` entry: a third of a closing write's cost. Keyed without
    /// `status`, a close leaves this index alone. Every per-debtor look-up of open invoices reads
    /// `invoice_open` (partial, leading with `debtor_id`), named with `INDEXED BY` since SQLite without
    /// statistics would otherwise take this narrower index and read the debtor's closed history too;
    /// the look-ups of all a debtor's invoices (erasure, controls) still search this index by debtor.
    static func invoiceByDebtorWithoutStatusV1(_ db: Database) throws {
        try db.execute(sql: """
            DROP INDEX IF EXISTS invoice_by_debtor;
            CREATE INDEX invoice_by_debtor ON invoice(debtor_id, due_date);
            """)
    }
}
