import Foundation
import GRDB
import Ledger
import RelanceTestSupport
import Store
import Testing

/// Migration 0048: `invoice_by_debtor` keyed by `(debtor_id, due_date)`, without `status`. A close no
/// longer moves the invoice's entry in it; the per-debtor look-ups of open invoices read
/// `invoice_open` (partial, leading with `debtor_id`), never a debtor's closed history.
@Suite struct InvoiceByDebtorIndexTests {
    /// The index-entry writes and deletes of a closing write (`IngestCommands.setOpenStateSQL`), by the
    /// program SQLite compiles for it: one pair per index whose key or `WHERE` reads a changed column.
    static func closingIndexWrites(_ db: Database) throws -> [Int] {
        let program = try Row.fetchAll(db, sql: "EXPLAIN " + IngestCommands.setOpenStateSQL, arguments: [0, "closed", "paid", "2026-11-21", 1])
            .map { $0["opcode"] as String }
        return [program.filter { $0 == "IdxInsert" }.count, program.filter { $0 == "IdxDelete" }.count]
    }

    /// Debtor 1 with closed history (one due after its open items), open invoices (two disputed on one due day, ids out of the
    /// index's currency order) and an open credit note; debtor 2 with one open invoice.
    static func seed(_ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO debtor (id, debtor_key, name, kind, language, country, content_hash)
            VALUES (1, 'D1', 'Debiteur', 'b2b', 'nl', 'BE', 0), (2, 'D2', 'Autre', 'b2b', 'fr', 'BE', 0);
            """)
        // id, debtor, type, due date, currency, open (closed when 0 and an invoice), disputed.
        let rows: [(Int64, Int64, String, String, String, Int64, Int)] = [
            (1, 1, "invoice", "2026-01-10", "EUR", 0, 0), (2, 1, "invoice", "2026-06-10", "EUR", 0, 0),
            (3, 1, "invoice", "2026-03-10", "EUR", 100, 0), (4, 1, "invoice", "2026-04-10", "USD", 100, 1),
            (5, 1, "invoice", "2026-04-10", "EUR", 40, 1), (6, 1, "credit_note", "2026-05-10", "EUR", -100, 0),
            (7, 1, "invoice", "2025-12-10", "EUR", 0, 0), (8, 2, "invoice", "2026-03-10", "EUR", 100, 0),
        ]
        for (id, debtor, type, due, currency, open, disputed) in rows {
            let closed = type == "invoice" && open == 0
            try db.execute(sql: """
                INSERT INTO invoice (id, invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor,
                  open_minor, status, closed_reason, closed_on, disputed, content_hash)
                VALUES (?, ?, ?, ?, '2025-12-01', ?, ?, ?, ?, ?, ?, ?, ?, 0)
                """, arguments: [id, "F\(id)", debtor, type, due, currency, type == "invoice" ? 100 : -100, open,
                                 closed ? "closed" : "open", closed ? "paid" : nil, closed ? due : nil, disputed])
        }
    }

    /// SQL seen by a trace, in the order first run.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ sql: String) { lock.withLock { if !list.contains(sql) { list.append(sql) } } }
        var all: [String] { lock.withLock { list } }
    }

    /// Every per-debtor look-up of open invoices, traced with its arguments, and SQLite's plan for each.
    static func openLookUpPlans(_ db: Database) throws -> [(sql: String, plan: [String])] {
        let seen = Seen()
        db.trace(options: .statement) { event in
            if case .statement(let s) = event { seen.add(s.expandedSQL) }
        }
        _ = try IngestQueries.statementItems(db, debtorID: 1)
        _ = try ReportQueries.debtorOpenFigures(db, id: 1, asOf: Day(iso: "2026-06-01")!)
        _ = try Array(ReportQueries.statementCursor(db, id: 1, runID: 1))
        _ = try ReportQueries.disputes(db, id: 1)
        _ = try DunningQueries.queuedReminderChecks(db)
        let statements = AllocationStatements(db)
        _ = try statements.candidates(debtorKey: "D1")
        _ = try statements.candidates(reminderReference: "+++090/9337/55493+++")
        db.trace(options: .statement, nil)
        return try seen.all.filter { $0.contains("invoice") }.map { sql in
            (sql, try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String })
        }
    }

    /// Each look-up of a debtor's open invoices searches `invoice_open` by debtor, none `invoice_by_debtor`.
    static func expectOpenLookUpsReadInvoiceOpen(_ db: Database) throws {
        let plans = try openLookUpPlans(db)
        #expect(plans.count == 7, "\(plans.count) look-ups traced")
        for (sql, plan) in plans {
            #expect(plan.contains { $0.contains("USING INDEX invoice_open (debtor_id=?)") || $0.contains("USING COVERING INDEX invoice_open (debtor_id=?)") },
                    "not by invoice_open: \(plan) for \(sql)")
            #expect(!plan.contains { $0.contains("invoice_by_debtor") }, "reads the debtor's closed history: \(plan) for \(sql)")
        }
    }

    /// A fresh ledger: a close writes and deletes one entry (`invoice_open`'s), the open look-ups read
    /// `invoice_open`, and a debtor's disputes on one due day come in id order as they did through the
    /// former index.
    @Test func aCloseMovesNoEntryByDebtorAndOpenLookUpsReadTheOpenIndex() throws {
        let temporary = try TemporaryStore("invoice-by-debtor")
        try temporary.store.pool.write { db in
            try Self.seed(db)
            #expect(try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'invoice_by_debtor'")
                    == "CREATE INDEX invoice_by_debtor ON invoice(debtor_id, due_date)")
            #expect(try Self.closingIndexWrites(db) == [1, 1])
            try Self.expectOpenLookUpsReadInvoiceOpen(db)
            #expect(try ReportQueries.disputes(db, id: 1).map(\.invoiceNumber) == ["F4", "F5"])
            #expect(try IngestQueries.statementItems(db, debtorID: 1).map(\.number) == ["F3", "F4", "F5", "F6"])
            #expect(try AllocationStatements(db).candidates(debtorKey: "D1").map(\.invoiceID) == [3])
            // What read all of a debtor's invoices in the former index's order keeps it: closed before open, then by due date.
            #expect(try ErasureCommands.subject(db, debtorKey: "D1")?.invoiceNumbers == ["F7", "F1", "F2", "F3", "F4", "F5", "F6"])
            for invoice in [1, 2, 3, 7] {
                try db.execute(sql: """
                    INSERT INTO external_reminder (invoice_id, day, step_index, step, channel, file_name, line, at)
                    VALUES (?, '2026-04-01', 1, 'first', 'email', 'reminders.csv', ?, '2026-04-01T08:00:00Z')
                    """, arguments: [invoice, invoice])
            }
            #expect(try IngestQueries.externalReminderMessages(db, debtorID: 1).map(\.invoices) == ["F7 F1 F2 F3"])
        }
    }

    /// A workspace at 0047: 0048 re-creates the index and nothing else; every invoice stays, each has its
    /// entry, a close writes one pair fewer, the look-ups keep to `invoice_open`, and the schema is a
    /// fresh ledger's.
    @Test func aWorkspaceAt0047KeepsEveryInvoiceAndItsPlans() throws {
        try upgradeLedger(from: "0047-payment-counterparty-unindexed", label: "invoice-by-debtor-upgrade", seed: { db in
            try Self.seed(db)
            #expect(try Self.closingIndexWrites(db) == [2, 2])
            return try Row.fetchAll(db, sql: "SELECT * FROM invoice ORDER BY id")
        }, check: { store, before in
            let fresh = try TemporaryStore("invoice-by-debtor-fresh")
            let freshSchema = try fresh.store.pool.read { db in try SchemaTests.dump(db) }
            try store.pool.write { db in
                #expect(try Schema.migrator.appliedMigrations(db).contains("0048-invoice-by-debtor-without-status"))
                #expect(try Row.fetchAll(db, sql: "SELECT * FROM invoice ORDER BY id") == before)
                #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice INDEXED BY invoice_by_debtor WHERE debtor_id > 0") == before.count)
                #expect(try Self.closingIndexWrites(db) == [1, 1])
                try Self.expectOpenLookUpsReadInvoiceOpen(db)
                #expect(try SchemaTests.dump(db) == freshSchema)
                #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            }
        })
    }
}
