import GRDB

/// The database schema, as named, append-only migrations.
///
/// A migration that has landed on main is never edited: change the schema by appending a new one.
/// The schema is the contract between stages; `Sources/Store/README.md` says which stage owns
/// (writes) each table.
package enum Schema {
    /// All migrations in order.
    ///
    /// Every migration runs with immediate foreign-key checks: they only create tables and indexes
    /// and add columns, so SQLite checks each statement as it runs. GRDB's default (deferred checks)
    /// ends each migration with `PRAGMA foreign_key_check` over the whole database, which on a
    /// benchmark ledger (6M invoices, 5M payments) kept an upgrade busy for minutes per migration.
    /// A migration that rebuilds a table needs `.deferred`: register it on its own, not in this list.
    package static var migrator: DatabaseMigrator {
        let migrations: [(String, @Sendable (Database) throws -> Void)] = [
            ("0001-ledger", ledgerV1),
            ("0002-outbox", outboxV1),
            ("0003-forecast", forecastV1),
            ("0004-bank", bankV1),
            ("0005-dunning", dunningV1),
            ("0006-debtor-paperless", debtorPaperlessV1),
            ("0007-dunning-run", dunningRunV1),
            ("0008-billing", billingV1),
            ("0009-data-rights", dataRightsV1),
            ("0010-nightly", nightlyV1),
            ("0011-unapplied-by-debtor", unappliedByDebtorV1),
            ("0012-dunning-exclusion", dunningExclusionV1),
            ("0013-invoice-open", invoiceOpenV1),
            ("0014-debtor-interest-rate", debtorInterestRateV1),
            ("0015-controls", controlsV1),
            ("0017-dunning-demand", dunningDemandV1),
            ("0019-peppol", peppolV1),
            ("0020-report-snapshot", reportSnapshotV1),
            ("0021-outbox-compressed-bodies", outboxCompressedBodiesV1),
            ("0024-invoice-open-plan", invoiceOpenPlanV1),
            ("0026a-dunning-computation-compressed", dunningComputationCompressedV1),
            ("0027a-outbox-body-dictionary", outboxBodyDictionaryV1),
            ("0030a-dunning-held-reason", dunningHeldReasonV1),
            ("0030b-outbox-event-detail", outboxEventDetailV1),
            ("0030c-outbox-message-id-domain", outboxMessageIDDomainV1),
            ("0031a-outbox-dunning-event", outboxDunningEventV1),
            ("0031b-outbox-message-key-once", outboxMessageKeyOnceV1),
            ("0028-invoice-row-check", invoiceRowCheckV1),
            ("0032a-dunning-event-stored-once", dunningEventStoredOnceV1),
            ("0032b-outbox-event-instant", outboxEventInstantV1),
            ("0033a-outbox-sent-instant-once", outboxSentInstantOnceV1),
            ("0037a-dunning-computation-items", dunningComputationItemsV1),
        ]
        var m = DatabaseMigrator().disablingDeferredForeignKeyChecks()
        for (identifier, migrate) in migrations {
            m.registerMigration(identifier, foreignKeyChecks: .immediate, migrate: migrate)
        }
        // Rebuilds `run` and `nightly_stage`: foreign keys off, and it checks those tables itself.
        m.registerMigration("0016-run-outcomes", foreignKeyChecks: .deferred, migrate: runOutcomesV1)
        m.registerMigration("0016b-workspace-identity", foreignKeyChecks: .immediate, migrate: WorkspaceIdentity.migrationV1)
        // Rebuilds `payment_allocation` (its `rule` check without `IN`): foreign keys off, and it checks that table itself.
        m.registerMigration("0035-allocation-rule-check", foreignKeyChecks: .deferred, migrate: allocationRuleCheckV1)
        // Rebuilds `dunning_event` (its key stored as a digest, its status check without `IN`): foreign keys off, and it
        // checks that table itself.
        m.registerMigration("0039a-dunning-event-key-digest", foreignKeyChecks: .deferred, migrate: dunningEventKeyDigestV1)
        // A reminder's subject kept inside its bodies' blob: no table changes.
        m.registerMigration("0040a-outbox-subject-in-bodies", foreignKeyChecks: .immediate, migrate: outboxSubjectInBodiesV1)
        // An item's days and channel before its reminder packed in one integer (`prev_state`): one column added, rows
        // already stored keep their text columns.
        m.registerMigration("0041a-dunning-item-prior-state", foreignKeyChecks: .immediate, migrate: dunningItemPriorStateV1)
        // An item's step before its reminder stored as an id into a table of step names (`prev_step_id`): one table and
        // one column added, rows already stored keep their text.
        m.registerMigration("0042a-dunning-item-prior-step-name", foreignKeyChecks: .immediate, migrate: dunningItemPriorStepNameV1)
        // The bulk-written tables' `CHECK (x IN (…))` lists written as equalities: their SQL edited in place, no row moved.
        m.registerMigration("0045-check-equalities", foreignKeyChecks: .immediate, migrate: checkEqualitiesV1)
        // `invoice_open` rebuilt without `description` (read by primary key for the reminded debtors' items only).
        m.registerMigration("0046-invoice-open-narrow", foreignKeyChecks: .immediate, migrate: invoiceOpenNarrowV1)
        // `payment_by_counterparty` dropped: no query reads payments by their counterparty's account (who pays from
        // an account is `debtor_account`), and every bank payment wrote an entry into it.
        m.registerMigration("0047-payment-counterparty-unindexed", foreignKeyChecks: .immediate, migrate: paymentCounterpartyUnindexedV1)
        // `invoice_by_debtor` keyed without `status`: a closing invoice no longer moves its entry; the per-debtor look-ups
        // of open invoices read `invoice_open`.
        m.registerMigration("0048-invoice-by-debtor-without-status", foreignKeyChecks: .immediate, migrate: invoiceByDebtorWithoutStatusV1)
        return m
    }

    /// The day a debtor went paperless (owner: Ingest; read by Forecast as a covariate), and the
    /// index that finds a Peppol buyer by its VAT number.
    static func debtorPaperlessV1(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE debtor ADD COLUMN paperless_since TEXT")
        // Peppol buyers are found by their VAT number.
        try db.execute(sql: "CREATE INDEX debtor_by_vat ON debtor(vat_number) WHERE vat_number IS NOT NULL")
    }

    /// Debtors, invoices, payments and allocations, ingest batches, change history, runs.
    static func ledgerV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE run (
              id INTEGER PRIMARY KEY,
              command TEXT NOT NULL,
              as_of TEXT,
              started_at TEXT NOT NULL,
              finished_at TEXT,
              outcome TEXT NOT NULL DEFAULT 'running'
                CHECK (outcome IN ('running', 'ok', 'rejected', 'failed')),
              exit_code INTEGER,
              summary TEXT
            );

            CREATE TABLE ingest_batch (
              id INTEGER PRIMARY KEY,
              run_id INTEGER REFERENCES run(id),
              kind TEXT NOT NULL CHECK (kind IN ('debtors', 'invoices', 'payments', 'coda', 'camt', 'ubl')),
              file_name TEXT NOT NULL,
              file_path TEXT NOT NULL,
              file_bytes INTEGER NOT NULL,
              file_hash TEXT NOT NULL,
              encoding TEXT NOT NULL,
              snapshot INTEGER NOT NULL DEFAULT 0 CHECK (snapshot IN (0, 1)),
              as_of TEXT NOT NULL,
              started_at TEXT NOT NULL,
              finished_at TEXT NOT NULL,
              rows_read INTEGER NOT NULL,
              rows_imported INTEGER NOT NULL,
              rows_updated INTEGER NOT NULL,
              rows_unchanged INTEGER NOT NULL,
              rows_rejected INTEGER NOT NULL,
              closed_by_snapshot INTEGER NOT NULL DEFAULT 0
            );

            CREATE TABLE debtor (
              id INTEGER PRIMARY KEY,
              debtor_key TEXT NOT NULL UNIQUE,
              name TEXT NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('b2b', 'b2c')),
              vat_number TEXT,
              email TEXT,
              language TEXT NOT NULL CHECK (language IN ('nl', 'fr', 'de', 'en')),
              street TEXT,
              postal_code TEXT,
              city TEXT,
              country TEXT NOT NULL,
              phone TEXT,
              payment_terms_days INTEGER CHECK (payment_terms_days BETWEEN 0 AND 365),
              on_hold INTEGER NOT NULL DEFAULT 0 CHECK (on_hold IN (0, 1)),
              content_hash INTEGER NOT NULL,
              created_batch_id INTEGER REFERENCES ingest_batch(id),
              updated_batch_id INTEGER REFERENCES ingest_batch(id)
            );

            CREATE TABLE invoice (
              id INTEGER PRIMARY KEY,
              invoice_number TEXT NOT NULL UNIQUE,
              debtor_id INTEGER NOT NULL REFERENCES debtor(id),
              type TEXT NOT NULL CHECK (type IN ('invoice', 'credit_note')),
              issue_date TEXT NOT NULL,
              due_date TEXT NOT NULL CHECK (due_date >= issue_date),
              currency TEXT NOT NULL,
              amount_minor INTEGER NOT NULL,
              reported_open_minor INTEGER,
              reported_batch_id INTEGER REFERENCES ingest_batch(id),
              open_minor INTEGER NOT NULL,
              structured_reference TEXT,
              description TEXT,
              disputed INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1)),
              status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
              closed_reason TEXT CHECK (closed_reason IN ('paid', 'settled_outside')),
              closed_on TEXT,
              source TEXT NOT NULL DEFAULT 'csv' CHECK (source IN ('csv', 'billing', 'ubl')),
              content_hash INTEGER NOT NULL,
              created_batch_id INTEGER REFERENCES ingest_batch(id),
              updated_batch_id INTEGER REFERENCES ingest_batch(id),
              CHECK ((type = 'invoice' AND amount_minor >= 0 AND open_minor BETWEEN 0 AND amount_minor)
                  OR (type = 'credit_note' AND amount_minor <= 0 AND open_minor BETWEEN amount_minor AND 0)),
              CHECK ((status = 'open') = (closed_reason IS NULL))
            );
            CREATE INDEX invoice_by_debtor ON invoice(debtor_id, status, due_date);
            CREATE INDEX invoice_by_reference ON invoice(structured_reference)
              WHERE structured_reference IS NOT NULL;

            CREATE TABLE payment (
              id INTEGER PRIMARY KEY,
              payment_key TEXT NOT NULL UNIQUE,
              payment_date TEXT NOT NULL,
              currency TEXT NOT NULL,
              amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
              invoice_number TEXT,
              structured_reference TEXT,
              debtor_key TEXT,
              unapplied_minor INTEGER NOT NULL CHECK (unapplied_minor BETWEEN 0 AND amount_minor),
              unapplied_reason TEXT,
              booked INTEGER NOT NULL DEFAULT 0 CHECK (booked IN (0, 1)),
              source TEXT NOT NULL DEFAULT 'csv',
              content_hash INTEGER NOT NULL,
              created_batch_id INTEGER REFERENCES ingest_batch(id),
              updated_batch_id INTEGER REFERENCES ingest_batch(id)
            );
            CREATE INDEX payment_unapplied ON payment(id) WHERE unapplied_minor > 0;

            CREATE TABLE payment_allocation (
              id INTEGER PRIMARY KEY,
              payment_id INTEGER NOT NULL REFERENCES payment(id),
              invoice_id INTEGER NOT NULL REFERENCES invoice(id),
              amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
              rule TEXT NOT NULL CHECK (rule IN ('invoice_number', 'structured_reference', 'rf_reference',
                'invoice_number_in_text', 'unique_open_amount', 'debtor_oldest_first', 'manual')),
              batch_id INTEGER REFERENCES ingest_batch(id)
            );
            CREATE INDEX payment_allocation_by_payment ON payment_allocation(payment_id);
            CREATE INDEX payment_allocation_by_invoice ON payment_allocation(invoice_id);

            CREATE TABLE record_change (
              id INTEGER PRIMARY KEY,
              batch_id INTEGER NOT NULL REFERENCES ingest_batch(id),
              entity TEXT NOT NULL CHECK (entity IN ('debtor', 'invoice', 'payment')),
              entity_key TEXT NOT NULL,
              change TEXT NOT NULL CHECK (change IN ('update', 'close', 'reopen')),
              old_values TEXT NOT NULL,
              new_values TEXT NOT NULL
            );
            CREATE INDEX record_change_by_entity ON record_change(entity, entity_key);
            """)
    }
}

extension Schema {
    /// The open invoices by debtor, with what the reports sum (owner: Store; read by the aging and
    /// worklist reports): a partial index of the ~1M open rows instead of a walk through all 6M, and
    /// covering, so the sums need no look-up in the table.
    static func invoiceOpenV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX invoice_open ON invoice(debtor_id, currency, due_date, type, open_minor, disputed)
            WHERE status = 'open'
            """)
    }
}
