import GRDB

extension Schema {
    /// The statuses a `dunning_event` row may have.
    package static let dunningEventStatuses = ["queued", "worklist", "held", "cancelled"]

    /// A reminder event's idempotency key stored as its digest (issue 17, eighth round;
    /// `DunningEventKey`): `dunning:<as_of>:<debtor key>:<step>:<digest>` repeated the row's own day,
    /// step and debtor (≈ 55 B, and as much again in the UNIQUE index). Rebuilds `dunning_event`
    /// (SQLite cannot drop a UNIQUE constraint) with the same columns, rows and ids, and `key_digest`:
    /// every key that reads back byte for byte from the row and its debtor moves there,
    /// `idempotency_key` NULL; any other stays text. A key is held once by the partial UNIQUE index
    /// `dunning_event_by_key` (text) and by `dunning_event_by_debtor`, now UNIQUE on
    /// `(debtor_id, as_of, step, key_digest)` (a prefix still serves its old readers). The status
    /// check is written with `OR` instead of `IN (…)`, which SQLite builds into a temporary B-tree for
    /// every row inserted. The trigger `outbox_message_key_once` reads the key in either form.
    /// Registered with deferred foreign keys (a rebuild), and checks the table it rebuilt.
    static func dunningEventKeyDigestV1(_ db: Database) throws {
        let digest = DatabaseFunction("relance_migration_dunning_key_digest", argumentCount: 4, pure: true) { values in
            guard let key = String.fromDatabaseValue(values[0]), let asOf = String.fromDatabaseValue(values[1]),
                  let debtorKey = String.fromDatabaseValue(values[2]), let step = String.fromDatabaseValue(values[3]) else { return nil }
            return DunningEventKey.digest(key: key, asOf: asOf, debtorKey: debtorKey, step: step)
        }
        db.add(function: digest)
        defer { db.remove(function: digest) }
        let statuses = dunningEventStatuses.map { "status = '\($0)'" }.joined(separator: " OR ")
        // Every column as before, in the same order; `key_digest` last.
        let columns = """
            id, idempotency_key, debtor_id, as_of, ladder, step, step_index, channels, language, currency, balance_minor,
            interest_minor, fees_minor, total_minor, computation, document_path, status, run_id, created_at, outbox_message_id,
            structured_reference, seen_batch_id, cancel_reason, demanded_minor, pay_by, held_reason, computation_z, held_reason_id,
            created_at_id, document_folder_id
            """
        let copied = columns.replacingOccurrences(of: "idempotency_key,", with: "CASE WHEN g IS NULL THEN idempotency_key END,")
        try db.execute(sql: """
            DROP TRIGGER outbox_message_key_once;
            CREATE TABLE dunning_event_new (
              id INTEGER PRIMARY KEY,
              idempotency_key TEXT,
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
              status TEXT NOT NULL CHECK (\(statuses)),
              run_id INTEGER REFERENCES run(id),
              created_at TEXT NOT NULL,
              outbox_message_id INTEGER REFERENCES outbox_message(id),
              structured_reference TEXT,
              seen_batch_id INTEGER,
              cancel_reason TEXT,
              demanded_minor INTEGER,
              pay_by TEXT,
              held_reason TEXT,
              computation_z BLOB,
              held_reason_id INTEGER REFERENCES dunning_held_reason(id),
              created_at_id INTEGER REFERENCES dunning_event_instant(id),
              document_folder_id INTEGER REFERENCES dunning_letter_folder(id),
              key_digest INTEGER,
              CHECK ((idempotency_key IS NULL) <> (key_digest IS NULL)),
              CHECK (idempotency_key IS NULL OR length(idempotency_key) > 0)
            );
            INSERT INTO dunning_event_new (\(columns), key_digest)
              SELECT \(copied), g FROM (
                SELECT e.*, relance_migration_dunning_key_digest(e.idempotency_key, e.as_of, d.debtor_key, e.step) AS g
                FROM dunning_event e LEFT JOIN debtor d ON d.id = e.debtor_id)
              ORDER BY id;
            DROP TABLE dunning_event;
            ALTER TABLE dunning_event_new RENAME TO dunning_event;
            CREATE UNIQUE INDEX dunning_event_by_key ON dunning_event(idempotency_key) WHERE idempotency_key IS NOT NULL;
            CREATE UNIQUE INDEX dunning_event_by_debtor ON dunning_event(debtor_id, as_of, step, key_digest);
            CREATE INDEX dunning_event_by_status ON dunning_event(status) WHERE status = 'queued';
            CREATE INDEX dunning_event_by_reference ON dunning_event(structured_reference) WHERE structured_reference IS NOT NULL;
            CREATE INDEX dunning_event_held ON dunning_event(as_of) WHERE status = 'held';
            -- The planner's "last message per debtor" reads only this index (no table look-ups).
            CREATE INDEX dunning_event_last_message ON dunning_event(debtor_id, as_of)
              WHERE status IN ('queued', 'held') OR (status = 'cancelled' AND document_path IS NOT NULL);
            CREATE INDEX dunning_event_by_day ON dunning_event(as_of, status);
            """)
        try db.execute(sql: outboxMessageKeyOnceTrigger)
        try db.checkForeignKeys(in: "dunning_event")
    }

    /// `outbox_message_key_once` (migration 0031b) with the event's key read in either form (0039a).
    static let outboxMessageKeyOnceTrigger = """
        CREATE TRIGGER outbox_message_key_once BEFORE INSERT ON outbox_message
        WHEN CASE WHEN typeof(NEW.idempotency_key) = 'blob'
          THEN NEW.dunning_event_id IS NULL OR NEW.idempotency_key IS NOT CAST(NEW.dunning_event_id AS BLOB)
            OR EXISTS (SELECT 1 FROM dunning_event e JOIN outbox_message m ON m.idempotency_key = \(DunningEventKey.sql("e"))
                       WHERE e.id = NEW.dunning_event_id)
          ELSE EXISTS (SELECT 1 FROM dunning_event e JOIN outbox_message m ON m.idempotency_key = CAST(e.id AS BLOB)
                       WHERE e.id IN (\(DunningEventKey.idsSQL(key: "NEW.idempotency_key")))) END
        BEGIN SELECT RAISE(ABORT, 'outbox_message: a message with this idempotency key exists'); END
        """
}
