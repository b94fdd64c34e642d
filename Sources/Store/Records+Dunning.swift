import Foundation
import GRDB
import Ledger

// The dunning tables (owner: Dunning): their states and kinds as enums, and one record type per
// table. Named reads are in `Queries+Dunning.swift`, writes in `Commands+Dunning.swift`.

/// Where a reminder event stands (`dunning_event.status`).
package enum DunningEventStatus: String, DatabaseValueConvertible, Sendable, CaseIterable {
    /// Written tonight; its e-mail (if any) waits in the outbox.
    case queued
    /// A manual step: a person acts on it (no message).
    case worklist
    /// Held by a gate until `relance dunning release DAY`.
    case held
    /// Stopped before its e-mail left (a payment or correction arrived; `ReminderGuard`).
    case cancelled
}

/// How a reminder reached the debtor: decides when a consumer's 14-day period starts
/// (`dunning_state.first_channel`, `dunning_event_item.prev_first_channel`).
package enum ReminderChannel: String, DatabaseValueConvertible, Sendable, CaseIterable {
    case email, post
}

/// How a ladder step reaches the debtor; an event stores the channels it used joined by `+`
/// (`dunning_event.channels`, e.g. `email+letter`).
package enum DunningChannel: String, DatabaseValueConvertible, Sendable, Equatable, CaseIterable {
    case email, letter, manual

    /// The stored form of a list of channels: joined by `+`.
    package static func joined(_ channels: [DunningChannel]) -> String { channels.map(\.rawValue).joined(separator: "+") }

    /// A stored list of channels; unknown words are left out.
    package static func split(_ text: String) -> [DunningChannel] {
        text.split(separator: "+").compactMap { DunningChannel(rawValue: String($0)) }
    }
}

/// Whether an exclusion left out a whole debtor or single invoices of a reminded debtor
/// (`dunning_exclusion.level`).
package enum DunningExclusionLevel: String, DatabaseValueConvertible, Sendable, CaseIterable, Comparable {
    case debtor, invoice

    package static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// One row of `dunning_event`: a reminder (or worklist item) the dunning run decided.
package struct DunningEventRecord: FetchableRecord, PersistableRecord, Sendable, Equatable {
    package static let databaseTableName = "dunning_event"
    package var id: Int64?
    /// The day, the debtor, the step and a digest of the figures: a rerun inserts nothing. Since
    /// migration 0039a stored as the digest alone (``keyDigest``) when it has Dunning's shape
    /// (`DunningEventKey`); ``init(row:)`` reads it from the `dunning_key` column of ``selectSQL``.
    package var idempotencyKey: String
    package var debtorID: Int64
    package var asOf: Day
    /// `<kind>/v<version>`, e.g. `b2b/v1`.
    package var ladder: String
    package var step: String
    package var stepIndex: Int
    package var channels: [DunningChannel]
    package var language: String
    package var currency: String
    package var balanceMinor: Int64
    package var interestMinor: Int64
    package var feesMinor: Int64
    package var totalMinor: Int64
    /// How the amounts were computed, as JSON (stored compressed in `computation_z` since
    /// migration 0026a, see `DunningComputation`; read back byte for byte). Since migration 0037a
    /// `DunningCommands.insertEvent` leaves the items' figures to `dunning_event_item`: a row read
    /// with ``selectSQL`` (or a `computation_items` column of ``computationItemsSQL(_:)``) gives the
    /// JSON; `SELECT *` alone throws ``StoreError/missingComputationItems`` for such a row.
    package var computation: String
    /// The letter's path; as stored: `DunningCommands.insertEvent` keeps only its file name here
    /// since migration 0032a (see ``documentFolderID``).
    package var documentPath: String?
    package var status: DunningEventStatus
    package var runID: Int64?
    /// When the run wrote the event; as stored: empty since migration 0032a (see ``createdAtID``).
    package var createdAt: String
    package var outboxMessageID: Int64?
    package var structuredReference: String?
    /// The last ingest batch the run saw (`ReminderGuard` compares later payments with it).
    package var seenBatchID: Int64?
    package var cancelReason: String?
    /// What the message demanded (nil before migration 0017).
    package var demandedMinor: Int64?
    package var payBy: Day?
    /// Why the message is held: stored in the row before migration 0030a; since, named by
    /// `heldReasonID` (a query reads it with ``heldReasonSQL`` as `held_reason`).
    package var heldReason: String?
    /// The held reason stored once in `dunning_held_reason` (migration 0030a).
    package var heldReasonID: Int64?
    /// `createdAt` stored once in `dunning_event_instant` (migration 0032a; `created_at` then empty,
    /// a query reads it with ``createdAtSQL``).
    package var createdAtID: Int64?
    /// The folder of `documentPath` stored once in `dunning_letter_folder` (migration 0032a;
    /// `document_path` then holds the file name, a query reads the path with ``documentPathSQL(_:)``).
    package var documentFolderID: Int64?
    /// The blob ``init(row:)`` read `computation` from: ``encode(to:)`` writes it back as read while
    /// `computation` is unchanged (a record knows not its items, which formats 3 and 4 need).
    package var storedComputation: StoredComputation?
    /// The key's digest as stored in `key_digest` (`idempotency_key` then NULL, migration 0039a), and
    /// the key it read as: ``encode(to:)`` writes it back so while `idempotencyKey` is unchanged.
    package var storedKey: StoredKey?

    /// A compactly stored key (`DunningEventKey`) and the text it read as.
    package struct StoredKey: Sendable, Equatable {
        package var key: String
        package var digest: Int64
    }

    /// A stored computation blob and the JSON it read as.
    package struct StoredComputation: Sendable, Equatable {
        package var json: String
        package var blob: Data
    }

    /// The SQL of the items an event's computation needs (`DunningComputation.itemsSQL`), for a
    /// query on `dunning_event` `table` (a name or alias); ``init(row:)`` reads it as `computation_items`.
    package static func computationItemsSQL(_ table: String = "dunning_event") -> String {
        DunningComputation.itemsSQL(event: "\(table).id")
    }

    /// The SQL of an event's computation JSON however it is stored, for a query on `dunning_event`
    /// `table` (a name or alias).
    package static func computationSQL(_ table: String = "dunning_event") -> String {
        "dunning_computation(\(table).computation, \(table).computation_z, \(computationItemsSQL(table)))"
    }

    /// Every column and the computation's items: what ``init(row:)`` reads, for
    /// `fetchAll(db, sql: DunningEventRecord.selectSQL + " WHERE …")`.
    package static let selectSQL =
        "SELECT *, \(computationItemsSQL()) AS computation_items, \(DunningEventKey.sql()) AS dunning_key FROM dunning_event"

    /// The SQL of an event's held reason however it is stored, for a query on `dunning_event`
    /// (`held_reason` and `held_reason_id` unqualified).
    package static let heldReasonSQL =
        "COALESCE(held_reason, (SELECT r.reason FROM dunning_held_reason r WHERE r.id = held_reason_id))"

    /// The SQL of an event's creation instant however it is stored, for a query on `dunning_event`
    /// `table` (a name or alias).
    package static func createdAtSQL(_ table: String = "dunning_event") -> String {
        """
        CASE WHEN \(table).created_at_id IS NULL THEN \(table).created_at
        ELSE (SELECT i.at FROM dunning_event_instant i WHERE i.id = \(table).created_at_id) END
        """
    }

    /// The SQL of an event's letter path however it is stored (NULL: no letter, or forgotten by an
    /// erasure), for a query on `dunning_event` `table` (a name or alias).
    package static func documentPathSQL(_ table: String = "dunning_event") -> String {
        """
        CASE WHEN \(table).document_folder_id IS NULL THEN \(table).document_path
        ELSE (SELECT f.folder FROM dunning_letter_folder f WHERE f.id = \(table).document_folder_id) || '/' || \(table).document_path END
        """
    }

    /// A new event, not yet inserted.
    package init(idempotencyKey: String, debtorID: Int64, asOf: Day, ladder: String, step: String, stepIndex: Int,
                channels: [DunningChannel], language: String, currency: String, balanceMinor: Int64, interestMinor: Int64,
                feesMinor: Int64, totalMinor: Int64, computation: String, documentPath: String?, status: DunningEventStatus,
                runID: Int64?, createdAt: String, structuredReference: String?, seenBatchID: Int64?, demandedMinor: Int64?,
                payBy: Day?) {
        self.idempotencyKey = idempotencyKey
        self.debtorID = debtorID
        self.asOf = asOf
        self.ladder = ladder
        self.step = step
        self.stepIndex = stepIndex
        self.channels = channels
        self.language = language
        self.currency = currency
        self.balanceMinor = balanceMinor
        self.interestMinor = interestMinor
        self.feesMinor = feesMinor
        self.totalMinor = totalMinor
        self.computation = computation
        self.documentPath = documentPath
        self.status = status
        self.runID = runID
        self.createdAt = createdAt
        self.structuredReference = structuredReference
        self.seenBatchID = seenBatchID
        self.demandedMinor = demandedMinor
        self.payBy = payBy
    }

    /// Decodes a row of `dunning_event` (an unreadable `as_of` or status is a `DunningRecordError`).
    package init(row: Row) throws {
        id = row["id"]
        debtorID = row["debtor_id"]
        let day: String = row["as_of"]
        guard let asOf = Day(iso: day) else { throw DunningRecordError.unreadable(table: "dunning_event", column: "as_of", value: day) }
        self.asOf = asOf
        ladder = row["ladder"]
        step = row["step"]
        stepIndex = row["step_index"]
        channels = DunningChannel.split(row["channels"])
        language = row["language"]
        currency = row["currency"]
        balanceMinor = row["balance_minor"]
        interestMinor = row["interest_minor"]
        feesMinor = row["fees_minor"]
        totalMinor = row["total_minor"]
        computation = try DunningComputation.json(plain: row["computation"], compressed: row["computation_z"],
                                                  items: row.hasColumn("computation_items") ? row["computation_items"] : nil)
        if let blob = row["computation_z"] as Data? { storedComputation = StoredComputation(json: computation, blob: blob) }
        // After the computation: a row that needs both reports its items first.
        if let key = row["idempotency_key"] as String? {
            idempotencyKey = key
        } else if let key = row.hasColumn("dunning_key") ? row["dunning_key"] as String? : nil, let digest = row["key_digest"] as Int64? {
            idempotencyKey = key
            storedKey = StoredKey(key: key, digest: digest)
        } else {
            throw StoreError.missingDunningKey
        }
        documentPath = row["document_path"]
        let status: String = row["status"]
        guard let s = DunningEventStatus(rawValue: status) else {
            throw DunningRecordError.unreadable(table: "dunning_event", column: "status", value: status)
        }
        self.status = s
        runID = row["run_id"]
        createdAt = row["created_at"]
        outboxMessageID = row["outbox_message_id"]
        structuredReference = row["structured_reference"]
        seenBatchID = row["seen_batch_id"]
        cancelReason = row["cancel_reason"]
        demandedMinor = row["demanded_minor"]
        payBy = (row["pay_by"] as String?).flatMap { Day(iso: $0) }
        heldReason = row["held_reason"]
        heldReasonID = row["held_reason_id"]
        createdAtID = row["created_at_id"]
        documentFolderID = row["document_folder_id"]
    }

    /// The columns, as stored.
    package func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        if let stored = storedKey, stored.key == idempotencyKey {
            container["idempotency_key"] = nil
            container["key_digest"] = stored.digest
        } else {
            container["idempotency_key"] = idempotencyKey
            container["key_digest"] = nil
        }
        container["debtor_id"] = debtorID
        container["as_of"] = asOf.description
        container["ladder"] = ladder
        container["step"] = step
        container["step_index"] = stepIndex
        container["channels"] = DunningChannel.joined(channels)
        container["language"] = language
        container["currency"] = currency
        container["balance_minor"] = balanceMinor
        container["interest_minor"] = interestMinor
        container["fees_minor"] = feesMinor
        container["total_minor"] = totalMinor
        container["computation"] = ""
        if let stored = storedComputation, stored.json.utf8.elementsEqual(computation.utf8) {
            container["computation_z"] = stored.blob
        } else {
            container["computation_z"] = try DunningComputation.compress(computation)
        }
        container["document_path"] = documentPath
        container["status"] = status
        container["run_id"] = runID
        container["created_at"] = createdAt
        container["outbox_message_id"] = outboxMessageID
        container["structured_reference"] = structuredReference
        container["seen_batch_id"] = seenBatchID
        container["cancel_reason"] = cancelReason
        container["demanded_minor"] = demandedMinor
        container["pay_by"] = payBy?.description
        container["held_reason"] = heldReason
        container["held_reason_id"] = heldReasonID
        container["created_at_id"] = createdAtID
        container["document_folder_id"] = documentFolderID
    }
}

/// One row of `dunning_event_item`: an open item listed by a reminder event, and where it stood
/// on its ladder before (what `ReminderGuard` restores when the reminder is cancelled); its days
/// and channel before are packed in `prev_state` when they fit (`DunningPriorState`), and its step's
/// name before is stored by `DunningCommands.insertItem` as an id (`prev_step_id`, migration 0042a):
/// read such rows with ``selectSQL``.
package struct DunningEventItemRecord: FetchableRecord, PersistableRecord, Sendable, Equatable {
    package static let databaseTableName = "dunning_event_item"
    /// Every column and the step's name before however it is stored (as `prev_step_name`): what
    /// ``init(row:)`` reads, for `fetchAll(db, sql: DunningEventItemRecord.selectSQL + " WHERE …")`.
    package static let selectSQL = "SELECT *, \(DunningPriorState.stepSQL()) AS prev_step_name FROM dunning_event_item"
    package var eventID: Int64
    package var invoiceID: Int64
    /// The step this item reached (nil: listed, not on a step).
    package var stepIndex: Int?
    /// The reminder moved this item one step.
    package var advanced: Bool
    package var openMinor: Int64
    package var daysLate: Int
    package var interestMinor: Int64
    package var feeMinor: Int64
    package var prevStepIndex: Int?
    package var prevStep: String?
    package var prevLastReminder: Day?
    package var prevFirstReminder: Day?
    package var prevFirstChannel: ReminderChannel?
    /// The id ``init(row:)`` read `prevStep` through (`prev_step_id`, migration 0042a) and the name
    /// it read as: ``encode(to:)`` writes the id back while `prevStep` is unchanged.
    package var storedStep: StoredStep?

    /// A step's name before stored as an id into `dunning_step_name`, and the name it read as.
    package struct StoredStep: Sendable, Equatable {
        package var id: Int64
        package var name: String
    }

    /// An item of event `eventID`.
    package init(eventID: Int64, invoiceID: Int64, stepIndex: Int?, advanced: Bool, openMinor: Int64, daysLate: Int,
                interestMinor: Int64, feeMinor: Int64, prevStepIndex: Int?, prevStep: String?, prevLastReminder: Day?,
                prevFirstReminder: Day?, prevFirstChannel: ReminderChannel?) {
        self.eventID = eventID
        self.invoiceID = invoiceID
        self.stepIndex = stepIndex
        self.advanced = advanced
        self.openMinor = openMinor
        self.daysLate = daysLate
        self.interestMinor = interestMinor
        self.feeMinor = feeMinor
        self.prevStepIndex = prevStepIndex
        self.prevStep = prevStep
        self.prevLastReminder = prevLastReminder
        self.prevFirstReminder = prevFirstReminder
        self.prevFirstChannel = prevFirstChannel
    }

    /// Decodes a row of `dunning_event_item`.
    package init(row: Row) throws {
        eventID = row["event_id"]
        invoiceID = row["invoice_id"]
        stepIndex = row["step_index"]
        advanced = row["advanced"]
        openMinor = row["open_minor"]
        daysLate = row["days_late"]
        interestMinor = row["interest_minor"]
        feeMinor = row["fee_minor"]
        prevStepIndex = row["prev_step_index"]
        prevStep = row["prev_step"]
        // An id into `dunning_step_name` since migration 0042a, read through ``selectSQL``.
        if prevStep == nil, row.hasColumn("prev_step_id"), row["prev_step_id"] as Int64? != nil {
            guard row.hasColumn("prev_step_name"), let name = row["prev_step_name"] as String? else { throw StoreError.missingStepName }
            prevStep = name
            storedStep = StoredStep(id: row["prev_step_id"], name: name)
        }
        // Packed in `prev_state` since migration 0041a (`DunningPriorState`), else the text columns.
        if row.hasColumn("prev_state"), let packed = row["prev_state"] as Int64?, let state = DunningPriorState.unpack(packed) {
            prevLastReminder = state.last
            prevFirstReminder = state.first
            prevFirstChannel = state.channel
        } else {
            prevLastReminder = (row["prev_last_reminder"] as String?).flatMap { Day(iso: $0) }
            prevFirstReminder = (row["prev_first_reminder"] as String?).flatMap { Day(iso: $0) }
            prevFirstChannel = row["prev_first_channel"]
        }
    }

    /// The columns, as stored.
    package func encode(to container: inout PersistenceContainer) throws {
        container["event_id"] = eventID
        container["invoice_id"] = invoiceID
        container["step_index"] = stepIndex
        container["advanced"] = advanced
        container["open_minor"] = openMinor
        container["days_late"] = daysLate
        container["interest_minor"] = interestMinor
        container["fee_minor"] = feeMinor
        container["prev_step_index"] = prevStepIndex
        // The id read while the name is unchanged, else as text (`DunningCommands.insertItem` writes names as ids);
        // readers read either.
        let stepID = storedStep.flatMap { $0.name == prevStep ? $0.id : nil }
        container["prev_step"] = stepID == nil ? prevStep : nil
        container["prev_step_id"] = stepID
        let packed = DunningPriorState.pack(last: prevLastReminder, first: prevFirstReminder, channel: prevFirstChannel)
        container["prev_last_reminder"] = packed == nil ? prevLastReminder?.description : nil
        container["prev_first_reminder"] = packed == nil ? prevFirstReminder?.description : nil
        container["prev_first_channel"] = packed == nil ? prevFirstChannel : nil
        container["prev_state"] = packed
    }
}

/// One row of `dunning_state`: where an invoice stands on its ladder.
package struct DunningStateRecord: FetchableRecord, PersistableRecord, Sendable, Equatable {
    package static let databaseTableName = "dunning_state"
    package var invoiceID: Int64
    /// `<kind>/v<version>`, e.g. `b2b/v1`.
    package var ladder: String
    package var stepIndex: Int
    package var step: String
    package var lastReminder: Day
    /// A consumer's first reminder (its day and channel start the 14-day period).
    package var firstReminder: Day?
    package var firstChannel: ReminderChannel?

    /// The state of one invoice.
    package init(invoiceID: Int64, ladder: String, stepIndex: Int, step: String, lastReminder: Day, firstReminder: Day?,
                firstChannel: ReminderChannel?) {
        self.invoiceID = invoiceID
        self.ladder = ladder
        self.stepIndex = stepIndex
        self.step = step
        self.lastReminder = lastReminder
        self.firstReminder = firstReminder
        self.firstChannel = firstChannel
    }

    /// Decodes a row of `dunning_state`.
    package init(row: Row) throws {
        invoiceID = row["invoice_id"]
        ladder = row["ladder"]
        stepIndex = row["step_index"]
        step = row["step"]
        let day: String = row["last_reminder"]
        guard let last = Day(iso: day) else {
            throw DunningRecordError.unreadable(table: "dunning_state", column: "last_reminder", value: day)
        }
        lastReminder = last
        firstReminder = (row["first_reminder"] as String?).flatMap { Day(iso: $0) }
        firstChannel = row["first_channel"]
    }

    /// The columns, as stored.
    package func encode(to container: inout PersistenceContainer) throws {
        container["invoice_id"] = invoiceID
        container["ladder"] = ladder
        container["step_index"] = stepIndex
        container["step"] = step
        container["last_reminder"] = lastReminder.description
        container["first_reminder"] = firstReminder?.description
        container["first_channel"] = firstChannel
    }
}

/// One row of `dunning_exclusion`: overdue money a night's run left out, for one reason, level
/// and currency.
package struct DunningExclusionRecord: FetchableRecord, PersistableRecord, Sendable, Equatable {
    package static let databaseTableName = "dunning_exclusion"
    package var asOf: Day
    /// Why, as the report prints it.
    package var reason: String
    package var level: DunningExclusionLevel
    package var currency: String
    package var debtors: Int
    package var items: Int
    package var amountMinor: Int64

    /// One count of the day `asOf`.
    package init(asOf: Day, reason: String, level: DunningExclusionLevel, currency: String, debtors: Int, items: Int, amountMinor: Int64) {
        self.asOf = asOf
        self.reason = reason
        self.level = level
        self.currency = currency
        self.debtors = debtors
        self.items = items
        self.amountMinor = amountMinor
    }

    /// Decodes a row of `dunning_exclusion`.
    package init(row: Row) throws {
        let day: String = row["as_of"]
        guard let asOf = Day(iso: day) else { throw DunningRecordError.unreadable(table: "dunning_exclusion", column: "as_of", value: day) }
        self.asOf = asOf
        reason = row["reason"]
        let level: String = row["level"]
        guard let l = DunningExclusionLevel(rawValue: level) else {
            throw DunningRecordError.unreadable(table: "dunning_exclusion", column: "level", value: level)
        }
        self.level = l
        currency = row["currency"]
        debtors = row["debtors"]
        items = row["items"]
        amountMinor = row["amount_minor"]
    }

    /// The columns, as stored.
    package func encode(to container: inout PersistenceContainer) throws {
        container["as_of"] = asOf.description
        container["reason"] = reason
        container["level"] = level
        container["currency"] = currency
        container["debtors"] = debtors
        container["items"] = items
        container["amount_minor"] = amountMinor
    }
}

/// A dunning row whose stored value the schema's types cannot read (a hand-edited database).
package enum DunningRecordError: Error, CustomStringConvertible, Equatable {
    case unreadable(table: String, column: String, value: String)

    package var description: String {
        switch self {
        case .unreadable(let table, let column, let value):
            return "\(table).\(column) holds '\(value)', which is not a valid value; repair the row or restore a backup (`relance db restore`)"
        }
    }
}

/// Stops queued reminders that new facts made outdated (a payment, a credit note, a corrected
/// invoice), in the caller's transaction. The rule is Dunning's (`ReminderGuard`); Ingest and Outbox
/// receive it from whoever runs them (the `relance` commands, the nightly), since a stage never
/// imports another.
package protocol OutdatedReminderCancelling: Sendable {
    /// Cancels every queued reminder whose e-mail has not left and whose figures changed.
    func cancelOutdatedReminders(_ db: Database, at now: Date) throws
}

/// One row of `dunning_held_reason` (migration 0030a): a gate night's held reason, stored once and
/// named by `dunning_event.held_reason_id` (`DunningHolds.hold`); never changed or removed.
package struct DunningHeldReasonRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "dunning_held_reason"
    package var id: Int64
    package var reason: String
}

/// One row of `dunning_event_instant` (migration 0032a): the instant a night's events were written,
/// stored once and named by `dunning_event.created_at_id` (`DunningCommands.insertEvent`); never
/// changed or removed.
package struct DunningEventInstantRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "dunning_event_instant"
    package var id: Int64
    package var at: String
}

/// One row of `dunning_letter_folder` (migration 0032a): the folder of a night's letters, stored
/// once and named by `dunning_event.document_folder_id` (`DunningCommands.insertEvent`); never
/// changed or removed.
package struct DunningLetterFolderRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "dunning_letter_folder"
    package var id: Int64
    package var folder: String
}

/// One row of `dunning_step_name` (migration 0042a): a ladder step's name, stored once, that
/// `dunning_event_item.prev_step_id` points at (read through `DunningPriorState.stepSQL`).
package struct DunningStepNameRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    package static let databaseTableName = "dunning_step_name"
    package var id: Int64
    package var name: String
}
