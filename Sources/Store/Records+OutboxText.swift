import GRDB

/// Texts that many rows repeat word for word, stored once (issue 17, fourth round): a gate night's
/// held reason (`dunning_held_reason`, migration 0030a) and the details of the outbox events that
/// copy it (`outbox_event_detail`, 0030b). Each such table is `(id INTEGER PRIMARY KEY, <column>
/// TEXT NOT NULL UNIQUE)`; a row names its text by id, and a text is never changed or removed.
package enum StoredText {
    /// The id of `text` in `table`'s `column`, inserted when no row holds it yet.
    /// - Throws: a database error.
    package static func id(_ db: Database, table: String, column: String, _ text: String) throws -> Int64 {
        if let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM \(table) WHERE \(column) = ?"), arguments: [text]) {
            return id
        }
        try db.cachedStatement(sql: "INSERT INTO \(table) (\(column)) VALUES (?)").execute(arguments: [text])
        return db.lastInsertedRowID
    }

    /// Every text of `table`'s `column`, by id (a workspace holds a few: one per gate night).
    /// - Throws: a database error.
    package static func all(_ db: Database, table: String, column: String) throws -> [Int64: String] {
        var out: [Int64: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, \(column) FROM \(table)") { out[row[0]] = row[1] }
        return out
    }
}

/// One row of `outbox_event_detail` (migration 0030b): an event detail that many events repeat
/// (a gate night's held reason, `released by …`), named by `outbox_event.detail_id`.
package struct OutboxEventDetailRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "outbox_event_detail"
    package var id: Int64
    package var detail: String
}

/// One row of `outbox_event_instant` (migration 0032b): an instant many outbox events share (a run's
/// queued events, a gate night's hold and release), named by `outbox_event.at_id`.
package struct OutboxEventInstantRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "outbox_event_instant"
    package var id: Int64
    package var at: String
}
