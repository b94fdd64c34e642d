import Foundation

/// Why the store could not be opened, read or written: each case carries the facts (which file,
/// table, row or key, what was expected), and ``description`` says what happened, where, and, when a
/// person can act on it, how to fix it.
package enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The database file could not be created at `path`.
    case cannotCreateDatabase(path: String)
    /// A file beside the database could not be written; `reason` is the system's, when it gave one.
    case cannotWrite(path: String, reason: String?)
    /// An insert-or-find upsert neither inserted its row nor found the existing one by its business key.
    case upsertLost(key: String)
    /// A row written earlier in the same transaction is gone (its id and the query that looked for it).
    case rowVanished(id: Int64, query: String)
    /// A row was inserted but came back without an id (`what` names it: "the forecast run for 2027-03-01").
    case notStored(what: String)
    /// A word that is not one of a column's stored values (`column` names the vocabulary: "outbox state").
    case unknownWord(column: String, word: String)
    /// An outbox idempotency key outside 1 to 500 bytes (its length in bytes).
    case outboxKeyLength(bytes: Int)
    /// An outbox message with no To recipient.
    case noRecipient
    /// A Peppol document queued with an empty idempotency key.
    case emptyPeppolKey
    /// A message body above the 4 GiB the stored format can hold (its size in bytes).
    case bodyTooLarge(bytes: Int)
    /// zlib could not compress a message body (its status, e.g. out of memory).
    case compressionFailed(zlibStatus: Int32)
    /// A stored message body whose first byte is not a format this version writes.
    case unknownBodyFormat
    /// A stored message body compressed with a body dictionary (format 3) read without it.
    case missingBodyDictionary
    /// A reminder's computation stored without its items' figures (formats 3 and 4 of
    /// `DunningComputation`) read without the event's items.
    case missingComputationItems
    /// A reminder event's key stored as its digest (`DunningEventKey`, migration 0039a) read
    /// without the key's text.
    case missingDunningKey
    /// An item's step before its reminder stored as an id into `dunning_step_name` (migration
    /// 0042a) read without the name.
    case missingStepName
    /// A stored message body that cannot be unpacked (zlib's status, when zlib was the one to fail).
    case damagedBody(zlibStatus: Int32?)
    /// A stored value that a write validated and that no longer reads (a damaged or hand-edited database):
    /// the table and column, the row's business key, and what the column holds.
    case unreadableValue(table: String, column: String, key: String, expected: String)
    /// A reference without its parent row, found by the check that stands in for foreign-key
    /// enforcement set aside during a first load (`ForeignKeysSetAside`): the table, the row's rowid,
    /// its column and the parent table it names.
    case danglingReference(table: String, row: Int64, column: String, parent: String)

    package var description: String {
        switch self {
        case .cannotCreateDatabase(let path): "cannot create the database at \(path)"
        case .cannotWrite(let path, let reason): "cannot write \(path)" + (reason.map { ": \($0)" } ?? "")
        case .upsertLost(let key): "\(key) was neither inserted nor found"
        case .rowVanished(let id, let query): "row \(id) vanished during the ingest (\(query))"
        case .notStored(let what): "\(what) was not stored"
        case .unknownWord(let column, let word): "unknown \(column) \"\(word)\""
        case .outboxKeyLength: "an outbox idempotency key has 1 to 500 bytes"
        case .noRecipient: "an outbox message needs at least one To recipient"
        case .emptyPeppolKey: "a Peppol idempotency key cannot be empty"
        case .bodyTooLarge: "a message body is too large to store"
        case .compressionFailed(let status): "cannot compress a message body (zlib status \(status))"
        case .unknownBodyFormat: "a stored message body has an unknown format"
        case .missingBodyDictionary: "a stored message body needs its body dictionary (outbox_body_dictionary), which was not given"
        case .missingComputationItems:
            "a stored reminder computation needs its items (dunning_event_item), which were not given; read it with DunningEventRecord.computationSQL"
        case .missingDunningKey:
            "a reminder event's key is stored as its digest (dunning_event.key_digest); read it with DunningEventRecord.selectSQL or DunningEventKey.sql"
        case .missingStepName:
            "a reminder item's step before it is stored as an id (dunning_event_item.prev_step_id); read it with DunningEventItemRecord.selectSQL or DunningPriorState.stepSQL"
        case .damagedBody(let status): "a stored message body is damaged" + (status.map { " (zlib status \($0))" } ?? "")
        case .unreadableValue(let table, let column, let key, let expected):
            "\(table) \(key): \(column) is not \(expected); the database was changed outside relance: "
                + "correct the row's source file and ingest it again, or restore a backup (`relance db restore`)"
        case .danglingReference(let table, let row, let column, let parent):
            "\(table) row \(row): \(column) names no row of \(parent) (a foreign key); the load was rolled back, nothing of it is "
                + "stored. `PRAGMA foreign_key_check` in the sqlite3 shell lists such rows the database held before (restore a "
                + "backup, `relance db restore`); if it lists none, report this with the files read"
        }
    }
}
