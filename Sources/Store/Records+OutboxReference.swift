import GRDB

/// A message's references however they are stored (migration 0031a): rows of `outbox_reference`,
/// or, for a reminder's message that names its event in `outbox_message.dunning_event_id`, read
/// through the event: the debtor's key (`debtor`) and the numbers of the event's advanced items
/// (`invoice`), which `OutboxQueue.enqueue` checked were the message's references.
package enum OutboxReferenceSQL {
    /// The references read through dunning event `?1` as (`kind`, `key`) rows.
    static let ofEvent = """
        SELECT 'debtor' AS kind, d.debtor_key AS key FROM dunning_event e JOIN debtor d ON d.id = e.debtor_id WHERE e.id = ?1
        UNION ALL SELECT 'invoice', i.invoice_number FROM dunning_event_item it JOIN invoice i ON i.id = it.invoice_id
        WHERE it.event_id = ?1 AND it.advanced = 1
        """

    /// Every reference as (`message_id`, `kind`, `key`) rows, stored and read through events, for
    /// the messages `messages` selects (an SQL condition on `outbox_message m`, e.g. `m.id = ?`):
    /// when `ordered`, by kind, key and message, the order in which `SELECT *` read the stored rows
    /// (through the covering index `outbox_reference_by_key`), so the export's file stays the same.
    package static func all(messages: String = "1", ordered: Bool = true) -> String {
        """
        SELECT message_id, kind, key FROM (
          SELECT r.message_id, r.kind, r.key FROM outbox_reference r JOIN outbox_message m ON m.id = r.message_id WHERE \(messages)
          UNION ALL SELECT m.id, 'debtor', d.debtor_key FROM outbox_message m JOIN dunning_event e ON e.id = m.dunning_event_id
            JOIN debtor d ON d.id = e.debtor_id WHERE \(messages)
          UNION ALL SELECT m.id, 'invoice', i.invoice_number FROM outbox_message m
            JOIN dunning_event_item it ON it.event_id = m.dunning_event_id AND it.advanced = 1
            JOIN invoice i ON i.id = it.invoice_id WHERE \(messages)
        )\(ordered ? " ORDER BY kind, key, message_id" : "")
        """
    }

    /// The ids of the messages concerning (`kind` `?1`, `key` `?2`), stored or read through their
    /// event, with `extra` added to the condition on `outbox_message m`; each id once, in order.
    /// Finds a reminder's message from the key through the event's indexes (debtor, item by
    /// invoice) and `dunning_event.outbox_message_id`.
    package static func messages(concerning extra: String = "1") -> String {
        """
        SELECT m.id FROM outbox_reference r JOIN outbox_message m ON m.id = r.message_id
          WHERE r.kind = ?1 AND r.key = ?2 AND \(extra)
        UNION SELECT m.id FROM debtor d JOIN dunning_event e ON e.debtor_id = d.id
          JOIN outbox_message m ON m.id = e.outbox_message_id AND m.dunning_event_id = e.id
          WHERE ?1 = 'debtor' AND d.debtor_key = ?2 AND \(extra)
        UNION SELECT m.id FROM invoice i JOIN dunning_event_item it ON it.invoice_id = i.id AND it.advanced = 1
          JOIN dunning_event e ON e.id = it.event_id
          JOIN outbox_message m ON m.id = e.outbox_message_id AND m.dunning_event_id = e.id
          WHERE ?1 = 'invoice' AND i.invoice_number = ?2 AND \(extra)
        ORDER BY 1
        """
    }

    /// The key of dunning event `?` as text (built once: `cachedStatement` hashes the SQL each call).
    static let eventKey = "SELECT \(DunningEventKey.sql()) FROM dunning_event WHERE id = ?"

    /// Whether dunning event `event`'s key is `key` and its references are exactly `references` (as
    /// a set): then a message for it can leave both to be read through the event.
    static func eventHolds(_ db: Database, event: Int64, key: String, references: [OutboxReference]) throws -> Bool {
        guard try String.fetchOne(db.cachedStatement(sql: eventKey), arguments: [event]) == key else { return false }
        var derived = Set<String>()
        for row in try Row.fetchAll(db.cachedStatement(sql: ofEvent), arguments: [event]) {
            derived.insert((row[0] as String) + "\u{0}" + (row[1] as String))
        }
        let given = Set(references.map { $0.columns.kind.rawValue + "\u{0}" + $0.columns.key })
        return !given.isEmpty && given == derived
    }
}

/// An attachment's path however it is stored: a reminder's message that names its dunning event
/// (`outbox_message.dunning_event_id`) stores its letter's path, which is the event's
/// `document_path`, as `''` (an empty path names no file) and readers take the event's; any other
/// `''` reads as stored.
package enum OutboxAttachmentSQL {
    /// The path of the `outbox_attachment` row `table` (a name or alias); NULL when stored inline.
    package static func path(_ table: String = "outbox_attachment") -> String {
        """
        CASE WHEN \(table).path = '' THEN COALESCE((SELECT \(DunningEventRecord.documentPathSQL("e")) FROM outbox_message m
          JOIN dunning_event e ON e.id = m.dunning_event_id WHERE m.id = \(table).message_id), '') ELSE \(table).path END
        """
    }
}

/// A message's idempotency key however it is stored (migration 0031b): the text, or for a
/// reminder's message naming its dunning event (`dunning_event_id`) the event's key (however the
/// event stores it, `DunningEventKey`), the column holding only `CAST(dunning_event_id AS BLOB)`.
package enum OutboxMessageKeySQL {
    /// The key of the `outbox_message` row `table` (a name or alias) as text.
    package static func key(_ table: String = "outbox_message") -> String {
        """
        CASE WHEN \(table).dunning_event_id IS NULL THEN \(table).idempotency_key
        ELSE (SELECT \(DunningEventKey.sql("e")) FROM dunning_event e WHERE e.id = \(table).dunning_event_id) END
        """
    }

    /// The id of the message with key `?1`, in either form, and for a reminder's message the event's key in either
    /// form (no `IN (…)` list: SQLite would build it into a temporary table on every call). The events come from
    /// `DunningEventKey.idsSQL`, a `UNION ALL` that SQLite flattens into this one: the program is the same as
    /// with the join written out in each of its parts (`OutboxKeyPlanTests`).
    package static let messageWithKey = """
        SELECT id FROM outbox_message WHERE idempotency_key = ?1
        UNION ALL SELECT m.id FROM (\(DunningEventKey.idsSQL(key: "?1"))) e JOIN outbox_message m ON m.idempotency_key = CAST(e.id AS BLOB)
        LIMIT 1
        """
}
