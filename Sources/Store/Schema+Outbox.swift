import GRDB

extension Schema {
    /// The outbox's message queue (owner: Outbox; Dunning and Billing insert queued messages).
    ///
    /// A message's states follow Postfix's queue manager: `queued` (new, never tried), `active`
    /// (leased by one flusher until `lease_until`), `deferred` (a temporary failure; tried again at
    /// `next_attempt_at`), `hold` (parked by an operator), and the final `sent`, `bounced`,
    /// `cancelled`. Recipients, attachments, correlation keys and the state history hang off it.
    static func outboxV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE outbox_message (
              id INTEGER PRIMARY KEY,
              idempotency_key TEXT NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 500),
              origin TEXT NOT NULL CHECK (origin IN ('dunning', 'billing', 'manual')),
              state TEXT NOT NULL DEFAULT 'queued'
                CHECK (state IN ('queued', 'active', 'deferred', 'hold', 'sent', 'bounced', 'cancelled')),
              subject TEXT NOT NULL,
              text_body TEXT NOT NULL,
              html_body TEXT,
              created_at TEXT NOT NULL,
              lifetime_from TEXT NOT NULL,
              next_attempt_at TEXT NOT NULL,
              attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
              message_id_header TEXT UNIQUE,
              lease_owner TEXT,
              lease_until TEXT,
              last_attempt_at TEXT,
              last_error TEXT,
              server_reply TEXT,
              sent_at TEXT,
              bounce_kind TEXT CHECK (bounce_kind IN ('remote', 'expired', 'unbuildable')),
              bounce_reason TEXT,
              cancel_reason TEXT,
              updated_at TEXT NOT NULL,
              CHECK ((state = 'active') = (lease_owner IS NOT NULL AND lease_until IS NOT NULL)),
              CHECK ((state = 'sent') = (sent_at IS NOT NULL)),
              CHECK ((state = 'bounced') = (bounce_kind IS NOT NULL AND bounce_reason IS NOT NULL)),
              CHECK ((state = 'cancelled') = (cancel_reason IS NOT NULL))
            );
            CREATE INDEX outbox_message_due ON outbox_message(state, next_attempt_at, id)
              WHERE state IN ('queued', 'deferred');
            CREATE INDEX outbox_message_active ON outbox_message(id) WHERE state = 'active';

            CREATE TABLE outbox_recipient (
              id INTEGER PRIMARY KEY,
              message_id INTEGER NOT NULL REFERENCES outbox_message(id) ON DELETE CASCADE,
              position INTEGER NOT NULL,
              kind TEXT NOT NULL CHECK (kind IN ('to', 'cc', 'bcc')),
              address TEXT NOT NULL,
              display_name TEXT,
              origin TEXT NOT NULL DEFAULT 'message' CHECK (origin IN ('message', 'config')),
              status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'deferred', 'bounced')),
              reply TEXT,
              updated_at TEXT,
              UNIQUE (message_id, address)
            );

            CREATE TABLE outbox_attachment (
              id INTEGER PRIMARY KEY,
              message_id INTEGER NOT NULL REFERENCES outbox_message(id) ON DELETE CASCADE,
              position INTEGER NOT NULL,
              filename TEXT NOT NULL,
              content_type TEXT NOT NULL,
              content BLOB,
              path TEXT,
              CHECK ((content IS NULL) <> (path IS NULL)),
              UNIQUE (message_id, position)
            );

            CREATE TABLE outbox_reference (
              message_id INTEGER NOT NULL REFERENCES outbox_message(id) ON DELETE CASCADE,
              kind TEXT NOT NULL CHECK (kind IN ('debtor', 'invoice', 'contract')),
              key TEXT NOT NULL,
              PRIMARY KEY (message_id, kind, key)
            ) WITHOUT ROWID;
            CREATE INDEX outbox_reference_by_key ON outbox_reference(kind, key);

            CREATE TABLE outbox_event (
              id INTEGER PRIMARY KEY,
              message_id INTEGER NOT NULL REFERENCES outbox_message(id) ON DELETE CASCADE,
              at TEXT NOT NULL,
              from_state TEXT,
              to_state TEXT NOT NULL,
              actor TEXT NOT NULL,
              detail TEXT
            );
            CREATE INDEX outbox_event_by_message ON outbox_event(message_id, id);
            """)
    }

    /// The bodies of a message compressed together (zlib, see `MessageBodies`): new messages store
    /// `bodies_z` and leave `text_body` empty and `html_body` NULL; rows queued before keep their
    /// plain columns and `bodies_z` NULL, and both are read by `OutboxMessageRecord`.
    /// `bodies_removed_at`: when the retention (`OutboxQueue.removeBodies`) removed the bodies of a
    /// sent message; the index finds the sent messages that still have theirs, oldest first.
    static func outboxCompressedBodiesV1(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE outbox_message ADD COLUMN bodies_z BLOB;
            ALTER TABLE outbox_message ADD COLUMN bodies_removed_at TEXT;
            CREATE INDEX outbox_message_bodies_kept ON outbox_message(sent_at) WHERE state = 'sent' AND bodies_removed_at IS NULL;
            """)
    }

    /// Body dictionaries (issue 17, third round): the text a stage expects its messages' bodies to
    /// repeat (a reminder's step template rendered with the creditor's values and none of a
    /// debtor's), stored once per distinct text, compressed like a body (`text_z`, `MessageBodies`
    /// format 2) and found by its checksum (CRC-32 and Adler-32; the text is compared too). A message
    /// compressed with one (`MessageBodies` format 3) names it in `bodies_dictionary_id`. A dictionary
    /// is never changed or removed: an edited template or company makes a new one.
    static func outboxBodyDictionaryV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE outbox_body_dictionary (
              id INTEGER PRIMARY KEY,
              checksum INTEGER NOT NULL,
              text_z BLOB NOT NULL
            );
            CREATE INDEX outbox_body_dictionary_by_checksum ON outbox_body_dictionary(checksum);
            ALTER TABLE outbox_message ADD COLUMN bodies_dictionary_id INTEGER REFERENCES outbox_body_dictionary(id);
            """)
    }

    /// Event details that many events repeat (issue 17, fourth round): the held reason of a gate
    /// night, copied into each of its messages' `hold` events, and `released by …`. Such an event
    /// leaves `detail` NULL and names the text in `outbox_event_detail` by `detail_id`
    /// (`StoredText`); readers take `COALESCE(detail, the named text)`. Other details stay inline.
    static func outboxEventDetailV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE outbox_event_detail (
              id INTEGER PRIMARY KEY,
              detail TEXT NOT NULL UNIQUE
            );
            ALTER TABLE outbox_event ADD COLUMN detail_id INTEGER REFERENCES outbox_event_detail(id);
            """)
    }

    /// A message's `Message-ID` derived, not stored (issue 17, fourth round, `OutboxMessageID`): the
    /// first lease names the sender's domain in `outbox_message_id_domain` by `message_id_domain_id`
    /// and leaves `message_id_header` NULL; the header is `OutboxMessageID.header` of the
    /// idempotency key and that domain. Rows leased before keep their stored header.
    static func outboxMessageIDDomainV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE outbox_message_id_domain (
              id INTEGER PRIMARY KEY,
              domain TEXT NOT NULL UNIQUE
            );
            ALTER TABLE outbox_message ADD COLUMN message_id_domain_id INTEGER REFERENCES outbox_message_id_domain(id);
            """)
    }

    /// A reminder's message points at its dunning event (issue 17, fifth round): `OutboxQueue.enqueue`
    /// sets `dunning_event_id` and stores no `outbox_reference` rows when the message's references
    /// are exactly the event's debtor key and the numbers of its advanced items
    /// (`dunning_event_item.advanced = 1`), which it checks; they are then read through the event
    /// (`OutboxReferenceSQL`). Rows queued before keep their `outbox_reference` rows, column NULL.
    static func outboxDunningEventV1(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE outbox_message ADD COLUMN dunning_event_id INTEGER REFERENCES dunning_event(id)")
    }

    /// A reminder's message takes its idempotency key from its dunning event too (issue 17, fifth
    /// round): `OutboxQueue.enqueue` stores `CAST(dunning_event_id AS BLOB)` (the event id's digits
    /// as a BLOB, which no text key equals) in `idempotency_key` when the message's key is the
    /// event's; readers take the event's key (`OutboxMessageKeySQL`). The UNIQUE constraint still
    /// holds one message per compact key, and this trigger keeps a key once across the two forms: no
    /// text key equal to an event's key whose message has the compact one, no compact key for an
    /// event whose key a message already has as text, and a compact key only for the row's own event.
    static func outboxMessageKeyOnceV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TRIGGER outbox_message_key_once BEFORE INSERT ON outbox_message
            WHEN CASE WHEN typeof(NEW.idempotency_key) = 'blob'
              THEN NEW.dunning_event_id IS NULL OR NEW.idempotency_key IS NOT CAST(NEW.dunning_event_id AS BLOB)
                OR EXISTS (SELECT 1 FROM dunning_event e JOIN outbox_message m ON m.idempotency_key = e.idempotency_key
                           WHERE e.id = NEW.dunning_event_id)
              ELSE EXISTS (SELECT 1 FROM dunning_event e JOIN outbox_message m ON m.idempotency_key = CAST(e.id AS BLOB)
                           WHERE e.idempotency_key = NEW.idempotency_key) END
            BEGIN SELECT RAISE(ABORT, 'outbox_message: a message with this idempotency key exists'); END
            """)
    }

    /// An outbox event's instant stored once when many events share it (issue 17, sixth round): the
    /// `queued` event of every message a run queues, and a gate night's hold and release events
    /// (`OutboxEventRecord.append(…, shared: true)`). Such an event leaves `at` empty and names the
    /// instant in `outbox_event_instant` by `at_id` (`StoredText`); readers take
    /// `OutboxEventRecord.atSQL`. A flush's events (one instant per message) and events written
    /// before keep `at` inline.
    static func outboxEventInstantV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE outbox_event_instant (
              id INTEGER PRIMARY KEY,
              at TEXT NOT NULL UNIQUE
            );
            ALTER TABLE outbox_event ADD COLUMN at_id INTEGER REFERENCES outbox_event_instant(id);
            """)
    }

    /// A sent message's instant stored once (issue 17, seventh round): when an attempt ends in
    /// `sent`, `OutboxCommands.endLease` keeps it in `sent_at` only and leaves `last_attempt_at` NULL
    /// and `updated_at` empty (both were that instant), `lifetime_from` and `next_attempt_at` empty
    /// when they equal `created_at`, and the `sent` event's `at` empty (`at_id` NULL), and a
    /// recipient accepted in that attempt its `updated_at` NULL. Readers take the SQL of
    /// `OutboxInstantSQL` (the record's decoder does the same); rows written before keep their
    /// instants. This view gives every instant of a message as stored before, for SQL by hand.
    static func outboxSentInstantOnceV1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIEW outbox_message_instant AS SELECT id, created_at,
              CASE WHEN lifetime_from = '' THEN created_at ELSE lifetime_from END AS lifetime_from,
              CASE WHEN next_attempt_at = '' THEN created_at ELSE next_attempt_at END AS next_attempt_at,
              COALESCE(last_attempt_at, sent_at) AS last_attempt_at, sent_at,
              CASE WHEN updated_at = '' THEN sent_at ELSE updated_at END AS updated_at
            FROM outbox_message
            """)
    }
}

extension Schema {
    /// A reminder's subject kept inside its bodies' blob (issue 17, ninth round): `OutboxQueue.enqueue`
    /// stores the subject of a message with a body dictionary in `bodies_z` (`MessageBodies`, bit 1 of
    /// the packed flags) and `outbox_message.subject` as `''`. No table changes: readers take the
    /// record's decoder or the SQL function `message_subject(subject, bodies_z, dictionary)`; the
    /// retention writes the subject back before it removes the blob. Rows written before keep their
    /// subject. The migration's row tells an older version (whose reader refuses such a blob) that
    /// this database is newer.
    static func outboxSubjectInBodiesV1(_ db: Database) throws {}
}
