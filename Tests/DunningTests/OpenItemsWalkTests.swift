import Dunning
import Foundation
import GRDB
import Ingest
import Ledger
import RelanceTestSupport
import Store
import Testing

/// The plan's walk of the open items (issue 17): the debtors and the open invoices are two ordered
/// passes merged in Swift, no longer a join. It must give exactly what the join gave: the same
/// debtors, items, order and ladder state, with debtors that owe nothing passed over.
@Suite struct OpenItemsWalkTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("IngestTests/Fixtures").path

    /// (debtor id, debtor key, invoice id, number, step index, last reminder) in walk order, from the join the walk replaced.
    static func joined(_ db: Database, only debtor: Int64? = nil) throws -> [String] {
        try Row.fetchAll(db, sql: """
            SELECT d.id, d.debtor_key, i.id, i.invoice_number, s.step_index, s.last_reminder, d.name, i.description
            FROM invoice i JOIN debtor d ON d.id = i.debtor_id LEFT JOIN dunning_state s ON s.invoice_id = i.id
            WHERE i.status = 'open' \(debtor == nil ? "" : "AND i.debtor_id = \(debtor ?? 0)") ORDER BY i.debtor_id, i.due_date, i.id
            """).map { r in
            "\(r[0] as Int64) \(r[1] as String) \(r[2] as Int64) \(r[3] as String) \((r[4] as Int?).map(String.init) ?? "-") "
                + "\((r[5] as String?) ?? "-") \(r[6] as String) \((r[7] as String?) ?? "-")"
        }
    }

    /// The same facts from the walk; the descriptions, which the walk leaves out (0046), by primary key.
    static func walked(_ db: Database, only debtor: Int64? = nil) throws -> [String] {
        var out: [String] = []
        try DunningQueries.forEachDebtorWithOpenItems(db, asOf: Day(iso: "2026-11-21")!, only: debtor) { d, items in
            #expect(!items.isEmpty)
            let descriptions = try DunningQueries.openItemDescriptions(db, ids: items.map(\.invoiceID))
            for i in items {
                out.append("\(d.id) \(d.key) \(i.invoiceID) \(i.number) \(i.stepIndex.map(String.init) ?? "-") "
                           + "\(i.lastReminder?.description ?? "-") \(d.name) \(descriptions[i.invoiceID] ?? "-")")
            }
        }
        return out
    }

    @Test func theMergedWalkGivesWhatTheJoinGave() throws {
        let dir = NSTemporaryDirectory() + "relance-walk-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        for (kind, file) in [(IngestKind.debtors, "debtors-nl.csv"), (.invoices, "invoices-en.csv"), (.invoices, "invoices-fr-cp1252.csv")] {
            _ = try Ingestor.run(store: store, files: [Self.fixtures + "/" + file], options: IngestOptions(kind: kind, asOf: Day(iso: "2026-11-21")!)) { _ in }
        }
        try store.pool.write { db in
            // Ladder state on one invoice; a debtor at the end of the id range with nothing open, and one
            // before the first debtor with open items: the debtor pass must step over both.
            let invoice = try Int64.fetchOne(db, sql: "SELECT id FROM invoice WHERE invoice_number = 'INV-2'") ?? 0
            try db.execute(sql: """
                INSERT INTO dunning_state (invoice_id, ladder, step_index, step, last_reminder) VALUES (?, 'b2b', 1, 'reminder-1', '2026-11-10')
                """, arguments: [invoice])
            try db.execute(sql: "UPDATE invoice SET status = 'closed', closed_reason = 'paid', open_minor = 0 WHERE invoice_number = 'INV-1'")
        }
        try store.pool.read { db in
            let all = try Self.joined(db)
            #expect(all.count >= 4)
            #expect(all.contains { $0.contains(" INV-2 1 2026-11-10 ") })
            #expect(try Self.walked(db) == all)
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM debtor ORDER BY id")
            for id in ids + [ids.max().map { $0 + 1 } ?? 1] {
                #expect(try Self.walked(db, only: id) == Self.joined(db, only: id), "debtor \(id)")
            }
        }
    }

    /// 0046: the whole ledger's walk leaves the descriptions out of the snapshots; one debtor's
    /// snapshot (the preview) and a plan made `describing` have them, read by primary key.
    @Test func descriptionsAreReadOnlyForTheDebtorsThatShowThem() throws {
        let dir = NSTemporaryDirectory() + "relance-walk-descr-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        for (kind, file) in [(IngestKind.debtors, "debtors-nl.csv"), (.invoices, "invoices-en.csv")] {
            _ = try Ingestor.run(store: store, files: [Self.fixtures + "/" + file], options: IngestOptions(kind: kind, asOf: Day(iso: "2026-11-21")!)) { _ in }
        }
        try store.pool.read { db in
            let stored = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: """
                SELECT id, description FROM invoice WHERE status = 'open' AND description IS NOT NULL
                """).map { ($0[0] as Int64, $0[1] as String) })
            #expect(stored.count >= 2)
            let reader = SnapshotReader(db: db)
            let day = Day(iso: "2026-11-21")!
            var whole: [DebtorSnapshot] = []
            try reader.forEachDebtor(asOf: day) { whole.append($0) }
            #expect(whole.flatMap(\.items).allSatisfy { $0.description == nil })
            let planner = Planner(ladders: [.b2b: try Ladder.parse(DefaultLadders.b2b, file: "b2b"),
                                            .b2c: try Ladder.parse(DefaultLadders.b2c, file: "b2c")])
            for snapshot in whole {
                var one: DebtorSnapshot? = nil
                try reader.forEachDebtor(asOf: day, only: snapshot.id) { one = $0 }
                let items = try #require(one).items
                #expect(items.map(\.invoiceID) == snapshot.items.map(\.invoiceID))
                #expect(items.map(\.description) == items.map { stored[$0.invoiceID] })
                let described = try reader.describing(try planner.plan(snapshot, asOf: day))
                #expect(described.items.map(\.item.description) == described.items.map { stored[$0.item.invoiceID] })
                #expect(described.debtor.items == items)
            }
        }
    }

    /// A workspace at 0045 (the wide index) with open invoices: 0046 rebuilds `invoice_open`
    /// without `description`, and the walk reads the same items, descriptions by primary key.
    @Test func aWorkspaceAt0045MigratesAndTheWalkReadsTheSameItems() throws {
        try upgradeLedger(from: "0045-check-equalities", label: "walk-0046", seed: { db in
            try db.execute(sql: """
                INSERT INTO ingest_batch (id, kind, file_name, file_path, file_bytes, file_hash, encoding, as_of, started_at, finished_at,
                  rows_read, rows_imported, rows_updated, rows_unchanged, rows_rejected)
                VALUES (1, 'invoices', 'invoices.csv', '/in/invoices.csv', 120, 'a1', 'utf-8', '2026-11-01', '2026-11-01T01:00:00.000Z',
                  '2026-11-01T01:00:01.000Z', 4, 4, 0, 0, 0);
                INSERT INTO debtor (id, debtor_key, name, kind, email, language, country, on_hold, content_hash, created_batch_id)
                VALUES (1, 'K001', 'Brasserie Éclair SRL', 'b2b', 'compta@eclair.example', 'fr', 'BE', 0, 11, 1),
                       (2, 'K002', 'Jan Peeters', 'b2c', 'jan@peeters.example', 'nl', 'BE', 0, 12, 1);
                INSERT INTO invoice (id, invoice_number, debtor_id, type, issue_date, due_date, currency, amount_minor, open_minor,
                  description, disputed, status, closed_reason, closed_on, content_hash, created_batch_id)
                VALUES (1, 'F-001', 1, 'invoice', '2026-09-10', '2026-10-10', 'EUR', 121000, 121000, 'Bière, septembre', 0, 'open', NULL, NULL, 21, 1),
                       (2, 'F-002', 2, 'invoice', '2026-09-15', '2026-10-15', 'EUR', 5000, 0, 'Herstelling', 0, 'closed', 'paid', '2026-10-20', 22, 1),
                       (3, 'F-003', 2, 'invoice', '2026-09-20', '2026-10-20', 'EUR', 7000, 7000, NULL, 0, 'open', NULL, NULL, 23, 1),
                       (4, 'C-001', 1, 'credit_note', '2026-10-01', '2026-10-01', 'EUR', -10000, -10000, 'Retour', 0, 'open', NULL, NULL, 24, 1);
                """)
            let before = try Self.joined(db)
            #expect(try Self.walked(db) == before)
            #expect(before.count == 3)
            return before
        }, check: { store, before in
            try store.pool.read { db in
                #expect(try Schema.migrator.appliedMigrations(db).contains("0046-invoice-open-narrow"))
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'invoice_open'") ?? ""
                #expect(!sql.contains("description") && sql.contains("invoice_number") && sql.contains("WHERE status = 'open'"), "\(sql)")
                #expect(try Self.walked(db) == before)
                #expect(try Self.joined(db) == before)
            }
        })
    }

    @Test func theWalkReadsOnlyIndexesAndNoHistory() throws {
        let dir = NSTemporaryDirectory() + "relance-walk-plan-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try LedgerStore(path: dir + "/relance.sqlite")
        try store.pool.read { db in
            // The open items come from `invoice_open`, which holds every column the walk reads: SQLite
            // defers the look-up in `invoice` and never makes it.
            let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + DunningQueries.openItemsSQL(onlyOneDebtor: false))
                .map { $0["detail"] as String }
            #expect(plan.contains { $0.hasPrefix("SCAN i USING") && $0.contains("INDEX invoice_open") }, "\(plan)")
            #expect(!plan.contains { $0.contains("dunning_event") })
        }
    }
}
