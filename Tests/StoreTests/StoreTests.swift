import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

@Suite struct StoreTests {

    @Test func opensWithWALForeignKeysAndOwnerOnlyFile() throws {
        let temporary = try TemporaryStore("store")
        let (path, store) = (temporary.path, temporary.store)
        let (mode, fk) = try store.pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"))
        }
        #expect(mode == "wal" && fk == 1)
        let perms = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        #expect(perms?.intValue == 0o600)
        #expect(try store.appliedMigrations() == ["0001-ledger", "0002-outbox", "0003-forecast", "0004-bank", "0005-dunning", "0006-debtor-paperless", "0007-dunning-run", "0008-billing", "0009-data-rights", "0010-nightly", "0011-unapplied-by-debtor", "0012-dunning-exclusion", "0013-invoice-open", "0014-debtor-interest-rate", "0015-controls", "0017-dunning-demand", "0019-peppol", "0020-report-snapshot", "0021-outbox-compressed-bodies", "0024-invoice-open-plan", "0026a-dunning-computation-compressed", "0027a-outbox-body-dictionary", "0030a-dunning-held-reason", "0030b-outbox-event-detail", "0030c-outbox-message-id-domain", "0031a-outbox-dunning-event", "0031b-outbox-message-key-once", "0028-invoice-row-check", "0032a-dunning-event-stored-once", "0032b-outbox-event-instant", "0033a-outbox-sent-instant-once", "0037a-dunning-computation-items", "0016-run-outcomes", "0016b-workspace-identity", "0035-allocation-rule-check",
                                                       "0039a-dunning-event-key-digest", "0040a-outbox-subject-in-bodies",
                                                       "0041a-dunning-item-prior-state", "0042a-dunning-item-prior-step-name",
                                                       "0045-check-equalities", "0046-invoice-open-narrow",
                                                       "0047-payment-counterparty-unindexed", "0048-invoice-by-debtor-without-status"])
        #expect(try store.migrate().isEmpty)
    }

    @Test func schemaRefusesWhatTheLedgerMustNeverHold() throws {
        let temporary = try TemporaryStore("store")
        let store = temporary.store
        try store.pool.write { db in
            try db.execute(sql: "INSERT INTO debtor (id, debtor_key, name, kind, language, country, content_hash) VALUES (1, 'D', 'N', 'b2b', 'nl', 'BE', 0)")
            let insert = """
                INSERT INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor, status, closed_reason, content_hash)
                VALUES (?, ?, ?, ?, ?, 'EUR', ?, ?, ?, ?, 0)
                """
            try db.execute(sql: insert, arguments: ["OK", 1, "invoice", "2026-01-01", "2026-01-31", 100, 100, "open", nil])
            // Unknown debtor, negative open on an invoice, due before issue, closed without a reason, duplicate number.
            let bad: [StatementArguments] = [
                ["X1", 2, "invoice", "2026-01-01", "2026-01-31", 100, 100, "open", nil],
                ["X2", 1, "invoice", "2026-01-01", "2026-01-31", 100, -1, "open", nil],
                ["X3", 1, "invoice", "2026-02-01", "2026-01-31", 100, 100, "open", nil],
                ["X4", 1, "invoice", "2026-01-01", "2026-01-31", 100, 0, "closed", nil],
                ["OK", 1, "invoice", "2026-01-01", "2026-01-31", 100, 100, "open", nil],
                ["X5", 1, "credit_note", "2026-01-01", "2026-01-31", 100, 100, "open", nil],
            ]
            for args in bad {
                #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: args) }
            }
        }
    }

    /// Migration 0035: an allocation's rule is checked without a temporary B-tree per inserted row
    /// (no `OpenEphemeral` in the insert's program), and the check still refuses an unknown rule.
    @Test func allocationRuleCheckBuildsNoTemporaryTableAndRefusesUnknownRules() throws {
        let temporary = try TemporaryStore("store")
        try temporary.store.pool.write { db in
            let insert = "INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule, batch_id) VALUES (?, ?, ?, ?, NULL)"
            let opcodes = try Row.fetchAll(db, sql: "EXPLAIN " + insert, arguments: [1, 1, 1, "manual"]).map { $0["opcode"] as String }
            #expect(!opcodes.isEmpty && !opcodes.contains("OpenEphemeral"))
            try db.execute(sql: "INSERT INTO debtor (id, debtor_key, name, kind, language, country, content_hash) VALUES (1, 'D', 'N', 'b2b', 'nl', 'BE', 0)")
            try db.execute(sql: """
                INSERT INTO invoice (id, invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor, status, content_hash)
                VALUES (1, 'F1', 1, 'invoice', '2026-01-01', '2026-01-31', 'EUR', 100, 100, 'open', 0)
                """)
            try db.execute(sql: """
                INSERT INTO payment (id, payment_key, payment_date, currency, amount_minor, unapplied_minor, content_hash)
                VALUES (1, 'P1', '2026-02-01', 'EUR', 100, 0, 0)
                """)
            for rule in Schema.allocationRules { try db.execute(sql: insert, arguments: [1, 1, 1, rule]) }
            for rule in ["bogus", "Manual", ""] {
                #expect(throws: DatabaseError.self) { try db.execute(sql: insert, arguments: [1, 1, 1, rule]) }
            }
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM payment_allocation") == Schema.allocationRules.count)
        }
    }

    /// Migration 0045: the bulk-written tables' inserts build no temporary B-tree for a `CHECK`, on the
    /// connection that migrated as on a new one, and the rewritten checks still refuse what they refused.
    @Test func bulkWrittenTablesCheckTheirValuesWithoutTemporaryTables() throws {
        let temporary = try TemporaryStore("store")
        for pool in [temporary.store.pool, try LedgerStore(path: temporary.store.path).pool] {
            try pool.write { db in
                // A trigger's program is part of the insert's (outbox_message's reads an `IN (SELECT …)`): those
                // tables are checked on their SQL, which must hold nothing left to rewrite.
                let triggered = try Set(String.fetchAll(db, sql: "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'"))
                for table in Schema.checkEqualitiesTables {
                    let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table])
                    #expect(sql.map { Schema.checkEqualities($0) == $0 } == true, "\(table)")
                    guard !triggered.contains(table) else { continue }
                    let opcodes = try Row.fetchAll(db, sql: "EXPLAIN INSERT INTO \(table) DEFAULT VALUES").map { $0["opcode"] as String }
                    #expect(!opcodes.isEmpty && !opcodes.contains("OpenEphemeral"), "\(table)")
                }
            }
        }
        try temporary.store.pool.write { db in
            let debtor = "INSERT INTO debtor (debtor_key, name, kind, language, country, content_hash) VALUES (?, 'N', 'b2b', ?, 'BE', 0)"
            for language in ["nl", "fr", "de", "en"] { try db.execute(sql: debtor, arguments: ["D-" + language, language]) }
            for language in ["es", "NL", "", "nl "] {
                #expect(throws: DatabaseError.self) { try db.execute(sql: debtor, arguments: ["X-" + language, language]) }
            }
            let invoice = """
                INSERT INTO invoice (invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor, status, content_hash, source)
                VALUES (?, 1, 'invoice', '2026-01-01', '2026-01-31', 'EUR', 100, 100, 'open', 0, ?)
                """
            for source in ["csv", "billing", "ubl"] { try db.execute(sql: invoice, arguments: ["F-" + source, source]) }
            for source in ["xml", "CSV", ""] {
                #expect(throws: DatabaseError.self) { try db.execute(sql: invoice, arguments: ["X-" + source, source]) }
            }
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
        }
    }

    /// Every table of the migrated schema checks its words with equalities, but those written a row
    /// at a time by a command (runs, batches, billing, Peppol, promises, data rights): a new table
    /// written in bulk must not bring back a temporary B-tree a row (migration 0045, Store's README).
    @Test func onlyTablesWrittenRowByRowKeepLongInLists() throws {
        let rowByRow: Set<String> = ["run", "nightly_stage", "ingest_batch", "promise_to_pay", "billing_ingest", "contract",
                                     "billing_line", "data_rights_log", "peppol_document"]
        let temporary = try TemporaryStore("store")
        let tables = try temporary.store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL ORDER BY name")
                .map { ($0[0] as String, $0[1] as String) }
        }
        let withLongLists = Set(tables.filter { Schema.checkEqualities($0.1) != $0.1 }.map(\.0))
        #expect(withLongLists == rowByRow)
        #expect(Set(Schema.checkEqualitiesTables).isDisjoint(with: rowByRow))
    }

    /// The rewrite behind migration 0045: only `IN` lists of more than two quoted words change.
    @Test func checkEqualitiesRewritesOnlyLongInLists() {
        #expect(Schema.checkEqualities("a TEXT CHECK (a IN ('x', 'y', 'z')), b INTEGER CHECK (b IN (0, 1)), c TEXT CHECK (c IN ('p', 'q'))")
                == "a TEXT CHECK (a = 'x' OR a = 'y' OR a = 'z'), b INTEGER CHECK (b IN (0, 1)), c TEXT CHECK (c IN ('p', 'q'))")
        for unchanged in ["n INTEGER CHECK (n BETWEEN 0 AND 365), m INTEGER CHECK (m IN (0, 1, 2))",
                          "s TEXT CHECK (s IN ('a', 'b', 'c') AND length(s) = 1)", "t TEXT CHECK (t IN ('a''b', 'c', 'd'))", "no check"] {
            #expect(Schema.checkEqualities(unchanged) == unchanged)
        }
    }

    /// The look-up by structured reference needs no sorter (no `USE TEMP B-TREE` in its plan) and
    /// returns the same candidates, in the same order, as the query with its former
    /// `ORDER BY i.status = 'closed', i.due_date, i.id`: open before closed, oldest due first, then id;
    /// with the sums of each one's allocations (read apart, for those that have any). The look-up by
    /// invoice number reads its sums the same way.
    @Test func referenceLookUpNeedsNoSorterAndKeepsItsOrder() throws {
        let temporary = try TemporaryStore("store")
        try temporary.store.pool.write { db in
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + IngestQueries.byReferenceSQL, arguments: ["R"])
                .map { $0["detail"] as String }
            #expect(!plan.isEmpty && !plan.contains { $0.contains("TEMP B-TREE") })
            try db.execute(sql: "INSERT INTO debtor (id, debtor_key, name, kind, language, country, content_hash) VALUES (1, 'D', 'N', 'b2b', 'nl', 'BE', 0)")
            // id, type, due date, status, open, the reference: ids out of due order, equal due dates,
            // closed ones among the open, a credit note and another reference that must not come back.
            let rows: [(Int64, String, String, String, Int64, String)] = [
                (1, "invoice", "2026-03-01", "open", 100, "R"), (2, "invoice", "2026-01-15", "closed", 0, "R"),
                (3, "invoice", "2026-01-15", "open", 100, "R"), (4, "invoice", "2026-02-01", "open", 40, "R"),
                (5, "invoice", "2026-01-10", "closed", 0, "R"), (6, "invoice", "2026-01-15", "open", 100, "R"),
                (7, "credit_note", "2026-01-01", "open", -100, "R"), (8, "invoice", "2026-01-01", "open", 100, "S"),
                (9, "invoice", "2026-02-01", "open", 100, "R"), (10, "invoice", "2025-12-31", "closed", 0, "R"),
            ]
            for (id, type, due, status, open, ref) in rows {
                try db.execute(sql: """
                    INSERT INTO invoice (id, invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor,
                      open_minor, status, closed_reason, structured_reference, content_hash)
                    VALUES (?, ?, 1, ?, '2025-12-01', ?, 'EUR', ?, ?, ?, ?, ?, 0)
                    """, arguments: [id, "F\(id)", type, due, type == "invoice" ? 100 : -100, open, status,
                                     status == "closed" ? "paid" : nil, ref])
            }
            try db.execute(sql: """
                INSERT INTO payment (id, payment_key, payment_date, currency, amount_minor, unapplied_minor, content_hash)
                VALUES (1, 'P1', '2026-02-01', 'EUR', 260, 0, 0)
                """)
            // A second payment, from the books' register (its allocations reflected), on invoice 4 again and on 1.
            try db.execute(sql: """
                INSERT INTO payment (id, payment_key, payment_date, currency, amount_minor, unapplied_minor, content_hash, booked)
                VALUES (2, 'P2', '2026-02-02', 'EUR', 50, 0, 0, 1)
                """)
            for (payment, invoice, amount) in [(1, 4, 60), (1, 2, 100), (1, 5, 100), (2, 4, 20), (2, 1, 30)] as [(Int64, Int64, Int64)] {
                try db.execute(sql: "INSERT INTO payment_allocation (payment_id, invoice_id, amount_minor, rule) VALUES (?, ?, ?, 'manual')",
                               arguments: [payment, invoice, amount])
            }
            // id, capacity, and the figures' sums: allocated, reflected (booked), unreflected (none: no export batch).
            let expected = try Row.fetchAll(db, sql: """
                SELECT id, amount_minor - COALESCE((SELECT SUM(amount_minor) FROM payment_allocation WHERE invoice_id = invoice.id), 0),
                  COALESCE((SELECT SUM(amount_minor) FROM payment_allocation WHERE invoice_id = invoice.id), 0),
                  COALESCE((SELECT SUM(a.amount_minor) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                            WHERE a.invoice_id = invoice.id AND p.booked = 1), 0), 0
                FROM invoice WHERE structured_reference = 'R' AND type = 'invoice' ORDER BY status = 'closed', due_date, id
                """).map { [$0[0] as Int64, $0[1] as Int64, $0[2] as Int64, $0[3] as Int64, $0[4] as Int64] }
            #expect(expected.map { $0[0] } == [3, 6, 4, 9, 1, 10, 5, 2])
            let found = try AllocationStatements(db).candidates(reference: "R")
            #expect(found.map { [$0.invoiceID, $0.capacity] } == expected.map { Array($0[0...1]) })
            // The sums come from the per-invoice read for the invoices with allocations, and are zero for the others.
            #expect(found.map { [$0.invoiceID, $0.capacity, $0.figures?.allocated ?? -1, $0.figures?.reflected ?? -1,
                                 $0.figures?.unreflected ?? -1] } == expected)
            #expect(try AllocationStatements(db).candidates(reference: "S").map(\.invoiceID) == [8])
            #expect(try AllocationStatements(db).candidates(reference: "none").isEmpty)
            // The look-up by invoice number reads the same way: one invoice, its capacity and sums from
            // the per-invoice read when it has allocations, zero when not; nothing for a credit note.
            let numberPlan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + IngestQueries.byInvoiceNumberSQL, arguments: ["F1"])
                .map { $0["detail"] as String }
            #expect(!numberPlan.isEmpty && !numberPlan.contains { $0.contains("TEMP B-TREE") })
            for row in expected {
                let one = try AllocationStatements(db).candidates(invoiceNumber: "F\(row[0])")
                #expect(one.map { [$0.invoiceID, $0.capacity, $0.figures?.allocated ?? -1, $0.figures?.reflected ?? -1,
                                   $0.figures?.unreflected ?? -1] } == [row], "invoice F\(row[0])")
            }
            #expect(try AllocationStatements(db).candidates(invoiceNumber: "F8").map(\.capacity) == [100])
            #expect(try AllocationStatements(db).candidates(invoiceNumber: "F7").isEmpty)
            #expect(try AllocationStatements(db).candidates(invoiceNumber: "none").isEmpty)
        }
    }

    @Test func runLedgerRecordsOutcome() throws {
        let temporary = try TemporaryStore("store")
        let store = temporary.store
        let ledger = RunLedger(store: store)
        let id = try ledger.begin(command: "ingest invoices", asOf: "2026-11-21", at: Date(timeIntervalSince1970: 0))
        try ledger.finish(id: id, outcome: "rejected", exitCode: 65, summary: "[]", at: Date(timeIntervalSince1970: 1.5))
        let r = try #require(try ledger.recent(limit: 1).first)
        #expect(r.command == "ingest invoices" && r.outcome == "rejected" && r.exitCode == 65)
        #expect(r.startedAt == "1970-01-01T00:00:00.000Z" && r.finishedAt == "1970-01-01T00:00:01.500Z")
    }
}
