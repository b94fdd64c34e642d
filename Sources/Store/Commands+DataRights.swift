import Foundation
import GRDB
import Ledger

/// What a `data_rights_log` row records (the table's CHECK lists the same three words).
package enum DataRightsAction: String, DatabaseValueConvertible, Codable, Sendable {
    /// `relance debtor erase`: `subject` is the debtor key.
    case erase
    /// `relance db export`: `subject` is the archive's file name.
    case export
    /// `relance db restore`: `subject` is the backup's file name.
    case restore
}

/// One row of `data_rights_log` (without its id).
package struct DataRightsLogEntry: FetchableRecord, Sendable {
    /// Instant text.
    package var at: String
    /// Who (`user@host`).
    package var actor: String
    /// What.
    package var action: DataRightsAction
    /// The debtor key or file name.
    package var subject: String?
    /// Counts and file names as JSON, never the erased values.
    package var detail: String

    /// Decodes `at, actor, action, subject, detail`.
    package init(row: Row) throws {
        at = row[0]
        actor = row[1]
        action = row[2]
        subject = row[3]
        detail = row[4]
    }

    /// What identifies an entry across two copies of the database: instant, action, subject.
    var identity: String { "\(at)|\(action.rawValue)|\(subject ?? "")" }
}

/// One row of `data_rights_log`, every column (`DataRightsLogEntry` is the same without its id).
package struct DataRightsLogRecord: Codable, FetchableRecord, PersistableRecord, Sendable, Equatable {
    /// The table.
    package static let databaseTableName = "data_rights_log"
    /// Row id (nil before insert).
    package var id: Int64?
    /// Instant text.
    package var at: String
    /// Who (`user@host`).
    package var actor: String
    /// Erase, export or restore.
    package var action: DataRightsAction
    /// The debtor key or file name.
    package var subject: String?
    /// Counts and file names as JSON, never the erased values.
    package var detail: String

    /// Every column.
    package init(id: Int64?, at: String, actor: String, action: DataRightsAction, subject: String?, detail: String) {
        self.id = id
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}

/// The data-rights commands (backups, restore, export, erasure): `data_rights_log`, which
/// Reports' `DataRights` owns, and the few reads of the database as a whole they need.
package enum DataRightsCommands {
    /// Appends to `data_rights_log`; `detail` becomes a JSON object (nil values as `null`).
    package static func appendLog(_ db: Database, at instant: Date, actor: String, action: DataRightsAction, subject: String?,
                                  detail: [String: String?]) throws {
        try db.execute(sql: "INSERT INTO data_rights_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [Instant.string(instant), actor, action, subject, JSONWriter.object(sortedKeys: detail)])
    }

    /// The whole log in its order; empty when the database predates the table.
    package static func log(_ db: Database) throws -> [DataRightsLogEntry] {
        guard try db.tableExists("data_rights_log") else { return [] }
        return try DataRightsLogEntry.fetchAll(db, sql: "SELECT at, actor, action, subject, detail FROM data_rights_log ORDER BY id")
    }

    /// The debtor keys the log records an erasure of.
    package static func erasedDebtorKeys(_ db: Database) throws -> Set<String> {
        Set(try String.fetchAll(db, sql: "SELECT subject FROM data_rights_log WHERE action = ? AND subject IS NOT NULL",
                                arguments: [DataRightsAction.erase]))
    }

    /// Appends, in their order, the `entries` this database's log does not hold (same instant,
    /// action and subject): a restore keeps the history of the database it replaced.
    package static func mergeLog(_ db: Database, _ entries: [DataRightsLogEntry]) throws {
        let kept = Set(try DataRightsLogEntry.fetchAll(db, sql: "SELECT at, actor, action, subject, detail FROM data_rights_log")
            .map(\.identity))
        for e in entries where !kept.contains(e.identity) {
            try db.execute(sql: "INSERT INTO data_rights_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
                           arguments: [e.at, e.actor, e.action, e.subject, e.detail])
        }
    }

    /// The name of the debtor with key `key`, if there is one.
    package static func debtorName(_ db: Database, key: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT name FROM debtor WHERE debtor_key = ?", arguments: [key])
    }

    /// The migrations applied to this database (GRDB's `grdb_migrations`), as stored.
    package static func appliedMigrations(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
    }

    /// Every table of the database but SQLite's own, by name.
    package static func tableNames(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
            """)
    }

    /// The rows of `table` as stored, in its columns' order (`db.columns(in:)`); streamed.
    package static func tableRows(_ db: Database, _ table: String) throws -> MapCursor<RowCursor, [DatabaseValue]> {
        let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        // A reminder's references (migration 0031a), key (0031b) and letter's path read through its event, and an
        // event's creation instant and letter's path, and an outbox event's instant stored once (0032a, 0032b), and a sent
        // message's instants (0033a), and an event's key stored as its digest (0039a), and a reminder's subject kept in
        // its bodies' blob (0040a), and an item's days and channel before packed in one integer (0041a), and its step before
        // stored as an id into dunning_step_name (0042a): as if stored.
        let derived = [
            "outbox_message": ["idempotency_key": OutboxMessageKeySQL.key(), "subject": MessageBodies.subjectSQL(),
                               "lifetime_from": OutboxInstantSQL.lifetimeFrom(),
                               "next_attempt_at": OutboxInstantSQL.nextAttemptAt(), "last_attempt_at": OutboxInstantSQL.lastAttemptAt(),
                               "updated_at": OutboxInstantSQL.updatedAt()],
            "outbox_recipient": ["updated_at": OutboxInstantSQL.recipientUpdatedAt()],
            "outbox_attachment": ["path": OutboxAttachmentSQL.path()],
            "dunning_event": ["idempotency_key": DunningEventKey.sql(), "created_at": DunningEventRecord.createdAtSQL(),
                              "document_path": DunningEventRecord.documentPathSQL()],
            "outbox_event": ["at": OutboxEventRecord.atSQL()],
            "dunning_event_item": ["prev_step": DunningPriorState.stepSQL(), "prev_last_reminder": DunningPriorState.lastSQL(),
                                   "prev_first_reminder": DunningPriorState.firstSQL(), "prev_first_channel": DunningPriorState.channelSQL()],
        ]
        let sql = if table == "outbox_reference" {
            OutboxReferenceSQL.all()
        } else if let expressions = derived[table] {
            "SELECT " + (try db.columns(in: table).map { column in expressions[column.name].map { $0 + " AS \(column.name)" } ?? "\"\(column.name)\"" }
                .joined(separator: ", ")) + " FROM \(table)"
        } else {
            "SELECT * FROM \(quoted)"
        }
        return try Row.fetchCursor(db, sql: sql).map { Array($0.databaseValues) }
    }

    /// How many rows `table` holds.
    package static func rowCount(_ db: Database, _ table: String) throws -> Int {
        let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(quoted)") ?? 0
    }

    /// Sets SQLite's `secure_delete` for this connection (0 off, 1 on: deleted content is
    /// overwritten, 2 fast) and returns the setting it replaced, so the caller can put it back: a
    /// build whose default is on (Debian's) must stay on after an erasure.
    @discardableResult
    package static func setSecureDelete(_ db: Database, _ mode: Int) throws -> Int {
        let was = try Int.fetchOne(db, sql: "PRAGMA secure_delete") ?? 0
        try db.execute(sql: "PRAGMA secure_delete = \(mode)")
        return was
    }

    /// Checkpoints the WAL into the database and truncates it, so no old page survives there.
    package static func checkpointTruncate(_ db: Database) throws {
        _ = try Row.fetchAll(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    }
}
