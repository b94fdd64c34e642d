import Foundation
import GRDB
import Ledger

/// The writes of the dunning run (owner of the tables: Dunning), each in the caller's
/// transaction; the per-reminder statements are prepared once per connection (`cachedStatement`).
package enum DunningCommands {
    /// Inserts a reminder event unless one with its idempotency key exists; returns the new row's
    /// id, or nil when the event was already written (a rerun). The computation is stored
    /// compressed (`computation_z`, see `DunningComputation`), `computation` left empty. The creation
    /// instant and the letter's folder, which a night's events share, are stored once (migration
    /// 0032a): `created_at` left empty and named by `created_at_id`, `document_path` holding the
    /// file name and its folder (the path up to its last `/`) named by `document_folder_id`. With
    /// `items`, those the caller inserts next (``insertItem(_:_:)``), the computation leaves their
    /// invoice numbers, open amounts and days late out (migration 0037a, `DunningComputation` formats 3 and 4).
    /// A key of Dunning's shape is stored as its digest, `idempotency_key` NULL (migration 0039a,
    /// `DunningEventKey`); a rerun finds the key in either form.
    ///
    /// With `facts`, the computation's figures, the stored computation is written from them and
    /// `e.computation` is not read (the run leaves it empty): `DunningComputation.compress(_:items:header:)`
    /// of the facts gives the blob of their JSON without writing the JSON or reading it back (issue 17,
    /// twelfth round).
    package static func insertEvent(_ db: Database, _ e: DunningEventRecord, items: [DunningComputation.Item] = [],
                                    facts: DunningComputation.Facts? = nil) throws -> Int64? {
        // The key as its digest when it has Dunning's shape (migration 0039a, `DunningEventKey`).
        let asOf = e.asOf.description
        let debtorKey = try String.fetchOne(db.cachedStatement(sql: "SELECT debtor_key FROM debtor WHERE id = ?"), arguments: [e.debtorID])
        let digest = debtorKey.flatMap { DunningEventKey.digest(key: e.idempotencyKey, asOf: asOf, debtorKey: $0, step: e.step) }
        // A rerun inserts nothing, not even an instant of its own: the key in either form.
        if try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT 1 FROM dunning_event WHERE idempotency_key = ?1
            UNION ALL SELECT 1 FROM dunning_event WHERE debtor_id = ?2 AND as_of = ?3 AND step = ?4 AND key_digest = ?5
            """), arguments: [e.idempotencyKey, e.debtorID, asOf, e.step, digest]) == true { return nil }
        let createdAtID = try StoredText.id(db, table: "dunning_event_instant", column: "at", e.createdAt)
        var documentPath = e.documentPath
        var folderID: Int64?
        if let path = e.documentPath, let slash = path.lastIndex(of: "/") {
            folderID = try StoredText.id(db, table: "dunning_letter_folder", column: "folder", String(path[..<slash]))
            documentPath = String(path[path.index(after: slash)...])
        }
        // Formats 5 and 6 leave out of the computation what these columns hold.
        let header = DunningComputation.Header(asOf: asOf, ladder: e.ladder, step: e.step, currency: e.currency, balanceMinor: e.balanceMinor,
                                               demandedMinor: e.demandedMinor, interestMinor: e.interestMinor, feesMinor: e.feesMinor,
                                               totalMinor: e.totalMinor, payBy: e.payBy?.description)
        let computationZ = try facts.map { try DunningComputation.compress($0, items: items, header: header) }
            ?? DunningComputation.compress(e.computation, items: items, header: header)
        try db.cachedStatement(sql: """
            INSERT INTO dunning_event (idempotency_key, key_digest, debtor_id, as_of, ladder, step, step_index, channels, language, currency,
              balance_minor, interest_minor, fees_minor, total_minor, computation, computation_z, document_path, document_folder_id,
              status, run_id, created_at, created_at_id, structured_reference, seen_batch_id, demanded_minor, pay_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """).execute(arguments: [
                digest == nil ? e.idempotencyKey : nil, digest, e.debtorID, asOf, e.ladder, e.step, e.stepIndex, DunningChannel.joined(e.channels),
                e.language, e.currency, e.balanceMinor, e.interestMinor, e.feesMinor, e.totalMinor, computationZ,
                documentPath, folderID, e.status, e.runID, createdAtID, e.structuredReference, e.seenBatchID, e.demandedMinor,
                e.payBy?.description,
            ])
        return db.changesCount > 0 ? db.lastInsertedRowID : nil
    }

    /// Inserts one item of an event, with the ladder state it had before.
    /// Its days and channel before are packed in `prev_state` when they fit (`DunningPriorState`, migration 0041a).
    /// Its step's name before is stored as an id into `dunning_step_name` (written once per name, migration 0042a),
    /// `prev_step` left NULL.
    package static func insertItem(_ db: Database, _ item: DunningEventItemRecord) throws {
        let packed = DunningPriorState.pack(last: item.prevLastReminder, first: item.prevFirstReminder, channel: item.prevFirstChannel)
        let stepID = try item.prevStep.map { try StoredText.id(db, table: "dunning_step_name", column: "name", $0) }
        try db.cachedStatement(sql: """
            INSERT INTO dunning_event_item (event_id, invoice_id, step_index, advanced, open_minor, days_late, interest_minor, fee_minor,
              prev_step_index, prev_step_id, prev_last_reminder, prev_first_reminder, prev_first_channel, prev_state)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                item.eventID, item.invoiceID, item.stepIndex, item.advanced, item.openMinor, item.daysLate, item.interestMinor,
                item.feeMinor, item.prevStepIndex, stepID, packed == nil ? item.prevLastReminder?.description : nil,
                packed == nil ? item.prevFirstReminder?.description : nil, packed == nil ? item.prevFirstChannel : nil, packed,
            ])
    }

    /// Moves an invoice to a ladder step; a consumer's first reminder (day and channel), once
    /// recorded, is kept.
    package static func advanceState(_ db: Database, _ s: DunningStateRecord) throws {
        try db.cachedStatement(sql: """
            INSERT INTO dunning_state (invoice_id, ladder, step_index, step, last_reminder, first_reminder, first_channel)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (invoice_id) DO UPDATE SET ladder = excluded.ladder, step_index = excluded.step_index, step = excluded.step,
              last_reminder = excluded.last_reminder, first_reminder = COALESCE(dunning_state.first_reminder, excluded.first_reminder),
              first_channel = COALESCE(dunning_state.first_channel, excluded.first_channel)
            """).execute(arguments: [
                s.invoiceID, s.ladder, s.stepIndex, s.step, s.lastReminder.description, s.firstReminder?.description, s.firstChannel,
            ])
    }

    /// Links an event to the e-mail queued for it.
    package static func linkMessage(_ db: Database, event: Int64, message: MessageID) throws {
        try db.cachedStatement(sql: "UPDATE dunning_event SET outbox_message_id = ? WHERE id = ?").execute(arguments: [message.rawValue, event])
    }

    /// Replaces the rows of `day` in `dunning_exclusion` (a rerun of the day replaces them).
    package static func replaceExclusions(_ db: Database, on day: Day, _ rows: [DunningExclusionRecord]) throws {
        try db.execute(sql: "DELETE FROM dunning_exclusion WHERE as_of = ?", arguments: [day.description])
        for row in rows { try row.insert(db) }
    }

    /// Marks a reminder cancelled with its reason and puts its items back on the step they were on
    /// before it, only where the state is still the one this reminder wrote (a later reminder is
    /// never undone). Its e-mail is cancelled by the caller (`OutboxQueue.cancel`). The days and
    /// channel before are read packed or as text, its step's name by id or as text (`DunningPriorState`).
    package static func cancelEvent(_ db: Database, event: Int64, reason: String) throws {
        try db.execute(sql: "UPDATE dunning_event SET status = ?, cancel_reason = ? WHERE id = ?",
                       arguments: [DunningEventStatus.cancelled, reason, event])
        try db.execute(sql: """
            DELETE FROM dunning_state WHERE invoice_id IN (
              SELECT it.invoice_id FROM dunning_event_item it JOIN dunning_event e ON e.id = it.event_id
              JOIN dunning_state s ON s.invoice_id = it.invoice_id
              WHERE it.event_id = ? AND it.advanced = 1 AND it.prev_step_index IS NULL
                AND s.last_reminder = e.as_of AND s.step_index = it.step_index)
            """, arguments: [event])
        try db.execute(sql: """
            UPDATE dunning_state SET
              step_index = (SELECT it.prev_step_index FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id),
              step = (SELECT \(DunningPriorState.stepSQL("it.")) FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id),
              last_reminder = (SELECT \(DunningPriorState.lastSQL("it.")) FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id),
              first_reminder = (SELECT \(DunningPriorState.firstSQL("it.")) FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id),
              first_channel = (SELECT \(DunningPriorState.channelSQL("it.")) FROM dunning_event_item it WHERE it.event_id = ?1 AND it.invoice_id = dunning_state.invoice_id)
            WHERE invoice_id IN (
              SELECT it.invoice_id FROM dunning_event_item it JOIN dunning_event e ON e.id = it.event_id
              JOIN dunning_state s ON s.invoice_id = it.invoice_id
              WHERE it.event_id = ?1 AND it.advanced = 1 AND it.prev_step_index IS NOT NULL
                AND s.last_reminder = e.as_of AND s.step_index = it.step_index)
            """, arguments: [event])
    }
}
