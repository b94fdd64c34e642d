import Foundation
import GRDB
import RelanceTestSupport
import Store
import Testing

/// Issue 16, "Store owns the contract": every table of a freshly migrated store has a record type
/// (`databaseTableName`) in Store, and the columns that record was written for are the table's.
/// A migration that adds a table or a column fails here until the record (and this list) follows.
@Suite struct RecordCoverageTests {
    /// Each table, its record type, and the columns in table order (`PRAGMA table_info`).
    static let records: [(table: String, type: any (FetchableRecord & TableRecord).Type, columns: [String])] = [
        ("action_journal", ActionJournalRecord.self, ["id", "at", "who", "action", "debtor_id", "invoice_id", "payment_id", "detail"]),
        ("bank_statement", BankStatementRecord.self, ["id", "format", "statement_key", "account", "currency", "statement_date", "old_balance_minor", "new_balance_minor", "movements", "credits", "batch_id"]),
        ("billing_channel", DebtorBillingChannelRecord.self, ["debtor_id", "channel", "peppol_id", "updated_at"]),
        ("billing_credit_note", BillingCreditNoteRecord.self, ["invoice_id", "credited_invoice_id", "reason", "sequence_name", "sequence_value", "net_minor", "vat_minor", "pdf_path", "ubl_path", "run_id", "created_at"]),
        ("billing_ingest", BillingIngestRecord.self, ["id", "run_id", "kind", "file_name", "file_path", "file_bytes", "file_hash", "as_of", "started_at", "finished_at", "rows_read", "rows_imported", "rows_updated", "rows_unchanged", "rows_rejected"]),
        ("billing_invoice", BillingInvoiceRecord.self, ["invoice_id", "contract_id", "period", "sequence_name", "sequence_value", "net_minor", "vat_minor", "pdf_path", "run_id", "created_at", "ubl_path"]),
        ("billing_line", BillingLineRecord.self, ["id", "invoice_id", "position", "kind", "description", "service_month", "quantity", "unit_price", "net_minor", "vat_rate", "vat_minor", "old_price_minor", "new_price_minor", "factor", "actual_index_month", "actual_index", "base_index_month", "base_index", "index_series", "rounding", "usage_id", "vat_exemption"]),
        ("billing_sequence", BillingSequenceRecord.self, ["name", "last_value"]),
        ("cash_forecast", CashForecastRecord.self, ["forecast_run_id", "currency", "week", "week_start", "week_end", "expected_minor", "p10_minor", "p90_minor"]),
        ("contract", ContractRecord.self, ["id", "contract_key", "debtor_id", "plan", "currency", "monthly_price_minor", "activation_date", "price_adjusted_on", "index_series", "billing_day", "payment_terms_days", "index_floor", "status", "end_date", "overdue_since", "notice_on", "suspended_on", "reactivated_on", "reactivation_fee_due", "content_hash", "created_ingest_id", "updated_ingest_id", "vat_rate", "vat_exemption"]),
        ("contract_usage", ContractUsageRecord.self, ["id", "contract_id", "month", "item", "quantity", "unit_price", "content_hash", "ingest_id"]),
        ("data_rights_log", DataRightsLogRecord.self, ["id", "at", "actor", "action", "subject", "detail"]),
        ("debtor", DebtorRecord.self, ["id", "debtor_key", "name", "kind", "vat_number", "email", "language", "street", "postal_code", "city", "country", "phone", "payment_terms_days", "on_hold", "content_hash", "created_batch_id", "updated_batch_id", "direct_debit", "paperless_since", "interest_rate_percent", "public_authority", "hold_reason", "hold_until"]),
        ("debtor_account", DebtorAccountRecord.self, ["iban", "debtor_id", "learned_from_payment_id"]),
        ("debtor_note", DebtorNoteRecord.self, ["id", "debtor_id", "at", "who", "text"]),
        ("debtor_score", DebtorScoreRecord.self, ["forecast_run_id", "debtor_id", "score", "grade", "reasons", "paid_invoices", "open_invoices", "overdue_30_invoices", "typical_delay_days", "late_share"]),
        ("dunning_event", DunningEventRecord.self, ["id", "idempotency_key", "debtor_id", "as_of", "ladder", "step", "step_index", "channels", "language", "currency", "balance_minor", "interest_minor", "fees_minor", "total_minor", "computation", "document_path", "status", "run_id", "created_at", "outbox_message_id", "structured_reference", "seen_batch_id", "cancel_reason", "demanded_minor", "pay_by", "held_reason", "computation_z", "held_reason_id", "created_at_id", "document_folder_id", "key_digest"]),
        ("dunning_event_instant", DunningEventInstantRecord.self, ["id", "at"]),
        ("dunning_held_reason", DunningHeldReasonRecord.self, ["id", "reason"]),
        ("dunning_letter_folder", DunningLetterFolderRecord.self, ["id", "folder"]),
        ("dunning_event_item", DunningEventItemRecord.self, ["event_id", "invoice_id", "step_index", "advanced", "open_minor", "days_late", "interest_minor", "fee_minor", "prev_step_index", "prev_step", "prev_last_reminder", "prev_first_reminder", "prev_first_channel", "prev_state", "prev_step_id"]),
        ("dunning_step_name", DunningStepNameRecord.self, ["id", "name"]),
        ("dunning_exclusion", DunningExclusionRecord.self, ["as_of", "reason", "level", "currency", "debtors", "items", "amount_minor"]),
        ("dunning_state", DunningStateRecord.self, ["invoice_id", "ladder", "step_index", "step", "last_reminder", "first_reminder", "first_channel"]),
        ("external_reminder", ExternalReminderRecord.self, ["id", "invoice_id", "day", "step_index", "step", "channel", "file_name", "line", "at"]),
        ("forecast_run", ForecastRunRecord.self, ["id", "as_of", "run_id", "created_at", "model", "paid_invoices", "open_invoices", "debtors", "parameters"]),
        ("ingest_batch", IngestBatchRecord.self, ["id", "run_id", "kind", "file_name", "file_path", "file_bytes", "file_hash", "encoding", "snapshot", "as_of", "started_at", "finished_at", "rows_read", "rows_imported", "rows_updated", "rows_unchanged", "rows_rejected", "closed_by_snapshot"]),
        ("invoice", InvoiceRecord.self, ["id", "invoice_number", "debtor_id", "type", "issue_date", "due_date", "currency", "amount_minor", "reported_open_minor", "reported_batch_id", "open_minor", "structured_reference", "description", "disputed", "status", "closed_reason", "closed_on", "source", "content_hash", "created_batch_id", "updated_batch_id", "on_hold", "dispute_reason", "row_check"]),
        ("invoice_forecast", InvoiceForecastRecord.self, ["forecast_run_id", "invoice_id", "p10_date", "p50_date", "p90_date", "p_paid_by_due", "p_paid_by_due_30", "p_paid_by_due_60"]),
        ("nightly_stage", NightlyStageRecord.self, ["run_id", "as_of", "stage", "started_at", "finished_at", "outcome", "counts"]),
        ("outbox_attachment", OutboxAttachmentRecord.self, ["id", "message_id", "position", "filename", "content_type", "content", "path"]),
        ("outbox_body_dictionary", OutboxBodyDictionaryRecord.self, ["id", "checksum", "text_z"]),
        ("outbox_event", OutboxEventRecord.self, ["id", "message_id", "at", "from_state", "to_state", "actor", "detail", "detail_id", "at_id"]),
        ("outbox_event_instant", OutboxEventInstantRecord.self, ["id", "at"]),
        ("outbox_event_detail", OutboxEventDetailRecord.self, ["id", "detail"]),
        ("outbox_message", OutboxMessageRecord.self, ["id", "idempotency_key", "origin", "state", "subject", "text_body", "html_body", "created_at", "lifetime_from", "next_attempt_at", "attempts", "message_id_header", "lease_owner", "lease_until", "last_attempt_at", "last_error", "server_reply", "sent_at", "bounce_kind", "bounce_reason", "cancel_reason", "updated_at", "bodies_z", "bodies_removed_at", "bodies_dictionary_id", "message_id_domain_id", "dunning_event_id"]),
        ("outbox_message_id_domain", OutboxMessageIDDomainRecord.self, ["id", "domain"]),
        ("outbox_recipient", OutboxRecipientRecord.self, ["id", "message_id", "position", "kind", "address", "display_name", "origin", "status", "reply", "updated_at"]),
        ("outbox_reference", OutboxReferenceRecord.self, ["message_id", "kind", "key"]),
        ("payment", PaymentRecord.self, ["id", "payment_key", "payment_date", "currency", "amount_minor", "invoice_number", "structured_reference", "debtor_key", "unapplied_minor", "unapplied_reason", "booked", "source", "content_hash", "created_batch_id", "updated_batch_id", "statement_id", "counterparty_iban", "counterparty_name", "free_text", "manual_only"]),
        ("payment_allocation", PaymentAllocationRecord.self, ["id", "payment_id", "invoice_id", "amount_minor", "rule", "batch_id", "seen_batch_id"]),
        ("peppol_document", PeppolDocumentRecord.self, ["id", "idempotency_key", "invoice_number", "document_type", "period", "receiver", "path", "state", "created_at", "lifetime_from", "next_attempt_at", "attempts", "lease_owner", "lease_until", "last_attempt_at", "last_error", "transport", "reply", "sent_at", "bounce_reason", "updated_at"]),
        ("peppol_event", PeppolEventRecord.self, ["id", "document_id", "at", "from_state", "to_state", "actor", "detail"]),
        ("price_index", PriceIndexRecord.self, ["series", "month", "value", "ingest_id"]),
        ("promise_to_pay", PromiseToPayRecord.self, ["id", "debtor_id", "until", "note", "created_at", "amount_minor", "currency", "invoices", "made_on", "made_by", "pause_until", "source", "status", "status_on"]),
        ("record_change", RecordChangeRecord.self, ["id", "batch_id", "entity", "entity_key", "change", "old_values", "new_values"]),
        ("report_snapshot", ReportSnapshotRecord.self, ["day", "currency", "not_due_minor", "days_1_30_minor", "days_31_60_minor", "days_61_90_minor", "days_over_90_minor", "open_minor", "dso", "collected_minor"]),
        ("report_snapshot_step", ReportSnapshotStepRecord.self, ["day", "currency", "step", "messages", "demanded_minor"]),
        ("run", RunRecord.self, ["id", "command", "as_of", "started_at", "finished_at", "outcome", "exit_code", "summary", "pid"]),
        ("workspace_identity", WorkspaceIdentityRecord.self, ["id", "workspace_id", "created_at", "schema_level"]),
    ]

    /// Tables that are not ours: GRDB's migration ledger and SQLite's own.
    static func isExempt(_ table: String) -> Bool { table == "grdb_migrations" || table.hasPrefix("sqlite_") }

    @Test func everyTableOfAFreshStoreHasARecordType() throws {
        let t = try TemporaryStore("record-coverage")
        let tables = try t.store.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }.filter { !Self.isExempt($0) }
        let covered = Self.records.map(\.table)
        #expect(tables == covered.sorted(), "tables without a record type: \(Set(tables).subtracting(covered).sorted())")
        #expect(Set(covered).count == covered.count, "a table listed twice")
    }

    @Test func eachRecordNamesItsTableAndTheTableHasTheRecordsColumns() throws {
        let t = try TemporaryStore("record-columns")
        try t.store.pool.read { db in
            for (table, type, columns) in Self.records {
                #expect(type.databaseTableName == table, "\(type) names \(type.databaseTableName)")
                let actual = try db.columns(in: table).map(\.name)
                #expect(actual == columns, "\(table): the table has \(actual), \(type) was written for \(columns)")
                // A read through the record type reaches the table.
                #expect(try type.fetchCount(db) == 0)
            }
        }
    }

    /// The new records write and read back a row on the real schema (tables a test can fill
    /// without a ledger behind them): proof their coding keys are the table's columns.
    @Test func newRecordsRoundTripThroughTheirTables() throws {
        let t = try TemporaryStore("record-roundtrip")
        try t.store.pool.write { db in
            let sequence = BillingSequenceRecord(name: "F2025", lastValue: 12)
            try sequence.insert(db)
            #expect(try BillingSequenceRecord.fetchAll(db) == [sequence])

            let snapshot = ReportSnapshotRecord(day: "2025-03-01", currency: "EUR", notDueMinor: 1, days1To30Minor: 2, days31To60Minor: 3,
                                                days61To90Minor: 4, daysOver90Minor: 5, openMinor: 15, dso: "41.3", collectedMinor: 7)
            try snapshot.insert(db)
            #expect(try ReportSnapshotRecord.fetchAll(db) == [snapshot])

            let step = ReportSnapshotStepRecord(day: "2025-03-01", currency: "EUR", step: "first", messages: 3, demandedMinor: 12100)
            try step.insert(db)
            #expect(try ReportSnapshotStepRecord.fetchAll(db) == [step])

            let identity = WorkspaceIdentityRecord(id: 1, workspaceID: "w-1", createdAt: "2025-03-01T00:00:00Z", schemaLevel: 40)
            try identity.insert(db)
            #expect(try WorkspaceIdentityRecord.fetchAll(db) == [identity])

            var log = DataRightsLogRecord(id: nil, at: "2025-03-01T01:00:00.000Z", actor: "ana@host", action: .export,
                                          subject: "export.zip", detail: "{}")
            try log.insert(db)
            log.id = db.lastInsertedRowID
            #expect(try DataRightsLogRecord.fetchAll(db) == [log])

            var journal = ActionJournalRecord(id: nil, at: "2025-03-01T01:00:00.000Z", who: "ana@host", action: "note",
                                              debtorID: nil, invoiceID: nil, paymentID: nil, detail: "{}")
            try journal.insert(db)
            journal.id = db.lastInsertedRowID
            #expect(try ActionJournalRecord.fetchAll(db) == [journal])

            var document = PeppolDocumentRecord(
                id: nil, idempotencyKey: "k1", invoiceNumber: "F2025-0001", documentType: .creditNote, period: "2025-02",
                receiver: "0208:0123456749", path: "/out/F2025-0001.xml", state: .queued, createdAt: "2025-03-01T01:00:00.000Z",
                lifetimeFrom: "2025-03-01T01:00:00.000Z", nextAttemptAt: "2025-03-01T01:00:00.000Z", attempts: 0, leaseOwner: nil,
                leaseUntil: nil, lastAttemptAt: nil, lastError: nil, transport: nil, reply: nil, sentAt: nil, bounceReason: nil,
                updatedAt: "2025-03-01T01:00:00.000Z")
            try document.insert(db)
            document.id = db.lastInsertedRowID
            #expect(try PeppolDocumentRecord.fetchAll(db) == [document])

            var event = PeppolEventRecord(id: nil, documentID: db.lastInsertedRowID, at: "2025-03-01T01:00:00.000Z",
                                          fromState: nil, toState: .queued, actor: .billing, detail: nil)
            try event.insert(db)
            event.id = db.lastInsertedRowID
            #expect(try PeppolEventRecord.fetchAll(db) == [event])
        }
    }
}
