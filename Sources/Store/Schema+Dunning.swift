import GRDB

extension Schema {
    /// Reminder events and where each invoice stands on its ladder (owner: Dunning); hold, direct
    /// debit and promises to pay, which exclude debtors and invoices from reminders.
    static func dunningV1(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE debtor ADD COLUMN direct_debit INTEGER NOT NULL DEFAULT 0 CHECK (direct_debit IN (0, 1));
            ALTER TABLE invoice ADD COLUMN on_hold INTEGER NOT NULL DEFAULT 0 CHECK (on_hold IN (0, 1));

            CREATE TABLE promise_to_pay (
              id INTEGER PRIMARY KEY,
              debtor_id INTEGER NOT NULL REFERENCES debtor(id),
              until TEXT NOT NULL,
              note TEXT,
              created_at TEXT NOT NULL
            );
            CREATE INDEX promise_by_debtor ON promise_to_pay(debtor_id, until);

            CREATE TABLE dunning_event (
              id INTEGER PRIMARY KEY,
              idempotency_key TEXT NOT NULL UNIQUE,
              debtor_id INTEGER NOT NULL REFERENCES debtor(id),
              as_of TEXT NOT NULL,
              ladder TEXT NOT NULL,
              step TEXT NOT NULL,
              step_index INTEGER NOT NULL,
              channels TEXT NOT NULL,
              language TEXT NOT NULL,
              currency TEXT NOT NULL,
              balance_minor INTEGER NOT NULL,
              interest_minor INTEGER NOT NULL,
              fees_minor INTEGER NOT NULL,
              total_minor INTEGER NOT NULL,
              computation TEXT NOT NULL,
              document_path TEXT,
              status TEXT NOT NULL CHECK (status IN ('queued', 'worklist', 'held', 'cancelled')),
              run_id INTEGER REFERENCES run(id),
              created_at TEXT NOT NULL
            );
            CREATE INDEX dunning_event_by_debtor ON dunning_event(debtor_id, as_of);

            CREATE TABLE dunning_event_item (
              event_id INTEGER NOT NULL REFERENCES dunning_event(id),
              invoice_id INTEGER NOT NULL REFERENCES invoice(id),
              step_index INTEGER,
              advanced INTEGER NOT NULL CHECK (advanced IN (0, 1)),
              open_minor INTEGER NOT NULL,
              days_late INTEGER NOT NULL,
              interest_minor INTEGER NOT NULL,
              fee_minor INTEGER NOT NULL,
              PRIMARY KEY (event_id, invoice_id)
            ) WITHOUT ROWID;
            CREATE INDEX dunning_item_by_invoice ON dunning_event_item(invoice_id);

            CREATE TABLE dunning_state (
              invoice_id INTEGER PRIMARY KEY REFERENCES invoice(id),
              ladder TEXT NOT NULL,
              step_index INTEGER NOT NULL,
              step TEXT NOT NULL,
              last_reminder TEXT NOT NULL,
              first_reminder TEXT,
              first_channel TEXT CHECK (first_channel IN ('email', 'post'))
            );
            """)
    }
}

extension Schema {
    /// What the dunning run needs to link a reminder to its e-mail and undo it when a payment
    /// arrives before the e-mail leaves (owner: Dunning; `ReminderGuard` in Store cancels).
    static func dunningRunV1(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE dunning_event ADD COLUMN outbox_message_id INTEGER REFERENCES outbox_message(id);
            ALTER TABLE dunning_event ADD COLUMN structured_reference TEXT;
            ALTER TABLE dunning_event ADD COLUMN seen_batch_id INTEGER;
            ALTER TABLE dunning_event ADD COLUMN cancel_reason TEXT;
            ALTER TABLE dunning_event_item ADD COLUMN prev_step_index INTEGER;
            ALTER TABLE dunning_event_item ADD COLUMN prev_step TEXT;
            ALTER TABLE dunning_event_item ADD COLUMN prev_last_reminder TEXT;
            ALTER TABLE dunning_event_item ADD COLUMN prev_first_reminder TEXT;
            ALTER TABLE dunning_event_item ADD COLUMN prev_first_channel TEXT;
            CREATE INDEX dunning_event_by_status ON dunning_event(status) WHERE status = 'queued';
            CREATE INDEX dunning_event_by_reference ON dunning_event(structured_reference) WHERE structured_reference IS NOT NULL;
            """)
    }
}

extension Schema {
    /// Finds a debtor's unapplied payments by its key: `ReminderGuard` asks it for every queued
    /// reminder at each ingest and flush.
    static func unappliedByDebtorV1(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX payment_unapplied_by_debtor ON payment(debtor_key) WHERE unapplied_minor > 0")
    }
}

extension Schema {
    /// What each night's dunning run left out, by reason (owner: Dunning's `ExclusionTally`): one
    /// set of rows per as-of day, replaced by a rerun, read by the dunning report. `level` says
    /// whether whole debtors (`debtor`) or single invoices of reminded debtors (`invoice`) were
    /// left out; counts and amounts are of overdue open invoices only.
    static func dunningExclusionV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE dunning_exclusion (
              as_of TEXT NOT NULL,
              reason TEXT NOT NULL,
              level TEXT NOT NULL CHECK (level IN ('debtor', 'invoice')),
              currency TEXT NOT NULL,
              debtors INTEGER NOT NULL,
              items INTEGER NOT NULL,
              amount_minor INTEGER NOT NULL,
              PRIMARY KEY (as_of, reason, level, currency)
            ) WITHOUT ROWID
            """)
    }

    /// What a message demanded (the overdue items less credits and unapplied payments: the
    /// statement may list more) and by when, and why a held message waits (owner: Dunning).
    static func dunningDemandV1(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE dunning_event ADD COLUMN demanded_minor INTEGER;
            ALTER TABLE dunning_event ADD COLUMN pay_by TEXT;
            ALTER TABLE dunning_event ADD COLUMN held_reason TEXT;
            CREATE INDEX dunning_event_held ON dunning_event(as_of) WHERE status = 'held';
            -- The planner's "last message per debtor" reads only this index (no table look-ups).
            CREATE INDEX dunning_event_last_message ON dunning_event(debtor_id, as_of)
              WHERE status IN ('queued', 'held') OR (status = 'cancelled' AND document_path IS NOT NULL);
            """)
    }
}

extension Schema {
    /// The computation JSON of a reminder stored compressed (`DunningComputation`): new events keep
    /// `computation` empty and hold `computation_z`; events written before keep their plain JSON.
    static func dunningComputationCompressedV1(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE dunning_event ADD COLUMN computation_z BLOB")
    }

    /// Reminders' computations written from now on may leave their items' invoice numbers, open
    /// amounts and days late to `dunning_event_item` (`DunningComputation` formats 3 and 4): no
    /// table changes; the migration's name tells an older version (a restore) that it cannot read them.
    static func dunningComputationItemsV1(_ db: Database) throws {}
}

extension Schema {
    /// A gate night's held reason stored once (issue 17, fourth round): `DunningHolds.hold` leaves
    /// `dunning_event.held_reason` NULL and names the reason in `dunning_held_reason` by
    /// `held_reason_id` (`StoredText`); readers take `DunningEventRecord.heldReasonSQL`. Rows held
    /// before keep their own `held_reason`.
    static func dunningHeldReasonV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE dunning_held_reason (
              id INTEGER PRIMARY KEY,
              reason TEXT NOT NULL UNIQUE
            );
            ALTER TABLE dunning_event ADD COLUMN held_reason_id INTEGER REFERENCES dunning_held_reason(id);
            """)
    }
}

extension Schema {
    /// A reminder's creation instant and its letter's folder stored once (issue 17, sixth round):
    /// all the events of a night share both. `DunningCommands.insertEvent` names the instant in
    /// `dunning_event_instant` by `created_at_id` and leaves `created_at` empty, and keeps in
    /// `document_path` only the letter's file name, naming the folder (the path up to its last `/`)
    /// in `dunning_letter_folder` by `document_folder_id` (`StoredText`). Readers take
    /// `DunningEventRecord.createdAtSQL` and `documentPathSQL`, which give the text as stored before;
    /// rows written before keep theirs, both ids NULL.
    static func dunningEventStoredOnceV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE dunning_event_instant (
              id INTEGER PRIMARY KEY,
              at TEXT NOT NULL UNIQUE
            );
            CREATE TABLE dunning_letter_folder (
              id INTEGER PRIMARY KEY,
              folder TEXT NOT NULL UNIQUE
            );
            ALTER TABLE dunning_event ADD COLUMN created_at_id INTEGER REFERENCES dunning_event_instant(id);
            ALTER TABLE dunning_event ADD COLUMN document_folder_id INTEGER REFERENCES dunning_letter_folder(id);
            """)
    }
}

extension Schema {
    /// Issue 17, tenth round: an item's last and first reminder days and first channel before its
    /// reminder, packed in one integer (`DunningPriorState`) instead of three text columns, which a
    /// new row leaves NULL when the state fits. Rows already stored are left as they are and read
    /// as stored: no table rebuild, no rewrite.
    static func dunningItemPriorStateV1(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE dunning_event_item ADD COLUMN prev_state INTEGER")
    }
}

extension Schema {
    /// Issue 17, eleventh round: an item's step before its reminder stored as a small integer, an
    /// id into `dunning_step_name` (each name written once), instead of the name's text, which a new
    /// row leaves NULL in `prev_step`. Rows already stored are left as they are and read as stored:
    /// no table rebuild, no rewrite. Names are never deleted, so a stored id reads back the same
    /// name forever, whatever the ladders become.
    static func dunningItemPriorStepNameV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE dunning_step_name (
              id INTEGER PRIMARY KEY,
              name TEXT NOT NULL UNIQUE
            );
            ALTER TABLE dunning_event_item ADD COLUMN prev_step_id INTEGER REFERENCES dunning_step_name(id);
            """)
    }
}
