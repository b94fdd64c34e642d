import GRDB

extension Schema {
    /// The credit controller's controls (owner: Ingest's `Controls`, called by the `relance debtor`,
    /// `invoice`, `promise`, `note` and `payments` commands; `ingest reminders`).
    ///
    /// - `action_journal`: append-only (triggers refuse DELETE, and every UPDATE but blanking the
    ///   details for a debtor's erasure): who (the OS user), when, what, on which debtor, invoice or
    ///   payment, with the details as JSON.
    /// - `debtor_note`: notes typed by a person.
    /// - `external_reminder`: reminders sent outside Relance, one per invoice, day and step.
    /// - holds with a reason and an optional end day; disputes with a reason; promises with an
    ///   amount, their invoices, the day the ladder resumes (`pause_until`: date + grace days in force
    ///   when it was made) and a status (open, kept, broken).
    /// - `payment_allocation.seen_batch_id`: the last ingest batch when a person allocated by hand, so
    ///   the open-amount rule knows whether a later export reflects the allocation (manual allocations
    ///   have no `batch_id`, and counted nowhere before this: issue 14).
    /// - `payment.manual_only`: a person unallocated the payment; automatic matching leaves it alone.
    static func controlsV1(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE payment_allocation ADD COLUMN seen_batch_id INTEGER REFERENCES ingest_batch(id);
            UPDATE payment_allocation SET seen_batch_id = (SELECT MAX(id) FROM ingest_batch) WHERE batch_id IS NULL;
            ALTER TABLE payment ADD COLUMN manual_only INTEGER NOT NULL DEFAULT 0 CHECK (manual_only IN (0, 1));
            ALTER TABLE debtor ADD COLUMN hold_reason TEXT;
            ALTER TABLE debtor ADD COLUMN hold_until TEXT;
            ALTER TABLE invoice ADD COLUMN dispute_reason TEXT;
            ALTER TABLE promise_to_pay ADD COLUMN amount_minor INTEGER CHECK (amount_minor > 0);
            ALTER TABLE promise_to_pay ADD COLUMN currency TEXT;
            ALTER TABLE promise_to_pay ADD COLUMN invoices TEXT;
            ALTER TABLE promise_to_pay ADD COLUMN made_on TEXT;
            ALTER TABLE promise_to_pay ADD COLUMN made_by TEXT;
            ALTER TABLE promise_to_pay ADD COLUMN pause_until TEXT;
            ALTER TABLE promise_to_pay ADD COLUMN source TEXT NOT NULL DEFAULT 'command' CHECK (source IN ('command', 'export'));
            ALTER TABLE promise_to_pay ADD COLUMN status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'broken'));
            ALTER TABLE promise_to_pay ADD COLUMN status_on TEXT;
            UPDATE promise_to_pay SET pause_until = until;
            CREATE INDEX promise_open ON promise_to_pay(debtor_id) WHERE status = 'open';

            CREATE TABLE action_journal (
              id INTEGER PRIMARY KEY,
              at TEXT NOT NULL,
              who TEXT NOT NULL,
              action TEXT NOT NULL,
              debtor_id INTEGER REFERENCES debtor(id),
              invoice_id INTEGER REFERENCES invoice(id),
              payment_id INTEGER REFERENCES payment(id),
              detail TEXT NOT NULL DEFAULT '{}'
            );
            CREATE INDEX action_journal_by_debtor ON action_journal(debtor_id, id);
            CREATE TRIGGER action_journal_no_update BEFORE UPDATE ON action_journal
              WHEN NOT (NEW.detail = '{}' AND NEW.at IS OLD.at AND NEW.who IS OLD.who AND NEW.action IS OLD.action
                AND NEW.debtor_id IS OLD.debtor_id AND NEW.invoice_id IS OLD.invoice_id AND NEW.payment_id IS OLD.payment_id)
              BEGIN SELECT RAISE(ABORT, 'action_journal is append-only'); END;
            CREATE TRIGGER action_journal_no_delete BEFORE DELETE ON action_journal
              BEGIN SELECT RAISE(ABORT, 'action_journal is append-only'); END;

            CREATE TABLE debtor_note (
              id INTEGER PRIMARY KEY,
              debtor_id INTEGER NOT NULL REFERENCES debtor(id),
              at TEXT NOT NULL,
              who TEXT NOT NULL,
              text TEXT NOT NULL
            );
            CREATE INDEX debtor_note_by_debtor ON debtor_note(debtor_id, id);

            CREATE TABLE external_reminder (
              id INTEGER PRIMARY KEY,
              invoice_id INTEGER NOT NULL REFERENCES invoice(id),
              day TEXT NOT NULL,
              step_index INTEGER NOT NULL,
              step TEXT NOT NULL,
              channel TEXT,
              file_name TEXT NOT NULL,
              line INTEGER NOT NULL,
              at TEXT NOT NULL,
              UNIQUE (invoice_id, day, step_index)
            );
            """)
    }
}
