import GRDB

extension Schema {
    /// The Billing stage's tables (owner: Billing): contracts, usage, the price-index series, the
    /// gapless invoice-number sequences, each period's invoices and their lines, and the record of
    /// the contract, usage and index files read (`ingest_batch.kind` does not admit them).
    ///
    /// Billing also inserts `invoice` rows with `source = 'billing'` and queues outbox messages.
    static func billingV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE billing_ingest (
              id INTEGER PRIMARY KEY,
              run_id INTEGER REFERENCES run(id),
              kind TEXT NOT NULL CHECK (kind IN ('contracts', 'usage', 'index')),
              file_name TEXT NOT NULL,
              file_path TEXT NOT NULL,
              file_bytes INTEGER NOT NULL,
              file_hash TEXT NOT NULL,
              as_of TEXT NOT NULL,
              started_at TEXT NOT NULL,
              finished_at TEXT NOT NULL,
              rows_read INTEGER NOT NULL,
              rows_imported INTEGER NOT NULL,
              rows_updated INTEGER NOT NULL,
              rows_unchanged INTEGER NOT NULL,
              rows_rejected INTEGER NOT NULL
            );

            CREATE TABLE contract (
              id INTEGER PRIMARY KEY,
              contract_key TEXT NOT NULL UNIQUE,
              debtor_id INTEGER NOT NULL REFERENCES debtor(id),
              plan TEXT NOT NULL,
              currency TEXT NOT NULL,
              monthly_price_minor INTEGER NOT NULL CHECK (monthly_price_minor >= 0),
              activation_date TEXT NOT NULL,
              price_adjusted_on TEXT NOT NULL CHECK (price_adjusted_on >= activation_date),
              index_series TEXT,
              billing_day INTEGER CHECK (billing_day BETWEEN 1 AND 28),
              payment_terms_days INTEGER NOT NULL CHECK (payment_terms_days BETWEEN 0 AND 365),
              index_floor INTEGER NOT NULL DEFAULT 0 CHECK (index_floor IN (0, 1)),
              status TEXT NOT NULL CHECK (status IN ('active', 'suspended', 'terminated')),
              end_date TEXT CHECK (end_date IS NULL OR end_date >= activation_date),
              overdue_since TEXT,
              notice_on TEXT,
              suspended_on TEXT,
              reactivated_on TEXT,
              reactivation_fee_due INTEGER NOT NULL DEFAULT 0 CHECK (reactivation_fee_due IN (0, 1)),
              content_hash INTEGER NOT NULL,
              created_ingest_id INTEGER REFERENCES billing_ingest(id),
              updated_ingest_id INTEGER REFERENCES billing_ingest(id),
              CHECK (notice_on IS NULL OR overdue_since IS NOT NULL),
              CHECK (suspended_on IS NULL OR notice_on IS NOT NULL)
            );
            CREATE INDEX contract_by_debtor ON contract(debtor_id);

            CREATE TABLE contract_usage (
              id INTEGER PRIMARY KEY,
              contract_id INTEGER NOT NULL REFERENCES contract(id),
              month TEXT NOT NULL CHECK (length(month) = 7),
              item TEXT NOT NULL,
              quantity TEXT NOT NULL,
              unit_price TEXT NOT NULL,
              content_hash INTEGER NOT NULL,
              ingest_id INTEGER REFERENCES billing_ingest(id),
              UNIQUE (contract_id, month, item)
            );

            CREATE TABLE price_index (
              series TEXT NOT NULL,
              month TEXT NOT NULL CHECK (length(month) = 7),
              value TEXT NOT NULL,
              ingest_id INTEGER REFERENCES billing_ingest(id),
              PRIMARY KEY (series, month)
            ) WITHOUT ROWID;

            CREATE TABLE billing_sequence (
              name TEXT PRIMARY KEY,
              last_value INTEGER NOT NULL CHECK (last_value >= 0)
            ) WITHOUT ROWID;

            CREATE TABLE billing_invoice (
              invoice_id INTEGER PRIMARY KEY REFERENCES invoice(id),
              contract_id INTEGER NOT NULL REFERENCES contract(id),
              period TEXT NOT NULL CHECK (length(period) = 7),
              sequence_name TEXT NOT NULL,
              sequence_value INTEGER NOT NULL,
              net_minor INTEGER NOT NULL,
              vat_minor INTEGER NOT NULL,
              pdf_path TEXT NOT NULL,
              run_id INTEGER REFERENCES run(id),
              created_at TEXT NOT NULL,
              UNIQUE (contract_id, period),
              UNIQUE (sequence_name, sequence_value)
            );
            CREATE INDEX billing_invoice_by_period ON billing_invoice(period);

            CREATE TABLE billing_line (
              id INTEGER PRIMARY KEY,
              invoice_id INTEGER NOT NULL REFERENCES billing_invoice(invoice_id),
              position INTEGER NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('subscription', 'usage', 'fee')),
              description TEXT NOT NULL,
              service_month TEXT NOT NULL,
              quantity TEXT NOT NULL,
              unit_price TEXT NOT NULL,
              net_minor INTEGER NOT NULL,
              vat_rate TEXT NOT NULL,
              vat_minor INTEGER NOT NULL,
              old_price_minor INTEGER,
              new_price_minor INTEGER,
              factor TEXT,
              actual_index_month TEXT,
              actual_index TEXT,
              base_index_month TEXT,
              base_index TEXT,
              index_series TEXT,
              rounding TEXT,
              usage_id INTEGER UNIQUE REFERENCES contract_usage(id),
              UNIQUE (invoice_id, position),
              CHECK ((factor IS NULL) = (new_price_minor IS NULL))
            );
            """)
    }
}
